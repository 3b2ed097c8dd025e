"""The change log read back: a risk's history, trends, changes since a date, other
users' changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from riskreg.choices import RiskStatus
from riskreg.heatmap import HeatFilter, Movement, movements
from riskreg.model import (
    Action,
    Change,
    ChangeSet,
    Register,
    Review,
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
    heat_conditions,
    in_chunks,
    naive_utc,
    ref_key,
    review_record,
)
from riskreg.service.unit_of_work import (
    ServiceBase,
)
from riskreg.travel import (
    BasisKind,
    NowRow,
    Travel,
    TravelBasis,
    fold_last_change,
    fold_since,
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
        """Direction of travel per risk uuid (+1 up, -1 down, 0 back at the same score),
        by the one rule of ``direction_of_travel``; risks that did not move are left out."""
        return self.direction_of_travel().directions

    def latest_review_basis(self) -> TravelBasis:
        """Since the latest joint review, or since each risk's last change before any."""
        with self._read() as s:
            return _latest_review_basis(s)

    def direction_of_travel(
        self, basis: TravelBasis | None = None, *, among: Sequence[str] | None = None
    ) -> Travel:
        """How each risk's current score moved since ``basis`` (default: the latest joint
        review, or each risk's last change before any review), read from the change log:
        one query of the changes since, one of the moved risks' values now. ``among``
        (uuids) reads only those risks, for one row or one panel."""
        with self._read() as s:
            return travel_in(s, basis, among)

    def travel_movements(
        self, heat_filter: HeatFilter | None = None, basis: TravelBasis | None = None
    ) -> tuple[TravelBasis, list[Movement]]:
        """How the risks of a map moved by the direction-of-travel rule (default: since the
        latest joint review; before any review, at each risk's last score change): from
        where each stood then to its current position — the arrows the register table's
        trends, the history panel and the meeting pack agree with."""
        travel = self.direction_of_travel(basis)
        if not travel.then:
            return travel.basis, []
        heat_filter = heat_filter or HeatFilter()
        with self._read() as s:
            query = select(Risk.uuid, Risk.ref, Risk.current_likelihood, Risk.current_impact).where(
                *heat_conditions(s, heat_filter)
            )
            rows: Any = s.connection().execute(query.order_by(Risk.number)).all()
        moves = [
            (ref, *travel.then[uuid], lik, imp)
            for uuid, ref, lik, imp in rows
            if uuid in travel.then
        ]
        return travel.basis, movements(moves)

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


def _latest_review_basis(s: Session) -> TravelBasis:
    review = s.scalars(select(Review).order_by(Review.held_on.desc(), Review.id.desc())).first()
    return TravelBasis.since_review(review_record(review)) if review else TravelBasis.last_change()


_READ_ALL_ABOVE = 2_000
"""More moved risks than this: read every risk's score in one query rather than in slices."""


def _values_now(conn: Any, uuids: set[str]) -> dict[str, NowRow]:
    """Current likelihood, impact and status of these risks (those this login can see)."""
    if not uuids:
        return {}
    columns = select(Risk.uuid, Risk.current_likelihood, Risk.current_impact, Risk.status)
    if len(uuids) > _READ_ALL_ABOVE:
        rows = conn.execute(columns).all()
        return {u: (lik, imp, status) for u, lik, imp, status in rows if u in uuids}
    found: dict[str, NowRow] = {}
    for chunk in in_chunks(sorted(uuids)):
        for u, lik, imp, status in conn.execute(columns.where(Risk.uuid.in_(chunk))):
            found[u] = (lik, imp, status)
    return found


def history_in(s: Session, risk_uuid: str) -> list[ChangeRecord]:
    """Every change to a risk and to its actions, oldest first."""
    action_uuids = select(Action.uuid).join(Risk).where(Risk.uuid == risk_uuid)
    query = (
        change_query()
        .where(or_(Change.entity_uuid == risk_uuid, Change.entity_uuid.in_(action_uuids)))
        .order_by(Change.id)
    )
    return [ChangeRecord(*row) for row in s.execute(query)]


def travel_in(
    s: Session, basis: TravelBasis | None = None, among: Sequence[str] | None = None
) -> Travel:
    """The direction of travel (``riskreg.travel``) read in the caller's transaction: one
    query of the changes since the basis, one of the moved risks' values now; ``among``
    (uuids) only those risks, read in IN-list slices."""
    basis = basis or _latest_review_basis(s)
    conn = s.connection()
    wanted = None if among is None else list(among)
    if basis.kind is BasisKind.LAST_CHANGE:
        query = select(Change.entity_uuid, Change.change_set_id, Change.field, Change.old).where(
            Change.field.in_(SCORE_FIELDS), Change.entity == "risk"
        )
        newest_first: Any = _in_slices(conn, query, wanted, newest_first=True)
        return fold_last_change(newest_first, _values_now(conn, {row[0] for row in newest_first}))
    if basis.kind is BasisKind.REVIEW:
        cutoff = ChangeSet.revision > (basis.revision or 0)
    else:
        assert basis.on is not None
        cutoff = ChangeSet.at >= naive_utc(datetime.combine(basis.on, time(0), UTC))
    since_query = (
        select(Change.entity_uuid, Change.field, Change.old)
        .join(ChangeSet, Change.change_set_id == ChangeSet.id)
        .where(cutoff, Change.entity == "risk")
        .where(Change.field.in_((CREATED, "status", *SCORE_FIELDS)))
    )
    later: Any = _in_slices(conn, since_query, wanted, newest_first=False)
    return fold_since(basis, later, _values_now(conn, {row[0] for row in later}))


def _in_slices(conn: Any, query: Any, among: list[str] | None, newest_first: bool) -> list[Any]:
    """The change log rows of a query, of every risk or of ``among`` (read in IN-list
    slices), ordered by change id, oldest or newest first, whatever the slicing."""
    with_id = query.add_columns(Change.id)
    if among is None:
        order = Change.id.desc() if newest_first else Change.id
        rows = list(conn.execute(with_id.order_by(order)).all())
    else:
        rows = []
        for chunk in in_chunks(among):
            rows.extend(conn.execute(with_id.where(Change.entity_uuid.in_(chunk))).all())
        rows.sort(key=lambda row: row[-1], reverse=newest_first)
    return [tuple(row[:-1]) for row in rows]


def trends_in(s: Session, uuids: Sequence[str] | None = None) -> dict[str, int]:
    """Direction of travel per risk uuid (+1 up, -1 down, 0 back at the same score) by the
    one rule of ``travel_in``: of every risk, or of ``uuids`` only."""
    return travel_in(s, among=uuids).directions
