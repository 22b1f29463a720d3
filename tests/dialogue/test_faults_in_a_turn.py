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


def test_the_log_names_redis_through_rasas_lock_error():
    import redis
    from rasa.core.lock_store import LockError

    from bot.rasa_components.rest_channel import failure_cause, one_line

    try:
        try:
            raise redis.exceptions.ConnectionError("Error 111 connecting.\nRefused.")
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}")  # noqa: B904 - as Rasa does
    except LockError as wrapped:
        assert failure_cause(wrapped) == "the lock store (Redis) cannot be reached"
        assert "\n" not in one_line(wrapped)
    assert failure_cause(ValueError("x")) == "the turn failed"


def test_a_conversation_the_database_cannot_give_back_fails_the_turn(tmp_path):
    """Rasa's fail-safe store would hand the turn an empty conversation instead."""
    import asyncio

    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    import bot.rasa_components  # noqa: F401 - installs the fix, as Rasa's import does
    from bot.rasa_components.conversation_failures import ConversationUnavailable

    class DownStore(InMemoryTrackerStore):
        async def retrieve(self, sender_id):
            raise ConnectionError("the database system is shutting down")

        async def save(self, tracker):
            raise ConnectionError("the database system is shutting down")

    store = FailSafeTrackerStore(DownStore(Domain.empty()))
    with pytest.raises(ConversationUnavailable):
        asyncio.run(store.retrieve("someone"))
    with pytest.raises(ConversationUnavailable):
        asyncio.run(store.save(DialogueStateTracker("someone", [])))
