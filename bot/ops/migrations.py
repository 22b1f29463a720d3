"""Brings a feedback database to the latest schema with Alembic."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from bot import project_path, settings

SCRIPT_LOCATION = project_path("bot/ops/alembic")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["url"] = url  # not through the ini parser, which mangles "%"
    return config


def upgrade(url: str | None = None) -> str:
    """Apply every pending migration; return the revision the database is now at."""
    url = url or settings.get("DATABASE_URL")
    command.upgrade(alembic_config(url), "head")
    return current_revision(url) or "(none)"


def current_revision(url: str | None = None) -> str | None:
    engine = create_engine(url or settings.get("DATABASE_URL"), future=True)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
