"""A conversation full of personal details, then Rasa's tracker tables read directly.

Through the real Rasa server (REST channel, our tracker store on SQLite) and the
real action server: the feedback form is filled with a name, a phone number, an
email, an address and a postcode. The young person's turns work as usual; none of
the details is anywhere in the stored conversation.
"""

from __future__ import annotations

import json
import os
import stat
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

pytestmark = [pytest.mark.model, pytest.mark.server]

DETAILS = (
    "Tia",
    "Okafor",
    "07700 900123",
    "07700900123",
    "tia.o@example.com",
    "Elm Road",
    "NW1 2AB",
)
MESSAGES = (
    "hello",
    "my name is Tia Okafor and I'm 14",
    "I want to give feedback",
    "Nobody at school listens to me. Call me on 07700 900123 or email tia.o@example.com",
    "I live at 4 Elm Road, NW1 2AB",
    "my number again is 07700900123",
)


def test_no_personal_detail_reaches_the_tracker_tables(rasa_server, rasa_tracker_url):
    sender = f"privacy-{uuid.uuid4().hex}"
    for message in MESSAGES:
        answer = requests.post(
            f"{rasa_server}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, "metadata": {"phone": "07700 900123"}},
            timeout=60,
        )
        assert answer.status_code == 200 and answer.json(), (message, answer.text)
    engine = create_engine(rasa_tracker_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT * FROM events WHERE sender_id = :s"), {"s": sender}
            ).all()
    finally:
        engine.dispose()
    stored = json.dumps([[str(value) for value in row] for row in rows])
    assert len(rows) > 20 and "[phone]" in stored and "[email]" in stored
    leaked = [detail for detail in DETAILS if detail.lower() in stored.lower()]
    assert leaked == []


def test_the_conversation_file_is_readable_by_its_owner_only(rasa_server, rasa_tracker_url):
    requests.post(
        f"{rasa_server}/webhooks/rest/webhook", json={"sender": "perm-check", "message": "hi"}
    )
    path = make_url(rasa_tracker_url).database
    assert os.path.exists(path)
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0
