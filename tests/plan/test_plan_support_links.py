"""Every plan answer about a topic offers a matching find-support button (no Rasa)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.core.spacy_pipeline import load_pipeline
from bot.plan.answers import PlanAnswerer, Question
from bot.plan.content import load_library
from bot.plan.topic_search import TopicSearch
from bot.support.directory import load_needs
from bot.support.need_classifier import NeedClassifier
from bot.support.plan_links import PlanSupportLinks, find_support_payload
from tests.plan.test_content import more_steps

FIND_SUPPORT = "/find_support"


@pytest.fixture(scope="module")
def library():
    return load_library(default_area="camden")


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def needs():
    return load_needs()


@pytest.fixture(scope="module")
def answerer(library, nlp):
    return PlanAnswerer(library, TopicSearch(nlp, library), today=lambda: date(2026, 3, 1))


@pytest.fixture(scope="module")
def links(library, nlp, needs):
    return PlanSupportLinks(NeedClassifier(nlp, needs), needs, library.wording["buttons"])


def ask(answerer, links, text, **question):
    return links.add_to(answerer.answer(Question("ask_about", text, **question)), text)


def support_buttons(answer):
    return [b for b in answer.messages[-1].buttons if b.payload.startswith(FIND_SUPPORT)]


def chosen_needs(answer):
    return [json.loads(b.payload[len(FIND_SUPPORT) :] or "{}").get("choice")
            for b in support_buttons(answer)]  # fmt: skip


def test_the_payload_carries_the_need_as_the_choice_entity(needs):
    assert find_support_payload(needs.get("bullying")) == '/find_support{"choice": "bullying"}'
    assert find_support_payload() == "/find_support"


def test_bullying_gets_the_plans_outcome_and_support_for_bullying(answerer, links):
    answer = ask(answerer, links, "what are they doing about bullying")
    assert answer.focus == "outcome-5"
    first = answer.messages[-1].buttons[0]  # the way on that matters most comes first
    assert first.payload == '/find_support{"choice": "bullying"}'
    assert first.title == "Find support: Bullying"


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("what is the council doing about poverty", "money-and-food"),
        ("what about anxiety", "mental-health"),
        ("what about jobs for young people", "jobs-and-training"),
        ("what about drugs", "drugs-and-alcohol"),
    ],
)
def test_the_need_in_the_persons_words_comes_first(answerer, links, text, need):
    assert chosen_needs(ask(answerer, links, text)) == [need]


def test_a_tapped_item_gets_the_needs_linked_to_it(answerer, links, needs):
    """No words to go on: the needs whose camden_outcome (or impact) is the item."""
    answer = ask(answerer, links, '/ask_about{"plan_item": "outcome-3"}', item_id="outcome-3")
    linked = [n.id for n in needs.items if n.camden_outcome == "outcome-3"]
    assert linked and chosen_needs(answer) == linked
    impact = ask(answerer, links, "", item_id="safe-and-secure", area="norfolk")
    assert chosen_needs(impact) == [n.id for n in needs.items if n.impact == "safe-and-secure"][:3]


def test_an_item_with_no_linked_need_gets_a_plain_find_support(answerer, links):
    answer = ask(answerer, links, "", item_id="building-block-1")
    assert [b.payload for b in support_buttons(answer)] == [FIND_SUPPORT]
    assert support_buttons(answer)[0].title == "Find support"


def test_every_topic_answer_and_every_more_step_offers_support(answerer, links, library):
    for pack in library.packs.values():
        for item in pack.items():
            first = answerer.answer(Question("ask_about", item_id=item.id, area=pack.area_id))
            for step in more_steps(answerer, first):
                answer = links.add_to(step, "tell me more")
                assert support_buttons(answer), (item.id, step.messages[-1].text)


def test_answers_about_no_topic_get_no_support_button(answerer, links):
    for question in (Question("list_outcomes"), Question("ask_plan"), Question("ask_anthem")):
        answer = links.add_to(answerer.answer(question), question.text)
        assert support_buttons(answer) == []


def test_a_need_named_outside_the_plan_still_gets_its_button(answerer, links):
    """The plan has no housing topic, but the person said what they need."""
    answer = ask(answerer, links, "what about being homeless")
    assert "housing" in chosen_needs(answer)


def test_button_words_come_from_the_wording_file(answerer, needs):
    class Bullying:
        def match(self, text):
            return needs.get("bullying")

    words = {"find_support_need": "Get help with {need}", "find_support": "Get help"}
    answer = PlanSupportLinks(Bullying(), needs, words).add_to(
        answerer.answer(Question("ask_about", "what about bullying")), "what about bullying"
    )
    assert answer.messages[-1].buttons[0].title == "Get help with Bullying"


def test_a_button_already_there_is_not_added_twice(answerer, links):
    answer = ask(answerer, links, "what about bullying")
    again = links.add_to(answer, "what about bullying")
    assert [b.payload for b in again.messages[-1].buttons] == [
        b.payload for b in answer.messages[-1].buttons
    ]
