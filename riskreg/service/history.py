"""The change log read back: a risk's history, trends, changes since a date, other
users' changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from riskreg.choices import RiskStatus
from riskreg.model import (
    Action,
    Change,
    ChangeSet,
    Register,
    Risk,
)
from riskreg.records import (
    ChangeRecord,
    ChangesSummary,
)
from riskreg.service.changes import CREATED, Changes, changes_from_log
from riskreg.service.queries import (
    SCORE_FIELDS,
    change_query,
    in_chunks,
    naive_utc,
    ref_key,
)
from riskreg.service.unit_of_work import (
    ServiceBase,
)


class HistoryReads(ServiceBase):
    """The change log read back: a risk's history, trends, changes since a date, other
    users' changes."""

    def revision(self) -> int:
        """The register's revision: one cheap query, polled to notice other users' changes."""
        with self._read() as s:
            return int(s.scalar(select(Register.revision)) or 0)

    def changed_since(self, revision: int, *, most: int = 2_000) -> Changes:
        """What other users' commits after ``revision`` changed: the same ``Changes`` the
        service announces for its own commits, built by the same code from the change log.
        Everything, when more than ``most`` entries changed or one reaches further than rows
        (a removal, a row this login no longer sees)."""
        with self._read() as s:
            now = int(s.scalar(select(Register.revision)) or 0)
            rows = s.execute(
                select(Change.entity, Change.entity_uuid, Change.entity_ref, Change.field)
                .join(ChangeSet, Change.change_set_id == ChangeSet.id)
                .where(ChangeSet.revision > revision)
                .distinct()
                .limit(most + 1)
            ).all()
            if len(rows) > most:
                return Changes.of_everything(now, outside=True)
            entries: Any = rows
            return changes_from_log(s, now, entries, outside=True)

    def history(self, risk_uuid: str) -> list[ChangeRecord]:
        """Every change to a risk and to its actions, oldest first."""
        with self._read() as s:
            return history_in(s, risk_uuid)

    def changes_between(self, since: datetime, until: datetime | None = None) -> list[ChangeRecord]:
        with self._read() as s:
            query = change_query().where(ChangeSet.at >= naive_utc(since))
            if until is not None:
                query = query.where(ChangeSet.at < naive_utc(until))
            return [ChangeRecord(*row) for row in s.execute(query.order_by(Change.id))]

    def trends(self) -> dict[str, int]:
        """Direction of travel per risk uuid (see ``trends_in``)."""
        with self._read() as s:
            return trends_in(s)

    def changes_since(self, since: datetime) -> ChangesSummary:
        """New, closed, and up/down in current score since a date (e.g. the last meeting)."""
        cutoff = naive_utc(since)
        with self._read() as s:
            risks = {
                u: (ref, lik, imp, status)
                for u, ref, lik, imp, status in s.execute(
                    select(
                        Risk.uuid, Risk.ref, Risk.current_likelihood,
                        Risk.current_impact, Risk.status,
                    )
                )
            }  # fmt: skip
            rows = s.execute(
                select(Change.entity_uuid, Change.field, Change.old, Change.new)
                .join(ChangeSet, Change.change_set_id == ChangeSet.id)
                .where(ChangeSet.at >= cutoff, Change.entity == "risk")
                .where(Change.field.in_((CREATED, "status", *SCORE_FIELDS)))
                .order_by(Change.id)
            )
            new: set[str] = set()
            closed: set[str] = set()
            score_then: dict[str, dict[str, int]] = defaultdict(dict)
            for entity_uuid, field, old, value in rows:
                if field == CREATED:
                    new.add(entity_uuid)
                elif field == "status" and value == RiskStatus.CLOSED.value:
                    closed.add(entity_uuid)
                elif field in SCORE_FIELDS and old is not None:
                    score_then[entity_uuid].setdefault(field, int(old))
        up, down = [], []
        for entity_uuid, then_values in score_then.items():
            if entity_uuid in new or entity_uuid not in risks:
                continue
            ref, lik, imp, _ = risks[entity_uuid]
            if lik is None or imp is None:
                continue  # unrated now: neither up nor down
            then = then_values.get("current_likelihood", lik) * then_values.get(
                "current_impact", imp
            )
            if lik * imp > then:
                up.append(ref)
            elif lik * imp < then:
                down.append(ref)

        def refs(uuids: set[str]) -> tuple[str, ...]:
            return tuple(sorted((risks[u][0] for u in uuids if u in risks), key=ref_key))

        still_closed = {u for u in closed if risks.get(u, ("", 0, 0, None))[3] is RiskStatus.CLOSED}
        return ChangesSummary(
            since=since,
            new=refs(new),
            closed=refs(still_closed),
            score_up=tuple(sorted(up, key=ref_key)),
            score_down=tuple(sorted(down, key=ref_key)),
        )


def trends_in(s: Session, uuids: Sequence[str] | None = None) -> dict[str, int]:
    """Direction of travel per risk uuid: +1 score went up, -1 down, 0 back where it was;
    of every risk, or of ``uuids`` only (read in slices).

    Read from the change log: the last change set that moved the current score is undone
    on the current values, and the score before it is compared with the score now.
    Risks whose current score never changed are left out (no trend yet).
    """
    if uuids is not None:
        found: dict[str, int] = {}
        for chunk in in_chunks(list(uuids)):
            found.update(_trends_where(s, Change.entity_uuid.in_(chunk)))
        return found
    return _trends_where(s, None)


def _trends_where(s: Session, condition: Any) -> dict[str, int]:
    conn = s.connection()
    query = select(Change.entity_uuid, Change.change_set_id, Change.field, Change.old).where(
        Change.field.in_(SCORE_FIELDS), Change.entity == "risk"
    )
    if condition is not None:
        query = query.where(condition)
    rows = conn.execute(query.order_by(Change.id.desc())).all()
    latest_set: dict[str, int] = {}
    before: dict[str, dict[str, int]] = defaultdict(dict)
    for entity_uuid, set_id, field, old in rows:
        if latest_set.setdefault(entity_uuid, set_id) == set_id and old is not None:
            before[entity_uuid][field] = int(old)
    if not before:
        return {}
    moved = select(Change.entity_uuid).where(Change.field.in_(SCORE_FIELDS))
    if condition is not None:
        moved = moved.where(condition)
    current = conn.execute(
        select(Risk.uuid, Risk.current_likelihood, Risk.current_impact).where(Risk.uuid.in_(moved))
    ).all()
    trends = {}
    for entity_uuid, lik, imp in current:
        old_values = before.get(entity_uuid)
        if old_values is None or lik is None or imp is None:
            continue
        then = old_values.get("current_likelihood", lik) * old_values.get("current_impact", imp)
        trends[entity_uuid] = (lik * imp > then) - (lik * imp < then)
    return trends


def history_in(s: Session, risk_uuid: str) -> list[ChangeRecord]:
    """Every change to a risk and to its actions, oldest first."""
    action_uuids = select(Action.uuid).join(Risk).where(Risk.uuid == risk_uuid)
    query = (
        change_query()
        .where(or_(Change.entity_uuid == risk_uuid, Change.entity_uuid.in_(action_uuids)))
        .order_by(Change.id)
    )
    return [ChangeRecord(*row) for row in s.execute(query)]
