"""Fixtures for the web app and a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from bot import PROJECT_ROOT, settings
from tests.chatting import TEST_SALT
from tests.processes import running_server

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
# A real Fernet key for tests only; production sets STAFF_SESSION_KEY or keeps one in var/.
TEST_SESSION_KEY = "aB3xZ8q0Rk7wYdJ2cV5nP9sL1mT4uH6gE0fQ8iO2bWk="


@pytest.fixture(scope="session")
def web_app(
    rasa_server: str, web_port: int, feedback_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``python -m bot.web`` as a real process: chat page, widget and staff pages.

    It shares the session's feedback database with the action server, so what a
    young person saves in the widget is what staff see.
    """
    port = web_port
    log = tmp_path_factory.mktemp("web") / "web.log"
    env = settings.process_environment(
        {
            **os.environ,
            "WEB_PORT": str(port),
            "RASA_URL": rasa_server,
            # A neutral local page, so the test makes no request off this machine.
            "QUICK_EXIT_URL": f"http://127.0.0.1:{port}/health",
            "DATABASE_URL": feedback_db_url,
            "FEEDBACK_HASH_SALT": TEST_SALT,
            "STAFF_SESSION_KEY": TEST_SESSION_KEY,
        }
    )
    url = f"http://127.0.0.1:{port}"
    with running_server([sys.executable, "-m", "bot.web"], env, f"{url}/health", log, 60):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
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


def run_axe(page: Any) -> dict:
    """axe-core's WCAG 2.2 AA run (plus target-size) on the page; the page needs bypass_csp."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag',
                      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
            rules: {'target-size': {enabled: true}}
        })"""
    )


def local_only(context: Any) -> Any:
    """Record and refuse any request leaving this machine."""
    from urllib.parse import urlsplit

    context.outside_requests = []

    def guard(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            context.outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile that records any request leaving this machine."""
    context = local_only(browser.new_context())
    yield context
    context.close()


def reply(page: Any, name: str, then: str, wait: int = 30_000) -> None:
    """Tap a quick reply in the widget and wait for the next question."""
    page.get_by_role("button", name=name).click()
    page.get_by_role("log").get_by_text(then).last.wait_for(timeout=wait)


def give_feedback_in_widget(page: Any, said: str, wait: int = 30_000) -> None:
    """A young person's feedback about being listened to, from the menu to "saved"."""
    reply(page, "Tell us how understood you feel", "Tell me in your own words", wait)
    page.get_by_label("Your message").fill(said)
    page.keyboard.press("Enter")
    page.get_by_role("log").get_by_text("Thanks for telling me").wait_for(timeout=wait)
    reply(page, "Being listened to", "How understood do you feel", wait)
    reply(page, "2", "How old are you", wait)
    reply(page, "11 to 15", "Where do you live", wait)
    reply(page, "Camden", "Can we save it", wait)
    reply(page, "Yes, save it", "is saved", wait)
