"""The overview's weekly trend: which weeks it spans and how many records each holds.

Domain work, not drawing: the staff overview asks :class:`FeedbackReview` for the
counts, and ``bot/web/staff/charts.py`` only draws them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterable

from bot.db.base import as_utc

TREND_WEEKS = 12


def first_monday(last_day: date, weeks: int = TREND_WEEKS) -> date:
    """The Monday that starts the trend of ``weeks`` weeks ending with ``last_day``'s week."""
    return last_day - timedelta(days=last_day.weekday()) - timedelta(weeks=weeks - 1)


def weekly_counts(
    times: Iterable[datetime], last_day: date, weeks: int = TREND_WEEKS
) -> list[tuple[date, int]]:
    """Records per week (Monday to Sunday, UTC) for the ``weeks`` weeks up to ``last_day``."""
    start = first_monday(last_day, weeks)
    mondays = [start + timedelta(weeks=n) for n in range(weeks)]
    counts = dict.fromkeys(mondays, 0)
    for moment in times:
        day = as_utc(moment).date()
        monday = day - timedelta(days=day.weekday())
        if monday in counts:
            counts[monday] += 1
    return list(counts.items())
