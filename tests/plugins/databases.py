"""Fixtures for databases: migrated SQLite files and private PostgreSQL schemas, Redis."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.processes import require_service

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))


@pytest.fixture(scope="session")
def feedback_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite feedback database shared by the session's action server."""
    from bot.ops.migrations import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('feedback') / 'feedback.db'}"
    upgrade(url)
    return url


@contextmanager
def migrated_postgres_schema(postgres_url: str, prefix: str) -> Iterator[str]:
    """A feedback database in a fresh schema of the PostgreSQL server, dropped after."""
    from sqlalchemy import create_engine, text

    from bot.ops.migrations import upgrade

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
    from bot.ops.migrations import upgrade

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
def postgres_url() -> str:
    require_service("127.0.0.1", 5432, "PostgreSQL")
    return POSTGRES_URL


@pytest.fixture(scope="session")
def redis_address() -> tuple[str, int]:
    require_service(REDIS_HOST, REDIS_PORT, "Redis")
    return REDIS_HOST, REDIS_PORT
