"""Backup copies of a register file, kept with a bounded rolling history.

A copy is taken before every import and scheme change, and once a day when the register is
opened, into ``<name> backups/`` beside the file or a folder the user chose in Preferences;
the oldest are removed beyond the number the user keeps (``Policy``). Each copy is a
consistent register (SQLite's online backup), so restoring is replacing the file with a
copy — after backing up the current file, so a restore can itself be undone.

Copies stay private and apart: each has the register's permissions from its first byte
(a restored register keeps the permissions the register had), and its name carries the
register's uuid (``joint 3f2b…-… 2026-11-27 101500 daily.riskreg``), so two registers
called ``joint.riskreg`` sharing a backup folder never push out or offer each other's
copies; listing also reads each copy's uuid, so a renamed file is not taken for one. A
copy that cannot be read, or holds objects the application did not make, is listed as
such and never offered or restored.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from riskreg import schema_check, sqlite_guard
from riskreg.errors import BackupFailed, RegisterError

if TYPE_CHECKING:
    from riskreg.service.unit_of_work import ServiceBase

KEEP = 30


@dataclass(frozen=True, slots=True)
class Policy:
    """Where copies go and how many are kept: the user's choice, the same for every register
    they open (copies are named by the register, so one folder can hold several)."""

    folder: Path | None = None
    """None: ``<name> backups`` beside each register."""
    keep: int = KEEP

    def folder_for(self, register: Path) -> Path:
        return self.folder or register.with_name(f"{register.stem} backups")


BESIDE = Policy()
"""The default: beside each register, the newest ``KEEP``."""


_UUID = r"[0-9A-Za-z][0-9A-Za-z-]{0,63}"
_NAME = re.compile(
    rf"^(?P<stem>.+) (?P<uuid>{_UUID}) (?P<stamp>\d{{4}}-\d{{2}}-\d{{2}} \d{{6}}) "
    r"(?P<reason>[^.]+)\.riskreg$"
)
_OLD_NAME = re.compile(
    r"^(?P<stem>.+) (?P<stamp>\d{4}-\d{2}-\d{2} \d{6}) (?P<reason>[^.]+)\.riskreg$"
)
"""Copies named before names carried the uuid: taken only if their content's uuid says so."""
_STAMP = "%Y-%m-%d %H%M%S"
LOOK_TIME_LIMIT_S = 5.0
"""Reading a copy's uuid and risk count takes milliseconds; a copy that takes longer is
listed as unreadable."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str
    risks: int | None
    """Risk count, or None if the copy cannot be read as a register."""
    problem: str = ""
    """Why the copy cannot be restored (damaged, objects the application did not make);
    empty for a copy that reads as a register."""

    @property
    def restorable(self) -> bool:
        return not self.problem and self.risks is not None


def take(service: ServiceBase, reason: str) -> Path | None:
    """A copy of the register now, named by register, time and reason, where the service's
    backup policy says; older copies beyond the policy's count removed. None for a register
    on a server (the server keeps its own backups)."""
    if service.path is None:
        return None
    policy = service.backup_policy
    uuid = service.register_info().uuid
    target_folder = policy.folder_for(service.path)
    stamp = service.now().astimezone().strftime(_STAMP)
    label = re.sub(r"[^\w -]", "", reason).strip() or "backup"
    prefix = f"{service.path.stem} {uuid} {stamp} {label}"
    target = target_folder / f"{prefix}.riskreg"
    number = 1
    while target.exists():  # two in the same second: keep both
        number += 1
        target = target_folder / f"{prefix} {number}.riskreg"
    try:
        service.backup_to(target)
    except BackupFailed as exc:
        if reason.startswith("before "):  # what was to follow the copy
            raise BackupFailed(f"{exc}, so the {reason[7:]} was not done") from exc
        raise
    prune(service.path, policy, uuid)
    return target


def daily(service: ServiceBase) -> Path | None:
    """The day's copy, taken when the register is first opened that day."""
    if service.path is None:
        return None
    today = service.now().astimezone().strftime("%Y-%m-%d")
    uuid = service.register_info().uuid
    for _, taken, reason in _named(service.path, service.backup_policy, uuid):
        if taken.strftime("%Y-%m-%d") == today and reason.startswith("daily"):
            return None
    return take(service, "daily")


def prune(register: Path, policy: Policy = BESIDE, uuid: str | None = None) -> list[Path]:
    """Remove the oldest copies of this register (by the uuid in their names) beyond the
    policy's count; returns what was removed. Another register's copies are never
    touched, nor are copies named before names carried the uuid."""
    uuid = uuid or register_uuid(register)
    if uuid is None:
        return []
    copies = sorted(_named(register, policy, uuid), key=lambda b: b[1], reverse=True)
    removed = []
    for path, _, _ in copies[policy.keep :]:
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def listing(register: Path, policy: Policy = BESIDE, uuid: str | None = None) -> list[Backup]:
    """Every copy of this register, newest first, with its risk count, read without
    changing it; a damaged copy is listed with what is wrong, never raised. ``uuid`` is
    the register's (read from the file when not given; when the file itself cannot be
    read, every copy named after it is listed)."""
    uuid = uuid or register_uuid(register)
    found = []
    candidates = sorted(_named(register, policy, uuid, old_too=True), key=lambda b: b[1],
                        reverse=True)  # fmt: skip
    for path, taken, reason in candidates:
        held, risks, problem = look(path)
        if uuid is not None and held is not None and held != uuid:
            continue  # another register's copy, whatever its name says
        found.append(Backup(path, taken, reason, risks, problem))
    return found


