"""First real conversations through the trained model and the live action server."""

from __future__ import annotations

import pytest

from tests.chatting import texts
from tests.safety_corpus import SAFETY_LINE

pytestmark = pytest.mark.model


def test_first_greeting_gives_privacy_notice_and_menu(chat):
    say = chat.conversation()
    replies = say("hiya")
    joined = texts(replies)
    assert "don't need to tell me your name" in joined
    assert [b["title"] for b in replies[-1]["buttons"]] == [
        "The plan for young people",
        "Find support",
        "Tell us how understood you feel",
        "What happened to feedback?",
    ]


def test_privacy_notice_only_on_the_first_turn(chat):
    say = chat.conversation()
    say("hello")
    again = texts(say("hey"))
    assert "don't need to tell me your name" not in again
    assert "Hi again" in again


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("thank you so much", "You're welcome"),
        ("ok bye then", "Bye for now"),
        ("what can you do for me", "Here's what I can help with"),
        ("can you book me a train ticket", "can't help with that"),
        ("are you an actual person", "I'm a chatbot"),
        ("what do they call you", "don't have a name"),
        ("what's the council's plan for teenagers", "plan for its children and young people"),
        ("where can i find some help", "What would you like help with"),
        ("i want to give my feedback", "Tell me in your own words"),
    ],
)
def test_everyday_intents(chat, message, expected):
    say = chat.conversation()
    assert expected in texts(say(message))


def test_start_over_resets_the_conversation(chat):
    say = chat.conversation()
    say("hello")
    assert "start again" in texts(say("can we start again"))
    assert "don't need to tell me your name" in texts(say("hello"))


# Messages the model is unsure about. Which of them fall back depends on training,
# so the test needs at least one to, and checks every "did you mean" it gets.
UNCLEAR = [
    "plan bye",
    "support thanks plan",
    "hello feedback",
    "my feet are killing me",
    "i'm dead tired",
    "that cake is to die for",
    # The idioms above may now get soft signposting instead (numbers, then "are you
    # OK?"); this one is unclear without sounding like risk.
    "the plan thing and support maybe",
]


def test_two_stage_fallback_asks_in_plain_english(chat):
    prompts = []
    for message in UNCLEAR:
        replies = chat.conversation()(message)
        if "Did you mean" in texts(replies):
            *questions, last = replies
            prompts.extend(questions)
            assert last["text"] == SAFETY_LINE  # the turn was not understood
    assert prompts, "none of the unclear messages reached the fallback"
    for reply in prompts:
        assert "_" not in reply["text"]
        assert [b["title"] for b in reply["buttons"]] == ["Yes, that's it", "No, something else"]


@pytest.mark.parametrize("message", ["", "   ", "?!?", "x" * 20000, "😀😀", "你好，我需要帮助"])
def test_bad_input_gets_a_sensible_reply(chat, message):
    """Empty, huge, emoji and non-Latin messages get an answer, never silence."""
    say = chat.conversation()
    replies = say(message)
    assert replies and all(r.get("text") for r in replies)


def test_script_and_sql_text_is_just_text(chat):
    """Nothing is echoed back or executed, and the conversation carries on."""
    say = chat.conversation()
    for message in ["<script>alert('x')</script>", "'; DROP TABLE events; --"]:
        replies = say(message)
        assert replies and "<script>" not in texts(replies) and "DROP" not in texts(replies)
    assert "Here's what I can help with" in texts(say("hello"))
    assert len(chat.tracker(say.sender).events) > 5
