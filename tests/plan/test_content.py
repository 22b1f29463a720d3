"""Content packs, topic search and plan answers as plain Python (no Rasa)."""

from __future__ import annotations

import re
import shutil
import statistics

import pytest
import textstat

from bot.core.data_files import DataFileError
from bot.core.flourish import IMPACT_SLUGS
from bot.core.spacy_pipeline import load_pipeline
from bot.plan.answers import LIST_INTENTS, PLAN_INTENTS, PlanAnswerer, Question
from bot.plan.content import CONTENT_DIR, load_library, load_pack
from bot.plan.topic_search import TopicSearch

MAX_WORDS_PER_MESSAGE = 60
MIN_READING_EASE = 50  # Flesch reading ease for each plain text of 8+ words
MIN_AVERAGE_READING_EASE = 65


@pytest.fixture(scope="module")
def library():
    return load_library(default_area="camden")


@pytest.fixture(scope="module")
def answerer(library):
    return PlanAnswerer(library, TopicSearch(load_pipeline(), library))


def pack_texts(library, field: str) -> list[str]:
    """Every fact, list intro, list "more" and item text of one kind ("plain" or "source_text")."""
    texts = []
    for pack in library.packs.values():
        texts += [getattr(fact, field) for fact in pack.facts.values()]
        if pack.source.published is not None:
            texts += [getattr(pack.source.published, field)]
        for item_list in pack.lists.values():
            texts += [getattr(item_list.intro, field)]
            if item_list.more is not None:
                texts += [getattr(item_list.more, field)]
            texts += [getattr(item, field) for item in item_list.items]
    return texts


def all_plain_texts(library) -> list[str]:
    return pack_texts(library, "plain")


def all_source_texts(library) -> list[str]:
    return pack_texts(library, "source_text")


# --- the packs --------------------------------------------------------------


def test_camden_pack_has_the_whole_plan(library):
    camden = library.packs["camden"]
    assert len(camden.lists["outcomes"].items) == 10
    assert len(camden.lists["building_blocks"].items) == 7
    assert {"vision", "how_agreed", "full_plan"} <= set(camden.facts)


def test_norfolk_impacts_use_the_canonical_slugs(library):
    norfolk = library.packs["norfolk"]
    assert [item.id for item in norfolk.lists["impacts"].items] == list(IMPACT_SLUGS)
    assert len(norfolk.lists["what_matters"].items) == 8
    assert {"vision", "anthem"} <= set(norfolk.facts)
    assert "success" in norfolk.lists and "how_used" in norfolk.lists


def test_impact_names_come_from_the_norfolk_pack(library):
    """Staff pages and the CSV export name each impact as the framework does."""
    names = library.impact_names()
    assert list(names) == list(IMPACT_SLUGS)
    norfolk = library.packs["norfolk"].lists["impacts"].items
    assert names == {item.id: item.name for item in norfolk}
    assert names["understood"] == "Understood"


def test_every_camden_outcome_maps_to_flourish_impacts(library):
    for item in library.packs["camden"].lists["outcomes"].items:
        assert item.flourish_impacts and set(item.flourish_impacts) <= set(IMPACT_SLUGS)
    outcome_3 = library.packs["camden"].item("outcome-3")
    assert set(outcome_3.flourish_impacts) == {"healthy", "resilience"}


def test_no_personal_contact_from_the_2009_plan(library):
    """The seed names a 2009 contact person; the assistant must not give them out."""
    for path in CONTENT_DIR.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        assert "Hussein" not in text and "020 7284" not in text and "@vac.org.uk" not in text


# --- schema errors name the file and the field ---------------------------


@pytest.fixture()
def pack_copy(tmp_path):
    def write(edit):
        for name in ("camden.yml", "norfolk.yml", "wording.yml"):
            shutil.copy(CONTENT_DIR / name, tmp_path / name)
        path = tmp_path / "camden.yml"
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        return path

    return write


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda s: s.replace("main_list: outcomes", "main_list: nope"), "main_list"),
        (lambda s: s.replace("flourish_impacts: [healthy]", "flourish_impacts: [happy]"),
         "lists.outcomes.items[1].flourish_impacts"),
        (lambda s: s.replace("id: outcome-2", "id: outcome-1"), "lists.outcomes.items[1].id"),
        (lambda s: s.replace("        name: Mental health\n", ""), "lists.outcomes.items[2].name"),
        (lambda s: s.replace("number: 4", "number: four"), "lists.outcomes.items[3].number"),
        (lambda s: s.replace("  vision:\n    source_text:", "  vision:\n    text:"),
         "facts.vision.source_text"),
        (lambda s: s.replace("source:\n  name:", "origin:\n  name:"), "source"),
        (lambda s: s.replace("  name: Camden Children and Young People's Plan\n", ""),
         "source.name"),
        (lambda s: s.replace("end_year: 2012", "end_year: twenty-twelve"), "source.end_year"),
        (lambda s: s.replace("end_year: 2012", "end_year: 12"), "source.end_year"),
        (lambda s: s.replace("  published:\n    source_text:", "  published:\n    text:"),
         "source.published.source_text"),
        (lambda s: s.replace("topics: [gap,", "topics: [[gap],"),
         "facts.closing_the_gap.topics[0]"),
        (lambda s: s.replace("    more:\n      source_text:", "    more:\n      words:", 1),
         "lists.outcomes.more.source_text"),
    ],
)  # fmt: skip
def test_schema_errors_name_file_and_field(pack_copy, edit, field):
    path = pack_copy(edit)
    with pytest.raises(DataFileError) as error:
        load_pack(path)
    assert error.value.field == field and str(path) in str(error.value)


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda s: s.replace("more_done:", "all_done:"), "more_done"),
        (lambda s: s.replace("  find_support_need:", "  support_need:"),
         "buttons.find_support_need"),
        (lambda s: s.replace("proper_nouns: [Flourish]", "proper_nouns: [[Flourish]]"),
         "proper_nouns"),
    ],
)  # fmt: skip
def test_wording_errors_name_file_and_field(pack_copy, edit, field):
    path = pack_copy(lambda s: s).parent / "wording.yml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_library(path.parent, default_area="camden")
    assert error.value.field == field and str(path) in str(error.value)


