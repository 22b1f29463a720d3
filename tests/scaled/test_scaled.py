"""The several-server topology, as ``make run-scaled`` starts it, with real parts only.

Two Rasa servers and two action servers behind Debian's HAProxy, conversations and
feedback in a fresh PostgreSQL database, locks in Redis, and the web app as the
widget's gateway: started with the real ``python -m bot run`` once for this module.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import requests
from sqlalchemy import create_engine, text

from bot import PROJECT_ROOT
from tests.chatting import TEST_SALT, saved_feedback, user_turns
from tests.dialogue.test_ways_on import JOURNEYS
from tests.feedback_samples import unique_marker
from tests.plugins.browser import TEST_SESSION_KEY, give_feedback_in_widget, local_only
from tests.processes import (
    free_port,
    pids_running,
    ports_in_a_row,
    require_service,
    running_launcher,
    wait_for,
)

pytestmark = [pytest.mark.model, pytest.mark.server]

FEEDBACK = JOURNEYS["feedback, saved"]
PASSWORD = "a long enough passphrase"
WAIT = 30_000


@dataclass
class Scaled:
    balancer: str
    rasa: list[str]
    web: str
    database_url: str
    launcher: subprocess.Popen
    log: Path


@pytest.fixture(scope="module")
def scaled(trained_model, postgres_url, redis_address, tmp_path_factory) -> Iterator[Scaled]:
    require_service("127.0.0.1", 5432, "PostgreSQL")
    database = f"flourish_test_{uuid.uuid4().hex[:10]}"
    database_url = f"{postgres_url.rsplit('/', 1)[0]}/{database}"
    rasa_port, action_port, web_port = ports_in_a_row(3), ports_in_a_row(3), free_port()
    env = {
        **os.environ,
        "RASA_SERVERS": "2",
        "ACTION_SERVERS": "2",
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "WEB_PORT": str(web_port),
        "POSTGRES_URL": database_url,
        # Empty: the scaled defaults (PostgreSQL, Redis) apply, whatever the shell had.
        "TRACKER_STORE_URL": "",
        "DATABASE_URL": "",
        "LOCK_STORE_TYPE": "",
        "ACTION_ENDPOINT_URL": "",
        "RASA_URL": "",
        "REDIS_HOST": redis_address[0],
        "REDIS_PORT": str(redis_address[1]),
        "RASA_MODEL": str(trained_model),
        "FEEDBACK_HASH_SALT": TEST_SALT,
        "STAFF_SESSION_KEY": TEST_SESSION_KEY,
        "QUICK_EXIT_URL": f"http://127.0.0.1:{web_port}/health",
    }
    log = tmp_path_factory.mktemp("scaled") / "launcher.log"
    rasa = [f"http://127.0.0.1:{rasa_port + 1}", f"http://127.0.0.1:{rasa_port + 2}"]
    web = f"http://127.0.0.1:{web_port}"
    ready = (*(f"{r}/" for r in rasa), f"{web}/health", f"http://127.0.0.1:{rasa_port}/")
    try:
        with running_launcher(env, log, ready) as launcher:
            yield Scaled(f"http://127.0.0.1:{rasa_port}", rasa, web, database_url, launcher, log)
    finally:
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def say(url: str, sender: str, message: str) -> str:
    answer = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return "\n".join(m.get("text", "") for m in answer.json())


def test_one_conversation_alternating_between_servers_keeps_its_form(scaled):
    sender = f"alternating-{uuid.uuid4().hex}"
    words = f"{FEEDBACK[0]} {unique_marker()}"
    replies = []
    for i, message in enumerate([words, *FEEDBACK[1:]]):
        replies.append(say(scaled.rasa[i % 2], sender, message))
    assert "is saved" in replies[-1], replies
    assert saved_feedback(scaled.database_url, words) == 1


def test_concurrent_messages_for_one_sender_are_handled_in_order(scaled):
    sender = f"concurrent-{uuid.uuid4().hex}"
    messages = ["/greet", "what is the plan", "tell me more", "the next one", "/thanks", "bye"]
    answers: dict[int, str] = {}

    def send(i: int, message: str) -> None:
        answers[i] = say(scaled.rasa[i % 2], sender, message)

    threads = []
    for i, message in enumerate(messages):
        thread = threading.Thread(target=send, args=(i, message))
        thread.start()
        threads.append(thread)
        time.sleep(0.15)  # sent in this order, while earlier turns are still running
    for thread in threads:
        thread.join(120)
    assert len(answers) == len(messages) and all(answers.values())
    events = user_turns(scaled.database_url, sender)
    said = [value for kind, value in events if kind == "user"]
    assert said == messages
    # Each turn finished (back to listening) before the next message was read.
    for i, (kind, _) in enumerate(events):
        if kind == "user" and i:
            earlier = [v for k, v in events[:i] if k == "action"]
            assert earlier and earlier[-1] == "action_listen", events


@pytest.mark.browser
def test_the_widget_and_the_staff_pages_work_through_the_scaled_topology(scaled, browser):
    email = f"scaled-{uuid.uuid4().hex[:8]}@example.org"
    made = subprocess.run(
        [sys.executable, "-m", "bot", "staff", "add-user", email, "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
        env={**os.environ, "DATABASE_URL": scaled.database_url, "FEEDBACK_HASH_SALT": TEST_SALT},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    marker = unique_marker()

    young = local_only(browser.new_context(viewport={"width": 375, "height": 740}))
    page = young.new_page()
    page.goto(scaled.web)
    page.get_by_role("log").get_by_text("I'm a chatbot").first.wait_for(timeout=WAIT)
    give_feedback_in_widget(page, f"nobody at the youth club listens to us {marker}")
    assert young.outside_requests == []
    young.close()

    staff = local_only(browser.new_context())
    page = staff.new_page()
    page.goto(f"{scaled.web}/staff")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Overview").wait_for()
    page.get_by_role("link", name="Feedback", exact=True).click()
    page.get_by_role("row").filter(has_text=marker).first.wait_for()
    staff.close()


def chat(web: str, sender: str, message: str) -> str:
    """One message through the web app's gateway, as the widget sends it."""
    answer = requests.post(
        f"{web}/chat", json={"session_id": sender, "message": message}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return "\n".join(m["text"] for m in answer.json()["messages"])


def test_a_killed_rasa_server_costs_no_conversation_and_is_restarted(scaled):
    """SIGKILL one Rasa server mid-form: the other carries the conversation on.

    Through the widget's gateway: HAProxy does not retry a request the dying server
    had already read (it answers 502, "SH--", retries=0), and the gateway retries
    once, so the young person sees nothing of it.
    """
    sender = f"killed-{uuid.uuid4().hex}"
    words = f"{FEEDBACK[0]} {unique_marker()}"
    say(scaled.balancer, sender, words)
    say(scaled.balancer, sender, FEEDBACK[1])
    port = scaled.rasa[0].rsplit(":", 1)[1]
    (victim,) = pids_running("rasa", "run", "--port", port)
    os.kill(victim, signal.SIGKILL)
    try:
        replies = [chat(scaled.web, sender, message) for message in FEEDBACK[2:]]
    except AssertionError as error:
        failed = [line for line in scaled.log.read_text().splitlines() if " POST " in line]
        raise AssertionError(f"{error}\nHAProxy's failed requests:\n" + "\n".join(failed)) from None
    assert "is saved" in replies[-1], replies
    assert saved_feedback(scaled.database_url, words) == 1
    # The launcher starts it again, and says so.
    wait_for(f"{scaled.rasa[0]}/", scaled.launcher, 300, scaled.log)
    assert "rasa-1 server stopped" in scaled.log.read_text()
    assert pids_running("rasa", "run", "--port", port) != [victim]
