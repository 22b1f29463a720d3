"""The staff pages over real HTTP: sign-in, CSRF, lock-out, filters, exports, escaping.

The web app runs in-process on a real port (``tests/staff/staff_web.py``) against a real
migrated database, SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import uuid
from datetime import date, datetime, timezone

import pytest
import requests
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp_session import Session
from sqlalchemy import select, update

from bot.feedback.records import Feedback
from bot.feedback.store import FeedbackStore
from bot.staff.accounts import StaffAccounts
from bot.staff.records import AuditEvent
from bot.web.app import make_app
from bot.web.staff.sessions import COOKIE_NAME, PUBLIC, StaffCookieStorage
from tests.feedback_samples import save
from tests.plugins.browser import TEST_SESSION_KEY
from tests.processes import free_port
from tests.staff.staff_web import (
    PASSWORD,
    csrf_from,
    sign_in,
    staff_env,
    staff_server,
)


@pytest.fixture
def store(database_url):
    store = FeedbackStore(database_url, b"test-salt")
    StaffAccounts(store.sessions).add_user("sam@example.org", PASSWORD)
    yield store
    store.dispose()


@pytest.fixture
def site(store, database_url):
    with staff_server(staff_env(database_url)) as url:
        yield url


@pytest.fixture
def staff(site):
    browser, answer = sign_in(site)
    assert answer.status_code == 303, answer.text
    return browser


def audit_actions(store: FeedbackStore) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# Nothing without signing in ------------------------------------------------------------


def test_every_staff_route_needs_a_session(site, store, database_url):
    """Walk the app's own routes: each answers 401 (API) or redirects to sign-in."""
    record = save(store)
    routes = [
        (route.method, route.resource.canonical)
        for route in make_app(staff_env(database_url)).router.routes()
        if route.resource is not None and route.resource.canonical.startswith("/staff")
    ]
    assert len(routes) >= 20  # GET, HEAD and POST of every staff page
    walked = 0
    for method, path in routes:
        if path in PUBLIC:
            continue
        url = site + path.format(feedback_id=record, update_id="1")
        answer = requests.request(method, url, allow_redirects=False, data={"x": "y"})
        if path.startswith("/staff/api/"):
            assert answer.status_code == 401, (method, path)
        else:
            assert answer.status_code == 303, (method, path, answer.status_code)
            assert answer.headers["Location"].startswith("/staff/sign-in"), (method, path)
        walked += 1
    assert walked >= 18
    for path in ("/staff/no-such-page", "/staff/", "/staff/feedback/x/y/z"):
        assert requests.get(site + path, allow_redirects=False).status_code == 303
    assert store.find()[0].review_status == "new"


def test_forged_or_foreign_cookies_are_refused(site):
    from cryptography.fernet import Fernet

    foreign = Fernet(Fernet.generate_key()).encrypt(
        json.dumps({"session": {"staff": "sam@example.org", "since": 9e9}}).encode()
    )
    for value in ("nonsense", foreign.decode()):
        answer = requests.get(f"{site}/staff", cookies={COOKIE_NAME: value}, allow_redirects=False)
        assert answer.status_code == 303


def test_the_sign_in_page_says_nothing_about_the_feedback(site):
    page = requests.get(f"{site}/staff/sign-in")
    assert page.status_code == 200 and "Sign in" in page.text
    assert "nobody" not in page.text


# Signing in -----------------------------------------------------------------------------


