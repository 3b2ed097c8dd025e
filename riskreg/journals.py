"""A journal beside a register file is merged into it only once it is shown to belong.

SQLite merges a hot rollback journal (``NAME-journal``) or a write-ahead log (``NAME-wal``)
into the database at the first read, trusting that it is the file's own. A journal of
another file — a copy of a register next to another register's leftover journal, a
partner's log e-mailed along — silently turns the register into something else or
truncates it. So before a register with a journal beside it is opened:

1. the file and its journal are copied into the register's backup folder;
2. the copies are recovered in a scratch folder and the result is checked: the schema the
   application makes, SQLite's integrity check, and the same register (its uuid) as the
   file alone held;
3. only a journal that passes is left to SQLite to merge into the register; one that
   fails is set aside (it stays in the backup folder, with the copy of the file) and the
   register is opened as it is on disk, saying what happened.

``check`` does the same with no copy and no change: it reads the register as opening it
would leave it. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from riskreg import schema_check
from riskreg.sqlite_guard import bounded, connect, journals_beside

RECOVERY_TIME_LIMIT_S = 120.0
"""Recovering and checking a scratch copy: SQLite's full integrity check of a 100,000-risk
register takes a few seconds."""


@dataclass(frozen=True, slots=True)
class JournalFinding:
    journal: Path
    kind: str
    """ "rollback journal" or "write-ahead log"."""
    belongs: bool
    reason: str = ""
    """Why it does not belong (empty when it does)."""

    @property
    def described(self) -> str:
        return described(self.journal)


def hot_journal(path: Path) -> Path | None:
    """The journal SQLite would merge into ``path`` at the next read, if any. A rollback
    journal another program is writing right now is not hot (SQLite checks its lock)."""
    for journal in journals_beside(path):
        if journal.name.endswith("-wal"):
            return journal  # any write-ahead log is read, whatever the file's own mode
        try:
            probe = connect(path, read_only=True, timeout_s=0.5)
        except sqlite3.Error:
            return journal
        try:
            probe.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
                return journal  # a read-only connection would have to roll it back
        finally:
            probe.close()
    return None


def _kind(journal: Path) -> str:
    return "write-ahead log" if journal.name.endswith("-wal") else "rollback journal"


def _register_uuid(path: Path, *, immutable: bool) -> str | None:
    try:
        connection = connect(path, read_only=True, immutable=immutable, timeout_s=0.5)
    except sqlite3.Error:
        return None
    try:
        with bounded(connection, schema_check.SCHEMA_TIME_LIMIT_S):
            if not schema_check.verify(connection).ok:
                return None
            row = connection.execute("SELECT uuid FROM register").fetchone()
            return str(row[0]) if row else None
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def described(journal: Path) -> str:
    return f"the {_kind(journal)} {journal.name} beside it"


def assess(path: Path, journal: Path) -> JournalFinding:
    """Recover copies of ``path`` and ``journal`` in a scratch folder and judge the result;
    neither original is touched."""
    with scratch_recovery(path, journal) as (_copy, reason):
        return JournalFinding(journal, _kind(journal), not reason, reason)


@contextlib.contextmanager
def scratch_recovery(path: Path, journal: Path) -> Iterator[tuple[Path, str]]:
    """Copies of the register and its journal in a scratch folder, recovered: the copy as
    opening the register would leave it, and why that is not the register (empty: it
    is). The folder goes when the block ends."""
    before = _register_uuid(path, immutable=True)  # the file alone, journal ignored
    with tempfile.TemporaryDirectory(prefix="riskreg-recovery-") as scratch:
        copy = Path(scratch) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(journal, copy.with_name(copy.name + _tail(journal)))
        reason = _recovered_problem(copy, before)
        if not reason:
            recover(copy)
        yield copy, reason


def _recovered_problem(copy: Path, before: str | None) -> str:
    """Why the recovered copy is not the register it was (empty: it is)."""
    try:
        connection = connect(copy, read_only=False, timeout_s=0.5)
    except sqlite3.Error as exc:
        return f"recovering from it leaves a file SQLite cannot open ({exc})"
    try:
        with bounded(connection, RECOVERY_TIME_LIMIT_S):
            verdict = schema_check.verify(connection)  # the first read: recovery happens here
            if not verdict.ok:
                what = "; ".join(verdict.problems) or "it is no longer a register"
                return f"recovering from it leaves a file unlike the register ({what})"
            integrity = [str(r[0]) for r in connection.execute("PRAGMA integrity_check(5)")]
            if integrity != ["ok"]:
                return f"recovering from it damages the register: {_first_fault(integrity)}"
            row = connection.execute("SELECT uuid FROM register").fetchone()
            after = str(row[0]) if row else None
    except sqlite3.Error as exc:
        return f"recovering from it leaves a damaged file ({exc})"
    finally:
        connection.close()
    if before is not None and after != before:
        return "recovering from it turns the file into another register"
    return ""


def recover(path: Path) -> None:
    """Let SQLite merge the journal (shown to belong) into the register itself, and leave
    the file in the application's rollback-journal mode."""
    connection = connect(path, read_only=False, timeout_s=10.0)
    try:
        with bounded(connection, RECOVERY_TIME_LIMIT_S):
            connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()
            connection.execute("PRAGMA journal_mode = DELETE").fetchone()
    finally:
        connection.close()


def _first_fault(results: list[str]) -> str:
    """SQLite's first complaint, in one line (its report starts "*** in database main ***")."""
    lines = [line.strip() for text in results for line in text.splitlines()]
    faults = [line for line in lines if line and not line.startswith("***")]
    return faults[0] if faults else "it fails SQLite's integrity check"


def keep_copies(path: Path, journal: Path, folder: Path, stamp: datetime, uuid: str) -> Path:
    """Copy the register and its journal into ``folder`` (named as backups are, with the
    register's uuid), keeping the register's permissions; returns the register's copy."""
    folder.mkdir(parents=True, exist_ok=True)
    when = stamp.strftime("%Y-%m-%d %H%M%S")
    base = folder / f"{path.stem} {uuid} {when} before recovery.riskreg"
    number = 1
    while base.exists():
        number += 1
        base = folder / f"{path.stem} {uuid} {when} before recovery {number}.riskreg"
    mode = path.stat().st_mode & 0o777
    for source, target in ((path, base), (journal, base.with_name(base.name + _tail(journal)))):
        partial = target.with_name(target.name + ".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        os.close(descriptor)
        shutil.copyfile(source, partial)
        with contextlib.suppress(OSError):
            os.chmod(partial, mode)
        os.replace(partial, target)
    return base


def _tail(journal: Path) -> str:
    return "-wal" if journal.name.endswith("-wal") else "-journal"


def set_aside(journal: Path) -> None:
    """Take a journal that does not belong away from its register (a copy is kept in the
    backup folder), with the shared-memory file a write-ahead log has beside it."""
    journal.unlink()
    if journal.name.endswith("-wal"):
        with contextlib.suppress(OSError):
            journal.with_name(journal.name[:-4] + "-shm").unlink(missing_ok=True)


def file_uuid(path: Path) -> str | None:
    """The register's uuid as the file alone holds it (any journal ignored)."""
    return _register_uuid(path, immutable=True)
