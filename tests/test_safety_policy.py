"""The safety policy's decisions, on real Rasa trackers (no model needed)."""

from __future__ import annotations

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_components.safety_policy import next_safety_step


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("t", [ActionExecuted(ACTION_LISTEN_NAME), *events])


def risk() -> UserUttered:
    return UserUttered("i want to die", {"name": "risk_signal", "confidence": 1.0})


def test_risk_message_gets_signposting_first():
    assert next_safety_step(tracker(risk())) == ("utter_crisis", [])


def test_then_asks_if_safe_then_listens():
    t = tracker(risk(), ActionExecuted("utter_crisis"))
    assert next_safety_step(t)[0] == "utter_crisis_check_safe"
    t.update(ActionExecuted("utter_crisis_check_safe"))
    assert next_safety_step(t)[0] == ACTION_LISTEN_NAME


def test_an_active_form_is_ended_first():
    t = tracker(
        ActiveLoop("feedback_form"),
        SlotSet("requested_slot", "feedback_text"),
        ActionExecuted(ACTION_LISTEN_NAME),
        risk(),
    )
    action, events = next_safety_step(t)
    assert action == "utter_crisis"
    assert ActiveLoop(None) in events and SlotSet("requested_slot", None) in events


def test_abstains_otherwise():
    t = tracker(UserUttered("hi", {"name": "greet", "confidence": 0.9}))
    assert next_safety_step(t) == (None, [])
    t.update(ActionExecuted("utter_greet"))
    assert next_safety_step(t) == (None, [])
