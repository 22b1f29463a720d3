"""The feedback store against real databases: SQLite and the PostgreSQL server."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine

from bot import PROJECT_ROOT, settings
from bot.db.sessions import StoreUnavailable
from bot.feedback.export import CSV_COLUMNS, export
from bot.feedback.records import Feedback
from bot.feedback.store import FeedbackFilter, FeedbackStore, NewFeedback, load_salt
from bot.ops.db_schema import metadata
from bot.ops.migrations import current_revision, head_revision

SALT = b"test-salt"


@pytest.fixture
def store(database_url):
    store = FeedbackStore(database_url, SALT)
    yield store
    store.dispose()


def new_feedback(**changes) -> NewFeedback:
    values = {
        "id": str(uuid.uuid4()),
        "conversation_id": "sender-123",
        "text": "nobody at school listens to me",
        "impact": "understood",
        "impact_choice": "suggested-confirmed",
        "suggested_impact": "understood",
        "suggestion_confidence": 0.81,
        "rating": 2,
        "age_band": "11-15",
        "area": "camden",
    }
    values.update(changes)
    return NewFeedback(**values)


def test_migrations_reach_head_and_match_the_orm(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert current_revision(database_url) == head_revision()
    engine = create_engine(database_url, future=True)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_a_nul_in_the_text_does_not_lose_the_feedback(store):
    """PostgreSQL refuses NUL in text with a ValueError: the feedback was lost, unsaid."""
    outcome = store.save(new_feedback(text="nobody listens\x00 to us"))
    assert outcome.created
    [row] = store.find()
    assert row.text == "nobody listens to us"


def test_saved_record_is_scrubbed_and_hashed(store):
    record = new_feedback(
        text="My name is Jayden, call 07700 900123, I live at 4 Mill Lane NR1 3AB",
        conversation_id="very-identifiable-sender",
    )
    outcome = store.save(record)
    assert outcome.created
    [row] = store.find()
    assert "Jayden" not in row.text and "07700" not in row.text and "Mill" not in row.text
    assert "[name]" in row.text and "[phone]" in row.text and "[address]" in row.text
    assert row.conversation_hash == store.conversation_hash("very-identifiable-sender")
    assert "very-identifiable-sender" not in json.dumps(row.as_dict())
    assert len(row.conversation_hash) == 64
    assert row.created_at is not None and row.review_status == "new"
    assert row.safeguarding_flag is False


def test_saving_the_same_record_twice_stores_it_once(store):
    record = new_feedback()
    assert store.save(record).created
    again = store.save(record)
    assert again.created is False and again.id == record.id
    assert store.count() == 1


def test_the_salt_changes_the_hash(database_url):
    one = FeedbackStore(database_url, b"one")
    two = FeedbackStore(database_url, b"two")
    assert one.conversation_hash("x") != two.conversation_hash("x")
    one.dispose()
    two.dispose()


def test_filters_and_exports(store):
    store.save(new_feedback(impact="learning", area="camden"))
    store.save(new_feedback(impact="healthy", area="norfolk", safeguarding_flag=True))
    store.save(new_feedback(impact="learning", area="norfolk", text="=HYPERLINK(1)"))

    assert {r.impact for r in store.find(FeedbackFilter(impacts=("learning",)))} == {"learning"}
    assert len(store.find(FeedbackFilter(areas=("norfolk",)))) == 2
    assert [r.impact for r in store.find(FeedbackFilter(flagged=True))] == ["healthy"]
    tomorrow = date.today() + timedelta(days=1)
    assert store.find(FeedbackFilter(since=tomorrow)) == []
    assert len(store.find(FeedbackFilter(until=tomorrow))) == 3

    names = {"learning": "Learning", "healthy": "Healthy"}
    csv_text = export(store.find(), "csv", names)
    header, *lines = csv_text.strip().split("\r\n")
    assert header.split(",") == list(CSV_COLUMNS)
    assert len(lines) == 3
    assert "'=HYPERLINK(1)" in csv_text  # no formula runs in a spreadsheet
    records = json.loads(export(store.find(), "json", names))
    assert {r["impact"] for r in records} == {"learning", "healthy"}
    assert all(r["created_at"].endswith("+00:00") for r in records)


def test_unknown_impact_is_refused_before_the_database():
    with pytest.raises(ValueError):
        new_feedback(impact="happiness")
    with pytest.raises(ValueError):
        new_feedback(rating=9)
    with pytest.raises(ValueError):
        FeedbackFilter(impacts=("nope",))


def test_the_database_enforces_the_impact_slugs_too(store):
    session = store.session()
    session.add(
        Feedback(
            id=str(uuid.uuid4()),
            impact="not-a-slug",
            impact_choice="suggested-confirmed",
            text="x",
            conversation_hash="h",
        )
    )
    with pytest.raises(Exception, match="(?i)check|constraint"):
        session.commit()
    session.close()


def test_a_database_that_is_down_raises_store_unavailable(tmp_path):
    down = FeedbackStore("postgresql://postgres@127.0.0.1:1/test", SALT)
    with pytest.raises(StoreUnavailable):
        down.save(new_feedback())
    with pytest.raises(StoreUnavailable):
        down.find()


def test_without_a_configured_salt_a_random_one_is_kept(tmp_path):
    salt_file = tmp_path / "salt"
    first = load_salt({}, salt_file)
    assert first == load_salt({}, salt_file)
    assert len(first) == 64
    assert salt_file.stat().st_mode & 0o077 == 0
    assert load_salt({"FEEDBACK_HASH_SALT": "configured"}, salt_file) == b"configured"


def test_export_command(database_url, tmp_path):
    store = FeedbackStore(database_url, SALT)
    store.save(new_feedback(impact="learning", area="camden"))
    store.save(new_feedback(impact="healthy", area="norfolk"))
    store.dispose()
    env = settings.process_environment({"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"})

    def bot(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", "feedback", "export", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = bot("--format", "json", "--impact", "learning")
    assert result.returncode == 0, result.stderr
    assert [r["impact"] for r in json.loads(result.stdout)] == ["learning"]

    out = tmp_path / "feedback.csv"
    result = bot(
        "--format", "csv", "--area", "norfolk", "--since", "2020-01-01", "--output", str(out)
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = out.read_text(encoding="utf-8")
    assert written.count("\n") == 2  # header + one row
    assert ",impact,impact_name," in written and ",healthy,Healthy," in written

    result = bot("--impact", "happiness")
    assert result.returncode == 2 and "unknown impact" in result.stderr
