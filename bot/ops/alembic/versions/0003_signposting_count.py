"""Signposting counts per day, category and level, for the staff overview.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signposting_count",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("category", sa.String(40), primary_key=True),
        sa.Column("level", sa.String(8), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.CheckConstraint("level IN ('full', 'soft')", name="ck_signposting_level"),
    )


def downgrade() -> None:
    op.drop_table("signposting_count")
