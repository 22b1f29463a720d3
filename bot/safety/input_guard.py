"""Recognises messages the intent model has no business guessing about.

An empty message, a row of punctuation, or a message in a script the assistant
cannot read gets a clear, honest answer instead of a random intent. Very long
messages are cut down before the classifiers see them, so one paste of a whole
essay cannot slow the server down for everyone.
"""

from __future__ import annotations

import enum
import unicodedata

DEFAULT_MAX_CHARACTERS = 1000


class InputShape(enum.Enum):
    OK = "ok"
    EMPTY = "empty"
    EMOJI = "emoji"
    OTHER_LANGUAGE = "other_language"


def classify(text: str | None) -> InputShape:
    """Whether there is anything here to understand, and in a script we can read.

    Only whitespace, punctuation and control characters count as empty. Emoji
    are content, but not words the intent model can read: a message of emoji
    alone gets its own answer (and distress emoji a check-in, from the safety net).
    """
    letters = latin = meaningful = symbols = digits = 0
    for char in text or "":
        category = unicodedata.category(char)
        if category[0] in "PZC":
            continue
        meaningful += 1
        if category[0] == "S":
            symbols += 1
        elif category[0] == "N":
            digits += 1
        elif category[0] == "L":
            letters += 1
            if "LATIN" in unicodedata.name(char, ""):
                latin += 1
    if meaningful == 0:
        return InputShape.EMPTY
    if symbols and not letters and not digits:
        return InputShape.EMOJI
    if letters >= 2 and latin / letters < 0.5:
        return InputShape.OTHER_LANGUAGE
    return InputShape.OK


def trim(text: str | None, max_characters: int = DEFAULT_MAX_CHARACTERS) -> str:
    """The text cut to at most ``max_characters``, at a word boundary where possible."""
    text = text or ""
    if len(text) <= max_characters:
        return text
    cut = text[:max_characters]
    space = cut.rfind(" ")
    return cut[:space] if space > max_characters // 2 else cut
