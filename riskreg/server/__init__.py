"""A register on a PostgreSQL server, where each partner's login is treated as an adversary
with ``psql``: ``server-setup`` makes the server itself enforce what the application lets
each partner do.

- Roles belong to one register: ``riskreg_<database>_<code>`` per partner (a login is made a
  member of its partner's role), granted rights in that database only, and marked with a
  comment naming it, so two registers never share a role.
- Every table has row-level security and partner roles hold only the privileges the
  application needs (``riskreg.server.policies``); the SECURITY DEFINER functions keep
  ``pg_temp`` last in their search path and name everything with its schema
  (``riskreg.server.functions``).
- The change log is written by the server's triggers with the login it authenticated and
  that login's partner (``riskreg.server.triggers``); ids, refs and counters are handed out
  by the server; values the application would refuse are refused (``riskreg.server.checks``).
- Each member login gets this database's lock, statement and idle-transaction time limits.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DBAPIError

from riskreg.errors import RegisterError

ROLE_PREFIX = "riskreg_"
TIME_LIMITS = {"lock_timeout": "10s", "statement_timeout": "5min",
               "idle_in_transaction_session_timeout": "60s"}  # fmt: skip
"""Set for each partner's login in the register's database (the application itself waits
at most its busy timeout for a lock, and never leaves a transaction open)."""


def _plain(text_: str, most: int) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "_", text_.lower()).strip("_")
    return cleaned[:most].rstrip("_") or "db"


def partner_role(database: str, code: str) -> str:
    """The role of partner ``code`` in the register kept in ``database``: the database's
    name as it is when it is plain and short, else shortened with a digest of it (two
    databases never share a role)."""
    plain = _plain(database, 24)
    if plain != database:
        plain = f"{plain[:17].rstrip('_')}_{hashlib.sha256(database.encode()).hexdigest()[:6]}"
    return f"{ROLE_PREFIX}{plain}_{_plain(code, 12)}"


def role_comment(database: str, code: str) -> str:
    return f"Joint Risk Register: partner {code} of the register in database {database!r}"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class SetupReport:
    database: str
    roles: tuple[str, ...]
    policies: int
    logins: tuple[str, ...]
    """The partners' logins given this register's time limits."""
    notes: tuple[str, ...]
    """What this login could not do, and what to do about it."""


def setup_server(location: str) -> SetupReport:
    """Create or bring up to date the register's schema, a role per partner, the server's
    functions, triggers, row-level security and privileges, in one transaction. Run by the
    login that owns the register's tables (and may create roles)."""
    from riskreg.store import create_register_file, open_register

    if "://" not in location or not location.startswith("postgresql"):
        raise RegisterError("server-setup needs a PostgreSQL URL (postgresql+psycopg://…)")
    try:
        store = open_register(location)
    except RegisterError:
        store = create_register_file(location)
    try:
        with store.engine.begin() as conn:
            return _set_up(conn)
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise RegisterError(f"server-setup was refused by the server: {reason}") from exc
    finally:
        store.close()


def _set_up(conn: Connection) -> SetupReport:
    from riskreg.model import Base, Partner
    from riskreg.server import checks, functions, policies, triggers

    database = str(conn.execute(text("SELECT current_database()")).scalar_one())
    _expect_owner(conn)
    partners = conn.execute(select(Partner.id, Partner.code).order_by(Partner.code)).all()
    roles = {pid: _ensure_role(conn, database, code) for pid, code in partners}
    if len(set(roles.values())) != len(roles):
        raise RegisterError("two partner codes make the same role name; rename one partner")
    utf8 = conn.execute(text("SHOW server_encoding")).scalar_one() == "UTF8"
    tables = dict(Base.metadata.tables)
    raw = conn.execution_options(no_parameters=True).exec_driver_sql  # SQL with % as it is
    raw(functions.install_sql())
    raw(checks.install_sql(utf8))
    sequences = {
        name: str(conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                               {"t": f"public.{name}"}).scalar_one())
        for name in ("risk", "action")
    }  # fmt: skip
    raw(triggers.install_sql(tables, sequences))
    raw(f"DELETE FROM {functions.INTERNAL}.partner_role")
    for pid, role in roles.items():
        conn.execute(text(f"INSERT INTO {functions.INTERNAL}.partner_role VALUES (:p, :r)"),
                     {"p": pid, "r": role})  # fmt: skip
    names = [*tables, "alembic_version"]
    old_policies = conn.execute(
        text("SELECT policyname, tablename FROM pg_policies WHERE schemaname = 'public' "
             "AND tablename = ANY(:t)"), {"t": names}
    ).all()  # fmt: skip
    for name, table in old_policies:
        raw(f"DROP POLICY {quote_ident(name)} ON public.{quote_ident(table)}")
    for name in names:
        for statement in policies.policy_sql(name):
            raw(statement)
    for table in triggers.SERVER_IDS:  # ids from the server's triggers: roles hold no sequence
        raw(f"ALTER TABLE public.{table} ALTER COLUMN id DROP DEFAULT")
    notes = _revoke_old_roles(conn, database, [code for _, code in partners])
    grantees = ", ".join(quote_ident(r) for r in roles.values())
    _grant(conn, grantees)
    notes += _database_access(conn, database, grantees)
    logins, refused = _time_limits(conn, database, list(roles.values()))
    if refused:
        notes.append("this login may not set the time limits of " + ", ".join(refused) +
                     " (it needs CREATEROLE)")  # fmt: skip
    return SetupReport(database, tuple(roles.values()), policies.policy_count(), logins,
                       tuple(notes))  # fmt: skip


