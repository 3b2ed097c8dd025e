"""The meeting pack's content, gathered through the services (no Qt here).

One value holds everything the pack prints, so the PDF is a rendering of data that tests
can check directly. Two rules shape it:

- **Audience** (``riskreg.audience``): every list, map and figure is made of the risks the
  pack's readers may see — by default the joint risks only — so an Internal risk never
  reaches a pack meant for anyone but its lead partner (or the keeper's internal pack).
- **Direction of travel** (``riskreg.travel``): the trends of the top risks, the "score
  up / down" lists, the movement map and the summary's counts are all read from one
  ``Travel``, since the latest joint review (or a chosen date; before any review, since each
  risk's last score change), so they cannot disagree.

Threats and opportunities are apart: the maps (register, movement, partners), the top
risks, appetite, escalation proposals, band counts and exposure are about threats; the
opportunities have a section of their own (their map, in the opportunity palette, and the
top opportunities). Lists that are about every risk whatever its type (changes since the
review, escalated risks, reviews overdue, unrated drafts) hold both, each marked by type.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from riskreg.acceptance import JudgedReason
from riskreg.audience import Audience
from riskreg.choices import RiskKind, RiskStatus
from riskreg.governance import (
    AppetiteJudgement,
    AppetiteState,
    Exposure,
    Outlines,
    SnapshotChange,
    exposure_by_partner,
)
from riskreg.heatmap import Basis, HeatFilter, HeatMap, Movement, PlacedRisk
from riskreg.records import (
    ActionRecord,
    ChangesSummary,
    PartnerRecord,
    ReviewRecord,
    RiskRecord,
)
from riskreg.scoring import ScoringScheme
from riskreg.service import RegisterService
from riskreg.travel import BasisKind, Travel, TravelBasis

TOP_RISKS = 15
DEFAULT_DAYS = 90
"""Without a joint review or a date, "new" and "closed" count from this many days back."""
COVERED_BY_TRAVEL = frozenset({"current score", "closed", "new since the review"})
"""Snapshot differences the pack reads from the direction of travel instead."""


@dataclass(frozen=True)
class MapPage:
    heat: HeatMap
    key: tuple[PlacedRisk, ...]
    arrows: tuple[Movement, ...] = ()
    heading: str = ""
    outlined: Outlines = field(default_factory=dict)
    """Cells holding a risk above appetite, with the worst state there."""
    arrows_label: str = ""
    key_notes: dict[str, str] = field(default_factory=dict)
    """Put before a risk's title in the key (a movement map: where it moved from)."""
    kind: str = "register"
    """"register" (with its key), "movement", "partner" (no key: two to a page) or
    "opportunity" (with its key)."""
    partner: str = ""
    """A partner's map: whose."""
    footnote: str = ""


@dataclass(frozen=True, slots=True)
class BandCount:
    band: str
    colour: str
    now: int
    then: int


