"""The stores Rasa is configured with, against the real PostgreSQL and Redis servers."""

from __future__ import annotations

import asyncio
import json
import uuid

from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot import PROJECT_ROOT, settings
from bot.rasa_components.conversation_store import ConversationStore

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def endpoint(section: str, env: dict[str, str], monkeypatch):
    for name, value in settings.process_environment(env).items():
        if name in settings.DEFAULTS:
            monkeypatch.setenv(name, value)
    return read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), section)


def round_trip(store: TrackerStore) -> None:
    sender = f"store-test-{uuid.uuid4().hex}"
    tracker = DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_listen"), UserUttered("hello", {"name": "greet"})]
    )
    asyncio.run(store.save(tracker))
    loaded = asyncio.run(store.retrieve(sender))
    assert loaded is not None and loaded.latest_message.text == "hello"


PERSONAL = "I'm Tia, 07700 900123, tia@example.com, 4 Elm Road, NW1 2AB"


def stored_rows(store: ConversationStore, sender: str) -> str:
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT type_name, intent_name, action_name, data FROM events WHERE sender_id = %s"
            if store.engine.dialect.name == "postgresql"
            else "SELECT type_name, intent_name, action_name, data FROM events WHERE sender_id = ?",
            (sender,),
        ).all()
    return json.dumps([list(row) for row in rows])


def keeps_nothing_personal(store: ConversationStore) -> None:
    """The turn sees what was typed; the tables never hold the personal details."""
    sender = f"store-privacy-{uuid.uuid4().hex}"
    message = UserUttered(
        PERSONAL,
        {"name": "give_feedback", "confidence": 0.9},
        entities=[{"entity": "name", "value": "Tia", "start": 4, "end": 7}],
    )
    tracker = DialogueStateTracker.from_events(
        sender,
        [ActionExecuted("action_listen"), message, SlotSet("feedback_text", PERSONAL)],
    )
    asyncio.run(store.save(tracker))
    assert tracker.latest_message.text == PERSONAL  # the running turn keeps the original
    stored = stored_rows(store, sender)
    for detail in ("Tia", "07700", "tia@example.com", "Elm Road", "NW1"):
        assert detail not in stored
    assert "give_feedback" in stored and "[phone]" in stored
    loaded = asyncio.run(store.retrieve(sender))
    assert loaded.latest_message.text.startswith("I'm [name], [phone], [email]")
    assert loaded.get_slot("feedback_text") == loaded.latest_message.text


def test_default_tracker_store_is_sqlite(tmp_path, monkeypatch):
    config = endpoint(
        "tracker_store", {"TRACKER_STORE_URL": f"sqlite:///{tmp_path}/t.db"}, monkeypatch
    )
    store = TrackerStore.create(config, DOMAIN)
    # Rasa falls back to an in-memory store, with only a warning, if ours fails to load.
    assert isinstance(store, ConversationStore)
    assert store.engine.dialect.name == "sqlite"
    round_trip(store)
    keeps_nothing_personal(store)
    assert store.engine.pool._pre_ping
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_postgres_tracker_store_from_environment(postgres_url, monkeypatch):
    """Setting TRACKER_STORE_URL is all it takes to keep conversations in PostgreSQL."""
    config = endpoint("tracker_store", {"TRACKER_STORE_URL": postgres_url}, monkeypatch)
    store = TrackerStore.create(config, DOMAIN)
    assert isinstance(store, ConversationStore)
    assert store.engine.dialect.name == "postgresql"
    round_trip(store)
    keeps_nothing_personal(store)
    assert store.engine.pool._pre_ping  # a restarted PostgreSQL costs no turn
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"


def test_default_lock_store_is_in_memory(monkeypatch):
    config = endpoint("lock_store", {}, monkeypatch)
    assert type(LockStore.create(config)).__name__ == "InMemoryLockStore"


def test_redis_lock_store_from_environment(redis_address, monkeypatch):
    """With LOCK_STORE_TYPE=redis, several Rasa servers share conversation locks."""
    host, port = redis_address
    config = endpoint(
        "lock_store",
        {"LOCK_STORE_TYPE": "redis", "REDIS_HOST": host, "REDIS_PORT": str(port)},
        monkeypatch,
    )
    store = LockStore.create(config)
    assert isinstance(store, RedisLockStore)
    conversation = f"lock-test-{uuid.uuid4().hex}"

    async def lock_twice() -> None:
        async with store.lock(conversation):
            assert store.get_lock(conversation) is not None
        async with store.lock(conversation):
            pass

    asyncio.run(lock_twice())
