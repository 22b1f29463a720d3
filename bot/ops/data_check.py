"""Validates every data file at once, so a bad edit fails fast with a clear message."""

from __future__ import annotations

import sys

from bot.core.data_files import DataFileError
from bot.core.fault_replies import load_fault_replies
from bot.core.intent_labels import load_wording
from bot.feedback.flow import load_feedback_wording
from bot.feedback.impact_classifier import load_examples, load_words
from bot.plan.content import load_library
from bot.safety.crisis import load_rules
from bot.safety.risk_model import load_corpus, load_settings
from bot.support.directory import load_directory, load_needs
from bot.support.finder import load_support_wording
from bot.support.need_classifier import load_need_examples

LOADERS = {
    "safety rules": load_rules,
    "risk model settings": load_settings,
    "risk corpus": lambda: load_corpus(categories=[c.id for c in load_rules().categories]),
    "fallback wording": load_wording,
    "fault replies": load_fault_replies,
    "content packs": load_library,
    "feedback wording": load_feedback_wording,
    "impact examples": load_examples,
    "impact words": load_words,
    "service needs": load_needs,
    "need examples": lambda: load_need_examples(load_needs()),
    "services directory": lambda: load_directory(
        known_areas=tuple(load_library().packs), examples=True
    ),
    "support wording": load_support_wording,
}


def check_all() -> int:
    """Load each data file; print problems and return a shell exit code."""
    failures = 0
    for what, load in LOADERS.items():
        try:
            load()
        except DataFileError as error:
            failures += 1
            print(f"{what}: {error}", file=sys.stderr)
    if not failures:
        print(f"data files OK ({', '.join(LOADERS)})")
    return 1 if failures else 0
