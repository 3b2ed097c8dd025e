"""One escalation truth: the status "Escalated" goes; how far a risk is escalated is its
level on the escalation ladder alone

A risk with the status Escalated becomes Open; one still at the ladder's first level
(Operational) moves to the next, the joint management team, with the reason logged. Each
move is one change set in the register's history, as if a user had made it, so the history
says why the risk stands where it does. On a server set up for partners the server's own
triggers log the moves, and the change set they open is given the same summary.

Revision ID: 0008_one_escalation
Revises: 0007_export_base
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008_one_escalation"
down_revision: str | None = "0007_export_base"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST, NEXT = "Operational", "Joint management team"
REASON = (
    'Its status was "Escalated" (before schema 0008, which keeps escalation on the ladder '
    "alone): moved from Operational to the joint management team"
)
SOURCE = "upgrade to schema 0008"


def _summary(count: int) -> str:
    risks = "1 risk" if count == 1 else f"{count} risks"
    return f'Status "Escalated" moved onto the escalation ladder ({risks})'


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
    rows = bind.execute(
        sa.text("SELECT id, uuid, ref, escalation FROM risk WHERE status = 'Escalated' ORDER BY id")
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
    changes: list[tuple[str, str, str, str | None, str]] = []
    for _rid, uuid, ref, level in rows:
        changes.append((uuid, ref, "status", "Escalated", "Open"))
        if level == FIRST:
            changes.append((uuid, ref, "escalation", FIRST, NEXT))
            changes.append((uuid, ref, "escalation_reason", None, REASON))
    bind.execute(
        sa.text(
            "INSERT INTO change (change_set_id, entity, entity_uuid, entity_ref, field, old, new) "
            "VALUES (:sid, 'risk', :uuid, :ref, :field, :old, :new)"
        ),
        [
            {"sid": change_set, "uuid": u, "ref": r, "field": f, "old": o, "new": n}
            for u, r, f, o, n in changes
        ],
    )
    _move(bind)


def _move(bind: sa.Connection) -> None:
    bind.execute(
        sa.text(
            "UPDATE risk SET status = 'Open', version = version + 1, escalation = CASE "
            "WHEN escalation = :first THEN :next ELSE escalation END WHERE status = 'Escalated'"
        ),
        {"first": FIRST, "next": NEXT},
    )


def _upgrade_on_set_up_server(bind: sa.Connection, rows: Sequence[Any]) -> None:
    """The server's triggers log the moved columns; the reason, which is no column, is
    logged through the server's own log function, and its change set says what it was."""
    _move(bind)
    for _rid, uuid, ref, level in rows:
        if level == FIRST:
            bind.execute(
                sa.text(
                    "SELECT riskreg_internal.log('risk', :uuid, :ref, 'escalation_reason', "
                    "NULL, :reason)"
                ),
                {"uuid": uuid, "ref": ref, "reason": REASON},
            )
    bind.execute(
        sa.text(
            'UPDATE change_set SET source = :source, summary = :summary, "user" = '
            "'schema upgrade' WHERE id = riskreg_internal.current_change_set()"
        ),
        {"source": SOURCE, "summary": _summary(len(rows))},
    )


def downgrade() -> None:
    """Nothing to undo: the ladder keeps what the status said, and an older version reads
    every status this one writes."""
