"""One escalation truth: how far a risk is escalated is its level on the ladder, never a
status. Registers made before (status "Escalated") upgrade onto the ladder with the reason in
their history; another register's "Escalated" rows come in up the ladder; a returned
workbook typing "Escalated" is told where escalation lives; the filter, the table, the pack
and the workbook read the ladder alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from riskreg import migrations, store
from riskreg.choices import EscalationLevel, RiskStatus
from riskreg.exchange.export import export_register
from riskreg.exchange.foreign import apply_foreign, plan_foreign
from riskreg.exchange.importer import plan_import
from riskreg.report import gather_pack
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from tests.exchange_helpers import edit
from tests.foreign_workbooks import write

COPIED = ("register", "partner", "category", "change_set", "risk", "risk_share", "action",
          "change")  # fmt: skip


def register_at_0007_with_escalated_status(demo_path: Path, tmp_path: Path) -> Path:
    """The demo as an older version kept it: R-002 "Escalated" at the first rung, R-005
    "Escalated" and already at the senior executives."""
    old = tmp_path / "old.riskreg"
    made = store._make_store(f"sqlite:///{old}", old, 1000)
    store.upgrade_to(made, "0007_export_base")
    made.close()
    with sqlite3.connect(demo_path) as source, sqlite3.connect(old) as target:
        for table in COPIED:
            columns = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            rows = source.execute(f"SELECT {names} FROM {table}").fetchall()
            marks = ", ".join("?" * len(columns))
            target.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        target.execute("UPDATE risk SET status = 'Escalated', escalation = 'Operational' "
                       "WHERE ref = 'R-002'")  # fmt: skip
        target.execute(
            "UPDATE risk SET response = 'Treat' WHERE response IN "
            "('Exploit', 'Enhance', 'Share', 'Reject')"
        )  # the demo's opportunities
        # are from schema 0009 on
        target.execute("UPDATE risk SET status = 'Escalated', escalation = "
                       "'Senior executive responsible' WHERE ref = 'R-005'")  # fmt: skip
    source.close()
    target.close()
    return old


def test_an_older_registers_escalated_risks_move_onto_the_ladder_with_the_reason_logged(
    demo_path: Path, tmp_path: Path
) -> None:
    old = register_at_0007_with_escalated_status(demo_path, tmp_path)
    with sqlite3.connect(old) as conn:
        revision_before = conn.execute("SELECT revision FROM register").fetchone()[0]
        versions = dict(conn.execute("SELECT ref, version FROM risk"))
    conn.close()
    service = open_service(old, ALICE)
    try:
        info = service.register_info()
        assert info.schema_version == migrations.HEAD and info.revision == revision_before + 1
        by_ref = {r.ref: r for r in service.list_risks()}
        moved, senior = by_ref["R-002"], by_ref["R-005"]
        assert (moved.status, moved.escalation) == (RiskStatus.OPEN,
                                                    EscalationLevel.JOINT_MANAGEMENT)  # fmt: skip
        assert (senior.status, senior.escalation) == (RiskStatus.OPEN,
                                                      EscalationLevel.SENIOR_EXECUTIVE)  # fmt: skip
        assert moved.version == versions["R-002"] + 1
        history = [c for c in service.history(moved.uuid) if c.revision == info.revision]
        assert {(c.field, c.old, c.new) for c in history} >= {
            ("status", "Escalated", "Open"),
            ("escalation", "Operational", "Joint management team"),
        }
        reason = next(c.new for c in history if c.field == "escalation_reason")
        assert reason is not None and 'status was "Escalated"' in reason
        assert history[0].summary == 'Status "Escalated" moved onto the escalation ladder (2 risks)'
        untouched = [c for c in service.history(senior.uuid) if c.revision == info.revision]
        assert {(c.field, c.new) for c in untouched} == {("status", "Open")}
        pack = gather_pack(service)  # the pack's escalated section reads the ladder
        assert {"R-002", "R-005"} <= {r.ref for r in pack.escalated}
    finally:
        service.close()


def test_a_register_without_escalated_status_upgrades_without_a_change_set(
    demo_path: Path, tmp_path: Path
) -> None:
    old = register_at_0007_with_escalated_status(demo_path, tmp_path)
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE risk SET status = 'Open' WHERE status = 'Escalated'")
        before = conn.execute("SELECT revision FROM register").fetchone()[0]
    conn.close()
    service = open_service(old, ALICE)
    try:
        assert service.register_info().revision == before
    finally:
        service.close()


def test_the_demo_escalates_on_the_ladder_and_no_status_says_escalated(
    demo: RegisterService,
) -> None:
    risks = demo.list_risks()
    assert {r.status for r in risks} <= set(RiskStatus) and "Escalated" not in {
        m.value for m in RiskStatus
    }
    escalated = [r for r in risks if r.escalation is not EscalationLevel.OPERATIONAL]
    assert len(escalated) == 2
    for risk in escalated:
        reasons = [c.new for c in demo.history(risk.uuid) if c.field == "escalation_reason"]
        assert reasons and all(reasons)


def test_another_registers_escalated_rows_come_in_up_the_ladder_with_their_reason(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = write(tmp_path / "theirs.xlsx", [
        ["Risk", "Status", "Likelihood", "Impact"],
        ["Contractor insolvency", "Escalated", 4, 4],
        ["Flood on the access road", "Escalated to board", 3, 3],
        ["Late planning consent", "Open", 2, 3],
    ])  # fmt: skip
    plan = plan_foreign(demo, path, partner="APEX")
    notes = [i.message for i in plan.items if i.kind == "read" and i.field == "status"]
    assert len(notes) == 2 and all("a level of the ladder here" in n for n in notes)
    uuids = apply_foreign(demo, plan)
    made = {r.title: r for r in demo.list_risks() if r.uuid in uuids}
    assert made["Contractor insolvency"].escalation is EscalationLevel.JOINT_MANAGEMENT
    assert made["Flood on the access road"].escalation is EscalationLevel.JOINT_MANAGEMENT
    assert made["Late planning consent"].escalation is EscalationLevel.OPERATIONAL
    assert {r.status for r in made.values()} == {RiskStatus.DRAFT}
    reasons = [c.new for c in demo.history(made["Contractor insolvency"].uuid)
               if c.field == "escalation_reason"]  # fmt: skip
    assert reasons == ["“Escalated” in theirs.xlsx (its status column, B2)"]


def test_a_returned_workbook_typing_escalated_is_told_where_escalation_lives(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    risk = next(r for r in demo.list_risks() if r.lead_partner == "APEX"
                and r.status is RiskStatus.OPEN)  # fmt: skip
    edit(path, "Risks", risk.ref, {"Status": "Escalated"})
    plan = plan_import(demo, path)
    (error,) = [i for i in plan.items if i.kind == "error"]
    assert error.ref == risk.ref and error.field == "status"
    assert "“Escalated” is no longer a status" in error.message
    assert "Escalation…" in error.message


def test_on_a_set_up_server_the_upgrade_is_logged_by_the_server_once_with_its_reason() -> None:
    """The server's triggers log the moved columns; the upgrade adds the reason and names the
    change set, and nothing is logged twice."""
    from riskreg.server import setup_server
    from tests.pg_server import scratch_database, upgrade_alone
    from tests.server_partnership import plain_sql

    with scratch_database(template="demo") as url:
        setup_server(url)
        with plain_sql(url) as conn:  # as an older version left it (the owner, triggers off)
            conn.execute("ALTER TABLE risk DISABLE TRIGGER USER")
            conn.execute("UPDATE risk SET status = 'Escalated', escalation = 'Operational' "
                         "WHERE ref = 'R-002'")  # fmt: skip
            conn.execute("UPDATE risk SET response = 'Treat', kind = 'Threat'")  # none before 0009
            conn.execute("ALTER TABLE risk ENABLE TRIGGER USER")
        with plain_sql(url) as conn:
            revision = one_value(conn, "SELECT revision FROM register")
        upgrade_alone(url, "0007_export_base", "0008_one_escalation")
        service = open_service(url, ALICE)
        try:
            risk = service.find_risk("R-002")
            assert (risk.status, risk.escalation) == (RiskStatus.OPEN,
                                                      EscalationLevel.JOINT_MANAGEMENT)  # fmt: skip
            assert service.register_info().revision == revision + 1
            logged = [(c.field, c.old, c.new, c.summary) for c in service.history(risk.uuid)
                      if c.revision == revision + 1]  # fmt: skip
            summary = 'Status "Escalated" moved onto the escalation ladder (1 risk)'
            assert sorted(logged)[:2] == [
                ("escalation", "Operational", "Joint management team", summary),
                ("escalation_reason", None, logged_reason(logged), summary),
            ]
            assert ("status", "Escalated", "Open", summary) in logged and len(logged) == 3
        finally:
            service.close()


def one_value(conn: object, query: str) -> int:
    row = conn.execute(query).fetchone()  # type: ignore[attr-defined]
    return int(row[0])


def logged_reason(logged: list[tuple[str, str | None, str | None, str]]) -> str:
    reason = next(new for field, _, new, _ in logged if field == "escalation_reason")
    assert reason is not None and 'status was "Escalated"' in reason
    return reason