def test_signing_in_gives_a_new_hardened_session_cookie(site):
    browser = requests.Session()
    form = browser.get(f"{site}/staff/sign-in")
    before = browser.cookies.get(COOKIE_NAME)
    answer = browser.post(
        f"{site}/staff/sign-in",
        data={"csrf_token": csrf_from(form), "email": "Sam@Example.org", "password": PASSWORD},
        allow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["Location"] == "/staff"
    header = answer.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/staff" in header
    assert "Secure" not in header  # plain HTTP here; see the HTTPS test
    assert browser.cookies.get(COOKIE_NAME) != before  # no session fixation
    assert browser.get(f"{site}/staff").status_code == 200


@pytest.mark.parametrize(
    "always, scheme, secure", [(False, "https", True), (True, "http", True), (False, "http", False)]
)
def test_the_cookie_is_secure_over_https(always, scheme, secure):
    """Secure whenever the request came over HTTPS, or always when configured."""
    storage = StaffCookieStorage(TEST_SESSION_KEY.encode(), 1800, always)

    async def save_one() -> web.Response:
        request = make_mocked_request("GET", "/staff").clone(scheme=scheme)
        response = web.Response()
        session = Session("x", data={"session": {"staff": "sam@example.org"}}, new=True)
        await storage.save_session(request, response, session)
        return response

    response = asyncio.run(save_one())
    assert bool(response.cookies[COOKIE_NAME]["secure"]) is secure
    assert response.cookies[COOKIE_NAME]["httponly"] and response.cookies[COOKIE_NAME]["path"]


def test_a_wrong_password_gets_one_plain_answer(site):
    for email, password in [("sam@example.org", "wrong password"), ("who@example.org", PASSWORD),
                            ("", ""), ("' OR 1=1 --", "' OR 1=1 --")]:  # fmt: skip
        _, answer = sign_in(site, email, password)
        assert answer.status_code == 401
        assert "The email or password is not right" in answer.text


def test_repeated_failures_lock_the_account(site, store):
    answers = [sign_in(site, password="wrong password")[1] for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert "locked until" in answers[-1].text
    _, right = sign_in(site)
    assert right.status_code == 429  # even the right password waits
    assert "account-locked" in audit_actions(store)


def test_sign_in_needs_the_forms_csrf_token(site):
    browser = requests.Session()
    browser.get(f"{site}/staff/sign-in")
    data = {"email": "sam@example.org", "password": PASSWORD}
    assert browser.post(f"{site}/staff/sign-in", data=data).status_code == 403
    other = requests.Session()
    token = csrf_from(other.get(f"{site}/staff/sign-in"))
    answer = browser.post(f"{site}/staff/sign-in", data={**data, "csrf_token": token})
    assert answer.status_code == 403


def test_next_never_leads_off_the_site(site):
    for target in ("https://evil.example/", "//evil.example/staff", "/\\evil.example", "/other"):
        browser = requests.Session()
        form = browser.get(f"{site}/staff/sign-in", params={"next": target})
        answer = browser.post(
            f"{site}/staff/sign-in",
            data={
                "csrf_token": csrf_from(form),
                "email": "sam@example.org",
                "password": PASSWORD,
                "next": target,
            },  # fmt: skip
            allow_redirects=False,
        )
        assert answer.headers["Location"] == "/staff", target


def test_signing_out_ends_the_session_even_for_a_copied_cookie(staff, site):
    copied = staff.cookies.get(COOKIE_NAME)
    token = csrf_from(staff.get(f"{site}/staff"))
    out = staff.post(f"{site}/staff/sign-out", data={"csrf_token": token})
    assert "You have signed out" in out.text
    answer = requests.get(f"{site}/staff", cookies={COOKIE_NAME: copied}, allow_redirects=False)
    assert answer.status_code == 303


def test_a_disabled_account_loses_access_at_once(staff, site, store):
    StaffAccounts(store.sessions).set_active("sam@example.org", False)
    assert staff.get(f"{site}/staff", allow_redirects=False).status_code == 303


# CSRF on every form ----------------------------------------------------------------------


def test_changes_without_the_sessions_csrf_token_are_refused(staff, site, store):
    record = save(store)
    url = f"{site}/staff/feedback/{record}/review"
    assert staff.post(url, data={"reviewed": "yes"}).status_code == 403
    assert staff.post(url, data={"reviewed": "yes", "csrf_token": "guess"}).status_code == 403
    token = csrf_from(staff.get(f"{site}/staff/feedback/{record}"))
    assert staff.post(url, json={"reviewed": "yes", "csrf_token": token}).status_code == 403
    assert store.find()[0].review_status == "new"
    assert staff.post(url, data={"reviewed": "yes", "csrf_token": token}).status_code == 200
    assert store.find()[0].review_status == "reviewed"


# Overview, list, detail -----------------------------------------------------------------


def test_the_overview_counts_by_impact_with_a_chart_and_a_trend(staff, site, store):
    save(store, impact="learning", rating=4)
    save(store, impact="learning", rating=2, area="norfolk")
    save(store, impact="healthy", rating=None)
    page = staff.get(f"{site}/staff")
    assert page.status_code == 200
    assert page.text.count("<svg") == 2 and "Feedback per Flourish impact" in page.text
    learning = '>Learning</a><br><span class="meta">young people see: “School and learning”</span>'
    row = re.search(learning + r"</th>\s*<td class=\"num\">(\d+)</td>\s*<td[^>]*>([^<]+)<",
                    page.text)  # fmt: skip
    assert row and row.groups() == ("2", "3.0")
    assert not re.search(r'(src|href)="(https?:)?//', page.text)  # nothing from elsewhere
    camden = staff.get(f"{site}/staff", params={"area": "camden"}).text
    assert re.search(learning + r"</th>\s*<td class=\"num\">1</td>", camden)
    odd = staff.get(f"{site}/staff", params={"from": "yesterday", "area": "mars"})
    assert odd.status_code == 200
    assert "is not a date" in odd.text and "is not a known area" in odd.text


def test_the_list_filters_pages_and_puts_the_safeguarding_queue_first(staff, site, store):
    for _ in range(27):
        save(store, impact="learning")
    flagged = save(store, impact="healthy", safeguarding_flag=True, text="flagged words here")
    first = staff.get(f"{site}/staff/feedback").text
    assert first.index("Safeguarding queue: 1 flagged") < first.index("28 matching")
    assert first.index(flagged) < first.index("28 matching")
    assert "Page 1 of 2" in first and "Next page" in first
    second = staff.get(f"{site}/staff/feedback", params={"page": "2"}).text
    assert "Page 2 of 2" in second and "Safeguarding queue" not in second
    healthy = staff.get(f"{site}/staff/feedback", params={"impact": "healthy"}).text
    assert "1 matching" in healthy
    for params in ({"page": "-3"}, {"page": "9" * 40}, {"rating": "1; DROP TABLE feedback"}):
        assert staff.get(f"{site}/staff/feedback", params=params).status_code == 200
    assert store.count() == 28
    assert "viewed-flagged" in audit_actions(store)


def test_each_row_has_one_real_link_to_its_record_in_its_first_cell(staff, site, store):
    """The link keyboard and screen-reader users need; the stylesheet stretches it over the row."""
    records = {save(store), save(store, safeguarding_flag=True)}
    page = staff.get(f"{site}/staff/feedback").text
    assert '<table class="feedback">' in page
    bodies = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)
    rows = [row for body in bodies for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert len(rows) == 3  # the flagged record is in the queue and in the list
    linked = set()
    for row in rows:
        links = re.findall(r'<a href="([^"]+)"', row)
        first_cell = re.match(r"\s*<td>(.*?)</td>", row, re.S).group(1)
        assert len(links) == 1 and links[0] in first_cell, row
        linked.add(links[0].removeprefix("/staff/feedback/"))
    assert linked == records


def test_the_list_has_an_age_column_with_each_bands_label(staff, site, store):
    """Age can be filtered, so it is shown too: the band's label, not its code."""
    teen = save(store, age_band="11-15")
    carer = save(store, age_band="parent-carer")
    unknown = save(store, age_band=None)
    page = staff.get(f"{site}/staff/feedback").text
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", page, re.S).group(1)
    columns = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', header)
    assert columns.index("Age") == columns.index("Rating") + 1

    def age_cell(record: str) -> str:
        row = re.search(rf"<tr>\s*<td><a href=\"/staff/feedback/{record}\">.*?</tr>", page, re.S)
        return re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)[columns.index("Age")]

    assert age_cell(teen) == "11 to 15"
    assert age_cell(carer) == "Parent or carer"
    assert age_cell(unknown) == ""
    detail = staff.get(f"{site}/staff/feedback/{carer}").text
    assert "<dt>Age</dt><dd>Parent or carer</dd>" in detail


def test_impacts_are_shown_with_young_peoples_words_where_staff_pick_or_group(staff, site, store):
    """Staff pick "Understood"; young people tap "Being listened to": both are shown."""
    record = save(store, impact="understood")
    both = "Understood — young people see: “Being listened to”"
    option = f'<option value="understood">{both}</option>'
    assert option in staff.get(f"{site}/staff/we-did").text
    assert option in staff.get(f"{site}/staff/feedback").text  # the impact filter
    assert f'<option value="understood" selected>{both}</option>' in staff.get(
        f"{site}/staff/feedback/{record}").text  # fmt: skip
    overview = staff.get(f"{site}/staff").text
    assert re.search(r">Understood</a><br><span class=\"meta\">young people see: "
                     r"“Being listened to”</span></th>", overview)  # fmt: skip


def test_marking_reviewed_noting_and_correcting_the_impact(staff, site, store):
    record = save(store, impact="learning")
    detail = f"{site}/staff/feedback/{record}"
    token = csrf_from(staff.get(detail))
    staff.post(f"{detail}/review", data={"csrf_token": token, "reviewed": "yes"})
    staff.post(f"{detail}/notes", data={"csrf_token": token, "note": "Passed to the school"})
    page = staff.post(f"{detail}/impact", data={"csrf_token": token, "impact": "understood"})
    assert "Reviewed by sam@example.org" in page.text
    assert "Passed to the school" in page.text
    assert "the young person chose Learning" in page.text
    bad = staff.post(f"{detail}/impact", data={"csrf_token": token, "impact": "nope"})
    assert "Not changed" in bad.text
    long = staff.post(f"{detail}/notes", data={"csrf_token": token, "note": "x" * 2001})
    assert "Not added" in long.text
    huge = staff.post(f"{detail}/notes", data={"csrf_token": token, "note": "x" * 100_000})
    assert huge.status_code == 413
    missing = staff.get(f"{site}/staff/feedback/{uuid.uuid4()}")
    assert missing.status_code == 404 and "No such feedback" in missing.text


def test_stored_text_is_always_shown_escaped(staff, site, store):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    record = save(store, text=f"school {attack}")
    token = csrf_from(staff.get(f"{site}/staff/feedback/{record}"))
    staff.post(f"{site}/staff/feedback/{record}/notes", data={"csrf_token": token, "note": attack})
    for page in (staff.get(f"{site}/staff/feedback"), staff.get(f"{site}/staff/feedback/{record}")):
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


def test_staff_pages_send_strict_security_headers(staff, site):
    headers = staff.get(f"{site}/staff").headers
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none'
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in requests.get(f"{site}/").headers  # the chat page sets none


# Exports --------------------------------------------------------------------------------


def test_the_csv_export_is_the_filtered_list_for_spreadsheets(staff, site, store):
    save(store, impact="learning", text="=cmd|' /C calc'!A0")
    save(store, impact="learning", text="café, naïve “quotes”")
    save(store, impact="healthy")
    answer = staff.get(f"{site}/staff/export.csv", params={"impact": "learning"})
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")  # UTF-8, marked for Excel
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and {row["impact"] for row in rows} == {"learning"}
    assert {row["impact_name"] for row in rows} == {"Learning"}  # the name staff know
    header = list(rows[0])
    assert header.index("impact_name") == header.index("impact") + 1
    assert {row["text"] for row in rows} == {"'=cmd|' /C calc'!A0", "café, naïve “quotes”"}
    assert all(datetime.fromisoformat(row["created_at"]).tzinfo for row in rows)
    assert "exported" in audit_actions(store)


def test_the_json_api_takes_the_same_filters(staff, site, store):
    for impact in ("learning", "learning", "healthy"):
        save(store, impact=impact)
    flagged = save(store, impact="learning", safeguarding_flag=True)
    body = staff.get(f"{site}/staff/api/feedback", params={"impact": "learning",
                                                           "per_page": "2"}).json()  # fmt: skip
    assert (body["total"], body["pages"], body["per_page"], len(body["items"])) == (3, 2, 2, 2)
    assert body["filters"] == {"impact": ["learning"]}
    assert {item["impact"] for item in body["items"]} == {"learning"}
    flagged_only = staff.get(f"{site}/staff/api/feedback", params={"flagged": "yes"}).json()
    assert [item["id"] for item in flagged_only["items"]] == [flagged]
    today = date.today().isoformat()
    dated = staff.get(f"{site}/staff/api/feedback", params={"from": today, "to": today}).json()
    assert dated["total"] == 4
    bad = staff.get(f"{site}/staff/api/feedback", params={"impact": "nope", "to": "soon"})
    assert bad.status_code == 400 and len(bad.json()["errors"]) == 2
    # The errors quote what was sent: a browser must never sniff them as HTML.
    assert bad.headers["X-Content-Type-Options"] == "nosniff"
    assert audit_actions(store).count("exported") == 3


def test_the_date_range_includes_both_ends(staff, site, store):
    record = save(store)
    with store.session() as session, session.begin():
        session.execute(update(Feedback).values(
            created_at=datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc)))  # fmt: skip

    def total(**params) -> int:  # noqa: E306
        return staff.get(f"{site}/staff/api/feedback", params=params).json()["total"]

    assert total(**{"from": "2026-03-31", "to": "2026-03-31"}) == 1
    assert total(**{"from": "2026-04-01"}) == 0 and total(to="2026-03-30") == 0
    assert record


