"""How often the assistant gave urgent signposting: a count per day, category and level.

A safeguarding lead needs to see that the safety net is working without anyone
reading conversations, so only a number is kept: no text, no conversation id, no
time finer than the day (in UK time, the day staff think in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, Column, Date, Integer, String, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.db.base import Base, one_of, utc_now
from bot.db.sessions import unit_of_work

UK = ZoneInfo("Europe/London")
# The levels of bot.safety.risk_assessment (not imported: the staff pages need no spaCy).
LEVELS: tuple[str, ...] = ("full", "soft")
# Soft signposting for distress emoji or doubt may point to no category.
UNSURE = "unsure"


class SignpostingCount(Base):
    __tablename__ = "signposting_count"

    day = Column(Date, primary_key=True)
    category = Column(String(40), primary_key=True)
    level = Column(String(8), primary_key=True)
    count = Column(Integer, nullable=False, default=0)

    __table_args__ = (CheckConstraint(one_of("level", LEVELS), name="ck_signposting_level"),)


@dataclass(frozen=True)
class DayCounts:
    day: date
    by_category: dict[str, dict[str, int]]  # category -> level -> count

    def total(self, level: str) -> int:
        return sum(levels.get(level, 0) for levels in self.by_category.values())


def uk_day(moment: datetime | None = None) -> date:
    return (moment or utc_now()).astimezone(UK).date()


def record(
    session: Session, category: str | None, level: str, moment: datetime | None = None
) -> None:
    """Add one to today's count for ``category`` and ``level``, in one statement."""
    if level not in LEVELS:
        raise ValueError(f"unknown signposting level {level!r}")
    values = {"day": uk_day(moment), "category": category or UNSURE, "level": level, "count": 1}
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(SignpostingCount)
        statement = insert.values(**values).on_conflict_do_update(
            index_elements=["day", "category", "level"],
            set_={"count": SignpostingCount.count + 1},
        )
        session.execute(statement)
        return
    updated = session.execute(
        update(SignpostingCount)
        .where(
            SignpostingCount.day == values["day"],
            SignpostingCount.category == values["category"],
            SignpostingCount.level == level,
        )
        .values(count=SignpostingCount.count + 1)
    )
    if not updated.rowcount:
        session.add(SignpostingCount(**values))


def recent(session: Session, days: int, today: date | None = None) -> list[DayCounts]:
    """The last ``days`` days, newest first, including days with nothing."""
    today = today or uk_day()
    first = today - timedelta(days=days - 1)
    rows = session.execute(
        select(
            SignpostingCount.day,
            SignpostingCount.category,
            SignpostingCount.level,
            SignpostingCount.count,
        ).where(SignpostingCount.day >= first, SignpostingCount.day <= today)
    ).all()
    per_day: dict[date, dict[str, dict[str, int]]] = {}
    for day, category, level, count in rows:
        per_day.setdefault(day, {}).setdefault(category, {})[level] = count
    return [
        DayCounts(today - timedelta(days=offset), per_day.get(today - timedelta(days=offset), {}))
        for offset in range(days)
    ]


class SignpostingLog:
    """Counts signposting in the feedback database; reads the counts for staff."""

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    def add(self, category: str | None, level: str) -> None:
        """Count one; raises :class:`bot.feedback.store.StoreUnavailable` if it can't."""
        with unit_of_work(self.sessions) as session:
            record(session, category, level)

    def recent(self, days: int = 14, today: date | None = None) -> list[DayCounts]:
        with unit_of_work(self.sessions) as session:
            return recent(session, days, today)
