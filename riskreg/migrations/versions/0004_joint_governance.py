"""Joint governance: escalation level, partner appetite, joint review snapshots

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalation", sa.String(40), nullable=False, server_default="Operational")
        )
    with op.batch_alter_table("register", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalate_after_days", sa.Integer(), nullable=False, server_default="90")
        )
    op.create_table(
        "partner_appetite",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"],
                                name="fk_partner_appetite_category_id_category"),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"],
                                name="fk_partner_appetite_partner_id_partner"),
        sa.PrimaryKeyConstraint("partner_id", "category_id", name="pk_partner_appetite"),
    )  # fmt: skip
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review"),
        sa.UniqueConstraint("uuid", name="uq_review_uuid"),
    )


def downgrade() -> None:
    op.drop_table("review")
    op.drop_table("partner_appetite")
    with op.batch_alter_table("register", schema=None) as batch_op:
        batch_op.drop_column("escalate_after_days")
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_column("escalation")
