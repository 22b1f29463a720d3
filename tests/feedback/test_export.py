"""The CSV export as plain functions: no database, no web."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from bot.feedback.export import CSV_COLUMNS, to_csv
from bot.feedback.records import EXPORT_COLUMNS, Feedback

NAMES = {"safe-and-secure": "Safe and secure", "understood": "Understood"}


def record(**changes) -> Feedback:
    values = {
        "id": "00000000-0000-4000-8000-000000000001",
        "created_at": datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc),
        "impact": "safe-and-secure",
        "impact_choice": "suggested-confirmed",
        "text": "the park feels dodgy at night",
        "conversation_hash": "ab" * 32,
        "safeguarding_flag": False,
        "review_status": "new",
    }
    values.update(changes)
    return Feedback(**values)


def test_the_impact_name_column_comes_right_after_the_slug():
    """Every export column is kept, in order, with impact_name beside impact."""
    assert [c for c in CSV_COLUMNS if c != "impact_name"] == list(EXPORT_COLUMNS)
    at = CSV_COLUMNS.index("impact")
    assert CSV_COLUMNS[at + 1] == "impact_name"


def test_each_row_names_its_impact_as_well_as_giving_the_slug():
    text = to_csv([record(), record(impact="understood")], NAMES)
    cells = list(csv.DictReader(io.StringIO(text)))
    assert list(cells[0]) == list(CSV_COLUMNS)
    assert [(c["impact"], c["impact_name"]) for c in cells] == [
        ("safe-and-secure", "Safe and secure"),
        ("understood", "Understood"),
    ]


def test_an_impact_name_that_looks_like_a_formula_is_defused():
    text = to_csv([record()], {"safe-and-secure": "=HYPERLINK(1)"})
    assert "'=HYPERLINK(1)" in text
