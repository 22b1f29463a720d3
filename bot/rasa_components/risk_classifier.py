"""Puts the safety detector (:mod:`bot.crisis`) last in the NLU pipeline.

Running last means no later component can undo it: whatever DIET or the
fallback classifier decided, a message that signals risk leaves the pipeline as
``risk_signal`` with confidence 1.0 and a ``risk_category`` entity, which fills
the slot that picks the right signposting.

The intent model also knows ``risk_signal``, but on its own it guesses wrong
too often ("my feet are killing me"; about a quarter of the hard negatives).
When only the model suspects risk, the message becomes ``nlu_fallback``, so the
two-stage fallback asks "did you mean: that you might not be safe?" with yes/no
buttons: certain risk is signposted at once, uncertain risk is asked about.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import project_path
from bot.crisis import RiskDetector, load_rules
from bot.rasa_components.input_guard import FULL_TEXT
from bot.spacy_pipeline import DEFAULT_PIPELINE_DIR, load_pipeline

logger = logging.getLogger(__name__)

RISK_INTENT = "risk_signal"
RISK_ENTITY = "risk_category"
DEFAULT_RULES = "data/safety/risk_categories.yml"
FALLBACK_INTENT = DEFAULT_NLU_FALLBACK_INTENT_NAME


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RiskSignalClassifier(GraphComponent, IntentClassifier):
    """Overrides the predicted intent with ``risk_signal`` when the detector fires."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"model": str(DEFAULT_PIPELINE_DIR), "rules": DEFAULT_RULES}

    def __init__(self, detector: RiskDetector) -> None:
        self.detector = detector

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskSignalClassifier:
        nlp = load_pipeline(project_path(config["model"]))
        return cls(RiskDetector(nlp, load_rules(project_path(config["rules"]))))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(FULL_TEXT) or message.get(TEXT) or ""
            match = self.detector.detect(text)
            if match is None:
                self._soften_model_only_risk(message)
                continue
            logger.info("Risk signal (%s) via %s", match.category, match.rule)
            message.set(INTENT, {"name": RISK_INTENT, "confidence": 1.0}, add_to_output=True)
            entity = {
                "entity": RISK_ENTITY,
                "value": match.category,
                "start": 0,
                "end": len(text),
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
            }
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != RISK_ENTITY]
            message.set(ENTITIES, entities + [entity], add_to_output=True)
        return messages

    @staticmethod
    def _soften_model_only_risk(message: Message) -> None:
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) == RISK_INTENT:
            softened = {INTENT_NAME_KEY: FALLBACK_INTENT, "confidence": intent.get("confidence")}
            message.set(INTENT, softened, add_to_output=True)
