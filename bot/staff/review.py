"""What staff do with feedback: read it, review it, annotate it, correct its impact.

Each change is one transaction that also writes its audit line, and reading a
safeguarding-flagged record is itself audited. The web views call these; they
never touch the tables directly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import ContextManager, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.flourish import IMPACT_SLUGS
from bot.db.base import utc_now
from bot.db.sessions import count_of, unit_of_work
from bot.feedback.records import Feedback, FeedbackNote
from bot.feedback.store import FeedbackFilter, FeedbackStore, Page, apply_filter
from bot.staff.audit import recent_events, record_event, record_views
from bot.staff.records import AuditEvent
from bot.staff.trend import first_monday, weekly_counts

MAX_NOTE_CHARACTERS = 2000
QUEUE_LIMIT = 50


class NotFound(LookupError):
    """No feedback record has that id."""


class ReviewError(ValueError):
    """A change staff asked for that cannot be made (said plainly on the page)."""


@dataclass(frozen=True)
class ImpactSummary:
    impact: str
    count: int
    average_rating: float | None
    rated: int


@dataclass(frozen=True)
class Overview:
    summary: list[ImpactSummary]
    total: int
    weeks: list[tuple[date, int]]
    flagged_waiting: int
    not_reviewed: int


@dataclass(frozen=True)
class FeedbackPage:
    page: Page
    queue: list[Feedback]
    queue_total: int


class FeedbackReview:
    def __init__(self, store: FeedbackStore) -> None:
        self.store = store

    def _work(self) -> ContextManager[Session]:
        return unit_of_work(self.store.sessions)

    # Reading ---------------------------------------------------------------

    def safeguarding_queue(
        self, staff: str, areas: tuple[str, ...] = (), limit: int = QUEUE_LIMIT
    ) -> tuple[list[Feedback], int]:
        """Flagged records nobody has reviewed, oldest first, and how many there are."""
        wanted = FeedbackFilter(areas=areas, flagged=True, reviewed=False)
        query = apply_filter(select(Feedback), wanted)
        with self._work() as session:
            total = count_of(session, query)
            items = list(
                session.scalars(query.order_by(Feedback.created_at, Feedback.id).limit(limit))
            )
            record_views(session, staff, "viewed-flagged", [item.id for item in items])
        return items, total

    def audit_flagged_views(self, staff: str, rows: Iterable[Feedback]) -> None:
        """Record that ``staff`` saw the flagged ones among ``rows``."""
        flagged = [row.id for row in rows if row.safeguarding_flag]
        if not flagged:
            return
        with self._work() as session:
            record_views(session, staff, "viewed-flagged", flagged)

    def get(self, feedback_id: str, staff: str) -> Feedback:
        """One record with its notes; opening a flagged one is audited."""
        with self._work() as session:
            row = self._row(session, feedback_id)
            if row.safeguarding_flag:
                record_event(session, staff, "viewed-flagged", row.id)
            return row

    def summary(self, wanted: FeedbackFilter) -> list[ImpactSummary]:
        """Count and average rating per impact (all eight, zeros included)."""
        query = apply_filter(
            select(
                Feedback.impact,
                func.count(),
                func.avg(Feedback.rating),
                func.count(Feedback.rating),
            ),
            wanted,
        ).group_by(Feedback.impact)
        with self._work() as session:
            rows = session.execute(query).all()
        found = {impact: (count, average, rated) for impact, count, average, rated in rows}
        summaries = []
        for slug in IMPACT_SLUGS:
            count, average, rated = found.get(slug, (0, None, 0))
            mean = float(average) if average is not None else None
            summaries.append(ImpactSummary(slug, count, mean, rated))
        return summaries

    def overview(self, wanted: FeedbackFilter, last_day: date) -> Overview:
        """Everything the overview page shows, for one filter, in one call."""
        summary = self.summary(wanted)
        start = first_monday(last_day)
        in_trend = replace(wanted, since=max(wanted.since or start, start))
        return Overview(
            summary=summary,
            total=sum(row.count for row in summary),
            weeks=weekly_counts(self.created_times(in_trend), last_day),
            flagged_waiting=self.store.count(
                FeedbackFilter(areas=wanted.areas, flagged=True, reviewed=False)
            ),
            not_reviewed=self.store.count(FeedbackFilter(areas=wanted.areas, reviewed=False)),
        )

    def feedback_page(
        self, wanted: FeedbackFilter, number: int, size: int, staff: str
    ) -> FeedbackPage:
        """One page of the list (flagged views audited), with the queue on page one."""
        page = self.store.page(wanted, number, size)
        self.audit_flagged_views(staff, page.items)
        queue, queue_total = ([], 0)
        if number == 1:
            queue, queue_total = self.safeguarding_queue(staff, wanted.areas)
        return FeedbackPage(page, queue, queue_total)

    def api_page(self, wanted: FeedbackFilter, number: int, size: int, staff: str) -> Page:
        """One page for the JSON API; the request is audited."""
        page = self.store.page(wanted, number, size)
        self.audit_api_page(staff, wanted, page)
        return page

    def created_times(self, wanted: FeedbackFilter) -> list:
        """When each matching record was saved (for the weekly trend)."""
        with self._work() as session:
            return list(session.scalars(apply_filter(select(Feedback.created_at), wanted)))

    # Changing ----------------------------------------------------------------

    def set_reviewed(self, feedback_id: str, staff: str, reviewed: bool = True) -> None:
        with self._work() as session:
            row = self._row(session, feedback_id)
            row.review_status = "reviewed" if reviewed else "new"
            row.reviewed_at = utc_now() if reviewed else None
            row.reviewed_by = staff if reviewed else None
            action = "marked-reviewed" if reviewed else "marked-not-reviewed"
            record_event(session, staff, action, feedback_id)

    def add_note(self, feedback_id: str, staff: str, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            raise ReviewError("The note is empty.")
        if len(text) > MAX_NOTE_CHARACTERS:
            raise ReviewError(f"A note can be at most {MAX_NOTE_CHARACTERS} characters.")
        with self._work() as session:
            self._row(session, feedback_id)
            session.add(
                FeedbackNote(feedback_id=feedback_id, created_at=utc_now(), author=staff, text=text)
            )
            record_event(session, staff, "added-note", feedback_id)

    def change_impact(self, feedback_id: str, staff: str, impact: str) -> None:
        """A staff correction: the young person's own choice is kept beside it."""
        if impact not in IMPACT_SLUGS:
            raise ReviewError(f"Unknown impact {impact!r}.")
        with self._work() as session:
            row = self._row(session, feedback_id)
            if row.impact == impact:
                return
            before = row.impact
            if row.original_impact is None:
                row.original_impact = before
            elif row.original_impact == impact:  # corrected back to the young person's choice
                row.original_impact = None
            row.impact = impact
            row.impact_corrected_at = utc_now()
            row.impact_corrected_by = staff
            record_event(
                session, staff, "changed-impact", feedback_id, {"from": before, "to": impact}
            )

    def export_rows(self, wanted: FeedbackFilter, staff: str, fmt: str) -> list[Feedback]:
        """The records to export; the export itself is audited with its filter."""
        rows = self.store.find(wanted)
        detail = {"format": fmt, "count": len(rows), "filter": _filter_detail(wanted)}
        with self._work() as session:
            record_event(session, staff, "exported", detail=detail)
        return rows

    def audit_api_page(self, staff: str, wanted: FeedbackFilter, page: Page) -> None:
        """An API read is an export: log it, and any flagged records it returned."""
        detail = {
            "format": "json",
            "count": len(page.items),
            "total": page.total,
            "page": page.number,
            "filter": _filter_detail(wanted),
        }
        with self._work() as session:
            record_event(session, staff, "exported", detail=detail)
            record_views(
                session, staff, "viewed-flagged", [r.id for r in page.items if r.safeguarding_flag]
            )

    def audit_events(self, limit: int = 200) -> list[AuditEvent]:
        with self._work() as session:
            return recent_events(session, limit)

    @staticmethod
    def _row(session: Session, feedback_id: str) -> Feedback:
        row = session.get(Feedback, feedback_id)
        if row is None:
            raise NotFound(feedback_id)
        return row


def _filter_detail(wanted: FeedbackFilter) -> dict:
    return {
        key: (list(value) if isinstance(value, tuple) else value)
        for key, value in vars(wanted).items()
        if value not in ((), None)
    }
