"""Every web app route except ``POST /chat`` against the bad-input corpus (``tests/bad_input.py``).

The chat page, the widget's files, health, and every staff page and form, signed in
and not: bad query strings, bad ids in paths, path traversal, bad form bodies and
forms without the CSRF token. Each gets a page, a redirect or a 4xx, never a 5xx;
nothing sent is echoed back as markup; and the app still serves afterwards.

The routes are read from the app's own router, so a route added later is walked
too. The app runs in-process on a real port (``tests/staff/staff_web.py``) against a
real migrated database, SQLite and PostgreSQL alike: PostgreSQL refuses a NUL
character in text, SQLite does not. ``POST /chat`` is in ``test_bad_input_gateway.py``.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import pytest
import requests
from aiohttp import web
from sqlalchemy import select

from bot.feedback.records import Feedback
from bot.feedback.store import FeedbackStore
from bot.ops.migrations import upgrade
from bot.staff.accounts import StaffAccounts
from bot.staff.records import WeDidUpdate
from bot.web.app import make_app
from bot.web.staff.sessions import PUBLIC
from tests.bad_input import (
    BAD_IDS_IN_PATHS,
    FIVE_MB,
    FORMS,
    QUERY_PARAMETERS,
    QUERY_VALUES,
    RAW_QUERIES,
    TRAVERSALS,
)
from tests.feedback_samples import save
from tests.plugins.databases import migrated_postgres_schema
from tests.processes import free_port
from tests.staff.staff_web import PASSWORD, csrf_from, serving, sign_in, staff_env

GATEWAY = "/chat"  # its own module: it needs Rasa behind it
# The corpus's markup, which must never come back unescaped (the chat page has a
# script tag of its own, so it is these exact openings that are looked for).
ECHOED_MARKUP = re.compile(r"<script>alert|<svg onload|<img src=x", re.IGNORECASE)
SIGN_OUT_EMAIL = "out@example.org"  # signing out ends all of an account's sessions


@dataclass
class Site:
    """The running app, its routes, its database, and a record to point the id routes at."""

    base: str
    store: FeedbackStore
    record: str
    gets: list[str]  # GET paths, ids filled in
    posts: list[str]  # POST paths, ids filled in

    def url(self, path: str) -> str:
        return self.base + path


def routes(app: web.Application, record: str) -> tuple[list[str], list[str]]:
    """The app's GET and POST paths (but the gateway's), with the record's id filled in."""
    found: dict[str, list[str]] = {"GET": [], "POST": []}
    for route in app.router.routes():
        if route.method in found and route.resource is not None:
            path = route.resource.canonical
            if path != GATEWAY:
                found[route.method].append(path.format(feedback_id=record, update_id="1"))
    return found["GET"], found["POST"]


@contextmanager
def database(kind: str, request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('bad-input-routes') / 'feedback.db'}"
        upgrade(url)
        yield url
    else:
        with migrated_postgres_schema(request.getfixturevalue("postgres_url"), "bad_input") as url:
            yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Site]:
    with database(request.param, request, tmp_path_factory) as url:
        store = FeedbackStore(url, b"test-salt")
        for email in ("sam@example.org", SIGN_OUT_EMAIL):
            StaffAccounts(store.sessions).add_user(email, PASSWORD)
        record = save(store)
        # No Rasa behind this app: the routes here never reach it.
        app = make_app(staff_env(url, RASA_URL=f"http://127.0.0.1:{free_port()}"))
        gets, posts = routes(app, record)
        with serving(app) as base:
            yield Site(base, store, record, gets, posts)
        store.dispose()


@pytest.fixture(scope="module")
def staff(site: Site) -> requests.Session:
    """A signed-in member of staff (one session for the module; sign-out uses its own)."""
    browser, answer = sign_in(site.base)
    assert answer.status_code == 303, answer.text
    return browser


def token(browser: requests.Session, site: Site) -> str:
    return csrf_from(browser.get(site.url("/staff/sign-in" if not browser.cookies else "/staff")))


