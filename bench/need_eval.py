"""Accuracy of find-support's need detection on sets the matcher was not written from.

Usage: .venv/bin/python bench/need_eval.py [SET.yml ...] [--misses]

Default sets: tests/support/need_heldout.yml (written by someone who never saw
data/services/needs.yml, run once before tuning), tests/support/need_heldout_b.yml
(written later, run once after tuning the word list on the dev set),
tests/support/need_heldout_c.yml (written after B showed the word list alone
did not carry over; run once at the end) and tests/support/need_dev.yml (the set
the words were tuned on, so it flatters). Prints accuracy overall, on messages with
more than 1,000 characters, and per need; --misses lists the wrong answers.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import yaml

from bot import project_path
from bot.core.spacy_pipeline import load_pipeline
from bot.support.directory import load_needs
from bot.support.need_classifier import NeedClassifier
from bot.support.need_matcher import NeedMatcher

DEFAULT_SETS = (
    "tests/support/need_heldout.yml",
    "tests/support/need_heldout_b.yml",
    "tests/support/need_heldout_c.yml",
    "tests/support/need_dev.yml",
)
LONG = 1000


def load_set(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(entry["text"], entry["need"]) for entry in data["messages"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", default=DEFAULT_SETS)
    parser.add_argument("--misses", action="store_true", help="list the wrong answers")
    parser.add_argument(
        "--words-only", action="store_true", help="the word list alone, without the classifier"
    )
    args = parser.parse_args()
    nlp, needs = load_pipeline(), load_needs()
    matcher = NeedMatcher(nlp, needs) if args.words_only else NeedClassifier(nlp, needs)
    print("words only" if args.words_only else "word list + classifier (as find-support runs)")
    for name in args.sets:
        path = project_path(name)
        if not path.exists():
            print(f"{name}: missing, skipped")
            continue
        pairs = load_set(path)
        started = time.perf_counter()
        found = [matcher.match(text) for text, _ in pairs]
        per_message_ms = (time.perf_counter() - started) * 1000 / len(pairs)
        right = [bool(got and got.id == need) for got, (_, need) in zip(found, pairs, strict=True)]
        long_right = [ok for ok, (text, _) in zip(right, pairs, strict=True) if len(text) > LONG]
        totals, hits = Counter(need for _, need in pairs), Counter()
        for ok, (_, need) in zip(right, pairs, strict=True):
            hits[need] += ok
        print(
            f"{name}: {sum(right)}/{len(pairs)} = {sum(right) / len(pairs):.1%}"
            f"  (over {LONG} characters: {sum(long_right)}/{len(long_right)};"
            f" {per_message_ms:.1f} ms per message)"
        )
        for need in sorted(totals):
            print(f"    {need:34} {hits[need]}/{totals[need]}")
        if args.misses:
            for ok, got, (text, need) in zip(right, found, pairs, strict=True):
                if not ok:
                    short = " ".join(text.split())
                    short = short if len(short) < 110 else short[:107] + "..."
                    print(f"    MISS want {need}, got {got.id if got else None}: {short}")


if __name__ == "__main__":
    main()
