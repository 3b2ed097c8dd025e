"""A register file's schema and stored values, checked before the first read of it.

What the migrations make is compared with what the file holds (``riskreg.schema_check``),
and, at the current schema, every stored value with what the application writes
(``riskreg.stored_values``): a file changed by another program or by hand is refused in
plain words, and nothing in it is read or run.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from riskreg import sqlite_guard
from riskreg.errors import (
    DamagedRegister,
    NewerSchema,
    NotARegister,
    RegisterBusy,
    RegisterError,
    RegisterTimeout,
    UntrustedRegister,
)
from riskreg.revisions import head_revision, newer_message

if TYPE_CHECKING:
    from riskreg.schema_check import SchemaVerdict


def verify_schema(path: Path, busy_timeout_ms: int, *, immutable: bool = False) -> None:
    """Before the first read: the file holds what the migrations make, or it is refused."""
    verdict = inspect_schema(path, busy_timeout_ms, immutable=immutable)
    if not verdict.is_register:
        raise NotARegister(f"{path} is an SQLite file but not a risk register")
    if not verdict.known:
        raise NewerSchema(newer_message(str(path), str(verdict.label)))
    if verdict.problems:
        raise UntrustedRegister(untrusted_message(path, verdict.problems), verdict.problems)
    if verdict.label == head_revision():
        wrong = stored_value_problems(path, busy_timeout_ms, immutable=immutable)
        if wrong:
            raise UntrustedRegister(
                f"{path} was not opened: {'; '.join(wrong)}. The application did not write "
                "these values (another program, or a hand, changed the file), and reads none "
                "of its risks until they are put right: restore a backup copy (File ▸ "
                "Restore from backup), or ask whoever changed it.", wrong,
            )  # fmt: skip


def untrusted_message(path: Path, problems: tuple[str, ...]) -> str:
    return (
        f"{path} was not opened: {'; '.join(problems)}. Nothing in it was read or run. "
        "A clean copy (its risks, actions and history in a file the application makes) "
        f"can be made with `python -m riskreg copy` or when opening it in the window."
    )


def stored_value_problems(
    path: Path, busy_timeout_ms: int, *, immutable: bool = False
) -> tuple[str, ...]:
    """``riskreg.stored_values`` on a read-only, bounded connection of its own."""
    from riskreg.sqlite_guard import bounded, connect
    from riskreg.stored_values import value_problems

    connection = connect(path, read_only=True, immutable=immutable,
                         timeout_s=busy_timeout_ms / 1000)  # fmt: skip
    try:
        with bounded(connection, sqlite_guard.STATEMENT_TIME_LIMIT_S):
            return value_problems(connection)
    except sqlite3.DatabaseError as exc:
        if sqlite_guard.is_busy(exc) or str(exc) == "interrupted":
            raise
        return ()  # a damaged page: the integrity check that follows says so, in words
    finally:
        connection.close()


def inspect_schema(path: Path, busy_timeout_ms: int, *, immutable: bool = False) -> SchemaVerdict:
    """The schema check of a file, its failures to read as the refusals they are."""
    from riskreg import schema_check

    try:
        return schema_check.verify_file(path, immutable=immutable, timeout_s=busy_timeout_ms / 1000)
    except sqlite3.Error as exc:
        if sqlite_guard.is_busy(exc):
            raise RegisterBusy(f"{path} is busy: another program is writing it") from exc
        if str(exc) == "interrupted":
            raise RegisterTimeout(f"{path}: its schema could not be read in time") from exc
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
            raise RegisterError(
                f"{path} has an unfinished write (a rollback journal beside it); open it in "
                "the application to recover it safely"
            ) from exc
        raise DamagedRegister(
            f"{path} is damaged: its list of tables cannot be read ({exc})"
        ) from exc
