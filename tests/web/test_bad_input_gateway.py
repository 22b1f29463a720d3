"""The widget's gateway, ``POST /chat``, against the bad-input corpus (``tests/bad_input.py``).

The gateway is the one chat door open to the internet: the web app as a real
process, a real ``rasa run`` behind it (the ``web_app`` fixture). Whatever it is
sent, it answers or refuses with a 4xx that says why, Rasa behind it stays up, and
the conversation (and the next person's) carries on. The contract:

- a message of 1 to 5,000 characters that is not only whitespace: 200 with a
  non-empty ``{"messages": [...]}``; empty or whitespace, or longer: 400 with
  ``{"error"}``; a body over 64 KB: 413;
- a body that is not a JSON object, a session id that is not 8 to 64 letters,
  digits, ``-`` or ``_``, a message that is not a string: 400 with ``{"error"}``;
- anything else in the body never reaches the conversation;
- 1,000 messages at once from one session: 200 or 429 each, mostly 429.

``test_chat_gateway.py`` has the gateway's own behaviour (replies cut down, one
retry, Rasa unreachable is 503); this module only adds the corpus.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter

import pytest
import requests

from tests.bad_input import (
    BAD_IDS,
    BAD_MESSAGES,
    FLOOD_MESSAGES,
    GATEWAY_MAX_CHARACTERS,
    IGNORED_FIELDS,
    MARKER,
    MESSAGES,
    NOT_A_TURN,
    ODD_BODIES,
    RATE_LIMITED,
    Body,
    stranger_headers,
)
from tests.chatting import flood, tracker_events

pytestmark = [pytest.mark.model, pytest.mark.server]

BODY_LIMIT = 64 * 1024  # the web app's client_max_size
GREETING = "I'm a chatbot for young people and families"


def new_session() -> str:
    return uuid.uuid4().hex


def post(base: str, body: Body, session: str) -> requests.Response:
    """Send ``body`` as a widget (or anything else) would, from an address of its own."""
    return requests.post(
        f"{base}/chat",
        data=body.to("session_id", session),
        headers=stranger_headers(body.content_type),
        timeout=120,
    )


def say(base: str, message: str, session: str) -> requests.Response:
    return post(
        base, Body(json.dumps({"session_id": session, "message": message}).encode()), session
    )


def assert_messages(answer: requests.Response) -> list[dict]:
    """200 with something the widget can show: no turn ends in silence."""
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    messages = answer.json()["messages"]
    assert messages, f"nothing to show: {answer.text[:300]}"
    assert all(set(message) == {"text", "buttons"} for message in messages), messages
    assert "<script" not in answer.text.lower()
    return messages


def assert_refused(answer: requests.Response, status: int = 400) -> None:
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    error = answer.json()["error"]
    assert isinstance(error, str) and error.strip(), error  # the widget shows it
    assert "<script" not in answer.text.lower()


def serving(base: str) -> bool:
    return requests.get(f"{base}/health", timeout=10).status_code == 200


@pytest.mark.parametrize("case", MESSAGES)
def test_every_message_gets_replies_or_a_400_and_the_conversation_carries_on(web_app, case):
    """What the widget's text box can send, and more; then "hello" in the same conversation."""
    message, session = MESSAGES[case], new_session()
    answer = say(web_app, message, session)
    if len(json.dumps(message)) > BODY_LIMIT:
        assert answer.status_code == 413, answer.status_code
    elif not message.strip() or len(message) > GATEWAY_MAX_CHARACTERS:
        assert_refused(answer)
    else:
        assert_messages(answer)
    assert_messages(say(web_app, "hello", session))


@pytest.mark.parametrize("case", [*NOT_A_TURN, *BAD_IDS, *BAD_MESSAGES])
def test_a_body_that_is_not_a_turn_gets_400_with_a_reason(web_app, case):
    body = {**NOT_A_TURN, **BAD_IDS, **BAD_MESSAGES}[case]
    assert_refused(post(web_app, body, new_session()))
    assert serving(web_app)


@pytest.mark.parametrize("case", ODD_BODIES)
def test_an_odd_but_readable_body_gets_replies_or_a_4xx(web_app, case):
    """Never a 5xx: the widget would show "can't reach the assistant" for a message it sent."""
    session = new_session()
    answer = post(web_app, ODD_BODIES[case], session)
    if answer.status_code == 200:
        assert_messages(answer)
        assert_messages(say(web_app, "hello", session))
    else:  # 400, or 415 for the content type: either way with a reason
        assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
        assert_refused(answer, answer.status_code)


@pytest.mark.parametrize("case", IGNORED_FIELDS)
def test_nothing_but_the_message_reaches_the_conversation(web_app, rasa_folder, case):
    """The gateway passes on the session id and the text, nothing else a page could add."""
    session = new_session()
    assert_messages(post(web_app, IGNORED_FIELDS[case], session))
    events = tracker_events(rasa_folder, session)
    assert events and [event for event in events if MARKER in event] == []


def test_a_thousand_messages_at_once_from_one_session_are_mostly_refused(web_app):
    """The widget would show the 429's sentence; nothing queues up behind the flood.

    From an address of its own (X-Forwarded-For from a loopback peer), so the flood
    does not use up the budget of 127.0.0.1, where every other test comes from.
    """
    session = new_session()
    answers = flood(
        f"{web_app}/chat",
        {"session_id": session, "message": "hello"},
        FLOOD_MESSAGES,
        {"X-Forwarded-For": "203.0.113.8"},
    )
    statuses = [answer.status for answer in answers]
    counts = dict(Counter(statuses))  # None: no answer in time
    assert set(counts) <= {200, 429}, f"answers other than 200 or 429: {counts}"
    assert statuses.count(429) > FLOOD_MESSAGES // 2, counts
    assert statuses.count(200) >= 1
    for answer in answers:
        if answer.status == 429:
            assert answer.body["error"].startswith(RATE_LIMITED), answer.body
        else:
            assert answer.body["messages"]
    assert serving(web_app)
    other = new_session()  # later steps: someone else chats at once, without a queue
    started = time.monotonic()
    assert_messages(say(web_app, "hello", other))
    waited = time.monotonic() - started
    assert waited < 10, f"the next person waited {waited:.0f}s"


def test_after_the_corpus_a_normal_conversation_still_works(web_app):
    session = new_session()
    greeting = assert_messages(say(web_app, "hello", session))
    assert GREETING in json.dumps(greeting)
    asked = assert_messages(say(web_app, "I want to give feedback", session))
    assert "Tell me in your own words" in json.dumps(asked)
