"""Joint governance: appetite per partner, escalation, review cadence, review snapshots."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from riskreg.choices import (
    ActionStatus,
    Decision,
    EscalationLevel,
    Response,
    RiskStatus,
    Visibility,
)
from riskreg.cli import main as cli
from riskreg.errors import ValidationError
from riskreg.governance import AppetiteState, canonical, fingerprint, snapshot_document
from riskreg.records import (
    ActionRecord,
    Attendee,
    CategoryRecord,
    DecisionRecord,
    PartnerRecord,
    RiskDraft,
    RiskRecord,
)
from riskreg.scoring import ScoringScheme
from riskreg.service import RegisterService

DAY0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def add(service: RegisterService, lik: int, imp: int, **fields: object) -> RiskRecord:
    draft = RiskDraft(title=str(fields.pop("title", "A risk")), lead_partner=str(
        fields.pop("lead", "CNCL")), inherent_likelihood=lik, inherent_impact=imp,
        **fields)  # type: ignore[arg-type]  # fmt: skip
    return service.create_risk(draft)


# -- appetite -------------------------------------------------------------------------------
def test_a_risk_above_the_partnerships_appetite_is_flagged_with_the_reason(
    service: RegisterService,
) -> None:
    risk = add(service, 3, 3, category="Safety")  # 9: Medium; Safety is Averse (Low/Low)
    calm = add(service, 1, 2, category="Safety")
    judged = service.appetite_breaches()[risk.uuid]
    assert judged.state is AppetiteState.BREACH
    assert judged.reasons == ("Medium: breach of tolerance of the partnership (Averse: appetite "
                              "Low, tolerance Low) — Safety",)  # fmt: skip
    assert calm.uuid not in service.appetite_breaches()


def test_above_appetite_within_tolerance_is_a_warning_and_beyond_it_a_breach(
    service: RegisterService,
) -> None:
    """Financial is Cautious: appetite Medium, tolerance High on the default bands."""
    within = add(service, 2, 3, category="Financial")  # 6: Medium
    warned = add(service, 3, 4, category="Financial")  # 12: High
    breached = add(service, 5, 5, category="Financial")  # 25: Very high
    judged = service.appetite_breaches()
    assert within.uuid not in judged
    assert judged[warned.uuid].state is AppetiteState.WARNING
    assert judged[warned.uuid].reasons == (
        "High: above appetite of the partnership (Cautious: Medium), within tolerance (High) "
        "— Financial",
    )
    assert judged[breached.uuid].state is AppetiteState.BREACH


def test_a_shared_risk_can_breach_only_one_sharers_appetite(service: RegisterService) -> None:
    risk = add(service, 4, 4, category="Financial", lead="CNCL",
               shares=(("APEX", 40), ("AQUA", 30), ("CNCL", 30)))  # 16: High  # fmt: skip
    service.edit_category("Financial", CategoryRecord("Financial", None))  # no joint appetite
    service.set_partner_appetite("APEX", "Financial", "Minimal")  # Low, tolerance Medium
    service.set_partner_appetite("AQUA", "Financial", "Open")  # High, tolerance Very high
    judged = service.appetite_breaches()[risk.uuid]
    assert judged.state is AppetiteState.BREACH
    assert judged.reasons == ("High: breach of tolerance of APEX (Minimal: appetite Low, "
                              "tolerance Medium) — Financial",)  # fmt: skip
    service.set_partner_appetite("APEX", "Financial", None)
    assert risk.uuid not in service.appetite_breaches()
    history = [
        c for c in service.changes_between(DAY0.replace(year=2000)) if c.entity == "appetite"
    ]
    assert [(c.entity_ref, c.field, c.old, c.new) for c in history][-1] == (
        "APEX/Financial", "level", "Minimal", None)  # fmt: skip


def test_an_appetite_must_be_a_level_and_nothing_is_written_otherwise(
    service: RegisterService,
) -> None:
    revision = service.register_info().revision
    with pytest.raises(ValidationError, match="not an appetite level") as refused:
        service.set_partner_appetite("APEX", "Financial", "High")  # a band is no level now
    assert refused.value.problems[0].field == "level"
    with pytest.raises(ValidationError, match="not an appetite level") as refused:
        service.save_category(None, CategoryRecord("Weather", "Catastrophic"), {})
    assert refused.value.problems[0].field == "appetite"
    with pytest.raises(ValidationError, match="not an appetite level"):
        service.save_category(None, CategoryRecord("Weather", "Open"), {"APEX": "Reckless"})
    assert service.register_info().revision == revision
    assert "Weather" not in {c.name for c in service.list_categories()}


def test_a_changed_level_mapping_re_judges_every_risk_without_moving_one(
    service: RegisterService,
) -> None:
    """Widening Cautious's tolerance to Very high makes the breach a warning, by reading."""
    breached = add(service, 5, 5, category="Financial")
    assert service.appetite_breaches()[breached.uuid].state is AppetiteState.BREACH
    scheme = service.scheme()
    wider = replace(scheme, appetite_bands=((0, 0), (0, 1), (1, 3), (2, 3), (3, 3)))
    report = service.change_scheme(wider, backup=False)
    assert report.risks_changing_band == 0
    assert service.appetite_breaches()[breached.uuid].state is AppetiteState.WARNING
    assert service.scheme().appetite_bands == wider.appetite_bands


