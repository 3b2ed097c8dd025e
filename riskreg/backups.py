"""Backup copies of a register file, kept with a bounded rolling history.

A copy is taken before every import and scheme change, and once a day when the register is
opened, into ``<name> backups/`` beside the file or a folder the user chose in Preferences;
the oldest are removed beyond the number the user keeps (``Policy``). Each copy is a
consistent register (SQLite's online backup), so restoring is replacing the file with a
copy — after backing up the current file, so a restore can itself be undone.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

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


_NAME = re.compile(r"^(?P<stem>.+) (?P<stamp>\d{4}-\d{2}-\d{2} \d{6}) (?P<reason>[^.]+)\.riskreg$")
_STAMP = "%Y-%m-%d %H%M%S"


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str
    risks: int | None
    """Risk count, or None if the copy cannot be read as a register."""


def take(service: ServiceBase, reason: str) -> Path | None:
    """A copy of the register now, named by time and reason, where the service's backup
    policy says; older copies beyond the policy's count removed. None for a register on a
    server (the server keeps its own backups)."""
    if service.path is None:
        return None
    policy = service.backup_policy
    target_folder = policy.folder_for(service.path)
    stamp = service.now().astimezone().strftime(_STAMP)
    label = re.sub(r"[^\w -]", "", reason).strip() or "backup"
    target = target_folder / f"{service.path.stem} {stamp} {label}.riskreg"
    number = 1
    while target.exists():  # two in the same second: keep both
        number += 1
        target = target_folder / f"{service.path.stem} {stamp} {label} {number}.riskreg"
    try:
        service.backup_to(target)
    except BackupFailed as exc:
        if reason.startswith("before "):  # what was to follow the copy
            raise BackupFailed(f"{exc}, so the {reason[7:]} was not done") from exc
        raise
    prune(service.path, policy)
    return target


def daily(service: ServiceBase) -> Path | None:
    """The day's copy, taken when the register is first opened that day."""
    if service.path is None:
        return None
    today = service.now().astimezone().strftime("%Y-%m-%d")
    for backup in _named(service.path, service.backup_policy):
        if backup[1].strftime("%Y-%m-%d") == today and backup[2].startswith("daily"):
            return None
    return take(service, "daily")


def prune(register: Path, policy: Policy = BESIDE) -> list[Path]:
    """Remove the oldest copies beyond the policy's count; returns what was removed."""
    copies = sorted(_named(register, policy), key=lambda b: b[1], reverse=True)
    removed = []
    for path, _, _ in copies[policy.keep :]:
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def listing(register: Path, policy: Policy = BESIDE) -> list[Backup]:
    """Every copy, newest first, with its risk count (read without changing it)."""
    from riskreg.integrity import check_register
    from riskreg.store import open_register

    found = []
    for path, taken, reason in sorted(_named(register, policy), key=lambda b: b[1],
                                      reverse=True):  # fmt: skip
        risks: int | None
        try:
            store = open_register(path, upgrade=False)
        except RegisterError:
            risks = None
        else:
            try:
                risks = check_register(store).risks
            finally:
                store.close()
        found.append(Backup(path, taken, reason, risks))
    return found


def restore(backup: Path, register: Path, policy: Policy = BESIDE) -> Path:
    """Put a copy back in place of the register (which must not be open). The current file
    is copied aside first; returns that copy."""
    aside_folder = policy.folder_for(register)
    aside_folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().strftime(_STAMP)
    aside = aside_folder / f"{register.stem} {stamp} before restore.riskreg"
    if register.exists():
        shutil.copy2(register, aside)
    partial = register.with_name(register.name + ".restoring")
    shutil.copy2(backup, partial)
    os.replace(partial, register)
    return aside


def _named(register: Path, policy: Policy) -> list[tuple[Path, datetime, str]]:
    where = policy.folder_for(register)
    if not where.is_dir():
        return []
    found = []
    for path in where.glob("*.riskreg"):
        match = _NAME.match(path.name)
        if match is None or match["stem"] != register.stem:
            continue
        taken = datetime.strptime(match["stamp"], _STAMP)
        found.append((path, taken, match["reason"]))
    return found


def latest_good(register: Path, policy: Policy = BESIDE) -> Backup | None:
    """The newest copy that opens and passes ``check``."""
    from riskreg.integrity import check_register
    from riskreg.store import open_register

    for backup in listing(register, policy):
        if backup.risks is None:
            continue
        try:
            store = open_register(backup.path, upgrade=False)
        except RegisterError:
            continue
        try:
            if check_register(store).ok:
                return backup
        finally:
            store.close()
    return None
