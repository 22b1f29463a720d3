"""Engines and units of work: how every feature reaches the database.

One SQLAlchemy session per unit of work, as in SQLAlchemy's ORM quickstart. An
unreachable database becomes :class:`StoreUnavailable`, so no driver error leaks
into a page or a conversation, and the assistant only says "saved" after a commit.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from bot import settings


class StoreUnavailable(RuntimeError):
    """The database could not be reached, or it refused the write."""


def private_sqlite_file(database: str) -> None:
    """Create the SQLite file (and its folder) readable by its owner only, or make it so.

    It holds conversations or feedback. SQLite gives its ``-wal`` and ``-shm``
    files the database file's permissions, so those follow. Done here rather than
    by the process's umask so that a server started any way (``rasa run`` in a
    container, a test) keeps the same rule.
    """
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)


def make_engine(url: str) -> Engine:
    """An engine that fails fast when the server is down instead of hanging a chat."""
    parsed = make_url(url)
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_sqlite_file(parsed.database)
        connect_args["timeout"] = 5
    elif parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = 5
    return create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)


@contextmanager
def unit_of_work(sessions: sessionmaker) -> Iterator[Session]:
    """One session and transaction; an unreachable database becomes :class:`StoreUnavailable`.

    Every reader and writer (feedback store, staff review, staff accounts, "we did"
    updates, signposting counts) goes through this.
    """
    try:
        with sessions() as session, session.begin():
            yield session
    except SQLAlchemyError as error:
        raise StoreUnavailable("the feedback database is not available") from error


def count_of(session: Session, query: Select) -> int:
    """How many rows ``query`` would return."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


class Database:
    """An engine and its session factory, for features that need no salt or store."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @classmethod
    def from_settings(cls, env: Mapping[str, str] | None = None) -> Database:
        return cls(settings.get("DATABASE_URL", env))

    def dispose(self) -> None:
        self.engine.dispose()
