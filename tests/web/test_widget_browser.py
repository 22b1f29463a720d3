"""The chat widget in a real browser (Debian's chromium, driven by Playwright).

The whole stack runs: this web app, a real ``rasa run`` with the trained model,
and the action server. Playwright's sync API cannot run inside an asyncio loop,
so browser tests live in this module only.
"""

from __future__ import annotations

import json

import pytest

from tests.plugins.browser import ARTIFACTS, local_only, run_axe

pytestmark = [pytest.mark.model, pytest.mark.browser]

GREETING = "I'm a chatbot for young people and families"
PHONE = {"width": 375, "height": 740}  # the phone of the "Phone layout" issue


def open_chat(context, web_app):
    page = context.new_page()
    page.goto(web_app)
    page.get_by_role("log").get_by_text(GREETING).wait_for(timeout=30_000)
    return page


def bot_messages(page) -> list[str]:
    return page.locator(".fc-bot").all_inner_texts()


def test_send_a_message_and_see_the_reply(context, web_app):
    page = open_chat(context, web_app)
    log = page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    before = len(bot_messages(page))
    page.get_by_label("Your message").fill("what is the plan for young people")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("log").get_by_text("You said: what is the plan for young people").wait_for()
    page.locator(".fc-bot").nth(before).wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # the answer comes in several messages
    assert "plan" in " ".join(bot_messages(page)[before:]).lower()
    assert context.outside_requests == []
    assert context.cookies() == []


def test_click_a_quick_reply(context, web_app):
    page = open_chat(context, web_app)
    page.get_by_role("button", name="Find support").click()
    page.get_by_text("What would you like help with?").wait_for(timeout=30_000)
    page.get_by_role("button", name="Bullying").click()
    page.get_by_text("Who is the help for?").wait_for(timeout=30_000)


def test_reload_keeps_the_conversation(context, web_app):
    page = open_chat(context, web_app)
    page.get_by_label("Your message").fill("thank you")
    page.keyboard.press("Enter")
    page.get_by_text("You're welcome").wait_for(timeout=30_000)
    count = page.locator(".fc-msg").count()
    page.reload()
    page.get_by_text("You're welcome").wait_for()
    assert page.locator(".fc-msg").count() == count


def test_quick_exit_clears_the_conversation(context, web_app):
    page = open_chat(context, web_app)
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(f"{web_app}/health")
    assert page.evaluate("window.sessionStorage.length") == 0

    page = open_chat(context, web_app)
    page.get_by_label("Your message").fill("thank you")
    page.keyboard.press("Enter")
    page.get_by_text("You're welcome").wait_for(timeout=30_000)
    page.locator("body").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(f"{web_app}/health")
    page.goto(web_app)
    page.get_by_role("log").get_by_text(GREETING).wait_for(timeout=30_000)
    assert "You're welcome" not in page.get_by_role("log").inner_text()


def test_message_text_never_runs_as_code(context, web_app):
    page = open_chat(context, web_app)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    attack = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    page.get_by_label("Your message").fill(attack)
    page.keyboard.press("Enter")
    page.get_by_role("log").get_by_text(attack).wait_for()
    page.wait_for_timeout(1000)
    assert dialogs == []
    assert page.locator(".fc-log img, .fc-log script").count() == 0


def test_keyboard_reaches_every_control(context, web_app):
    page = open_chat(context, web_app)
    # The menu's quick replies come a moment after the greeting: wait for them.
    page.get_by_role("button", name="Find support").wait_for(timeout=30_000)
    seen = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement && document.activeElement.className"))
    assert {"fc-exit", "fc-input", "fc-send", "fc-reply"} <= seen


