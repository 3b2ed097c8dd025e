"""Acceptance: a risk outside appetite accepted, for the partnership or a partner, by a named
person with a justification until an expiry date

A new table only: no existing row changes meaning (a register before this schema has no
acceptance, so every risk outside appetite stays outside it).

Revision ID: 0011_acceptance
Revises: 0010_appetite_levels
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_acceptance"
down_revision: str | None = "0010_appetite_levels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("accepted_by", sa.String(200), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("expires_on > accepted_on", name="ck_risk_acceptance_expiry"),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"],
                                name="fk_risk_acceptance_risk_id_risk"),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"],
                                name="fk_risk_acceptance_partner_id_partner"),
        sa.PrimaryKeyConstraint("id", name="pk_risk_acceptance"),
        sa.UniqueConstraint("uuid", name="uq_risk_acceptance_uuid"),
    )  # fmt: skip
    op.create_index("ix_risk_acceptance_risk_id", "risk_acceptance", ["risk_id"])


def downgrade() -> None:
    op.drop_index("ix_risk_acceptance_risk_id", table_name="risk_acceptance")
    op.drop_table("risk_acceptance")
