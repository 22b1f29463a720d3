"""What every action module needs, loaded once per action server.

The spaCy pipeline, the content packs and the feedback wording are read here a
single time (a broken data file stops start-up with the file and field named),
instead of once in each module that uses them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import say  # noqa: F401  (the actions' one way to send messages)
from bot.core.chat_messages import Message
from bot.core.spacy_pipeline import load_pipeline
from bot.feedback.flow import FeedbackFlow, load_feedback_wording
from bot.feedback.store import FeedbackStore
from bot.plan.content import load_library
from bot.safety.risk_assessment import SafetyNet
from bot.support.directory import load_needs
from bot.support.need_classifier import NeedClassifier

NLP = load_pipeline()
# The same safety net as the Rasa server's: rules OR model.
SAFETY_NET = SafetyNet.load(NLP)
# The feedback database (feedback, "you said, we did", signposting counts).
STORE = FeedbackStore.from_settings()
LIBRARY = load_library()
AREAS = LIBRARY.area_names()
# Questions and answer-reading for feedback; the support form reads ages and
# areas the same way.
FEEDBACK_FLOW = FeedbackFlow(load_feedback_wording(), AREAS)
# What people need help with, and which need a message is about: find support
# and the plan answers' find-support buttons read needs the same way.
NEEDS = load_needs()
NEED_CLASSIFIER = NeedClassifier(NLP, NEEDS)


class AskQuestion(Action, ABC):
    """``action_ask_<slot>``: a form's question, built from data (buttons vary)."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    @abstractmethod
    def question(self, tracker: Tracker) -> Message: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        say(dispatcher, self.question(tracker))
        return []
