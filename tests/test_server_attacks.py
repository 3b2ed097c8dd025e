"""A partner's login is an adversary with ``psql``: each attack here is sent as plain SQL
through a partner's login on a register set up with ``server-setup`` (three partners'
logins: CNCL keeps the register, APEX and AQUA do not), and must fail and change nothing
(every row of every table, the server's own included, is compared before and after)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import psycopg
import pytest
from psycopg.errors import CheckViolation, InsufficientPrivilege
from sqlalchemy.engine import make_url

from riskreg.errors import ConflictError, RegisterBusy, RegisterError
from riskreg.records import Actor, RiskDraft
from riskreg.server import partner_role, role_comment, setup_server
from riskreg.service import open_service
from tests.pg_server import execute, scratch_database
from tests.server_partnership import TABLES, Partnership, one, partnership, plain_sql, state

STRONG_LOCKS = ("ROW SHARE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
                "EXCLUSIVE", "ACCESS EXCLUSIVE")  # fmt: skip
"""Every lock mode beyond what reading and writing rows takes (ACCESS SHARE, ROW EXCLUSIVE)."""

FIXED_COLUMNS = {
    "register": "revision", "risk": "ref", "action": "risk_id", "partner": "code",
    "category": "id", "partner_appetite": "partner_id", "risk_share": "partner_id",
    "change_set": "login", "change": "new", "review": "snapshot", "export_log": "partner_id",
    "export_base": "key_digest", "alembic_version": "version_num",
    "risk_acceptance": "justification",
}  # fmt: skip
"""For each table, a column the application never updates."""


@pytest.fixture(scope="module")
def joint() -> Iterator[Partnership]:
    """One set-up partnership for the attacks that change nothing (each test checks so)."""
    with partnership() as found:
        yield found


@pytest.fixture
def fresh() -> Iterator[Partnership]:
    """A partnership of its own, for a test whose legitimate writes would disturb others."""
    with partnership() as found:
        yield found


def ids(p: Partnership) -> dict[str, int]:
    with plain_sql(p.owner) as conn:
        return dict(conn.execute("SELECT code, id FROM partner").fetchall())  # type: ignore[arg-type]


def risk_of(p: Partnership, condition: str) -> tuple[int, str, str]:
    """(id, ref, uuid) of the first risk meeting a condition, read as the owner."""
    with plain_sql(p.owner) as conn:
        row = conn.execute(
            "SELECT r.id, r.ref, r.uuid FROM risk r JOIN partner l ON l.id = r.lead_partner_id "
            f"WHERE {condition} ORDER BY r.number LIMIT 1"  # type: ignore[arg-type]
        ).fetchone()
    assert row is not None, condition
    return row[0], row[1], row[2]


def refused_with(conn: psycopg.Connection, statement: str, params: object = None) -> str:
    """Run one statement that must fail; its error message."""
    try:
        conn.execute(statement, params)  # type: ignore[arg-type]
    except psycopg.Error as exc:
        return str(exc).splitlines()[0]
    raise AssertionError(f"the server accepted: {statement}")


def test_temporary_objects_shadow_nothing_the_servers_functions_read(joint: Partnership) -> None:
    before = state(joint.owner)
    partners = ids(joint)
    internal_id, _, _ = risk_of(joint, "l.code = 'CNCL' AND r.visibility = 'Internal'")
    with plain_sql(joint.owner) as conn:
        own_internal = one(
            conn,
            "SELECT count(*) FROM risk r JOIN partner l ON l.id = r.lead_partner_id "
            "WHERE l.code = 'APEX' AND visibility = 'Internal'",
        )
    with plain_sql(joint.logins["APEX"]) as conn:
        conn.execute("SET search_path = pg_temp, public, pg_catalog")  # temporary objects first
        conn.execute("CREATE TEMP TABLE partner AS SELECT * FROM public.partner")
        conn.execute("CREATE TEMP TABLE register AS SELECT * FROM public.register")
        conn.execute("UPDATE pg_temp.register SET keeper_partner_id = %s", [partners["APEX"]])
        conn.execute("CREATE TEMP TABLE partner_role (partner_id integer, role_name name)")
        conn.execute("INSERT INTO pg_temp.partner_role SELECT id, current_user FROM public.partner")
        conn.execute("CREATE TEMP TABLE risk_share AS SELECT * FROM public.risk_share")
        conn.execute("INSERT INTO pg_temp.risk_share SELECT id, %s, 100 FROM public.risk",
                     [partners["APEX"]])  # fmt: skip
        conn.execute(
            "CREATE TEMP TABLE change (change_set_id integer, entity text, entity_uuid text, "
            "entity_ref text, field text, old text, new text)"
        )
        conn.execute("CREATE FUNCTION pg_temp.riskreg_my_partners() RETURNS SETOF integer "
                     "LANGUAGE sql AS 'SELECT id FROM public.partner'")  # fmt: skip
        conn.execute("CREATE FUNCTION pg_temp.pg_has_role(name, oid, text) RETURNS boolean "
                     "LANGUAGE sql AS 'SELECT true'")  # fmt: skip
        assert one(conn, "SELECT riskreg_is_keeper()") is False
        assert one(conn, "SELECT public.riskreg_may_change_risk(%s)", [internal_id]) is False
        mine = [r[0] for r in conn.execute("SELECT public.riskreg_my_partners()").fetchall()]
        assert mine == [partners["APEX"]]
        assert one(conn, "SELECT count(*) FROM public.risk WHERE visibility = 'Internal'") == (
            own_internal
        )
        assert one(conn, "SELECT count(*) FROM public.review") == 0
        done = conn.execute("UPDATE public.risk SET title = 'seen by Apex' WHERE id = %s",
                            [internal_id])  # fmt: skip
        assert done.rowcount == 0
        assert "only the partner keeping" in refused_with(
            conn, "UPDATE public.register SET name = 'The Apex register'"
        )
        assert "only the partner keeping" in refused_with(
            conn, "SELECT public.riskreg_remove('partner', %s, NULL)", [partners["AQUA"]]
        )
    assert state(joint.owner) == before


def test_no_table_can_be_emptied_locked_or_written_beyond_what_the_application_writes(
    joint: Partnership,
) -> None:
    before = state(joint.owner)
    accepted = []
    with plain_sql(joint.logins["APEX"]) as conn:
        for table in TABLES:
            fixed = FIXED_COLUMNS[table]
            attempts = [f"DELETE FROM public.{table}", f"TRUNCATE public.{table}",
                        f"UPDATE public.{table} SET {fixed} = {fixed}"]  # fmt: skip
            if table in ("register", "alembic_version", "change_set", "change"):
                attempts.append(f"INSERT INTO public.{table} SELECT * FROM public.{table}")
            if table in (
                "alembic_version",
                "change_set",
                "change",
                "review",
                "export_log",
                "export_base",
            ):
                attempts.append(f"SELECT 1 FROM public.{table} FOR KEY SHARE")  # row locks
            for statement in attempts:
                try:
                    conn.execute(statement)  # type: ignore[arg-type]
                except InsufficientPrivilege:
                    continue
                accepted.append(statement)
            for mode in STRONG_LOCKS:
                try:
                    with conn.transaction():
                        conn.execute(f"LOCK TABLE public.{table} IN {mode} MODE")  # type: ignore[arg-type]
                except InsufficientPrivilege:
                    continue
                accepted.append(f"LOCK TABLE {table} IN {mode} MODE")
    assert accepted == []
    assert state(joint.owner) == before


def test_the_register_row_counters_and_sequences_are_the_servers(fresh: Partnership) -> None:
    before = state(fresh.owner)
    with plain_sql(fresh.logins["APEX"]) as conn:
        for statement in (
            "UPDATE register SET next_risk_number = 1",
            "UPDATE register SET next_action_number = 1, revision = 0",
            "DELETE FROM register",
            'INSERT INTO change_set (revision, at, "user", partner_code, source, summary, login) '
            "SELECT revision + 1, now(), 'x', 'APEX', 'x', 'x', 'x' FROM register",
            "SELECT setval('risk_id_seq', 1)",
            "SELECT nextval('risk_id_seq')",
            "SELECT nextval('change_set_id_seq')",
            "ALTER SEQUENCE risk_id_seq RESTART",
        ):
            assert "permission denied" in refused_with(conn, statement) or "must be owner" in (
                refused_with(conn, statement)
            ), statement
    assert state(fresh.owner) == before
    keeper = open_service(fresh.logins["CNCL"], Actor("alice", "CNCL"))
    apex = open_service(fresh.logins["APEX"], Actor("Jo Whitfield", "APEX"))
    try:  # every new risk still gets the next ref, for every partner
        assert keeper.create_risk(RiskDraft("After the attacks", "CNCL", 2, 2)).ref == "R-045"
        assert apex.create_risk(RiskDraft("And another", "APEX", 3, 2)).ref == "R-046"
        assert keeper.check().ok
    finally:
        keeper.close()
        apex.close()


def test_the_change_log_cannot_be_forged_or_altered(fresh: Partnership) -> None:
    _, own_ref, own_uuid = risk_of(fresh, "l.code = 'APEX' AND r.visibility = 'Joint'")
    _, _, theirs = risk_of(fresh, "l.code = 'CNCL' AND r.visibility = 'Joint'")
    forged_note = f'[{{"entity": "risk", "uuid": "{theirs}", "field": "escalation_reason", ' \
                  f'"old": null, "new": "Apex said so"}}]'  # fmt: skip
    before = state(fresh.owner)
    with plain_sql(fresh.logins["APEX"]) as conn:
        for statement in (
            "INSERT INTO change (change_set_id, entity, entity_uuid, entity_ref, field, old, new) "
            "SELECT id, 'risk', 'x', 'R-001', 'title', 'a', 'b' FROM change_set LIMIT 1",
            "UPDATE change SET new = 'rewritten'",
            "UPDATE change_set SET \"user\" = 'alice', login = 'alice'",
            "DELETE FROM change",
            "SELECT riskreg_internal.log('risk', 'x', 'R-001', 'title', 'a', 'b')",
            "SELECT riskreg_internal.change_set()",
        ):
            assert "permission denied" in refused_with(conn, statement), statement
        # with nothing changed in its transaction there is no change set to describe
        assert one(conn, "SELECT riskreg_finish('alice', 'GUI', 'x', 'CNCL', now()::timestamp, "
                         "%s::jsonb)", [forged_note]) is None  # fmt: skip
        conn.execute("BEGIN")
        conn.execute("UPDATE risk SET owner = 'Jo' WHERE ref = %s", [own_ref])
        message = refused_with(conn, "SELECT riskreg_finish('alice', 'GUI', 'Edit risk', 'CNCL', "
                                     "now()::timestamp, %s::jsonb)", [forged_note])  # fmt: skip
        conn.execute("ROLLBACK")
        assert "a note belongs to a change" in message
    assert state(fresh.owner) == before
    with plain_sql(fresh.logins["APEX"]) as conn, conn.transaction():
        conn.execute("UPDATE risk SET owner = 'Jo' WHERE ref = %s", [own_ref])
        conn.execute("SELECT riskreg_finish('alice', 'GUI', 'Import (export 0000)', 'CNCL', "
                     "'1999-01-01', '[]')")  # fmt: skip
    with plain_sql(fresh.owner) as conn:
        logged = conn.execute(
            "SELECT s.login, s.partner_code, s.at > now() - interval '1 hour', s.summary, "
            "s.\"user\", c.field, c.new FROM change c JOIN change_set s ON s.id = c.change_set_id "
            "WHERE c.entity_uuid = %s ORDER BY c.id DESC LIMIT 1", [own_uuid]
        ).fetchone()  # fmt: skip
    # the login, its partner and the time are the server's; the user's name is what it says
    assert logged == (fresh.login("APEX"), "APEX", True, "Import (said to be export 0000)",
                      "alice", "owner", "Jo")  # fmt: skip


def test_a_share_holder_cannot_take_the_lead_hide_the_risk_or_change_its_shares(
    fresh: Partnership,
) -> None:
    shared = "l.code = 'CNCL' AND EXISTS (SELECT 1 FROM risk_share s JOIN partner p ON " \
             "p.id = s.partner_id WHERE s.risk_id = r.id AND p.code = 'APEX')"  # fmt: skip
    rid, ref, uuid = risk_of(fresh, shared)
    partners = ids(fresh)
    before = state(fresh.owner)
    with plain_sql(fresh.logins["APEX"]) as conn:
        for statement, params in (
            ("UPDATE risk SET lead_partner_id = %s WHERE id = %s", [partners["APEX"], rid]),
            ("UPDATE risk SET visibility = 'Internal' WHERE id = %s", [rid]),
            ("UPDATE risk_share SET percent = 100 WHERE risk_id = %s AND partner_id = %s",
             [rid, partners["APEX"]]),
            ("SELECT riskreg_remove('share', %s, %s)", [rid, partners["CNCL"]]),
            ("INSERT INTO risk_share VALUES (%s, %s, 10)", [rid, partners["AQUA"]]),
        ):  # fmt: skip
            message = refused_with(conn, statement, params)
            assert "lead partner" in message, (statement, message)
    assert state(fresh.owner) == before
    with plain_sql(fresh.logins["CNCL"]) as conn:  # the lead still sees its risk
        assert one(conn, "SELECT count(*) FROM risk WHERE id = %s", [rid]) == 1
    apex = open_service(fresh.logins["APEX"], Actor("Jo Whitfield", "APEX"))
    try:  # what the services let a share-holder do, it still does; the window says why not
        risk = apex.find_risk(ref)
        apex.edit_risk(uuid, risk.version, {"owner": "Jo Whitfield"})
        risk = apex.find_risk(ref)
        with pytest.raises(RegisterError, match=f"only the lead partner of {ref} \\(CNCL\\)"):
            apex.edit_risk(uuid, risk.version, {"lead_partner": "APEX"})
        with pytest.raises(RegisterError, match="changed only by its lead partner"):
            apex.set_shares(uuid, risk.version, (("APEX", 60), ("CNCL", 40)))
        assert apex.find_risk(ref).shares == risk.shares
    finally:
        apex.close()


def test_inserts_into_risks_a_partner_cannot_see_are_refused_alike_whether_or_not_they_exist(
    joint: Partnership,
) -> None:
    hidden, _, hidden_uuid = risk_of(joint, "l.code = 'CNCL' AND r.visibility = 'Internal'")
    with plain_sql(joint.owner) as conn:
        missing = int(one(conn, "SELECT max(id) + 1000 FROM risk"))  # type: ignore[call-overload]
    apex = ids(joint)["APEX"]
    before = state(joint.owner)
    answers: dict[int, list[str]] = {}
    with plain_sql(joint.logins["APEX"]) as conn:
        for rid in (hidden, missing):
            answers[rid] = [
                refused_with(conn, "INSERT INTO action (uuid, risk_id, description, partner_id, "
                                   "owner, status, progress) VALUES (gen_random_uuid()::text, %s, "
                                   "'Watch it', %s, '', 'Not started', 0)", [rid, apex]),
                refused_with(conn, "INSERT INTO risk_share VALUES (%s, %s, 100)", [rid, apex]),
                refused_with(conn, "SELECT riskreg_remove('share', %s, %s)", [rid, apex]),
            ]  # fmt: skip
            assert conn.execute("UPDATE risk SET owner = 'x' WHERE id = %s", [rid]).rowcount == 0
            assert one(conn, "SELECT count(*) FROM action WHERE risk_id = %s", [rid]) == 0
        assert one(conn, "SELECT count(*) FROM change WHERE entity_uuid = %s", [hidden_uuid]) == 0
    assert answers[hidden] == answers[missing]
    assert all("row-level security" in a or "lead partner" in a for a in answers[hidden])
    assert state(joint.owner) == before


def test_export_records_are_each_partners_own(fresh: Partnership) -> None:
    """Who a workbook was made for, and the base it held, decide what its import may change:
    a partner's psql reads only its own exports and bases, forges none for another partner
    or the whole register, and changes or removes none once recorded."""
    keeper = open_service(fresh.logins["CNCL"], Actor("alice", "CNCL"))
    try:
        revision = keeper.revision()
        for export_id, code in (("e-apex", "APEX"), ("e-aqua", "AQUA"), ("e-all", None)):
            keeper.record_export(export_id, code, revision, f"{export_id}.xlsx",
                                 base=export_id.encode(), key_digest="0" * 64)  # fmt: skip
    finally:
        keeper.close()
    partners = ids(fresh)
    before = state(fresh.owner)
    insert = ("INSERT INTO export_log (export_id, partner_id, at, revision, file_name, \"user\") "
              "VALUES (%s, %s, now(), %s, 'x.xlsx', 'Jo')")  # fmt: skip
    with plain_sql(fresh.logins["APEX"]) as conn:
        assert conn.execute("SELECT export_id FROM export_log").fetchall() == [("e-apex",)]
        for statement, params in (
            ("UPDATE export_log SET partner_id = %s", [partners["APEX"]]),
            ("DELETE FROM export_log", None),
            (insert, ["e-forged", partners["AQUA"], revision]),
            (insert, ["e-forged", None, revision]),
            (insert, ["e-forged", partners["APEX"], revision + 1000]),
        ):
            refused_with(conn, statement, params)
        assert conn.execute("SELECT export_id, content FROM export_base").fetchall() == [
            ("e-apex", b"e-apex")
        ]
        for statement, params in (
            ("UPDATE export_base SET content = %s", [b"forged"]),
            ("UPDATE export_base SET key_digest = %s", ["1" * 64]),
            ("DELETE FROM export_base", None),
        ):
            assert "permission denied" in refused_with(conn, statement, params)
        forged = refused_with(  # a base of another partner's export, its key known
            conn,
            "INSERT INTO export_base (export_id, key_digest, content) VALUES (%s, %s, %s)",
            ["e-aqua", "1" * 64, b"forged"],
        )
        assert "row-level security" in forged
    assert state(fresh.owner) == before
    keeper = open_service(fresh.logins["CNCL"], Actor("alice", "CNCL"))
    try:  # what the keeper's import trusts is as the keeper recorded it
        entry = keeper.export_entry("e-aqua")
        assert entry is not None and entry.partner_code == "AQUA"
    finally:
        keeper.close()


def test_a_psql_update_through_a_partners_login_is_in_the_history_with_that_login(
    fresh: Partnership,
) -> None:
    _, ref, uuid = risk_of(fresh, "l.code = 'APEX' AND r.visibility = 'Joint'")
    apex = open_service(fresh.logins["APEX"], Actor("Jo Whitfield", "APEX"))
    keeper = open_service(fresh.logins["CNCL"], Actor("alice", "CNCL"))
    try:
        seen = keeper.revision()
        opened = apex.find_risk(ref)  # a window holds this version
        with plain_sql(fresh.logins["APEX"]) as conn:
            conn.execute("UPDATE risk SET owner = 'Changed in psql', current_impact = 1 "
                         "WHERE uuid = %s", [uuid])  # fmt: skip
        entries = [c for c in keeper.history(uuid) if c.revision == keeper.revision()]
        assert {(c.field, c.old, c.new) for c in entries} == {
            ("owner", opened.owner, "Changed in psql"),
            ("current_impact", str(opened.current_impact), "1"),
        }
        assert {(c.login, c.partner_code, c.source) for c in entries} == {
            (fresh.login("APEX"), "APEX", "SQL")
        }
        assert apex.find_risk(ref).version == opened.version + 1
        changed = keeper.changed_since(seen)  # the windows bring it in, row by row
        assert changed.risks == frozenset({uuid}) and changed.outside
        with pytest.raises(ConflictError, match=f"{ref} was changed by {fresh.login('APEX')}"):
            apex.edit_risk(uuid, opened.version, {"owner": "typed in the window"})
        assert apex.find_risk(ref).owner == "Changed in psql"
    finally:
        apex.close()
        keeper.close()


def test_values_the_application_refuses_are_refused_for_psql_too(fresh: Partnership) -> None:
    rid, ref, _ = risk_of(fresh, "l.code = 'APEX' AND r.visibility = 'Joint'")
    apex = ids(fresh)["APEX"]
    before = state(fresh.owner)
    new_risk = ("INSERT INTO risk (uuid, title, description, cause, consequence, status, "
                "lead_partner_id, owner, visibility, response, controls, inherent_likelihood, "
                "inherent_impact, current_likelihood, current_impact, raised_on, escalation) "
                "VALUES (gen_random_uuid()::text, 'From psql', '', '', '', 'Open', %s, '', "
                "'Joint', 'Treat', '', 3, 3, 3, 3, current_date, 'Operational')")  # fmt: skip
    with plain_sql(fresh.logins["APEX"]) as conn:
        for statement, params, expected in (
            ("UPDATE risk SET status = 'Hacked' WHERE id = %s", [rid], "Status"),
            ("UPDATE risk SET escalation = 'Whatever' WHERE id = %s", [rid], "escalation"),
            ("UPDATE risk SET current_likelihood = 9 WHERE id = %s", [rid], "off the register"),
            ("UPDATE risk SET inherent_impact = 0 WHERE id = %s", [rid], "off every scale"),
            ("UPDATE risk SET title = 'bell' || chr(7) WHERE id = %s", [rid], "control char"),
            ("UPDATE risk SET title = '   ' WHERE id = %s", [rid], "Title is required"),
            ("UPDATE risk SET target_likelihood = 2, target_impact = NULL WHERE id = %s", [rid],
             "both target"),
            ("UPDATE risk SET cost_min = 10, cost_likely = 5 WHERE id = %s", [rid], "minimum"),
            ("UPDATE risk_share SET percent = 10 WHERE risk_id = %s AND partner_id = %s",
             [rid, apex], "they must make 100"),
            ("UPDATE action SET status = 'Forgotten' WHERE partner_id = %s", [apex], "Status"),
            (new_risk, [apex], "they must make 100"),  # a risk nobody holds
            (new_risk.replace("(uuid,", "(number, uuid,").replace("VALUES (", "VALUES (1, "),
             [apex], "not the next number"),  # R-001 again
        ):  # fmt: skip
            with pytest.raises(CheckViolation, match=expected):
                conn.execute(statement, params)  # type: ignore[arg-type]
    assert state(fresh.owner) == before
    with plain_sql(fresh.logins["APEX"]) as conn, conn.transaction():
        conn.execute(new_risk, [apex])  # the application lets a partner add its own risk
        conn.execute("INSERT INTO risk_share SELECT id, lead_partner_id, 100 FROM risk "
                     "WHERE title = 'From psql'")  # fmt: skip
    service = open_service(fresh.logins["AQUA"], Actor("Sam", "AQUA"))
    try:  # the server numbered it, logged it as a creation by that login, and all read on
        added = service.find_risk("R-045")
        assert (added.title, added.lead_partner, added.shares) == ("From psql", "APEX",
                                                                     (("APEX", 100),))  # fmt: skip
        created = service.history(added.uuid)
        assert [(c.field, c.new, c.login) for c in created] == [
            ("*", "From psql", fresh.login("APEX"))
        ]
        assert len(service.list_risks()) > 0 and service.check().ok
    finally:
        service.close()
    assert ref  # the risk attacked above kept its values
    with plain_sql(fresh.owner) as conn:
        assert one(conn, "SELECT status FROM risk WHERE id = %s", [rid]) != "Hacked"


def test_a_login_for_one_register_has_no_rights_in_another(joint: Partnership) -> None:
    with partnership(("AQUA",)) as other:
        assert partner_role(joint.database, "AQUA") != partner_role(other.database, "AQUA")
        elsewhere = make_url(joint.logins["AQUA"]).set(database=other.database)
        address = elsewhere.render_as_string(hide_password=False)
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            plain_sql(address)
        execute(f'GRANT CONNECT ON DATABASE "{other.database}" TO PUBLIC')  # a careless DBA
        with plain_sql(address) as conn:
            for table in TABLES:
                assert "permission denied" in refused_with(conn, f"SELECT * FROM public.{table}")
            for call in ("riskreg_is_keeper()", "riskreg_my_partners()"):
                assert "permission denied" in refused_with(conn, f"SELECT public.{call}")
        with plain_sql(other.logins["AQUA"]) as conn:  # the other register's own AQUA login
            assert one(conn, "SELECT count(*) FROM risk") > 0  # type: ignore[operator]


def test_server_setup_refuses_a_role_that_belongs_to_another_register() -> None:
    with scratch_database(template="demo") as url:
        database = make_url(url).database or ""
        role = partner_role(database, "APEX")
        execute(f"CREATE ROLE {role} NOLOGIN")
        comment = role_comment("another_database", "APEX").replace("'", "''")
        execute(f"COMMENT ON ROLE {role} IS '{comment}'")
        try:
            with pytest.raises(RegisterError, match="a role belongs to one register"):
                setup_server(url)
            with plain_sql(url) as conn:  # refused whole: nothing was installed
                assert one(conn, "SELECT count(*) FROM pg_policies") == 0
                assert one(conn, "SELECT to_regproc('public.riskreg_finish')") is None
        finally:
            execute(f"DROP ROLE IF EXISTS {role}")


def test_a_partner_holding_the_register_makes_others_wait_a_bounded_time_and_says_so(
    joint: Partnership, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from riskreg import store
    from riskreg.cli import main as cli

    with plain_sql(joint.logins["APEX"]) as conn:
        names = ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout")
        limits = {name: one(conn, f"SHOW {name}") for name in names}
        assert limits == {"lock_timeout": "10s", "statement_timeout": "5min",
                          "idle_in_transaction_session_timeout": "1min"}  # fmt: skip
    keeper = open_service(joint.logins["CNCL"], Actor("alice", "CNCL"), busy_timeout_ms=800)
    try:
        with plain_sql(joint.logins["APEX"]) as conn, conn.transaction():
            conn.execute("SELECT 1 FROM register FOR UPDATE")  # what every write takes first
            started = time.monotonic()
            with pytest.raises(RegisterBusy, match="the register is busy"):
                keeper.rename_register("Renamed while held")
            assert time.monotonic() - started < 5
            assert len(keeper.list_risks()) > 0  # reading goes on meanwhile
    finally:
        keeper.close()
    made = store._make_store

    def hasty(url: str, path: object, _: int, **options: object) -> object:
        return made(url, path, 500, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_make_store", hasty)
    with plain_sql(joint.owner) as conn, conn.transaction():  # a lock only the owner can take
        conn.execute("LOCK TABLE risk IN ACCESS EXCLUSIVE MODE")
        assert cli(["check", joint.logins["CNCL"]]) == 1
    err = capsys.readouterr().err
    assert "the register is busy" in err and "Traceback" not in err
    assert cli(["check", joint.logins["CNCL"]]) == 0


def test_the_server_and_its_schema_cannot_be_reconfigured_by_a_partner(joint: Partnership) -> None:
    before = state(joint.owner)
    keeper_role = partner_role(joint.database, "CNCL")
    with plain_sql(joint.logins["APEX"]) as conn:
        for statement in (
            "SELECT * FROM riskreg_internal.partner_role",
            "SET session_replication_role = replica",  # would switch every trigger off
            "ALTER TABLE risk DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE risk DISABLE TRIGGER ALL",
            "DROP POLICY riskreg_read ON risk",
            "DROP TRIGGER riskreg_8_log ON risk",
            "CREATE TRIGGER mine BEFORE UPDATE ON risk FOR EACH ROW "
            "EXECUTE FUNCTION riskreg_internal.update_risk()",
            "CREATE OR REPLACE FUNCTION public.riskreg_is_keeper() RETURNS boolean "
            "LANGUAGE sql AS 'SELECT true'",
            "CREATE TABLE public.mine (a integer)",
            "CREATE INDEX ON risk (title)",
            "COMMENT ON TABLE risk IS 'mine'",
            f'SET ROLE "{keeper_role}"',
            f'GRANT "{keeper_role}" TO CURRENT_USER',
        ):
            message = refused_with(conn, statement)
            assert any(m in message for m in ("permission denied", "must be", "must have admin")), (
                statement, message)  # fmt: skip
        conn.execute("SET row_security = off")  # for a partner: an error, never every row
        assert "row-level security" in refused_with(conn, "SELECT count(*) FROM risk")
    assert state(joint.owner) == before


def test_the_login_is_the_servers_not_the_urls(
    fresh: Partnership, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from pathlib import Path

    from tests.server_partnership import PASSWORD

    login = fresh.login("APEX")
    address = make_url(fresh.owner)._replace(username=None, password=None)
    pgpass = Path(str(tmp_path)) / "pgpass"
    pgpass.write_text(f"{address.host}:{address.port}:{address.database}:{login}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.setenv("PGUSER", login)
    _, ref, uuid = risk_of(fresh, "l.code = 'APEX' AND r.visibility = 'Joint'")
    service = open_service(address.render_as_string(), Actor("Jo's preferred name", "CNCL"))
    try:
        assert service.login == login
        risk = service.find_risk(ref)
        service.edit_risk(uuid, risk.version, {"owner": "Jo"})
        last = service.history(uuid)[-1]
        assert (last.login, last.partner_code, last.user) == (login, "APEX", "Jo's preferred name")
    finally:
        service.close()


def test_server_setup_never_prints_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    from riskreg.cli import main as cli

    with scratch_database(template="demo") as url:
        password = make_url(url).password
        assert password and cli(["server-setup", url]) == 0
        shown = capsys.readouterr()
        assert password not in shown.out + shown.err and "***" not in shown.out
        assert partner_role(make_url(url).database or "", "APEX") in shown.out


def test_a_review_is_recorded_by_the_keeper_alone_and_never_rewritten(fresh: Partnership) -> None:
    keeper = open_service(fresh.logins["CNCL"], Actor("alice", "CNCL"))
    try:
        review = keeper.record_joint_review("Board", date(2026, 11, 27))
    finally:
        keeper.close()
    with plain_sql(fresh.logins["CNCL"]) as conn:  # not even the keeper's login rewrites it
        for statement in ("UPDATE review SET snapshot = '{}'", "DELETE FROM review"):
            assert "permission denied" in refused_with(conn, statement)
    apex = open_service(fresh.logins["APEX"], Actor("Jo", "APEX"))
    try:
        assert apex.list_reviews() == []
        with pytest.raises(RegisterError, match="row-level security"):
            apex.record_joint_review("Apex's own board", date(2026, 11, 28))
    finally:
        apex.close()
    keeper = open_service(fresh.logins["CNCL"], Actor("alice", "CNCL"))
    try:
        assert keeper.verify_review(review.id).matches
    finally:
        keeper.close()


def test_a_partner_that_does_not_keep_the_register_changes_none_of_its_lists_or_others_actions(
    joint: Partnership,
) -> None:
    partners = ids(joint)
    with plain_sql(joint.owner) as conn:
        category = one(conn, "SELECT id FROM category ORDER BY id LIMIT 1")
        theirs = one(conn, "SELECT a.id FROM action a JOIN risk r ON r.id = a.risk_id "
                           "WHERE a.partner_id = %s AND r.visibility = 'Joint' LIMIT 1",
                     [partners["CNCL"]])  # fmt: skip
    joint_risk, _, _ = risk_of(joint, "l.code = 'CNCL' AND r.visibility = 'Joint'")
    before = state(joint.owner)
    with plain_sql(joint.logins["AQUA"]) as conn:
        for statement, params in (
            ("INSERT INTO partner (code, name, colour, contact, active) "
             "VALUES ('MINE', 'Mine', '#000000', '', true)", None),
            ("INSERT INTO category (name, appetite) VALUES ('Mine', NULL)", None),
            ("INSERT INTO partner_appetite VALUES (%s, %s, 'Averse')",
             [partners["AQUA"], category]),
            ("INSERT INTO review (uuid, title, held_on, recorded_at, \"user\", revision, "
             "snapshot, fingerprint) VALUES ('u', 'Mine', current_date, now(), 'x', 1, '{}', 'f')",
             None),
            ("INSERT INTO action (uuid, risk_id, description, partner_id, owner, status, "
             "progress) VALUES ('u', %s, 'For the council', %s, '', 'Not started', 0)",
             [joint_risk, partners["CNCL"]]),  # an action owned by another partner
            ("SELECT riskreg_remove('category', %s, NULL)", [category]),
            ("SELECT riskreg_remove('appetite', %s, %s)", [partners["CNCL"], category]),
        ):  # fmt: skip
            message = refused_with(conn, statement, params)
            assert "row-level security" in message or "keeping the register" in message, (
                statement, message)  # fmt: skip
        for statement, params in (
            ("UPDATE partner SET name = 'Renamed by Aqua'", None),
            ("UPDATE category SET appetite = 'Very high'", None),
            ("UPDATE action SET owner = 'Aqua', progress = 100 WHERE id = %s", [theirs]),
        ):
            assert conn.execute(statement, params).rowcount == 0, statement  # type: ignore[arg-type]
    assert state(joint.owner) == before


def test_a_second_export_marker_is_not_vouched_for_by_the_first(fresh: Partnership) -> None:
    """A summary naming one of the login's own exports and then another partner's: neither
    marker may stand, or the other partner's later import would skip rows as brought in."""
    keeper = open_service(fresh.logins["CNCL"], Actor("alice", "CNCL"))
    try:
        revision = keeper.revision()
        keeper.record_export(
            "e-apex", "APEX", revision, "apex.xlsx", base=b"x", key_digest="0" * 64
        )
        keeper.record_export(
            "e-aqua", "AQUA", revision, "aqua.xlsx", base=b"x", key_digest="0" * 64
        )
    finally:
        keeper.close()
    _, own_ref, own_uuid = risk_of(fresh, "l.code = 'APEX' AND r.visibility = 'Joint'")
    with plain_sql(fresh.logins["APEX"]) as conn, conn.transaction():
        conn.execute("UPDATE risk SET owner = 'Jo' WHERE ref = %s", [own_ref])
        summary = "New risk (export e-apex) (export e-aqua)"
        conn.execute("SELECT riskreg_finish('Jo', 'GUI', %s, 'APEX', NULL, '[]')", [summary])
    with plain_sql(fresh.owner) as conn:
        summary = one(conn, "SELECT s.summary FROM change c JOIN change_set s ON "
                            "s.id = c.change_set_id WHERE c.entity_uuid = %s ORDER BY c.id DESC "
                            "LIMIT 1", [own_uuid])  # fmt: skip
    assert summary == "New risk (said to be export e-apex) (said to be export e-aqua)"


