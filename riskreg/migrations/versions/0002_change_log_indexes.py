"""Indexes for reading the change log: a risk's history and changes since a date

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index("ix_change_entity_uuid", ["entity_uuid"], unique=False)
    with op.batch_alter_table("change_set", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_set_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("change_set", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_set_at"))
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index("ix_change_entity_uuid")
