"""Opportunities: a risk is a threat or an opportunity

Every existing risk becomes a threat, except those whose response was "Exploit" (before
this schema the only way to record an opportunity), which become opportunities. That move
is one change set in the register's history, as if a user had made it, so the history says
why a risk is an opportunity. On a server set up for partners the server's own log function
writes the changes, and the change set it opens is given the same summary.

Revision ID: 0009_opportunities
Revises: 0008_one_escalation
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009_opportunities"
down_revision: str | None = "0008_one_escalation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

THREAT, OPPORTUNITY = "Threat", "Opportunity"
WHERE_OPPORTUNITY = "response IN ('Exploit', 'Enhance', 'Share', 'Reject')"
"""Before this schema only Exploit could be stored; the others are PRINCE2's opportunity
responses too, so a file that holds one (made elsewhere) keeps its meaning as well."""
SOURCE = "upgrade to schema 0009"


def _summary(count: int) -> str:
    risks = "1 risk" if count == 1 else f"{count} risks"
    return f'Risks with the response "Exploit" recorded as opportunities ({risks})'


def _server_keeps_log(bind: sa.Connection) -> bool:
    if bind.dialect.name != "postgresql":
        return False
    found = bind.execute(
        sa.text(
            "SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = 'riskreg_internal' "
            "AND p.proname = 'change_set'"
        )
    ).first()
    return found is not None


def upgrade() -> None:
    bind = op.get_bind()
    # A server whose tables were made by this version and whose recorded revision is older
    # (restored from a dump, or set back by hand) has the column already: it is kept.
    if "kind" not in {c["name"] for c in sa.inspect(bind).get_columns("risk")}:
        with op.batch_alter_table("risk", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("kind", sa.String(12), nullable=False, server_default=THREAT)
            )
    rows = bind.execute(
        sa.text(f"SELECT uuid, ref FROM risk WHERE {WHERE_OPPORTUNITY} ORDER BY id"),
    ).all()
    if not rows:
        return
    if _server_keeps_log(bind):
        _upgrade_on_set_up_server(bind, rows)
        return
    revision = bind.execute(sa.text("SELECT revision FROM register")).scalar_one() + 1
    bind.execute(sa.text("UPDATE register SET revision = :r"), {"r": revision})
    bind.execute(
        sa.text(
            'INSERT INTO change_set (revision, at, "user", partner_code, source, summary, login) '
            "VALUES (:revision, :at, 'schema upgrade', '', :source, :summary, '')"
        ),
        {
            "revision": revision,
            "at": datetime.now(UTC).replace(tzinfo=None),
            "source": SOURCE,
            "summary": _summary(len(rows)),
        },
    )
    change_set = bind.execute(
        sa.text("SELECT id FROM change_set WHERE revision = :r"), {"r": revision}
    ).scalar_one()
    bind.execute(
        sa.text(
            "INSERT INTO change (change_set_id, entity, entity_uuid, entity_ref, field, old, new) "
            "VALUES (:sid, 'risk', :uuid, :ref, 'kind', :old, :new)"
        ),
        [
            {"sid": change_set, "uuid": uuid, "ref": ref, "old": THREAT, "new": OPPORTUNITY}
            for uuid, ref in rows
        ],
    )
    _move(bind)


def _move(bind: sa.Connection) -> None:
    bind.execute(
        sa.text(
            f"UPDATE risk SET kind = :opportunity, version = version + 1 WHERE {WHERE_OPPORTUNITY}"
        ),
        {"opportunity": OPPORTUNITY},
    )


def _upgrade_on_set_up_server(bind: sa.Connection, rows: Sequence[Any]) -> None:
    """The server's triggers bump the rows' versions; their log function was made before
    the column existed, so the move is logged through the server's own log function (which
    logs a field once per change set, whoever logs it first)."""
    _move(bind)
    for uuid, ref in rows:
        bind.execute(
            sa.text("SELECT riskreg_internal.log('risk', :uuid, :ref, 'kind', :old, :new)"),
            {"uuid": uuid, "ref": ref, "old": THREAT, "new": OPPORTUNITY},
        )
    # An upgrade over several schemas runs in one transaction, so one change set: an
    # earlier upgrade's words are kept and these added to them.
    bind.execute(
        sa.text(
            "UPDATE change_set SET "
            "source = CASE WHEN source LIKE 'upgrade to schema%' THEN source || ', 0009' "
            "ELSE :source END, "
            "summary = CASE WHEN source LIKE 'upgrade to schema%' THEN summary || '; ' || "
            ":summary ELSE :summary END, \"user\" = 'schema upgrade' "
            "WHERE id = riskreg_internal.current_change_set()"
        ),
        {"source": SOURCE, "summary": _summary(len(rows))},
    )


def downgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_column("kind")
