"""What runs when a register is opened, off the GUI thread: its check and the day's copy.

A quick check of a 100,000-risk register takes about a second, and the day's backup copy
as long again; neither should hold up the first paint or the user's first click.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from riskreg.errors import RegisterError

if TYPE_CHECKING:  # the check's modules load when it runs, not at start-up
    from riskreg.integrity import CheckReport
    from riskreg.service import RegisterService


@dataclass(frozen=True, slots=True)
class OpenCheck:
    report: CheckReport
    backup: Path | None = None
    """The day's copy, if this opening took it."""
    backup_problem: str = ""
    """Why the day's copy could not be taken."""


def check_on_open(service: RegisterService) -> OpenCheck:
    """Check the register; only a sound register gets the day's copy (a damaged one must
    not push a good copy out of the rolling history)."""
    from riskreg import backups

    report = service.check(quick=True)
    if not report.ok:
        return OpenCheck(report)
    try:
        return OpenCheck(report, backups.daily(service))
    except (RegisterError, OSError) as exc:
        return OpenCheck(report, None, str(exc))
