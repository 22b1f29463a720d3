"""Rasa's SQL tracker store, made cheap on SQLite, the single-server default.

Rasa 3.6 talks to the tracker store synchronously inside its event loop, so every
millisecond a query waits is a millisecond no other conversation moves. On
SQLite, Rasa opens a new connection for every query (SQLAlchemy 1.4's default
for files) and each commit waits for the disk twice (rollback journal): under
load a third of the Rasa server's time went there (py-spy, see the README).
Here connections are pooled, and the file uses write-ahead logging with
``synchronous=NORMAL``; on PostgreSQL commits do not wait for the disk
(``synchronous_commit=off`` for this store's connections only). Either way a
crash never corrupts the store, though a power cut may lose the last moments of
conversations: never feedback, which lives in its own database and is committed
in full before the assistant says it is saved.

``endpoints.yml`` names this class as the tracker store's ``type``. Rasa falls
back to an in-memory store, with only a warning, when it cannot import a custom
store: ``tests/ops/test_stores.py`` checks this one loads.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from sqlalchemy import event
from sqlalchemy.pool import QueuePool


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class ConversationStore(SQLTrackerStore):
    """The SQL tracker store with pooled, write-ahead-logged SQLite connections."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dialect, url = self.engine.dialect.name, self.engine.url
        if dialect == "sqlite" and url.database:
            self._use(
                sa.create_engine(
                    url,
                    poolclass=QueuePool,
                    pool_size=2,
                    max_overflow=4,
                    connect_args={"check_same_thread": False},
                )
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
        elif dialect == "postgresql":
            # The commit returns once PostgreSQL has the turn in memory, without
            # waiting for its write-ahead log to reach the disk (a crash of the
            # database server may lose the last moments, never corrupts).
            kwargs = create_engine_kwargs(url)
            options = kwargs.setdefault("connect_args", {}).get("options", "")
            kwargs["connect_args"]["options"] = f"{options} -csynchronous_commit=off".strip()
            self._use(sa.create_engine(url, **kwargs))

    def _use(self, engine: sa.engine.Engine) -> None:
        self.engine.dispose()
        self.engine = engine
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
