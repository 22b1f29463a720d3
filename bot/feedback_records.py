"""The feedback table, as a SQLAlchemy 1.4 ORM class.

One row is one young person's feedback, already scrubbed of personal details.
The conversation is identified only by a salted hash, so rows from one chat can be
grouped without anyone being able to look the chat up. Schema changes go through
Alembic (``bot/migrations``); this class and the latest migration must agree,
which a test checks.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base

from bot.flourish import IMPACT_SLUGS

Base = declarative_base()

AGE_BANDS: tuple[str, ...] = ("under-11", "11-15", "16-18", "19-25", "parent-carer")
IMPACT_CHOICES: tuple[str, ...] = ("suggested-confirmed", "changed-by-user")
REVIEW_STATUSES: tuple[str, ...] = ("new", "reviewed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Feedback(Base):
    __tablename__ = "feedback"

    id = Column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    area = Column(String(40), nullable=True)
    impact = Column(String(32), nullable=False)
    impact_choice = Column(String(24), nullable=False)
    suggested_impact = Column(String(32), nullable=True)
    suggestion_confidence = Column(Float, nullable=True)
    text = Column(Text, nullable=False)
    rating = Column(Integer, nullable=True)
    age_band = Column(String(16), nullable=True)
    conversation_hash = Column(String(64), nullable=False)
    safeguarding_flag = Column(Boolean, nullable=False, default=False)
    review_status = Column(String(16), nullable=False, default="new")
    staff_notes = Column(Text, nullable=True)

    __table_args__ = (
        CheckConstraint(_in("impact", IMPACT_SLUGS), name="ck_feedback_impact"),
        CheckConstraint(_in("impact_choice", IMPACT_CHOICES), name="ck_feedback_impact_choice"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="ck_feedback_rating"),
        CheckConstraint(
            "age_band IS NULL OR " + _in("age_band", AGE_BANDS), name="ck_feedback_age_band"
        ),
        CheckConstraint(_in("review_status", REVIEW_STATUSES), name="ck_feedback_review_status"),
        Index("ix_feedback_impact_created", "impact", "created_at"),
        Index("ix_feedback_area_created", "area", "created_at"),
        Index("ix_feedback_flag", "safeguarding_flag"),
    )

    def as_dict(self) -> dict:
        """The row for exports: ISO 8601 UTC time, canonical slugs, no internals."""
        created = self.created_at
        if created is not None and created.tzinfo is None:  # SQLite drops the zone
            created = created.replace(tzinfo=timezone.utc)
        return {
            "id": self.id,
            "created_at": created.isoformat() if created else None,
            "area": self.area,
            "impact": self.impact,
            "impact_choice": self.impact_choice,
            "suggested_impact": self.suggested_impact,
            "suggestion_confidence": self.suggestion_confidence,
            "rating": self.rating,
            "age_band": self.age_band,
            "text": self.text,
            "conversation_hash": self.conversation_hash,
            "safeguarding_flag": bool(self.safeguarding_flag),
            "review_status": self.review_status,
            "staff_notes": self.staff_notes,
        }


EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "created_at",
    "area",
    "impact",
    "impact_choice",
    "suggested_impact",
    "suggestion_confidence",
    "rating",
    "age_band",
    "text",
    "conversation_hash",
    "safeguarding_flag",
    "review_status",
    "staff_notes",
)
