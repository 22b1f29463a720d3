"""The staff pages and API: thin handlers over ``bot.staff.review`` and friends.

Every page is rendered by Jinja2 with autoescaping on, so young people's words
(and anything else stored) are always shown as text. Handlers turn domain errors
into plain pages: a missing record is 404, a database outage is 503 saying nothing
was changed.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.core.flourish import IMPACT_SLUGS
from bot.db.base import as_utc
from bot.db.sessions import StoreUnavailable
from bot.feedback.export import to_csv
from bot.feedback.store import FeedbackStore
from bot.safety.signposting_counts import SignpostingLog
from bot.staff.accounts import SignIn, StaffAccounts
from bot.staff.review import FeedbackReview, NotFound, ReviewError
from bot.staff.you_said_we_did import Draft, UpdateError, WeDidBoard, WeDidTeller
from bot.web.staff import charts
from bot.web.staff.filters import parse_filters, whole_number
from bot.web.staff.sessions import (
    CSRF_FIELD,
    PREFIX,
    SIGN_IN,
    csrf_token,
    signed_in_email,
    start_signed_in_session,
)

TEMPLATES = Path(__file__).parent.parent / "templates"
LONDON = ZoneInfo("Europe/London")
PAGE_SIZE = 25
SIGNPOSTING_DAYS = 14
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 500
MAX_FIELD_CHARACTERS = 4000

STAFF_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass
class StaffSite:
    """What the staff pages need, made once when the app starts."""

    store: FeedbackStore
    review: FeedbackReview
    accounts: StaffAccounts
    board: WeDidBoard
    teller: WeDidTeller  # what the assistant would say: for the preview before publishing
    areas: Mapping[str, str]  # area id -> name
    impact_names: Mapping[str, str]  # slug -> Flourish name
    # slug -> what young people see in the chat instead (data/feedback/wording.yml)
    young_people_names: Mapping[str, str]
    signposting: SignpostingLog
    risk_labels: Mapping[str, str]  # risk category id -> label

    def area_name(self, area: str | None) -> str:
        return self.areas.get(area or "", area or "not given")


SITE = web.AppKey("staff_site", StaffSite)


def london(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{as_utc(moment).astimezone(LONDON):%d %b %Y, %H:%M}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
    )
    env.filters["london"] = london
    return env


JINJA = _environment()


async def render(
    request: web.Request, template: str, status: int = 200, **context: Any
) -> web.Response:
    session = await get_session(request)
    site = request.app[SITE]
    body = JINJA.get_template(template).render(
        staff=request.get("staff"),
        csrf_field=CSRF_FIELD,
        csrf=await csrf_token(request),
        flash=session.pop("flash", []),
        path=request.path,
        areas=site.areas,
        impact_names=site.impact_names,
        young_people_names=site.young_people_names,
        impacts=IMPACT_SLUGS,
        **context,
    )
    return web.Response(
        text=body, status=status, content_type="text/html", headers=STAFF_HEADERS
    )


async def flash(request: web.Request, message: str) -> None:
    session = await get_session(request)
    session["flash"] = [*session.get("flash", []), message]


def _field(form: Mapping[str, Any], name: str) -> str:
    """A text field, cut to length, without NUL characters (PostgreSQL refuses to store them)."""
    value = form.get(name, "")
    return value.replace("\x00", "")[:MAX_FIELD_CHARACTERS] if isinstance(value, str) else ""


@web.middleware
async def staff_errors(request: web.Request, handler) -> web.StreamResponse:
    """Domain errors become plain pages; nothing half-done is ever claimed."""
    try:
        return await handler(request)
    except StoreUnavailable:
        if request.path.startswith(PREFIX + "/api/"):
            return web.json_response({"error": "the feedback database is not available"}, 503)
        return await render(
            request,
            "staff/problem.html",
            status=503,
            title="The feedback database is not available",
            message="Nothing was changed. Try again in a minute, and tell IT if it goes on.",
        )
    except NotFound:
        return await render(
            request,
            "staff/problem.html",
            status=404,
            title="No such feedback",
            message="It may have been removed. Go back to the list.",
        )


# Signing in and out ---------------------------------------------------------------


def _safe_next(target: str) -> str:
    """Only a path on our own /staff pages, never another site."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(PREFIX) or "\\" in target:
        return PREFIX
    return target


async def sign_in_page(request: web.Request) -> web.Response:
    return await render(
        request,
        "staff/sign_in.html",
        next=_safe_next(request.query.get("next", PREFIX)),
        error=None,
        email="",
        signed_out="signed_out" in request.query,
    )


