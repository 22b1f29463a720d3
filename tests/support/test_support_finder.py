"""Matching needs, choosing services and saying them, without Rasa."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.core.spacy_pipeline import load_pipeline
from bot.plan.content import load_library
from bot.support.directory import load_directory, load_needs
from bot.support.finder import (
    Choice,
    NeedMatcher,
    SupportFinder,
    load_support_wording,
    who_from_text,
)

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
def matcher(needs):
    return NeedMatcher(load_pipeline(), needs)


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


def test_local_services_only_in_their_area(finder, needs):
    clubs = needs.get("activities-and-clubs")
    camden = [s.id for s in finder.matching(Choice(clubs, "11-15", "camden"), WEEKDAY_EVENING)]
    norfolk = [s.id for s in finder.matching(Choice(clubs, "11-15", "norfolk"), WEEKDAY_EVENING)]
    assert camden == ["example-camden-youth-club"]
    assert norfolk == ["example-norfolk-youth-club"]


def test_age_limits_are_respected(finder, needs):
    mental = needs.get("mental-health")
    nineteen_plus = [s.id for s in finder.matching(Choice(mental, "19-25", None), WEEKDAY_EVENING)]
    assert "childline" not in nineteen_plus and "samaritans" in nineteen_plus


def test_a_page_has_contacts_hours_open_now_and_the_plan_priority(finder, needs):
    messages = finder.page(Choice(needs.get("bullying"), "parent-carer", "camden"), WEEKDAY_EVENING)
    intro, *listed = messages
    assert "Camden's plan, outcome 4: Protected from harm" in intro.text
    assert len(listed) == 3
    nspcc = listed[0].text
    assert "0808 800 5000" in nspcc and "Open now." in nspcc and "Monday to Friday" in nspcc
    assert [b.payload for b in listed[-1].buttons] == [
        "/more_services",
        "/talk_to_person",
        "/find_support",
    ]
    more = finder.page(
        Choice(needs.get("bullying"), "parent-carer", "camden"), WEEKDAY_EVENING, offset=3
    )
    assert "more services" in more[0].text
    norfolk = finder.page(Choice(needs.get("bullying"), "11-15", "norfolk"), WEEKDAY_EVENING)
    assert "Norfolk's plan, impact 7: Safe and secure" in norfolk[0].text


def test_closed_services_say_when_they_open(finder, needs):
    saturday = datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc)
    messages = finder.page(Choice(needs.get("money-and-food"), "parent-carer", None), saturday)
    advice = next(m.text for m in messages if "Citizens Advice" in m.text)
    assert "Closed now. Opens Monday at 09:00." in advice
    sunday = finder.page(Choice(needs.get("money-and-food"), "parent-carer", None), SUNDAY_3AM)
    assert "Opens tomorrow at 09:00." in next(m.text for m in sunday if "Citizens" in m.text)


def test_talk_to_a_person_lists_only_lines_open_now(finder):
    night = finder.people_now("11-15", SUNDAY_3AM)[0].text
    assert "no person behind me" in night
    assert "0800 1111" in night and "116 123" in night
    assert "Switchboard" not in night  # 10am to 10pm
    evening = finder.people_now("11-15", WEEKDAY_EVENING)[0].text
    assert "Switchboard" in evening
    parents = finder.people_now("parent-carer", WEEKDAY_EVENING)[0].text
    assert "NSPCC Helpline" in parents and "Childline" not in parents
