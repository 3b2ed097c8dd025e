"""Indexes for overdue actions (by due date) and trends (change log by field)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index("ix_action_due_date", ["due_date"], unique=False)
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index("ix_change_field", ["field"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index("ix_change_field")
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_due_date")
