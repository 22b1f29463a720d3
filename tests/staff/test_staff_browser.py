"""The staff pages in a real browser (Debian's chromium, driven by Playwright).

The whole stack runs: the web app (chat page, widget and staff pages) as its own
process, a real ``rasa run`` with the trained model, and the action server, all on
the session's feedback database. The staff account is made with the real
``python -m bot staff add-user`` command.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
import uuid

import pytest
import requests

from bot import PROJECT_ROOT, settings
from bot.feedback.store import FeedbackFilter, FeedbackStore
from tests.bad_input import FORMULA_FEEDBACK, FORMULA_STARTS, HOSTILE_FEEDBACK
from tests.chatting import TEST_SALT
from tests.feedback_samples import save, unique_marker
from tests.plugins.browser import ARTIFACTS, give_feedback_in_widget, local_only, run_axe

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


def test_staff_pages_send_a_browser_to_sign_in_first(context, web_app):
    page = context.new_page()
    page.goto(f"{web_app}/staff/feedback?impact=learning")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert "/staff/sign-in?next=" in page.url
    assert "nobody" not in page.content()
    assert context.outside_requests == []


def test_feedback_to_dashboard_to_we_did_in_a_later_conversation(browser, web_app, staff_email):
    """The issue's whole loop, as the people would do it."""
    marker = unique_marker()
    attack = f"<script>alert('staff {marker}')</script><img src=x onerror=alert(2)>"
    said = f"the youth club never listens to what we want {marker} {attack}"

    # A young person gives feedback in the widget.
    young = local_only(browser.new_context())
    page = young.new_page()
    page.goto(web_app)
    page.get_by_role("log").get_by_text(GREETING).wait_for(timeout=WAIT)
    give_feedback_in_widget(page, said)
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


def axe_violations(page) -> list[dict]:
    """axe's WCAG 2.2 AA findings on the page as it is now, short enough to read in a failure."""
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in run_axe(page)["violations"]
    ]


