"""The shared database plumbing: a unit of work commits, or says the database is down."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.db.sessions import Database, StoreUnavailable, unit_of_work
from tests.processes import free_port


def test_a_unit_of_work_commits(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with unit_of_work(database.sessions) as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
        session.execute(text("INSERT INTO t VALUES (1)"))
    with unit_of_work(database.sessions) as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1
    database.dispose()


def test_an_unreachable_database_is_store_unavailable_not_a_driver_error():
    database = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing")
    with pytest.raises(StoreUnavailable):
        with unit_of_work(database.sessions) as session:
            session.execute(text("SELECT 1"))
    database.dispose()
