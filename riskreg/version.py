"""Which version this is, and for a standalone copy which build: what Help ▸ About and
``riskreg --version`` show, so a risk lead can tell support exactly what they run.

A standalone copy carries a small stamp written by ``scripts/build_standalone.py`` at build
time (the commit, its date, the build's date); an install from source has none. The stamp
is untrusted like any file beside the application: it is read with a fixed shape, and a
stamp that is missing, unreadable or malformed is reported as no stamp, never as a crash.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from typing import TypeGuard

from riskreg import __version__

STAMP_FILE = "build_stamp.json"
_COMMIT = re.compile(r"[0-9a-f]{7,40}")


def _is_date(value: object) -> TypeGuard[str]:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class BuildStamp:
    """What the build of a standalone copy was made from, and when."""

    commit: str | None  # the git commit, abbreviated; None when built outside a git clone
    commit_date: str | None  # YYYY-MM-DD, the commit's own date
    built_on: str  # YYYY-MM-DD, the day the copy was built (UTC)
    modified: bool  # built from a work tree with uncommitted changes

    def describe(self) -> str:
        if self.commit is None:
            return f"built {self.built_on} outside a git clone"
        marker = " with local changes" if self.modified else ""
        return f"build {self.commit}{marker} of {self.commit_date}, built {self.built_on}"


def parse_stamp(text: str) -> BuildStamp | None:
    """The stamp in ``text``, or None when it does not have the stamp's shape."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    commit, commit_date = data.get("commit"), data.get("commit_date")
    built_on, modified = data.get("built_on"), data.get("modified")
    if not _is_date(built_on):
        return None
    if not isinstance(modified, bool):
        return None
    if commit is None and commit_date is None:
        return BuildStamp(None, None, built_on, modified)
    if not (isinstance(commit, str) and _COMMIT.fullmatch(commit)):
        return None
    if not _is_date(commit_date):
        return None
    return BuildStamp(commit, commit_date, built_on, modified)


def build_stamp() -> BuildStamp | None:
    """The stamp of this standalone copy; None when running from source."""
    try:
        text = files("riskreg").joinpath(STAMP_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse_stamp(text)


def is_standalone() -> bool:
    """True in a copy built by PyInstaller (it sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def version_text() -> str:
    """One line for the About box and ``--version``, e.g. ``Joint Risk Register 0.1.0
    (standalone; build 039220a of 2026-12-01, built 2026-12-01)``."""
    stamp = build_stamp()
    kind = "standalone" if is_standalone() else "from source"
    detail = f"{kind}; {stamp.describe()}" if stamp is not None else kind
    return f"Joint Risk Register {__version__} ({detail})"
