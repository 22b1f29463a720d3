"""Rasa components that put :mod:`bot.safety.input_guard` into the NLU pipeline."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety import input_guard

FULL_TEXT = "full_text"
INTENT_FOR_SHAPE = {
    input_guard.InputShape.EMPTY: "input_empty",
    input_guard.InputShape.EMOJI: "input_emoji",
    input_guard.InputShape.OTHER_LANGUAGE: "other_language",
}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LongMessageTrimmer(GraphComponent):
    """Shortens the text the classifiers see; keeps the original for the safety check."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"max_characters": input_guard.DEFAULT_MAX_CHARACTERS}

    def __init__(self, config: Dict[str, Any]) -> None:
        self.max_characters = int(config.get("max_characters", input_guard.DEFAULT_MAX_CHARACTERS))

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LongMessageTrimmer:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self.max_characters:
                message.set(FULL_TEXT, text)
                message.set(TEXT, input_guard.trim(text, self.max_characters))
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class InputShapeClassifier(GraphComponent, IntentClassifier):
    """Overrides the intent for empty messages and unreadable scripts, by rule."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputShapeClassifier:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            shape = input_guard.classify(message.get(FULL_TEXT) or message.get(TEXT))
            intent = INTENT_FOR_SHAPE.get(shape)
            if intent:
                message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
        return messages
