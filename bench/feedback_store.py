"""What saving feedback and suggesting an impact cost, on SQLite and PostgreSQL.

Usage: .venv/bin/python bench/feedback_store.py [--records 300] [--postgres URL]

Prints per-call timings for the impact suggestion, the scrub, and a committed
save (one session and transaction per record, as the action does), plus the
cost of saving an already-saved record (the retry path).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid

from sqlalchemy import create_engine, text

from bot.db_migrations import upgrade
from bot.feedback_store import FeedbackStore, NewFeedback
from bot.impact_classifier import ensure_classifier
from bot.personal_data import scrub

TEXTS = [
    "My name is Jo, my teachers never listen to me and I'm failing maths",
    "there's nothing to do round here after school, call me on 07700 900123",
    "i get so anxious before exams that i can't sleep",
    "people at school make fun of my accent and my religion",
]


def timed(function, repeat: int) -> list[float]:
    times = []
    for index in range(repeat):
        started = time.perf_counter()
        function(index)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{label:<34} mean {statistics.mean(times):7.2f} ms  p50 {statistics.median(times):7.2f}"
        f"  p95 {p95:7.2f}  max {times[-1]:7.2f}  (n={len(times)})"
    )


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

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, future=True)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # the figure is optional when no server runs
        print(f"PostgreSQL skipped: {error.__class__.__name__}: {error}")
        return
    try:
        bench_store("PostgreSQL", f"{args.postgres}?options=-csearch_path%3D{schema}", args.records)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
