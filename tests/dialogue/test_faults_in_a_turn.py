"""A turn in which a part of the assistant is down: "try again", never silence.

With real processes (the action server killed mid-form and brought back, Redis and
PostgreSQL stopped and restarted) in ``tests/faults``; here the quick checks
on the real model: an action server that is not there at all.
"""

from __future__ import annotations

import time

import pytest

from tests.chatting import texts

pytestmark = pytest.mark.model


def test_an_unreachable_action_server_gets_try_again_and_keeps_the_form(chat_with_actions_down):
    say = chat_with_actions_down.conversation()
    say("hello")
    started = time.monotonic()
    replies = texts(say("I want to give feedback"))
    assert time.monotonic() - started < 2
    assert "try again" in replies.lower() and "0800 1111" in replies
    assert "saved" not in replies.lower()
    assert replies.lower().count("try again") == 1  # one apology, not one per retry


def test_a_risk_message_is_signposted_even_with_the_action_server_down(chat_with_actions_down):
    say = chat_with_actions_down.conversation()
    replies = texts(say("i want to kill myself"))
    assert "999" in replies and "0800 1111" in replies
