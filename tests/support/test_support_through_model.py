"""Finding support through the real trained model and the live action server."""

from __future__ import annotations

import json

import pytest

from tests.chatting import texts
from tests.open_now import while_open_lines_stay

pytestmark = pytest.mark.model

SIGNPOSTS = ("999", "0800 1111", "85258", "116 123")


def choice(value: str) -> str:
    return "/inform" + json.dumps({"choice": value})


def payloads(replies) -> list[str]:
    return [b["payload"] for r in replies for b in (r.get("buttons") or [])]


# Two phrasings per need, one a young person's and one a parent's, none of them
# in the training data.
PHRASINGS = {
    "mental-health": ["i feel anxious all the time, where can i get help",
                      "where can i get help for my daughter's depression"],
    "bullying": ["people at school keep bullying me, who can help",
                 "my child is being bullied, where can i get advice"],
    "family-and-parenting": ["i keep arguing with my parents, is there any help",
                             "where can i get parenting advice for my teenager"],
    "money-and-food": ["where can i get help with food, we have nothing",
                       "i need help with money for my family"],
    "housing": ["we might lose our flat, where can i get housing help",
                "where can we get help with our landlord"],
    "send-and-disability": ["where can i get help with my son's special needs",
                            "is there support for my autistic daughter"],
    "drugs-and-alcohol": ["where can i get help with drugs",
                          "i'm worried my son is drinking, where can i get advice"],
    "sexual-health-and-relationships": ["where can i get advice about sexual health",
                                        "where can i get contraception"],
    "lgbtq": ["is there support for lgbtq young people",
              "my child is trans, where can we get support"],
    "young-carers": ["is there help for young carers like me",
                     "where can i find support for young carers"],
    "online-safety": ["someone online keeps messaging me, where can i get help",
                      "how can i keep my child safe online"],
    "activities-and-clubs": ["are there any clubs i can go to after school",
                             "any activities for my kids in the holidays"],
    "school-and-learning": ["i'm struggling with school, where can i get help",
                            "my son has been excluded from school, who can help"],
    "jobs-and-training": ["where can i get help finding a job",
                          "where can my daughter find an apprenticeship"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("need", "text"), [(need, text) for need, texts_ in PHRASINGS.items() for text in texts_]
)
def test_every_need_is_understood_in_peoples_own_words(chat, need, text):
    say = chat.conversation()
    replies = say(text)
    assert "Here are services that help with" in texts(replies), text  # the answer first
    assert chat.tracker(say.sender).get_slot("support_need") == need


def test_a_parent_asking_about_bullying_gets_help_first_then_narrows_it(chat):
    say = chat.conversation()
    replies = say("My son is being bullied at school, where can we get help?")
    joined = texts(replies)
    assert "Here are services that help with bullying" in joined  # no question before help
    assert "NSPCC Helpline" in joined and "0808 800 5000" in joined
    assert "Open now" in joined or "Closed now" in joined
    assert "Where do you live" in texts(replies[-1:])  # "my son": no need to ask who
    shown = say(choice("camden"))
    assert "Camden's plan" in texts(shown)
    assert "/more_services" in payloads(shown)
    more = texts(say("/more_services"))
    assert "more services for bullying" in more
    person, open_lines = while_open_lines_stay(
        "bullying", "parent-carer", "camden", lambda: say("can i talk to a real person")
    )
    assert "no person behind me" in texts(person)
    assert "Camden Council" in texts(person)
    if open_lines:  # only lines open now are listed: the NSPCC's closes at 10pm
        assert "For bullying:" in texts(person)
        assert all(name in texts(person) for name in open_lines)
    elif open_lines is not None:
        assert "For bullying:" not in texts(person)
    assert payloads(person[-1:])  # a way on, not a dead end


def test_answers_typed_out_of_order_narrow_the_list(chat):
    say = chat.conversation()
    first = say("wher can i get hlep wiht my anxeity")
    assert "feelings and mental health" in texts(first)
    assert "Who is the help for" in texts(first[-1:])
    narrowed = say("I'm a parent")
    assert chat.tracker(say.sender).get_slot("support_who") == "parent-carer"
    assert "YoungMinds Parents Helpline" in texts(narrowed)
    assert "Where do you live" in texts(narrowed[-1:])
    assert "Norfolk's plan" in texts(say("norfolk"))
    assert chat.tracker(say.sender).get_slot("support_area") == "norfolk"


def test_i_am_a_parent_typed_when_asked_where_they_live_is_heard(chat):
    say = chat.conversation()
    say("is there anything to do in the holidays")
    asked = say(choice("11-15"))
    assert "Where do you live" in texts(asked[-1:])
    say("I'm a parent")
    assert chat.tracker(say.sender).get_slot("support_who") == "parent-carer"


def test_a_parent_asking_about_food_gets_people_for_food_not_crisis_lines(chat):
    say = chat.conversation()
    say("we can't afford food this week, where can i get help? i'm a mum of two")
    person = texts(say("/talk_to_person"))
    assert "no person behind me" in person
    assert "Samaritans" not in person and "Switchboard" not in person
    assert "Camden Council" in person or "Norfolk County Council" in person


def test_an_unclear_request_gets_the_needs_as_buttons(chat):
    say = chat.conversation()
    replies = say("where can i get help")
    assert "What would you like help with" in texts(replies)
    assert choice("housing") in payloads(replies)
    shown = say(choice("housing"))
    assert "housing and somewhere to live" in texts(shown)
    assert "Who is the help for" in texts(shown[-1:])
    assert "Where do you live" in texts(say("i'm 16")[-1:])
    assert "Norfolk's plan" in texts(say("norfolk"))


def test_a_long_pasted_story_is_read_to_the_end(chat):
    from tests.support.test_support_finder import GROUP_CHAT_ASK, GROUP_CHAT_STORY

    say = chat.conversation()
    say("/find_support")
    say(GROUP_CHAT_STORY + GROUP_CHAT_ASK)
    assert chat.tracker(say.sender).get_slot("support_need") == "bullying"


def test_a_risk_message_while_finding_support_gets_signposting(chat):
    say = chat.conversation()
    say("where can i get help")
    joined = texts(say("they said i should kill myself and i think i will"))
    assert all(number in joined for number in SIGNPOSTS)
    assert chat.tracker(say.sender).active_loop_name is None


def test_stop_leaves_the_support_questions(chat):
    say = chat.conversation()
    say("where can i get help")
    assert "anything else" in texts(say("stop"))
    assert chat.tracker(say.sender).active_loop_name is None
