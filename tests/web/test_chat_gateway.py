"""The widget's gateway: ``POST /chat`` on the web app, Rasa's REST channel behind it."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from bot.web.app import make_app
from bot.web.chat_gateway import BadRequest, read_turn, replies
from tests.processes import free_port
from tests.staff.staff_web import serving, staff_env


def session() -> str:
    return uuid.uuid4().hex


def test_a_turn_needs_a_conversation_id_and_some_text():
    assert read_turn({"session_id": "abcdefgh-1234", "message": "hi"}) == ("abcdefgh-1234", "hi")
    for body in (
        [],
        "hi",
        {"message": "hi"},
        {"session_id": "short", "message": "hi"},
        {"session_id": "has spaces in it", "message": "hi"},
        {"session_id": "x" * 65, "message": "hi"},
        {"session_id": "abcdefgh", "message": "   "},
        {"session_id": "abcdefgh", "message": 42},
        {"session_id": "abcdefgh", "message": "a" * 5001},
    ):
        with pytest.raises(BadRequest):
            read_turn(body)


def test_replies_keep_text_and_buttons_only():
    shown = replies(
        [
            {
                "recipient_id": "x",
                "text": "Hi",
                "buttons": [{"title": "Yes", "payload": "/affirm"}],
            },
            {"recipient_id": "x", "image": "https://example.org/a.png"},
            {"recipient_id": "x", "custom": {"anything": 1}},
            "not a message",
        ]
    )
    assert shown == [
        {"text": "Hi", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
        {"text": "https://example.org/a.png", "buttons": []},
    ]
    assert replies({"not": "a list"}) == []


@pytest.mark.server
def test_a_message_through_the_gateway_gets_the_assistants_replies(web_app):
    sender = session()
    answer = requests.post(f"{web_app}/chat", json={"session_id": sender, "message": "/greet"})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    messages = answer.json()["messages"]
    assert messages and all(set(m) == {"text", "buttons"} for m in messages)
    # The same conversation carries on: the gateway keeps no state of its own.
    again = requests.post(
        f"{web_app}/chat", json={"session_id": sender, "message": "i want to kill myself"}
    )
    assert "0800 1111" in " ".join(m["text"] for m in again.json()["messages"])


@pytest.mark.server
def test_bad_requests_get_a_clear_400_and_break_nothing(web_app):
    for body in (b"not json", b"[]", b'{"session_id": "abcdefgh", "message": ""}'):
        answer = requests.post(
            f"{web_app}/chat", data=body, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400 and answer.json()["error"]
    too_long = requests.post(
        f"{web_app}/chat", json={"session_id": session(), "message": "a" * 6000}
    )
    assert too_long.status_code == 400 and "too long" in too_long.json()["error"]
    preflight = requests.options(f"{web_app}/chat")
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert (
        requests.post(
            f"{web_app}/chat", json={"session_id": session(), "message": "hi"}
        ).status_code
        == 200
    )


def test_with_rasa_unreachable_the_widget_gets_help_numbers_not_silence(tmp_path):
    env = staff_env(
        f"sqlite:///{tmp_path / 'feedback.db'}", RASA_URL=f"http://127.0.0.1:{free_port()}"
    )
    with serving(make_app(env)) as url:
        start = time.monotonic()
        answer = requests.post(f"{url}/chat", json={"session_id": session(), "message": "hi"})
        waited = time.monotonic() - start
    assert answer.status_code == 503
    assert "0800 1111" in answer.json()["error"] and "try again" in answer.json()["error"]
    assert waited < 10  # one quick retry, not a hang


def test_a_message_rasa_refuses_is_a_400_with_its_reason_and_not_retried(tmp_path):
    """Rasa's channel refusing a message (400) is the sender's to change, not a fault to retry.

    The gateway's own limits are stricter than the channel's today, so this stands in
    for a channel that refuses more (a later version, another deployment's limits): a
    small server answering as ``GuardedRestInput`` does.
    """
    from aiohttp import web

    calls = []

    async def refuse(request: web.Request) -> web.Response:
        calls.append(await request.json())
        return web.json_response({"error": "Say it in fewer words."}, status=400)

    refusing = web.Application()
    refusing.router.add_post("/webhooks/rest/webhook", refuse)
    with serving(refusing) as rasa:
        env = staff_env(f"sqlite:///{tmp_path / 'feedback.db'}", RASA_URL=rasa)
        with serving(make_app(env)) as url:
            answer = requests.post(f"{url}/chat", json={"session_id": session(), "message": "hi"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "Say it in fewer words."
    assert len(calls) == 1
