"""Opportunities: a risk is a threat or an opportunity

Every existing risk becomes a threat, except those whose response was "Exploit" (before
this schema the only way to record an opportunity), which become opportunities.

Revision ID: 0009_opportunities
Revises: 0008_one_escalation
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_opportunities"
down_revision: str | None = "0008_one_escalation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(12), nullable=False, server_default="Threat")
        )


def downgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_column("kind")
