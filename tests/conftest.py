"""Shared fixtures: one trained model, real servers, and a synchronous chat helper.

The model is trained at most once per change of its inputs (see
``bot.model_store``): a session reuses ``models/model-<hash>.tar.gz`` if present.
Servers are real processes on free ports, started once per session.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from bot import PROJECT_ROOT, settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["RASA_TELEMETRY_ENABLED"] = "false"

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
SERVICE_HELP = (
    "Start it with the command in the README's 'Services for tests' section "
    "(.ci/run starts it when it is down)."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in {timeout}s; log:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def running_server(
    command: list[str], env: dict[str, str], ready_url: str, log: Path, timeout: float
) -> Iterator[subprocess.Popen]:
    """Start ``command`` from the project root, wait until ``ready_url`` answers, stop it after."""
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for(ready_url, process, timeout, log)
        yield process
    finally:
        stop(process)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current training data and config, trained only if missing."""
    from bot.model_store import ensure_model

    return ensure_model(quiet=True)


TEST_SALT = "test-salt-not-secret"


@pytest.fixture(scope="session")
def feedback_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite feedback database shared by the session's action server."""
    from bot.db_migrations import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('feedback') / 'feedback.db'}"
    upgrade(url)
    return url


@contextmanager
def running_action_server(folder: Path, env: dict[str, str]) -> Iterator[str]:
    """A real rasa-sdk action server running our actions; yields its webhook URL."""
    port = free_port()
    command = [sys.executable, "-m", "rasa", "run", "actions", "--actions", "actions",
               "--port", str(port)]  # fmt: skip
    env = settings.process_environment({**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    with running_server(command, env, f"{url}/health", folder / "actions.log", 120):
        yield f"{url}/webhook"


@pytest.fixture(scope="session")
def action_server(tmp_path_factory: pytest.TempPathFactory, feedback_db_url: str) -> Iterator[str]:
    """The session's action server, saving feedback to ``feedback_db_url``."""
    env = {"DATABASE_URL": feedback_db_url, "FEEDBACK_HASH_SALT": TEST_SALT}
    with running_action_server(tmp_path_factory.mktemp("actions"), env) as url:
        yield url


@dataclass
class Chat:
    """Talks to an in-process Rasa Agent synchronously, one sender per conversation."""

    agent: Any
    loop: asyncio.AbstractEventLoop

    def send(self, text: str, sender: str | None = None) -> list[dict]:
        return self.loop.run_until_complete(self.agent.handle_text(text, sender_id=sender))

    def tracker(self, sender: str) -> Any:
        return self.loop.run_until_complete(self.agent.tracker_store.retrieve(sender))

    def conversation(self) -> Callable[[str], list[dict]]:
        """A function that sends messages in one new conversation."""
        sender = f"test-{uuid.uuid4().hex}"

        def say(text: str) -> list[dict]:
            return self.send(text, sender)

        say.sender = sender  # type: ignore[attr-defined]
        return say


@pytest.fixture(scope="session")
def chat(trained_model: Path, action_server: str) -> Iterator[Chat]:
    """The real trained model in-process, with the real action server behind it."""
    import logging

    import rasa.utils.common
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    rasa.utils.common.configure_logging_and_warnings(logging.WARNING)
    loop = asyncio.new_event_loop()
    agent = Agent.load(str(trained_model), action_endpoint=EndpointConfig(action_server))
    yield Chat(agent, loop)
    loop.close()


@contextmanager
def migrated_postgres_schema(postgres_url: str, prefix: str) -> Iterator[str]:
    """A feedback database in a fresh schema of the PostgreSQL server, dropped after."""
    from sqlalchemy import create_engine, text

    from bot.db_migrations import upgrade

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{postgres_url}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database: a SQLite file, or a private PostgreSQL schema."""
    from bot.db_migrations import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'feedback.db'}"
        upgrade(url)
        yield url
        return
    base = request.getfixturevalue("postgres_url")
    with migrated_postgres_schema(base, "feedback_test") as url:
        yield url


@pytest.fixture(scope="session")
def postgres_feedback_url(postgres_url: str) -> Iterator[str]:
    """A migrated feedback database in a private schema of the PostgreSQL server."""
    with migrated_postgres_schema(postgres_url, "feedback") as url:
        yield url


@pytest.fixture(scope="session")
def chat_on_postgres(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory, postgres_feedback_url: str
) -> Iterator[Chat]:
    """The real model with an action server saving feedback to PostgreSQL."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    env = {"DATABASE_URL": postgres_feedback_url, "FEEDBACK_HASH_SALT": TEST_SALT}
    with running_action_server(tmp_path_factory.mktemp("actions-pg"), env) as url:
        loop = asyncio.new_event_loop()
        agent = Agent.load(str(trained_model), action_endpoint=EndpointConfig(url))
        yield Chat(agent, loop)
        loop.close()


@pytest.fixture(scope="session")
def chat_with_database_down(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Chat]:
    """The real model with an action server whose feedback database is unreachable."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    env = {
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/nothing",
        "FEEDBACK_HASH_SALT": TEST_SALT,
    }
    with running_action_server(tmp_path_factory.mktemp("actions-down"), env) as url:
        loop = asyncio.new_event_loop()
        agent = Agent.load(str(trained_model), action_endpoint=EndpointConfig(url))
        yield Chat(agent, loop)
        loop.close()


@pytest.fixture(scope="session")
def web_port() -> int:
    """The web app's port, chosen first so the Rasa server's CORS can allow it."""
    return free_port()


@pytest.fixture(scope="session")
def rasa_server(
    trained_model: Path,
    action_server: str,
    tmp_path_factory: pytest.TempPathFactory,
    web_port: int,
) -> Iterator[str]:
    """A real ``rasa run`` with our credentials and endpoints; yields its base URL."""
    port = free_port()
    folder = tmp_path_factory.mktemp("rasa")
    log = folder / "rasa.log"
    env = settings.process_environment(
        {
            **os.environ,
            "ACTION_ENDPOINT_URL": action_server,
            "TRACKER_STORE_URL": f"sqlite:///{folder / 'tracker.db'}",
        }
    )
    command = [
        sys.executable, "-m", "rasa", "run", "--model", str(trained_model), "--port", str(port),
        "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
        "--cors", f"http://127.0.0.1:{web_port}",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with running_server(command, env, f"{url}/", log, 240):
        yield url


def texts(responses: list[dict]) -> str:
    """Every text the bot sent in one turn, joined, for simple assertions."""
    return "\n".join(r.get("text") or "" for r in responses)


def require_service(host: str, port: int, name: str) -> None:
    """Fail (not skip) with a clear message when a service the test needs is down."""
    try:
        with socket.create_connection((host, port), timeout=3):
            return
    except OSError as error:
        pytest.fail(f"{name} is not reachable at {host}:{port} ({error}). {SERVICE_HELP}")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    require_service("127.0.0.1", 5432, "PostgreSQL")
    return POSTGRES_URL


@pytest.fixture(scope="session")
def redis_address() -> tuple[str, int]:
    require_service(REDIS_HOST, REDIS_PORT, "Redis")
    return REDIS_HOST, REDIS_PORT


# The web app and a real browser (Debian's chromium driven by Playwright) ------------------

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
            "RASA_PUBLIC_URL": rasa_server,
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