# -- escalation -----------------------------------------------------------------------------
def test_a_risk_in_the_top_band_too_long_is_proposed_for_escalation(
    service: RegisterService,
) -> None:
    clocked = service.with_clock(lambda: DAY0)
    risk = add(clocked, 5, 5, title="Bridge strike", raised_on=DAY0.date())
    add(clocked, 2, 2, title="Minor thing", raised_on=DAY0.date())
    assert clocked.escalation_proposals(DAY0.date() + timedelta(days=90)) == []
    (proposal,) = clocked.escalation_proposals(DAY0.date() + timedelta(days=91))
    assert proposal[0].uuid == risk.uuid
    assert proposal[1] == "in the top band (Very high) for 91 days (more than 90)"

    service.set_escalate_after(30)
    assert [r.ref for r, _ in service.escalation_proposals(DAY0.date() + timedelta(days=31))] == [
        risk.ref
    ]
    with pytest.raises(ValidationError, match="reason"):
        service.escalate(risk.uuid, risk.version, EscalationLevel.SENIOR_EXECUTIVE, " ")
    escalated = service.escalate(risk.uuid, risk.version, EscalationLevel.SENIOR_EXECUTIVE,
                                 "Board asked for it at the Q1 review")  # fmt: skip
    assert escalated.escalation is EscalationLevel.SENIOR_EXECUTIVE
    assert service.escalation_proposals(DAY0.date() + timedelta(days=200)) == []
    logged = {c.field: (c.old, c.new) for c in service.history(risk.uuid)}
    assert logged["escalation"] == ("Operational", "Senior executive responsible")
    assert logged["escalation_reason"] == (None, "Board asked for it at the Q1 review")


def test_the_time_in_the_top_band_counts_from_the_last_score_change(
    service: RegisterService,
) -> None:
    risk = add(service.with_clock(lambda: DAY0), 2, 2, raised_on=DAY0.date())
    later = DAY0 + timedelta(days=60)
    moved = service.with_clock(lambda: later).edit_risk(
        risk.uuid, risk.version, {"current_likelihood": 5, "current_impact": 5}
    )
    assert moved.current_score == 25
    assert service.escalation_proposals(later.date() + timedelta(days=80)) == []
    assert len(service.escalation_proposals(later.date() + timedelta(days=91))) == 1


# -- review cadence -------------------------------------------------------------------------
def test_recording_a_review_sets_the_next_review_from_the_band(service: RegisterService) -> None:
    very_high = add(service, 5, 5)
    low = add(service, 1, 1)
    on = date(2026, 3, 1)
    assert service.mark_reviewed(very_high.uuid, very_high.version, on).next_review == date(
        2026, 3, 31
    )  # monthly
    reviewed = service.mark_reviewed(low.uuid, low.version, on)
    assert (reviewed.last_reviewed, reviewed.next_review) == (on, date(2027, 3, 1))  # yearly


