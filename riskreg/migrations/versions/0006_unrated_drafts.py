"""Unrated drafts: a Draft's inherent and current scores may be empty until it is scored;
every other status needs both (a CHECK constraint, so a server login cannot break it)

On SQLite the risk table is rebuilt (it cannot drop NOT NULL in place). Its children are
set aside first: dropping a table that rows of ``action`` and ``risk_share`` still refer to
would fail (foreign keys are on, and cannot be turned off inside the upgrade's one
transaction), so they are copied out, emptied, and copied back once the table is rebuilt.

Revision ID: 0006_unrated_drafts
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_unrated_drafts"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCORES = ("inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact")
RATED = (
    "status = 'Draft' OR (inherent_likelihood IS NOT NULL AND inherent_impact IS NOT NULL "
    "AND current_likelihood IS NOT NULL AND current_impact IS NOT NULL)"
)
CHILDREN = ("risk_share", "action")


def _rebuild_risk(nullable: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for child in CHILDREN:
            op.execute(f"CREATE TEMP TABLE _keep_{child} AS SELECT * FROM {child}")
            op.execute(f"DELETE FROM {child}")
    with op.batch_alter_table("risk", schema=None) as batch_op:
        for name in SCORES:
            batch_op.alter_column(name, existing_type=sa.Integer(), nullable=nullable)
        if nullable:
            batch_op.create_check_constraint("ck_risk_rated", RATED)
        else:
            batch_op.drop_constraint("ck_risk_rated", type_="check")
    if sqlite:
        for child in CHILDREN:
            op.execute(f"INSERT INTO {child} SELECT * FROM _keep_{child}")
            op.execute(f"DROP TABLE _keep_{child}")


def upgrade() -> None:
    _rebuild_risk(nullable=True)


def downgrade() -> None:
    unrated = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM risk WHERE " + " OR ".join(f"{n} IS NULL" for n in SCORES)
            )
        )
        .scalar_one()
    )
    if unrated:  # an older schema cannot hold them; nothing is made up for them
        raise RuntimeError(f"{unrated} drafts are unrated; score them before going back")
    _rebuild_risk(nullable=False)