# You said, we did -------------------------------------------------------------------------


def we_did_updates(store: FeedbackStore) -> list[tuple[str, str]]:
    from bot.staff.records import WeDidUpdate

    with store.session() as session:
        rows = session.scalars(select(WeDidUpdate).order_by(WeDidUpdate.id))
        return [(row.impact, row.we_did) for row in rows]


def test_publishing_and_withdrawing_a_we_did_update(staff, site, store):
    page = staff.get(f"{site}/staff/we-did")
    token = csrf_from(page)
    incomplete = {"csrf_token": token, "impact": "learning", "you_said": "Exams", "we_did": ""}
    for step in ("preview", ""):
        missing = staff.post(f"{site}/staff/we-did/{step}".rstrip("/"), data=incomplete)
        assert missing.status_code == 400 and "Please write what you did" in missing.text
        assert "Exams</textarea>" in missing.text  # what they typed is kept
    draft = {"csrf_token": token, "impact": "learning", "area": "camden",
             "you_said": "Exams <b>stress</b>", "we_did": "Quiet rooms"}  # fmt: skip
    preview = staff.post(f"{site}/staff/we-did/preview", data=draft)
    assert "Check before publishing" in preview.text and we_did_updates(store) == []
    done = staff.post(f"{site}/staff/we-did", data=draft)
    assert "Published. Young people will hear it" in done.text
    assert "Exams &lt;b&gt;stress&lt;/b&gt;" in done.text
    update_id = re.search(r"/staff/we-did/(\d+)/withdraw", done.text).group(1)
    gone = staff.post(f"{site}/staff/we-did/{update_id}/withdraw", data={"csrf_token": token})
    assert "Withdrawn" in gone.text
    assert staff.post(f"{site}/staff/we-did/abc/withdraw",
                      data={"csrf_token": token}).status_code == 404  # fmt: skip