@dataclass(frozen=True)
class MeetingPack:
    register_name: str
    on: date
    since: date
    """Where "new" and "closed" count from: the review's date, the chosen date, or
    ``DEFAULT_DAYS`` back."""
    partners: tuple[PartnerRecord, ...]
    maps: tuple[MapPage, ...]
    top_risks: tuple[tuple[RiskRecord, int], ...]
    """Risks by current score, highest first, with their direction of travel (+1, 0, -1)."""
    outside_appetite: tuple[tuple[RiskRecord, AppetiteJudgement], ...]
    """Risks above the appetite of the partnership or of a partner that leads or shares
    them, each with its state (above appetite, or a breach of tolerance) and reasons."""
    overdue_by_partner: dict[str, tuple[ActionRecord, ...]]
    changes: ChangesSummary
    """New, closed, up and down since the basis (the up and down lists are the travel's)."""
    escalated: tuple[RiskRecord, ...] = ()

    def appetite_counts(self) -> tuple[int, int]:
        """How many risks are above appetite within tolerance, and how many breach it."""
        breaches = sum(j.state is AppetiteState.BREACH for _, j in self.outside_appetite)
        return len(self.outside_appetite) - breaches, breaches

    proposals: tuple[tuple[RiskRecord, str], ...] = ()
    """Risks proposed for escalation, with why."""
    reviews_overdue: tuple[RiskRecord, ...] = ()
    exposures: tuple[Exposure, ...] = ()
    last_review: ReviewRecord | None = None
    since_review: tuple[SnapshotChange, ...] = ()
    """What else changed since the latest joint review's snapshot (owner, lead, escalation,
    status) for the risks the audience sees."""
    audience: Audience = field(default_factory=Audience)
    travel: Travel = field(default_factory=lambda: Travel(TravelBasis.last_change()))
    """The direction of travel of the risks the audience sees."""
    scheme: ScoringScheme = field(default_factory=ScoringScheme.default)
    next_actions: dict[str, ActionRecord] = field(default_factory=dict)
    """Each top risk's next open action (the earliest due), by risk uuid."""
    band_counts: tuple[BandCount, ...] = ()
    """Open risks per band now and at the basis, highest band first."""
    risks_by_uuid: dict[str, RiskRecord] = field(default_factory=dict)
    """Every risk the audience sees (closed ones too), by uuid."""
    author: str = ""
    keeper: str = ""
    quiet_partners: tuple[str, ...] = ()
    """Partners that lead or share no open risk the audience sees (no map: one line)."""
    unrated: tuple[RiskRecord, ...] = ()
    """Drafts not scored yet: on no heat map and in no ranking, so listed apart."""
    opportunity_map: MapPage | None = None
    """The open opportunities' map (none when the audience sees no rated opportunity)."""
    top_opportunities: tuple[tuple[RiskRecord, int], ...] = ()
    """Opportunities by current score, highest first, with their direction of travel."""
    accepted: tuple[tuple[RiskRecord, JudgedReason], ...] = ()
    """Reasons outside appetite an acceptance covers on the pack's day: who, why, until."""

    @property
    def basis(self) -> TravelBasis:
        return self.travel.basis

    def trend(self, risk: RiskRecord) -> str:
        """The trend cell of a risk, by the one rule of ``riskreg.travel``: "▲ up from 9",
        "▼ down from 16", "= same" (moved, back at its score), "new", or, for a risk that
        has not moved, "no change" (before any review: nothing)."""
        word = self.travel.arrow(risk.uuid)
        then = self.score_then(risk)
        if word in ("▲ up", "▼ down") and then is not None:
            return f"{word} from {then}"
        if not word and self.basis.kind is not BasisKind.LAST_CHANGE:
            return "no change"
        return word

    def score_then(self, risk: RiskRecord) -> int | None:
        if risk.current_likelihood is None or risk.current_impact is None:
            return None
        position = self.travel.position_then(
            risk.uuid, (risk.current_likelihood, risk.current_impact)
        )
        return None if position is None else position[0] * position[1]

    def band_of(self, risk: RiskRecord) -> str:
        band = self.scheme.band_or_none(risk.current_likelihood, risk.current_impact)
        return band.name if band else "unrated"