# -- joint review snapshots -----------------------------------------------------------------
def fixed_document() -> dict[str, object]:
    """A snapshot of fixed content: its fingerprint may never change."""
    risk = RiskRecord(
        "11111111-1111-4111-8111-111111111111", "R-001", 1, "Bridge strike", "", "", "",
        "Safety", RiskStatus.OPEN, "APEX", "Dan Moss", (("APEX", 60), ("CNCL", 40)),
        Visibility.JOINT, Response.TREAT, "", 5, 5, 4, 5, 1, 5, None, None, None, 250_000,
        None, date(2026, 1, 5), None, date(2026, 2, 4), None, 3, 25, 20, 5,
    )  # fmt: skip
    action = ActionRecord(
        "22222222-2222-4222-8222-222222222222", "A-001", 1, risk.uuid, "R-001",
        "Install impact protection vehicles", "APEX", "Site lead", date(2026, 3, 1),
        ActionStatus.IN_PROGRESS, 40, None, 2,
    )  # fmt: skip
    return snapshot_document(
        register={"uuid": "33333333-3333-4333-8333-333333333333", "name": "Alliance",
                  "revision": 12},
        scheme=ScoringScheme.default(),
        partners=[PartnerRecord("APEX", "Apex Civils"), PartnerRecord("CNCL", "Wessex CC")],
        risks=[risk], actions=[action], title="Q1 partnership board",
        held_on=date(2026, 3, 10), recorded_at=datetime(2026, 3, 10, 16, 0, tzinfo=UTC),
        attendees=[Attendee("CNCL", "Priya Shah"), Attendee("APEX", "Dan Moss")],
        decisions=[DecisionRecord("R-001", Decision.ESCALATED, "to the SROs")],
    )  # fmt: skip


GOLDEN = "af5af2cc76fc044c7a155113f1d698a51db788a23764e1e99782e33a1e231f28"
"""The fingerprint of ``fixed_document()`` when the canonical form was defined. A change to
the canonical form would make every recorded snapshot fail verification, so it must not
change: this value guards it."""


def test_a_snapshots_fingerprint_is_the_same_on_every_run_and_machine(tmp_path: Path) -> None:
    text = canonical(fixed_document())
    assert fingerprint(text) == fingerprint(canonical(json.loads(text)))  # order-free
    # Another process, another time zone and locale: the same text, the same fingerprint.
    script = ("from tests.test_governance import fixed_document;"
              "from riskreg.governance import canonical, fingerprint;"
              "print(fingerprint(canonical(fixed_document())))")  # fmt: skip
    env = dict(os.environ, TZ="Pacific/Auckland", LANG="de_DE.UTF-8", LC_ALL="C.UTF-8",
               PYTHONHASHSEED="123")  # fmt: skip
    other = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, check=True, cwd=Path(__file__).parents[1])  # fmt: skip
    assert other.stdout.strip() == fingerprint(text) == GOLDEN


def test_a_snapshot_is_unchanged_by_later_edits_and_shows_them_when_compared(
    demo: RegisterService,
) -> None:
    review = demo.record_joint_review(
        "Q3 partnership board", date(2026, 9, 30), [Attendee("CNCL", "Priya Shah")],
        [DecisionRecord("R-001", Decision.ACCEPTED)],
    )  # fmt: skip
    snapshot = json.loads(review.snapshot)
    assert snapshot["meeting"]["decisions"] == [{"ref": "R-001", "decision": "Accepted",
                                                 "note": ""}]  # fmt: skip
    joint = [r for r in demo.list_risks() if r.visibility is Visibility.JOINT
             and r.status is not RiskStatus.CLOSED]  # fmt: skip
    assert [r["ref"] for r in snapshot["risks"]] == [r.ref for r in joint]
    risk = demo.find_risk("R-001")
    demo.edit_risk(risk.uuid, risk.version, {"current_likelihood": 1, "owner": "New owner"})
    again = demo.get_review(review.id)
    assert again.snapshot == review.snapshot and demo.verify_review(review.id).matches
    changes = {(c.ref, c.what) for c in demo.compare_review(review.id)}
    assert {("R-001", "current score"), ("R-001", "owner")} <= changes


