"""What the services do differently on a server that keeps the change log itself (after
``server-setup``): the hooks the unit of work calls, each a no-op on a file.

There the server's triggers write every change, bump the revision and hand out ids, refs
and counters; the application must then not write them a second time. It adds its own
words to the change set the server wrote (``finish``), leaves the register's counters to
the server, and removes rows through ``riskreg_remove`` (partner roles hold no DELETE
privilege: it would let them lock a whole table).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from riskreg.server.functions import NOTE_FIELDS

_FLAG = "riskreg_server_keeps_log"
_FINISH = "public.riskreg_finish(text,text,text,text,timestamp without time zone,jsonb)"
_COUNTERS = ("revision", "next_risk_number", "next_action_number")


def server_keeps_log(session: Session) -> bool:
    """Ask once per write (the server may have been set up since the register was opened);
    from then on this session leaves the register's counters to the server."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    kept = bool(session.execute(text(f"SELECT to_regprocedure('{_FINISH}') IS NOT NULL")).scalar())
    if kept and not session.info.get(_FLAG):
        session.info[_FLAG] = True
        event.listen(session, "before_flush", _leave_counters_to_the_server)
    return kept


def _leave_counters_to_the_server(session: Session, *_: Any) -> None:
    """The services count refs up on the register row; the server already has."""
    from riskreg.model import Register

    for obj in session.dirty:
        if isinstance(obj, Register):
            state = inspect(obj)
            for key in _COUNTERS:
                if state.attrs[key].history.has_changes():
                    set_committed_value(obj, key, getattr(obj, key))


def finish(
    session: Session,
    *,
    user: str,
    source: str,
    summary: str,
    partner: str,
    at: datetime,
    changes: Sequence[tuple[str, str, str, str, str | None, str | None]],
) -> int | None:
    """The application's words for the change set the server wrote in this transaction,
    and its notes (``NOTE_FIELDS``: facts that are no column). Returns the change set's
    revision, or None when nothing changed (there is then no change set)."""
    session.flush()
    notes = [
        {"entity": entity, "uuid": uuid, "field": field, "old": old, "new": new}
        for entity, uuid, _, field, old, new in changes
        if entity == "risk" and field in NOTE_FIELDS
    ]
    revision = session.execute(
        text("SELECT public.riskreg_finish(:user, :source, :summary, :partner, :at, "
             "CAST(:notes AS jsonb))"),
        {"user": user, "source": source, "summary": summary, "partner": partner, "at": at,
         "notes": json.dumps(notes)},
    ).scalar()  # fmt: skip
    return None if revision is None else int(revision)


def logged_rows(
    session: Session, revision: int, *, most: int = 2_000
) -> list[tuple[str, str, str, str]] | None:
    """What the server logged in this transaction's change set (entity, uuid, ref, field),
    as the service reads other users' commits: this user's announcement is built from the
    same rows. None when there are more than ``most`` (say everything changed)."""
    from riskreg.model import Change, ChangeSet

    rows = session.execute(
        select(Change.entity, Change.entity_uuid, Change.entity_ref, Change.field)
        .join(ChangeSet, Change.change_set_id == ChangeSet.id)
        .where(ChangeSet.revision == revision)
        .distinct()
        .limit(most + 1)
    ).all()
    if len(rows) > most:
        return None
    return [(entity, uuid, ref, name) for entity, uuid, ref, name in rows]


def delete_row(session: Session, row: object) -> None:
    """Remove a partner, category or partner appetite the services would delete."""
    from riskreg.model import Category, Partner, PartnerAppetite

    if not session.info.get(_FLAG):
        session.delete(row)
        return
    if isinstance(row, Partner):
        key: tuple[str, int, int | None] = ("partner", row.id, None)
    elif isinstance(row, Category):
        key = ("category", row.id, None)
    elif isinstance(row, PartnerAppetite):
        key = ("appetite", row.partner_id, row.category_id)
    else:  # pragma: no cover - the services remove nothing else
        raise TypeError(f"{type(row).__name__} rows are never removed")
    session.execute(text("SELECT public.riskreg_remove(:kind, :a, :b)"),
                    {"kind": key[0], "a": key[1], "b": key[2]})  # fmt: skip
    session.expunge(row)


def remove_share(session: Session, risk: Any, share: Any) -> None:
    """Take one partner's share off a risk (``risk.shares.remove(share)`` on a file)."""
    if not session.info.get(_FLAG):
        risk.shares.remove(share)
        return
    session.execute(text("SELECT public.riskreg_remove('share', :risk, :partner)"),
                    {"risk": share.risk_id, "partner": share.partner_id})  # fmt: skip
    kept = [s for s in risk.shares if s is not share]
    session.expunge(share)
    set_committed_value(risk, "shares", kept)
