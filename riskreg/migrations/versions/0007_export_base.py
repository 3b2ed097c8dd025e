"""The merge base held by the register: one row per export with every exported row's
values (compressed) and the digest of the key its workbook carries

Revision ID: 0007_export_base
Revises: 0006_unrated_drafts
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_export_base"
down_revision: str | None = "0006_unrated_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "export_base",
        sa.Column("export_id", sa.String(36), nullable=False),
        sa.Column("key_digest", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["export_id"], ["export_log.export_id"],
                                name="fk_export_base_export_id_export_log"),
        sa.PrimaryKeyConstraint("export_id", name="pk_export_base"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("export_base")
