"""Reading answers and building records for the feedback form, without Rasa."""

from __future__ import annotations

import pytest
import yaml

from bot.core.answers import SKIP, Answer
from bot.core.chat_messages import choice_payload
from bot.core.data_files import DataFileError
from bot.core.flourish import IMPACT_SLUGS
from bot.core.spacy_pipeline import load_pipeline
from bot.feedback.flow import (
    FeedbackFlow,
    build_record,
    load_feedback_wording,
    preview,
    record_id,
    risk_in_session,
)
from bot.safety.crisis import RiskDetector


@pytest.fixture(scope="module")
def flow() -> FeedbackFlow:
    return FeedbackFlow(load_feedback_wording(), {"camden": "Camden", "norfolk": "Norfolk"})


def test_the_impact_question_offers_all_eight_impacts_suggestion_first(flow):
    message = flow.question(
        "feedback_impact", {"feedback_suggestion": "healthy", "feedback_confidence": 0.7}
    )
    assert "Being healthy" in message.text
    assert len(message.buttons) == 8
    assert message.buttons[0].payload == "/affirm"
    assert message.buttons[0].title == "Yes: Being healthy"
    chosen = {b.payload for b in message.buttons[1:]}
    assert chosen == {choice_payload(s) for s in IMPACT_SLUGS if s != "healthy"}


def test_an_unsure_suggestion_is_a_choice_not_a_guess(flow):
    message = flow.question(
        "feedback_impact", {"feedback_suggestion": "healthy", "feedback_confidence": 0.2}
    )
    assert "Which of these" in message.text
    assert message.buttons[0].payload == choice_payload("healthy")


def test_optional_questions_can_be_skipped(flow):
    for slot in ("feedback_rating", "feedback_age_band", "feedback_area"):
        assert flow.question(slot, {}).buttons[-1].payload == "/skip"


def test_the_consent_question_shows_the_scrubbed_text(flow):
    message = flow.question(
        "feedback_consent",
        {"feedback_text": "my name is Jo and i feel ignored", "feedback_impact": "understood"},
    )
    assert "Jo" not in message.text and "[name]" in message.text
    assert "Being listened to" in message.text
    assert [b.payload for b in message.buttons] == [
        "/affirm",
        choice_payload("change"),
        "/deny",
    ]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (Answer("/affirm", "affirm"), ("learning", "suggested-confirmed")),
        (Answer("yeah", "affirm"), ("learning", "suggested-confirmed")),
        (
            Answer('/inform{"choice": "healthy"}', "inform", "healthy"),
            ("healthy", "changed-by-user"),
        ),
        (Answer("being listened to", "inform"), ("understood", "changed-by-user")),
        (Answer("what?", "out_of_scope"), None),
    ],
)
def test_reading_the_impact(flow, answer, expected):
    assert flow.read_impact(answer, "learning") == expected


@pytest.mark.parametrize(
    ("text", "rating"),
    [("4", "4"), ("about a 3", "3"), ("five", "5"), ("4/5", "4"), ("skip", SKIP), ("9", None)],
)
def test_reading_the_rating(flow, text, rating):
    assert flow.read_rating(Answer(text)) == rating


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("i'm 14", "11-15"),
        ("9", "under-11"),
        ("17 years old", "16-18"),
        ("21", "19-25"),
        ("I'm a parent or carer", "parent-carer"),
        ("i'm his mum", "parent-carer"),
        ("rather not say", SKIP),
        ("40", None),
    ],
)
def test_reading_the_age_band(flow, text, band):
    assert flow.read_age_band(Answer(text)) == band


def test_reading_area_and_consent(flow):
    assert flow.read_area(Answer("I live in Norfolk")) == "norfolk"
    assert flow.read_area(Answer('/inform{"choice": "camden"}', "inform", "camden")) == "camden"
    assert flow.read_area(Answer("somewhere else")) == "other"
    assert flow.read_area(Answer("/skip", "skip")) == SKIP
    assert flow.read_consent(Answer("/affirm", "affirm")) == "yes"
    assert flow.read_consent(Answer("no", "deny")) == "no"
    assert flow.read_consent(Answer("", "inform", "change")) == "change"
    assert flow.read_consent(Answer("maybe", "out_of_scope")) is None


