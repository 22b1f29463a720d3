"""Feedback as CSV or JSON, for staff and for tests.

CSV is what spreadsheet users expect: UTF-8 with a header row, ISO 8601 UTC times,
canonical impact slugs, and beside the slug the impact's name, because people
reading a spreadsheet know "Safe and secure", not "safe-and-secure". Cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``) are
prefixed with an apostrophe, because the text comes from the public.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Mapping

from bot.feedback.records import EXPORT_COLUMNS, Feedback

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The export columns, with the impact's name right after its slug.
CSV_COLUMNS: tuple[str, ...] = tuple(
    column
    for name in EXPORT_COLUMNS
    for column in ((name, "impact_name") if name == "impact" else (name,))
)


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Iterable[Feedback], impact_names: Mapping[str, str]) -> str:
    """The rows as CSV; ``impact_names`` maps each slug to its name (from the content pack).

    The names are passed in rather than read here, so the feedback package does not
    need the plan's content packs, and a test can give its own.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        cells = row.as_dict()
        cells["impact_name"] = impact_names.get(row.impact, row.impact)
        writer.writerow({key: safe_cell(value) for key, value in cells.items()})
    return out.getvalue()


def to_json(rows: Iterable[Feedback]) -> str:
    return json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2)


def export(rows: Iterable[Feedback], fmt: str, impact_names: Mapping[str, str]) -> str:
    """``rows`` in ``fmt``; JSON keeps slugs only (it is for programs, not people)."""
    if fmt == "csv":
        return to_csv(rows, impact_names)
    if fmt == "json":
        return to_json(rows)
    raise ValueError(f"unknown format {fmt!r}; use csv or json")
