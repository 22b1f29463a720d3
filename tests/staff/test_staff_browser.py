"""The staff pages in a real browser (Debian's chromium, driven by Playwright).

The whole stack runs: the web app (chat page, widget and staff pages) as its own
process, a real ``rasa run`` with the trained model, and the action server, all on
the session's feedback database. The staff account is made with the real
``python -m bot staff add-user`` command.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from bot import PROJECT_ROOT, settings
from tests.chatting import TEST_SALT
from tests.plugins.browser import ARTIFACTS, local_only, run_axe

pytestmark = [pytest.mark.model, pytest.mark.browser]

PASSWORD = "a long enough passphrase"
GREETING = "I'm a chatbot for young people and families"
WAIT = 30_000


@pytest.fixture(scope="module")
def staff_email(feedback_db_url) -> str:
    email = f"browser-{uuid.uuid4().hex[:8]}@example.org"
    env = settings.process_environment(
        {"DATABASE_URL": feedback_db_url, "FEEDBACK_HASH_SALT": TEST_SALT}
    )
    made = subprocess.run(
        [sys.executable, "-m", "bot", "staff", "add-user", email, "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=PROJECT_ROOT, env=env,
        timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return email


def signed_in_page(context, web_app, email):
    page = context.new_page()
    page.goto(f"{web_app}/staff")
    page.get_by_role("heading", name="Sign in").wait_for()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Overview").wait_for()
    return page


def reply(page, name: str, then: str) -> None:
    """Tap a quick reply in the widget and wait for the next question."""
    page.get_by_role("button", name=name).click()
    page.get_by_role("log").get_by_text(then).last.wait_for(timeout=WAIT)


def test_staff_pages_send_a_browser_to_sign_in_first(context, web_app):
    page = context.new_page()
    page.goto(f"{web_app}/staff/feedback?impact=learning")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert "/staff/sign-in?next=" in page.url
    assert "nobody" not in page.content()
    assert context.outside_requests == []


def test_feedback_to_dashboard_to_we_did_in_a_later_conversation(
    browser, web_app, staff_email
):
    """The issue's whole loop, as the people would do it."""
    marker = uuid.uuid4().hex[:8]
    attack = f"<script>alert('staff {marker}')</script><img src=x onerror=alert(2)>"
    said = f"the youth club never listens to what we want {marker} {attack}"

    # A young person gives feedback in the widget.
    young = local_only(browser.new_context())
    page = young.new_page()
    page.goto(web_app)
    page.get_by_role("log").get_by_text(GREETING).wait_for(timeout=WAIT)
    reply(page, "Tell us how understood you feel", "Tell me in your own words")
    page.get_by_label("Your message").fill(said)
    page.keyboard.press("Enter")
    page.get_by_role("log").get_by_text("Thanks for telling me").wait_for(timeout=WAIT)
    reply(page, "Being listened to", "How understood do you feel")
    reply(page, "2", "How old are you")
    reply(page, "11 to 15", "Where do you live")
    reply(page, "Camden", "Can we save it")
    reply(page, "Yes, save it", "is saved")
    young.close()

    # A member of staff finds it, reviews it, exports it and says what was done.
    # CSP is bypassed here, so only the escaping stands between the text and a script.
    staff = local_only(browser.new_context(bypass_csp=True, accept_downloads=True))
    page = signed_in_page(staff, web_app, staff_email)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("link", name="Feedback", exact=True).click()
    page.get_by_label("Impact").select_option("understood")
    page.get_by_label("Area").select_option("camden")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row").filter(has_text=marker).first
    row.wait_for()
    assert attack in row.inner_text()  # shown as text
    row.get_by_role("link").first.click()
    page.get_by_role("heading", name="What they said").wait_for()
    assert attack in page.locator("blockquote.said").inner_text()
    assert page.locator("main script, main img").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-feedback-detail.png"), full_page=True)
    page.get_by_role("button", name="Mark as reviewed").click()
    page.get_by_role("status").get_by_text("Marked as reviewed.").wait_for()
    page.get_by_label("Add a note").fill(f"Raised with the youth service {marker}")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text(f"Raised with the youth service {marker}").wait_for()

    page.get_by_role("link", name="Feedback", exact=True).click()
    page.get_by_label("Impact").select_option("understood")
    page.get_by_role("button", name="Filter").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these as CSV").click()
    exported = download.value.path().read_bytes().decode("utf-8-sig")
    assert exported.startswith("id,created_at,area,impact,")
    assert marker in exported and "understood" in exported and "reviewed" in exported

    we_did = f"Youth workers now ask you first {marker}"
    page.get_by_role("link", name="You said, we did").click()
    page.get_by_label("Impact").select_option("understood")
    page.get_by_label("Area").select_option("camden")
    page.get_by_label("You said", exact=True).fill("The youth club doesn't listen")
    page.get_by_label("We did", exact=True).fill(we_did)
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Check before publishing").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("status").get_by_text("Published").wait_for()
    assert dialogs == []
    assert staff.outside_requests == []
    staff.close()

    # Later, in a new conversation, a young person asks what happened.
    later = local_only(browser.new_context())
    page = later.new_page()
    page.goto(web_app)
    page.get_by_role("log").get_by_text(GREETING).wait_for(timeout=WAIT)
    page.get_by_label("Your message").fill("what happened to my feedback?")
    page.keyboard.press("Enter")
    page.get_by_role("log").get_by_text(f"We did: {we_did}").wait_for(timeout=WAIT)
    later.close()


def test_axe_finds_no_wcag22_aa_violations_on_the_staff_pages(browser, web_app, staff_email):
    context = browser.new_context(bypass_csp=True)  # so axe can be injected
    try:
        page = signed_in_page(context, web_app, staff_email)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "staff-overview.png"), full_page=True)
        results = {}
        for path in ("/staff", "/staff/feedback", "/staff/we-did", "/staff/audit"):
            page.goto(f"{web_app}{path}")
            result = run_axe(page)
            results[path] = [
                {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                for v in result["violations"]
            ]
        assert all(v == [] for v in results.values()), json.dumps(results, indent=2)
    finally:
        context.close()


def test_staff_pages_fit_a_small_screen(browser, web_app, staff_email):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = signed_in_page(context, web_app, staff_email)
        for path in ("/staff", "/staff/we-did"):
            page.goto(f"{web_app}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    finally:
        context.close()
