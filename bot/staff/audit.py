"""The audit log: who exported feedback, viewed flagged items, or changed a record.

Written in the same transaction as the change it describes, so a change without
its audit line (or the reverse) cannot be committed.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.base import utc_now
from bot.staff.records import AuditEvent


def record_event(
    session: Session,
    staff: str,
    action: str,
    feedback_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one audit line to the session's transaction (the caller commits)."""
    session.add(
        AuditEvent(
            at=utc_now(),
            staff=staff[:254],
            action=action,
            feedback_id=feedback_id,
            detail=json.dumps(detail or {}, sort_keys=True, default=str),
        )
    )


def record_views(session: Session, staff: str, action: str, feedback_ids: Iterable[str]) -> None:
    for feedback_id in feedback_ids:
        record_event(session, staff, action, feedback_id)


def recent_events(session: Session, limit: int = 200) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(query))
