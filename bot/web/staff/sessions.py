"""Who is signed in: encrypted session cookies, CSRF tokens and the guard on /staff.

The cookie is encrypted and authenticated (Fernet), HttpOnly, SameSite=Strict,
scoped to /staff, and Secure whenever the request came over HTTPS. Every request
under /staff passes :func:`staff_guard` first: without a live session it gets 401
(API) or a redirect to sign-in (pages), before any route (real or not) is looked
up, so the guard also hides which pages exist. Every POST must carry the session's
CSRF token.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import time
from typing import Awaitable, Callable, Mapping
from urllib.parse import quote

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp_session import Session, get_session, new_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from bot import project_path, settings
from bot.core.kept_secrets import configured_or_kept

COOKIE_NAME = "flourish_staff"
SESSION_KEY_FILE = project_path("var/staff-session-key")
MAX_SESSION_SECONDS = 12 * 60 * 60  # signed in for a working day at most
PREFIX = "/staff"
API_PREFIX = "/staff/api/"
SIGN_IN = "/staff/sign-in"
PUBLIC = frozenset({SIGN_IN})
CSRF_FIELD = "csrf_token"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def session_key(env: Mapping[str, str] | None = None) -> bytes:
    configured = settings.get("STAFF_SESSION_KEY", env)
    key = configured_or_kept(configured, SESSION_KEY_FILE, lambda: Fernet.generate_key().decode())
    try:
        Fernet(key)
    except ValueError:
        raise ValueError(
            "STAFF_SESSION_KEY must be a Fernet key (32 url-safe base64-encoded bytes); "
            "make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from None
    return key.encode()


class StaffCookieStorage(EncryptedCookieStorage):
    """Encrypted cookies that are Secure on HTTPS requests (or always, if configured)."""

    def __init__(self, key: bytes, idle_seconds: int, always_secure: bool) -> None:
        # Fernet's ttl (max_age) makes a cookie older than the idle limit unreadable;
        # the cookie is re-issued on every request, so only idleness expires it.
        super().__init__(
            Fernet(key),
            cookie_name=COOKIE_NAME,
            path=PREFIX,
            httponly=True,
            samesite="Strict",
            max_age=idle_seconds,
        )
        self.always_secure = always_secure

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        await super().save_session(request, response, session)
        if COOKIE_NAME in response.cookies and (self.always_secure or request.secure):
            response.cookies[COOKIE_NAME]["secure"] = True


def storage_from_settings(env: Mapping[str, str] | None = None) -> StaffCookieStorage:
    idle = int(settings.get("STAFF_SESSION_IDLE_MINUTES", env)) * 60
    secure = settings.get("STAFF_COOKIE_SECURE", env).strip().lower() in ("true", "1", "yes")
    return StaffCookieStorage(session_key(env), idle, secure)


async def start_signed_in_session(request: web.Request, email: str) -> None:
    """A brand-new session (never the sign-in page's), so a planted cookie is useless."""
    session = await new_session(request)
    now = time.time()
    session["staff"] = email
    session["csrf"] = secrets.token_urlsafe(32)
    session["since"] = now
    session["seen"] = int(now)


async def csrf_token(request: web.Request) -> str:
    """The session's CSRF token, made on first use (the sign-in form needs one too)."""
    session = await get_session(request)
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def signed_in_email(request: web.Request) -> str:
    return request["staff"]


def _live_staff(session: Session, now: float, is_valid: Callable[[str, float], bool]) -> str | None:
    email = session.get("staff")
    since = session.get("since")
    if not email or not isinstance(since, (int, float)):
        return None
    if now - since > MAX_SESSION_SECONDS or not is_valid(email, since):
        return None
    return email


def _refuse(request: web.Request) -> web.StreamResponse:
    if request.path.startswith(API_PREFIX):
        return web.json_response(
            {"error": "sign in first"}, status=401, headers={"Cache-Control": "no-store"}
        )
    target = request.path_qs if request.method == "GET" else PREFIX
    raise web.HTTPSeeOther(f"{SIGN_IN}?next={quote(target, safe='')}")


def staff_guard(is_valid: Callable[[str, float], bool]) -> Callable:
    """The middleware: sign-in, account still enabled, and CSRF, for everything under /staff."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            return await handler(request)
        session = await get_session(request)
        if path not in PUBLIC:
            # The account check reads the database: off the event loop that serves chats.
            email = await asyncio.to_thread(_live_staff, session, time.time(), is_valid)
            if email is None:
                session.invalidate()
                return _refuse(request)
            session["seen"] = int(time.time())  # re-issues the cookie: the idle clock restarts
            request["staff"] = email
        if request.method == "POST" and not await _csrf_ok(request, session):
            raise web.HTTPForbidden(
                text="This form has expired or did not come from this site. "
                "Go back, reload the page and try again.",
            )
        return await handler(request)

    return guard


async def _csrf_ok(request: web.Request, session: Session) -> bool:
    expected = session.get("csrf")
    if not expected:
        return False
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    try:
        form = await request.post()  # parsed once: the handler's own post() reuses it
    except (ValueError, LookupError, AssertionError, HttpProcessingError):
        # Bytes that are not UTF-8 (UnicodeDecodeError), a charset Python does not know
        # (LookupError), multipart without a boundary (ValueError), with a part that has
        # no name (aiohttp asserts) or with broken part headers (HttpProcessingError):
        # the sender's mistake, so 400, not 500.
        raise web.HTTPBadRequest(
            text="This form could not be read. Go back, reload the page and try again."
        ) from None
    given = form.get(CSRF_FIELD)
    return isinstance(given, str) and hmac.compare_digest(given, expected)