def _grant(conn: Connection, grantees: str) -> None:
    """Partner roles' privileges from nothing; PUBLIC holds none on the register."""
    from riskreg.model import Base
    from riskreg.server.functions import INTERNAL, PUBLIC_FUNCTIONS
    from riskreg.server.policies import grant_sql

    raw = conn.exec_driver_sql
    raw("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC")
    raw("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC")
    raw(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {INTERNAL} FROM PUBLIC")
    for signature in PUBLIC_FUNCTIONS:
        raw(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC")
    if not grantees:
        return
    raw(f"GRANT USAGE ON SCHEMA public TO {grantees}")
    for table in Base.metadata.tables.values():
        for statement in grant_sql(table, grantees):
            raw(statement)
    raw(f"REVOKE ALL ON public.alembic_version FROM {grantees}")
    raw(f"GRANT SELECT ON public.alembic_version TO {grantees}")
    raw(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {grantees}")
    for signature in PUBLIC_FUNCTIONS:
        raw(f"GRANT EXECUTE ON FUNCTION public.{signature} TO {grantees}")


def _expect_owner(conn: Connection) -> None:
    owns = conn.execute(text(
        "SELECT pg_has_role(current_user, c.relowner, 'MEMBER'), pg_get_userbyid(c.relowner) "
        "FROM pg_class c WHERE c.oid = 'public.register'::regclass"
    )).one()  # fmt: skip
    if not owns[0]:
        raise RegisterError(f"server-setup runs as the login that owns the register's tables "
                            f"({owns[1]}), not as this one")  # fmt: skip


def _ensure_role(conn: Connection, database: str, code: str) -> str:
    role = partner_role(database, code)
    wanted = role_comment(database, code)
    found = conn.execute(
        text("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = :r"),
        {"r": role},
    ).first()
    if found is None:
        conn.exec_driver_sql(f"CREATE ROLE {quote_ident(role)} NOLOGIN")
        conn.exec_driver_sql(f"COMMENT ON ROLE {quote_ident(role)} IS {_literal(wanted)}")
    elif found[0] != wanted:
        raise RegisterError(
            f"the role {role} exists already and is not partner {code} of this register "
            f"({found[0] or 'no comment says whose it is'}); a role belongs to one register"
        )
    return role


def _revoke_old_roles(conn: Connection, database: str, codes: list[str]) -> list[str]:
    """Roles named by partner code alone (before roles belonged to one register) lose their
    rights in this database."""
    notes = []
    for code in codes:
        old = ROLE_PREFIX + "".join(ch for ch in code.lower() if ch.isalnum() or ch == "_")
        if old == partner_role(database, code):
            continue
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": old}).first():
            role = quote_ident(old)
            conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
            conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}")
            conn.exec_driver_sql(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {role}")
            conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA public FROM {role}")
            new = partner_role(database, code)
            notes.append(f"the old role {old} (named for any register) has no rights here any "
                         f"more: make its members members of {new}")  # fmt: skip
    return notes


def _attempt(conn: Connection, statement: str) -> bool:
    """Run one statement that needs more than owning the tables; False if refused."""
    savepoint = conn.begin_nested()
    try:
        conn.exec_driver_sql(statement)
    except DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _database_access(conn: Connection, database: str, grantees: str) -> list[str]:
    """Only this register's roles (and the owner) connect to its database; nobody creates
    objects in its public schema."""
    notes = []
    db = quote_ident(database)
    owns_database = conn.execute(text(
        "SELECT pg_has_role(current_user, datdba, 'MEMBER') FROM pg_database "
        "WHERE datname = current_database()"
    )).scalar()  # fmt: skip
    if owns_database and grantees:
        conn.exec_driver_sql(f"REVOKE CONNECT ON DATABASE {db} FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {db} TO {grantees}")
    elif grantees:
        notes.append(f"this login does not own the database {database}: run REVOKE CONNECT ON "
                     f"DATABASE {db} FROM PUBLIC as its owner, so that only the register's "
                     "roles connect")  # fmt: skip
    if not _attempt(conn, "REVOKE CREATE ON SCHEMA public FROM PUBLIC"):
        notes.append("this login could not revoke CREATE on the schema public from PUBLIC; "
                     "ask the database's owner to")  # fmt: skip
    return notes


def _time_limits(
    conn: Connection, database: str, roles: list[str]
) -> tuple[tuple[str, ...], list[str]]:
    """Each partner's login gets this database's time limits (a role's settings are not
    inherited by its members, so they go on the logins themselves). Returns the logins
    done and those this login may not alter."""
    if not roles:
        return (), []
    logins = conn.execute(text(
        "SELECT r.rolname FROM pg_roles r WHERE r.rolcanlogin AND NOT r.rolsuper "
        "AND EXISTS (SELECT 1 FROM unnest(CAST(:roles AS name[])) g(name) "
        "            WHERE pg_has_role(r.oid, g.name, 'MEMBER')) ORDER BY r.rolname"
    ), {"roles": roles}).scalars().all()  # fmt: skip
    done: list[str] = []
    refused: list[str] = []
    where = f"IN DATABASE {quote_ident(database)}"
    for login in logins:
        statements = [f"ALTER ROLE {quote_ident(login)} {where} SET {name} = {_literal(value)}"
                      for name, value in TIME_LIMITS.items()]  # fmt: skip
        (done if all(_attempt(conn, st) for st in statements) else refused).append(login)
    return tuple(done), refused
