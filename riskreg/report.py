"""The meeting pack's content, gathered through the services (no Qt here).

One value holds everything the pack prints, so the PDF is a rendering of data that tests
can check directly: the heat maps, the top risks, risks outside appetite, overdue actions
by partner and the changes since a date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from riskreg.governance import Exposure, SnapshotChange
from riskreg.heatmap import Basis, HeatFilter, HeatMap, Movement, PlacedRisk
from riskreg.records import (
    ActionRecord,
    ChangesSummary,
    PartnerRecord,
    ReviewRecord,
    RiskRecord,
)
from riskreg.service import RegisterService

TOP_RISKS = 15


@dataclass(frozen=True)
class MapPage:
    heat: HeatMap
    key: tuple[PlacedRisk, ...]
    arrows: tuple[Movement, ...] = ()
    heading: str = ""
    outlined: frozenset[tuple[int, int]] = frozenset()
    """Cells holding a risk outside appetite."""


@dataclass(frozen=True)
class MeetingPack:
    register_name: str
    on: date
    since: date
    partners: tuple[PartnerRecord, ...]
    maps: tuple[MapPage, ...]
    top_risks: tuple[tuple[RiskRecord, int], ...]
    """Risks by current score, highest first, with their trend (+1, 0, -1)."""
    outside_appetite: tuple[tuple[RiskRecord, str], ...]
    """Risks above the appetite of the partnership or of a partner that leads or shares
    them, with the reasons ("outside appetite of APEX: High > Medium (Financial)")."""
    overdue_by_partner: dict[str, tuple[ActionRecord, ...]]
    changes: ChangesSummary
    escalated: tuple[RiskRecord, ...] = ()
    proposals: tuple[tuple[RiskRecord, str], ...] = ()
    """Risks proposed for escalation, with why."""
    reviews_overdue: tuple[RiskRecord, ...] = ()
    exposures: tuple[Exposure, ...] = ()
    last_review: ReviewRecord | None = None
    since_review: tuple[SnapshotChange, ...] = ()
    """What changed since the latest joint review's snapshot."""
    unrated: tuple[RiskRecord, ...] = ()
    """Drafts not scored yet: on no heat map and in no ranking, so listed apart."""


def gather_pack(service: RegisterService, since: date | None = None) -> MeetingPack:
    """Everything the pack prints. Without ``since``, changes are counted from the latest
    joint review (or 90 days back when there is none)."""
    today = service.today()
    reviews = service.list_reviews()
    last_review = reviews[-1] if reviews else None
    if since is None:
        since = last_review.held_on if last_review else today - timedelta(days=90)
    info = service.register_info()
    partners = tuple(p for p in service.list_partners() if p.active)
    joint = HeatFilter()
    maps = [
        MapPage(service.heat_map(Basis.CURRENT, joint),
                tuple(service.placed_risks(Basis.CURRENT, joint)), heading="The joint register",
                outlined=service.appetite_cells(Basis.CURRENT, joint)),
        MapPage(service.heat_map(Basis.CURRENT, joint),
                tuple(service.placed_risks(Basis.CURRENT, joint)),
                tuple(service.heat_movements(Basis.INHERENT, Basis.CURRENT, joint)),
                heading="Movement from inherent to current risk"),
    ]  # fmt: skip
    for partner in partners:
        wanted = HeatFilter(partner=partner.code)
        maps.append(
            MapPage(service.heat_map(Basis.CURRENT, wanted),
                    tuple(service.placed_risks(Basis.CURRENT, wanted)),
                    heading=f"{partner.name} ({partner.code}): risks it leads or shares",
                    outlined=service.appetite_cells(Basis.CURRENT, wanted))
        )  # fmt: skip
    risks = [r for r in service.list_risks() if r.status.value != "Closed"]
    trends = service.trends()
    rated = [r for r in risks if r.current_score is not None]
    top = sorted(rated, key=lambda r: (-(r.current_score or 0), r.number))[:TOP_RISKS]
    breaches = service.appetite_breaches()
    outside = [(r, "; ".join(breaches[r.uuid])) for r in risks if r.uuid in breaches]
    overdue: dict[str, list[ActionRecord]] = defaultdict(list)
    for action in service.list_actions():
        if action.is_overdue(today):
            overdue[action.partner].append(action)
    changes = service.changes_since(datetime.combine(since, time(0, 0), tzinfo=UTC))
    return MeetingPack(
        register_name=info.name,
        on=today,
        since=since,
        partners=partners,
        maps=tuple(maps),
        top_risks=tuple((r, trends.get(r.uuid, 0)) for r in top),
        outside_appetite=tuple(outside),
        overdue_by_partner={k: tuple(v) for k, v in sorted(overdue.items())},
        changes=changes,
        escalated=tuple(r for r in risks if r.escalation.value != "Operational"),
        proposals=tuple(service.escalation_proposals(today)),
        reviews_overdue=tuple(
            sorted(
                (r for r in risks if r.next_review and r.next_review < today),
                key=lambda r: r.next_review or today,
            )
        ),
        exposures=tuple(service.exposure_by_partner()),
        last_review=last_review,
        since_review=tuple(service.compare_review(last_review.id)) if last_review else (),
        unrated=tuple(r for r in risks if r.unrated),
    )
