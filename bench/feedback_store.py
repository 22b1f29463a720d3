"""What saving feedback and suggesting an impact cost, on SQLite and PostgreSQL.

Usage: .venv/bin/python bench/feedback_store.py [--records 300] [--postgres URL]

Prints per-call timings for the impact suggestion, the scrub, and a committed
save (one session and transaction per record, as the action does), plus the
cost of saving an already-saved record (the retry path).
"""

from __future__ import annotations

import argparse
import tempfile
import uuid

from databases import temporary_postgres_schema
from timing import report, timed  # bench/timing.py (the script's folder is on sys.path)

from bot.feedback.impact_classifier import ensure_classifier
from bot.feedback.store import FeedbackStore, NewFeedback
from bot.ops.migrations import upgrade
from bot.safety.personal_data import scrub

TEXTS = [
    "My name is Jo, my teachers never listen to me and I'm failing maths",
    "there's nothing to do round here after school, call me on 07700 900123",
    "i get so anxious before exams that i can't sleep",
    "people at school make fun of my accent and my religion",
]


def bench_store(label: str, url: str, records: int) -> None:
    upgrade(url)
    store = FeedbackStore(url, b"bench")
    ids = [str(uuid.uuid4()) for _ in range(records)]

    def save(index: int) -> None:
        store.save(
            NewFeedback(
                id=ids[index],
                conversation_id=f"bench-{index}",
                text=TEXTS[index % len(TEXTS)],
                impact="understood",
                impact_choice="suggested-confirmed",
                rating=3,
            )
        )

    report(f"save ({label})", timed(save, records))
    report(f"save again, same id ({label})", timed(save, records))
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    classifier = ensure_classifier()
    report("impact suggestion", timed(lambda i: classifier.suggest(TEXTS[i % 4]), 500))
    report("scrub", timed(lambda i: scrub(TEXTS[i % 4]), 2000))

    with tempfile.TemporaryDirectory() as folder:
        bench_store("SQLite", f"sqlite:///{folder}/bench.db", args.records)

    with temporary_postgres_schema(args.postgres) as url:
        if url:
            bench_store("PostgreSQL", url, args.records)

if __name__ == "__main__":
    main()
