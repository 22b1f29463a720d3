"""Staff review on real databases: filters, pages, summaries, changes, audit, retention."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, select, text, update

from bot.feedback.records import Feedback, FeedbackNote
from bot.feedback.store import FeedbackFilter, FeedbackStore
from bot.ops.retention import remove_old_conversations, remove_old_feedback_text
from bot.staff.records import AuditEvent
from bot.staff.review import FeedbackReview, NotFound, ReviewError
from bot.staff.trend import weekly_counts
from tests.feedback_samples import save

STAFF = "sam@example.org"


@pytest.fixture
def store(database_url):
    store = FeedbackStore(database_url, b"salt")
    yield store
    store.dispose()


@pytest.fixture
def review(store):
    return FeedbackReview(store)


def age(store: FeedbackStore, record_id: str, days: int) -> None:
    """Move a record's saved time back, as if it had been saved ``days`` ago."""
    with store.session() as session, session.begin():
        session.execute(
            update(Feedback)
            .where(Feedback.id == record_id)
            .values(created_at=datetime.now(timezone.utc) - timedelta(days=days))
        )


def audit(store: FeedbackStore) -> list[tuple[str, str | None]]:
    with store.session() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.feedback_id).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def test_every_filter_narrows_the_list(store):
    """Impact, area, rating, age band, flag and review status each filter on their own."""
    save(store, impact="learning", rating=5, age_band="16-18", area="norfolk")
    flagged = save(store, impact="safe-and-secure", rating=1, safeguarding_flag=True)
    save(store, impact="understood", rating=None, age_band=None)
    review = FeedbackReview(store)
    review.set_reviewed(flagged, STAFF)

    def impacts(**wanted) -> set[str]:
        return {row.impact for row in store.find(FeedbackFilter(**wanted))}

    assert impacts(ratings=(5,)) == {"learning"}
    assert impacts(ratings=(1, 2, 3, 4)) == {"safe-and-secure"}
    assert impacts(age_bands=("16-18",)) == {"learning"}
    assert impacts(reviewed=True) == {"safe-and-secure"}
    assert impacts(reviewed=False) == {"learning", "understood"}
    assert impacts(flagged=True, areas=("camden",)) == {"safe-and-secure"}
    with pytest.raises(ValueError, match="rating"):
        FeedbackFilter(ratings=(6,))
    with pytest.raises(ValueError, match="age band"):
        FeedbackFilter(age_bands=("ancient",))


def test_pages_split_the_list_newest_first(store):
    ids = [save(store) for _ in range(7)]
    for days, record_id in enumerate(reversed(ids)):
        age(store, record_id, days)
    first = store.page(FeedbackFilter(), 1, 3)
    last = store.page(FeedbackFilter(), 3, 3)
    assert (first.total, first.pages, len(first.items), len(last.items)) == (7, 3, 3, 1)
    assert first.items[0].id == ids[-1] and last.items[0].id == ids[0]
    assert store.page(FeedbackFilter(), 99, 3).items == []


def test_summary_counts_and_averages_every_impact(review, store):
    save(store, impact="learning", rating=2)
    save(store, impact="learning", rating=5)
    save(store, impact="learning", rating=None)
    save(store, impact="healthy", rating=4, area="norfolk")
    summary = {row.impact: row for row in review.summary(FeedbackFilter())}
    assert len(summary) == 8 and summary["opportunity"].count == 0
    assert summary["learning"].count == 3 and summary["learning"].rated == 2
    assert summary["learning"].average_rating == pytest.approx(3.5)
    assert summary["opportunity"].average_rating is None
    camden = {row.impact: row.count for row in review.summary(FeedbackFilter(areas=("camden",)))}
    assert camden["healthy"] == 0 and camden["learning"] == 3


def test_weekly_trend_counts_monday_to_sunday():
    monday = date(2026, 11, 16)
    times = [
        datetime(2026, 11, 16, 0, 5, tzinfo=timezone.utc),
        datetime(2026, 11, 22, 23, 59),  # no zone, as SQLite returns it: read as UTC
        datetime(2026, 11, 23, 9, tzinfo=timezone.utc),
        datetime(2025, 1, 1, tzinfo=timezone.utc),  # outside the 12 weeks
    ]
    weeks = weekly_counts(times, date(2026, 11, 25))
    assert len(weeks) == 12
    assert weeks[-1] == (date(2026, 11, 23), 1)
    assert weeks[-2] == (monday, 2)
    assert sum(count for _, count in weeks) == 3


def test_reviewing_noting_and_correcting_are_recorded(review, store):
    record_id = save(store, impact="learning")
    review.set_reviewed(record_id, STAFF)
    review.add_note(record_id, STAFF, "  Spoke to   the school.  ")
    review.change_impact(record_id, STAFF, "understood")
    row = review.get(record_id, STAFF)
    assert row.review_status == "reviewed" and row.reviewed_by == STAFF
    assert [note.text for note in row.notes] == ["Spoke to the school."]
    assert (row.impact, row.original_impact, row.impact_corrected_by) == (
        "understood",
        "learning",
        STAFF,
    )
    exported = row.as_dict()
    assert exported["original_impact"] == "learning"
    assert "sam@example.org: Spoke to the school." in exported["staff_notes"]
    review.change_impact(record_id, STAFF, "learning")  # back to the young person's choice
    assert review.get(record_id, STAFF).original_impact is None
    review.set_reviewed(record_id, STAFF, reviewed=False)
    assert review.get(record_id, STAFF).reviewed_at is None
    assert [action for action, _ in audit(store)] == [
        "marked-reviewed",
        "added-note",
        "changed-impact",
        "changed-impact",
        "marked-not-reviewed",
    ]


