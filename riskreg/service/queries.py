"""Reads shared by the use cases: records built from column tuples, one query per table,
never per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, and_, cast, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from riskreg import risk_rows
from riskreg.audience import Audience, AudienceKind
from riskreg.choices import ActionStatus, Visibility
from riskreg.heatmap import Basis, HeatFilter, PlacedRisk
from riskreg.model import (
    Action,
    Category,
    Change,
    ChangeSet,
    Partner,
    PartnerAppetite,
    Register,
    Review,
    Risk,
    RiskAcceptance,
    RiskShare,
)
from riskreg.records import (
    AcceptanceRecord,
    ActionRecord,
    PartnerRecord,
    ReviewRecord,
    RiskRecord,
)
from riskreg.scoring import ScoringScheme

if TYPE_CHECKING:
    from riskreg.governance import AppetiteJudgement

# The risk row of ``risk_rows``: enums read as plain text (mapped by dict, 3× faster).
_R = Risk.__table__.c
_RISK_COLUMNS = tuple(
    type_coerce(_R[name], String) if name in risk_rows.ENUM_COLUMNS else _R[name]
    for name in risk_rows.COLUMNS
)
SCORE_FIELDS = ("current_likelihood", "current_impact")

BASIS_COLUMNS = {
    Basis.INHERENT: (Risk.inherent_likelihood, Risk.inherent_impact),
    Basis.CURRENT: (Risk.current_likelihood, Risk.current_impact),
    Basis.TARGET: (Risk.target_likelihood, Risk.target_impact),
}


def heat_conditions(s: Session, heat_filter: HeatFilter) -> list[Any]:
    conditions: list[Any] = [
        Risk.status.in_(sorted(heat_filter.statuses)),
        Risk.kind == heat_filter.kind,
    ]
    if heat_filter.partner:
        partner_id = s.scalar(select(Partner.id).where(Partner.code == heat_filter.partner))
        shared = select(RiskShare.risk_id).where(RiskShare.partner_id == partner_id)
        # an Internal risk is its lead partner's alone (riskreg.belonging), whatever shares
        # an older register gave it
        conditions.append(or_(Risk.lead_partner_id == partner_id,
                              and_(Risk.visibility != Visibility.INTERNAL,
                                   Risk.id.in_(shared))))  # fmt: skip
    if heat_filter.category:
        category_id = s.scalar(select(Category.id).where(Category.name == heat_filter.category))
        conditions.append(Risk.category_id == category_id)
    if heat_filter.visibility is not None:
        conditions.append(Risk.visibility == heat_filter.visibility)
    conditions.extend(audience_conditions(s, heat_filter.audience))
    return conditions


def audience_conditions(s: Session, audience: Audience) -> list[Any]:
    """The risks an audience may see (``Audience.admits`` as SQL): joint ones, plus the
    Internal risks of the partner a partner's paper is for, or every risk for the keeper's
    internal view."""
    if audience.kind is AudienceKind.INTERNAL:
        return []
    joint = Risk.visibility == Visibility.JOINT
    if audience.kind is AudienceKind.JOINT:
        return [joint]
    partner_id = s.scalar(select(Partner.id).where(Partner.code == audience.partner))
    return [or_(joint, Risk.lead_partner_id == partner_id)]


def naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def ref_key(ref: str) -> tuple[str, int]:
    prefix, _, number = ref.partition("-")
    return prefix, int(number) if number.isdigit() else 0


def change_query() -> Any:
    return select(
        ChangeSet.revision, ChangeSet.at, ChangeSet.user, ChangeSet.partner_code,
        ChangeSet.source, ChangeSet.summary, Change.entity, Change.entity_ref, Change.field,
        Change.old, Change.new, ChangeSet.login,
    ).join(ChangeSet, Change.change_set_id == ChangeSet.id)  # fmt: skip


def review_record(review: Review) -> ReviewRecord:
    return ReviewRecord(
        review.id, review.uuid, review.title, review.held_on,
        review.recorded_at.replace(tzinfo=UTC), review.user, review.revision,
        review.fingerprint, review.snapshot,
    )  # fmt: skip


def partner_records(s: Session, *, active_only: bool = False) -> list[PartnerRecord]:
    query = select(Partner.code, Partner.name, Partner.colour, Partner.contact, Partner.active)
    if active_only:
        query = query.where(Partner.active)
    return [PartnerRecord(*row) for row in s.execute(query.order_by(Partner.code))]


def partner_columns(partner: PartnerRecord) -> dict[str, Any]:
    return {
        "code": partner.code,
        "name": partner.name,
        "colour": partner.colour,
        "contact": partner.contact,
        "active": partner.active,
    }


def select_risks(
    s: Session,
    uuid: str | None,
    first: int | None = None,
    *,
    among: Sequence[str] | None = None,
    refs: Sequence[str] | None = None,
) -> list[RiskRecord]:
    """Risks as records: three Core queries, rows built positionally (no ORM loading).

    ``among`` (uuids) or ``refs`` pick some risks, read in slices that fit any IN list.
    """
    if among is not None or refs is not None:
        column, wanted = (_R.uuid, among) if among is not None else (_R.ref, refs)
        assert wanted is not None
        return [
            record
            for chunk in in_chunks(list(wanted))
            for record in _select_risks_where(s, column.in_(chunk), None)
        ]
    return _select_risks_where(s, _R.uuid == uuid if uuid is not None else None, first)


def _select_risks_where(s: Session, condition: Any, first: int | None) -> list[RiskRecord]:
    conn = s.connection()
    codes = dict(conn.execute(select(Partner.id, Partner.code)).all())
    categories: dict[int | None, str | None] = dict(
        conn.execute(select(Category.id, Category.name)).all()
    )
    categories[None] = None
    # Each risk's split comes back as one text ("APEX:60 CNCL:40").
    share_query = (
        select(
            RiskShare.risk_id,
            func.aggregate_strings(Partner.code + ":" + cast(RiskShare.percent, String), " "),
        )
        .join(Partner, Partner.id == RiskShare.partner_id)
        .group_by(RiskShare.risk_id)
    )
    risk_query = select(*_RISK_COLUMNS).order_by(_R.number)
    if condition is not None:
        risk_query = risk_query.where(condition)
        share_query = share_query.join(Risk, Risk.id == RiskShare.risk_id).where(condition)
    if first is not None:
        risk_query = risk_query.limit(first)
        page = select(_R.id).order_by(_R.number).limit(first).scalar_subquery()
        share_query = share_query.where(RiskShare.risk_id.in_(page))
    shares = risk_rows.parse_splits(conn.execute(share_query).all())
    rows: Any = conn.execute(risk_query).all()
    records = risk_rows.build_records(rows, codes, categories, shares)
    return with_acceptances(s, records, condition)


def with_acceptances(
    s: Session, records: list[RiskRecord], condition: Any = None
) -> list[RiskRecord]:
    """The records with their current acceptances: one query (a register holds few), and
    only the records that have one are rebuilt."""
    query = (
        select(Risk.uuid, RiskAcceptance.uuid, Partner.code, RiskAcceptance.accepted_by,
               RiskAcceptance.justification, RiskAcceptance.accepted_on,
               RiskAcceptance.expires_on, RiskAcceptance.version)
        .join(Risk, Risk.id == RiskAcceptance.risk_id)
        .outerjoin(Partner, Partner.id == RiskAcceptance.partner_id)
        .where(RiskAcceptance.withdrawn_on.is_(None))
    )  # fmt: skip
    if condition is not None:
        query = query.where(condition)
    found: dict[str, list[AcceptanceRecord]] = {}
    rows: Any = s.connection().execute(query)
    for risk_uuid, *values in rows:
        found.setdefault(risk_uuid, []).append(AcceptanceRecord(*values))
    if not found:
        return records
    return [
        r._replace(acceptances=tuple(sorted(got, key=lambda a: (a.scope is not None,
                                                                 a.scope or ""))))
        if (got := found.get(r.uuid)) else r
        for r in records
    ]  # fmt: skip


def select_actions(
    s: Session,
    *,
    risk_uuid: str | None = None,
    action_uuid: str | None = None,
    among: Sequence[str] | None = None,
) -> list[ActionRecord]:
    """Actions as records, in ref order; ``among`` (uuids) is read in IN-list slices."""
    query = (
        select(
            Action.uuid, Action.ref, Action.number, Risk.uuid, Risk.ref, Action.description,
            Partner.code, Action.owner, Action.due_date, Action.status, Action.progress,
            Action.completed_on, Action.version,
        )
        .join(Risk, Action.risk_id == Risk.id)
        .join(Partner, Action.partner_id == Partner.id)
        .order_by(Action.number)
    )  # fmt: skip
    if risk_uuid is not None:
        query = query.where(Risk.uuid == risk_uuid)
    if action_uuid is not None:
        query = query.where(Action.uuid == action_uuid)
    if among is not None:
        wanted = list(among)
        found: Any = [
            row
            for chunk in in_chunks(wanted)
            for row in s.execute(query.where(Action.uuid.in_(chunk)))
        ]
        return [ActionRecord(*row) for row in found]
    rows: Any = s.execute(query)
    return [ActionRecord(*row) for row in rows]


def in_chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """Slices small enough for an IN list on every backend."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


