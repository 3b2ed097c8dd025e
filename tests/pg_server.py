"""The PostgreSQL server the tests use: named by ``RISKREG_TEST_PG_URL`` (a login that may
create databases, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); `.ci/run`
starts one on the loopback interface and sets it. Each test gets a database of its own,
dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest

ENV = "RISKREG_TEST_PG_URL"
_templates: dict[str, str] = {}


def admin_url() -> str:
    url = os.environ.get(ENV, "")
    if not url:
        pytest.skip(f"no PostgreSQL server for the tests: set {ENV} (see the README)")
    return url


def url_for(database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(admin_url()).set(database=database).render_as_string(hide_password=False)


def execute(statement: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(admin_url()).set(drivername="postgresql")
    with psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def _template(name: str) -> str:
    """A database built once per test run, copied for each test that wants it."""
    if name not in _templates:
        from datetime import date

        from riskreg.demo import build_demo
        from tests.conftest import ALICE

        database = f"riskreg_template_{name}_{uuid.uuid4().hex[:8]}"
        execute(f'CREATE DATABASE "{database}"')
        build_demo(url_for(database), ALICE, today=date.today()).close()
        _templates[name] = database
    return _templates[name]


@contextlib.contextmanager
def scratch_database(template: str | None = None) -> Iterator[str]:
    """A new database (empty, or a copy of a template register); its URL."""
    database = f"riskreg_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{_template(template)}"' if template else ""
    execute(f'CREATE DATABASE "{database}"{copy}')
    try:
        yield url_for(database)
    finally:
        execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        drop_partner_roles(database)


def drop_partner_roles(database: str) -> None:
    """The roles server-setup made for a register in ``database`` (roles are the cluster's,
    they outlive the database)."""
    import psycopg
    from sqlalchemy.engine import make_url

    from riskreg.server import role_comment

    plain = make_url(admin_url()).set(drivername="postgresql")
    with psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True) as conn:
        roles = conn.execute(
            "SELECT rolname FROM pg_roles WHERE shobj_description(oid, 'pg_authid') LIKE %s",
            [role_comment(database, "%")],
        ).fetchall()
        for (role,) in roles:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')  # type: ignore[arg-type]


def drop_templates() -> None:
    for database in _templates.values():
        execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    _templates.clear()


def upgrade_alone(url: str, labelled: str, upgrade_to: str) -> None:
    """Run some upgrades on their own, as the owner, on a server whose schema is this
    version's: the register is labelled ``labelled``, upgraded to ``upgrade_to`` in one
    transaction (as an upgrade over several schemas runs), and labelled the current schema
    again — so an old upgrade is tested under the server's own triggers, while the schemas
    after it, already in place, are not run again."""
    from alembic import command
    from sqlalchemy import create_engine

    from riskreg import store
    from riskreg.migrations import HEAD

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            config = store._alembic_config(conn)
            command.stamp(config, labelled, purge=True)
            command.upgrade(config, upgrade_to)
            command.stamp(config, HEAD)
    finally:
        engine.dispose()
