"""A clean copy of a register file the application refuses to open.

A file holding objects the application did not make (a trigger, a view, an extra index),
or whose schema label lies, is never opened. Its data can still be taken: a new file is
made by the migrations at the schema its tables are at, and each of the register's tables
is copied into it column by column, read through a hardened, time-bounded connection whose
authorizer keeps every trigger and view of the source inert. Nothing else of the source
comes along; the copy is upgraded to the newest schema and checked.

A table itself unlike the application's (a view in its place, columns changed) cannot be
copied cleanly and is refused by name.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from riskreg import schema_check, sqlite_guard
from riskreg.errors import RegisterError, RegisterExists, UntrustedRegister

CHUNK = 5_000
SECONDS_PER_MB = 1.0
"""Time bound of reading the source, beyond the ordinary one: copying a 140 MB register of
100,000 risks takes about 15 s here."""


@dataclass(frozen=True, slots=True)
class CleanCopy:
    source: Path
    destination: Path
    revision: str
    """The schema the source's tables were at (whatever its label said)."""
    rows: dict[str, int]
    left_out: tuple[str, ...]
    """The source's objects that were not copied ("trigger trg_x")."""
    problems: tuple[str, ...]
    """What ``check`` finds in the copy (the register's own rules, as the source kept them)."""


def make_clean_copy(source: Path, destination: Path) -> CleanCopy:
    """Copy the register's tables of ``source`` into a new file ``destination``, which is
    removed again if anything fails (no half-written file is left)."""
    if destination.exists() and destination.stat().st_size > 0:
        raise RegisterExists(f"{destination} already exists; choose another name")
    journal_beside = bool(sqlite_guard.journals_beside(source))
    reader = sqlite_guard.connect(source, read_only=True, immutable=journal_beside)
    made = False
    try:
        limit = sqlite_guard.STATEMENT_TIME_LIMIT_S + source.stat().st_size / 1e6 * SECONDS_PER_MB
        with sqlite_guard.bounded(reader, limit):
            actual = schema_check.objects_of(reader)
            revision = _revision_of_tables(source, actual)
            expected = schema_check.manifest()[revision]
            left_out = tuple(
                f"{kind} {schema_check.shown_name(name)}"
                for kind, name in sorted(actual)
                if (kind, name) not in expected
            )
            made = True
            _new_register(destination, revision)
            rows = _copy_tables(reader, destination, revision)
    except sqlite3.Error as exc:
        if made:
            _remove(destination)
        if str(exc) == "interrupted":
            raise RegisterError(
                f"{source} could not be copied in time (it took longer than {limit:.0f} s); "
                "nothing was made"
            ) from exc
        raise RegisterError(f"{source} could not be copied: {exc}; nothing was made") from exc
    except BaseException:
        if made:
            _remove(destination)
        raise
    finally:
        reader.close()
    return CleanCopy(source, destination, revision, rows, left_out, _upgrade_and_check(destination))


def _revision_of_tables(source: Path, actual: schema_check.Objects) -> str:
    """The newest schema whose every table the file holds exactly as the migrations make
    it; extra objects do not count (they are what is left out)."""
    manifest = schema_check.manifest()
    for revision in reversed(list(manifest)):
        tables = [key for key in manifest[revision] if key[0] == "table"]
        if all(actual.get(key) == manifest[revision][key] for key in tables):
            return revision
    head = list(manifest)[-1]
    unlike = [
        name
        for (kind, name), value in manifest[head].items()
        if kind == "table" and actual.get((kind, name)) != value
    ]
    views = {name for kind, name in actual if kind == "view"}

    def why(name: str) -> str:
        if name in views:
            return "a view in its place"
        return "not as the application makes it" if ("table", name) in actual else "missing"

    described = ", ".join(f"{schema_check.shown_name(n)}: {why(n)}" for n in unlike[:6])
    raise UntrustedRegister(
        f"no clean copy can be made of {source}: its tables are not the register's ({described})"
    )


def _new_register(destination: Path, revision: str) -> None:
    from riskreg.store import _make_store, _upgrade

    destination.parent.mkdir(parents=True, exist_ok=True)
    store = _make_store(f"sqlite:///{destination}", destination, 10_000)
    try:
        _upgrade(store, revision)
    finally:
        store.close()


def _copy_tables(reader: sqlite3.Connection, destination: Path, revision: str) -> dict[str, int]:
    writer = sqlite_guard.connect(destination, read_only=False)
    writer.isolation_level = None
    rows: dict[str, int] = {}
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("PRAGMA defer_foreign_keys = ON")  # tables in any order; checked at COMMIT
        for (kind, table), _ in schema_check.manifest()[revision].items():
            if kind != "table" or table == "alembic_version":
                continue
            columns = [str(r[1]) for r in writer.execute(f'PRAGMA table_info("{table}")')]
            listed = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            cursor = reader.execute(f'SELECT {listed} FROM main."{table}"')
            count = 0
            while chunk := cursor.fetchmany(CHUNK):
                writer.executemany(f'INSERT INTO "{table}" ({listed}) VALUES ({marks})', chunk)
                count += len(chunk)
            rows[table] = count
        writer.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            writer.execute("ROLLBACK")
        raise
    finally:
        writer.close()
    return rows


def _upgrade_and_check(destination: Path) -> tuple[str, ...]:
    from riskreg.integrity import check_register
    from riskreg.store import _make_store, _upgrade

    try:
        store = _make_store(f"sqlite:///{destination}", destination, 10_000)
        try:
            _upgrade(store)
            return check_register(store).problems
        finally:
            store.close()
    except BaseException:
        _remove(destination)
        raise


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)