Appetites = tuple[dict[str, str | None], dict[tuple[str, str], str]]
"""The partnership's appetite level per category, and each partner's where it has one."""


def appetites(s: Session) -> Appetites:
    partnership = dict(s.execute(select(Category.name, Category.appetite)).all())
    rows = s.execute(
        select(Partner.code, Category.name, PartnerAppetite.level)
        .join(Partner, Partner.id == PartnerAppetite.partner_id)
        .join(Category, Category.id == PartnerAppetite.category_id)
    ).all()
    return partnership, {(code, category): level for code, category, level in rows}


def scheme_of(s: Session) -> ScoringScheme:
    return ScoringScheme.from_json(s.scalars(select(Register.scheme_json)).one())


def appetite_breaches_in(
    s: Session, today: date, risks: Sequence[RiskRecord] | None = None
) -> dict[str, AppetiteJudgement]:
    """Risks above the appetite of the partnership or of a partner in them and not accepted
    on ``today`` (uuid → the judgement: warning or breach, and why), read in the caller's
    transaction."""
    from riskreg.governance import appetite_breaches

    partnership, partners = appetites(s)
    if not any(partnership.values()) and not partners:
        return {}
    chosen = select_risks(s, None) if risks is None else risks
    return appetite_breaches(chosen, scheme_of(s), partnership, partners, today)


def placed_rows(s: Session, basis: Basis, heat_filter: HeatFilter) -> list[PlacedRisk]:
    """The risks of a heat map with what its printed key shows, in ref order."""
    lik, imp = BASIS_COLUMNS[basis]
    rows: Any = (
        s.connection()
        .execute(
            select(Risk.ref, Risk.number, Risk.title, Partner.code, lik, imp)
            .join(Partner, Partner.id == Risk.lead_partner_id)
            .where(*heat_conditions(s, heat_filter), lik.is_not(None), imp.is_not(None))
            .order_by(Risk.number)
        )
        .all()
    )
    return [PlacedRisk(*row) for row in rows]


def overdue_in(s: Session, today: date, uuids: Sequence[str] | None = None) -> set[str]:
    """Uuids of risks (of all, or of ``uuids``) with an open action past its due date."""
    open_states = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
    query = (
        select(Risk.uuid)
        .join(Action, Action.risk_id == Risk.id)
        .where(Action.status.in_(open_states), Action.due_date < today)
        .distinct()
    )
    if uuids is None:
        return set(s.execute(query).scalars())
    return {
        uuid
        for chunk in in_chunks(list(uuids))
        for uuid in s.scalars(query.where(Risk.uuid.in_(chunk)))
    }
