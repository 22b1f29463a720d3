"""Conversation events as stored: what the young person typed, without personal details."""

from __future__ import annotations

import json

from bot.safety.private_events import private_event

PERSONAL = "my name is Tia Jones, call me on 07700 900123 or tia@example.com, I live at 4 Elm Road"


def test_a_user_message_is_stored_scrubbed_with_its_entities_and_metadata():
    event = {
        "event": "user",
        "timestamp": 1.5,
        "text": PERSONAL,
        "metadata": {"model_id": "abc", "note": "tia@example.com"},
        "input_channel": "rest",
        "message_id": "9f2c",
        "parse_data": {
            "text": PERSONAL,
            "intent": {"name": "give_feedback", "confidence": 0.9},
            "entities": [{"entity": "name", "value": "call me on 07700 900123", "start": 0}],
            "metadata": {"from": "07700 900123"},
        },
    }
    stored = private_event(event)
    dumped = json.dumps(stored)
    for detail in ("Tia", "07700", "tia@example.com", "Elm Road"):
        assert detail not in dumped
    assert stored["text"].startswith("my name is [name]")
    assert stored["parse_data"]["intent"] == event["parse_data"]["intent"]
    assert stored["timestamp"] == 1.5 and stored["message_id"] == "9f2c"
    assert event["text"] == PERSONAL  # the running turn's copy is untouched


def test_slot_values_filled_from_messages_are_scrubbed():
    stored = private_event({"event": "slot", "name": "feedback_text", "value": PERSONAL})
    assert "07700" not in stored["value"] and stored["name"] == "feedback_text"
    listed = private_event({"event": "slot", "name": "x", "value": ["tia@example.com", 3]})
    assert listed["value"] == ["[email]", 3]
    assert private_event({"event": "slot", "name": "n", "value": 0.5})["value"] == 0.5


def test_long_texts_are_cut_to_what_may_be_stored():
    stored = private_event({"event": "user", "text": "x" * 20_000, "parse_data": None})
    assert len(stored["text"]) == 5_000


def test_the_assistants_own_words_and_other_events_are_kept_as_they_are():
    bot = {"event": "bot", "text": "Call the NSPCC on 0808 800 5000", "data": {}}
    assert private_event(bot) == bot
    action = {"event": "action", "name": "action_listen", "policy": None}
    assert private_event(action) == action


def test_an_entity_that_was_personal_in_context_loses_its_value():
    stored = private_event(
        {
            "event": "user",
            "text": "my name is Tia and it's about school",
            "parse_data": {
                "text": "my name is Tia and it's about school",
                "entities": [
                    {"entity": "person", "value": "Tia"},
                    {"entity": "choice", "value": "learning"},  # ours, not their words
                    {"entity": "topic", "value": "school"},
                ],
            },
        }
    )
    values = [entity["value"] for entity in stored["parse_data"]["entities"]]
    assert values == ["[removed]", "learning", "school"]
