"""Requests to the REST channel: clean sender and text, or a clear refusal."""

from __future__ import annotations

import json

import pytest

from bot.core.incoming_messages import (
    MAX_MESSAGE_CHARACTERS,
    STORED_CHARACTERS,
    IncomingMessage,
    RefusedMessage,
    read_rest_body,
    stored_text,
)


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_sender_and_text_are_all_that_get_through():
    read = read_rest_body(
        body(sender="abc", message="hi", metadata={"role": "admin"}, customData={"x": 1})
    )
    assert read == IncomingMessage(sender="abc", text="hi")


def test_an_empty_message_is_read_but_a_missing_one_is_refused():
    assert read_rest_body(body(sender="abc", message="")).text == ""
    for missing in (body(sender="abc"), body(sender="abc", message=None)):
        with pytest.raises(RefusedMessage):
            read_rest_body(missing)


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"\xff\xfe{}",
        json.dumps(["a", "b"]).encode(),
        body(message="hi"),
        body(sender=42, message="hi"),
        body(sender="", message="hi"),
        body(sender="x" * 10_000, message="hi"),
        body(sender="a\nb", message="hi"),
        body(sender="a\u200bb", message="hi"),
        b'{"sender": "a\\ud800", "message": "hi"}',
        b"[" * 30_000 + b"]" * 30_000,
        body(sender="abc", message=42),
        body(sender="abc", message=["hi"]),
        body(sender="abc", message={"text": "hi"}),
    ],
)
def test_bad_requests_are_refused_with_a_reason(raw):
    with pytest.raises(RefusedMessage) as refused:
        read_rest_body(raw)
    assert refused.value.status == 400 and refused.value.reason


def test_too_long_is_413_whether_counted_in_characters_or_bytes():
    with pytest.raises(RefusedMessage) as refused:
        read_rest_body(body(sender="abc", message="x" * (MAX_MESSAGE_CHARACTERS + 1)))
    assert refused.value.status == 413 and "50,000" in refused.value.reason
    with pytest.raises(RefusedMessage) as refused:
        read_rest_body(b" " * 5_000_000)
    escaped = json.dumps({"sender": "abc", "message": "😀" * MAX_MESSAGE_CHARACTERS}).encode()
    assert read_rest_body(escaped).text == "😀" * MAX_MESSAGE_CHARACTERS
    assert refused.value.status == 413
    assert read_rest_body(body(sender="abc", message="x" * MAX_MESSAGE_CHARACTERS)).text


def test_stored_text_is_capped():
    assert stored_text("x" * 20_000) == "x" * STORED_CHARACTERS
    assert stored_text("short") == "short"


def test_a_lone_surrogate_is_shown_as_a_replacement_character():
    read = read_rest_body(b'{"sender": "abc", "message": "hi \\ud800 there"}')
    assert read.text == "hi \ufffd there"
