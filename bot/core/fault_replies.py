"""What the assistant says when it cannot do what was asked.

A part of the assistant can be down (the action server, a database, Redis), a
message can be too long, or messages can come faster than anyone types. The young
person must never get silence, or a confirmation of something that did not
happen: they get one of these lines instead, each naming a way to get help now.
The words are data (``data/assistant/when_things_go_wrong.yml``), checked at
start-up like every other data file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot import project_path
from bot.core.data_files import DataFileError, load_yaml, require

DEFAULT_PATH = project_path("data/assistant/when_things_go_wrong.yml")
HELP_NOW = "0800 1111"


@dataclass(frozen=True)
class FaultReplies:
    try_again: str
    too_fast: str
    too_long_template: str
    bad_request: str
    no_reply: str

    def too_long(self, limit: int) -> str:
        return self.too_long_template.format(limit=f"{limit:,}")


def load_fault_replies(path: Path = DEFAULT_PATH) -> FaultReplies:
    """Read and check the wording; the fault lines must give Childline's number."""
    data = load_yaml(path)
    replies = {key: require(data, key, str, path).strip() for key in (
        "try_again", "too_fast", "too_long", "bad_request", "no_reply"
    )}  # fmt: skip
    for key in ("try_again", "too_fast"):
        if HELP_NOW not in replies[key]:
            raise DataFileError(path, key, f"must give Childline's number ({HELP_NOW})")
    if "{limit}" not in replies["too_long"]:
        raise DataFileError(path, "too_long", "must contain {limit}")
    return FaultReplies(
        try_again=replies["try_again"],
        too_fast=replies["too_fast"],
        too_long_template=replies["too_long"],
        bad_request=replies["bad_request"],
        no_reply=replies["no_reply"],
    )


@lru_cache(maxsize=1)
def fault_replies() -> FaultReplies:
    """The wording, read once per process (servers load it at start-up)."""
    return load_fault_replies()