def gather_pack(
    service: RegisterService, since: date | None = None, audience: Audience | None = None
) -> MeetingPack:
    """Everything the pack prints for ``audience`` (default: joint risks only). Without
    ``since``, changes are counted from the latest joint review (or, before any review,
    trends are each risk's last change and new or closed risks count from 90 days back)."""
    audience = audience or Audience.joint()
    today = service.today()
    reviews = service.list_reviews()
    last_review = reviews[-1] if reviews else None
    if since is not None:
        basis = TravelBasis.since_date(since)
    elif last_review is not None:
        basis = TravelBasis.since_review(last_review)
        since = last_review.held_on
    else:
        basis = TravelBasis.last_change()
        since = today - timedelta(days=DEFAULT_DAYS)
    info = service.register_info()
    scheme = info.scheme
    partners = tuple(p for p in service.list_partners() if p.active)
    all_risks = service.list_risks()
    seen = [r for r in all_risks if audience.admits(r.visibility, r.lead_partner)]
    by_uuid = {r.uuid: r for r in seen}
    travel = _restricted(service.direction_of_travel(basis), by_uuid)
    risks = [r for r in seen if r.status is not RiskStatus.CLOSED]
    threats = [r for r in risks if r.kind is RiskKind.THREAT]
    opportunities = [r for r in risks if r.kind is RiskKind.OPPORTUNITY]

    maps = _maps(service, audience, partners, travel, threats)
    rated = [r for r in threats if r.current_score is not None]
    top = sorted(rated, key=lambda r: (-(r.current_score or 0), r.number))[:TOP_RISKS]
    rated_opportunities = [r for r in opportunities if r.current_score is not None]
    top_opportunities = sorted(
        rated_opportunities, key=lambda r: (-(r.current_score or 0), r.number)
    )[:TOP_RISKS]
    actions = [a for a in service.list_actions() if a.risk_uuid in by_uuid]
    breaches = service.appetite_breaches()
    outside = [(r, breaches[r.uuid]) for r in risks if r.uuid in breaches]
    accepted = [(r, j) for r, j in service.accepted_reasons() if r.uuid in by_uuid]
    overdue: dict[str, list[ActionRecord]] = defaultdict(list)
    for action in actions:
        if action.is_overdue(today):
            overdue[action.partner].append(action)
    changes = _changes(service, travel, by_uuid, since)
    since_review: tuple[SnapshotChange, ...] = ()
    if last_review is not None and basis.kind is BasisKind.REVIEW:
        refs = {r.ref for r in seen}
        since_review = tuple(
            c for c in service.compare_review(last_review.id)
            if c.ref in refs and c.what not in COVERED_BY_TRAVEL
        )  # fmt: skip
    keeper = next((p.name for p in partners if p.code == info.keeper_code), "")
    return MeetingPack(
        register_name=info.name,
        on=today,
        since=since,
        partners=partners,
        maps=tuple(maps),
        top_risks=tuple((r, travel.directions.get(r.uuid, 0)) for r in top),
        outside_appetite=tuple(outside),
        accepted=tuple(accepted),
        overdue_by_partner={k: tuple(v) for k, v in sorted(overdue.items())},
        changes=changes,
        escalated=tuple(r for r in risks if r.escalation.value != "Operational"),
        proposals=tuple(
            (r, why) for r, why in service.escalation_proposals(today) if r.uuid in by_uuid
        ),
        reviews_overdue=tuple(
            sorted(
                (r for r in risks if r.next_review and r.next_review < today),
                key=lambda r: (r.next_review or today, r.number),
            )
        ),
        exposures=tuple(exposure_by_partner(threats)),
        last_review=last_review,
        since_review=since_review,
        audience=audience,
        travel=travel,
        scheme=scheme,
        next_actions=_next_actions(actions, {r.uuid for r in (*top, *top_opportunities)}),
        band_counts=_band_counts(
            scheme, threats, [r for r in seen if r.kind is RiskKind.THREAT], travel
        ),
        risks_by_uuid=by_uuid,
        author=service.actor.user,
        keeper=keeper,
        quiet_partners=tuple(p.code for p in partners if p.code not in {m.partner for m in maps}),
        unrated=tuple(r for r in risks if r.unrated),
        opportunity_map=_opportunity_map(service, audience) if rated_opportunities else None,
        top_opportunities=tuple((r, travel.directions.get(r.uuid, 0)) for r in top_opportunities),
    )


def _opportunity_map(service: RegisterService, audience: Audience) -> MapPage:
    wanted = HeatFilter(audience=audience, kind=RiskKind.OPPORTUNITY)
    return MapPage(service.heat_map(Basis.CURRENT, wanted),
                   tuple(service.placed_risks(Basis.CURRENT, wanted)),
                   heading="Opportunities", kind="opportunity",
                   footnote="Opportunities are coloured pale to strong blue by band: the "
                            "higher, the more the partnership stands to gain.")  # fmt: skip


def _restricted(travel: Travel, seen: dict[str, RiskRecord]) -> Travel:
    """The travel of the risks the audience sees, and no other."""
    return Travel(
        travel.basis,
        {u: d for u, d in travel.directions.items() if u in seen},
        {u: p for u, p in travel.then.items() if u in seen},
        frozenset(u for u in travel.new if u in seen),
        frozenset(u for u in travel.closed if u in seen),
        {u: s for u, s in travel.status_then.items() if u in seen},
    )


