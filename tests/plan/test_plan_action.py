"""The plan action with real rasa-sdk Tracker and dispatcher objects (no trained model)."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

BULLYING = '/find_support{"choice": "bullying"}'


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def tracker(text: str, intent: str, slots=None, earlier=()) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    events = [*earlier, user(text, intent)]
    return Tracker("someone", slots or {}, latest, events, False, None, {}, "action_listen")


def run(tracker_: Tracker):
    from actions.plan_actions import ActionPlanAnswer

    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionPlanAnswer().run(dispatcher, tracker_, {}))
    return dispatcher.messages, events


def payloads(messages) -> list[str]:
    return [b["payload"] for m in messages for b in (m.get("buttons") or [])]


def test_a_topic_answer_offers_support_for_the_need_named():
    messages, events = run(tracker("what are they doing about bullying", "ask_about"))
    assert payloads(messages)[0] == BULLYING
    assert SlotSet("plan_focus", "outcome-5") in events
    assert SlotSet("plan_more_shown", 0.0) in events


def test_tell_me_more_moves_on_and_keeps_the_need_asked_about():
    asked = user("what are they doing about bullying", "ask_about")
    slots = {"plan_focus": "outcome-5", "plan_more_shown": 1.0, "area": "camden"}
    messages, events = run(tracker("tell me more", "more_info", slots, earlier=[asked]))
    assert SlotSet("plan_more_shown", 2.0) in events
    assert "Linked impacts" in messages[0]["text"]  # the second step: the links
    assert payloads(messages)[0] == BULLYING


def test_the_need_is_not_carried_past_a_new_question():
    earlier = [user("what are they doing about bullying", "ask_about"),
               user("next one", "next_item")]  # fmt: skip
    slots = {"plan_focus": "outcome-6", "plan_more_shown": 0.0}
    messages, _ = run(tracker("tell me more", "more_info", slots, earlier=earlier))
    assert BULLYING not in payloads(messages)
