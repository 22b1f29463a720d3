"""Saves and reads feedback: the only way a record reaches the database.

Every guarantee about stored feedback lives here, so no caller can skip one:
- the text is scrubbed of personal details before it is written;
- the conversation id is replaced by a salted HMAC, never stored raw;
- a save either commits or raises :class:`StoreUnavailable`, so the assistant only
  says "saved" after a commit;
- saving the same record id twice stores it once (a retried action is harmless).

One SQLAlchemy session per unit of work, as in SQLAlchemy's ORM quickstart.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Iterator, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from bot import project_path, settings
from bot.core.age_bands import AGE_BANDS
from bot.core.flourish import IMPACT_SLUGS
from bot.core.kept_secrets import configured_or_kept
from bot.db.base import utc_now
from bot.db.sessions import StoreUnavailable, count_of, make_engine, unit_of_work
from bot.feedback.records import IMPACT_CHOICES, Feedback
from bot.safety.personal_data import scrub

logger = logging.getLogger(__name__)

MAX_TEXT_CHARACTERS = 2000
NEWEST_FIRST = (Feedback.created_at.desc(), Feedback.id)
SALT_FILE = project_path("var/feedback-salt")


@dataclass(frozen=True)
class NewFeedback:
    """What the conversation collected, before scrubbing and hashing."""

    id: str
    conversation_id: str
    text: str
    impact: str
    impact_choice: str
    suggested_impact: str | None = None
    suggestion_confidence: float | None = None
    rating: int | None = None
    age_band: str | None = None
    area: str | None = None
    safeguarding_flag: bool = False

    def __post_init__(self) -> None:
        if self.impact not in IMPACT_SLUGS:
            raise ValueError(f"unknown impact {self.impact!r}")
        if self.impact_choice not in IMPACT_CHOICES:
            raise ValueError(f"unknown impact choice {self.impact_choice!r}")
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise ValueError(f"rating must be 1 to 5, got {self.rating}")
        if self.age_band is not None and self.age_band not in AGE_BANDS:
            raise ValueError(f"unknown age band {self.age_band!r}")


@dataclass(frozen=True)
class SaveOutcome:
    id: str
    created: bool  # False when the same id was already saved (a retry)


@dataclass(frozen=True)
class FeedbackFilter:
    """Which records to find; the CLI export, staff pages and staff API share it."""

    impacts: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    since: date | datetime | None = None
    until: date | datetime | None = None  # exclusive
    flagged: bool | None = None
    ratings: tuple[int, ...] = ()
    age_bands: tuple[str, ...] = ()
    reviewed: bool | None = None

    def __post_init__(self) -> None:
        unknown = [slug for slug in self.impacts if slug not in IMPACT_SLUGS]
        if unknown:
            raise ValueError(
                f"unknown impact {', '.join(unknown)}; use one of {', '.join(IMPACT_SLUGS)}"
            )
        if any(not 1 <= rating <= 5 for rating in self.ratings):
            raise ValueError("a rating is a number from 1 to 5")
        bands = [band for band in self.age_bands if band not in AGE_BANDS]
        if bands:
            raise ValueError(
                f"unknown age band {', '.join(bands)}; use one of {', '.join(AGE_BANDS)}"
            )


@dataclass(frozen=True)
class Page:
    items: list[Feedback]
    total: int
    number: int  # from 1
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def apply_filter(query: Select, wanted: FeedbackFilter) -> Select:
    """``query`` narrowed to the records ``wanted`` describes."""
    if wanted.impacts:
        query = query.where(Feedback.impact.in_(wanted.impacts))
    if wanted.areas:
        query = query.where(Feedback.area.in_(wanted.areas))
    if wanted.since:
        query = query.where(Feedback.created_at >= as_utc_start(wanted.since))
    if wanted.until:
        query = query.where(Feedback.created_at < as_utc_start(wanted.until))
    if wanted.flagged is not None:
        query = query.where(Feedback.safeguarding_flag.is_(wanted.flagged))
    if wanted.ratings:
        query = query.where(Feedback.rating.in_(wanted.ratings))
    if wanted.age_bands:
        query = query.where(Feedback.age_band.in_(wanted.age_bands))
    if wanted.reviewed is not None:
        status = "reviewed" if wanted.reviewed else "new"
        query = query.where(Feedback.review_status == status)
    return query






def as_utc_start(day: date | datetime) -> datetime:
    """A date filter means from the start of that day, UTC."""
    if isinstance(day, datetime):
        return day if day.tzinfo else day.replace(tzinfo=timezone.utc)
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def load_salt(env: Mapping[str, str] | None = None, salt_file: Path = SALT_FILE) -> bytes:
    """The secret salt: from ``FEEDBACK_HASH_SALT``, else a random one kept in a file."""
    configured = settings.get("FEEDBACK_HASH_SALT", env)
    return configured_or_kept(configured, salt_file, lambda: secrets.token_hex(32)).encode()




class FeedbackStore:
    def __init__(self, url: str, salt: bytes) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self._salt = salt

    @classmethod
    def from_settings(cls, env: Mapping[str, str] | None = None) -> FeedbackStore:
        return cls(settings.get("DATABASE_URL", env), load_salt(env))

    def conversation_hash(self, conversation_id: str) -> str:
        return hmac.new(self._salt, conversation_id.encode("utf-8"), hashlib.sha256).hexdigest()

    def save(self, new: NewFeedback) -> SaveOutcome:
        """Commit one record, or raise :class:`StoreUnavailable`; idempotent per id."""
        row = Feedback(
            id=new.id,
            created_at=utc_now(),
            area=new.area,
            impact=new.impact,
            impact_choice=new.impact_choice,
            suggested_impact=new.suggested_impact,
            suggestion_confidence=new.suggestion_confidence,
            # PostgreSQL refuses a NUL in text (a ValueError, not a database error), and
            # the feedback would be lost without "try again": a NUL carries no meaning.
            text=scrub(new.text[:MAX_TEXT_CHARACTERS].replace("\x00", "")).text,
            rating=new.rating,
            age_band=new.age_band,
            conversation_hash=self.conversation_hash(new.conversation_id),
            safeguarding_flag=new.safeguarding_flag,
            review_status="new",
        )
        try:
            with self.sessions() as session:
                if session.get(Feedback, new.id) is not None:
                    return SaveOutcome(new.id, created=False)
                session.add(row)
                session.commit()
                return SaveOutcome(new.id, created=True)
        except IntegrityError:
            # Two saves of one id raced; the other one committed it.
            if self._exists(new.id):
                return SaveOutcome(new.id, created=False)
            logger.exception("Feedback %s was refused by the database", new.id)
            raise StoreUnavailable("the database refused the feedback record") from None
        except SQLAlchemyError as error:
            logger.error("Could not save feedback %s: %s", new.id, error)
            raise StoreUnavailable("the feedback database is not available") from error

    def _exists(self, record_id: str) -> bool:
        try:
            with self.sessions() as session:
                return session.get(Feedback, record_id) is not None
        except SQLAlchemyError:
            return False

    def find(self, wanted: FeedbackFilter | None = None) -> list[Feedback]:
        """Records matching the filter, newest first."""
        return list(self.iter_find(wanted or FeedbackFilter()))

    def iter_find(self, wanted: FeedbackFilter) -> Iterator[Feedback]:
        query = apply_filter(select(Feedback), wanted).order_by(*NEWEST_FIRST)
        with unit_of_work(self.sessions) as session:
            rows = session.scalars(query).all()
        yield from rows

    def page(self, wanted: FeedbackFilter, number: int = 1, size: int = 25) -> Page:
        """One page of the records matching the filter, newest first, and the total."""
        number = max(1, number)
        query = apply_filter(select(Feedback), wanted)
        with unit_of_work(self.sessions) as session:
            total = count_of(session, query)
            items = session.scalars(
                query.order_by(*NEWEST_FIRST).offset((number - 1) * size).limit(size)
            ).all()
        return Page(list(items), total, number, size)

    def count(self, wanted: FeedbackFilter | None = None) -> int:
        """How many records match the filter (all of them without one)."""
        with unit_of_work(self.sessions) as session:
            return count_of(session, apply_filter(select(Feedback), wanted or FeedbackFilter()))

    def session(self) -> Session:
        """A session for callers that need more than save and find (the staff pages)."""
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()
