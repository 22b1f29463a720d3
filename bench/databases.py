"""A PostgreSQL schema of its own for one bench run, dropped afterwards."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, text


@contextmanager
def temporary_postgres_schema(server_url: str) -> Iterator[str | None]:
    """A URL whose tables land in a fresh schema, or None (said) when no server answers."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, future=True)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # the figure is optional when no server runs
        print(f"PostgreSQL skipped: {error.__class__.__name__}: {error}")
        admin.dispose()
        yield None
        return
    try:
        yield f"{server_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
