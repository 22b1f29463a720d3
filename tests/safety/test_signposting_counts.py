"""Signposting counts: one number per day, category and level, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import inspect

from bot.db.sessions import StoreUnavailable
from bot.feedback.store import FeedbackStore
from bot.safety.signposting_counts import UNSURE, SignpostingLog, record, uk_day


@pytest.fixture
def log(database_url):
    store = FeedbackStore(database_url, b"test-salt")
    yield SignpostingLog(store.sessions)
    store.dispose()


def test_counts_add_up_per_day_category_and_level(log):
    for _ in range(3):
        log.add("suicide_self_harm", "full")
    log.add("suicide_self_harm", "soft")
    log.add(None, "soft")
    [today, yesterday] = log.recent(days=2)
    assert today.day == uk_day() and yesterday.by_category == {}
    assert today.by_category == {
        "suicide_self_harm": {"full": 3, "soft": 1},
        UNSURE: {"soft": 1},
    }
    assert today.total("full") == 3 and today.total("soft") == 2


def test_only_a_number_is_kept(log):
    """No text, no conversation id, no time finer than the day."""
    columns = {c["name"] for c in inspect(log.sessions.kw["bind"]).get_columns("signposting_count")}
    assert columns == {"day", "category", "level", "count"}


def test_the_day_is_the_uk_day():
    late_evening_utc = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)  # 00:30 BST
    assert uk_day(late_evening_utc) == date(2026, 7, 1)
    winter = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)  # GMT
    assert uk_day(winter) == date(2026, 12, 31)


def test_an_unknown_level_is_refused(log):
    with pytest.raises(ValueError):
        with log.sessions() as session:
            record(session, "abuse_at_home", "medium")


def test_a_database_that_is_down_says_so():
    store = FeedbackStore("postgresql://postgres@127.0.0.1:1/nothing", b"salt")
    with pytest.raises(StoreUnavailable):
        SignpostingLog(store.sessions).add("abuse_at_home", "full")
    store.dispose()


def counting_tracker(intent: str, level: str, form: str | None = None):
    from rasa_sdk import Tracker

    latest = {
        "text": "whatever they said",
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [
            {"entity": "risk_level", "value": level},
            {"entity": "risk_category", "value": "friend_at_risk"},
        ],
    }
    loop = {"name": form} if form else {}
    return Tracker("someone", {}, latest, [], False, None, loop, "utter_crisis_soft_inline")


@pytest.mark.parametrize(
    ("intent", "level", "form", "rewound"),
    [
        ("risk_signal", "full", None, False),
        ("risk_signal", "soft", None, False),
        ("find_support", "soft", None, True),
        # Inside a form the answer must reach the form's validation, which only runs
        # straight after a message: "i get anxious and can't cope" still gets its
        # impact suggestion.
        ("risk_signal", "soft", "feedback_form", True),
    ],
)
def test_the_count_action_counts_and_rewinds_soft_lines_that_an_answer_follows(
    log, intent, level, form, rewound
):
    """Alongside another answer or in a form, the two safety steps are undone in the state."""
    import asyncio

    from rasa_sdk.events import ActionReverted
    from rasa_sdk.executor import CollectingDispatcher

    from actions.safety_actions import ActionCountSignposting

    action = ActionCountSignposting()
    action.log = log
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, counting_tracker(intent, level, form), {}))
    assert dispatcher.messages == []
    assert events == ([ActionReverted(), ActionReverted()] if rewound else [])
    [today] = log.recent(days=1)
    assert today.by_category == {"friend_at_risk": {level: 1}}
