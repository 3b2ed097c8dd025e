"""A risk is a threat or an opportunity. Registers made before (an opportunity recorded as
the response "Exploit") upgrade with the move in their history; an opportunity takes
PRINCE2's Exploit, Enhance, Share or Reject and a threat the four Ts, refused beside the
Response field in the services and on a server alike (a partner's psql included)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from riskreg import migrations, store
from riskreg.choices import Response, RiskKind
from riskreg.errors import ValidationError
from riskreg.records import RiskDraft
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE

COPIED = ("register", "partner", "category", "change_set", "risk", "risk_share", "action",
          "change")  # fmt: skip


def register_at_0008_with_exploit(demo_path: Path, tmp_path: Path, refs: tuple[str, ...]) -> Path:
    """The demo as schema 0008 kept it, with ``refs`` recorded as opportunities the only way
    it could: the response Exploit."""
    old = tmp_path / "old.riskreg"
    made = store._make_store(f"sqlite:///{old}", old, 1000)
    store.upgrade_to(made, "0008_one_escalation")
    made.close()
    with sqlite3.connect(demo_path) as source, sqlite3.connect(old) as target:
        for table in COPIED:
            columns = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            rows = source.execute(f"SELECT {names} FROM {table}").fetchall()
            marks = ", ".join("?" * len(columns))
            target.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        target.execute(
            "UPDATE risk SET response = 'Treat' WHERE response IN "
            "('Exploit', 'Enhance', 'Share', 'Reject')"
        )  # none before 0009
        for ref in refs:
            target.execute("UPDATE risk SET response = 'Exploit' WHERE ref = ?", (ref,))
    source.close()
    target.close()
    return old


def test_an_older_registers_exploit_risks_become_opportunities_with_the_move_logged(
    demo_path: Path, tmp_path: Path
) -> None:
    old = register_at_0008_with_exploit(demo_path, tmp_path, ("R-003", "R-007"))
    with sqlite3.connect(old) as conn:
        revision_before = conn.execute("SELECT revision FROM register").fetchone()[0]
        versions = dict(conn.execute("SELECT ref, version FROM risk"))
    conn.close()
    service = open_service(old, ALICE)
    try:
        info = service.register_info()
        assert info.schema_version == migrations.HEAD and info.revision == revision_before + 1
        by_ref = {r.ref: r for r in service.list_risks()}
        for ref in ("R-003", "R-007"):
            risk = by_ref[ref]
            assert (risk.kind, risk.response) == (RiskKind.OPPORTUNITY, Response.EXPLOIT)
            assert risk.version == versions[ref] + 1
            logged = [
                (c.field, c.old, c.new, c.summary, c.source)
                for c in service.history(risk.uuid)
                if c.revision == info.revision
            ]
            assert logged == [("kind", "Threat", "Opportunity",
                               'Risks with the response "Exploit" recorded as opportunities '
                               "(2 risks)", "upgrade to schema 0009")]  # fmt: skip
        others = [r for ref, r in by_ref.items() if ref not in ("R-003", "R-007")]
        assert others and {r.kind for r in others} == {RiskKind.THREAT}
        assert all(r.version == versions[r.ref] for r in others)  # meaning and versions kept
        assert service.check().ok
    finally:
        service.close()


def test_a_register_without_exploit_upgrades_every_risk_to_a_threat_without_a_change_set(
    demo_path: Path, tmp_path: Path
) -> None:
    old = register_at_0008_with_exploit(demo_path, tmp_path, ())
    with sqlite3.connect(old) as conn:
        before = conn.execute("SELECT revision FROM register").fetchone()[0]
    conn.close()
    service = open_service(old, ALICE)
    try:
        assert service.register_info().revision == before
        assert {r.kind for r in service.list_risks()} == {RiskKind.THREAT}
    finally:
        service.close()


def test_on_a_set_up_server_the_upgrade_is_logged_once_by_the_server() -> None:
    from riskreg.server import setup_server
    from tests.pg_server import scratch_database, upgrade_alone
    from tests.server_partnership import plain_sql

    with scratch_database(template="demo") as url:
        setup_server(url)
        with plain_sql(url) as conn:  # as schema 0008 left it (the owner, triggers off)
            conn.execute("ALTER TABLE risk DISABLE TRIGGER USER")
            conn.execute("UPDATE risk SET response = 'Treat', kind = 'Threat'")
            conn.execute("UPDATE risk SET response = 'Exploit' WHERE ref = 'R-004'")
            conn.execute("ALTER TABLE risk ENABLE TRIGGER USER")
            conn.execute("ALTER TABLE risk DROP COLUMN kind")
            row = conn.execute("SELECT revision FROM register").fetchone()
            assert row is not None
            revision = int(row[0])
        upgrade_alone(url, "0008_one_escalation", "0009_opportunities")
        service = open_service(url, ALICE)
        try:
            risk = service.find_risk("R-004")
            assert risk.kind is RiskKind.OPPORTUNITY
            assert service.register_info().revision == revision + 1
            logged = [(c.field, c.old, c.new, c.summary) for c in service.history(risk.uuid)
                      if c.revision == revision + 1]  # fmt: skip
            assert logged == [("kind", "Threat", "Opportunity",
                               'Risks with the response "Exploit" recorded as opportunities '
                               "(1 risk)")]  # fmt: skip
        finally:
            service.close()


def draft(kind: RiskKind, response: Response) -> RiskDraft:
    return RiskDraft(title="Shared depot with the water company", lead_partner="CNCL",
                     inherent_likelihood=3, inherent_impact=4, kind=kind,
                     response=response)  # fmt: skip


def test_an_opportunity_takes_prince2s_responses_and_is_logged_with_its_type(
    service: RegisterService,
) -> None:
    made = {r: service.create_risk(draft(RiskKind.OPPORTUNITY, r)) for r in
            (Response.EXPLOIT, Response.ENHANCE, Response.SHARE, Response.REJECT)}  # fmt: skip
    assert {m.kind for m in made.values()} == {RiskKind.OPPORTUNITY}
    risk = made[Response.ENHANCE]
    assert service.get_risk(risk.uuid).response is Response.ENHANCE
    turned = service.edit_risk(risk.uuid, risk.version,
                               {"kind": RiskKind.THREAT, "response": Response.TREAT})  # fmt: skip
    assert (turned.kind, turned.response) == (RiskKind.THREAT, Response.TREAT)
    changed = {(c.field, c.old, c.new) for c in service.history(risk.uuid)}
    assert {("kind", "Opportunity", "Threat"), ("response", "Enhance", "Treat")} <= changed


@pytest.mark.parametrize(("kind", "response", "allowed"), [
    (RiskKind.OPPORTUNITY, Response.TREAT, "Exploit, Enhance, Share, Reject"),
    (RiskKind.THREAT, Response.EXPLOIT, "Treat, Tolerate, Transfer, Terminate"),
    (RiskKind.THREAT, Response.SHARE, "Treat, Tolerate, Transfer, Terminate"),
])  # fmt: skip
def test_a_response_of_the_other_type_is_refused_beside_the_response_with_nothing_written(
    service: RegisterService, kind: RiskKind, response: Response, allowed: str
) -> None:
    before = service.register_info().revision
    with pytest.raises(ValidationError) as refused:
        service.create_risk(draft(kind, response))
    (problem,) = refused.value.problems
    assert problem.field == "response" and allowed in problem.message
    with pytest.raises(ValidationError) as in_bulk:  # the import path names the draft
        service.create_risks([draft(RiskKind.THREAT, Response.TREAT), draft(kind, response)])
    assert [p.field for p in in_bulk.value.problems] == ["risk 2: response"]
    assert service.register_info().revision == before and service.list_risks() == []


def test_changing_the_type_alone_to_one_the_response_does_not_fit_is_refused(
    service: RegisterService,
) -> None:
    risk = service.create_risk(draft(RiskKind.THREAT, Response.TREAT))
    with pytest.raises(ValidationError) as refused:
        service.edit_risk(risk.uuid, risk.version, {"kind": RiskKind.OPPORTUNITY})
    assert [p.field for p in refused.value.problems] == ["response"]
    with pytest.raises(ValidationError):
        service.edit_risk(risk.uuid, risk.version, {"response": Response.EXPLOIT})
    assert service.get_risk(risk.uuid) == risk
    with pytest.raises(ValidationError) as bad_kind:
        service.edit_risk(risk.uuid, risk.version, {"kind": "Chance"})
    assert [p.field for p in bad_kind.value.problems] == ["kind"]


def test_a_partners_psql_cannot_write_an_opportunity_with_a_threats_response() -> None:
    from psycopg.errors import CheckViolation

    from tests.server_partnership import partnership, plain_sql, state

    with partnership() as p:
        with plain_sql(p.owner) as conn:
            row = conn.execute("SELECT r.id FROM risk r JOIN partner l ON l.id = "
                               "r.lead_partner_id WHERE l.code = 'APEX' AND r.visibility = "
                               "'Joint' ORDER BY r.number LIMIT 1").fetchone()  # fmt: skip
        assert row is not None
        before = state(p.owner)
        with plain_sql(p.logins["APEX"]) as conn:
            for statement, expected in (
                ("UPDATE risk SET kind = 'Opportunity' WHERE id = %s", "not one for a risk"),
                ("UPDATE risk SET response = 'Exploit' WHERE id = %s", "not one for a risk"),
                ("UPDATE risk SET kind = 'Chance', response = 'Share' WHERE id = %s", "Type"),
            ):
                with pytest.raises(CheckViolation, match=expected):
                    conn.execute(statement, [row[0]])  # type: ignore[arg-type]
        assert state(p.owner) == before
        with plain_sql(p.logins["APEX"]) as conn:  # both together is a proper change
            conn.execute("UPDATE risk SET kind = 'Opportunity', response = 'Enhance' "
                         "WHERE id = %s", [row[0]])  # fmt: skip


def test_on_a_server_an_upgrade_over_two_schemas_keeps_both_reasons_in_its_change_set() -> None:
    """0008 and 0009 run in one transaction, so the server opens one change set: its
    summary says what each did."""
    from riskreg.server import setup_server
    from tests.pg_server import scratch_database, upgrade_alone
    from tests.server_partnership import plain_sql

    with scratch_database(template="demo") as url:
        setup_server(url)
        with plain_sql(url) as conn:  # as schema 0007 left it (the owner, triggers off)
            conn.execute("ALTER TABLE risk DISABLE TRIGGER USER")
            conn.execute("UPDATE risk SET response = 'Treat', kind = 'Threat'")
            conn.execute("UPDATE risk SET response = 'Exploit' WHERE ref = 'R-004'")
            conn.execute("UPDATE risk SET status = 'Escalated', escalation = 'Operational' "
                         "WHERE ref = 'R-002'")  # fmt: skip
            conn.execute("ALTER TABLE risk ENABLE TRIGGER USER")  # (its checks know kind)
        upgrade_alone(url, "0007_export_base", "0009_opportunities")
        service = open_service(url, ALICE)
        try:
            opportunity = service.find_risk("R-004")
            (change,) = [c for c in service.history(opportunity.uuid) if c.field == "kind"]
            assert change.summary == (
                'Status "Escalated" moved onto the escalation ladder (1 risk); Risks with the '
                'response "Exploit" recorded as opportunities (1 risk)'
            )
            assert change.source == "upgrade to schema 0008, 0009"
        finally:
            service.close()
