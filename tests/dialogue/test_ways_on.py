"""No dead ends, and no saying it twice: every turn ends with a way on.

Journeys a young person and a parent took in the trial, through the real model
and action server. A way on is a button, or a question the person can answer.
"""

from __future__ import annotations

import json

import pytest

from tests.chatting import texts

pytestmark = pytest.mark.model


def choice(value: str) -> str:
    return "/inform" + json.dumps({"choice": value})


def has_a_way_on(replies: list[dict]) -> bool:
    if not replies:
        return False
    last = replies[-1]
    return bool(last.get("buttons")) or (last.get("text") or "").rstrip().endswith("?")


JOURNEYS = {
    "feedback, saved": [
        "I feel like nobody listens to me at school",
        "/affirm",
        "/skip",
        "/skip",
        "/skip",
        "/affirm",
    ],
    "not safe": ["i want to kill myself", "/not_safe_now", "/safe_now"],
    "find support and a person": [
        "my daughter has autism and needs help at school",
        choice("norfolk"),
        "/more_services",
        "/talk_to_person",
    ],
    "plan then support": ["hi", "what is the plan for young people", "/find_support"],
}


@pytest.mark.parametrize("journey", JOURNEYS)
def test_every_turn_ends_with_a_way_on(chat, journey):
    say = chat.conversation()
    for message in JOURNEYS[journey]:
        replies = say(message)
        assert has_a_way_on(replies), (journey, message, texts(replies))


def test_a_first_message_that_says_how_they_feel_is_the_feedback(chat):
    say = chat.conversation()
    replies = say("I feel like nobody listens to me at school")
    joined = texts(replies)
    assert "Tell me in your own words" not in joined  # not asked to say it again
    assert "Is that right?" in joined or "Which of these" in joined
    assert chat.tracker(say.sender).get_slot("feedback_text") == (
        "I feel like nobody listens to me at school"
    )


def test_saved_says_the_impact_mid_sentence_in_lower_case(chat):
    say = chat.conversation()
    for message in JOURNEYS["feedback, saved"][:-1]:
        say(message)
    saved = texts(say("/affirm"))
    assert "is saved" in saved and "about Being" not in saved and "about School" not in saved
