"""Names put inside a sentence start with a small letter, unless they are proper nouns."""

from __future__ import annotations

import pytest

from bot.core.mid_sentence import in_template, mid_sentence


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Being listened to", "being listened to"),
        ("Safe and secure", "safe and secure"),
        ("Understood", "understood"),
        ("Flourish anthem", "Flourish anthem"),  # a proper noun, from the list passed in
        ("Camden", "Camden"),
        ("SEND and disability", "SEND and disability"),  # an acronym keeps its capitals
        ("LGBTQ+ support", "LGBTQ+ support"),
        ("I'm a parent or carer", "I'm a parent or carer"),
        ("", ""),
    ],
)
def test_names_inside_a_sentence(name, expected):
    assert mid_sentence(name, ["Flourish", "Camden"]) == expected


def test_a_word_that_only_starts_like_a_proper_noun_is_lowered():
    assert mid_sentence("Flourishing lives", ["Flourish"]) == "flourishing lives"


def test_a_name_keeps_its_capital_only_when_it_starts_the_template():
    assert in_template("{impact} (Camden).", "impact", "Being listened to") == "Being listened to"
    assert in_template("about {impact}.", "impact", "Being listened to") == "being listened to"
