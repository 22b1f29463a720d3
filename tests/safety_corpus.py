"""The safety test corpus, shared by the detector tests and the model tests."""

from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).parent / "safety"


def risk_messages() -> list[tuple[str | None, str]]:
    """(expected category or None for 'any', message) for every risk message."""
    data = yaml.safe_load((HERE / "risk_messages.yml").read_text(encoding="utf-8"))
    return [
        (None if category == "any_category" else category, message)
        for category, messages in data.items()
        for message in messages
    ]


def hard_negatives() -> list[str]:
    return yaml.safe_load((HERE / "hard_negatives.yml").read_text(encoding="utf-8"))


# The aim for false positives on the hard negatives.
MAX_FALSE_POSITIVE_RATE = 0.10
