"""Answers questions about the local plan from the content packs."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import LIBRARY, NEED_CLASSIFIER, NEEDS, NLP, say
from bot.plan.answers import PlanAnswerer, Question
from bot.plan.topic_search import TopicSearch
from bot.support.plan_links import PlanSupportLinks

logger = logging.getLogger(__name__)

FOCUS_SLOT = "plan_focus"
MORE_SLOT = "plan_more_shown"
MORE_INTENT = "more_info"

ANSWERER = PlanAnswerer(LIBRARY, TopicSearch(NLP, LIBRARY))
# Every answer about a topic offers to find support for it.
SUPPORT_LINKS = PlanSupportLinks(NEED_CLASSIFIER, NEEDS, LIBRARY.wording["buttons"])


def topic_words(tracker: Tracker) -> str:
    """The words that brought up the topic: "tell me more" keeps the question before it.

    After "what about bullying?" then "tell me more", the find-support button is
    still for bullying. Button payloads ("/more_info") name no need and are left out.
    """
    said = []
    users = [event for event in tracker.events if event.get("event") == "user"]
    for event in reversed(users or [tracker.latest_message]):
        text = event.get("text") or ""
        if not text.startswith("/"):
            said.append(text)
        intent = ((event.get("parse_data") or event).get("intent") or {}).get("name")
        if intent != MORE_INTENT:
            break
    return " ".join(reversed(said))


class ActionPlanAnswer(Action):
    def name(self) -> str:
        return "action_plan_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        question = Question(
            # The intent as the pipeline left it (not the raw ranking, which may still
            # have nlu_fallback on top after PlanIntentFamily restored a plan intent).
            intent=(tracker.latest_message.get("intent") or {}).get("name") or "",
            text=tracker.latest_message.get("text") or "",
            area=tracker.get_slot("area"),
            named_area=next(tracker.get_latest_entity_values("area"), None),
            focus=tracker.get_slot(FOCUS_SLOT),
            item_id=next(tracker.get_latest_entity_values("plan_item"), None),
            more_shown=int(tracker.get_slot(MORE_SLOT) or 0),
        )
        try:
            answer = SUPPORT_LINKS.add_to(ANSWERER.answer(question), topic_words(tracker))
        except Exception:  # the edge: log it, and the young person still gets an answer
            logger.exception("Could not answer plan question %r", question)
            dispatcher.utter_message(response="utter_default")
            return []
        say(dispatcher, *answer.messages)
        return [
            SlotSet("area", answer.area),
            SlotSet(FOCUS_SLOT, answer.focus),
            SlotSet(MORE_SLOT, float(answer.more_shown)),
        ]
