"""What every command of ``python -m riskreg`` does before and after its work: a register
file is quick-checked before a command reads or writes it, a file on a network share is
said to be at risk, and a database error that escaped the services' own words is said
plainly instead of as a traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def open_checked(location: str, partner: str = "") -> Any:
    """The register for a command, after SQLite's quick check of a file: a damaged one is
    refused before any command reads or writes it (a write could spread the damage)."""
    from riskreg.cli import _actor
    from riskreg.errors import DamagedRegister
    from riskreg.service import open_service

    service = open_service(location, _actor(partner))  # type: ignore[arg-type]
    if service.path is not None:
        report = service.check(quick=True)
        if report.damaged:
            service.close()
            raise DamagedRegister(
                f"{service.location} is damaged, so nothing was done: {report.problems[0]}. "
                "Put back a backup copy (File ▸ Restore from backup in the window)."
            )
    return service


def warn_network_share(args: argparse.Namespace) -> None:
    """Any command on a register file on a network share says what that risks."""
    from riskreg.locations import is_server
    from riskreg.network_shares import network_share_warning

    if args.command == "check":
        return  # check says it among its notes
    for name in ("register", "source", "destination"):
        location = getattr(args, name, None)
        if isinstance(location, str) and not is_server(location):
            warning = network_share_warning(Path(location))
            if warning:
                print(f"{args.command}: warning: {warning}", file=sys.stderr)


def database_failure(exc: Exception) -> str | None:
    """A database error that escaped the services' own words: said plainly, no traceback
    (a damaged file read by the standard library, or a driver error not yet worded)."""
    import sqlite3

    from riskreg.store import busy_reason

    busy = busy_reason(exc)  # a lock or a time limit on a server: busy, not broken
    if busy is not None:
        return f"the register is busy ({busy}); nothing was changed. Try again in a moment."
    if isinstance(exc, sqlite3.Error):
        return f"the register file cannot be read: {exc}"
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.DBAPIError):
        return f"the register cannot be read: {exc.orig}"
    return None
