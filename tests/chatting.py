"""Talking to the assistant in tests: an in-process Rasa agent, the replies' text, and
what a real topology stored of a conversation (feedback rows, tracker events)."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import create_engine, text

from tests.processes import running_action_server

# The feedback salt every test action server and web app uses (not a secret).
TEST_SALT = "test-salt-not-secret"


@dataclass
class Chat:
    """Talks to an in-process Rasa Agent synchronously, one sender per conversation."""

    agent: Any
    loop: asyncio.AbstractEventLoop

    def send(self, text: str, sender: str | None = None) -> list[dict]:
        return self.loop.run_until_complete(self.agent.handle_text(text, sender_id=sender))

    def tracker(self, sender: str) -> Any:
        return self.loop.run_until_complete(self.agent.tracker_store.retrieve(sender))

    def conversation(self) -> Callable[[str], list[dict]]:
        """A function that sends messages in one new conversation."""
        sender = f"test-{uuid.uuid4().hex}"

        def say(text: str) -> list[dict]:
            return self.send(text, sender)

        say.sender = sender  # type: ignore[attr-defined]
        return say


@contextmanager
def chat_with(trained_model: Path, action_url: str) -> Iterator[Chat]:
    """The real trained model in-process, calling the action server at ``action_url``."""
    import rasa.utils.common
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    rasa.utils.common.configure_logging_and_warnings(logging.WARNING)
    loop = asyncio.new_event_loop()
    agent = Agent.load(str(trained_model), action_endpoint=EndpointConfig(action_url))
    yield Chat(agent, loop)
    loop.close()


@contextmanager
def chat_with_actions(trained_model: Path, folder: Path, env: dict[str, str]) -> Iterator[Chat]:
    """As :func:`chat_with`, with a new action server of its own started with ``env``."""
    with running_action_server(folder, {"FEEDBACK_HASH_SALT": TEST_SALT, **env}) as url:
        with chat_with(trained_model, url) as chat:
            yield chat


def texts(responses: list[dict]) -> str:
    """Every text the bot sent in one turn, joined, for simple assertions."""
    return "\n".join(r.get("text") or "" for r in responses)


def saved_feedback(database_url: str, words: str) -> int:
    """How many feedback rows hold ``words`` as their (scrubbed) text."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM feedback WHERE text = :t"), {"t": words}
            ).scalar_one()
    finally:
        engine.dispose()


def user_turns(database_url: str, sender: str) -> list[tuple[str, str]]:
    """(event type, user text or action name) for the conversation, in stored order."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT type_name, action_name, data FROM events "
                    "WHERE sender_id = :s ORDER BY id"
                ),
                {"s": sender},
            ).all()
    finally:
        engine.dispose()
    return [
        (kind, json.loads(data).get("text") if kind == "user" else (action or ""))
        for kind, action, data in rows
    ]


@dataclass(frozen=True)
class Answer:
    """One HTTP answer in a flood: status (None if none came), headers and JSON body."""

    status: int | None
    headers: dict[str, str]
    body: Any


def flood(
    url: str, body: dict, count: int, headers: dict[str, str], seconds: float = 60
) -> list[Answer]:
    """POST ``body`` to ``url`` ``count`` times at once (asyncio + aiohttp), and every answer.

    A hundred connections carry the requests, so all of them are in flight within
    about a second when the server refuses quickly. A request not answered within
    ``seconds`` of the start counts as unanswered (status None), so a server that
    queues the flood rather than refusing it fails the test instead of hanging it.
    """
    import aiohttp

    async def run() -> list[Answer]:
        timeout = aiohttp.ClientTimeout(total=seconds)
        connector = aiohttp.TCPConnector(limit=100)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as client:

            async def one() -> Answer:
                try:
                    async with client.post(url, json=body, headers=headers) as response:
                        text = await response.text()
                        try:
                            parsed: Any = json.loads(text)
                        except ValueError:
                            parsed = text
                        return Answer(response.status, dict(response.headers), parsed)
                except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                    return Answer(None, {}, f"{type(error).__name__}: {error}")

            return list(await asyncio.gather(*(one() for _ in range(count))))

    return asyncio.run(run())


def tracker_events(rasa_folder: Path, sender: str) -> list[str]:
    """The stored events of ``sender``'s conversation, as JSON text, read from the
    session Rasa server's SQLite tracker store (read-only)."""
    store = rasa_folder / "tracker.db"
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [row[0] for row in rows]