def test_the_preview_shows_word_for_word_what_young_people_will_hear(staff, site, store):
    token = csrf_from(staff.get(f"{site}/staff/we-did"))
    preview = staff.post(
        f"{site}/staff/we-did/preview",
        data={
            "csrf_token": token,
            "impact": "understood",
            "area": "camden",
            "you_said": "Nobody  listens",
            "we_did": "Youth workers now ask first",
        },  # fmt: skip
    )
    assert preview.status_code == 200
    said = re.findall(r'<blockquote class="assistant-says">(.*?)</blockquote>', preview.text)
    assert said[0].startswith("Here&#39;s what staff did after young people told them about "
                              "being listened to. You said: Nobody listens. "
                              "We did: Youth workers now ask first (")  # fmt: skip
    assert said[1].startswith("Staff read every piece of feedback")
    assert said[2].startswith("Being listened to (Camden). You said: Nobody listens.")
    assert "Understood — young people see: “Being listened to”" in preview.text
    buttons = re.findall(r'<button type="submit"[^>]*>([^<]+)</button>', preview.text)
    assert buttons[-2:] == ["Publish", "Edit"]
    assert preview.text.count(f'name="csrf_token" value="{token}"') >= 2  # the form's own too
    assert we_did_updates(store) == []


def test_nothing_is_published_without_its_preview_being_confirmed(staff, site, store):
    token = csrf_from(staff.get(f"{site}/staff/we-did"))
    draft = {"csrf_token": token, "impact": "healthy", "area": "",
             "you_said": "Clinics too far", "we_did": "A bus to the clinic"}  # fmt: skip
    unseen = staff.post(f"{site}/staff/we-did", data=draft)  # straight to Publish
    assert "Nothing has been published yet" in unseen.text and we_did_updates(store) == []

    staff.post(f"{site}/staff/we-did/preview", data=draft)
    changed = staff.post(f"{site}/staff/we-did", data={**draft, "we_did": "Something else"})
    assert "Nothing has been published yet" in changed.text and we_did_updates(store) == []
    assert "We did: Something else" in changed.text  # the changed words, previewed now

    staff.post(f"{site}/staff/we-did/preview", data=draft)
    assert "Published." in staff.post(f"{site}/staff/we-did", data=draft).text
    again = staff.post(f"{site}/staff/we-did", data=draft)  # Publish pressed twice
    assert "Nothing has been published yet" in again.text
    assert we_did_updates(store) == [("healthy", "A bus to the clinic")]