def check(answer: requests.Response, what: str, problems: list[str]) -> None:
    """Note ``answer`` if it is a 5xx, or a page that echoes markup from the corpus unescaped.

    JSON may quote what it was sent (the API names a filter value it left out): a
    browser never renders ``application/json`` as a page.
    """
    if answer.status_code >= 500:
        problems.append(f"{what}: {answer.status_code}")
    elif answer.headers.get("Content-Type", "").startswith("text/html") and ECHOED_MARKUP.search(
        answer.text
    ):
        problems.append(f"{what}: echoes markup")


def get(browser: requests.Session, url: str) -> requests.Response:
    return browser.get(url, allow_redirects=False, timeout=60)


def we_did_updates(store: FeedbackStore) -> list[int]:
    with store.session() as session:
        return list(session.scalars(select(WeDidUpdate.id)))


def staff_only(path: str) -> bool:
    return path.startswith("/staff") and path not in PUBLIC


# Query strings ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", QUERY_VALUES)
def test_a_bad_value_for_every_parameter_never_gives_a_5xx(site, staff, case):
    """Every GET route, signed in, with the value given to every parameter any page reads.

    Filters drop what they cannot use and say so (``bot/web/staff/filters.py``);
    a typo in a bookmarked link must still show the page.
    """
    query = "&".join(f"{name}={QUERY_VALUES[case]}" for name in QUERY_PARAMETERS)
    problems: list[str] = []
    for path in site.gets:
        check(get(staff, site.url(f"{path}?{query}")), path, problems)
        if not staff_only(path):
            check(
                get(requests.Session(), site.url(f"{path}?{query}")), f"{path} signed out", problems
            )
    assert not problems, problems


@pytest.mark.parametrize("case", RAW_QUERIES)
def test_an_odd_query_string_never_gives_a_5xx(site, staff, case):
    problems: list[str] = []
    for path in site.gets:
        check(get(staff, site.url(f"{path}?{RAW_QUERIES[case]}")), path, problems)
    assert not problems, problems


@pytest.mark.parametrize(
    ("name", "value"),
    [("page", "abc"), ("to", "2026-13-45"), ("from", "2026-02-30"), ("per_page", "-1")],
)
def test_a_bad_filter_is_dropped_with_a_plain_message(site, staff, name, value):
    """The list still shows, and says what was left out; the API says so with a 400."""
    page = staff.get(site.url("/staff/feedback"), params={name: value})
    assert page.status_code == 200 and "matching" in page.text
    api = staff.get(site.url("/staff/api/feedback"), params={name: value})
    assert api.status_code in (200, 400)
    if name in ("to", "from"):
        assert "is not a date" in page.text and api.status_code == 400


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_the_first_and_last_dates_there_are_do_not_break_the_pages(site, staff, value):
    """Python's dates end at year 9999 and start at year 1: a day past either is an error."""
    for path in ("/staff", "/staff/feedback", "/staff/export.csv", "/staff/api/feedback"):
        for name in ("from", "to"):
            answer = staff.get(site.url(path), params={name: value}, allow_redirects=False)
            assert answer.status_code in (200, 400), (path, name, answer.status_code)


# Ids in paths --------------------------------------------------------------------------


@pytest.mark.parametrize("case", BAD_IDS_IN_PATHS)
def test_a_bad_record_id_is_not_found(site, staff, case):
    """Record and update ids from the path: 404 (or 4xx), and no record changes."""
    bad = BAD_IDS_IN_PATHS[case]
    csrf = token(staff, site)
    answers = {
        "detail": get(staff, site.url(f"/staff/feedback/{bad}")),
        "review": staff.post(site.url(f"/staff/feedback/{bad}/review"),
                             data={"csrf_token": csrf, "reviewed": "yes"}),
        "notes": staff.post(site.url(f"/staff/feedback/{bad}/notes"),
                            data={"csrf_token": csrf, "note": "hello"}),
        "impact": staff.post(site.url(f"/staff/feedback/{bad}/impact"),
                             data={"csrf_token": csrf, "impact": "learning"}),
        "withdraw": staff.post(site.url(f"/staff/we-did/{bad}/withdraw"),
                               data={"csrf_token": csrf}, allow_redirects=False),
    }  # fmt: skip
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert all(400 <= status < 500 or status == 303 for status in statuses.values()), statuses
    assert statuses["detail"] == 404
    problems: list[str] = []
    for name, answer in answers.items():
        check(answer, name, problems)
    assert not problems, problems