async def sign_in(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    email = _field(form, "email")[:254]
    password = _field(form, "password")
    target = _safe_next(_field(form, "next") or PREFIX)
    accounts = request.app[SITE].accounts
    # argon2 is deliberately slow: keep it off the event loop.
    result = await asyncio.get_running_loop().run_in_executor(
        None, accounts.sign_in, email, password
    )
    if result.outcome is SignIn.OK:
        await start_signed_in_session(request, result.email or email)
        raise web.HTTPSeeOther(target)
    if result.outcome is SignIn.LOCKED:
        error = (
            "Too many failed sign-ins, so this account is locked until "
            f"{london(result.locked_until)} (UK time). Ask an administrator if you need in sooner."
        )
        status = 429
    else:
        error = "The email or password is not right. Check them and try again."
        status = 401
    return await render(
        request,
        "staff/sign_in.html",
        status=status,
        next=target,
        error=error,
        email=email,
        signed_out=False,
    )


async def sign_out(request: web.Request) -> web.StreamResponse:
    await asyncio.to_thread(request.app[SITE].accounts.revoke_sessions, signed_in_email(request))
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPSeeOther(f"{SIGN_IN}?signed_out=1")


# Overview ---------------------------------------------------------------------------


async def overview(request: web.Request) -> web.Response:
    site = request.app[SITE]
    filters = parse_filters(request.query, site.areas, fields=("area", "from", "to"))
    last_day = (
        date.fromisoformat(filters.chosen["to"][0]) if filters.chosen.get("to") else date.today()
    )
    shown = await asyncio.to_thread(site.review.overview, filters.wanted, last_day)
    signposting = await asyncio.to_thread(site.signposting.recent, SIGNPOSTING_DAYS)
    return await render(
        request,
        "staff/overview.html",
        filters=filters,
        summary=shown.summary,
        total=shown.total,
        flagged_waiting=shown.flagged_waiting,
        not_reviewed=shown.not_reviewed,
        impact_chart=charts.horizontal_bars(
            "Feedback per Flourish impact",
            [(site.impact_names[row.impact], row.count) for row in shown.summary],
        ),
        weeks=shown.weeks,
        trend_chart=charts.column_trend("Feedback per week (weeks start on Monday)", shown.weeks),
        signposting=signposting,
        risk_labels=site.risk_labels,
    )


# Feedback list, detail and changes ----------------------------------------------------


async def feedback_list(request: web.Request) -> web.Response:
    site = request.app[SITE]
    staff = signed_in_email(request)
    filters = parse_filters(request.query, site.areas)
    shown = await asyncio.to_thread(
        site.review.feedback_page, filters.wanted, filters.page, PAGE_SIZE, staff
    )
    return await render(
        request,
        "staff/feedback_list.html",
        filters=filters,
        page=shown.page,
        queue=shown.queue,
        queue_total=shown.queue_total,
        area_name=site.area_name,
    )


async def feedback_detail(request: web.Request) -> web.Response:
    site = request.app[SITE]
    row = await asyncio.to_thread(
        site.review.get, _feedback_id(request), signed_in_email(request)
    )
    return await render(
        request, "staff/feedback_detail.html", item=row, area_name=site.area_name
    )


def _feedback_id(request: web.Request) -> str:
    """The record id in the path; one no record can have is :class:`NotFound` here.

    Ids are UUIDs (36 characters). PostgreSQL refuses a NUL in a query's text: asking
    it for ``/staff/feedback/%00`` was a 500, not a 404.
    """
    feedback_id = request.match_info["feedback_id"]
    if len(feedback_id) > 36 or "\x00" in feedback_id:
        raise NotFound(feedback_id)
    return feedback_id


def _detail_url(feedback_id: str) -> str:
    return f"{PREFIX}/feedback/{feedback_id}"


async def set_reviewed(request: web.Request) -> web.StreamResponse:
    feedback_id = _feedback_id(request)
    form = await request.post()
    reviewed = _field(form, "reviewed") != "no"
    await asyncio.to_thread(
        request.app[SITE].review.set_reviewed, feedback_id, signed_in_email(request), reviewed
    )
    await flash(request, "Marked as reviewed." if reviewed else "Marked as not reviewed.")
    raise web.HTTPSeeOther(_detail_url(feedback_id))


async def add_note(request: web.Request) -> web.StreamResponse:
    feedback_id = _feedback_id(request)
    form = await request.post()
    try:
        await asyncio.to_thread(
            request.app[SITE].review.add_note,
            feedback_id,
            signed_in_email(request),
            _field(form, "note"),
        )
        await flash(request, "Note added.")
    except ReviewError as error:
        await flash(request, f"Not added: {error}")
    raise web.HTTPSeeOther(_detail_url(feedback_id))


async def change_impact(request: web.Request) -> web.StreamResponse:
    feedback_id = _feedback_id(request)
    form = await request.post()
    site = request.app[SITE]
    try:
        await asyncio.to_thread(
            site.review.change_impact, feedback_id, signed_in_email(request), _field(form, "impact")
        )
        await flash(request, "Impact changed. The young person's own choice is kept too.")
    except ReviewError as error:
        await flash(request, f"Not changed: {error}")
    raise web.HTTPSeeOther(_detail_url(feedback_id))


# Exports ----------------------------------------------------------------------------


async def export_csv(request: web.Request) -> web.Response:
    site = request.app[SITE]
    filters = parse_filters(request.query, site.areas)
    staff = signed_in_email(request)

    def build() -> str:
        # A byte-order mark, so Excel opens the UTF-8 file with the right characters.
        rows = site.review.export_rows(filters.wanted, staff, "csv")
        return "\ufeff" + to_csv(rows, site.impact_names)

    # A big export takes a second: in a worker thread, so the chat page never waits.
    body = await asyncio.get_running_loop().run_in_executor(None, build)
    name = f"feedback-{date.today():%Y-%m-%d}.csv"
    return web.Response(
        body=body.encode("utf-8"),
        headers={
            **STAFF_HEADERS,
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


async def api_feedback(request: web.Request) -> web.Response:
    site = request.app[SITE]
    filters = parse_filters(request.query, site.areas)
    if filters.errors:
        # The errors quote what was sent (markup included): never to be read as HTML.
        return web.json_response({"errors": filters.errors}, status=400, headers=STAFF_HEADERS)
    size = whole_number(request.query.get("per_page", ""), digits=6)
    size = API_PAGE_SIZE if size is None else min(max(size, 1), API_MAX_PAGE_SIZE)
    page = await asyncio.to_thread(
        site.review.api_page, filters.wanted, filters.page, size, signed_in_email(request)
    )
    return web.json_response(
        {
            "filters": filters.as_dict(),
            "total": page.total,
            "page": page.number,
            "pages": page.pages,
            "per_page": page.size,
            "items": [row.as_dict() for row in page.items],
        },
        dumps=lambda value: json.dumps(value, ensure_ascii=False),
        headers=STAFF_HEADERS,
    )


# "You said, we did" ------------------------------------------------------------------


async def we_did_page(request: web.Request, error: str | None = None, **kept: str) -> web.Response:
    site = request.app[SITE]
    updates = await asyncio.to_thread(site.board.all_updates)
    return await render(
        request,
        "staff/we_did.html",
        status=400 if error else 200,
        updates=updates,
        error=error,
        kept=kept,
        area_name=site.area_name,
    )


WE_DID_FIELDS = ("impact", "area", "you_said", "we_did")
PREVIEWED = "we_did_previewed"  # session key: the fingerprint of the draft last previewed


def _kept(form: Mapping[str, Any]) -> dict[str, str]:
    return {name: _field(form, name) for name in WE_DID_FIELDS}


def _draft(site: StaffSite, kept: Mapping[str, str]) -> Draft:
    return site.board.draft(kept["impact"], kept["area"] or None, kept["you_said"], kept["we_did"])


async def _show_preview(request: web.Request, draft: Draft, unconfirmed: bool) -> web.Response:
    """The preview page; confirming it is what allows this exact draft to be published."""
    session = await get_session(request)
    session[PREVIEWED] = draft.fingerprint()
    return await render(
        request,
        "staff/we_did_preview.html",
        draft=draft,
        preview=request.app[SITE].teller.preview(draft),
        unconfirmed=unconfirmed,
        area_name=request.app[SITE].area_name,
    )


async def preview_we_did(request: web.Request) -> web.Response:
    kept = _kept(await request.post())
    try:
        draft = _draft(request.app[SITE], kept)
    except UpdateError as error:
        return await we_did_page(request, str(error), **kept)
    return await _show_preview(request, draft, unconfirmed=False)


async def edit_we_did(request: web.Request) -> web.Response:
    """Back from the preview to the form, with everything typed still there."""
    return await we_did_page(request, **_kept(await request.post()))


async def publish_we_did(request: web.Request) -> web.StreamResponse:
    """Publish only the draft whose preview this session was shown; otherwise show it."""
    site = request.app[SITE]
    kept = _kept(await request.post())
    try:
        draft = _draft(site, kept)
    except UpdateError as error:
        return await we_did_page(request, str(error), **kept)
    session = await get_session(request)
    if not hmac.compare_digest(session.get(PREVIEWED, ""), draft.fingerprint()):
        return await _show_preview(request, draft, unconfirmed=True)
    try:
        await asyncio.to_thread(
            site.board.publish,
            signed_in_email(request),
            draft.impact,
            draft.area,
            draft.you_said,
            draft.we_did,
        )
    except UpdateError as error:
        return await we_did_page(request, str(error), **kept)
    del session[PREVIEWED]  # used up: pressing Publish again (or going back) does not repeat it
    await flash(request, "Published. Young people will hear it from now on.")
    raise web.HTTPSeeOther(f"{PREFIX}/we-did")


async def withdraw_we_did(request: web.Request) -> web.StreamResponse:
    text = request.match_info["update_id"]
    update_id = whole_number(text, digits=12)
    if update_id is None:
        raise NotFound(text)
    try:
        board = request.app[SITE].board
        await asyncio.to_thread(board.withdraw, signed_in_email(request), update_id)
    except UpdateError as error:
        await flash(request, str(error))
        raise web.HTTPSeeOther(f"{PREFIX}/we-did") from None
    await flash(request, "Withdrawn. Young people will no longer hear it.")
    raise web.HTTPSeeOther(f"{PREFIX}/we-did")


# Audit log ---------------------------------------------------------------------------


async def audit_log(request: web.Request) -> web.Response:
    events = await asyncio.to_thread(request.app[SITE].review.audit_events)
    return await render(request, "staff/audit.html", events=events)
