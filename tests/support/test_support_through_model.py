"""Finding support through the real trained model and the live action server."""

from __future__ import annotations

import json

import pytest

from tests.chatting import texts

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
    assert "Who is the help for" in texts(replies) or "Where do you live" in texts(replies), text
    assert chat.tracker(say.sender).get_slot("support_need") == need


def test_a_parent_asking_about_bullying_gets_services_then_more_then_a_person(chat):
    say = chat.conversation()
    replies = say("my son is being bullied at school")
    assert "Where do you live" in texts(replies)  # "my son": no need to ask who
    shown = say(choice("camden"))
    joined = texts(shown)
    assert "NSPCC Helpline" in joined and "0808 800 5000" in joined
    assert "Camden's plan" in joined
    assert "Open now" in joined or "Closed now" in joined
    assert "/more_services" in payloads(shown)
    more = texts(say("/more_services"))
    assert "more services for bullying" in more
    person = texts(say("can i talk to a real person"))
    assert "no person behind me" in person


def test_an_unclear_request_gets_the_needs_as_buttons(chat):
    say = chat.conversation()
    replies = say("where can i get help")
    assert "What would you like help with" in texts(replies)
    assert choice("housing") in payloads(replies)
    assert "Who is the help for" in texts(say(choice("housing")))
    assert "Where do you live" in texts(say("i'm 16"))
    shown = texts(say("norfolk"))
    assert "housing and somewhere to live" in shown and "Norfolk's plan" in shown
    assert "Contact:" in shown


def test_a_risk_message_while_finding_support_gets_signposting(chat):
    say = chat.conversation()
    say("where can i get help with bullying")
    joined = texts(say("they said i should kill myself and i think i will"))
    assert all(number in joined for number in SIGNPOSTS)
    assert chat.tracker(say.sender).active_loop_name is None


def test_stop_leaves_the_support_questions(chat):
    say = chat.conversation()
    say("where can i get help")
    assert "anything else" in texts(say("stop"))
    assert chat.tracker(say.sender).active_loop_name is None
