"""The safety policy's decisions, on real Rasa trackers (no model needed)."""

from __future__ import annotations

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_components.safety_policy import next_safety_step


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("t", [ActionExecuted(ACTION_LISTEN_NAME), *events])


def risk() -> UserUttered:
    return UserUttered("i want to die", {"name": "risk_signal", "confidence": 1.0})


def test_risk_message_gets_signposting_first():
    assert next_safety_step(tracker(risk())) == ("utter_crisis", [])


def test_then_asks_if_safe_then_counts_then_listens():
    t = tracker(risk(), ActionExecuted("utter_crisis"))
    assert next_safety_step(t)[0] == "utter_crisis_check_safe"
    t.update(ActionExecuted("utter_crisis_check_safe"))
    assert next_safety_step(t)[0] == "action_count_signposting"
    t.update(ActionExecuted("action_count_signposting"))
    assert next_safety_step(t)[0] == ACTION_LISTEN_NAME


def test_doubt_gets_soft_signposting_then_the_count():
    unsure = UserUttered(
        "😭",
        {"name": "risk_signal", "confidence": 1.0},
        [{"entity": "risk_level", "value": "soft"}],
    )
    t = tracker(unsure)
    assert next_safety_step(t) == ("utter_crisis_soft", [])
    t.update(ActionExecuted("utter_crisis_soft"))
    assert next_safety_step(t)[0] == "action_count_signposting"


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


def test_doubt_inside_a_form_gives_the_numbers_and_keeps_the_form():
    unsure = UserUttered(
        "nobody listens to me",
        {"name": "risk_signal", "confidence": 1.0},
        [{"entity": "risk_level", "value": "soft"}],
    )
    t = tracker(
        ActiveLoop("feedback_form"),
        SlotSet("requested_slot", "feedback_text"),
        ActionExecuted(ACTION_LISTEN_NAME),
        unsure,
    )
    assert next_safety_step(t) == ("utter_crisis_soft_inline", [])
    t.update(ActionExecuted("utter_crisis_soft_inline"))
    assert next_safety_step(t)[0] == "action_count_signposting"
    t.update(ActionExecuted("action_count_signposting"))
    # The count action rewinds both steps, so the form validates the answer as usual
    # (it validates only straight after a message); the policy does not ask again.
    t.update(ActionReverted())
    t.update(ActionReverted())
    assert t.latest_action_name == ACTION_LISTEN_NAME
    assert next_safety_step(t) == (None, [])


def test_doubt_beside_another_intent_gives_a_line_then_the_normal_answer():
    """Soft signposting alongside: the line, the count, then the steps are rewound."""
    alongside = UserUttered(
        "i want to tell you how i feel",
        {"name": "give_feedback", "confidence": 0.9},
        [{"entity": "risk_level", "value": "soft"}],
    )
    t = tracker(alongside)
    assert next_safety_step(t) == ("utter_crisis_soft_inline", [])
    t.update(ActionExecuted("utter_crisis_soft_inline"))
    assert next_safety_step(t)[0] == "action_count_signposting"
    t.update(ActionExecuted("action_count_signposting"))
    # The count action rewinds both steps; the message is then answered as usual.
    t.update(ActionReverted())
    t.update(ActionReverted())
    assert t.latest_action_name == ACTION_LISTEN_NAME
    assert next_safety_step(t) == (None, [])