# Path traversal ------------------------------------------------------------------------


@pytest.mark.parametrize("case", TRAVERSALS)
def test_no_path_climbs_out_of_the_static_files(site, staff, case):
    """Every asset is its own route: no folder is served, so no path reaches a file."""
    for browser in (requests.Session(), staff):
        answer = get(browser, site.url(TRAVERSALS[case]))
        assert answer.status_code in (303, 400, 403, 404), (case, answer.status_code)
        assert "root:" not in answer.text and "import " not in answer.text


# Form bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", FORMS)
def test_a_bad_form_body_on_every_form_never_gives_a_5xx(site, staff, case):
    """Missing fields, undecodable bytes, NULs, wrong content types, 5 MB: a 4xx or a page.

    The session's CSRF token is in the body where the body can carry one, so the
    body reaches the form's handler, not just the CSRF check.
    """
    form = FORMS[case]
    problems: list[str] = []
    for path in site.posts:
        if path == "/staff/sign-out":
            browser, _ = sign_in(site.base, SIGN_OUT_EMAIL)  # not the module's account
        elif path in PUBLIC:
            browser = requests.Session()
        else:
            browser = staff
        headers = {"Content-Type": form.content_type} if form.content_type else {}
        answer = browser.post(
            site.url(path),
            data=form.to(token(browser, site)),
            headers=headers,
            allow_redirects=False,
            timeout=60,
        )
        check(answer, path, problems)
        if len(form.raw) >= FIVE_MB and answer.status_code != 413:
            problems.append(f"{path}: 5 MB got {answer.status_code}, not 413")
    assert not problems, problems
    assert staff.get(site.url("/staff")).status_code == 200  # still signed in


def test_a_post_without_the_sessions_csrf_token_changes_nothing(site, staff):
    """Every staff form (and sign-in, sign-out): no token, a wrong one, one in the URL or JSON."""
    record = save(site.store)  # untouched by the corpus above
    updates = we_did_updates(site.store)
    csrf = token(staff, site)
    data = {
        "reviewed": "yes", "note": "forged", "impact": "healthy", "area": "camden",
        "you_said": "forged", "we_did": "forged", "email": "sam@example.org",
        "password": PASSWORD,
    }  # fmt: skip
    attempts = {
        "no token": {"data": data},
        "a wrong token": {"data": {**data, "csrf_token": "guess"}},
        "the token in the URL": {"data": data, "params": {"csrf_token": csrf}},
        "the token in JSON": {"json": {**data, "csrf_token": csrf}},
    }
    refused = []
    for path in (path.replace(site.record, record) for path in site.posts):
        for attempt, arguments in attempts.items():
            answer = staff.post(site.url(path), allow_redirects=False, timeout=60, **arguments)
            if answer.status_code != 403:
                refused.append(f"{path} with {attempt}: {answer.status_code}")
    assert not refused, refused
    with site.store.session() as session:
        row = session.get(Feedback, record)
        assert row.review_status == "new" and row.impact != "healthy" and not row.notes
    assert we_did_updates(site.store) == updates
    assert staff.get(site.url("/staff")).status_code == 200  # not signed out


# And afterwards ------------------------------------------------------------------------


def test_after_the_corpus_the_app_still_serves_everyone(site, staff):
    assert requests.get(site.url("/health"), timeout=10).json() == {"status": "ok"}
    assert "widget.js" in requests.get(site.url("/"), timeout=10).text
    assert staff.get(site.url(f"/staff/feedback/{site.record}")).status_code == 200
    _, answer = sign_in(site.base)  # a fresh sign-in: nothing above locked the account
    assert answer.status_code == 303
