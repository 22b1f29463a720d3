"""The feedback save action run directly (rasa-sdk objects, real databases).

Covers what a conversation cannot easily show: the same action run twice for one
turn, and a database that fails and then comes back.
"""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.feedback.store import FeedbackStore
from bot.ops.migrations import upgrade

SLOTS = {
    "feedback_text": "my name is Sam and teachers never listen, ring me 07700900123",
    "feedback_impact": "understood",
    "feedback_impact_choice": "suggested-confirmed",
    "feedback_suggestion": "understood",
    "feedback_confidence": 0.77,
    "feedback_rating": "2",
    "feedback_age_band": "11-15",
    "feedback_area": "camden",
    "feedback_consent": "yes",
}
EVENTS = [
    {"event": "action", "name": "feedback_form", "timestamp": 1700000000.0},
    {"event": "active_loop", "name": "feedback_form", "timestamp": 1700000000.1},
]


@pytest.fixture(scope="module")
def actions_module():
    from actions import feedback_actions

    return feedback_actions


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path / 'feedback.db'}"
    upgrade(url)
    store = FeedbackStore(url, b"salt")
    yield store
    store.dispose()


def run_save(actions_module, store, slots=SLOTS, sender="sender-1"):
    action = actions_module.ActionSaveFeedback()
    action.store = store
    tracker = Tracker(sender, dict(slots), {"text": "/affirm"}, EVENTS, False, None, {}, "")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages), events, dispatcher


def test_running_the_save_twice_for_one_turn_stores_one_record(actions_module, store):
    first, events, _ = run_save(actions_module, store)
    second, _, _ = run_save(actions_module, store)
    assert "is saved" in first
    assert "already saved" in second
    assert store.count() == 1
    [row] = store.find()
    assert "Sam" not in row.text and "07700900123" not in row.text
    assert row.impact == "understood" and row.rating == 2
    remembered = {"last_feedback_impact", "last_feedback_area"}
    answers = [event for event in events if event["name"] not in remembered]
    assert all(event["value"] is None for event in answers)  # answers cleared
    kept = {event["name"]: event["value"] for event in events if event["name"] in remembered}
    assert kept == {"last_feedback_impact": "understood", "last_feedback_area": "camden"}


def test_a_database_error_is_admitted_and_nothing_is_claimed(actions_module, store):
    down = FeedbackStore("postgresql://postgres@127.0.0.1:1/none", b"salt")
    text, events, dispatcher = run_save(actions_module, down)
    assert "NOT saved" in text and "is saved" not in text
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/try_again", "/stop"]
    assert events == []  # answers kept for "try again"

    # The database is back: "try again" saves exactly once.
    again, _, _ = run_save(actions_module, store)
    assert "is saved" in again
    run_save(actions_module, store)
    assert store.count() == 1


def test_no_consent_saves_nothing(actions_module, store):
    text, _, _ = run_save(actions_module, store, {**SLOTS, "feedback_consent": "no"})
    assert "haven't saved" in text
    assert store.count() == 0


def test_nothing_pending_is_said_plainly(actions_module, store):
    text, _, _ = run_save(actions_module, store, {})
    assert "no feedback waiting" in text
    assert store.count() == 0


def test_leaving_at_the_first_question_says_nothing_was_saved(actions_module, store):
    text, events, _ = run_save(actions_module, store, {"feedback_consent": "stopped"})
    assert "Nothing was saved" in text
    assert store.count() == 0
    assert all(event["value"] is None for event in events)


def test_after_saving_the_latest_we_did_on_that_impact_is_said(actions_module, store):
    from bot.staff.you_said_we_did import WeDidBoard

    board = WeDidBoard(store.sessions, {"camden": "Camden", "norfolk": "Norfolk"})
    board.publish("sam@example.org", "understood", "camden", "Nobody listens", "We ask first")
    text, _, _ = run_save(actions_module, store)
    assert "is saved" in text
    assert "You said: Nobody listens. We did: We ask first" in text


def test_asking_what_happened_reads_the_published_updates(actions_module, store):
    from bot.staff.you_said_we_did import WeDidBoard

    action = actions_module.ActionFeedbackOutcome()
    action.store = store

    def ask(slots: dict) -> list[dict]:
        tracker = Tracker("s", slots, {"text": "what happened"}, [], False, None, {}, "")
        dispatcher = CollectingDispatcher()
        assert asyncio.run(action.run(dispatcher, tracker, {})) == []
        return dispatcher.messages

    (none,) = ask({})
    assert "haven't posted an update" in none["text"]
    assert none["buttons"][0]["payload"] == "/give_feedback"
    board = WeDidBoard(store.sessions, {"camden": "Camden", "norfolk": "Norfolk"})
    board.publish("sam@example.org", "learning", None, "Exams", "Quiet rooms")
    board.publish("sam@example.org", "healthy", "norfolk", "Clinics", "A bus")
    intro, first, second = ask({"last_feedback_impact": "learning"})
    assert "Staff read every piece" in intro["text"]
    assert "Quiet rooms" in first["text"] and "A bus" in second["text"]
    assert len(ask({"area": "camden"})) == 2  # Norfolk's own update is not said in Camden
