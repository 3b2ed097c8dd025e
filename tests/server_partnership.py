"""A partnership on the test server after ``server-setup``: the demo register, a login in
each of three partners' roles, and plain SQL as any other client with those logins would
send it. Shared by the adversarial tests and the tests of the server-kept change log."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
from sqlalchemy.engine import make_url

from riskreg.model import Base
from riskreg.server import partner_role, setup_server
from tests.pg_server import execute, scratch_database

PASSWORD = "partner-secret"
TABLES = (*Base.metadata.tables, "alembic_version")


@dataclass
class Partnership:
    owner: str
    """The URL of the tables' owner (the keeper's administrator)."""
    database: str
    logins: dict[str, str] = field(default_factory=dict)
    """Partner code → URL of a person's login in that partner's role."""

    def login(self, code: str) -> str:
        return make_url(self.logins[code]).username or ""


def plain_sql(url: str) -> psycopg.Connection:
    """A psql-like connection: autocommit, each statement its own transaction."""
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(plain, autocommit=True)


def add_login(database: str, code: str) -> str:
    name = f"{code.lower()}_{uuid.uuid4().hex[:8]}"
    role = partner_role(database, code)
    execute(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}' IN ROLE {role}")
    return name


@contextlib.contextmanager
def partnership(codes: tuple[str, ...] = ("CNCL", "APEX", "AQUA")) -> Iterator[Partnership]:
    """The demo register (CNCL keeps it) set up for partners, with a login for each code;
    server-setup runs twice, as after adding logins (the second gives them time limits)."""
    with scratch_database(template="demo") as url:
        database = make_url(url).database or ""
        setup_server(url)
        names = {code: add_login(database, code) for code in codes}
        setup_server(url)
        found = Partnership(url, database)
        for code, name in names.items():
            found.logins[code] = (
                make_url(url).set(username=name, password=PASSWORD).render_as_string(False)
            )
        try:
            yield found
        finally:
            for name in names.values():
                execute(f"DROP ROLE IF EXISTS {name}")


def state(owner: str) -> dict[str, list[str]]:
    """Every row of every table, the server's own included (read as the owner)."""
    with plain_sql(owner) as conn:
        tables = [f"public.{t}" for t in TABLES] + [
            "riskreg_internal.partner_role", "riskreg_internal.open_change_set"
        ]  # fmt: skip
        return {t: sorted(repr(row) for row in conn.execute(f"SELECT * FROM {t}")) for t in tables}  # type: ignore[arg-type]


def one(conn: psycopg.Connection, query: str, params: object = None) -> object:
    row = conn.execute(query, params).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return row[0]
