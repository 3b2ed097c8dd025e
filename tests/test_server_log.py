"""The change log the server writes (after ``server-setup``) reads as the application's own:
the same use cases, run through partners' logins on a server and on a register file, leave
the same history, change set by change set, once each; and nothing the application does
through a partner's login is refused by the server's rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from riskreg.choices import ActionStatus, EscalationLevel, Visibility
from riskreg.records import ActionDraft, Actor, CategoryRecord, PartnerRecord, RiskDraft
from riskreg.scoring import ScoringScheme
from riskreg.server import setup_server
from riskreg.service import RegisterService, create_register, open_service
from tests.pg_server import execute, scratch_database
from tests.server_partnership import PASSWORD, add_login, plain_sql

KEEPER = Actor("alice", "CNCL", "GUI")
APEX = Actor("Jo Whitfield", "APEX", "GUI")
PARTNERS = [PartnerRecord("CNCL", "County Council"), PartnerRecord("APEX", "Apex Civils"),
            PartnerRecord("AQUA", "Aqua Water")]  # fmt: skip


def _new_register(location: str | Path) -> None:
    create_register(location, KEEPER, name="Log alliance", partners=PARTNERS, keeper="CNCL",
                    categories=[CategoryRecord("Financial", "Cautious")]).close()  # fmt: skip


def use_cases(keeper: RegisterService, apex: RegisterService) -> None:
    """Every kind of write the window makes, by the keeper and by a partner that does not
    keep the register."""
    shared = apex.create_risk(RiskDraft(
        "Ground conditions", "APEX", 3, 4, category="Financial", owner="Jo",
        shares=(("APEX", 60), ("CNCL", 40)), cost_min=10, cost_likely=20, cost_max=40,
        target_likelihood=1, target_impact=2, target_date=date(2027, 3, 1),
    ))  # fmt: skip
    shared = apex.edit_risk(shared.uuid, shared.version, {
        "title": "Ground conditions on the A-road", "current_likelihood": 2, "owner": "Sam",
        "description": "Line one\nline two", "last_reviewed": date(2026, 11, 2),
    })  # fmt: skip
    shared = apex.set_shares(shared.uuid, shared.version, (("APEX", 50), ("CNCL", 50)))
    shared = apex.escalate(shared.uuid, shared.version, EscalationLevel.JOINT_MANAGEMENT,
                           "Cost above tolerance")  # fmt: skip
    shared = apex.mark_reviewed(shared.uuid, shared.version, date(2026, 11, 20))
    action = apex.add_action(shared.uuid, ActionDraft("Trial pits", "APEX", "Sam"))
    action = apex.edit_action(action.uuid, action.version,
                              {"status": ActionStatus.IN_PROGRESS, "progress": 40})  # fmt: skip
    apex.complete_action(action.uuid, action.version, date(2026, 11, 25))
    own = apex.create_risk(RiskDraft("Plant hire", "APEX", 2, 2))
    apex.edit_risk(own.uuid, own.version, {"lead_partner": "AQUA"})  # the split follows
    hidden = apex.create_risk(RiskDraft("Apex only", "APEX", 2, 3,
                                        visibility=Visibility.INTERNAL))  # fmt: skip
    apex.edit_risk(hidden.uuid, hidden.version, {"visibility": Visibility.JOINT})
    imported = [
        RiskDraft("Imported one", "APEX", 1, 1, actions=(ActionDraft("Imported action", "APEX"),)),
        RiskDraft("Imported two", "APEX", 2, 1),
    ]
    apex.create_risks(imported, summary="Import of x.xlsx")

    keeper.add_category(CategoryRecord("Legal", "Averse"))
    keeper.edit_category("Legal", CategoryRecord("Legal and contracts", "Open"))
    keeper.set_partner_appetite("APEX", "Financial", "Averse")
    keeper.set_partner_appetite("APEX", "Financial", "Open")
    keeper.set_partner_appetite("APEX", "Financial", None)
    keeper.remove_category("Legal and contracts")
    keeper.add_partner(PartnerRecord("ZETA", "Zeta Consulting", "#123456"))
    keeper.edit_partner("ZETA", name="Zeta Consulting Ltd", active=False)
    keeper.remove_partner("ZETA")
    keeper.rename_register("Log alliance 2026")
    keeper.set_escalate_after(60)
    keeper.set_keeper("APEX")
    apex.set_keeper("CNCL")  # APEX keeps the register now, and hands it back
    keeper.change_scheme(ScoringScheme.sized(4, 4))
    keeper.change_scheme(ScoringScheme.sized(6, 5))
    keeper.record_joint_review("Board", date(2026, 11, 27))


def history(service: RegisterService) -> list[tuple[object, ...]]:
    """Each change set's words and its changes (as a set: the order within one is not the
    log's meaning), in revision order; what differs by backend (uuids, times, logins) left
    out."""
    from datetime import datetime

    sets: dict[int, tuple[object, ...]] = {}
    changes: dict[int, list[tuple[object, ...]]] = {}
    for c in service.changes_between(datetime(2000, 1, 1)):
        sets[c.revision] = (c.user, c.partner_code, c.source, c.summary)
        old = c.old if c.field != "scheme" else (c.old or "")[:40]
        new = c.new if c.field != "scheme" else (c.new or "")[:40]
        if c.entity == "review":  # a snapshot's fingerprint covers uuids and times
            new = len(new or "")
        changes.setdefault(c.revision, []).append((c.entity, c.entity_ref, c.field, old, new))
    return [(revision, *sets[revision], sorted(map(repr, changes[revision])))
            for revision in sorted(sets)]  # fmt: skip


@pytest.fixture
def server_register() -> Iterator[tuple[str, dict[str, str]]]:
    """A new register on the server, set up, with a login for CNCL and for APEX."""
    with scratch_database() as url:
        _new_register(url)
        setup_server(url)
        database = make_url(url).database or ""
        names = {code: add_login(database, code) for code in ("CNCL", "APEX")}
        at = make_url(url)
        logins = {
            code: at.set(username=name, password=PASSWORD).render_as_string(False)
            for code, name in names.items()
        }
        try:
            yield url, logins
        finally:
            for name in names.values():
                execute(f"DROP ROLE IF EXISTS {name}")


def test_the_server_logs_every_use_case_through_partner_logins_as_the_application_does(
    server_register: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    path = tmp_path / "log.riskreg"
    _new_register(path)
    on_file = [open_service(path, KEEPER), open_service(path, APEX)]
    url, logins = server_register
    on_server = [open_service(logins["CNCL"], KEEPER), open_service(logins["APEX"], APEX)]
    try:
        use_cases(*on_file)
        use_cases(*on_server)
        expected, logged = history(on_file[0]), history(on_server[0])
        assert len(logged) == len(expected) > 25
        for want, got in zip(expected, logged, strict=True):
            assert got == want
        assert on_server[0].check().ok and on_file[0].check().ok
    finally:
        for service in on_file + on_server:
            service.close()
    with plain_sql(url) as conn:  # each change set once, each with the login that made it
        rows = conn.execute(
            "SELECT s.revision, s.login, s.partner_code, count(c.id) FROM change_set s "
            "LEFT JOIN change c ON c.change_set_id = s.id GROUP BY s.id ORDER BY s.revision"
        ).fetchall()
        revision = conn.execute("SELECT revision FROM register").fetchone()
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1)) and revision == (len(rows),)
    assert all(count > 0 for *_, count in rows)
    names = {make_url(u).username: code for code, u in logins.items()}
    assert all(names[login] == partner for _, login, partner, _ in rows[1:])  # after creation


def test_a_partners_login_acting_for_another_partner_is_logged_as_its_own(
    server_register: tuple[str, dict[str, str]],
) -> None:
    _, logins = server_register
    service = open_service(logins["APEX"], Actor("Jo Whitfield", "CNCL"))  # says CNCL
    try:
        risk = service.create_risk(RiskDraft("Said to be the council's", "APEX", 2, 2))
        created = service.history(risk.uuid)[0]
        assert (created.partner_code, created.login) == ("APEX", make_url(logins["APEX"]).username)
    finally:
        service.close()


def test_a_change_and_its_undoing_in_one_transaction_leave_no_change_set(
    server_register: tuple[str, dict[str, str]],
) -> None:
    url, logins = server_register
    service = open_service(logins["APEX"], APEX)
    try:
        risk = service.create_risk(RiskDraft("Back and forth", "APEX", 2, 2, owner="Jo"))
        before = service.revision()
        service.edit_risk(risk.uuid, risk.version, {"owner": "Jo"})  # nothing changes
        assert service.revision() == before
    finally:
        service.close()
    with plain_sql(logins["APEX"]) as conn, conn.transaction():
        conn.execute("UPDATE risk SET owner = 'Sam' WHERE uuid = %s", [risk.uuid])
        conn.execute("UPDATE risk SET owner = 'Jo' WHERE uuid = %s", [risk.uuid])
        conn.execute("SELECT riskreg_finish('Jo', 'SQL', 'nothing', '', NULL, '[]')")
    with plain_sql(url) as conn:
        assert conn.execute("SELECT revision FROM register").fetchone() == (before,)
        assert conn.execute("SELECT count(*) FROM change WHERE entity_uuid = %s AND "
                            "field = 'owner'", [risk.uuid]).fetchone() == (0,)  # fmt: skip


def test_server_setup_twice_changes_no_row_and_keeps_every_login(
    server_register: tuple[str, dict[str, str]],
) -> None:
    from tests.server_partnership import state

    url, logins = server_register
    before = state(url)
    setup_server(url)
    assert state(url) == before
    service = open_service(logins["APEX"], APEX)
    try:
        assert service.create_risk(RiskDraft("Still writes", "APEX", 1, 1)).ref == "R-001"
    finally:
        service.close()


def test_a_new_partner_gets_a_role_when_server_setup_runs_again(
    server_register: tuple[str, dict[str, str]],
) -> None:
    from riskreg.server import partner_role

    url, logins = server_register
    keeper = open_service(logins["CNCL"], KEEPER)
    try:
        keeper.add_partner(PartnerRecord("NEWP", "New partner"))
    finally:
        keeper.close()
    report = setup_server(url)
    database = make_url(url).database or ""
    assert partner_role(database, "NEWP") in report.roles
    name = f"newp_{uuid.uuid4().hex[:8]}"
    execute(f"CREATE ROLE {name} LOGIN PASSWORD 'pw' IN ROLE {partner_role(database, 'NEWP')}")
    try:
        login = make_url(url).set(username=name, password="pw").render_as_string(False)
        service = open_service(login, Actor("Newcomer", "NEWP"))
        try:
            assert service.create_risk(RiskDraft("First of ours", "NEWP", 2, 2)).ref == "R-001"
            assert service.history(service.find_risk("R-001").uuid)[0].partner_code == "NEWP"
        finally:
            service.close()
    finally:
        execute(f"DROP ROLE IF EXISTS {name}")


def test_a_partners_workbook_is_applied_through_its_own_login_and_not_the_keepers(
    tmp_path: Path,
) -> None:
    from riskreg.errors import RegisterError
    from riskreg.exchange.export import export_register
    from riskreg.exchange.importer import apply_import, plan_import
    from tests.exchange_helpers import edit
    from tests.server_partnership import partnership

    with partnership(("CNCL", "APEX")) as joint:
        keeper = open_service(joint.logins["CNCL"], KEEPER)
        apex = open_service(joint.logins["APEX"], APEX)
        try:
            workbook = tmp_path / "for APEX.xlsx"
            export_register(keeper, workbook, "APEX")  # the keeper sends it out
            risk = next(r for r in apex.list_risks() if r.lead_partner == "APEX"
                        and r.share_of("CNCL") == 0)  # fmt: skip
            edit(workbook, "Risks", risk.ref, {"Owner": "Owner from the workbook"})
            plan = plan_import(keeper, workbook)  # the keeper's login may not change it
            with pytest.raises(RegisterError, match="partner rules"):
                apply_import(keeper, plan, plan.accepted("clean"))
            assert apex.get_risk(risk.uuid).owner == risk.owner
            plan = plan_import(apex, workbook)
            apply_import(apex, plan, plan.accepted("clean"))
            latest = apex.history(risk.uuid)[-1]
            assert (latest.field, latest.new) == ("owner", "Owner from the workbook")
            assert (latest.login, latest.partner_code) == (joint.login("APEX"), "APEX")
            assert "for APEX.xlsx" in latest.summary
        finally:
            keeper.close()
            apex.close()


def test_an_older_schema_on_a_server_is_upgraded_by_its_owner_not_a_partners_login() -> None:
    from riskreg.errors import RegisterError
    from riskreg.store import head_revision
    from tests.server_partnership import partnership

    with partnership(("APEX",)) as joint:
        with plain_sql(joint.owner) as conn:  # as a register of the version before looks
            conn.execute("UPDATE alembic_version SET version_num = '0005'")
        with pytest.raises(RegisterError, match="The register's owner upgrades it"):
            open_service(joint.logins["APEX"], APEX)
        with plain_sql(joint.owner) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0005",)
            conn.execute("UPDATE alembic_version SET version_num = %s", [head_revision()])
        open_service(joint.logins["APEX"], APEX).close()  # at this version's schema: opens