def test_feedback_text_needs_words_and_is_capped(flow):
    assert flow.read_text(Answer("ok")) is None
    assert flow.read_text(Answer("!!! ???")) is None
    assert flow.read_text(Answer("/give_feedback")) is None
    assert len(flow.read_text(Answer("word " * 1000)) or "") == 2000
    script = "<script>alert(1)</script> nobody listens"
    assert flow.read_text(Answer(script)) == script  # stored as text, escaped when shown


def test_preview_is_short_and_scrubbed():
    assert preview("call 07700900123") == "call [phone]"
    assert len(preview("x " * 500)) <= 240


ACTIVATED = {"event": "active_loop", "name": "feedback_form", "timestamp": 1700000000.5}


def test_record_id_is_stable_for_one_run_of_the_form():
    events = [{"event": "user"}, ACTIVATED, {"event": "user"}]
    assert record_id("s", events) == record_id("s", [*events, {"event": "bot"}])
    later = {**ACTIVATED, "timestamp": 1700000999.0}
    assert record_id("s", events) != record_id("s", [*events, later])
    assert record_id("s", events) != record_id("t", events)


def risk_turn() -> dict:
    return {"event": "user", "parse_data": {"intent": {"name": "risk_signal"}}}


def test_risk_in_session_only_counts_the_current_session():
    assert risk_in_session([risk_turn(), {"event": "user"}])
    assert not risk_in_session([risk_turn(), {"event": "session_started"}, {"event": "user"}])


def test_build_record_flags_risky_text_and_drops_skipped_answers():
    detector = RiskDetector(load_pipeline())

    def signals_risk(text):
        return detector.detect(text) is not None

    slots = {
        "feedback_text": "nobody listens and i want to kill myself",
        "feedback_impact": "understood",
        "feedback_impact_choice": "changed-by-user",
        "feedback_suggestion": "resilience",
        "feedback_confidence": 0.4,
        "feedback_rating": SKIP,
        "feedback_age_band": "16-18",
        "feedback_area": "other",
        "feedback_consent": "yes",
    }
    record = build_record("sender", slots, [ACTIVATED], signals_risk)
    assert record.safeguarding_flag
    assert record.rating is None and record.area is None and record.age_band == "16-18"
    assert record.impact == "understood" and record.suggested_impact == "resilience"
    calm = build_record(
        "sender", {**slots, "feedback_text": "nobody listens"}, [], signals_risk
    )
    assert not calm.safeguarding_flag


def test_wording_errors_name_the_file_and_field(tmp_path):
    data = yaml.safe_load(open("data/feedback/wording.yml", encoding="utf-8"))
    del data["impacts"]["healthy"]
    path = tmp_path / "wording.yml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError, match=r"wording.yml: field 'impacts.healthy'"):
        load_feedback_wording(path)
    data = yaml.safe_load(open("data/feedback/wording.yml", encoding="utf-8"))
    data["replies"]["saved"] = "Saved!"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError, match=r"replies.saved.*\{impact\}"):
        load_feedback_wording(path)


@pytest.mark.parametrize(
    ("answer", "leaving"),
    [
        (Answer("stop", "stop"), True),
        (Answer("Stop please!", "out_of_scope"), True),
        (Answer("forget it", "deny"), True),
        (Answer("bye", "goodbye"), True),
        (Answer("i don't want to do this anymore", "stop"), True),
        (Answer("i want the bullying at my school to stop", "stop"), False),
        (Answer("bye bye youth club, they shut it and there's nothing now", "goodbye"), False),
        (Answer("nobody listens", "give_feedback"), False),
    ],
)
def test_only_a_plain_stop_leaves_the_free_text_question(flow, answer, leaving):
    assert flow.is_leaving(answer) is leaving


def test_skip_is_not_feedback_text(flow):
    assert flow.read_text(Answer("/skip", "skip")) is None
    assert flow.read_text(Answer("skip", "skip")) is None
    assert flow.read_text(Answer("i skip school because nobody listens", "skip"))
