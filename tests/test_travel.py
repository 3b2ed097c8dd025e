"""Direction of travel: one rule — the change of the current score since the latest joint
review (before any review, since each risk's last change) — read alike by the register
table, the history panel, the heat map's arrows and every list of the meeting pack."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from riskreg.choices import RiskStatus
from riskreg.records import Actor, PartnerRecord, RiskDraft
from riskreg.report import gather_pack
from riskreg.service import RegisterService, create_register
from riskreg.travel import BasisKind, TravelBasis
from ui.models.risk_table import TableContext

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def _sign(now: int, then: int) -> int:
    return (now > then) - (now < then)


# A history: risks made at the start, then steps — a score change, a closing, a new risk,
# or (once, if drawn) the joint review.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("score"), st.integers(0, 7), st.integers(1, 5), st.integers(1, 5)),
        st.tuples(st.just("close"), st.integers(0, 7), st.just(0), st.just(0)),
        st.tuples(st.just("new"), st.just(0), st.integers(1, 5), st.integers(1, 5)),
        st.tuples(st.just("review"), st.just(0), st.just(0), st.just(0)),
    ),
    max_size=18,
)  # fmt: skip
starts = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=6)


def _replay(
    service: RegisterService, first: list[tuple[int, int]], history: list[tuple[str, int, int, int]]
) -> tuple[dict[str, tuple[int, int, RiskStatus]] | None, set[str]]:
    """Make the history, one day a step; returns each risk's (L, I, status) when the review
    was recorded (None if no review) and the risks made after it."""
    uuids = []
    for n, (lik, imp) in enumerate(first):
        at = service.with_clock(lambda: START)
        uuids.append(at.create_risk(RiskDraft(f"Risk {n}", "CNCL", lik, imp)).uuid)
    at_review: dict[str, tuple[int, int, RiskStatus]] | None = None
    after: set[str] = set()
    for day, (kind, which, lik, imp) in enumerate(history, start=1):
        at = service.with_clock(lambda day=day: START + timedelta(days=day))  # type: ignore[misc]
        if kind == "review":
            if at_review is None:
                at_review = {r.uuid: (r.current_likelihood, r.current_impact, r.status)
                             for r in service.list_risks()}  # fmt: skip
                at.record_joint_review("Board", (START + timedelta(days=day)).date())
            continue
        if kind == "new":
            made = at.create_risk(RiskDraft(f"Risk {len(uuids)}", "CNCL", lik, imp)).uuid
            uuids.append(made)
            if at_review is not None:
                after.add(made)
            continue
        record = service.get_risk(uuids[which % len(uuids)])
        if record.status is RiskStatus.CLOSED:
            continue
        if kind == "close":
            at.close_risk(record.uuid, record.version)
        elif (lik, imp) != (record.current_likelihood, record.current_impact):
            at.edit_risk(record.uuid, record.version,
                         {"current_likelihood": lik, "current_impact": imp})  # fmt: skip
    return at_review, after


def _last_change_oracle(service: RegisterService) -> dict[str, int]:
    """Each risk's direction at its last score change, read from its own history."""
    expected = {}
    for risk in service.list_risks():
        changes = [c for c in service.history(risk.uuid)
                   if c.field in ("current_likelihood", "current_impact")]  # fmt: skip
        if not changes:
            continue
        last = changes[-1].revision
        olds = {c.field: int(c.old) for c in changes if c.revision == last and c.old}
        then = (olds.get("current_likelihood", risk.current_likelihood)
                * olds.get("current_impact", risk.current_impact))  # fmt: skip
        expected[risk.uuid] = _sign(risk.current_score, then)
    return expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=starts, history=steps)
