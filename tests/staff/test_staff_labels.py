"""The staff pages' labels as plain functions: Jinja templates rendered without a server."""

from __future__ import annotations

from bot.core.age_bands import AGE_BANDS
from bot.web.staff.views import JINJA


def labels():
    return JINJA.get_template("staff/_labels.html").module


def test_every_age_band_has_a_staff_label_in_order():
    """A band added to the code without a label here would show staff its raw code."""
    assert list(labels().age_band_labels) == list(AGE_BANDS)


def test_an_age_band_is_shown_by_its_label():
    assert str(labels().age_band("11-15")) == "11 to 15"
    assert str(labels().age_band("parent-carer")) == "Parent or carer"
    assert str(labels().age_band(None)) == ""
    assert str(labels().age_band(None, "not given")) == "not given"
