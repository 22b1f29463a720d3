"""Making the places that hold conversations and feedback exist, and keeping them private.

A scaled run points several servers at one PostgreSQL database; on a new machine
that database may not exist yet, and asking someone to create it by hand is one
more step between ``make run-scaled`` and a working assistant.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def ensure_database(url: str) -> None:
    """Create the database ``url`` names if it is a PostgreSQL one that is missing.

    SQLite files are created by their first connection; only their folder is made
    here, private to the owner, because they hold conversations and feedback.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_folder(Path(parsed.database).parent)
        return
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return
    admin = create_engine(
        parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            ).first()
            if not exists:
                quoted = parsed.database.replace('"', '""')
                connection.execute(text(f'CREATE DATABASE "{quoted}"'))
    finally:
        admin.dispose()


def private_folder(path: Path) -> Path:
    """Make ``path`` (if needed) and the files in it readable by their owner only.

    It holds conversations, feedback and secrets. Files an earlier version made
    world-readable are tightened too.
    """
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    for child in path.iterdir():
        if child.is_file() and not child.is_symlink():
            os.chmod(child, 0o600)
    return path


def owner_only_files() -> None:
    """Every file this process and its children create is readable by its owner only.

    SQLite creates ``var/tracker.db`` (and its ``-wal`` and ``-shm``) with the
    process's umask: 644 by default, so any user of the machine could read the
    conversations. Set once at the start of ``python -m bot``; servers it starts
    inherit it.
    """
    os.umask(0o077)
