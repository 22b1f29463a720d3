"""Putting a name inside a sentence: "about being listened to", not "about Being listened to".

Impact names and labels are written as headings ("Being listened to", "Safe and
secure"). Inside a sentence their first letter is lower-cased, unless the first
word is a proper noun ("Flourish", an area's name) or an acronym ("SEND",
"LGBTQ+"), which keep their capitals. Which words are proper nouns is data
(``proper_nouns`` in the wording files), passed in by the caller.
"""

from __future__ import annotations

from typing import Iterable


def mid_sentence(name: str, proper_nouns: Iterable[str] = ()) -> str:
    """``name`` as it reads inside a sentence.

    Args:
        name: a heading-style name, e.g. "Being listened to".
        proper_nouns: words (or names) that keep their capital, e.g. ["Flourish", "Camden"].

    Returns:
        "being listened to"; "Flourish anthem" and "SEND and disability" unchanged.
    """
    if not name:
        return name
    keep = {noun.strip() for noun in proper_nouns if noun.strip()}
    if any(name == noun or name.startswith(f"{noun} ") for noun in keep):
        return name
    first_word = name.split()[0]
    if sum(ch.isupper() for ch in first_word) > 1:  # an acronym: SEND, LGBTQ+, GCSE
        return name
    if first_word == "I" or first_word.startswith(("I'", "I’")):  # "I'm a parent"
        return name
    return name[0].lower() + name[1:]


def in_template(template: str, placeholder: str, name: str) -> str:
    """``name`` as it reads where ``{placeholder}`` sits in ``template``: capital only first."""
    return name if template.startswith("{" + placeholder + "}") else mid_sentence(name)
