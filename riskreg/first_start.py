"""The user's default register on the first start: the demo partnership, made so that two
starts at once end on one register that both windows share.

A risk lead who double-clicks a standalone copy on a USB stick, sees nothing for a few
seconds and double-clicks again starts two processes that both find no register. Each builds
the demo under a name of its own beside the default register and then links it into place;
linking refuses a name that exists, so exactly one demo becomes the register, the other
start opens that one, and no start ever sees a register half made.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from pathlib import Path

from riskreg.records import Actor
from riskreg.service import RegisterService, open_service


def open_default_register(location: Path, actor: Actor) -> RegisterService:
    """Open ``location``, first creating it with the demo partnership when it is missing."""
    if not location.exists():
        _publish_demo(location, actor)
    return open_service(location, actor)


def _publish_demo(location: Path, actor: Actor) -> None:
    from riskreg.demo import build_demo

    location.parent.mkdir(parents=True, exist_ok=True)
    partial = location.with_name(f".{location.name}.{uuid.uuid4().hex[:12]}.new")
    try:
        build_demo(partial, actor).close()
        _place(partial, location)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _place(partial: Path, location: Path) -> None:
    """Give ``partial`` the name ``location`` unless another start already has."""
    try:
        os.link(partial, location)  # atomic, and never replaces an existing file
        return
    except FileExistsError:
        return  # another start won: its register is the one to open
    except OSError:
        pass  # a file system without hard links (FAT, some network shares)
    if sys.platform == "win32":
        with contextlib.suppress(FileExistsError):
            os.rename(partial, location)  # Windows' rename refuses an existing name
    elif not location.exists():
        os.rename(partial, location)  # only a start in the same instant could race here
