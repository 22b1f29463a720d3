"""Custom actions with real rasa-sdk Tracker and CollectingDispatcher objects."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAskAffirmation


def tracker_with_ranking(ranking: list[tuple[str, float]]) -> Tracker:
    latest = {
        "text": "hmm",
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
    }
    return Tracker("someone", {}, latest, [], False, None, {}, "action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_did_you_mean_uses_plain_english():
    messages, events = run(
        ActionAskAffirmation(),
        tracker_with_ranking([("nlu_fallback", 0.55), ("ask_plan", 0.4), ("greet", 0.05)]),
    )
    assert events == []
    message, safety_line = messages
    assert safety_line["response"] == "utter_safety_line"
    assert "the council's plan for young people" in message["text"]
    assert "ask_plan" not in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/ask_plan", "/out_of_scope"]
    assert all("_" not in b["title"] for b in message["buttons"])


def test_unknown_intents_fall_back_to_asking_again():
    messages, _ = run(ActionAskAffirmation(), tracker_with_ranking([("nlu_fallback", 0.9)]))
    assert messages[0]["response"] == "utter_ask_rephrase"


def test_doubt_about_risk_gets_the_numbers_not_a_question():
    """No "did you mean: that you might not be safe?" without numbers: soft signposting."""
    messages, _ = run(
        ActionAskAffirmation(),
        tracker_with_ranking([("nlu_fallback", 0.5), ("risk_signal", 0.3), ("greet", 0.2)]),
    )
    assert [m["response"] for m in messages] == ["utter_crisis_soft"]


def plan_tracker(intent: str, text: str, ranking=None, slots=None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9},
              "intent_ranking": ranking or [], "entities": []}  # fmt: skip
    return Tracker("someone", slots or {}, latest, [], False, None, {}, "action_listen")


def test_plan_answer_uses_the_pipelines_intent_not_the_ranking():
    """PlanIntentFamily may leave nlu_fallback on top of the ranking; the intent wins."""
    from actions.plan_actions import ActionPlanAnswer

    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_about", "confidence": 0.45},
    ]
    tracker = plan_tracker("ask_about", "what is the safe and secure impact", ranking=ranking)
    messages, events = run(ActionPlanAnswer(), tracker)
    assert "safe" in " ".join(m["text"] or "" for m in messages).lower()
    assert SlotSet("plan_focus", "safe-and-secure") in events


def test_plan_answer_never_leaves_the_user_without_a_reply():
    """A question the answerer cannot handle still gets the menu, not silence."""
    from actions.plan_actions import ActionPlanAnswer

    messages, events = run(ActionPlanAnswer(), plan_tracker("greet", "hello"))
    assert [m["response"] for m in messages] == ["utter_default"]
    assert events == []
