"""Plan questions in young people's own words, through the real model and actions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.plan.content import load_library
from tests.chatting import texts

PHRASINGS = yaml.safe_load((Path(__file__).parent / "plan_phrasings.yml").read_text())
LIBRARY = load_library(default_area="camden")


def training_examples() -> set[str]:
    examples = set()
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in (block.get("examples") or "").splitlines():
                examples.add(line.strip("- ").strip().lower())
    return examples


def item_plain(item_id: str) -> str:
    for pack in LIBRARY.packs.values():
        if pack.item(item_id):
            return pack.item(item_id).plain
    raise KeyError(item_id)


def test_every_item_has_three_phrasings_not_in_training_data():
    every_item = {item.id for pack in LIBRARY.packs.values() for item in pack.items()
                  if item.list_key in ("outcomes", "impacts", "building_blocks")}  # fmt: skip
    assert set(PHRASINGS) == every_item
    trained = training_examples()
    for item_id, phrasings in PHRASINGS.items():
        assert len(set(phrasings)) >= 3, item_id
        assert not [p for p in phrasings if p.lower() in trained], item_id


@pytest.mark.model
def test_every_item_is_reachable_in_young_peoples_words(chat):
    """Each phrasing gets that item's own content from the pack."""
    wrong = []
    for item_id, phrasings in PHRASINGS.items():
        for phrasing in phrasings:
            say = chat.conversation()
            replies = texts(say(phrasing))
            if item_plain(item_id) not in replies:
                wrong.append((item_id, phrasing, replies[:120]))
    assert wrong == [], "\n".join(f"{i} | {p} | {r}" for i, p, r in wrong)


@pytest.mark.model
def test_browsing_with_buttons_and_follow_ups(chat):
    say = chat.conversation()
    listing = say("/list_outcomes")
    buttons = listing[-1]["buttons"]
    assert len(buttons) == 10
    third = say(buttons[2]["payload"])
    assert item_plain("outcome-3") in texts(third)
    assert "“Children and young people are emotionally and mentally healthy”" in texts(
        say("tell me more")
    )
    assert item_plain("outcome-4") in texts(say("the next one"))


@pytest.mark.model
def test_area_is_remembered_once_chosen(chat):
    say = chat.conversation()
    say('/choose_area{"area": "norfolk"}')
    assert "Norfolk" in texts(say("what is the plan"))
    assert item_plain("understood") in texts(say("what about being listened to"))


@pytest.mark.model
def test_the_plan_without_an_area_uses_the_default(chat):
    say = chat.conversation()
    assert LIBRARY.packs["camden"].facts["vision"].plain in texts(say("what's the plan"))


# --- plan answers lead somewhere --------------------------------------------------

BULLYING = '/find_support{"choice": "bullying"}'


def payloads(responses: list[dict]) -> list[str]:
    return [b["payload"] for r in responses for b in (r.get("buttons") or [])]


@pytest.mark.model
def test_the_vision_is_found(chat):
    say = chat.conversation()
    replies = texts(say("what is the vision for children in Camden"))
    assert LIBRARY.packs["camden"].facts["vision"].plain in replies


@pytest.mark.model
def test_what_flourish_is_is_explained(chat):
    say = chat.conversation()
    assert LIBRARY.packs["norfolk"].facts["overview"].plain in texts(say("what is Flourish?"))


@pytest.mark.model
@pytest.mark.parametrize("question", ["how old is this plan", "when was this plan written"])
def test_how_old_the_plan_is(chat, question):
    say = chat.conversation()
    replies = texts(say(question))
    assert LIBRARY.packs["camden"].source.published.plain in replies
    assert "2009-12" in replies and "older plan" in replies


@pytest.mark.model
def test_bullying_offers_support_for_bullying_that_starts_the_search(chat):
    say = chat.conversation()
    answer = say("what are they doing about bullying")
    assert item_plain("outcome-5") in texts(answer)
    assert BULLYING in payloads(answer)
    say(BULLYING)
    assert chat.tracker(say.sender).get_slot("support_need") == "bullying"


@pytest.mark.model
def test_tell_me_more_adds_something_new_each_time(chat):
    say = chat.conversation()
    seen = [texts(say("what are they doing about bullying"))]
    for _ in range(3):
        reply = say("tell me more")
        assert BULLYING in payloads(reply)  # still the support asked about
        seen.append(texts(reply))
    assert len(set(seen)) == len(seen)
    assert "Source: Camden Children and Young People's Plan 2009-12" in seen[-1]
