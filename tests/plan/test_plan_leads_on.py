"""Plan answers lead somewhere (plain Python, no Rasa).

"Tell me more" says something new each time (the plan's own words, the linked
parts of the plans, the source with its years); the vision, "what is Flourish?"
and "how old is this plan?" are answered from the packs; every answer ends with a
way on; names inside sentences are not capitalised.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.spacy_pipeline import load_pipeline
from bot.plan.answers import PlanAnswerer, Question
from bot.plan.content import load_library
from bot.plan.topic_search import TopicSearch
from tests.plan.test_content import all_answers, more_steps


@pytest.fixture(scope="module")
def library():
    return load_library(default_area="camden")


@pytest.fixture(scope="module")
def search(library):
    return TopicSearch(load_pipeline(), library)


@pytest.fixture(scope="module")
def answerer(library, search):
    return PlanAnswerer(library, search, today=lambda: date(2026, 3, 1))


def said(answer) -> str:
    return "\n".join(message.text for message in answer.messages)


def titles(answer) -> list[str]:
    return [button.title for button in answer.messages[-1].buttons]


def payloads(answer) -> list[str]:
    return [button.payload for button in answer.messages[-1].buttons]


# --- "tell me more" adds something new each time ------------------------------


def every_item(library):
    return [(pack, item) for pack in library.packs.values() for item in pack.items()]


def test_tell_me_more_never_repeats_itself(answerer, library):
    """Each step says only what the item answer and the steps before it did not."""
    for pack, item in every_item(library):
        first = answerer.answer(Question("ask_about", item_id=item.id, area=pack.area_id))
        steps = more_steps(answerer, first)
        texts = [message.text for answer in steps[:-1] for message in answer.messages]
        assert len(texts) == len(set(texts)), item.id
        assert len(steps) >= 3, item.id  # at least one new step, the source, then "that's all"
        assert said(steps[-1]) == library.wording["more_done"], item.id
        assert "Tell me more" not in titles(steps[-1]) and "Tell me more" not in titles(steps[-2])


def test_the_first_step_is_the_plans_own_words(answerer, library):
    camden = library.packs["camden"]
    step = more_steps(answerer, answerer.answer(Question("ask_about", item_id="outcome-5")))[1]
    assert "“Children and young people live in safe and nurturing communities”" in said(step)
    assert camden.lists["outcomes"].more.plain in said(step)


def test_a_quote_that_says_the_same_as_the_plain_words_is_not_repeated(answerer, library):
    """Outcome 10's own words are its plain words: the step gives the list's words instead."""
    camden = library.packs["camden"]
    step = more_steps(answerer, answerer.answer(Question("ask_about", item_id="outcome-10")))[1]
    assert "“" not in said(step)
    assert said(step) == camden.lists["outcomes"].more.plain


def test_a_camden_outcome_links_to_its_flourish_impacts(answerer):
    steps = more_steps(answerer, answerer.answer(Question("ask_about", item_id="outcome-3")))
    links = next(step for step in steps if "Linked" in said(step))
    assert "Linked impacts (Norfolk's Flourish framework):" in said(links)
    assert "- Healthy" in said(links) and "- Resilience" in said(links)
    assert '/ask_about{"plan_item": "healthy"}' in payloads(links)
    assert '/ask_about{"plan_item": "resilience"}' in payloads(links)
    assert links.area == "camden"  # looking at the link does not change the area yet


def test_a_flourish_impact_links_back_to_camden_and_to_what_young_people_said(answerer):
    first = answerer.answer(Question("ask_about", item_id="understood", area="norfolk"))
    links = next(step for step in more_steps(answerer, first) if "Linked" in said(step))
    assert "- Involving young people" in said(links)  # Camden's building block 7
    assert "- Being understood" in said(links)  # the thing young people said matters


def test_a_linked_item_of_the_other_plan_is_answered_in_the_same_area(answerer):
    answer = answerer.answer(Question("ask_about", item_id="healthy", area="camden"))
    assert answer.area == "camden" and answer.focus == "healthy"
    assert "Norfolk's plan" in said(answer)


def test_the_source_is_named_with_its_years_and_link(answerer, library):
    steps = more_steps(answerer, answerer.answer(Question("ask_about", item_id="outcome-5")))
    source = said(steps[-2])
    url = library.packs["camden"].facts["full_plan"].url
    assert source.startswith(f"Source: Camden Children and Young People's Plan 2009-12 ({url}).")
    assert "It's an older plan: it ended in 2012" in source


def test_a_plan_without_a_known_date_claims_none(answerer):
    first = answerer.answer(Question("ask_about", item_id="healthy", area="norfolk"))
    source = said(more_steps(answerer, first)[-2])
    assert source.startswith("Source: Norfolk's Flourish framework.")
    assert "older" not in source and not any(ch.isdigit() for ch in source)


def test_after_the_plan_itself_more_goes_through_its_other_facts(answerer, library):
    camden = library.packs["camden"]
    steps = more_steps(answerer, answerer.answer(Question("ask_plan")))
    texts = [said(step) for step in steps[1:]]
    assert texts[0] == camden.facts["closing_the_gap"].plain
    assert camden.facts["how_agreed"].plain in texts
    assert any(text.startswith(camden.source.published.plain) for text in texts)


# --- questions the packs answer -----------------------------------------------


@pytest.mark.parametrize(
    ("intent", "text", "area"),
    [
        ("ask_about", "what is the vision for children in Camden", "camden"),
        ("ask_about", "what's camden's vision", "camden"),
        ("ask_plan", "what is the vision", "camden"),
        ("choose_area", "what is norfolk's vision", "norfolk"),
    ],
)
def test_the_vision_is_answered(answerer, library, intent, text, area):
    answer = answerer.answer(Question(intent, text))
    assert said(answer) == library.packs[area].facts["vision"].plain
    assert "Tell me more" in titles(answer)


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("ask_plan", "what is Flourish?"),
        ("ask_about", "what does flourish mean"),
        ("ask_about", "i've never heard of flourish, what is it"),
        ("ask_about", "what's flourish"),
    ],
)
def test_what_flourish_is_explained(answerer, library, intent, text):
    answer = answerer.answer(Question(intent, text, area="camden"))
    assert said(answer) == library.packs["norfolk"].facts["overview"].plain
    assert said(answer).startswith("Flourish is Norfolk's plan")


def test_flourish_is_named_as_norfolks_when_a_camden_answer_links_to_it(answerer):
    answer = answerer.answer(Question("ask_about", "what about anxiety"))
    assert "In Norfolk's Flourish framework, this is about:" in said(answer)


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("ask_about", "how old is this plan"),
        ("ask_about", "when was this plan written"),
        ("ask_plan", "how old is the plan"),
        ("ask_how_made", "when was the plan made"),
        ("ask_about", "is this plan out of date"),
    ],
)
def test_how_old_the_plan_is(answerer, library, intent, text):
    answer = answerer.answer(Question(intent, text))
    camden = library.packs["camden"]
    assert said(answer).startswith(camden.source.published.plain)
    assert "2009-12" in said(answer)
    assert "It's an older plan: it ended in 2012" in said(answer)
    assert answer.messages[-1].buttons


def test_a_plan_still_running_is_not_called_older(library, search):
    answerer = PlanAnswerer(library, search, today=lambda: date(2011, 6, 1))
    answer = answerer.answer(Question("ask_about", "how old is this plan"))
    assert "2009-12" in said(answer) and "older" not in said(answer)


def test_how_old_flourish_is_says_plainly_the_framework_gives_no_date(answerer):
    answer = answerer.answer(Question("ask_about", "how old is this plan", area="norfolk"))
    assert said(answer).startswith("Norfolk's Flourish framework doesn't say when it was written.")


def test_who_wrote_the_plan_is_still_about_who_made_it(answerer, library):
    answer = answerer.answer(Question("ask_how_made", "who wrote the plan"))
    assert said(answer) == library.packs["camden"].facts["how_agreed"].plain


def test_an_item_named_as_fully_as_a_fact_wins(answerer):
    """'The vision for school' is about school: a tie goes to the item."""
    assert answerer.answer(Question("ask_about", "what's the vision for school")).focus == (
        "outcome-6"
    )


# --- no dead ends, and names inside sentences ---------------------------------


def test_every_plan_answer_ends_with_a_way_on(answerer, library):
    for answer in all_answers(answerer, library):
        last = answer.messages[-1]
        assert last.buttons or last.text.rstrip().endswith("?"), said(answer)


def test_impact_names_inside_a_sentence_start_small(answerer):
    answer = answerer.answer(Question("ask_about", item_id="outcome-5"))
    assert "this is about: safe and secure, family and friends." in said(answer)
    for answer in [answerer.answer(Question("ask_about", item_id=i)) for i in ("outcome-3",
                                                                              "matters-4")]:
        assert "about: H" not in said(answer) and "about: U" not in said(answer)
