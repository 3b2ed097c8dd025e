"""A register on a PostgreSQL server: copied from a file and back, and the partners'
boundaries enforced by the server itself (row-level security), whatever the client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from riskreg.cli import main as cli
from riskreg.copying import compare_registers, copy_register
from riskreg.errors import RegisterError, RegisterExists, RuleError
from riskreg.records import Actor, RiskDraft, Visibility
from riskreg.server import partner_role
from riskreg.service import open_service
from tests.pg_server import execute, scratch_database


@pytest.fixture
def server_demo() -> Iterator[str]:
    """The demo register in a database of its own, with partner roles and policies."""
    with scratch_database(template="demo") as url:
        assert cli(["server-setup", url]) == 0
        yield url


@pytest.fixture
def apex_login(server_demo: str) -> Iterator[str]:
    """A person at Apex Civils: a login in the APEX partner role; its URL."""
    login = f"apex_{uuid.uuid4().hex[:8]}"
    role = partner_role(make_url(server_demo).database or "", "APEX")
    execute(f"CREATE ROLE {login} LOGIN PASSWORD 'apex-secret' IN ROLE {role}")
    url = make_url(server_demo).set(username=login, password="apex-secret")
    yield url.render_as_string(hide_password=False)
    execute(f"DROP ROLE IF EXISTS {login}")


def raw(url: str) -> psycopg.Connection:
    """Plain SQL, as any other client with the same login would send it."""
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(plain, autocommit=True)


def refs_where(url: str, condition: str) -> list[str]:
    with raw(url) as conn:
        rows = conn.execute(f"SELECT r.ref FROM risk r WHERE {condition} ORDER BY r.number")
        return [row[0] for row in rows]


APEX_IN = ("EXISTS (SELECT 1 FROM risk_share s JOIN partner p ON p.id = s.partner_id "
           "WHERE s.risk_id = r.id AND p.code = 'APEX')")  # fmt: skip


def test_a_register_copied_to_a_server_and_back_is_equal_and_checks(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with scratch_database() as url:
        assert cli(["copy", str(demo_path), url]) == 0
        assert "every table compared equal" in capsys.readouterr().out
        back = tmp_path / "back.riskreg"
        assert cli(["copy", url, str(back)]) == 0
        assert cli(["check", url]) == 0
        assert cli(["check", str(back)]) == 0
        assert compare_registers(demo_path, back) == []
        service = open_service(url, Actor("alice", "CNCL"))
        try:  # history came along, and the server's counters carry on after the copied ids
            assert len(service.history(service.find_risk("R-001").uuid)) > 0
            added = service.create_risk(RiskDraft("After the copy", "CNCL", 2, 2))
            assert added.ref == "R-045"
        finally:
            service.close()
        with pytest.raises(RegisterExists, match="already holds a register"):
            copy_register(demo_path, url)


def test_a_copy_through_a_partner_login_is_refused_as_partial(
    server_demo: str, apex_login: str, tmp_path: Path
) -> None:
    with pytest.raises(RegisterError, match="sees only its partner's part"):
        copy_register(apex_login, tmp_path / "partial.riskreg")
    assert not (tmp_path / "partial.riskreg").exists()


def test_a_partner_login_cannot_update_another_partners_risk_with_plain_sql(
    server_demo: str, apex_login: str
) -> None:
    others = refs_where(server_demo, f"r.lead_partner_id <> (SELECT id FROM partner WHERE "
                                     f"code = 'APEX') AND NOT {APEX_IN}")  # fmt: skip
    target = others[0]
    with raw(apex_login) as conn:
        done = conn.execute("UPDATE risk SET title = 'changed by Apex' WHERE ref = %s", [target])
        assert done.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only by its lead partner"):
            conn.execute(
                "INSERT INTO risk_share (risk_id, partner_id, percent) SELECT r.id, p.id, 0 "
                "FROM risk r, partner p WHERE r.ref = %s AND p.code = 'APEX'",
                [target],
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE alembic_version SET version_num = 'x'")
    assert refs_where(server_demo, "r.title = 'changed by Apex'") == []


def test_a_partner_login_changes_what_it_shares_and_the_log_names_the_login(
    server_demo: str, apex_login: str
) -> None:
    shared = refs_where(server_demo, APEX_IN)[0]
    service = open_service(apex_login, Actor("Jo Whitfield", "APEX"))
    try:
        risk = service.find_risk(shared)
        service.edit_risk(risk.uuid, risk.version, {"owner": "Jo Whitfield"})
        assert service.find_risk(shared).owner == "Jo Whitfield"
        latest = service.history(risk.uuid)[-1]
        assert (latest.user, latest.login) == ("Jo Whitfield", make_url(apex_login).username)
        assert latest.partner_code == "APEX"
        other = refs_where(server_demo, f"r.lead_partner_id <> (SELECT id FROM partner WHERE "
                                        f"code = 'APEX') AND NOT {APEX_IN}")[0]  # fmt: skip
        theirs = service.find_risk(other)
        with pytest.raises(RuleError, match="neither leads nor shares it"):
            service.edit_risk(theirs.uuid, theirs.version, {"owner": "Jo"})
    finally:
        service.close()


def test_other_partners_internal_risks_and_their_history_are_hidden(
    server_demo: str, apex_login: str
) -> None:
    from datetime import date

    owner = open_service(server_demo, Actor("alice", "CNCL"))
    try:
        joint = [r for r in owner.list_risks() if r.visibility is not Visibility.INTERNAL]
        others: dict[str, set[str]] = {}
        for action in owner.list_actions():
            others.setdefault(action.risk_uuid, set()).add(action.partner)
        hidden = next(r for r in joint  # one its lead alone holds, so it may be made Internal
                      if r.lead_partner != "APEX" and r.shares == ((r.lead_partner, 100),)
                      and others.get(r.uuid, set()) <= {r.lead_partner})  # fmt: skip
        owner.edit_risk(hidden.uuid, hidden.version, {"visibility": Visibility.INTERNAL})
        secret = owner.create_risk(RiskDraft("Council-only: members' pay claim", "CNCL", 3, 3,
                                             visibility=Visibility.INTERNAL))  # fmt: skip
        owner.record_joint_review("Board", date(2026, 11, 27))  # its snapshot holds them all
        everything = len(owner.list_risks())
    finally:
        owner.close()
    apex = open_service(apex_login, Actor("Jo Whitfield", "APEX"))
    try:
        seen = apex.list_risks()
        assert hidden.uuid not in {r.uuid for r in seen}
        assert len(seen) < everything
    finally:
        apex.close()
    with raw(apex_login) as conn:
        assert conn.execute("SELECT count(*) FROM change WHERE entity_uuid = %s",
                            [hidden.uuid]).fetchone() == (0,)  # fmt: skip
        assert conn.execute("SELECT count(*) FROM action a JOIN risk r ON r.id = a.risk_id "
                            "WHERE r.uuid = %s", [hidden.uuid]).fetchone() == (0,)  # fmt: skip
        assert conn.execute("SELECT count(*) FROM change_set WHERE summary LIKE %s",
                            ["%members' pay%"]).fetchone() == (0,)  # fmt: skip
        assert conn.execute("SELECT count(*) FROM review").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM risk WHERE uuid = %s",
                            [secret.uuid]).fetchone() == (0,)  # fmt: skip


def test_the_same_migrations_build_and_upgrade_a_register_on_a_server() -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import text

    from riskreg import store
    from riskreg.model import Base
    from riskreg.scoring import ScoringScheme

    with scratch_database() as url:
        old = store._make_store(url, None, 1000)
        store.upgrade_to(old, "0001")
        with old.engine.begin() as conn:
            conn.execute(
                text("INSERT INTO register (id, uuid, name, scheme_json, revision, "
                     "next_risk_number, next_action_number, created_at) VALUES (1, 'u-1', "
                     "'Old register', :scheme, 0, 1, 1, '2025-01-01 00:00:00')"),
                {"scheme": ScoringScheme.default().to_json()},
            )  # fmt: skip
        old.close()
        service = open_service(url, Actor("alice", "CNCL"))
        try:
            info = service.register_info()
            assert (info.schema_version, info.name) == (store.head_revision(), "Old register")
        finally:
            service.close()
        upgraded = store.open_register(url)
        try:
            with upgraded.engine.connect() as conn:
                assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        finally:
            upgraded.close()


def test_only_the_keeping_partner_changes_the_partnerships_settings(
    server_demo: str, apex_login: str
) -> None:
    from riskreg.scoring import ScoringScheme

    apex = open_service(apex_login, Actor("Jo Whitfield", "CNCL"))  # says CNCL, logs in as APEX
    try:
        before = apex.scheme()
        with pytest.raises(RuleError, match="only the partner keeping the register changes"):
            apex.change_scheme(ScoringScheme.sized(4, 4))
        assert apex.scheme() == before
        assert apex.check().ok
    finally:
        apex.close()
    with raw(apex_login) as conn:
        done = conn.execute("UPDATE partner SET name = 'Renamed by Apex' WHERE code = 'CNCL'")
        assert done.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO category (name, appetite) VALUES ('Apex only', 'Open')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="partner keeping"):
            conn.execute("UPDATE register SET name = 'The Apex register'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("UPDATE register SET revision = revision")  # the server's to count
    keeper = open_service(server_demo, Actor("alice", "CNCL"))  # the tables' owner may
    try:
        keeper.change_scheme(ScoringScheme.sized(4, 4))
        assert keeper.scheme().size == (4, 4) and keeper.check().ok
    finally:
        keeper.close()


def test_the_command_line_takes_a_server_url_wherever_it_takes_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    with scratch_database() as url:
        assert cli(["init", url, "--partner", "CNCL:County Council", "--partner", "APEX:Apex"]) == 0
        assert "created" in capsys.readouterr().out
        assert cli(["check", url]) == 0
        workbook = tmp_path / "joint.xlsx"
        assert cli(["export", url, str(workbook)]) == 0
        assert cli(["import", url, str(workbook), "--dry-run"]) == 0
        assert cli(["heatmap", url, str(tmp_path / "map.png")]) == 0
        assert cli(["report", url, str(tmp_path / "pack.pdf")]) == 0
        assert (tmp_path / "map.png").stat().st_size > 0 and workbook.stat().st_size > 0