def test_bad_changes_are_refused_and_change_nothing(review, store):
    record_id = save(store)
    with pytest.raises(ReviewError):
        review.add_note(record_id, STAFF, "   ")
    with pytest.raises(ReviewError):
        review.add_note(record_id, STAFF, "x" * 2001)
    with pytest.raises(ReviewError):
        review.change_impact(record_id, STAFF, "happiness")
    with pytest.raises(NotFound):
        review.set_reviewed("no-such-id", STAFF)
    with pytest.raises(NotFound):
        review.get("'; DROP TABLE feedback; --", STAFF)
    assert audit(store) == [] and store.count() == 1


def test_the_safeguarding_queue_is_flagged_and_unreviewed_oldest_first(review, store):
    newer = save(store, safeguarding_flag=True)
    older = save(store, safeguarding_flag=True)
    age(store, older, 3)
    done = save(store, safeguarding_flag=True)
    review.set_reviewed(done, STAFF)
    save(store)
    queue, total = review.safeguarding_queue(STAFF)
    assert [row.id for row in queue] == [older, newer] and total == 2
    viewed = [fid for action, fid in audit(store) if action == "viewed-flagged"]
    assert viewed == [older, newer]


def test_opening_a_flagged_record_and_exporting_are_audited(review, store):
    flagged = save(store, safeguarding_flag=True)
    plain = save(store)
    review.get(plain, STAFF)
    review.get(flagged, STAFF)
    rows = review.export_rows(FeedbackFilter(impacts=("understood",)), STAFF, "csv")
    assert len(rows) == 2
    events = audit(store)
    assert ("viewed-flagged", flagged) in events and ("viewed-flagged", plain) not in events
    with store.session() as session:
        export = session.scalar(select(AuditEvent).where(AuditEvent.action == "exported"))
    assert json.loads(export.detail) == {
        "count": 2,
        "filter": {"impacts": ["understood"]},
        "format": "csv",
    }


def test_retention_removes_old_text_and_keeps_the_counts(review, store):
    old = save(store, text="my name is Tia and school is awful", impact="learning")
    recent = save(store, text="school is better now", impact="learning")
    age(store, old, 400)
    assert remove_old_feedback_text(store, 365) == 1
    assert remove_old_feedback_text(store, 365) == 0  # already done
    rows = {row.id: row for row in store.find()}
    assert rows[old].text == "" and rows[old].text_removed_at is not None
    assert rows[recent].text == "school is better now"
    learning = {row.impact: row.count for row in review.summary(FeedbackFilter())}["learning"]
    assert learning == 2
    assert ("removed-old-text", None) in audit(store)
    assert remove_old_feedback_text(store, 0) == 0  # 0 means keep


def test_retention_deletes_whole_old_conversations_from_rasas_tracker_store(tmp_path):
    """Uses Rasa's own SQL tracker store to make the table, so the column names are real."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    path = tmp_path / "tracker.db"
    SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    url = f"sqlite:///{path}"
    now = datetime.now(timezone.utc)
    old, mixed, recent = (now - timedelta(days=40)).timestamp(), now.timestamp(), now.timestamp()
    engine = create_engine(url)
    with engine.begin() as connection:
        for sender, stamp in [("old", old), ("old", old), ("mixed", old), ("mixed", mixed),
                              ("new", recent)]:  # fmt: skip
            connection.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) "
                    "VALUES (:sender, 'user', :stamp, '{}')"
                ),
                {"sender": sender, "stamp": stamp},
            )
    assert remove_old_conversations(url, 30) == 2
    with engine.connect() as connection:
        left = connection.execute(text("SELECT sender_id FROM events")).scalars().all()
    engine.dispose()
    assert sorted(left) == ["mixed", "mixed", "new"]
    assert remove_old_conversations(f"sqlite:///{tmp_path / 'empty.db'}", 30) is None


def test_notes_from_before_staff_accounts_move_to_the_notes_table(tmp_path):
    from alembic import command

    from bot.ops.migrations import alembic_config, upgrade

    url = f"sqlite:///{tmp_path / 'feedback.db'}"
    command.upgrade(alembic_config(url), "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO feedback (id, created_at, impact, impact_choice, text, "
                "conversation_hash, safeguarding_flag, review_status, staff_notes) VALUES "
                "('r1', '2026-01-01 10:00:00', 'learning', 'suggested-confirmed', 't', 'h', "
                "0, 'new', 'called the school')"
            )
        )
    engine.dispose()
    upgrade(url)
    store = FeedbackStore(url, b"s")
    with store.session() as session:
        note = session.scalar(select(FeedbackNote))
    store.dispose()
    assert (note.feedback_id, note.text, note.author) == (
        "r1",
        "called the school",
        "before staff accounts",
    )
    command.downgrade(alembic_config(url), "0001")
