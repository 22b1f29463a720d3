"""The chat widget in a real browser (Debian's chromium, driven by Playwright).

The whole stack runs: this web app, a real ``rasa run`` with the trained model,
and the action server. Playwright's sync API cannot run inside an asyncio loop,
so browser tests live in this module only.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot import PROJECT_ROOT, settings
from tests.conftest import running_server

pytestmark = [pytest.mark.model, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test_artifacts"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GREETING = "I'm a chatbot for young people and families"


@pytest.fixture(scope="module")
def web_app(rasa_server, web_port, tmp_path_factory):
    port = web_port
    log = tmp_path_factory.mktemp("web") / "web.log"
    env = settings.process_environment(
        {
            **os.environ,
            "WEB_PORT": str(port),
            "RASA_PUBLIC_URL": rasa_server,
            # A neutral local page, so the test makes no request off this machine.
            "QUICK_EXIT_URL": f"http://127.0.0.1:{port}/health",
        }
    )
    url = f"http://127.0.0.1:{port}"
    with running_server([sys.executable, "-m", "bot.web"], env, f"{url}/health", log, 60):
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Debian's chromium is not installed at {CHROMIUM}. Install it with "
            "'apt-get install chromium' (.ci/run does); tests never download a browser."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile that records any request leaving this machine."""
    context = browser.new_context()
    context.outside_requests = []

    def guard(route):
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            context.outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    yield context
    context.close()


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


def test_axe_finds_no_wcag22_aa_violations(browser, web_app):
    context = browser.new_context(bypass_csp=True)  # so axe can be injected
    try:
        page = open_chat(context, web_app)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            """() => axe.run(document, {
                runOnly: {type: 'tag',
                          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
                rules: {'target-size': {enabled: true}}
            })"""
        )
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


def test_the_widget_embeds_in_another_page_with_one_script_tag(context, web_app, rasa_server):
    page = context.new_page()
    page.goto(f"{web_app}/health")  # any other page of this machine
    page.set_content(
        "<!doctype html><html lang='en'><head><title>Council site</title></head><body>"
        "<h1>Our council</h1>"
        f"<script src='{web_app}/widget.js' data-server-url='{rasa_server}' "
        "data-title='Ask us' data-area='norfolk'></script></body></html>"
    )
    page.get_by_role("heading", name="Ask us").wait_for()
    page.get_by_role("log").get_by_text(GREETING).wait_for(timeout=30_000)