def test_edit_goes_back_to_the_form_with_everything_kept(staff, site):
    token = csrf_from(staff.get(f"{site}/staff/we-did"))
    edit = staff.post(
        f"{site}/staff/we-did/edit",
        data={
            "csrf_token": token,
            "impact": "understood",
            "area": "norfolk",
            "you_said": "Nobody <listens>",
            "we_did": "Youth workers ask",
        },  # fmt: skip
    )
    assert edit.status_code == 200 and "There is a problem" not in edit.text
    assert '<option value="understood" selected>' in edit.text
    assert '<option value="norfolk" selected>' in edit.text
    assert "Nobody &lt;listens&gt;</textarea>" in edit.text
    assert "Youth workers ask</textarea>" in edit.text


def test_the_preview_steps_need_the_sessions_csrf_token(staff, site, store):
    draft = {"impact": "healthy", "you_said": "Clinics too far", "we_did": "A bus"}
    for step in ("/preview", "/edit", ""):
        assert staff.post(f"{site}/staff/we-did{step}", data=draft).status_code == 403
        forged = {**draft, "csrf_token": "guess"}
        assert staff.post(f"{site}/staff/we-did{step}", data=forged).status_code == 403
    assert we_did_updates(store) == []


def test_the_audit_log_page_lists_what_was_done(staff, site, store):
    save(store, safeguarding_flag=True)
    staff.get(f"{site}/staff/feedback")
    page = staff.get(f"{site}/staff/audit").text
    assert "viewed-flagged" in page and "signed-in" in page


