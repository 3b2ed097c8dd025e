"""The database login of each change set, for registers on a server; the keeper's
foreign key where 0001 could not make it (``use_alter`` is not applied by create_table on a
server, only SQLite put it in the table)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


KEEPER_FK = "fk_register_keeper_partner_id_partner"


def upgrade() -> None:
    with op.batch_alter_table("change_set", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(200), nullable=False, server_default=""))
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        names = {fk["name"] for fk in sa.inspect(bind).get_foreign_keys("register")}
        if KEEPER_FK not in names:
            op.create_foreign_key(KEEPER_FK, "register", "partner", ["keeper_partner_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("change_set", schema=None) as batch_op:
        batch_op.drop_column("login")