def test_an_escalation_reason_is_written_once_as_plain_text_of_its_length(
    fresh: Partnership,
) -> None:
    _, own_ref, own_uuid = risk_of(fresh, "l.code = 'APEX' AND r.escalation = 'Operational'")

    def note(new: object, old: object = None) -> str:
        import json

        return json.dumps([{"entity": "risk", "uuid": own_uuid, "field": "escalation_reason",
                            "old": old, "new": new}])  # fmt: skip

    before = state(fresh.owner)
    forged = (
        note("agreed\x01\x0b\x1b" + "x" * 100),
        note("x" * 19_000),
        note("  "),
        note("fine", old="agreed by the board"),
        note("first")[:-1] + "," + note("second")[1:],
    )  # two reasons for one move
    with plain_sql(fresh.logins["APEX"]) as conn:
        for notes in forged:
            conn.execute("BEGIN")
            conn.execute("UPDATE risk SET escalation = 'Joint management team' WHERE ref = %s",
                         [own_ref])  # fmt: skip
            message = refused_with(conn, "SELECT riskreg_finish('Jo', 'GUI', 'Escalation', "
                                         "'APEX', NULL, %s::jsonb)", [notes])  # fmt: skip
            conn.execute("ROLLBACK")
            assert "the reason for an escalation is one new text" in message, notes[:80]
        conn.execute("BEGIN")
        conn.execute("UPDATE risk SET owner = 'Jo' WHERE ref = %s", [own_ref])
        message = refused_with(conn, "SELECT riskreg_finish('Jo\x07', 'GUI', 'Edit', 'APEX', "
                                     "NULL, '[]')")  # fmt: skip
        conn.execute("ROLLBACK")
        assert "no control characters" in message
    assert state(fresh.owner) == before
