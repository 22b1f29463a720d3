"""The feedback table.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

IMPACTS = (
    "'family-and-friends', 'learning', 'opportunity', 'understood', "
    "'resilience', 'individual', 'safe-and-secure', 'healthy'"
)


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("area", sa.String(40), nullable=True),
        sa.Column("impact", sa.String(32), nullable=False),
        sa.Column("impact_choice", sa.String(24), nullable=False),
        sa.Column("suggested_impact", sa.String(32), nullable=True),
        sa.Column("suggestion_confidence", sa.Float, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("age_band", sa.String(16), nullable=True),
        sa.Column("conversation_hash", sa.String(64), nullable=False),
        sa.Column("safeguarding_flag", sa.Boolean, nullable=False),
        sa.Column("review_status", sa.String(16), nullable=False),
        sa.Column("staff_notes", sa.Text, nullable=True),
        sa.CheckConstraint(f"impact IN ({IMPACTS})", name="ck_feedback_impact"),
        sa.CheckConstraint(
            "impact_choice IN ('suggested-confirmed', 'changed-by-user')",
            name="ck_feedback_impact_choice",
        ),
        sa.CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="ck_feedback_rating"),
        sa.CheckConstraint(
            "age_band IS NULL OR age_band IN "
            "('under-11', '11-15', '16-18', '19-25', 'parent-carer')",
            name="ck_feedback_age_band",
        ),
        sa.CheckConstraint(
            "review_status IN ('new', 'reviewed')", name="ck_feedback_review_status"
        ),
    )
    op.create_index("ix_feedback_impact_created", "feedback", ["impact", "created_at"])
    op.create_index("ix_feedback_area_created", "feedback", ["area", "created_at"])
    op.create_index("ix_feedback_flag", "feedback", ["safeguarding_flag"])


def downgrade() -> None:
    op.drop_table("feedback")
