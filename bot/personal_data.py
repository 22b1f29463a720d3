"""Removes personal details from feedback before it is stored.

Feedback is kept so the council can learn from it, never to identify a child, so
anything that could point to a person is replaced by a placeholder such as
``[phone]`` before the text reaches the database. Rules are deliberately greedy:
losing a word of context is cheap, keeping a child's address is not.

The patterns are plain regular expressions (no model), so they behave the same on
every machine and each one has a test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STREET_TYPES = (
    "road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|place|pl|crescent|gardens|"
    "court|ct|terrace|grove|hill|park|square|sq|walk|row|mews|estate|house|flats|"
    "view|rise|green|parade"
)
FIRST_PERSON_NAME = (
    r"my\s+name\s+is|my\s+name'?s|my\s+names|i\s*'?\s*a?m\s+called|call\s+me|"
    r"they\s+call\s+me|name\s*:"
)

# (kind, pattern, replacement). Order matters: links and emails go before handles
# (an email contains "@"), phones before addresses (both start with digits).
RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "email",
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE),
        "[email]",
    ),
    (
        "link",
        re.compile(
            r"\b(?:https?://|www\.)\S+"
            r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|co\.uk|org\.uk|org|net|uk|io|me|tv|gg|ly|app)"
            r"\b(?:/\S*)?",
            re.IGNORECASE,
        ),
        "[link]",
    ),
    ("handle", re.compile(r"(?<![\w.])@[A-Za-z0-9_.]{2,}"), "[handle]"),
    (
        "phone",
        # 9 or more digits with the usual separators, with or without +44.
        re.compile(r"(?<![\w])(?:\+\s?)?\d(?:[\s().-]{0,2}\d){8,14}(?![\w])"),
        "[phone]",
    ),
    (
        "postcode",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
        "[postcode]",
    ),
    (
        "date",
        re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
        "[date]",
    ),
    (
        "address",
        re.compile(
            r"\b(?P<lead>i\s+live\s+(?:at|on)|my\s+address\s+is|address\s*:|i'?m\s+at)"
            r"\s+[^.,!?;\n]+",
            re.IGNORECASE,
        ),
        r"\g<lead> [address]",
    ),
    (
        "address",
        re.compile(
            r"\b(?:flat|apartment|apt|unit)\s+\d+[a-z]?\b"
            rf"|\b\d{{1,4}}[a-z]?,?\s+(?:[A-Za-z'-]+\s+){{1,3}}(?:{STREET_TYPES})\b",
            re.IGNORECASE,
        ),
        "[address]",
    ),
    (
        "name",
        re.compile(
            rf"\b(?P<lead>{FIRST_PERSON_NAME})\s+(?P<name>[A-Za-z][A-Za-z'-]+"
            r"(?-i:\s+[A-Z][A-Za-z'-]+)?)",
            re.IGNORECASE,
        ),
        r"\g<lead> [name]",
    ),
    (
        "name",
        re.compile(
            r"\b(?P<lead>(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir)\.?)\s+[A-Z][A-Za-z'-]+"
            r"(?:\s+[A-Z][A-Za-z'-]+)?"
        ),
        r"\g<lead> [name]",
    ),
    (
        "name",
        # "my friend called Jay", "a boy named Tom": capitalised word after called/named.
        re.compile(r"\b(?P<lead>(?:called|named))\s+[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?"),
        r"\g<lead> [name]",
    ),
)


@dataclass(frozen=True)
class ScrubResult:
    text: str
    removed: tuple[str, ...]  # kinds of detail removed, in rule order, without repeats

    @property
    def changed(self) -> bool:
        return bool(self.removed)


def scrub(text: str) -> ScrubResult:
    """Replace personal details in ``text`` with placeholders like ``[phone]``."""
    removed: list[str] = []
    for kind, pattern, replacement in RULES:
        text, count = pattern.subn(replacement, text)
        if count and kind not in removed:
            removed.append(kind)
    return ScrubResult(text=text, removed=tuple(removed))
