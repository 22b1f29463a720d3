"""Reading the staff pages' and API's filters from a query string.

Bad values are never fatal: each one is dropped with a plain message, so a typo
in a bookmarked link still shows the page (and the API says what was wrong).
Dates are ``YYYY-MM-DD`` and both ends are inclusive, as staff would read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Mapping, Sequence
from urllib.parse import urlencode

from multidict import MultiMapping

from bot.core.age_bands import AGE_BANDS
from bot.core.flourish import IMPACT_SLUGS
from bot.feedback.store import FeedbackFilter

YES_NO = {"yes": True, "no": False}
MAX_VALUES = 20  # per field: more is not a real filter
# Dates a filter can hold. Python's own dates stop at 0001-01-01 and 9999-12-31, and
# the pages step a day past the end and twelve weeks before it: no real filter needs
# dates anywhere near either.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
FIELDS = ("impact", "area", "from", "to", "rating", "age_band", "flagged", "reviewed")


@dataclass
class Filters:
    """The filter as asked for (to redraw the form and links) and as understood."""

    wanted: FeedbackFilter
    chosen: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    page: int = 1

    def query(self, **changes: str) -> str:
        """The query string for these filters, with ``changes`` (e.g. another page)."""
        pairs = [(name, value) for name in FIELDS for value in self.chosen.get(name, [])]
        pairs += [(name, value) for name, value in changes.items() if value]
        return urlencode(pairs)

    def as_dict(self) -> dict[str, list[str]]:
        return {name: values for name, values in self.chosen.items() if values}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def whole_number(text: str, digits: int) -> int | None:
    """``text`` as a number of at most ``digits`` ASCII digits, or ``None``.

    Not ``str.isdigit`` alone: it also says yes to "²" and "١٢", and ``int("²")`` fails.
    """
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None


def parse_filters(
    params: MultiMapping[str], areas: Mapping[str, str], fields: Sequence[str] = FIELDS
) -> Filters:
    errors: list[str] = []
    chosen: dict[str, list[str]] = {}

    def values(name: str, allowed: Sequence[str], label: str) -> list[str]:
        if name not in fields:
            return []
        given = [v.strip() for v in params.getall(name, []) if v.strip()][:MAX_VALUES]
        good = [v for v in given if v in allowed]
        for bad in given:
            if bad not in allowed:
                errors.append(f"'{bad[:40]}' is not a {label}, so it was left out.")
        chosen[name] = list(dict.fromkeys(good))
        return chosen[name]

    def one_date(name: str) -> date | None:
        text = params.get(name, "").strip() if name in fields else ""
        if not text:
            return None
        parsed = _date(text)
        if parsed is None:
            errors.append(f"'{text[:40]}' is not a date like 2026-01-31, so it was left out.")
            return None
        if not FIRST_DAY <= parsed <= LAST_DAY:
            errors.append(
                f"'{text[:40]}' is not between {FIRST_DAY.year} and {LAST_DAY.year}, "
                "so it was left out."
            )
            return None
        chosen[name] = [parsed.isoformat()]
        return parsed

    def yes_no(name: str) -> bool | None:
        picked = values(name, tuple(YES_NO), f"choice for {name} (yes or no)")
        return YES_NO[picked[0]] if len(picked) == 1 else None

    impacts = values("impact", IMPACT_SLUGS, "Flourish impact")
    area_ids = values("area", tuple(areas), "known area")
    since = one_date("from")
    last = one_date("to")
    if since and last and last < since:
        errors.append("The 'to' date is before the 'from' date, so nothing can match.")
    ratings = values("rating", ("1", "2", "3", "4", "5"), "rating from 1 to 5")
    bands = values("age_band", AGE_BANDS, "known age band")
    flagged = yes_no("flagged")
    reviewed = yes_no("reviewed")
    wanted = FeedbackFilter(
        impacts=tuple(impacts),
        areas=tuple(area_ids),
        since=since,
        until=last + timedelta(days=1) if last else None,
        flagged=flagged,
        ratings=tuple(int(r) for r in ratings),
        age_bands=tuple(bands),
        reviewed=reviewed,
    )
    page = whole_number(params.get("page", "1"), digits=6) or 1
    return Filters(wanted, chosen, errors, page)