def test_a_snapshot_altered_in_the_file_no_longer_matches(
    demo: RegisterService, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = demo.record_joint_review("Board", date(2026, 9, 30))
    assert demo.verify_review(review.id).matches
    with sqlite3.connect(demo_path) as raw:
        raw.execute("UPDATE review SET snapshot = replace(snapshot, '\"lead\":\"APEX\"', "
                    "'\"lead\":\"CNCL\"') WHERE id = ?", (review.id,))  # fmt: skip
    check = demo.verify_review(review.id)
    assert not check.matches and check.stored == review.fingerprint
    demo.close()
    assert cli(["verify", str(demo_path), str(review.id)]) == 1
    assert "does NOT match" in capsys.readouterr().err


def test_a_snapshot_survives_a_later_change_of_scheme(demo: RegisterService) -> None:
    review = demo.record_joint_review("Board", date(2026, 9, 30))
    demo.change_scheme(ScoringScheme.sized(4, 4))
    assert demo.verify_review(review.id).matches
    snapshot = json.loads(demo.get_review(review.id).snapshot)
    assert len(snapshot["scheme"]["likelihood"]) == 5  # as the meeting saw it
    assert all(r["band"] for r in snapshot["risks"])
    assert demo.compare_review(review.id)  # levels moved onto the 4×4 scale show as changes


def test_review_commands_record_list_and_verify(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["review", str(demo_path), "--title", "Q4 board", "--attendee", "CNCL:Priya Shah",
                "--decision", "R-001:escalated", "--date", "2026-12-01"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "recorded joint review 2" in out and "fingerprint (SHA-256)" in out  # after the demo's
    assert cli(["snapshots", str(demo_path)]) == 0
    assert "2026-12-01" in capsys.readouterr().out
    assert cli(["verify", str(demo_path), "2"]) == 0
    assert cli(["review", str(demo_path), "--title", "X", "--decision", "R-999:accepted"]) == 1
    with pytest.raises(SystemExit) as usage:
        cli(["review", str(demo_path), "--title", "X", "--decision", "R-001:maybe"])
    assert usage.value.code == 2


# -- exposure -------------------------------------------------------------------------------
def test_exposure_is_summed_by_each_partners_share(service: RegisterService) -> None:
    add(service, 3, 3, lead="CNCL", shares=(("APEX", 60), ("CNCL", 40)),
        cost_min=50_000, cost_likely=100_000, cost_max=200_000)  # fmt: skip
    add(service, 2, 2, lead="APEX", cost_likely=10_000)
    add(service, 2, 2, lead="AQUA")  # no cost: not counted
    exposure = {e.partner: (e.minimum, e.likely, e.maximum, e.risks)
                for e in service.exposure_by_partner()}  # fmt: skip
    assert exposure == {"APEX": (40_000, 70_000, 130_000, 2), "CNCL": (20_000, 40_000, 80_000, 1)}


def test_heat_map_cells_holding_a_risk_outside_appetite_are_outlined(
    service: RegisterService,
) -> None:
    from riskreg.heatmap import Basis, HeatFilter

    add(service, 3, 3, category="Safety")  # Medium, beyond Averse's tolerance (Low)
    add(service, 1, 1, category="Safety")
    add(service, 4, 4, category="Financial", lead="APEX")  # High: Cautious's tolerance
    add(service, 4, 3, category="Financial", lead="APEX")  # High: a warning …
    add(service, 4, 3, category="Safety")  # … beside a breach in the same cell: the worst
    assert service.appetite_cells(Basis.CURRENT) == {
        (3, 3): AppetiteState.BREACH, (4, 4): AppetiteState.WARNING,
        (4, 3): AppetiteState.BREACH,
    }  # fmt: skip
    assert service.appetite_cells(Basis.CURRENT, HeatFilter(partner="APEX")) == {
        (4, 4): AppetiteState.WARNING, (4, 3): AppetiteState.WARNING,
    }  # fmt: skip
    assert service.appetite_cells(Basis.INHERENT) == {}