def test_a_staff_journey_at_1280x800(browser, web_app, staff_email, feedback_db_url):
    """Sign in, overview, filter, open a record by its row, act, write, preview, publish, CSV.

    Every page on the way is checked with axe (WCAG 2.2 AA, zero violations) and kept
    as a screenshot in test_artifacts/.
    """
    marker = unique_marker()
    store = FeedbackStore(feedback_db_url, TEST_SALT.encode())
    record = save(store, impact="understood", area="camden", age_band="11-15", rating=2,
                  text=f"the youth club never asks what we want {marker}")  # fmt: skip
    save(store, impact="understood", area="camden", age_band="16-18",
         text=f"older ones get asked but not us {marker}")  # fmt: skip
    store.dispose()
    ARTIFACTS.mkdir(exist_ok=True)
    context = local_only(
        browser.new_context(
            viewport={"width": 1280, "height": 800}, bypass_csp=True, accept_downloads=True
        )
    )
    found: dict[str, list] = {}
    dialogs: list[str] = []

    def check(page, name: str) -> None:
        found[name] = axe_violations(page)
        page.screenshot(path=str(ARTIFACTS / f"staff-journey-{name}.png"), full_page=True)

    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{web_app}/staff")
        page.get_by_role("heading", name="Sign in").wait_for()
        check(page, "sign-in")
        page.get_by_label("Email address").fill(staff_email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        # The overview groups by impact, naming each both ways.
        page.get_by_role("heading", name="Overview").wait_for()
        understood = page.get_by_role("row").filter(
            has=page.get_by_role("link", name="Understood", exact=True)
        )
        assert "young people see: “Being listened to”" in understood.inner_text()
        check(page, "overview")

        # Filter the list down to the record: impact, area and age.
        page.get_by_role("link", name="Feedback", exact=True).click()
        impact_filter = page.get_by_label("Impact")
        assert "Understood — young people see: “Being listened to”" in impact_filter.inner_text()
        impact_filter.select_option("understood")
        page.get_by_label("Area").select_option("camden")
        page.get_by_label("Age", exact=True).select_option("11-15")
        page.get_by_role("button", name="Filter").click()
        row = page.get_by_role("row").filter(has_text=marker)
        row.first.wait_for()
        assert row.count() == 1  # the 16-18 one is filtered out
        cells = row.get_by_role("cell")
        headers = page.get_by_role("columnheader").all_inner_texts()
        assert cells.nth(headers.index("Age")).inner_text() == "11 to 15"
        assert row.get_by_role("link").count() == 1  # one real link, in the first cell
        assert cells.first.get_by_role("link").count() == 1
        check(page, "feedback-list")

        # Click the row away from the timestamp link: "What they said" opens the record.
        row.scroll_into_view_if_needed()
        said = cells.nth(headers.index("What they said")).bounding_box()
        link = cells.first.get_by_role("link").bounding_box()
        x, y = said["x"] + said["width"] / 2, said["y"] + said["height"] / 2
        assert x > link["x"] + link["width"]  # nowhere near the link itself
        age = page.get_by_role("columnheader", name="Age").last.bounding_box()
        on = "([x, y]) => document.elementFromPoint(x, y).tagName"
        assert page.evaluate(on, [age["x"] + 5, age["y"] + 5]) == "TH"  # stays in its own row
        page.mouse.click(x, y)
        page.get_by_role("heading", name="What they said").wait_for()
        assert page.url.endswith(f"/staff/feedback/{record}")
        check(page, "record")

        # Act on it: mark it reviewed and add a note.
        page.get_by_role("button", name="Mark as reviewed").click()
        page.get_by_role("status").get_by_text("Marked as reviewed.").wait_for()
        page.get_by_label("Add a note").fill(f"Raised with the youth service {marker}")
        page.get_by_role("button", name="Add note").click()
        page.get_by_text(f"Raised with the youth service {marker}").wait_for()
        check(page, "record-after-review")

        # Write "we did", see the young people's words in the preview, then publish.
        we_did = f"Youth workers now ask you first {marker}"
        page.get_by_role("link", name="You said, we did").click()
        page.get_by_role("heading", name="You said, we did").wait_for()
        check(page, "we-did-form")
        choice = page.get_by_label("Impact")
        assert "Understood — young people see: “Being listened to”" in choice.inner_text()
        choice.select_option("understood")
        page.get_by_label("Area").select_option("camden")
        page.get_by_label("You said", exact=True).fill("The youth club doesn't ask us")
        page.get_by_label("We did", exact=True).fill(we_did)
        page.get_by_role("button", name="Preview").click()
        page.get_by_role("heading", name="Check before publishing").wait_for()
        heard = page.locator("blockquote.assistant-says").all_inner_texts()
        assert heard[0].startswith(
            "Here's what staff did after young people told them about being listened to. "
            f"You said: The youth club doesn't ask us. We did: {we_did} ("
        )
        assert heard[-1].startswith("Being listened to (Camden). You said:")
        assert not any("Understood" in text for text in heard)  # staff's name is not said
        assert page.get_by_role("button", name="Edit").is_visible()
        check(page, "we-did-preview")
        page.get_by_role("button", name="Publish").click()
        page.get_by_role("status").get_by_text("Published. Young people will hear it").wait_for()
        published = page.get_by_role("row").filter(has_text=we_did)
        assert "young people see: “Being listened to”" in published.inner_text()
        check(page, "we-did-published")

        # Download the filtered list: the impact's name sits beside its slug.
        page.get_by_role("link", name="Feedback", exact=True).click()
        page.get_by_label("Impact").select_option("understood")
        page.get_by_role("button", name="Filter").click()
        page.get_by_role("row").filter(has_text=marker).first.wait_for()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download these as CSV").click()
        exported = download.value.path().read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(exported)))
        header = list(rows[0])
        assert header.index("impact_name") == header.index("impact") + 1
        mine = [r for r in rows if r["id"] == record]
        assert len(mine) == 1 and (mine[0]["impact"], mine[0]["impact_name"]) == (
            "understood", "Understood")  # fmt: skip
        assert mine[0]["review_status"] == "reviewed"
    finally:
        context.close()
    assert dialogs == [] and context.outside_requests == []
    assert all(v == [] for v in found.values()), json.dumps(found, indent=2)


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


# Hostile feedback, saved through the chat, opened by staff ---------------------------------

# The widget's journey to "saved", as the requests it sends to POST /chat (None: the
# feedback itself). "Being myself" is an impact no other browser test saves, so the
# list can be filtered down to this test's records.
SAVE_THROUGH_THE_CHAT = [
    "/give_feedback", None, '/inform{"choice": "individual"}', "/skip", "/skip", "/skip", "/affirm",
]  # fmt: skip
# Anything a page could run, or that the text could have become: none of it may exist.
INJECTED = """(marker) => {
    const found = [];
    const active = 'script, iframe, frame, object, embed, base, style, meta[http-equiv]';
    for (const element of document.querySelectorAll(active)) {
        found.push(element.outerHTML.slice(0, 80));
    }
    for (const element of document.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
            const value = attribute.value.trim().toLowerCase();
            if (attribute.name.startsWith('on') || attribute.name === 'srcdoc'
                    || value.startsWith('javascript:') || attribute.value.includes(marker)) {
                found.push(`${element.tagName} ${attribute.name}="${value.slice(0, 60)}"`);
            }
        }
    }
    return found;
}"""


