"""Putting a label (a button's words) into the middle of a sentence.

Labels are written to stand alone ("Being listened to", "SEND and disability");
mid-sentence the first letter drops to lower case unless the first word is an
acronym ("your feedback about being listened to", "help with SEND and disability").
"""

from __future__ import annotations


def mid_sentence(label: str) -> str:
    first, space, rest = label.partition(" ")
    if len(first) > 1 and (first.isupper() or any(ch.isupper() for ch in first[1:])):
        return label
    return first[:1].lower() + first[1:] + space + rest


def in_template(template: str, placeholder: str, label: str) -> str:
    """The label as it should read where ``{placeholder}`` sits in ``template``."""
    return label if template.startswith("{" + placeholder + "}") else mid_sentence(label)
