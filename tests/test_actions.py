"""Custom actions with real rasa-sdk Tracker and CollectingDispatcher objects."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
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
    [message] = messages
    assert "the council's plan for young people" in message["text"]
    assert "ask_plan" not in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/ask_plan", "/out_of_scope"]
    assert all("_" not in b["title"] for b in message["buttons"])


def test_unknown_intents_fall_back_to_asking_again():
    messages, _ = run(ActionAskAffirmation(), tracker_with_ranking([("nlu_fallback", 0.9)]))
    assert messages[0]["response"] == "utter_ask_rephrase"
