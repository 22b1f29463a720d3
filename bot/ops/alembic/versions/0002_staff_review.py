"""Staff review: accounts, audit log, notes, "you said, we did", review and retention columns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

IMPACTS = (
    "'family-and-friends', 'learning', 'opportunity', 'understood', "
    "'resilience', 'individual', 'safe-and-secure', 'healthy'"
)


def upgrade() -> None:
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sessions_revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff", sa.String(254), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("feedback_id", sa.String(36), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_table(
        "we_did_update",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("impact", sa.String(32), nullable=False),
        sa.Column("area", sa.String(40), nullable=True),
        sa.Column("you_said", sa.Text, nullable=False),
        sa.Column("we_did", sa.Text, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(254), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(254), nullable=True),
        sa.CheckConstraint(f"impact IN ({IMPACTS})", name="ck_we_did_update_impact"),
    )
    op.create_index(
        "ix_we_did_update_impact_published", "we_did_update", ["impact", "published_at"]
    )
    op.create_table(
        "feedback_note",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "feedback_id",
            sa.String(36),
            sa.ForeignKey("feedback.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(254), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_feedback_note_feedback_id", "feedback_note", ["feedback_id"])
    # Notes written before staff accounts existed move to the notes table.
    op.execute(
        "INSERT INTO feedback_note (feedback_id, created_at, author, text) "
        "SELECT id, created_at, 'before staff accounts', staff_notes FROM feedback "
        "WHERE staff_notes IS NOT NULL AND staff_notes <> ''"
    )
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("staff_notes")
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.String(254), nullable=True))
        batch.add_column(sa.Column("original_impact", sa.String(32), nullable=True))
        batch.add_column(
            sa.Column("impact_corrected_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("impact_corrected_by", sa.String(254), nullable=True))
        batch.add_column(sa.Column("text_removed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint(
            "ck_feedback_original_impact",
            f"original_impact IS NULL OR original_impact IN ({IMPACTS})",
        )
        batch.create_index("ix_feedback_review_created", ["review_status", "created_at"])


def downgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.drop_index("ix_feedback_review_created")
        batch.drop_constraint("ck_feedback_original_impact", type_="check")
        for column in (
            "text_removed_at",
            "impact_corrected_by",
            "impact_corrected_at",
            "original_impact",
            "reviewed_by",
            "reviewed_at",
        ):
            batch.drop_column(column)
        batch.add_column(sa.Column("staff_notes", sa.Text, nullable=True))
    op.drop_table("feedback_note")
    op.drop_table("we_did_update")
    op.drop_table("audit_event")
    op.drop_table("staff_user")
