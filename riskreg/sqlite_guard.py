"""Connections to a register file that trust nothing the file says.

A register file may come from a partner by e-mail or from a shared drive; its schema can
hold SQL written by whoever made it (triggers, views, CHECK and DEFAULT expressions).
Following SQLite's "defense against the dark arts" (https://www.sqlite.org/security.html),
every connection the application makes to a file goes through ``connect`` here:

- ``PRAGMA trusted_schema = OFF``: functions with side effects cannot run from the schema;
- defensive mode (``SQLITE_DBCONFIG_DEFENSIVE``) where Python offers it (``setconfig``,
  Python 3.12+). Python 3.11 has no way to set it; what it guards against — ordinary SQL
  corrupting the file on purpose (``writable_schema``, direct page writes) — needs SQL
  chosen by an attacker, and the only such SQL a register can carry is its schema, which
  ``riskreg.schema_check`` compares with what the migrations make before the first read,
  while the authorizer below keeps any trigger or view from running even if one slipped in;
- an authorizer that refuses every access made from inside a trigger or a view: the
  application's schema has neither, so nothing of the kind can run in the user's session
  (it would be refused as "not authorized" when the statement is prepared);
- ``PRAGMA cell_size_check = ON``: a damaged page is an error, not a wild read;
- a progress handler with a time bound (``TimeBound``): a statement running longer than
  its bound is interrupted and rolled back, so no file can hang the application.

Standard library only: the first look at start-up uses it before SQLAlchemy is imported.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

STATEMENT_TIME_LIMIT_S = 30.0
"""The longest one statement may run. The longest of the application's own, on a register
of 100,000 risks, take about two seconds (reading every risk, the quick check); a statement
running past this bound is something the file makes the application do, and is stopped."""

PROGRESS_STEPS = 20_000
"""SQLite virtual-machine steps between two looks at the clock (about a millisecond)."""

JOURNAL_SUFFIXES = ("-journal", "-wal")


class TimeBound:
    """The progress handler of one connection: interrupts the statement under way once its
    deadline has passed (SQLite then rolls the statement back and raises "interrupted")."""

    __slots__ = ("deadline", "fired", "limit")

    def __init__(self) -> None:
        self.deadline: float | None = None
        self.limit = 0.0
        self.fired = False

    def start(self, seconds: float | None = STATEMENT_TIME_LIMIT_S) -> None:
        """Bound what runs from now on (until the next ``start`` or ``stop``)."""
        self.fired = False
        self.limit = seconds or 0.0
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def stop(self) -> None:
        self.deadline = None

    def __call__(self) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.fired = True
            return 1  # non-zero: SQLite interrupts the statement
        return 0


class GuardedConnection(sqlite3.Connection):
    """A ``sqlite3.Connection`` that carries its time bound."""

    bound: TimeBound


def _refuse_schema_code(
    action: int, _arg1: str | None, _arg2: str | None, _database: str | None, inner: str | None
) -> int:
    """SQLite's authorizer: ``inner`` names the trigger or view a statement reaches into.
    The application makes neither, so any access from one is refused."""
    return sqlite3.SQLITE_DENY if inner is not None else sqlite3.SQLITE_OK


def file_uri(path: Path, mode: str, *, immutable: bool = False) -> str:
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    return uri + "&immutable=1" if immutable else uri


def connect(
    path: Path,
    *,
    read_only: bool,
    create: bool = False,
    immutable: bool = False,
    timeout_s: float = 10.0,
) -> GuardedConnection:
    """A hardened connection to a register file. ``read_only`` never writes (a hot journal
    beside the file is then an error rather than rolled back); ``immutable`` also ignores
    any journal and every lock (for a file known not to be in use); ``create`` makes the
    file when it does not exist (a new register)."""
    if read_only and not immutable and _in_wal_mode(path) and not journals_beside(path):
        # SQLite reads a write-ahead-log file only with its -shm and -wal beside it, and
        # makes both if they are missing: a read-only look reads the file alone instead.
        immutable = True
    mode = "ro" if read_only else ("rwc" if create else "rw")
    connection = sqlite3.connect(
        file_uri(path, mode, immutable=immutable),
        uri=True,
        timeout=timeout_s,
        check_same_thread=False,  # the pool hands it to whichever thread asks next
        factory=GuardedConnection,
    )
    assert isinstance(connection, GuardedConnection)
    harden(connection)
    return connection


def _in_wal_mode(path: Path) -> bool:
    """The file's header says write-ahead log (its read and write versions are 2)."""
    try:
        with path.open("rb") as handle:
            handle.seek(18)
            return handle.read(2) == b"\x02\x02"
    except OSError:
        return False


def harden(connection: GuardedConnection) -> None:
    connection.execute("PRAGMA trusted_schema = OFF")
    setconfig = getattr(connection, "setconfig", None)
    defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
    if setconfig is not None and defensive is not None:  # Python 3.12+
        setconfig(defensive, True)
    connection.execute("PRAGMA cell_size_check = ON")
    connection.set_authorizer(_refuse_schema_code)
    bound = TimeBound()
    connection.bound = bound
    connection.set_progress_handler(bound, PROGRESS_STEPS)


@contextlib.contextmanager
def bounded(connection: GuardedConnection, seconds: float) -> Iterator[None]:
    """Everything run inside is interrupted once ``seconds`` have passed."""
    connection.bound.start(seconds)
    try:
        yield
    finally:
        connection.bound.stop()


def was_interrupted(connection: Any) -> bool:
    """Whether the connection's last statement was stopped by its time bound."""
    bound = getattr(connection, "bound", None)
    return isinstance(bound, TimeBound) and bound.fired


def journals_beside(path: Path) -> list[Path]:
    """The non-empty rollback journal or write-ahead log beside a register file: what the
    next connection would merge into it."""
    found = []
    for suffix in JOURNAL_SUFFIXES:
        journal = path.with_name(path.name + suffix)
        try:
            if journal.is_file() and journal.stat().st_size > 0:
                found.append(journal)
        except OSError:
            continue
    return found


def is_damage(exc: BaseException) -> bool:
    """An SQLite error that says the file itself is damaged or not a database."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def is_refused_schema_code(exc: BaseException) -> bool:
    """The authorizer refused what a trigger, a view (or a WITH clause, which SQLite
    authorizes as one; the application writes none) would have done."""
    text = str(exc).lower()
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name == "SQLITE_AUTH" or "not authorized" in text or "is prohibited" in text


def is_busy(exc: BaseException) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text
