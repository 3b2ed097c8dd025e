"""Heat-map data: cell counts agree with a plain count of the register, for every basis
and filter, on the demo and on random registers."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskreg.audience import Audience
from riskreg.choices import RiskKind
from riskreg.heatmap import OPEN_STATUSES, Basis, HeatFilter
from riskreg.records import Actor, PartnerRecord, RiskDraft, RiskRecord, RiskStatus, Visibility
from riskreg.service import RegisterService, create_register


def plain_count(
    risks: list[RiskRecord], basis: Basis, wanted: HeatFilter
) -> Counter[tuple[int, int]]:
    counts: Counter[tuple[int, int]] = Counter()
    for r in risks:
        if r.status not in wanted.statuses or r.kind is not wanted.kind:
            continue
        if (
            wanted.partner
            and r.lead_partner != wanted.partner
            and wanted.partner not in dict(r.shares)
        ):
            continue
        if wanted.category and r.category != wanted.category:
            continue
        if wanted.visibility and r.visibility is not wanted.visibility:
            continue
        if not wanted.audience.admits(r.visibility, r.lead_partner):
            continue
        lik = getattr(r, f"{basis.value}_likelihood")
        imp = getattr(r, f"{basis.value}_impact")
        if lik is not None and imp is not None:
            counts[(lik, imp)] += 1
    return counts


FILTERS = [
    HeatFilter(),
    HeatFilter(partner="AQUA"),
    HeatFilter(partner="APEX", category="Financial"),
    HeatFilter(statuses=frozenset(RiskStatus)),
    HeatFilter(statuses=frozenset({RiskStatus.CLOSED})),
    HeatFilter(visibility=Visibility.INTERNAL),
    HeatFilter(visibility=Visibility.INTERNAL, audience=Audience.internal()),
    HeatFilter(audience=Audience.internal()),
    HeatFilter(partner="AQUA", audience=Audience.internal()),
    HeatFilter(audience=Audience.for_partner("CNCL")),
    HeatFilter(partner="APEX", audience=Audience.for_partner("AQUA")),
    HeatFilter(kind=RiskKind.OPPORTUNITY),
    HeatFilter(partner="AQUA", kind=RiskKind.OPPORTUNITY, statuses=frozenset(RiskStatus)),
]


@pytest.mark.parametrize("basis", list(Basis))
@pytest.mark.parametrize("wanted", FILTERS)
def test_demo_cell_counts_equal_a_plain_count(
    demo: RegisterService, basis: Basis, wanted: HeatFilter
) -> None:
    heat = demo.heat_map(basis, wanted)
    expected = plain_count(demo.list_risks(), basis, wanted)
    assert {cell: len(refs) for cell, refs in heat.cells.items()} == dict(expected)
    placed = demo.placed_risks(basis, wanted)
    assert len(placed) == heat.total
    assert sorted(p.ref for p in placed) == sorted(
        ref for refs in heat.cells.values() for ref in refs
    )


def test_caption_says_what_is_shown(demo: RegisterService) -> None:
    heat = demo.heat_map(Basis.CURRENT, HeatFilter(partner="APEX"))
    assert heat.caption() == (
        f"Current risk — joint risks — partner APEX — open threats — {date.today():%d %b %Y}"
    )
    for_aqua = demo.heat_map(Basis.CURRENT, HeatFilter(audience=Audience.for_partner("AQUA")))
    assert "joint risks and AQUA's internal risks" in for_aqua.caption()
    everything = demo.heat_map(Basis.CURRENT, HeatFilter(audience=Audience.internal()))
    assert "every risk, joint and internal" in everything.caption()


def test_movement_lists_only_risks_that_changed_cell(demo: RegisterService) -> None:
    moves = demo.heat_movements(Basis.INHERENT, Basis.CURRENT)
    by_ref = {r.ref: r for r in demo.list_risks()}
    assert moves
    for move in moves:
        risk = by_ref[move.ref]
        assert move.start == (risk.inherent_likelihood, risk.inherent_impact)
        assert move.end == (risk.current_likelihood, risk.current_impact)
        assert move.start != move.end


risk_rows = st.lists(
    st.tuples(
        st.sampled_from(["CNCL", "APEX", "AQUA"]),
        st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5),
        st.sampled_from(list(RiskStatus)),
        st.booleans(),
        st.booleans(),
    ),
    max_size=25,
)  # fmt: skip
AUDIENCES = [Audience.joint(), Audience.internal(), Audience.for_partner("APEX"),
             Audience.for_partner("AQUA")]  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=risk_rows, basis=st.sampled_from(list(Basis)), partner=st.sampled_from([None, "APEX"]),
       audience=st.sampled_from(AUDIENCES))  # fmt: skip
def test_random_registers_count_like_a_plain_count(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, int, int, int, int, RiskStatus, bool, bool]],
    basis: Basis,
    partner: str | None,
    audience: Audience,
) -> None:
    path: Path = tmp_path_factory.mktemp("random") / "r.riskreg"
    service = create_register(
        path, Actor("t"), name="Random",
        partners=[PartnerRecord(c, c) for c in ("CNCL", "APEX", "AQUA")],
    )  # fmt: skip
    try:
        drafts = []
        for n, (lead, il, ii, cl, ci, status, split, internal) in enumerate(rows):
            other = "APEX" if lead != "APEX" else "CNCL"
            shares = ((lead, 50), (other, 50)) if split and not internal else None
            visibility = Visibility.INTERNAL if internal else Visibility.JOINT
            drafts.append(
                RiskDraft(f"Risk {n}", lead, il, ii, current_likelihood=cl, current_impact=ci,
                          status=status, shares=shares, visibility=visibility)
            )  # fmt: skip
        service.create_risks(drafts)
        wanted = HeatFilter(partner=partner, audience=audience)
        heat = service.heat_map(basis, wanted)
        expected = plain_count(service.list_risks(), basis, wanted)
        assert {cell: len(refs) for cell, refs in heat.cells.items()} == dict(expected)
        assert heat.total == sum(expected.values())
    finally:
        service.close()


def test_open_statuses_leave_out_closed_risks() -> None:
    assert RiskStatus.CLOSED not in OPEN_STATUSES


def test_movement_since_a_date_undoes_later_changes(service: RegisterService) -> None:
    from datetime import UTC, datetime, timedelta

    meeting = datetime(2026, 6, 1, tzinfo=UTC)
    before = service.with_clock(lambda: meeting - timedelta(days=10))
    after = service.with_clock(lambda: meeting + timedelta(days=10))
    moved = before.create_risk(
        RiskDraft("Moved", "CNCL", 4, 4, current_likelihood=3, current_impact=3)
    )
    before.create_risk(RiskDraft("Still", "CNCL", 2, 2))
    twice = after.edit_risk(moved.uuid, moved.version, {"current_likelihood": 5})
    after.edit_risk(twice.uuid, twice.version, {"current_impact": 1})
    after.create_risk(RiskDraft("New since", "CNCL", 5, 5))
    moves = service.heat_movements_since(meeting)
    assert [(m.ref, m.start, m.end) for m in moves] == [("R-001", (3, 3), (5, 1))]


def test_a_cells_refs_are_in_number_order_whatever_order_they_come_in() -> None:
    from riskreg.heatmap import build_heat_map, ref_number
    from riskreg.scoring import ScoringScheme

    refs = ["R-1000", "R-010", "R-999", "R-001", "R-100", "R-20000"]
    heat = build_heat_map(ScoringScheme.default(), Basis.CURRENT, HeatFilter(), date.today(),
                          [(2, 3, " ".join(refs)), (1, 1, "X-2 R-9 X-10")])  # fmt: skip
    assert heat.cells[(2, 3)] == ("R-001", "R-010", "R-100", "R-999", "R-1000", "R-20000")
    assert list(heat.cells[(1, 1)]) == sorted(["X-2", "R-9", "X-10"], key=ref_number)