def save_through_the_chat(web_app: str, text: str) -> None:
    """One young person's feedback, ``text``, through the gateway the widget uses."""
    session = uuid.uuid4().hex
    for message in SAVE_THROUGH_THE_CHAT:
        for _ in range(3):  # a 429 (messages too fast) is waited out, as a person would
            answer = requests.post(
                f"{web_app}/chat",
                json={"session_id": session, "message": message or text},
                timeout=60,
            )
            if answer.status_code != 429:
                break
            time.sleep(min(int(answer.headers.get("Retry-After", "2")), 10))
        assert answer.status_code == 200, (message, answer.status_code, answer.text[:200])
    assert "is saved" in json.dumps(answer.json()), answer.text[:300]


def shown(text: str) -> str:
    """``text`` as a page shows it: NULs dropped (HTML parsing drops them), spaces collapsed."""
    return " ".join(text.replace("\x00", "").split())


def test_hostile_feedback_from_the_chat_runs_nothing_in_the_staff_pages(
    browser, web_app, staff_email, feedback_db_url
):
    """Markup a young person types is shown to staff as text on every page; CSV cells are inert.

    The feedback goes the real way: the gateway, Rasa, the action server, the
    database. The staff browser bypasses the pages' CSP, so only the escaping stands
    between the text and a script: no dialog may open, and no element or attribute
    the text could have become may exist. Cells a spreadsheet would run as a formula
    (=, +, -, @, tab) get an apostrophe in front in the export (bot/feedback/export.py).
    """
    marker = unique_marker(10)  # letters: an all-digit marker left "\t=1+1 {m}" no words to save
    cases = {**HOSTILE_FEEDBACK, **FORMULA_FEEDBACK}
    for text in cases.values():
        save_through_the_chat(web_app, text.replace("{m}", marker))
    store = FeedbackStore(feedback_db_url, TEST_SALT.encode())
    try:
        saved = {
            row.id: row.text
            for row in store.find(FeedbackFilter(impacts=("individual",)))
            if marker in (row.text or "")
        }
    finally:
        store.dispose()
    assert len(saved) == len(cases), sorted(saved.values())

    context = local_only(browser.new_context(bypass_csp=True))
    injected: dict[str, list[str]] = {}
    dialogs: list[str] = []
    try:
        page = signed_in_page(context, web_app, staff_email)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

        def visit(path: str) -> None:
            page.goto(f"{web_app}{path}")
            page.get_by_role("heading", level=1).first.wait_for()
            injected[path] = page.evaluate(INJECTED, marker)

        visit("/staff/feedback?impact=individual")
        assert page.get_by_role("row").filter(has_text=marker).count() >= len(cases)
        for record, text in saved.items():
            visit(f"/staff/feedback/{record}")
            said = page.locator("blockquote.said")
            assert said.count() == 1, record  # "</blockquote>" in the text closed nothing
            assert shown(said.inner_text()) == shown(text)
        for path in ("/staff?from=2000-01-01", "/staff/audit", "/staff/we-did"):
            visit(path)
        page.wait_for_timeout(500)  # an onerror would have fired by now

        exported = context.request.get(f"{web_app}/staff/export.csv?impact=individual")
        assert exported.ok
        rows = list(csv.DictReader(io.StringIO(exported.body().decode("utf-8-sig"))))
    finally:
        context.close()
    assert dialogs == []
    assert {path: found for path, found in injected.items() if found} == {}
    assert context.outside_requests == []
    mine = [row for row in rows if row["id"] in saved]
    assert len(mine) == len(cases)
    formulas = [
        f"{row['id']} {name}: {value!r}"
        for row in mine
        for name, value in row.items()
        if value and value.startswith(FORMULA_STARTS)
    ]
    assert formulas == []
    for row in mine:  # the text itself is all there, after the apostrophe
        text = saved[row["id"]]
        assert row["text"] == ("'" + text if text.startswith(FORMULA_STARTS) else text)