def _maps(
    service: RegisterService,
    audience: Audience,
    partners: tuple[PartnerRecord, ...],
    travel: Travel,
    risks: list[RiskRecord],
) -> list[MapPage]:
    wanted = HeatFilter(audience=audience)
    heat = service.heat_map(Basis.CURRENT, wanted)
    key = tuple(service.placed_risks(Basis.CURRENT, wanted))
    maps = [
        MapPage(heat, key, heading=_register_heading(audience),
                outlined=service.appetite_cells(Basis.CURRENT, wanted))
    ]  # fmt: skip
    moved = [
        (r, then, (r.current_likelihood, r.current_impact))
        for r in risks
        if (then := travel.then.get(r.uuid)) is not None
        and r.current_likelihood is not None
        and r.current_impact is not None
    ]
    register_heading = maps[0].heading
    if moved:
        maps.append(
            MapPage(heat, (), tuple(Movement(r.ref, then, now) for r, then, now in moved),
                    heading=f"Movement {travel.basis.label}",
                    arrows_label=_moves_label(travel.basis), kind="movement",
                    footnote="Each move, with the score then and now, is listed under the "
                             "changes in this pack.")
        )  # fmt: skip
    for partner in partners:
        of_partner = HeatFilter(partner=partner.code, audience=audience)
        placed = tuple(service.placed_risks(Basis.CURRENT, of_partner))
        if not placed:
            continue  # said in one line on the summary page
        maps.append(
            MapPage(service.heat_map(Basis.CURRENT, of_partner), (),
                    heading=f"{partner.name} ({partner.code}): risks it leads or shares",
                    outlined=service.appetite_cells(Basis.CURRENT, of_partner), kind="partner",
                    partner=partner.code,
                    footnote=f"Titles: the key of “{register_heading}”.")
        )  # fmt: skip
    return maps


def _register_heading(audience: Audience) -> str:
    if audience.partner:
        return f"The register for {audience.partner}: joint risks and its internal risks"
    if audience.restricted:
        return "The whole register: joint and internal risks"
    return "The joint register"


def _moves_label(basis: TravelBasis) -> str:
    if basis.kind is BasisKind.LAST_CHANGE:
        return "each risk's last score change"
    return basis.label.replace("since", "moves since", 1)


def _changes(
    service: RegisterService, travel: Travel, seen: dict[str, RiskRecord], since: date
) -> ChangesSummary:
    moment = datetime.combine(since, time(0), tzinfo=UTC)
    if travel.basis.kind is BasisKind.LAST_CHANGE:  # no review: new and closed by date
        dated = service.changes_since(moment)
        refs = {r.ref for r in seen.values()}
        new = tuple(ref for ref in dated.new if ref in refs)
        closed = tuple(ref for ref in dated.closed if ref in refs)
    else:
        new = _refs(seen, travel.new)
        closed = _refs(seen, travel.closed)
    moved = {u for u in travel.directions if u not in travel.new}
    return ChangesSummary(
        since=moment,
        new=new,
        closed=closed,
        score_up=_refs(seen, {u for u in moved if travel.directions[u] > 0}),
        score_down=_refs(seen, {u for u in moved if travel.directions[u] < 0}),
    )


def _refs(seen: dict[str, RiskRecord], uuids: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(r.ref for r in sorted((seen[u] for u in uuids if u in seen),
                                       key=lambda r: r.number))  # fmt: skip


def _next_actions(actions: list[ActionRecord], wanted: set[str]) -> dict[str, ActionRecord]:
    """Each wanted risk's open action due first (one without a date comes last)."""
    best: dict[str, ActionRecord] = {}
    for action in actions:
        if action.risk_uuid not in wanted or not action.is_open:
            continue
        current = best.get(action.risk_uuid)
        if current is None or (action.due_date or date.max, action.number) < (
            current.due_date or date.max,
            current.number,
        ):
            best[action.risk_uuid] = action
    return best


def _band_counts(
    scheme: ScoringScheme, risks: list[RiskRecord], seen: list[RiskRecord], travel: Travel
) -> tuple[BandCount, ...]:
    now: dict[int, int] = defaultdict(int)
    then: dict[int, int] = defaultdict(int)
    for risk in risks:
        if risk.current_likelihood is not None and risk.current_impact is not None:
            now[scheme.band_index(risk.current_likelihood, risk.current_impact)] += 1
    for risk in seen:
        if not travel.was_open(risk.uuid, risk.status):
            continue
        if risk.current_likelihood is None or risk.current_impact is None:
            continue  # unrated now: where it stood then is not in the change log's reach
        position = travel.position_then(risk.uuid, (risk.current_likelihood, risk.current_impact))
        if position is not None:
            then[scheme.band_index(*position)] += 1
    return tuple(
        BandCount(band.name, band.colour, now[index], then[index])
        for index, band in reversed(list(enumerate(scheme.bands)))
    )
