"""Alembic's entry point: runs migrations against the URL it is given.

``bot.ops.migrations`` passes the URL in ``config.attributes``; the ``alembic``
command line (with ``alembic.ini``) falls back to the ``DATABASE_URL`` setting.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot import settings
from bot.ops.db_schema import metadata

config = context.config
url = config.attributes.get("url") or settings.get("DATABASE_URL")


def run_offline() -> None:
    context.configure(url=url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
