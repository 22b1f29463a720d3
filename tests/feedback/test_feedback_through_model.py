"""The feedback form end to end: the real trained model, action server and database."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from bot import PROJECT_ROOT, settings
from bot.feedback.store import FeedbackStore
from tests.chatting import TEST_SALT, texts

pytestmark = pytest.mark.model

SIGNPOSTS = ("999", "0800 1111", "85258", "116 123")


@pytest.fixture(scope="module")
def store(feedback_db_url):
    store = FeedbackStore(feedback_db_url, TEST_SALT.encode())
    yield store
    store.dispose()


def records_for(store, sender):
    digest = store.conversation_hash(sender)
    return [row for row in store.find() if row.conversation_hash == digest]


def choice(value: str) -> str:
    return "/inform" + json.dumps({"choice": value})


def answer_all(say, answers) -> list[dict]:
    """Send several answers in turn; return the replies to the last one."""
    replies: list[dict] = []
    for answer in answers:
        replies = say(answer)
    return replies


SKIP_TO_CONSENT = ("/affirm", "/skip", "/skip", "/skip")
SKIP_AND_SAVE = (*SKIP_TO_CONSENT, "/affirm")


def payloads(replies) -> list[str]:
    return [b["payload"] for r in replies for b in (r.get("buttons") or [])]


def test_whole_flow_with_the_suggestion_confirmed(chat, store):
    say = chat.conversation()
    assert "Tell me in your own words" in texts(say("i want to give feedback"))
    replies = say("My name is Jayden. My teachers never explain the homework and I'm failing maths")
    assert "School and learning" in texts(replies)
    assert payloads(replies)[0] == "/affirm"
    assert "from 1 (not at all) to 5" in texts(say("/affirm"))
    assert "How old are you" in texts(say(choice("4")))
    assert "Where do you live" in texts(say("i'm 14"))
    consent = texts(say(choice("camden")))
    assert "Can we save it" in consent and "Jayden" not in consent and "[name]" in consent
    assert "is saved" in texts(say("/affirm"))

    [record] = records_for(store, say.sender)
    assert record.impact == "learning"
    assert record.impact_choice == "suggested-confirmed"
    assert record.suggested_impact == "learning" and 0 < record.suggestion_confidence <= 1
    assert (record.rating, record.age_band, record.area) == (4, "11-15", "camden")
    assert "Jayden" not in record.text and "[name]" in record.text
    assert record.safeguarding_flag is False
    assert chat.tracker(say.sender).active_loop_name is None


def test_the_same_flow_saves_to_postgresql(chat_on_postgres, postgres_feedback_url):
    say = chat_on_postgres.conversation()
    say("i want to give feedback")
    say("I'm Tia and the bus to my college is always late so i miss lessons")
    replies = answer_all(say, (choice("learning"), choice("2"), choice("16-18"), "/skip"))
    assert "Can we save it" in texts(replies)
    assert "is saved" in texts(say("/affirm"))
    store = FeedbackStore(postgres_feedback_url, TEST_SALT.encode())
    [record] = records_for(store, say.sender)
    store.dispose()
    assert (record.impact, record.rating, record.age_band) == ("learning", 2, "16-18")
    assert "Tia" not in record.text and record.created_at.tzinfo is not None


def test_changing_the_impact_and_skipping_the_optional_steps(chat, store):
    say = chat.conversation()
    say("can i leave feedback")
    say("there's nothing for teenagers to do where i live")
    assert "How understood" in texts(say(choice("understood")))
    say("/skip")
    say("rather not say")
    assert "Can we save it" in texts(say("/skip"))
    assert "is saved" in texts(say("yes"))

    [record] = records_for(store, say.sender)
    assert record.impact == "understood" and record.impact_choice == "changed-by-user"
    assert (record.rating, record.age_band, record.area) == (None, None, None)


def test_changing_their_mind_at_the_end(chat, store):
    say = chat.conversation()
    say("i want to tell you how i feel")
    say("i get anxious all the time and can't cope")
    answer_all(say, SKIP_TO_CONSENT)
    again = say(choice("change"))
    assert "mostly about" in texts(again) or "Which of these" in texts(again)
    assert "Can we save it" in texts(say(choice("healthy")))
    say("/affirm")
    [record] = records_for(store, say.sender)
    assert record.impact == "healthy" and record.impact_choice == "changed-by-user"


@pytest.mark.parametrize("leaving", ["stop", "cancel", "forget it"])
def test_stopping_at_the_first_question(chat, store, leaving):
    say = chat.conversation()
    say("i want to give feedback")
    assert "Nothing was saved" in texts(say(leaving))
    assert chat.tracker(say.sender).active_loop_name is None


def test_an_old_menu_button_is_not_taken_as_feedback(chat, store):
    say = chat.conversation()
    say("i want to give feedback")
    assert "I need a few words" in texts(say("/list_outcomes"))
    assert chat.tracker(say.sender).get_slot("feedback_text") is None
    say("my teachers never listen to me")
    assert chat.tracker(say.sender).get_slot("feedback_text") == "my teachers never listen to me"


def test_stopping_halfway_stores_nothing(chat, store):
    say = chat.conversation()
    say("i want to give feedback")
    say("nobody listens to young people round here")
    assert "Nothing was saved" in texts(say("stop"))
    assert records_for(store, say.sender) == []
    tracker = chat.tracker(say.sender)
    assert tracker.active_loop_name is None
    assert tracker.get_slot("feedback_text") is None


def test_saying_no_to_saving_stores_nothing(chat, store):
    say = chat.conversation()
    say("i want to give feedback")
    say("the youth club closed and there is nothing for us in the holidays")
    answer_all(say, SKIP_TO_CONSENT)
    assert "haven't saved anything" in texts(say("/deny"))
    assert records_for(store, say.sender) == []


@pytest.mark.parametrize(
    "text",
    [
        "i want the bullying at my school to stop",
        "i skip school because nobody there listens to me",
        "bye bye to the youth centre, they closed it and now there's nothing",
        "i just want people to stop judging me",
    ],
)
def test_feedback_that_mentions_stop_or_skip_is_still_feedback(chat, text):
    say = chat.conversation()
    say("i want to give feedback")
    replies = say(text)
    assert "Nothing was saved" not in texts(replies)
    assert chat.tracker(say.sender).get_slot("feedback_text") == text


def test_a_risk_message_mid_form_gets_signposting_and_ends_the_form(chat, store):
    say = chat.conversation()
    say("i want to give feedback")
    say("no one at home ever listens to me")
    replies = say("honestly i just want to kill myself")
    joined = texts(replies)
    assert all(number in joined for number in SIGNPOSTS)
    assert "Are you safe right now" in joined
    assert chat.tracker(say.sender).active_loop_name is None
    assert records_for(store, say.sender) == []

    # Once they say they're safe, they may finish; the record is flagged.
    offer = say("/safe_now")
    assert "/give_feedback" in payloads(offer)
    assert "Tell me in your own words" not in texts(say("/give_feedback"))
    assert "is saved" in texts(answer_all(say, SKIP_AND_SAVE))
    [record] = records_for(store, say.sender)
    assert record.safeguarding_flag is True
    assert record.text == "no one at home ever listens to me"


def test_risky_feedback_text_is_signposted_and_flagged(chat, store):
    say = chat.conversation()
    say("i want to give feedback")
    joined = texts(say("my dad hits me and nobody believes me"))
    assert all(number in joined for number in SIGNPOSTS)
    say("/safe_now")
    resumed = texts(say("/give_feedback"))
    assert "Tell me in your own words" not in resumed  # their words are kept
    assert "is saved" in texts(answer_all(say, SKIP_AND_SAVE))
    [record] = records_for(store, say.sender)
    assert record.safeguarding_flag is True


def test_a_database_that_is_down_is_admitted(chat_with_database_down):
    say = chat_with_database_down.conversation()
    say("i want to give feedback")
    say("teachers never listen to me")
    answer_all(say, SKIP_TO_CONSENT)
    replies = say("/affirm")
    joined = texts(replies)
    assert "NOT saved" in joined and "is saved" not in joined
    assert "/try_again" in payloads(replies)
    again = texts(say("try again"))
    assert "NOT saved" in again and "is saved" not in again


def test_through_the_running_server_one_scrubbed_record_in_the_export(
    rasa_server, feedback_db_url, store
):
    sender = "rest-feedback-tester"

    def send(message: str) -> list[dict]:
        request = urllib.request.Request(
            f"{rasa_server}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": message}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    send("i want to give feedback")
    send("email me at kid@example.com, i feel like nobody at the council listens to us")
    answer_all(send, (choice("understood"), choice("3"), choice("16-18"), choice("norfolk")))
    assert "is saved" in texts(send("/affirm"))

    result = subprocess.run(
        [sys.executable, "-m", "bot", "feedback", "export", "--format", "json"],
        cwd=PROJECT_ROOT,
        env=settings.process_environment({"DATABASE_URL": feedback_db_url, "PATH": "/usr/bin"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    digest = store.conversation_hash(sender)
    mine = [r for r in json.loads(result.stdout) if r["conversation_hash"] == digest]
    assert len(mine) == 1
    [record] = mine
    assert record["impact"] == "understood" and record["area"] == "norfolk"
    assert "kid@example.com" not in record["text"] and "[email]" in record["text"]
    assert sender not in result.stdout
