"""Typed answers read one way for both forms (plain Python, no Rasa)."""

from __future__ import annotations

import pytest

from bot.core.age_bands import AGE_BANDS, BAND_AGE, band_for_age
from bot.core.answers import (
    OTHER_AREA,
    SKIP,
    Answer,
    is_leaving,
    parent_from_text,
    read_age_band,
    read_area,
)

LABELS = {"11-15": "11 to 15", "parent-carer": "A parent or carer"}
AREAS = {"camden": "Camden", "norfolk": "Norfolk"}


@pytest.mark.parametrize(
    ("text", "band"),
    [("i'm 14", "11-15"), ("17", "16-18"), ("under 11", "under-11"),
     ("I'm his mum", "parent-carer"), ("11 to 15", "11-15"), ("skip", SKIP),
     ("a while ago", None), ("99", None)],
)  # fmt: skip
def test_age_bands_from_words(text, band):
    assert read_age_band(Answer(text), LABELS) == band


def test_areas_from_buttons_names_and_somewhere_else():
    assert read_area(Answer('/inform{"choice": "camden"}', "inform", "camden"), AREAS) == "camden"
    assert read_area(Answer("we live in norfolk"), AREAS) == "norfolk"
    assert read_area(Answer("somewhere else"), AREAS) == OTHER_AREA
    assert read_area(Answer("hmm"), AREAS) is None


@pytest.mark.parametrize(
    ("answer", "leaving"),
    [(Answer("stop"), True), (Answer("forget it."), True), (Answer("bye", "goodbye"), True),
     (Answer("i want the bullying at school to stop", "stop"), False), (Answer("no"), False)],
)  # fmt: skip
def test_leaving_is_a_short_command_not_an_answer_that_mentions_it(answer, leaving):
    assert is_leaving(answer) is leaving


def test_parents_who_say_so_unprompted():
    assert parent_from_text("My son is being bullied at school") == "parent-carer"
    assert parent_from_text("my mate is being bullied") is None


def test_one_table_of_ages_per_band():
    for band, age in BAND_AGE.items():
        assert band in AGE_BANDS and band_for_age(age) == band