@pytest.mark.parametrize("screen", [None, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_wcag22_aa_violations(browser, web_app, screen):
    size = {"viewport": screen, "is_mobile": True} if screen else {}
    context = browser.new_context(bypass_csp=True, **size)  # bypass_csp so axe can be injected
    try:
        page = open_chat(context, web_app)
        page.get_by_role("button", name="Find support").wait_for(timeout=30_000)
        result = run_axe(page)
        violations = [
            {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
        ]
        assert violations == [], json.dumps(violations, indent=2)
        assert "target-size" in {rule["id"] for rule in result["passes"] + result["inapplicable"]}
    finally:
        context.close()


def test_small_screens_have_no_horizontal_scroll_and_a_screenshot_is_kept(browser, web_app):
    context = browser.new_context(viewport={"width": 375, "height": 700}, is_mobile=True)
    try:
        page = open_chat(context, web_app)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget-mobile-375x700.png"), full_page=True)
        page.set_viewport_size({"width": 320, "height": 640})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_the_widget_embeds_in_another_page_with_one_script_tag(context, web_app):
    page = context.new_page()
    page.goto(f"{web_app}/health")  # any other page of this machine
    page.set_content(
        "<!doctype html><html lang='en'><head><title>Council site</title></head><body>"
        "<h1>Our council</h1>"
        f"<script src='{web_app}/widget.js' "
        "data-title='Ask us' data-area='norfolk'></script></body></html>"
    )
    page.get_by_role("heading", name="Ask us").wait_for()
    page.get_by_role("log").get_by_text(GREETING).wait_for(timeout=30_000)


# Help one tap away, on a phone -------------------------------------------------------


def crisis_reply(page):
    """Send a risk message and wait for the signposting."""
    page.get_by_label("Your message").fill("i want to kill myself")
    page.keyboard.press("Enter")
    urgent = page.locator(".fc-urgent").first
    urgent.wait_for(timeout=30_000)
    page.get_by_text("Are you safe right now?").wait_for(timeout=30_000)
    return urgent


def test_numbers_and_addresses_are_tappable_links(context, web_app):
    page = open_chat(context, web_app)
    urgent = crisis_reply(page)
    hrefs = urgent.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "tel:999" in hrefs and "tel:08001111" in hrefs and "tel:116123" in hrefs
    assert "sms:85258?&body=SHOUT" in hrefs
    assert "https://childline.org.uk" in hrefs
    assert urgent.get_by_role("link", name="text SHOUT to 85258").count() == 1
    # Built as DOM nodes: markup around a number stays text.
    page.get_by_label("Your message").fill("<b>call 0800 1111</b>")
    page.keyboard.press("Enter")
    mine = page.locator(".fc-user").last
    mine.get_by_role("link", name="0800 1111").wait_for()
    assert page.locator(".fc-log b").count() == 0
    assert "<b>" in mine.inner_text()


def test_on_a_phone_the_crisis_message_starts_in_view(browser, web_app):
    context = local_only(
        browser.new_context(viewport={"width": 375, "height": 560}, is_mobile=True)
    )
    try:
        page = open_chat(context, web_app)
        for text in ("what are the outcomes", "tell me more", "the next one"):
            page.get_by_label("Your message").fill(text)
            page.keyboard.press("Enter")
            page.wait_for_timeout(1500)
        urgent = crisis_reply(page)
        page.wait_for_timeout(500)
        first_line = urgent.evaluate(
            """node => {
                const log = node.closest('.fc-log').getBoundingClientRect();
                const box = node.getBoundingClientRect();
                return {top: box.top, logTop: log.top, logBottom: log.bottom,
                        viewport: window.innerHeight};
            }"""
        )
        assert first_line["logTop"] - 1 <= first_line["top"] < first_line["logBottom"] - 20
        assert 0 <= first_line["top"] < first_line["viewport"] - 20
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget-crisis-375x560.png"))
    finally:
        context.close()


def exit_is_on_screen(page) -> bool:
    return page.evaluate(
        """() => {
            const exit = document.querySelector('.fc-exit');
            const box = exit.getBoundingClientRect();
            const view = window.visualViewport || {width: innerWidth, height: innerHeight};
            const inside = box.top >= 0 && box.left >= 0 && box.bottom <= view.height
                && box.right <= view.width;
            const x = box.left + box.width / 2, y = box.top + box.height / 2;
            return inside && document.elementFromPoint(x, y) === exit;
        }"""
    )


def test_quick_exit_stays_on_screen_with_the_keyboard_open(browser, web_app):
    context = local_only(
        browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    )
    try:
        page = open_chat(context, web_app)
        crisis_reply(page)
        assert exit_is_on_screen(page)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert exit_is_on_screen(page)
        page.get_by_label("Your message").focus()
        # The on-screen keyboard takes the bottom half: the visible area shrinks.
        page.set_viewport_size({"width": 375, "height": 330})
        page.get_by_label("Your message").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        assert exit_is_on_screen(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget-keyboard-open-375x330.png"))
        page.get_by_role("button", name="Quick exit").click()
        page.wait_for_url(f"{web_app}/health")
    finally:
        context.close()


# A phone: 375x740, as a 13-year-old found it ------------------------------------------


@pytest.fixture
def phone(browser):
    context = local_only(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True))
    yield context
    context.close()


def test_on_a_phone_nothing_appears_that_the_person_did_not_send(phone, web_app):
    page = open_chat(phone, web_app)
    page.get_by_role("button", name="Find support").wait_for(timeout=30_000)
    # The widget asks for the greeting itself: no "Hi" bubble, nothing kept as theirs.
    assert page.locator(".fc-user").count() == 0
    kept = json.loads(page.evaluate("sessionStorage.getItem('flourish-chat-history')"))
    assert kept and {entry["from"] for entry in kept} == {"bot"}
    page.reload()
    page.get_by_role("button", name="Find support").wait_for()
    page.wait_for_timeout(1000)  # time for a second greeting, if one were (wrongly) asked for
    assert page.locator(".fc-user").count() == 0
    assert page.get_by_role("log").get_by_text(GREETING).count() == 1
    assert page.locator(".fc-msg").count() == len(kept)


def test_on_a_phone_the_chat_has_one_heading(phone, web_app):
    page = open_chat(phone, web_app)
    title = page.locator("h1").inner_text()
    headings = page.get_by_role("heading").filter(visible=True)
    assert headings.all_inner_texts() == [title]
    assert page.locator("h1").count() == 1
    # The widget's region is still named, by that one heading.
    region = page.get_by_role("region", name=title)
    assert region.count() == 1
    assert region.get_by_role("log").count() == 1


def in_the_log_view(message) -> dict:
    """Where a message's top is, against the log's visible area and the window."""
    return message.evaluate(
        """node => {
            const log = node.closest('.fc-log').getBoundingClientRect();
            const top = node.getBoundingClientRect().top;
            return {top, logTop: log.top, logBottom: log.bottom, viewport: window.innerHeight};
        }"""
    )


def starts_in_view(where: dict) -> bool:
    """The message's first line is inside the log's visible area, and on screen."""
    return (
        where["logTop"] - 1 <= where["top"] < where["logBottom"] - 20
        and 0 <= where["top"] < where["viewport"] - 20
    )


def test_on_a_phone_the_message_box_and_the_greeting_are_on_screen_when_it_opens(phone, web_app):
    page = open_chat(phone, web_app)
    page.get_by_role("button", name="Find support").wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-phone-open-375x740.png"))
    assert page.evaluate("window.scrollY") == 0
    for control in (page.get_by_label("Your message"), page.get_by_role("button", name="Send")):
        box = control.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    # The chat fills the window and the conversation scrolls inside it, not the page.
    assert page.evaluate("document.documentElement.scrollHeight") <= PHONE["height"]
    assert starts_in_view(in_the_log_view(page.locator(".fc-bot").first))


def test_on_a_phone_a_quick_reply_gives_the_focus_back_to_the_message_box(phone, web_app):
    page = open_chat(phone, web_app)
    page.get_by_role("button", name="Find support").tap()
    assert page.evaluate("document.activeElement.id") == "fc-input"
    # That turn's buttons are gone, so they cannot be tapped twice.
    assert page.get_by_role("button", name="The plan for young people").count() == 0
    page.get_by_text("What would you like help with?").wait_for(timeout=30_000)
    bullying = page.get_by_role("button", name="Bullying")
    assert bullying.is_enabled()
    bullying.tap()
    page.get_by_text("Who is the help for?").wait_for(timeout=30_000)
    assert page.evaluate("document.activeElement.id") == "fc-input"
    assert page.get_by_role("button", name="Bullying").count() == 0
    assert page.locator(".fc-user").all_text_contents() == [
        "You said: Find support",
        "You said: Bullying",
    ]


def find_support_services(page):
    """Tap through "Find support" to the services for bullying: a long, multi-message reply.

    The services come as soon as the need is known; "11 to 15" and "Camden" narrow
    them, each showing the list again. The last list is the one returned.
    """
    for name in ("Find support", "Bullying", "Me, I'm 11 to 15", "Camden"):
        page.get_by_role("button", name=name).tap()
    page.locator(".fc-bot").filter(has_text="Camden's plan").wait_for(timeout=60_000)
    page.get_by_role("button", name="Talk to a person").wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    return page.locator(".fc-bot").filter(has_text="Camden's plan").last


def test_on_a_phone_a_long_reply_is_shown_from_its_first_message(phone, web_app):
    page = open_chat(phone, web_app)
    first = find_support_services(page)
    log = page.get_by_role("log")
    replies = log.locator(".fc-bot").count() - first.evaluate(
        "node => [...node.parentNode.querySelectorAll('.fc-bot')].indexOf(node)"
    )
    assert replies >= 3
    # Longer than the log: shown from the start of its first message, not the bottom.
    assert log.evaluate("log => log.scrollHeight - log.scrollTop > log.clientHeight + 20")
    assert starts_in_view(in_the_log_view(first)), in_the_log_view(first)
    # Each service is one message of short lines, its number and website tappable.
    childline = log.locator(".fc-bot").filter(has_text="Childline (NSPCC)").last
    assert childline.locator("br").count() >= 2
    hrefs = childline.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert "tel:08001111" in hrefs and "https://www.childline.org.uk/" in hrefs
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-phone-services-375x740.png"))
    # A reload shows the same place, not the start of the conversation.
    page.reload()
    page.get_by_role("button", name="Talk to a person").wait_for()
    page.wait_for_timeout(500)
    assert starts_in_view(in_the_log_view(first)), in_the_log_view(first)


SERVICE_CARD = (
    "Childline: free, private help with anything that worries you\n"
    "Call 0800 1111 (free, any time)\n"
    "Text SHOUT to 85258\n"
    "Website: https://www.childline.org.uk.\n"
    "Contact: text 85258 (text SHOUT); help@nspcc.org.uk; www.nspcc.org.uk\n"
    "Open now <b>24 hours</b>"
)


def test_a_service_card_shows_its_lines_with_tappable_numbers_and_addresses(phone, web_app):
    # The card as a kept message: the widget shows it from the history, no model needed.
    kept = [{"from": "bot", "text": SERVICE_CARD}]
    phone.add_init_script(
        "if (!sessionStorage.getItem('flourish-chat-history')) {"
        f"sessionStorage.setItem('flourish-chat-history', {json.dumps(json.dumps(kept))});}}"
    )
    page = phone.new_page()
    page.goto(web_app)
    card = page.locator(".fc-bot").filter(has_text="Childline: free, private help")
    card.wait_for()
    assert card.locator("br").count() == 5
    lines = card.inner_text().split("\n")
    assert lines[-6:] == SERVICE_CARD.split("\n")
    links = card.locator("a").evaluate_all(
        "links => links.map(a => [a.textContent, a.getAttribute('href')])"
    )
    assert links == [
        ["0800 1111", "tel:08001111"],
        ["Text SHOUT to 85258", "sms:85258?&body=SHOUT"],
        ["https://www.childline.org.uk", "https://www.childline.org.uk"],
        ["text 85258", "sms:85258"],
        ["help@nspcc.org.uk", "mailto:help@nspcc.org.uk"],
        ["www.nspcc.org.uk", "https://www.nspcc.org.uk"],
    ]
    # Text nodes only: markup in a message stays text.
    assert card.locator("b").count() == 0
    # Only the kept message: opening the chat with a history sends no greeting.
    page.wait_for_timeout(1000)
    assert page.locator(".fc-msg").count() == 1