def test_unknown_default_area_is_a_clear_error(pack_copy):
    path = pack_copy(lambda s: s)
    with pytest.raises(DataFileError, match="DEFAULT_AREA"):
        load_library(path.parent, default_area="narnia")


# --- topic search -------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "item_id"),
    [
        ("what's being done about mental health", "outcome-3"),
        ("i've been feeling low, does the plan help", "outcome-3"),
        ("what about anxiety", "outcome-3"),
        ("what are they doing about bullying", "outcome-5"),
        ("what about poverty", "outcome-10"),
        ("what's being done about crime", "outcome-8"),
        ("what's the plan for school", "outcome-6"),
        ("tell me about outcome 3", "outcome-3"),
        ("the tenth outcome", "outcome-10"),
        ("building block 7", "building-block-7"),
        ("the 2nd building block", "building-block-2"),
    ],
)
def test_topics_reach_the_right_camden_item(answerer, question, item_id):
    assert answerer.answer(Question("ask_about", question)).focus == item_id


@pytest.mark.parametrize(
    ("question", "item_id"),
    [
        ("what is norfolk doing about mental health", "healthy"),
        ("what does flourish say about being listened to", "understood"),
        ("what's the understood impact", "understood"),
        ("impact 5 in norfolk", "resilience"),
    ],
)
def test_topics_reach_the_right_norfolk_impact(answerer, question, item_id):
    """Found in Norfolk's pack, and the answer says whose plan it is."""
    answer = answerer.answer(Question("ask_about", question))
    assert answer.focus == item_id
    assert answer.area == "norfolk" or "Norfolk's plan" in answer.messages[0].text


# --- answers ---------------------------------------------------------------

QUESTIONS = [
    Question("ask_plan"),
    Question("ask_plan", area="norfolk"),
    *(Question(intent) for intent in LIST_INTENTS),
    *(Question(intent, area="norfolk") for intent in LIST_INTENTS),
    Question("list_priorities"),
    Question("ask_about", "what about bullying"),
    Question("ask_about", "what does the resilience impact mean"),
    Question("ask_about", "pizza"),
    Question("ask_success"),
    Question("ask_success", area="norfolk"),
    Question("ask_anthem"),
    Question("ask_how_made"),
    Question("ask_how_made", area="norfolk"),
    Question("ask_full_plan"),
    Question("ask_full_plan", area="norfolk"),
    Question("more_info", focus="outcome-3"),
    Question("more_info", focus="understood"),
    Question("more_info"),
    Question("next_item", focus="outcome-3"),
    Question("next_item", focus="outcome-10"),
    Question("next_item"),
    Question("choose_area", "change area"),
    Question("choose_area", named_area="norfolk"),
]


def more_steps(answerer, first, area=None, limit=10):
    """``first`` and every "tell me more" after it, up to "that's all"."""
    answers = [first]
    while len(answers) <= limit:
        previous = answers[-1]
        answers.append(answerer.answer(Question(
            "more_info", "tell me more", area=area or previous.area,
            focus=previous.focus, more_shown=previous.more_shown,
        )))  # fmt: skip
        if answers[-1].more_shown == previous.more_shown:
            return answers  # nothing new left: it said so
    raise AssertionError(f"'tell me more' never ends for {first.focus}")


FACT_QUESTIONS = [
    Question("ask_about", "what is the vision for children in Camden"),
    Question("ask_plan", "what is Flourish?"),
    Question("ask_about", "how old is this plan"),
    Question("ask_how_made", "when was this plan written", area="norfolk"),
    Question("ask_anthem"),
    Question("ask_how_made", area="norfolk"),
]


def all_answers(answerer, library):
    """Every kind of answer, with every "tell me more" step after items and facts."""
    answers = [answerer.answer(q) for q in QUESTIONS]
    for question in FACT_QUESTIONS:
        answers += more_steps(answerer, answerer.answer(question))
    for pack in library.packs.values():
        for item in pack.items():
            first = answerer.answer(Question("ask_about", item_id=item.id, area=pack.area_id))
            answers += more_steps(answerer, first)
    answers += more_steps(answerer, answerer.answer(Question("ask_plan")))
    return answers


