"""Feedback as CSV or JSON, for staff and for tests.

CSV is what spreadsheet users expect: UTF-8 with a header row, ISO 8601 UTC times,
canonical impact slugs. Cells that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-`` or ``@``) are prefixed with an apostrophe, because the
text comes from the public.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable

from bot.feedback.records import EXPORT_COLUMNS, Feedback

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Iterable[Feedback]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.as_dict().items()})
    return out.getvalue()


def to_json(rows: Iterable[Feedback]) -> str:
    return json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2)


FORMATS = {"csv": to_csv, "json": to_json}


def export(rows: Iterable[Feedback], fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use csv or json")
    return FORMATS[fmt](rows)