# When the database is down ------------------------------------------------------------------


def test_a_database_that_is_down_gives_a_clear_page(tmp_path):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    with staff_server(staff_env(url)) as site:
        _, answer = sign_in(site)
        assert answer.status_code == 503
        assert "The feedback database is not available" in answer.text
        assert requests.get(f"{site}/health").status_code == 200


def test_the_overview_shows_signposting_counts_and_no_conversation(staff, site, store):
    """A safeguarding lead sees signposting is happening without reading any chat."""
    from bot.safety.signposting_counts import SignpostingLog

    log = SignpostingLog(store.sessions)
    for _ in range(2):
        log.add("abuse_at_home", "full")
    log.add("abuse_at_home", "soft")
    log.add(None, "soft")
    page = staff.get(f"{site}/staff").text
    assert "<title>Overview | Flourish feedback for staff</title>" in page
    assert page.count('<table class="signposting">') == 1
    table = page[page.index('<table class="signposting">') :]
    table = table[: table.index("</table>")]
    assert "Abuse or violence at home" in table and "Unsure" in table
    today = re.search(r"<tr>\s*<th scope=\"row\">[^<]+</th>(.*?)</tr>", table, re.S).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', today)
    assert "2 + 1" in cells  # full + check-in for that category
    assert cells[-2:] == ["2", "2"]  # full and check-in totals for the day