def test_every_plan_intent_is_answered(answerer):
    asked = {q.intent for q in QUESTIONS}
    assert asked == set(PLAN_INTENTS)
    for question in QUESTIONS:
        assert answerer.answer(question).messages


def test_quotes_come_only_from_the_packs(answerer, library):
    """Fails if any answer quotes words that are not in a content pack."""
    sources = all_source_texts(library)
    for answer in all_answers(answerer, library):
        for message in answer.messages:
            for quoted in re.findall(r"“(.*?)”", message.text):
                assert any(quoted in source for source in sources), quoted


def test_answers_use_the_packs_plain_words(answerer, library):
    plain = all_plain_texts(library)
    answer = answerer.answer(Question("ask_about", item_id="outcome-3"))
    assert any(text in answer.messages[0].text for text in plain)


def test_every_answer_message_is_short(answerer, library):
    for answer in all_answers(answerer, library):
        for message in answer.messages:
            words = [w for w in message.text.split() if not w.startswith("http")]
            assert len(words) <= MAX_WORDS_PER_MESSAGE, message.text


def test_plain_texts_are_easy_to_read(library):
    texts = all_plain_texts(library)
    hard = [
        (round(textstat.flesch_reading_ease(t), 1), t)
        for t in texts
        if len(t.split()) >= 8 and textstat.flesch_reading_ease(t) < MIN_READING_EASE
    ]
    assert hard == []
    average = statistics.fmean(textstat.flesch_reading_ease(t) for t in texts)
    print(f"\naverage Flesch reading ease of plain texts: {average:.1f}")
    assert average >= MIN_AVERAGE_READING_EASE


def test_swapping_the_default_area_changes_the_answer_without_code(monkeypatch):
    monkeypatch.setenv("DEFAULT_AREA", "norfolk")
    norfolk = load_library()
    monkeypatch.setenv("DEFAULT_AREA", "camden")
    camden = load_library()
    search = TopicSearch(load_pipeline(), camden)
    vision = PlanAnswerer(norfolk, search).answer(Question("ask_plan")).messages[-1].text
    assert "Norfolk" in vision
    assert "Camden" in PlanAnswerer(camden, search).answer(Question("ask_plan")).messages[-1].text


def test_a_named_area_wins_over_the_remembered_one(answerer):
    answer = answerer.answer(Question("ask_plan", "what's norfolk's plan", area="camden"))
    assert answer.area == "norfolk"


@pytest.mark.parametrize(
    ("intent", "text", "item_id"),
    [
        ("list_impacts", "impact 4 in norfolk", "understood"),
        ("list_outcomes", "what's the 8th outcome", "outcome-8"),
        ("list_building_blocks", "building block five", "building-block-5"),
        ("list_outcomes", "what is focusing on the family", "building-block-5"),
        ("ask_plan", "what does flourish say about identity", "individual"),
        ("choose_area", "what does norfolk say about feeling safe", "safe-and-secure"),
    ],
)
def test_broad_questions_naming_one_item_get_that_item(answerer, intent, text, item_id):
    assert answerer.answer(Question(intent, text)).focus == item_id


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("list_outcomes", "what are the outcomes"),
        ("list_impacts", "what are the 8 impacts"),
        ("list_outcomes", "which outcomes are about being healthy"),
        ("ask_plan", "what is the plan for young people"),
        ("choose_area", "i live in norfolk"),
    ],
)
def test_broad_questions_stay_broad(answerer, intent, text):
    assert answerer.answer(Question(intent, text)).focus is None


def test_a_topic_question_about_the_plan_itself_gets_the_plan(answerer):
    answer = answerer.answer(Question("ask_about", "what's the council's plan for teenagers"))
    assert "plan for its children and young people" in answer.messages[0].text


def test_a_kind_only_another_area_has_is_searched_there(answerer):
    """'The learning impact' means Norfolk's impact, not Camden's learning outcome."""
    answer = answerer.answer(Question("ask_about", "what is the learning impact"))
    assert answer.focus == "learning" and "Norfolk" in answer.messages[0].text


@pytest.mark.parametrize(
    ("intent", "text", "item_id", "says"),
    [
        ("list_impacts", "what is the safe and secure impact", "safe-and-secure", "Norfolk"),
        ("list_what_matters", "how can young people have a say", "building-block-7", "Camden"),
    ],
)
def test_a_list_this_area_lacks_still_finds_the_item_named(answerer, intent, text, item_id, says):
    """Camden has no impacts: a question naming one gets Norfolk's, or Camden's closest topic."""
    answer = answerer.answer(Question(intent, text, area="camden"))
    assert answer.focus == item_id
    assert says in " ".join(message.text for message in answer.messages)


@pytest.mark.parametrize("text", ["what are the impacts", "what are the 8 impacts"])
def test_a_list_this_area_lacks_is_still_said_plainly(answerer, text):
    answer = answerer.answer(Question("list_impacts", text, area="camden"))
    assert answer.focus is None
    assert "doesn't have impacts" in answer.messages[0].text
