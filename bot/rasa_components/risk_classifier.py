"""Puts the safety net (:mod:`bot.safety.risk_assessment`) last in the NLU pipeline.

Running last means no later component can undo it: whatever DIET or the
fallback classifier decided, a message that signals risk leaves the pipeline as
``risk_signal`` with confidence 1.0, a ``risk_level`` entity (``full`` or
``soft``) and, when one is known, a ``risk_category`` entity, which fills the
slot that picks the right signposting.

The intent model's own ``risk_signal`` guess is one more reason for doubt: on
its own it becomes soft signposting (the numbers, then "are you OK?"), never a
"did you mean…?" question without numbers.

When only the risk model is unsure (``soft``) and the intent model understood the
message as something else ("i want to tell you how i feel", "my son is being
bullied at school"), the intent is kept and only the ``risk_level`` entity is
added: the safety policy then gives the numbers in one line *alongside* the normal
answer, so a false alarm costs a line of text, not the young person's question.
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
from bot.core.spacy_pipeline import DEFAULT_PIPELINE_DIR, load_pipeline
from bot.rasa_components.input_guard import FULL_TEXT
from bot.safety.risk_assessment import MODEL_UNSURE, SOFT, Assessment, SafetyNet
from bot.safety.risk_signal import LEVEL_ENTITY, RISK_ENTITY, RISK_INTENT

logger = logging.getLogger(__name__)

DEFAULT_RULES = "data/safety/risk_categories.yml"
# Intents that leave nothing else to answer: doubt about risk here gets the check-in
# (numbers, then "are you OK?") rather than a line beside another answer.
NOTHING_ELSE_TO_ANSWER = frozenset(
    {RISK_INTENT, "nlu_fallback", "out_of_scope", "input_empty", "input_emoji"}
)
# Intents whose own reply already gives the numbers.
ALREADY_SIGNPOSTED = frozenset({"not_safe_now"})


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
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            assessment = self.safety_net.assess(text, intent_model_suspects=intent == RISK_INTENT)
            if assessment is None:
                continue
            if assessment.level == SOFT and intent in ALREADY_SIGNPOSTED:
                continue
            alongside = (
                assessment.level == SOFT
                and assessment.reason == MODEL_UNSURE
                and intent not in NOTHING_ELSE_TO_ANSWER
            )
            mark_risk(message, assessment, len(text), keep_intent=alongside)
        return messages


def mark_risk(
    message: Message, assessment: Assessment, length: int, keep_intent: bool = False
) -> None:
    """Set the intent and the entities the safety policy and the slots read.

    ``keep_intent`` leaves the intent model's answer in place (soft signposting
    alongside the normal reply); otherwise the intent becomes ``risk_signal``.
    """
    # The reason names the rule or the model, never the text.
    logger.info(
        "Risk signal: %s signposting%s (%s) via %s",
        assessment.level,
        " alongside the answer" if keep_intent else "",
        assessment.category or "no category",
        assessment.reason,
    )
    if not keep_intent:
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
