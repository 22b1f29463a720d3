"""Puts the safety net (:mod:`bot.risk_assessment`) last in the NLU pipeline.

Running last means no later component can undo it: whatever DIET or the
fallback classifier decided, a message that signals risk leaves the pipeline as
``risk_signal`` with confidence 1.0, a ``risk_level`` entity (``full`` or
``soft``) and, when one is known, a ``risk_category`` entity, which fills the
slot that picks the right signposting.

The intent model's own ``risk_signal`` guess is one more reason for doubt: on
its own it becomes soft signposting (the numbers, then "are you OK?"), never a
"did you mean…?" question without numbers.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import project_path
from bot.rasa_components.input_guard import FULL_TEXT
from bot.risk_assessment import Assessment, SafetyNet
from bot.spacy_pipeline import DEFAULT_PIPELINE_DIR, load_pipeline

logger = logging.getLogger(__name__)

RISK_INTENT = "risk_signal"
RISK_ENTITY = "risk_category"
LEVEL_ENTITY = "risk_level"
DEFAULT_RULES = "data/safety/risk_categories.yml"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RiskSignalClassifier(GraphComponent, IntentClassifier):
    """Overrides the predicted intent with ``risk_signal`` when the safety net fires."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"model": str(DEFAULT_PIPELINE_DIR), "rules": DEFAULT_RULES}

    def __init__(self, safety_net: SafetyNet) -> None:
        self.safety_net = safety_net

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskSignalClassifier:
        nlp = load_pipeline(project_path(config["model"]))
        return cls(SafetyNet.load(nlp, project_path(config["rules"])))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(FULL_TEXT) or message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            assessment = self.safety_net.assess(
                text, intent_model_suspects=intent.get(INTENT_NAME_KEY) == RISK_INTENT
            )
            if assessment is not None:
                mark_risk(message, assessment, len(text))
        return messages


def mark_risk(message: Message, assessment: Assessment, length: int) -> None:
    """Set the intent and the entities the safety policy and the slots read."""
    # The reason names the rule or the model, never the text.
    logger.info(
        "Risk signal: %s signposting (%s) via %s",
        assessment.level,
        assessment.category or "no category",
        assessment.reason,
    )
    message.set(INTENT, {INTENT_NAME_KEY: RISK_INTENT, "confidence": 1.0}, add_to_output=True)
    found = [(LEVEL_ENTITY, assessment.level)]
    if assessment.category:
        found.append((RISK_ENTITY, assessment.category))
    entities = [
        e for e in message.get(ENTITIES, []) if e.get("entity") not in (RISK_ENTITY, LEVEL_ENTITY)
    ]
    for name, value in found:
        entities.append(
            {
                "entity": name,
                "value": value,
                "start": 0,
                "end": length,
                "confidence": 1.0,
                "extractor": RiskSignalClassifier.__name__,
            }
        )
    message.set(ENTITIES, entities, add_to_output=True)
