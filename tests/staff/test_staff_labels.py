"""The staff pages' labels as plain functions: Jinja templates rendered without a server."""

from __future__ import annotations

from bot.core.age_bands import AGE_BANDS
from bot.core.flourish import IMPACT_SLUGS
from bot.feedback.flow import load_feedback_wording
from bot.plan.content import load_library
from bot.web.staff.views import JINJA


def labels(**context):
    template = JINJA.get_template("staff/_labels.html")
    return template.make_module(context) if context else template.module


def test_every_age_band_has_a_staff_label_in_order():
    """A band added to the code without a label here would show staff its raw code."""
    assert list(labels().age_band_labels) == list(AGE_BANDS)


def test_an_age_band_is_shown_by_its_label():
    assert str(labels().age_band("11-15")) == "11 to 15"
    assert str(labels().age_band("parent-carer")) == "Parent or carer"
    assert str(labels().age_band(None)) == ""
    assert str(labels().age_band(None, "not given")) == "not given"


def test_an_impact_is_named_for_staff_beside_young_peoples_words():
    """Both wordings come from the data files the assistant and the pages already use."""
    names = labels(
        impact_names=load_library().impact_names(),
        young_people_names=load_feedback_wording().impacts,
    )
    assert str(names.impact_both("understood")) == (
        "Understood — young people see: “Being listened to”"
    )
    assert str(names.impact_both("safe-and-secure")) == (
        "Safe and secure — young people see: “Feeling safe”"
    )
    shown = {str(names.impact_both(slug)) for slug in IMPACT_SLUGS}
    assert len(shown) == len(IMPACT_SLUGS)


def test_the_young_peoples_words_are_read_not_written_into_the_template():
    names = labels(impact_names={"learning": "Learning"}, young_people_names={"learning": "Xyz"})
    assert str(names.impact_both("learning")) == "Learning — young people see: “Xyz”"
