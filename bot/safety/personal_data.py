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


# "I'm Tia" gives a name; "I'm Sorry", "I'm Muslim" do not. Words people often
# capitalise after "I'm" that are not names; anything else capitalised is taken
# as a name (losing a word is cheaper than keeping a child's name).
NOT_NAMES = frozenset(
    """a an the not so just really very too also still always never only in at on from
    here there home back out off sorry ok okay fine good great happy sad angry tired
    worried scared lonely bored stressed anxious confused upset glad feeling going
    trying getting being doing having looking thinking sure afraid done new young old
    english british welsh scottish irish muslim christian jewish hindu sikh buddhist
    black white asian mixed gay lesbian bi bisexual trans straight queer nonbinary
    autistic disabled deaf blind dyslexic year age""".split()
)
I_AM_NAME = re.compile(r"\b(?P<lead>[Ii]\s?'?m|[Ii] am)\s+(?P<name>[A-Z][A-Za-z'-]+)\b")


def _replace_i_am_name(match: re.Match[str]) -> str:
    if match.group("name").lower() in NOT_NAMES:
        return match.group(0)
    return f"{match.group('lead')} [name]"


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
    named = I_AM_NAME.sub(_replace_i_am_name, text)
    if named != text and "name" not in removed:
        removed.append("name")
    return ScrubResult(text=named, removed=tuple(removed))
