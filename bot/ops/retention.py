"""Keeping young people's words no longer than needed.

Feedback text older than ``FEEDBACK_TEXT_RETENTION_DAYS`` is removed while the rest
of each record stays, so the counts per impact, area and week do not change.
Rasa's tracker store keeps every message (scrubbed of personal details by
``ConversationStore``, but still a child's words); whole conversations whose last
event is older than ``CONVERSATION_RETENTION_DAYS`` are deleted from it.
``python -m bot retention`` runs both; ``make run`` runs it at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from sqlalchemy import inspect, text, update
from sqlalchemy.exc import SQLAlchemyError

from bot import settings
from bot.db.base import utc_now
from bot.db.sessions import Database, StoreUnavailable, make_engine, unit_of_work
from bot.feedback.records import Feedback
from bot.staff.audit import record_event

RASA_EVENTS_TABLE = "events"  # rasa.core.tracker_store.SQLTrackerStore.SQLEvent


@dataclass(frozen=True)
class RetentionResult:
    feedback_texts_removed: int
    conversations_removed: int | None  # None: no SQL tracker store to clean


def remove_old_feedback_text(
    store: Database, days: int, now: datetime | None = None, by: str = "retention"
) -> int:
    """Blank the text of records saved more than ``days`` ago; return how many."""
    if days <= 0:
        return 0
    now = now or utc_now()
    cutoff = now - timedelta(days=days)
    statement = (
        update(Feedback)
        .where(Feedback.created_at < cutoff, Feedback.text_removed_at.is_(None))
        .values(text="", text_removed_at=now)
        .execution_options(synchronize_session=False)
    )
    with unit_of_work(store.sessions) as session:
        removed = session.execute(statement).rowcount or 0
        if removed:
            record_event(session, by, "removed-old-text", detail={"records": removed, "days": days})
    return removed


def remove_old_conversations(
    tracker_url: str, days: int, now: datetime | None = None
) -> int | None:
    """Delete Rasa conversations whose last event is older than ``days``.

    Whole conversations only, so no tracker is left cut in half. Returns None when
    the tracker store has no events table yet (nothing to clean).
    """
    if days <= 0:
        return 0
    cutoff = ((now or utc_now()) - timedelta(days=days)).timestamp()
    engine = make_engine(tracker_url)
    try:
        if not inspect(engine).has_table(RASA_EVENTS_TABLE):
            return None
        with engine.begin() as connection:
            result = connection.execute(
                text(
                    f"DELETE FROM {RASA_EVENTS_TABLE} WHERE sender_id IN ("
                    f"SELECT sender_id FROM {RASA_EVENTS_TABLE} GROUP BY sender_id "
                    "HAVING MAX(timestamp) < :cutoff)"
                ),
                {"cutoff": cutoff},
            )
            return result.rowcount or 0
    except SQLAlchemyError as error:
        raise StoreUnavailable(f"the tracker store is not available: {error}") from error
    finally:
        engine.dispose()


def apply_retention(env: Mapping[str, str] | None = None) -> RetentionResult:
    """Both clean-ups with the configured periods."""
    store = Database.from_settings(env)
    try:
        texts = remove_old_feedback_text(
            store, int(settings.get("FEEDBACK_TEXT_RETENTION_DAYS", env))
        )
    finally:
        store.dispose()
    conversations = remove_old_conversations(
        settings.get("TRACKER_STORE_URL", env),
        int(settings.get("CONVERSATION_RETENTION_DAYS", env)),
    )
    return RetentionResult(texts, conversations)
