"""Matching needs, choosing services and saying them, without Rasa."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.core.spacy_pipeline import load_pipeline
from bot.plan.content import load_library
from bot.support.directory import load_directory, load_needs
from bot.support.finder import (
    Choice,
    SupportFinder,
    load_support_wording,
    who_from_text,
)
from bot.support.need_classifier import NeedClassifier
from bot.support.need_matcher import NeedMatcher

HELD_OUT_C = PROJECT_ROOT / "tests" / "support" / "need_heldout_c.yml"
WEEKDAY_EVENING = datetime(2026, 11, 25, 19, 0, tzinfo=timezone.utc)  # Wednesday 19:00 GMT
SUNDAY_3AM = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def needs():
    return load_needs()


@pytest.fixture(scope="module")
def finder(needs):
    library = load_library()
    return SupportFinder(
        load_directory(known_areas=tuple(library.packs)), needs, load_support_wording(), library
    )


@pytest.fixture(scope="module")
def finder_with_examples(needs):
    """As a council demo would run it: SHOW_EXAMPLE_SERVICES on."""
    library = load_library()
    services = load_directory(known_areas=tuple(library.packs), examples=True)
    return SupportFinder(services, needs, load_support_wording(), library)


@pytest.fixture(scope="module")
def matcher(needs):
    """As find-support runs it: the word list and the classifier together."""
    return NeedClassifier(load_pipeline(), needs)


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("i've been feeling really anxious and low", "mental-health"),
        ("my daughter has really bad anxiety", "mental-health"),
        ("kids at school keep picking on me", "bullying"),
        ("my son is being bullied online and at school", "bullying"),
        ("i need help with my toddler's tantrums", "family-and-parenting"),
        ("we're skint and there's no food in the house", "money-and-food"),
        ("i got kicked out and i'm sofa surfing", "housing"),
        ("my child is autistic and needs an ehcp", "send-and-disability"),
        ("i think my son is smoking weed", "drugs-and-alcohol"),
        ("where can i get condoms", "sexual-health-and-relationships"),
        ("i want to come out as bi", "lgbtq"),
        ("i'm a young carer for my mum", "young-carers"),
        ("someone on snapchat wants nudes", "online-safety"),
        ("is there anything to do after school", "activities-and-clubs"),
        ("my teacher says i might get excluded", "school-and-learning"),
        ("how do i get an apprenticeship", "jobs-and-training"),
    ],
)
def test_needs_are_matched_in_peoples_own_words(matcher, text, need):
    found = matcher.match(text)
    assert found is not None and found.id == need


def test_no_need_in_vague_words(matcher):
    assert matcher.match("where can i get help") is None


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("wher can i get hlep wiht my anxeity", "mental-health"),
        ("my sons being bulied at scool", "bullying"),
        ("hes autisum and the school wont help", "send-and-disability"),
        ("how do i get an apprentiship", "jobs-and-training"),
    ],
)
def test_typos_are_read_as_the_words_meant(matcher, text, need):
    found = matcher.match(text)
    assert found is not None and found.id == need


def test_real_words_are_never_corrected(needs):
    words = NeedMatcher(load_pipeline(), needs)
    assert words.corrected("he sent me a message") == "he sent me a message"
    assert "anxiety" in words.corrected("my anxeity")
    assert words.match("he sent me a horrible message") is None or (
        words.match("he sent me a horrible message").id != "send-and-disability"
    )
    assert words.match("my son has SEND").id == "send-and-disability"


GROUP_CHAT_STORY = (
    "Sorry this is long. We moved house in the summer and I started year 8 at a new school. "
    "At first it was fine, I joined the football team and my mum got a new job nearby so things "
    "were good at home too. In October a girl in my form made a group chat for our class and "
    "added everyone. It was mostly about homework and a party someone was having. Then in "
    "November people started posting screenshots of my messages with laughing emojis, and a boy "
    "made a fake account with my photo. My dad says to just ignore it and my teacher said she "
    "would look into it but nothing happened. I still go to football and I like my art lessons. "
    "I have been trying to keep up with my coursework even though I am tired all the time. "
    "My little brother is starting at the same school next year so I don't want to make a fuss. "
    "We went to my gran's for half term and I helped her with her garden, which was nice, and "
    "I got my first part-time job idea sorted for next summer, washing cars with my cousin. "
    "My mum thinks I am on my phone too much but I only really use it for music and games. "
)
GROUP_CHAT_ASK = (
    "Now they have kicked me out of the group chat and everyone is calling me names and telling "
    "me nobody likes me. Every morning I feel sick. How do I make them stop bullying me?"
)


def test_a_long_story_is_read_to_the_end(matcher):
    story = GROUP_CHAT_STORY + GROUP_CHAT_ASK
    assert len(GROUP_CHAT_STORY) > 1000  # the question comes after the trimmer's cut
    assert matcher.match(story).id == "bullying"


def test_held_out_need_detection_stays_at_90_percent_or_better(matcher):
    """Set C was written without seeing the words or examples and run once before this test."""
    pairs = [
        (entry["text"], entry["need"])
        for entry in yaml.safe_load(HELD_OUT_C.read_text(encoding="utf-8"))["messages"]
    ]
    right = sum(1 for text, need in pairs if (found := matcher.match(text)) and found.id == need)
    assert right / len(pairs) >= 0.9


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("my son is being bullied", "parent-carer"),
        ("i'm a parent and need advice", "parent-carer"),
        ("my kids need something to do", "parent-carer"),
        ("my mum is ill and i look after her", None),
        ("i'm a young carer", None),
    ],
)
def test_parents_are_recognised(text, who):
    assert who_from_text(text) == who


def test_a_parent_gets_parent_services_first_then_services_for_their_child(finder, needs):
    found = finder.matching(
        Choice(needs.get("bullying"), "parent-carer", "camden"), WEEKDAY_EVENING
    )
    ids = [s.id for s in found]
    assert ids[:2] == ["nspcc-helpline", "family-lives"]
    assert "childline" in ids


def test_local_services_only_in_their_area(finder_with_examples, needs):
    clubs = needs.get("activities-and-clubs")
    finder = finder_with_examples
    camden = [s.id for s in finder.matching(Choice(clubs, "11-15", "camden"), WEEKDAY_EVENING)]
    norfolk = [s.id for s in finder.matching(Choice(clubs, "11-15", "norfolk"), WEEKDAY_EVENING)]
    assert camden[0] == "example-camden-youth-club" and "example-norfolk-youth-club" not in camden
    assert norfolk[0] == "example-norfolk-youth-club" and "example-camden-youth-club" not in norfolk


def test_examples_are_left_out_unless_asked_for_and_marked_when_shown(
    finder, finder_with_examples, needs
):
    assert not any(s.example for s in finder.services)
    send = Choice(needs.get("send-and-disability"), "parent-carer", "camden")
    shown = finder_with_examples.page(send, WEEKDAY_EVENING)
    example = next(m.text for m in shown if "Example" in m.text)
    assert example.startswith("EXAMPLE LISTING - not a real service")


def test_every_need_has_at_least_three_real_services_for_each_person(finder, needs):
    for need in needs.items:
        for who in (None, "11-15", "16-18", "parent-carer"):
            found = finder.matching(Choice(need, who, None), WEEKDAY_EVENING)
            real = [s for s in found if not s.example]
            if who == "parent-carer" or need.id != "family-and-parenting":
                assert len(real) >= 3, (need.id, who, [s.id for s in real])


def test_age_limits_are_respected(finder, needs):
    mental = needs.get("mental-health")
    nineteen_plus = [s.id for s in finder.matching(Choice(mental, "19-25", None), WEEKDAY_EVENING)]
    assert "childline" not in nineteen_plus and "samaritans" in nineteen_plus


def test_the_answer_comes_first_then_an_offer_to_narrow_it(finder, needs):
    anxious = Choice(needs.get("mental-health"), None, None)
    intro, *cards, offer = finder.page(anxious, WEEKDAY_EVENING)
    assert "feelings and mental health" in intro.text  # no capital mid-sentence
    assert len(cards) == 3 and all(not card.buttons for card in cards)
    assert "Who is the help for?" in offer.text
    payloads = [b.payload for b in offer.buttons]
    assert '/inform{"choice": "parent-carer"}' in payloads and "/talk_to_person" in payloads
    parent = Choice(needs.get("bullying"), "parent-carer", None)
    *_, ask_area = finder.page(parent, WEEKDAY_EVENING)
    assert "Where do you live?" in ask_area.text
    assert '/inform{"choice": "camden"}' in [b.payload for b in ask_area.buttons]
    known = Choice(needs.get("bullying"), "parent-carer", "camden")
    *_, ways_on = finder.page(known, WEEKDAY_EVENING)
    assert [b.payload for b in ways_on.buttons] == [
        "/more_services",
        "/talk_to_person",
        "/find_support",
    ]


def test_a_page_has_contacts_hours_open_now_and_the_plan_priority(finder, needs):
    messages = finder.page(Choice(needs.get("bullying"), "parent-carer", "camden"), WEEKDAY_EVENING)
    intro, *listed, _ = messages
    assert "Camden's plan, outcome 4: Protected from harm" in intro.text
    assert len(listed) == 3
    nspcc = next(m.text for m in listed if "NSPCC Helpline" in m.text)
    assert "Call 0808 800 5000" in nspcc and "Open now." in nspcc and "Monday to Friday" in nspcc
    more = finder.page(
        Choice(needs.get("bullying"), "parent-carer", "camden"), WEEKDAY_EVENING, offset=3
    )
    assert "more services" in more[0].text
    norfolk = finder.page(Choice(needs.get("bullying"), "11-15", "norfolk"), WEEKDAY_EVENING)
    assert "Norfolk's plan, impact 7: Safe and secure" in norfolk[0].text


def test_service_cards_are_short_and_say_things_once(finder, needs):
    cards = [
        m.text
        for need in ("mental-health", "money-and-food")
        for m in finder.page(Choice(needs.get(need), "parent-carer", None), WEEKDAY_EVENING)
    ]
    advice = next(card for card in cards if card.startswith("Citizens Advice"))
    assert "Citizens Advice (Citizens Advice)" not in advice
    shout = finder.describe(next(s for s in finder.services if s.id == "shout"), WEEKDAY_EVENING)
    assert "Text SHOUT to 85258" in shout
    assert shout.count("24 hours") == 1  # not "Open 24 hours... Hours: 24 hours..."
    assert not re.search(r"\b\d\d:\d\d\b", "\n".join(cards))  # 9am, not 09:00


def test_closed_services_say_when_they_open(finder, needs):
    saturday = datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc)
    advice = next(s for s in finder.services if s.id == "citizens-advice")
    assert "Closed now. Opens Monday at 9am." in finder.describe(advice, saturday)
    assert "Opens tomorrow at 9am." in finder.describe(advice, SUNDAY_3AM)


def test_talk_to_a_person_lists_only_lines_open_now(finder):
    night = finder.people_now(None, "11-15", None, False, SUNDAY_3AM)[0].text
    assert "no person behind me" in night
    assert "0800 1111" in night
    evening = finder.people_now(None, "11-15", None, False, WEEKDAY_EVENING)[0].text
    assert "Childline" in evening
    parents = finder.people_now(None, "parent-carer", None, False, WEEKDAY_EVENING)[0].text
    assert "NSPCC Helpline" in parents and "Childline" not in parents


def test_talk_to_a_person_puts_the_current_need_first_and_crisis_lines_only_after_risk(
    finder, needs
):
    food = Choice(needs.get("money-and-food"), "parent-carer", None)
    monday_noon = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
    text, ending = finder.people_now(food, "parent-carer", None, False, monday_noon)
    assert text.text.index("For money and food:") < text.text.index("For anything:")
    assert "Citizens Advice" in text.text.split("For anything:")[0]
    assert "Samaritans" not in text.text and "Switchboard" not in text.text
    assert "Camden Council" in text.text and "Norfolk County Council" in text.text
    assert ending.buttons  # never a dead end
    anxious = Choice(needs.get("mental-health"), "11-15", "camden")
    after_risk = finder.people_now(anxious, "11-15", "camden", True, monday_noon)[0].text
    assert "116 123" in after_risk
    assert "Camden Council" in after_risk and "Norfolk County Council" not in after_risk
