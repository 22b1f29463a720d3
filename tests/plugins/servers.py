"""Fixtures for real servers: the trained model, action servers, Rasa, in-process chats."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

from bot import settings
from tests.chatting import TEST_SALT, Chat, chat_with, chat_with_actions
from tests.processes import free_port, running_action_server, running_server


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current training data and config, trained only if missing."""
    from bot.ops.model_store import ensure_model

    return ensure_model(quiet=True)


@pytest.fixture(scope="session")
def action_server(tmp_path_factory: pytest.TempPathFactory, feedback_db_url: str) -> Iterator[str]:
    """The session's action server, saving feedback to ``feedback_db_url``."""
    env = {"DATABASE_URL": feedback_db_url, "FEEDBACK_HASH_SALT": TEST_SALT}
    with running_action_server(tmp_path_factory.mktemp("actions"), env) as url:
        yield url


@pytest.fixture(scope="session")
def chat(trained_model: Path, action_server: str) -> Iterator[Chat]:
    """The real trained model in-process, with the session's action server behind it."""
    with chat_with(trained_model, action_server) as chat:
        yield chat


@pytest.fixture(scope="session")
def chat_on_postgres(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory, postgres_feedback_url: str
) -> Iterator[Chat]:
    """The real model with an action server saving feedback to PostgreSQL."""
    env = {"DATABASE_URL": postgres_feedback_url}
    with chat_with_actions(trained_model, tmp_path_factory.mktemp("actions-pg"), env) as chat:
        yield chat


@pytest.fixture(scope="session")
def chat_with_database_down(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Chat]:
    """The real model with an action server whose feedback database is unreachable."""
    env = {"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"}
    folder = tmp_path_factory.mktemp("actions-down")
    with chat_with_actions(trained_model, folder, env) as chat:
        yield chat


@pytest.fixture(scope="session")
def chat_with_actions_down(trained_model: Path) -> Iterator[Chat]:
    """The real model whose action server address has nothing listening: it is down."""
    with chat_with(trained_model, f"http://127.0.0.1:{free_port()}/webhook") as chat:
        yield chat


@pytest.fixture(scope="session")
def web_port() -> int:
    """The web app's port, chosen before it starts so tests can point pages at it."""
    return free_port()


@pytest.fixture(scope="session")
def rasa_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's Rasa server keeps its log and its SQLite tracker store.

    Tests read the tracker store to check what reached a conversation (Rasa's HTTP
    API, which would show it, is not enabled).
    """
    return tmp_path_factory.mktemp("rasa")


@pytest.fixture(scope="session")
def rasa_tracker_url(rasa_folder: Path) -> str:
    """The session's Rasa server's tracker store, for tests that read the tables."""
    return f"sqlite:///{rasa_folder / 'tracker.db'}"


@pytest.fixture(scope="session")
def rasa_server(
    trained_model: Path, action_server: str, rasa_folder: Path, rasa_tracker_url: str
) -> Iterator[str]:
    """A real ``rasa run`` with our credentials and endpoints; yields its base URL."""
    port = free_port()
    folder = rasa_folder
    log = folder / "rasa.log"
    env = settings.process_environment(
        {
            **os.environ,
            "ACTION_ENDPOINT_URL": action_server,
            "TRACKER_STORE_URL": rasa_tracker_url,
        }
    )
    command = [
        sys.executable, "-m", "rasa", "run", "--model", str(trained_model), "--port", str(port),
        "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with running_server(command, env, f"{url}/", log, 240):
        yield url
