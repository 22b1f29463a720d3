"""'You said, we did' without Rasa: publishing, choosing the update to say, and the words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.feedback.flow import load_feedback_wording
from bot.feedback.store import FeedbackStore
from bot.staff.records import AuditEvent
from bot.staff.you_said_we_did import Draft, UpdateError, WeDidBoard, WeDidTeller
from tests.processes import free_port

AREAS = {"camden": "Camden", "norfolk": "Norfolk"}
STAFF = "sam@example.org"


@pytest.fixture
def board(database_url):
    store = FeedbackStore(database_url, b"salt")
    yield WeDidBoard(store.sessions, AREAS)
    store.dispose()


@pytest.fixture
def teller(board):
    wording = load_feedback_wording()
    return WeDidTeller(board, wording.we_did, wording.impacts)


def test_the_areas_own_update_comes_before_an_every_area_one(board):
    board.publish(STAFF, "learning", None, "Homework clubs closed", "We opened two")
    assert board.latest_for("learning", "camden").we_did == "We opened two"
    board.publish(STAFF, "learning", "norfolk", "Buses to college", "Cheaper fares")
    assert board.latest_for("learning", "camden").we_did == "We opened two"
    assert board.latest_for("learning", "norfolk").we_did == "Cheaper fares"
    assert board.latest_for("learning", None).we_did == "Cheaper fares"  # newest of all
    assert board.latest_for("healthy", "camden") is None


def test_a_withdrawn_update_is_never_said_again(board):
    first = board.publish(STAFF, "healthy", "camden", "Long waits", "More nurses")
    second = board.publish(STAFF, "healthy", "camden", "Long waits", "Oops, wrong")
    board.withdraw(STAFF, second.id)
    assert board.latest_for("healthy", "camden").id == first.id
    board.withdraw(STAFF, first.id)
    assert board.latest_for("healthy", "camden") is None
    with board.sessions() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["published-we-did"] * 2 + ["withdrew-we-did"] * 2


@pytest.mark.parametrize(
    "impact, area, you_said, we_did, problem",
    [
        ("happiness", None, "a", "b", "eight impacts"),
        ("learning", "atlantis", "a", "b", "area"),
        ("learning", None, "   ", "b", "young people said"),
        ("learning", None, "a", "", "you did"),
        ("learning", None, "a", "x" * 601, "600"),
    ],
)
def test_incomplete_updates_are_refused(board, impact, area, you_said, we_did, problem):
    with pytest.raises(UpdateError, match=problem):
        board.publish(STAFF, impact, area, you_said, we_did)
    with pytest.raises(UpdateError, match=problem):
        board.draft(impact, area, you_said, we_did)  # refused before any preview too
    assert board.all_updates() == []


def test_a_draft_is_tidied_like_an_update_and_nothing_is_saved(board):
    draft = board.draft("understood", "camden", "  Nobody\n listens ", "Youth  workers ask first")
    assert draft == Draft("understood", "camden", "Nobody listens", "Youth workers ask first")
    assert board.all_updates() == []


def test_a_drafts_fingerprint_changes_with_any_of_its_words():
    """What is confirmed after the preview is exactly what was previewed."""
    draft = Draft("understood", "camden", "Nobody listens", "Youth workers ask first")
    assert draft.fingerprint() == Draft(*vars(draft).values()).fingerprint()
    changed = [
        Draft("learning", "camden", "Nobody listens", "Youth workers ask first"),
        Draft("understood", None, "Nobody listens", "Youth workers ask first"),
        Draft("understood", "camden", "Nobody listens!", "Youth workers ask first"),
        Draft("understood", "camden", "Nobody listens", "Youth workers ask"),
    ]
    assert draft.fingerprint() not in {other.fingerprint() for other in changed}


def test_the_preview_is_word_for_word_what_the_assistant_says_once_published(board, teller):
    draft = board.draft("understood", "camden", "Nobody listens", "Youth workers now ask first")
    published = board.publish(STAFF, draft.impact, draft.area, draft.you_said, draft.we_did)
    preview = teller.preview(draft, on=published.published_at)
    assert teller.after_saving("understood", "camden") == [preview.after_saving]
    assert teller.on_request("understood", "camden") == list(preview.on_request)
    # Young people's words, not "Understood", in lower case mid-sentence.
    assert "about being listened to." in preview.after_saving
    assert "You said: Nobody listens. We did: Youth workers now ask first" in preview.after_saving


def test_after_saving_the_young_person_hears_the_latest_update_on_that_impact(board, teller):
    assert teller.after_saving("understood", "camden") == []
    board.publish(STAFF, "understood", "camden", "Nobody listens", "Youth workers now ask first")
    (said,) = teller.after_saving("understood", "camden")
    assert "told them about being listened to." in said
    assert "You said: Nobody listens. We did: Youth workers now ask first" in said


def test_asking_what_happened_gives_this_chats_impact_first_then_the_newest(board, teller):
    assert "haven't posted an update" in teller.on_request(None, None)[0]
    board.publish(STAFF, "healthy", None, "Clinics too far", "A bus to the clinic")
    board.publish(STAFF, "learning", "camden", "Exams stress", "Quiet rooms")
    board.publish(STAFF, "opportunity", "norfolk", "Nothing to do", "Free clubs")
    intro, *updates = teller.on_request("healthy", "camden")
    assert "Staff read every piece" in intro
    assert len(updates) == 2  # Norfolk's own update is not said in Camden
    assert "Clinics too far" in updates[0] and "every area" in updates[0]
    assert "Exams stress" in updates[1] and "(Camden)" in updates[1]
    assert len(teller.on_request(None, None)) == 4


def test_when_the_database_is_down_the_assistant_says_so_and_carries_on():
    store = FeedbackStore(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing", b"s")
    wording = load_feedback_wording()
    teller = WeDidTeller(WeDidBoard(store.sessions, AREAS), wording.we_did, wording.impacts)
    assert teller.after_saving("learning", "camden") == []
    assert teller.on_request("learning", None) == [wording.we_did["unavailable"]]


def test_staffs_own_punctuation_is_kept(board, teller):
    board.publish(STAFF, "healthy", None, "Is the clinic open late?", "Yes, on Thursdays.")
    (said,) = teller.after_saving("healthy", None)
    assert "You said: Is the clinic open late? We did: Yes, on Thursdays." in said
