"""The feedback table, as a SQLAlchemy 1.4 ORM class.

One row is one young person's feedback, already scrubbed of personal details.
The conversation is identified only by a salted hash, so rows from one chat can be
grouped without anyone being able to look the chat up. Schema changes go through
Alembic (``bot/ops/alembic``); this class and the latest migration must agree,
which a test checks.
"""

from __future__ import annotations

import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import relationship

from bot.core.age_bands import AGE_BANDS
from bot.core.flourish import IMPACT_SLUGS
from bot.db.base import Base, as_utc, iso, one_of, utc_now  # noqa: F401  (as_utc: re-exported)

IMPACT_CHOICES: tuple[str, ...] = ("suggested-confirmed", "changed-by-user")
REVIEW_STATUSES: tuple[str, ...] = ("new", "reviewed")


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
    reviewed_at = Column(DateTime(timezone=True), nullable=True)
    reviewed_by = Column(String(254), nullable=True)  # a staff account's email
    # Set when staff correct the impact: what the young person chose, kept so the
    # correction is visible and can be undone.
    original_impact = Column(String(32), nullable=True)
    impact_corrected_at = Column(DateTime(timezone=True), nullable=True)
    impact_corrected_by = Column(String(254), nullable=True)
    # Set when the retention command removed the text; the rest of the row stays
    # so the counts per impact, area and week do not change.
    text_removed_at = Column(DateTime(timezone=True), nullable=True)

    notes = relationship(
        "FeedbackNote",
        order_by="FeedbackNote.created_at",
        lazy="selectin",  # loaded with the row, so exports work after the session closes
        cascade="all, delete-orphan",
        back_populates="feedback",
    )

    __table_args__ = (
        CheckConstraint(one_of("impact", IMPACT_SLUGS), name="ck_feedback_impact"),
        CheckConstraint(one_of("impact_choice", IMPACT_CHOICES), name="ck_feedback_impact_choice"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="ck_feedback_rating"),
        CheckConstraint(
            "age_band IS NULL OR " + one_of("age_band", AGE_BANDS), name="ck_feedback_age_band"
        ),
        CheckConstraint(one_of("review_status", REVIEW_STATUSES), name="ck_feedback_review_status"),
        CheckConstraint(
            "original_impact IS NULL OR " + one_of("original_impact", IMPACT_SLUGS),
            name="ck_feedback_original_impact",
        ),
        Index("ix_feedback_impact_created", "impact", "created_at"),
        Index("ix_feedback_area_created", "area", "created_at"),
        Index("ix_feedback_flag", "safeguarding_flag"),
        Index("ix_feedback_review_created", "review_status", "created_at"),
    )

    def as_dict(self) -> dict:
        """The row for exports: ISO 8601 UTC times, canonical slugs, no internals."""
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
            "area": self.area,
            "impact": self.impact,
            "original_impact": self.original_impact,
            "impact_choice": self.impact_choice,
            "suggested_impact": self.suggested_impact,
            "suggestion_confidence": self.suggestion_confidence,
            "rating": self.rating,
            "age_band": self.age_band,
            "text": self.text,
            "text_removed_at": iso(self.text_removed_at),
            "conversation_hash": self.conversation_hash,
            "safeguarding_flag": bool(self.safeguarding_flag),
            "review_status": self.review_status,
            "reviewed_at": iso(self.reviewed_at),
            "reviewed_by": self.reviewed_by,
            "staff_notes": " | ".join(note.as_line() for note in self.notes),
        }


class FeedbackNote(Base):
    """A staff note on one piece of feedback: who wrote what, when; never edited."""

    __tablename__ = "feedback_note"

    id = Column(Integer, primary_key=True, autoincrement=True)
    feedback_id = Column(
        String(36), ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    author = Column(String(254), nullable=False)
    text = Column(Text, nullable=False)

    feedback = relationship("Feedback", back_populates="notes")

    def as_line(self) -> str:
        return f"{iso(self.created_at)} {self.author}: {self.text}"


EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "created_at",
    "area",
    "impact",
    "original_impact",
    "impact_choice",
    "suggested_impact",
    "suggestion_confidence",
    "rating",
    "age_band",
    "text",
    "text_removed_at",
    "conversation_hash",
    "safeguarding_flag",
    "review_status",
    "reviewed_at",
    "reviewed_by",
    "staff_notes",
)
