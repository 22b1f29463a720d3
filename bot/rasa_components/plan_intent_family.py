"""Undoes the fallback when the only doubt is between two kinds of plan question.

"How can young people have a say?" may score close between ``ask_plan`` and
``ask_about``. The fallback classifier then asks "did you mean…?", but both
intents go to the same action, which works out the answer from the words. When
the plan intents together are confident and one of them is on top, the message
keeps that intent instead of falling back.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.plan.answers import PLAN_INTENTS

FALLBACK_INTENT = DEFAULT_NLU_FALLBACK_INTENT_NAME


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PlanIntentFamily(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"threshold": 0.4, "ambiguity_threshold": 0.1}

    def __init__(self, threshold: float, ambiguity: float) -> None:
        self.threshold = threshold
        self.ambiguity = ambiguity

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PlanIntentFamily:
        return cls(float(config["threshold"]), float(config["ambiguity_threshold"]))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            restored = family_intent(
                message.get(INTENT) or {},
                message.get(INTENT_RANKING_KEY) or [],
                self.threshold,
                self.ambiguity,
            )
            if restored:
                message.set(INTENT, restored, add_to_output=True)
        return messages


def family_intent(
    intent: dict, ranking: list[dict], threshold: float, ambiguity: float = 0.1
) -> dict | None:
    """The top plan intent, if the fallback was only plan-versus-plan doubt."""
    if intent.get(INTENT_NAME_KEY) != FALLBACK_INTENT:
        return None
    ranked = [r for r in ranking if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT]
    if not ranked or ranked[0].get(INTENT_NAME_KEY) not in PLAN_INTENTS:
        return None
    top = ranked[0].get("confidence", 0.0)
    family = sum(r.get("confidence", 0.0) for r in ranked if r.get(INTENT_NAME_KEY) in PLAN_INTENTS)
    others = [
        r.get("confidence", 0.0) for r in ranked if r.get(INTENT_NAME_KEY) not in PLAN_INTENTS
    ]
    if family < threshold or top - max(others, default=0.0) < ambiguity:
        return None
    return {INTENT_NAME_KEY: ranked[0][INTENT_NAME_KEY], "confidence": min(family, 1.0)}
