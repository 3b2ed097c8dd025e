"""The user guide shown in the application: the user part of the README, copied into
resources/user_guide.md so an installed copy carries it (the README stays its one source:
``python -m ui.user_guide`` writes the copy, and a test checks that it matches)."""

from __future__ import annotations

import re
import sys
from importlib import resources
from pathlib import Path

USER_SECTIONS = (
    "Using the application",
    "Start your own partnership",
    "Exchanging the register with partners (Excel)",
    "Bringing in another register (onboarding)",
    "Joint governance",
    "On a PostgreSQL server",
    "The demo partnership",
    "Command line",
)
"""The README's sections a risk lead reads (the rest is for developers)."""

GUIDE = "user_guide.md"
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def extract_user_guide(readme: str) -> str:
    """The user sections of the README, in order, without pictures (they live in docs/,
    which an installed copy does not carry) and without table rows holding only them."""
    sections: list[list[str]] = []
    keeping = False
    for line in readme.splitlines():
        if line.startswith("## "):
            keeping = line[3:].strip() in USER_SECTIONS
            if keeping:
                sections.append([])
        if keeping:
            sections[-1].append(_IMAGE.sub("", line).rstrip())
    lines = [line for part in sections for line in [*part, ""]]
    kept = [line for line in lines if not line.startswith("|") or line.strip("| -")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip() + "\n"


def guide_text() -> str:
    """The guide as installed with the application."""
    return (resources.files("resources") / GUIDE).read_text(encoding="utf-8")


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    guide = extract_user_guide((root / "README.md").read_text(encoding="utf-8"))
    (root / "resources" / GUIDE).write_text(guide, encoding="utf-8")
    print(f"wrote resources/{GUIDE} ({len(guide.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
