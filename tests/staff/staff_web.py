"""Helpers for the staff pages' tests: a real server in a thread, and signing in."""

from __future__ import annotations

import asyncio
import re
import threading
from contextlib import contextmanager
from typing import Iterator, Mapping

import requests
from aiohttp import web

from bot.web.app import make_app
from tests.plugins.browser import TEST_SESSION_KEY
from tests.processes import free_port

PASSWORD = "a long enough passphrase"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def staff_env(database_url: str, **changes: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": database_url,
        "FEEDBACK_HASH_SALT": "test-salt",
        "STAFF_SESSION_KEY": TEST_SESSION_KEY,
        "STAFF_LOCKOUT_ATTEMPTS": "3",
        "STAFF_LOCKOUT_MINUTES": "15",
    }
    env.update(changes)
    return env


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """Serve ``app`` on a free port from a thread with its own event loop."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    port = free_port()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(30), "the staff web app did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


@contextmanager
def staff_server(env: Mapping[str, str]) -> Iterator[str]:
    with serving(make_app(env)) as url:
        yield url


def csrf_from(page: requests.Response) -> str:
    found = CSRF.search(page.text)
    assert found, f"no CSRF token on {page.url}"
    return found.group(1)


def sign_in(
    base: str, email: str = "sam@example.org", password: str = PASSWORD
) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    form = browser.get(f"{base}/staff/sign-in")
    answer = browser.post(
        f"{base}/staff/sign-in",
        data={"csrf_token": csrf_from(form), "email": email, "password": password},
        allow_redirects=False,
    )
    return browser, answer
