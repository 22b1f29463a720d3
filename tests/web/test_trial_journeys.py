"""The trial, scripted: a young person on a phone and a parent on a laptop.

The same journeys the new-user trial took, in Debian's chromium against the
running servers (web app, ``rasa run`` with the trained model, action server).
Each step keeps a screenshot in ``test_artifacts/`` and every page is checked by
axe. The staff member's journey is in ``tests/staff/test_staff_browser.py``.
"""

from __future__ import annotations

import json

import pytest

from tests.open_now import while_open_lines_stay
from tests.plugins.browser import ARTIFACTS, local_only, run_axe

pytestmark = [pytest.mark.model, pytest.mark.browser]

GREETING = "I'm a chatbot for young people and families"
PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
REPLY_TIMEOUT = 60_000


def journey_page(browser, viewport, phone: bool):
    options = {"viewport": viewport, "bypass_csp": True}  # bypass_csp so axe can be injected
    if phone:
        options.update(is_mobile=True, has_touch=True)
    return local_only(browser.new_context(**options))


class Journey:
    """One person's visit: type or tap, wait for the reply, keep a screenshot."""

    def __init__(self, page, name: str, phone: bool) -> None:
        self.page = page
        self.name = name
        self.phone = phone
        self.step = 0

    def bot_count(self) -> int:
        return self.page.locator(".fc-bot").count()

    def _wait_for_reply(self, before: int) -> list[str]:
        self.page.locator(".fc-bot").nth(before).wait_for(timeout=REPLY_TIMEOUT)
        self.page.wait_for_timeout(700)  # a turn comes in several messages
        return self.page.locator(".fc-bot").all_inner_texts()[before:]

    def type(self, text: str) -> list[str]:
        before = self.bot_count()
        box = self.page.get_by_role("textbox", name="Your message")
        box.fill(text)
        box.press("Enter")
        return self._wait_for_reply(before)

    def tap(self, button: str) -> list[str]:
        before = self.bot_count()
        target = self.page.get_by_role("button", name=button, exact=True).last
        target.tap() if self.phone else target.click()
        return self._wait_for_reply(before)

    def buttons(self) -> list[str]:
        return self.page.locator(".fc-replies button").all_inner_texts()

    def keep(self, label: str) -> None:
        self.step += 1
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"trial-{self.name}-{self.step:02d}-{label}.png"))

    def no_axe_violations(self) -> None:
        result = run_axe(self.page)
        found = [
            {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
        ]
        assert found == [], json.dumps(found, indent=2)


def start(browser, web_app, name: str, viewport: dict, phone: bool) -> tuple[Journey, object]:
    context = journey_page(browser, viewport, phone)
    page = context.new_page()
    page.goto(web_app)
    page.get_by_role("log").get_by_text(GREETING).wait_for(timeout=REPLY_TIMEOUT)
    page.get_by_role("button", name="Find support").wait_for(timeout=REPLY_TIMEOUT)
    return Journey(page, name, phone), context


def test_a_young_person_on_a_phone(browser, web_app):
    journey, context = start(browser, web_app, "young-person-375x740", PHONE, phone=True)
    page = journey.page
    try:
        # Opens with the greeting, the message box on screen, nothing they did not send.
        box = page.get_by_role("textbox", name="Your message").bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]
        assert page.locator(".fc-user").count() == 0
        journey.keep("open")
        # Misspelt: still the right need, and services first.
        replies = journey.type("wher can i get hlep wiht my anxeity")
        joined = "\n".join(replies)
        assert "Here are services that help with feelings and mental health" in joined
        assert "Example" not in joined and "020 7946" not in joined  # no made-up listings
        assert "Who is the help for?" in replies[-1]
        journey.keep("anxiety-services")
        narrowed = "\n".join(journey.tap("Me, I'm 11 to 15"))
        assert "Here are services" in narrowed and "Where do you live?" in narrowed
        assert page.evaluate("document.activeElement.id") == "fc-input"  # focus back in the box
        journey.keep("narrowed")
        person = "\n".join(journey.tap("Talk to a person"))
        assert "no person behind me" in person
        assert journey.buttons()  # a way on, not a dead end
        journey.keep("talk-to-a-person")
        # Says how they feel: that is the feedback, not "tell me again".
        feeling = "\n".join(journey.type("I feel like nobody listens to me at school"))
        assert "Tell me in your own words" not in feeling
        assert "Being listened to" in feeling
        journey.keep("feedback-impact")
        journey.tap("Yes: Being listened to")
        for _ in range(3):  # rating, age, area
            journey.tap("Skip")
        saved = "\n".join(journey.tap("Yes, save it"))
        assert "is saved" in saved and "about being listened to" in saved
        assert journey.buttons()
        journey.keep("saved")
        journey.no_axe_violations()
    finally:
        context.close()


def test_a_parent_on_a_laptop(browser, web_app):
    journey, context = start(browser, web_app, "parent-1280x800", LAPTOP, phone=False)
    try:
        replies = journey.type("My son is being bullied at school, where can we get help?")
        joined = "\n".join(replies)
        # Help first, for parents first, real services only, times one way.
        assert "Here are services that help with bullying" in replies[0], replies
        assert "NSPCC Helpline" in joined or "Family Lives" in joined
        assert "Example" not in joined
        assert "09:" not in joined and "Citizens Advice (Citizens Advice)" not in joined
        assert "Where do you live?" in replies[-1]
        journey.keep("bullying-services")
        # Typed out of order and in their own words: narrows, does not repeat a question.
        local = "\n".join(journey.type("we live in camden"))
        assert "Camden's plan" in local
        journey.keep("camden")
        tapped, open_lines = while_open_lines_stay(
            "bullying", "parent-carer", "camden", lambda: journey.tap("Talk to a person")
        )
        person = "\n".join(tapped)
        assert "Camden Council" in person
        if open_lines:  # only lines open now are listed: the NSPCC's closes at 10pm
            assert "For bullying:" in person
        elif open_lines is not None:
            assert "For bullying:" not in person and "no person behind me" in person
        assert "Samaritans" not in person  # crisis lines only after a risk signal
        assert journey.buttons()
        journey.keep("talk-to-a-person")
        # SEND: real services, the acronym kept in capitals.
        send = "\n".join(journey.type("my daughter has an EHCP, who can help with SEND?"))
        assert "SEND and disability" in send and "IPSEA" in send
        journey.keep("send")
        # Food: food support, not a youth service.
        food = "\n".join(journey.type("we can't afford food this week, is there any help?"))
        assert "money and food" in food
        assert any(name in food for name in ("Trussell", "Free school meals", "Healthy Start"))
        journey.keep("food")
        journey.no_axe_violations()
    finally:
        context.close()