def test_the_table_history_panel_arrows_and_pack_agree_on_every_risks_trend(
    first: list[tuple[int, int]], history: list[tuple[str, int, int, int]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        service = create_register(
            Path(tmp) / "r.riskreg", Actor("t", "CNCL"), name="Travel",
            partners=[PartnerRecord("CNCL", "Council")], keeper="CNCL",
        )  # fmt: skip
        try:
            at_review, after = _replay(service, first, history)
            event("with a review" if at_review is not None else "before any review")
            travel = service.direction_of_travel()
            risks = {r.uuid: r for r in service.list_risks()}

            # the rule itself, against what the test saw at the review
            if at_review is None:
                assert travel.basis.kind is BasisKind.LAST_CHANGE
                assert travel.directions == _last_change_oracle(service)
            else:
                assert travel.basis.kind is BasisKind.REVIEW
                assert travel.new == after
                for uuid, risk in risks.items():
                    if uuid in after:
                        continue
                    lik, imp, status = at_review[uuid]
                    now = (risk.current_likelihood, risk.current_impact)
                    assert travel.position_then(uuid, now) == (lik, imp)
                    if uuid in travel.directions:
                        assert travel.directions[uuid] == _sign(risk.current_score, lik * imp)
                    else:
                        assert (lik, imp) == now
                    closed_since = (risk.status is RiskStatus.CLOSED
                                    and status is not RiskStatus.CLOSED)  # fmt: skip
                    assert (uuid in travel.closed) == closed_since

            # the register table shows it, and the history panel reads the same for one risk
            context = TableContext(service.scheme(), date.today(), trends=travel.directions,
                                   travel=travel)  # fmt: skip
            for uuid, risk in risks.items():
                one = service.direction_of_travel(among=[uuid])
                assert one.direction(uuid) == travel.direction(uuid)
                assert one.arrow(uuid) == travel.arrow(uuid) == context.trend(risk)
            assert context.trend_header().replace("\n", " ") == f"Trend {travel.basis.label}"

            # the heat map's arrows: where each moved risk stood then, to where it is now
            _, moves = service.travel_movements()
            open_moved = {u for u in travel.then if risks[u].status is not RiskStatus.CLOSED}
            assert {m.ref for m in moves} == {risks[u].ref for u in open_moved}
            for move in moves:
                uuid = next(u for u, r in risks.items() if r.ref == move.ref)
                assert move.start == travel.then[uuid]
                assert move.end == (risks[uuid].current_likelihood, risks[uuid].current_impact)

            # the pack: its top list, its up and down lists and its movement map
            pack = gather_pack(service)
            for risk, direction in pack.top_risks:
                assert direction == travel.directions.get(risk.uuid, 0)
                word = travel.arrow(risk.uuid)
                shown = pack.trend(risk)
                assert shown.startswith(word) if word else shown in ("", "no change")
            ups = {r.ref for u, r in risks.items() if travel.directions.get(u, 0) > 0}
            downs = {r.ref for u, r in risks.items() if travel.directions.get(u, 0) < 0}
            assert set(pack.changes.score_up) == ups - {risks[u].ref for u in travel.new}
            assert set(pack.changes.score_down) == downs - {risks[u].ref for u in travel.new}
            assert not set(pack.changes.score_up) & set(pack.changes.score_down)
            movement = [m for m in pack.maps if m.kind == "movement"]
            assert {m.ref for page in movement for m in page.arrows} == {
                risks[u].ref for u in open_moved
            }
            if at_review is not None:  # the snapshot froze what the change log gives back
                review = service.list_reviews()[-1]
                frozen = {e["uuid"]: tuple(e["current"]) for e in _snapshot(review.snapshot)}
                for uuid, position in frozen.items():
                    now = (risks[uuid].current_likelihood, risks[uuid].current_impact)
                    assert travel.position_then(uuid, now) == position
        finally:
            service.close()


def _snapshot(text: str) -> list[dict[str, object]]:
    import json

    risks: list[dict[str, object]] = json.loads(text)["risks"]
    return risks


def test_a_risk_that_was_9_at_the_review_went_to_16_and_is_now_12_is_up_everywhere(
    service: RegisterService,
) -> None:
    """The case of the issue: "▼ down" in the table against "Score up" in the pack."""
    before = service.with_clock(lambda: START)
    risk = before.create_risk(RiskDraft("Nine, sixteen, twelve", "CNCL", 3, 3))
    before.record_joint_review("Q3 board", START.date())
    later = service.with_clock(lambda: START + timedelta(days=10))
    risk = later.edit_risk(risk.uuid, risk.version, {"current_likelihood": 4, "current_impact": 4})
    later.edit_risk(risk.uuid, risk.version, {"current_likelihood": 4, "current_impact": 3})
    travel = service.direction_of_travel()
    assert travel.basis.label == f"since review of {START:%d %b %Y}"
    assert travel.arrow(risk.uuid) == "▲ up"
    pack = gather_pack(service)
    assert pack.changes.score_up == (risk.ref,) and pack.changes.score_down == ()
    (top, direction), *_ = pack.top_risks
    assert direction == 1 and pack.trend(top) == "▲ up from 9"
    assert service.trends() == {risk.uuid: 1}


def test_a_chosen_date_is_a_basis_of_its_own(service: RegisterService) -> None:
    before = service.with_clock(lambda: START - timedelta(days=5))
    risk = before.create_risk(RiskDraft("Moves twice", "CNCL", 2, 2))
    middle = service.with_clock(lambda: START + timedelta(days=20))
    risk = middle.edit_risk(risk.uuid, risk.version, {"current_likelihood": 4})
    late = service.with_clock(lambda: START + timedelta(days=40))
    late.edit_risk(risk.uuid, risk.version, {"current_likelihood": 3})
    since_start = service.direction_of_travel(TravelBasis.since_date(START.date()))
    assert since_start.directions == {risk.uuid: 1}  # 4 then, 6 now
    since_middle = service.direction_of_travel(
        TravelBasis.since_date((START + timedelta(days=30)).date())
    )
    assert since_middle.directions == {risk.uuid: -1}  # 8 then, 6 now
    assert service.direction_of_travel().directions == {risk.uuid: -1}  # its last change
    made_that_day = service.direction_of_travel(TravelBasis.since_date(START.date()))
    assert risk.uuid not in made_that_day.new  # made five days before the date
    assert since_start.arrow(risk.uuid) == "▲ up"
