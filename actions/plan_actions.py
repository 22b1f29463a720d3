"""Answers questions about the local plan from the content packs."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import LIBRARY, NLP, say
from bot.plan.answers import PlanAnswerer, Question
from bot.plan.topic_search import TopicSearch

logger = logging.getLogger(__name__)

FOCUS_SLOT = "plan_focus"
MORE_SLOT = "plan_more_shown"

ANSWERER = PlanAnswerer(LIBRARY, TopicSearch(NLP, LIBRARY))


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
            answer = ANSWERER.answer(question)
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