def look(path: Path) -> tuple[str | None, int | None, str]:
    """A copy's register uuid and risk count, or why it cannot be restored: read through a
    hardened, read-only, time-bounded connection, after its schema check."""
    try:
        connection = sqlite_guard.connect(path, read_only=True, immutable=True, timeout_s=0.5)
    except sqlite3.Error as exc:
        return None, None, f"cannot be opened ({exc})"
    try:
        with sqlite_guard.bounded(connection, LOOK_TIME_LIMIT_S):
            verdict = schema_check.verify(connection)
            if not verdict.is_register:
                return None, None, "not a register"
            if not verdict.known:
                return None, None, f"written by a newer version (schema {verdict.label})"
            if verdict.problems:
                return None, None, "; ".join(verdict.problems)
            row = connection.execute("SELECT uuid FROM register").fetchone()
            (risks,) = connection.execute("SELECT count(*) FROM risk").fetchone()
            return (str(row[0]) if row else None), int(risks), ""
    except sqlite3.Error as exc:
        reason = "took too long to read" if str(exc) == "interrupted" else str(exc)
        return None, None, f"damaged: {reason}"
    finally:
        connection.close()


def register_uuid(register: Path) -> str | None:
    """The uuid the register file holds (None when it cannot be read)."""
    try:
        connection = sqlite_guard.connect(register, read_only=True, timeout_s=2.0)
    except sqlite3.Error:
        return None
    try:
        with sqlite_guard.bounded(connection, LOOK_TIME_LIMIT_S):
            if not schema_check.verify(connection).ok:
                return None
            row = connection.execute("SELECT uuid FROM register").fetchone()
            return str(row[0]) if row else None
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def restore(backup: Path, register: Path, policy: Policy = BESIDE) -> Path:
    """Put a copy back in place of the register (which must not be open). The current file
    is copied aside first (with any journal beside it, which would otherwise be merged
    into the copy put back); returns that copy. The register keeps its permissions."""
    held, _, problem = look(backup)
    if problem:
        raise RegisterError(f"{backup.name} cannot be restored: it is {problem}")
    aside_folder = policy.folder_for(register)
    aside_folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().strftime(_STAMP)
    aside = aside_folder / f"{register.stem} {held or 'unknown'} {stamp} before restore.riskreg"
    mode = (register if register.exists() else backup).stat().st_mode & 0o777
    if register.exists():
        shutil.copy2(register, aside)
    for journal in sqlite_guard.journals_beside(register):
        os.replace(journal, aside.with_name(aside.name + journal.name[len(register.name) :]))
    partial = register.with_name(register.name + ".restoring")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
    shutil.copyfile(backup, partial)
    with contextlib.suppress(OSError):  # on Windows only the read-only flag follows
        os.chmod(partial, mode)
    os.replace(partial, register)
    return aside


def _named(
    register: Path, policy: Policy, uuid: str | None, *, old_too: bool = False
) -> list[tuple[Path, datetime, str]]:
    """Copies whose names say they are of this register: its stem and ``uuid`` (any uuid
    when None), and with ``old_too`` the copies named by stem alone."""
    where = policy.folder_for(register)
    if not where.is_dir():
        return []
    found = []
    for path in where.glob("*.riskreg"):
        match = _NAME.match(path.name)
        if match is not None and match["stem"] == register.stem:
            if uuid is not None and match["uuid"] != uuid:
                continue
        elif old_too:
            match = _OLD_NAME.match(path.name)
            if match is None or match["stem"] != register.stem:
                continue
        else:
            continue
        try:
            taken = datetime.strptime(match["stamp"], _STAMP)
        except ValueError:
            continue  # a name that only looks like a copy's
        found.append((path, taken, match["reason"]))
    return found


def latest_good(register: Path, policy: Policy = BESIDE) -> Backup | None:
    """The newest copy that opens and passes ``check`` (SQLite's full integrity check and
    the register's rules); damaged copies are passed over."""
    from riskreg.integrity import check_register
    from riskreg.store import open_register

    for backup in listing(register, policy):
        if not backup.restorable:
            continue
        try:
            store = open_register(backup.path, upgrade=False, read_only=True, immutable=True)
        except RegisterError:
            continue
        try:
            if check_register(store).ok:
                return backup
        finally:
            store.close()
    return None
