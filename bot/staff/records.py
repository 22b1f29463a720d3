"""The staff side's tables: accounts, the audit log, and "you said, we did" updates.

They live in the feedback database (``DATABASE_URL``), share its metadata and its
Alembic migrations, and are written only through the modules that own them
(``staff_accounts``, ``staff_audit``, ``you_said_we_did``).
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, Index, Integer, String, Text

from bot.core.flourish import IMPACT_SLUGS
from bot.db.base import Base, one_of, utc_now


class StaffUser(Base):
    __tablename__ = "staff_user"

    id = Column(Integer, primary_key=True, autoincrement=True)
    email = Column(String(254), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)  # argon2id, with its parameters
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    failed_sign_ins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime(timezone=True), nullable=True)
    last_sign_in_at = Column(DateTime(timezone=True), nullable=True)
    # Sessions that began before this are refused: signing out (or being disabled)
    # ends every session of the account, even a copied cookie.
    sessions_revoked_at = Column(DateTime(timezone=True), nullable=True)


class AuditEvent(Base):
    """One thing a person did with the feedback: who, what, when, on which record.

    ``feedback_id`` is deliberately not a foreign key, so the trail outlives the
    records it is about.
    """

    __tablename__ = "audit_event"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    staff = Column(String(254), nullable=False)  # an email, or "command line"
    action = Column(String(40), nullable=False)
    feedback_id = Column(String(36), nullable=True)
    detail = Column(Text, nullable=False, default="{}")  # JSON

    __table_args__ = (Index("ix_audit_event_at", "at"),)


class WeDidUpdate(Base):
    """A published "you said, we did" reply for one impact, in one area or every area."""

    __tablename__ = "we_did_update"

    id = Column(Integer, primary_key=True, autoincrement=True)
    impact = Column(String(32), nullable=False)
    area = Column(String(40), nullable=True)  # None: every area
    you_said = Column(Text, nullable=False)
    we_did = Column(Text, nullable=False)
    published_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    published_by = Column(String(254), nullable=False)
    withdrawn_at = Column(DateTime(timezone=True), nullable=True)
    withdrawn_by = Column(String(254), nullable=True)

    __table_args__ = (
        CheckConstraint(one_of("impact", IMPACT_SLUGS), name="ck_we_did_update_impact"),
        Index("ix_we_did_update_impact_published", "impact", "published_at"),
    )
