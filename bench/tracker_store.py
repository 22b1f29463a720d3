"""The cost of Rasa's tracker store per turn: one retrieve and one save of a growing tracker.

Compares Rasa's own SQL tracker store with ours (``ConversationStore``: pooled,
write-ahead-logged SQLite) on SQLite, and both on the PostgreSQL server when it is
up, in one run. A turn here is what the Rasa server does per message.

    .venv/bin/python bench/tracker_store.py [--turns 300]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


async def turns(store, count: int) -> float:
    """Milliseconds per turn: retrieve, add a user message and two bot events, save."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    sender = f"bench-{uuid.uuid4().hex}"
    await store.save(DialogueStateTracker(sender, []))
    start = time.perf_counter()
    for i in range(count):
        if i % 12 == 0:  # a new conversation every dozen turns, as people do
            sender = f"bench-{uuid.uuid4().hex}"
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, [])
        tracker.update(UserUttered(f"message {i}", {"name": "greet", "confidence": 1.0}))
        tracker.update(ActionExecuted("utter_greet"))
        tracker.update(BotUttered("Hi there"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
    return (time.perf_counter() - start) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from rasa.core.tracker_store import SQLTrackerStore

    from bot.rasa_components.conversation_store import ConversationStore

    with tempfile.TemporaryDirectory() as folder:
        urls = [f"sqlite:///{folder}/rasa.db", f"sqlite:///{folder}/ours.db"]
        for label, cls, url in (
            ("SQLite, Rasa's store", SQLTrackerStore, urls[0]),
            ("SQLite, ConversationStore", ConversationStore, urls[1]),
            ("PostgreSQL, Rasa's store", SQLTrackerStore, POSTGRES),
            ("PostgreSQL, ConversationStore", ConversationStore, POSTGRES),
        ):
            try:
                store = cls(host=url)
            except Exception as error:  # noqa: BLE001 - a bench reports and goes on
                print(f"{label:<32} skipped ({type(error).__name__})")
                continue
            per_turn = asyncio.run(turns(store, args.turns))
            print(f"{label:<32} {per_turn:6.2f} ms per turn ({args.turns} turns)", flush=True)
            store.engine.dispose()


if __name__ == "__main__":
    main()
