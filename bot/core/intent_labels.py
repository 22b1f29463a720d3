"""Plain-English names for intents, for the "did you mean…?" fallback question.

Rasa's default asks "Did you mean 'ask_plan'?", which means nothing to a
12-year-old. The words live in a data file so they can be edited without code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot import project_path
from bot.core.data_files import DataFileError, load_yaml, require

DEFAULT_PATH = project_path("data/assistant/intent_labels.yml")


@dataclass(frozen=True)
class AffirmationWording:
    question: str
    confirm_button: str
    reject_button: str
    labels: dict[str, str]

    def question_for(self, intent: str) -> str | None:
        """The question to ask for ``intent``, or None if it has no plain label."""
        label = self.labels.get(intent)
        return self.question.format(label=label) if label else None


def load_wording(path: Path = DEFAULT_PATH) -> AffirmationWording:
    """Read and check the wording file."""
    data = load_yaml(path)
    question = require(data, "question", str, path)
    if "{label}" not in question:
        raise DataFileError(path, "question", "must contain {label}")
    labels = require(data, "labels", dict, path)
    for intent, label in labels.items():
        if not isinstance(label, str) or not label.strip():
            raise DataFileError(path, f"labels.{intent}", "expected plain-English text")
    return AffirmationWording(
        question=question,
        confirm_button=require(data, "confirm_button", str, path),
        reject_button=require(data, "reject_button", str, path),
        labels=labels,
    )
