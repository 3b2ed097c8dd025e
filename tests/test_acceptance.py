"""Acceptance outside appetite: who, why, until when; what it does to flags, escalation,
heat-map outlines and the next review; refusals beside the field with nothing written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from riskreg.acceptance import JudgedReason, judge, standing
from riskreg.errors import ValidationError
from riskreg.governance import AppetiteFinding, AppetiteState
from riskreg.heatmap import Basis, HeatFilter
from riskreg.records import AcceptanceRecord, CategoryRecord, RiskDraft, RiskRecord
from riskreg.service import RegisterService

TODAY = date.today()


def add(service: RegisterService, lik: int, imp: int, **fields: object) -> RiskRecord:
    draft = RiskDraft(title=str(fields.pop("title", "A risk")), lead_partner=str(
        fields.pop("lead", "CNCL")), inherent_likelihood=lik, inherent_impact=imp,
        **fields)  # type: ignore[arg-type]  # fmt: skip
    return service.create_risk(draft)


def outside(service: RegisterService) -> RiskRecord:
    """A risk in breach of the partnership's tolerance: Safety is Averse (appetite and
    tolerance Low), the risk Medium."""
    return add(service, 3, 3, category="Safety")  # 9: Medium > Low


def on(service: RegisterService, day: date) -> RegisterService:
    moment = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)
    return service.with_clock(lambda: moment)


def revision(service: RegisterService) -> int:
    return service.register_info().revision


def test_an_accepted_risk_is_not_a_breach_until_its_acceptance_expires(
    service: RegisterService,
) -> None:
    risk = outside(service)
    assert risk.uuid in service.appetite_breaches()
    until = TODAY + timedelta(days=90)
    accepted = service.accept_risk(risk.uuid, risk.version, None, "J Smith",
                                   "Works finish in spring; cost of more control too high",
                                   until)  # fmt: skip
    assert [(a.scope, a.accepted_by, a.expires_on) for a in accepted.acceptances] == [
        (None, "J Smith", until)
    ]
    assert risk.uuid not in service.appetite_breaches()
    # the last day it is still accepted; the day after it is a breach again, named so
    assert risk.uuid not in on(service, until).appetite_breaches()
    lapsed = on(service, until + timedelta(days=1)).appetite_breaches()[risk.uuid]
    assert lapsed.state is AppetiteState.BREACH
    assert lapsed.reasons == (
        "Medium: breach of tolerance of the partnership (Averse: appetite Low, tolerance Low)"
        f" — Safety; acceptance expired on {until.day} {until:%b %Y}",
    )


def test_accepting_brings_the_next_review_to_the_expiry_at_the_latest(
    service: RegisterService,
) -> None:
    risk = outside(service)
    far = TODAY + timedelta(days=400)
    risk = service.edit_risk(risk.uuid, risk.version, {"next_review": TODAY + timedelta(30)})
    soon = service.accept_risk(risk.uuid, risk.version, None, "J Smith", "why", far)
    assert soon.next_review == TODAY + timedelta(days=30)  # never later than it was
    later = service.accept_risk(soon.uuid, soon.version, None, "J Smith", "why",
                                TODAY + timedelta(days=10))  # fmt: skip
    assert later.next_review == TODAY + timedelta(days=10)


def test_a_new_acceptance_replaces_the_old_and_the_history_keeps_both(
    service: RegisterService,
) -> None:
    risk = outside(service)
    first = service.accept_risk(risk.uuid, risk.version, None, "J Smith", "Reason one",
                                TODAY + timedelta(days=60))  # fmt: skip
    second = service.accept_risk(first.uuid, first.version, None, "A Jones", "Reason two",
                                 TODAY + timedelta(days=30))  # fmt: skip
    assert [(a.accepted_by, a.justification) for a in second.acceptances] == [
        ("A Jones", "Reason two")
    ]
    log = [c for c in service.risk_history(risk.uuid).changes if c.field == "acceptance"]
    first_text = (f"Accepted for the partnership by J Smith until "
                  f"{(TODAY + timedelta(days=60)).isoformat()}: Reason one")  # fmt: skip
    assert [(c.old, c.new) for c in log] == [
        (None, first_text),
        (first_text, f"Accepted for the partnership by A Jones until "
                     f"{(TODAY + timedelta(days=30)).isoformat()}: Reason two"),
    ]  # fmt: skip
    withdrawn = service.withdraw_acceptance(risk.uuid, None)
    last = [c for c in service.risk_history(withdrawn.uuid).changes if c.field == "acceptance"]
    assert last[-1].new == f"Withdrawn for the partnership on {TODAY.isoformat()}"


def test_withdrawing_an_acceptance_makes_the_risk_a_breach_again(
    service: RegisterService,
) -> None:
    risk = outside(service)
    risk = service.accept_risk(risk.uuid, risk.version, None, "J Smith", "why",
                               TODAY + timedelta(days=60))  # fmt: skip
    assert risk.uuid not in service.appetite_breaches()
    withdrawn = service.withdraw_acceptance(risk.uuid, None)
    assert withdrawn.acceptances == ()
    assert risk.uuid in service.appetite_breaches()
    with pytest.raises(ValidationError) as refused:
        service.withdraw_acceptance(risk.uuid, None)
    assert refused.value.problems[0].field == "scope"


@pytest.mark.parametrize(
    ("field", "by", "why", "days", "message"),
    [
        ("accepted_by", "  ", "why", 30, "required"),
        ("justification", "J Smith", " \n ", 30, "required"),
        ("justification", "J Smith", "bad\x01text", 30, "control"),
        ("expires_on", "J Smith", "why", 0, "after today"),
        ("expires_on", "J Smith", "why", -5, "after today"),
        ("expires_on", "J Smith", "why", 3 * 365 + 2, "three years"),
    ],
)
def test_bad_acceptance_input_is_refused_beside_its_field_and_nothing_is_written(
    service: RegisterService, field: str, by: str, why: str, days: int, message: str
) -> None:
    risk = outside(service)
    before = revision(service)
    with pytest.raises(ValidationError) as refused:
        service.accept_risk(risk.uuid, risk.version, None, by, why,
                            TODAY + timedelta(days=days))  # fmt: skip
    assert [p.field for p in refused.value.problems] == [field]
    assert message in refused.value.problems[0].message
    assert revision(service) == before
    assert service.acceptances() == []


def test_only_a_scope_whose_appetite_the_risk_exceeds_can_accept_it(
    service: RegisterService,
) -> None:
    calm = add(service, 1, 2, category="Safety")  # Low: within appetite
    from riskreg.choices import Response, RiskKind

    hopeful = add(
        service, 5, 5, category="Safety", kind=RiskKind.OPPORTUNITY, response=Response.EXPLOIT
    )  # a Very high opportunity: above no appetite
    shared = add(service, 4, 4, category="Financial", lead="CNCL",
                 shares=(("APEX", 50), ("CNCL", 50)))  # fmt: skip
    service.edit_category("Financial", CategoryRecord("Financial", None))
    service.set_partner_appetite("APEX", "Financial", "Cautious")  # High > appetite Medium
    shared = service.get_risk(shared.uuid)
    before = revision(service)
    until = TODAY + timedelta(days=30)
    for uuid, version, scope, words in (
        (calm.uuid, calm.version, None, "within the appetite"),
        (hopeful.uuid, hopeful.version, None, "an opportunity: appetite is for threats"),
        (shared.uuid, shared.version, None, "within the appetite of the partnership"),
        (shared.uuid, shared.version, "CNCL", "within the appetite of CNCL"),
        (shared.uuid, shared.version, "AQUA", "neither leads nor shares"),
    ):
        with pytest.raises(ValidationError, match=words) as refused:
            service.accept_risk(uuid, version, scope, "J Smith", "why", until)
        assert refused.value.problems[0].field == "scope"
    assert revision(service) == before
    accepted = service.accept_risk(shared.uuid, shared.version, "APEX", "P Apex", "why", until)
    assert [a.scope for a in accepted.acceptances] == ["APEX"]
    assert shared.uuid not in service.appetite_breaches()


def test_a_closed_or_draft_risk_is_not_accepted(service: RegisterService) -> None:
    risk = outside(service)
    closed = service.close_risk(risk.uuid, risk.version)
    with pytest.raises(ValidationError, match="only an open, rated risk"):
        service.accept_risk(closed.uuid, closed.version, None, "J Smith", "why",
                            TODAY + timedelta(days=30))  # fmt: skip


def test_an_accepted_risk_keeps_the_reasons_no_acceptance_covers(
    service: RegisterService,
) -> None:
    risk = add(service, 4, 4, category="Financial", lead="CNCL",
               shares=(("APEX", 50), ("CNCL", 50)))  # 16 High > Medium  # fmt: skip
    service.set_partner_appetite("APEX", "Financial", "Averse")
    # the partnership's Financial is Cautious: a warning; APEX's Averse: a breach
    accepted = service.accept_risk(risk.uuid, risk.version, None, "J Smith", "why",
                                   TODAY + timedelta(days=30))  # fmt: skip
    judged = service.appetite_breaches()[accepted.uuid]
    assert judged.reasons == (
        "High: breach of tolerance of APEX (Averse: appetite Low, tolerance Low) — Financial",
    )
    assert [f.scope for f in judged.findings] == ["APEX"]
    assert judged.state is AppetiteState.BREACH


def test_heat_map_outlines_leave_out_a_risk_accepted_for_every_reason(
    service: RegisterService,
) -> None:
    risk = outside(service)
    assert service.appetite_cells(Basis.CURRENT, HeatFilter())
    service.accept_risk(risk.uuid, risk.version, None, "J Smith", "why",
                        TODAY + timedelta(days=30))  # fmt: skip
    assert service.appetite_cells(Basis.CURRENT, HeatFilter()) == {}


def test_judge_accepts_only_the_scope_it_names_and_only_until_its_expiry() -> None:
    acceptance = AcceptanceRecord("u", "APEX", "J Smith", "why", date(2026, 1, 1),
                                  date(2026, 3, 31))  # fmt: skip
    findings = (
        AppetiteFinding(AppetiteState.BREACH, "breach of the partnership's tolerance", None),
        AppetiteFinding(AppetiteState.WARNING, "above APEX's appetite", "APEX"),
    )
    judged = judge(findings, [acceptance], date(2026, 3, 31))
    assert judged == (JudgedReason(findings[0]),
                      JudgedReason(findings[1], accepted=acceptance))  # fmt: skip
    assert judged[1].text.startswith("accepted until 31 Mar 2026 (J Smith)")
    assert standing(judged) == (findings[0],)
    after = judge(findings, [acceptance], date(2026, 4, 1))
    assert after[1].stands and "acceptance expired on 31 Mar 2026" in after[1].text
    # a lapsed acceptance's finding stands again, as warning or breach as it was, saying so
    assert standing(after) == (
        findings[0],
        AppetiteFinding(AppetiteState.WARNING,
                        "above APEX's appetite; acceptance expired on 31 Mar 2026", "APEX"),
    )  # fmt: skip


def test_the_first_look_at_start_up_shows_the_acceptances_as_the_open_register_does(
    service: RegisterService, register_path: Path
) -> None:
    from riskreg.first_look import look_at
    from riskreg.migrations import HEAD

    risk = outside(service)
    accepted = service.accept_risk(risk.uuid, risk.version, None, "J Smith", "why",
                                   TODAY + timedelta(days=30))  # fmt: skip
    look = look_at(register_path, HEAD, page=100, whole_up_to=1_000)
    assert look is not None
    (seen,) = [r for r in look.risks if r.uuid == risk.uuid]
    assert seen.acceptances == accepted.acceptances


def test_a_register_at_schema_0010_upgrades_with_every_breach_as_it_was_and_nothing_logged(
    demo_path: Path, tmp_path: Path
) -> None:
    import sqlite3

    from riskreg import migrations, store
    from riskreg.service import open_service
    from tests.conftest import ALICE

    demo = open_service(demo_path, ALICE)
    breaches_before = demo.appetite_breaches()
    demo.close()
    old = tmp_path / "old.riskreg"
    made = store._make_store(f"sqlite:///{old}", old, 1000)
    store.upgrade_to(made, "0010_appetite_levels")  # the schema before acceptances
    made.close()
    tables = ("register", "partner", "category", "partner_appetite", "change_set", "risk",
              "risk_share", "action", "change")  # fmt: skip
    with sqlite3.connect(demo_path) as source, sqlite3.connect(old) as target:
        for table in tables:
            columns = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            rows = source.execute(f"SELECT {names} FROM {table}").fetchall()
            marks = ", ".join("?" * len(columns))
            target.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        revision = target.execute("SELECT revision FROM register").fetchone()[0]
    source.close()
    target.close()
    service = open_service(old, ALICE)
    try:
        info = service.register_info()
        assert info.schema_version == migrations.HEAD == "0011_acceptance"
        assert info.revision == revision  # a new table only: no change set
        assert service.appetite_breaches() == breaches_before
        assert service.acceptances() == []
    finally:
        service.close()


def test_an_accepted_risk_is_not_proposed_for_escalation_for_being_outside_appetite(
    service: RegisterService,
) -> None:
    accepted, unaccepted = outside(service), outside(service)
    service.accept_risk(accepted.uuid, accepted.version, None, "J Smith", "why",
                        TODAY + timedelta(days=200))  # fmt: skip
    later = TODAY + timedelta(days=150)  # past the 90-day escalation period
    proposed = {r.uuid: why for r, why in service.escalation_proposals(later)}
    assert unaccepted.uuid in proposed
    assert "breach of tolerance of the partnership" in proposed[unaccepted.uuid]
    assert accepted.uuid not in proposed
    after = {r.uuid for r, _ in service.escalation_proposals(TODAY + timedelta(days=201))}
    assert accepted.uuid in after  # lapsed: outside appetite again


def test_an_acceptance_can_cover_a_warning_above_appetite_within_tolerance(
    service: RegisterService,
) -> None:
    # Financial is Cautious (appetite Medium, tolerance High): a High risk is a warning
    risk = add(service, 4, 4, category="Financial")
    judged = service.appetite_breaches()[risk.uuid]
    assert judged.state is AppetiteState.WARNING
    assert judged.reasons == (
        "High: above appetite of the partnership (Cautious: Medium), within tolerance (High) "
        "— Financial",
    )
    until = TODAY + timedelta(days=30)
    accepted = service.accept_risk(risk.uuid, risk.version, None, "J Smith", "why", until)
    assert risk.uuid not in service.appetite_breaches()
    assert [(r.uuid, j.finding.state, j.accepted) for r, j in service.accepted_reasons()] == [
        (risk.uuid, AppetiteState.WARNING, accepted.acceptances[0])
    ]
    # lapsed, it is a warning again, not a breach
    lapsed = on(service, until + timedelta(days=1)).appetite_breaches()[risk.uuid]
    assert lapsed.state is AppetiteState.WARNING
    assert lapsed.reasons[0].endswith(f"; acceptance expired on {until.day} {until:%b %Y}")


def test_an_accepted_risk_leaves_the_above_appetite_and_breach_filters_for_the_accepted_one(
    service: RegisterService,
) -> None:
    from ui.models.risk_filter import PreparedRisks, RiskFilter
    from ui.models.risk_table import TableContext

    breach = outside(service)  # Safety, Averse: a breach
    warning = add(service, 4, 4, category="Financial")  # Cautious: a warning
    service.accept_risk(breach.uuid, breach.version, None, "J Smith", "why",
                        TODAY + timedelta(days=30))  # fmt: skip
    service.accept_risk(warning.uuid, warning.version, None, "J Smith", "why",
                        TODAY + timedelta(days=30))  # fmt: skip
    unaccepted = outside(service)

    def shown(wanted: RiskFilter, day: date = TODAY) -> set[str]:
        settings = service.settings()
        context = TableContext(service.scheme(), day,
                               partnership_appetite=settings.partnership_appetite,
                               partner_appetite=settings.partner_appetite)  # fmt: skip
        table = PreparedRisks(service.list_risks(), context)
        return {r.uuid for r in table.apply(wanted)}

    assert shown(RiskFilter(above_appetite=True)) == {unaccepted.uuid}
    assert shown(RiskFilter(breach_of_tolerance=True)) == {unaccepted.uuid}
    assert shown(RiskFilter(accepted=True)) == {breach.uuid, warning.uuid}
    # once the acceptances lapse they are back in the filters, each as it was
    later = TODAY + timedelta(days=31)
    assert shown(RiskFilter(above_appetite=True), later) == {
        breach.uuid, warning.uuid, unaccepted.uuid
    }  # fmt: skip
    assert shown(RiskFilter(breach_of_tolerance=True), later) == {breach.uuid, unaccepted.uuid}
    assert shown(RiskFilter(accepted=True), later) == set()


def test_a_warning_above_appetite_within_tolerance_is_not_proposed_for_escalation(
    service: RegisterService,
) -> None:
    warning = add(service, 4, 4, category="Financial")  # Cautious: High is a warning
    breach = outside(service)
    later = TODAY + timedelta(days=150)
    proposed = {r.uuid for r, _ in service.escalation_proposals(later)}
    assert breach.uuid in proposed
    assert warning.uuid not in proposed


def test_an_acceptance_a_file_holds_past_the_rules_covers_nothing_and_check_names_it(
    service: RegisterService, register_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A register file edited by hand ("until 2999", or an opportunity's) hides no breach."""
    import sqlite3

    from riskreg.cli import main

    risk = outside(service)
    service.accept_risk(risk.uuid, risk.version, None, "J Smith", "Spring works",
                        TODAY + timedelta(days=30))  # fmt: skip
    assert risk.uuid not in service.appetite_breaches()
    service.close()
    with sqlite3.connect(register_path) as raw:
        raw.execute("UPDATE risk_acceptance SET expires_on = '2999-12-31'")
    raw.close()
    from riskreg.service import open_service
    from tests.conftest import ALICE

    reopened = open_service(register_path, ALICE)
    try:
        judged = reopened.appetite_breaches()[risk.uuid]
        assert judged.state is AppetiteState.BREACH  # the breach stands
    finally:
        reopened.close()
    assert main(["check", str(register_path)]) == 0  # a warning, not a fault
    said = capsys.readouterr()
    assert ("acceptance the application would not record, not honoured: "
            f"{risk.ref} for the partnership (accepted {TODAY.isoformat()} until 2999-12-31)"
            ) in said.out + said.err  # fmt: skip


def test_acceptances_on_the_terminal_show_a_files_control_characters_as_pictures(
    service: RegisterService, register_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A justification a register file was given by hand ("ESC[31m") is not obeyed by the
    terminal that lists it."""
    import sqlite3

    from riskreg.cli import main

    risk = outside(service)
    service.accept_risk(risk.uuid, risk.version, None, "J Smith", "Spring works",
                        TODAY + timedelta(days=30))  # fmt: skip
    service.close()
    with sqlite3.connect(register_path) as raw:
        raw.execute("UPDATE risk_acceptance SET justification = 'red \x1b[31m alert\x07'")
    raw.close()
    assert main(["acceptances", str(register_path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "J Smith: red \u241b[31m alert\u2407" in out
