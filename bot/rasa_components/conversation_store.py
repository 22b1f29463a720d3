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

Nothing personal is kept: each event is stored as
:func:`bot.safety.private_events.private_event` makes it (names, phone numbers,
emails and addresses scrubbed from what the young person typed and from the slots
filled from it, every text cut to 5,000 characters), while the running turn keeps
the original. Pooled connections are checked before use, so a database restart
costs no turn.

``endpoints.yml`` names this class as the tracker store's ``type``. Rasa falls
back to an in-memory store, with only a warning, when it cannot import a custom
store: ``tests/ops/test_stores.py`` checks this one loads.
"""

from __future__ import annotations

from typing import Any, Iterator

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from sqlalchemy import event
from sqlalchemy.pool import QueuePool

from bot.db.sessions import private_sqlite_file
from bot.safety.private_events import private_event


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class _StoredEvent:
    """An event as Rasa's ``save`` writes it: its type name and its private data."""

    def __init__(self, event: Any) -> None:
        self.type_name = event.type_name
        self._data = private_event(event.as_dict())

    def as_dict(self) -> dict[str, Any]:
        return self._data


class ConversationStore(SQLTrackerStore):
    """The SQL tracker store, storing private events over pooled connections."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dialect, url = self.engine.dialect.name, self.engine.url
        if dialect == "sqlite" and url.database:
            private_sqlite_file(url.database)
            self._use(
                sa.create_engine(
                    url,
                    poolclass=QueuePool,
                    pool_size=2,
                    max_overflow=4,
                    pool_pre_ping=True,
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
            # A restarted PostgreSQL leaves dead connections in the pool: check first.
            kwargs["pool_pre_ping"] = True
            self._use(sa.create_engine(url, **kwargs))

    def _use(self, engine: sa.engine.Engine) -> None:
        self.engine.dispose()
        self.engine = engine
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _additional_events(self, session: Any, tracker: Any) -> Iterator[Any]:
        """The events not stored yet, as they may be stored (Rasa's ``save`` writes these)."""
        for unstored in super()._additional_events(session, tracker):
            yield _StoredEvent(unstored)
