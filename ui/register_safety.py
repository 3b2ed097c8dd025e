"""A refused register file is a message and a way back, never a vanished window.

When a register file cannot be opened because it is damaged, the window offers the latest
backup copy that passes its check; when it holds objects the application did not make (a
trigger, a view, a schema label that lies), it offers a clean copy of its data (what
``python -m riskreg copy`` makes) and, if there is one, the latest good backup. The choice
is asked through one seam (``ask``) that tests replace. What the user should know once a
register is open — a journal merged or set aside, a network share under it — is shown by
``show_notes``.

Every text here that comes from the file (its path, the names of the objects it holds) is
shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from riskreg.errors import DamagedRegister, RegisterError, UntrustedRegister
from riskreg.locations import is_server

if TYPE_CHECKING:
    from riskreg.backups import Backup, Policy
    from ui.main_window import MainWindow

RESTORE, CLEAN_COPY = "restore", "clean copy"


@dataclass(frozen=True, slots=True)
class WayBack:
    """What can be offered for a refused register file."""

    path: Path
    title: str
    message: str
    choices: tuple[str, ...]
    """``RESTORE`` and/or ``CLEAN_COPY``, in the order offered."""
    backup: Backup | None = None


def way_back(location: str, error: RegisterError, policy: Policy) -> WayBack | None:
    """What can be offered for ``error`` on ``location`` (None: nothing; say the error)."""
    from riskreg import backups

    if is_server(location) or not isinstance(error, DamagedRegister | UntrustedRegister):
        return None
    path = Path(location).expanduser().resolve()
    try:
        latest = backups.latest_good(path, policy)
    except (RegisterError, OSError):
        latest = None
    when = (
        f"\n\nThe latest good backup copy is from {latest.taken_at:%d %b %Y %H:%M} "
        f"({latest.risks} risks); putting it back keeps the refused file aside."
        if latest is not None
        else ""
    )
    if isinstance(error, UntrustedRegister):
        found = "; ".join(error.problems) if error.problems else str(error)
        message = (
            f"{path} was not opened: {found}. Nothing in it was read or run.\n\n"
            "A clean copy holds the register's risks, actions and history in a new file the "
            f"application makes, leaving out everything else; the refused file is not "
            f"changed.{when}"
        )
        choices = (CLEAN_COPY, RESTORE) if latest is not None else (CLEAN_COPY,)
        return WayBack(path, "The register holds what the application did not make",
                       message, choices, latest)  # fmt: skip
    if latest is None:
        return None
    return WayBack(path, "The register is damaged", f"{error}{when}", (RESTORE,), latest)


def ask(parent: QWidget | None, offer: WayBack) -> str | None:
    """The user's choice among ``offer.choices``, or None (tests replace this seam)."""
    box = QMessageBox(QMessageBox.Icon.Warning, offer.title, offer.message,
                      QMessageBox.StandardButton.Cancel, parent)  # fmt: skip
    box.setTextFormat(Qt.TextFormat.PlainText)  # the file's path and names, as they are
    buttons = []
    for choice in offer.choices:
        text = "Make a clean copy" if choice == CLEAN_COPY else "Put the backup back"
        buttons.append((box.addButton(text, QMessageBox.ButtonRole.AcceptRole), choice))
    box.exec()
    clicked = box.clickedButton()
    return next((choice for button, choice in buttons if button is clicked), None)


def take(offer: WayBack, choice: str, policy: Policy) -> Path:
    """Do what was chosen; returns the file to open (the register, or its clean copy)."""
    from riskreg import backups
    from riskreg.clean_copy import make_clean_copy

    if choice == RESTORE:
        assert offer.backup is not None
        backups.restore(offer.backup.path, offer.path, policy)
        return offer.path
    target = clean_copy_name(offer.path)
    make_clean_copy(offer.path, target)
    return target


def clean_copy_name(path: Path) -> Path:
    """``joint (clean copy).riskreg`` beside the refused file, numbered if taken."""
    target = path.with_name(f"{path.stem} (clean copy){path.suffix}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.stem} (clean copy {number}){path.suffix}")
    return target


def recover(
    parent: QWidget | None, location: str, error: RegisterError, policy: Policy
) -> tuple[bool, str | None]:
    """Offer a way back for a refused register: (whether anything was offered, the file
    to open now or None). A way back that itself fails is said, and nothing is opened."""
    offer = way_back(location, error, policy)
    if offer is None:
        return False, None
    choice = ask(parent, offer)
    if choice is None:
        return True, None
    try:
        return True, str(take(offer, choice, policy))
    except (RegisterError, OSError) as exc:
        tell(parent, "Nothing was opened", str(exc))
        return True, None


def tell(parent: QWidget | None, title: str, message: str) -> QMessageBox:
    """A plain-text warning that does not block (``open()``)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                      parent)  # fmt: skip
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("refusal")
    box.open()
    return box


def show_notes(parent: QWidget, notes: Sequence[str]) -> QMessageBox | None:
    """What the user should know about the register just opened (a journal set aside, a
    network share): in a message that does not block, as plain text."""
    if not notes:
        return None
    box = QMessageBox(QMessageBox.Icon.Information, "About this register",
                      "\n\n".join(notes), QMessageBox.StandardButton.Ok, parent)  # fmt: skip
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("opening_notes")
    box.open()
    return box


def recover_in_window(window: MainWindow, error: RegisterError) -> bool:
    """The register a window shows a first look at could not be opened after all: offer
    its way back, and open what it gives in this window. False: nothing was offered."""
    location = window.first_look_location
    if not location:
        return False
    offered, instead = recover(window, location, error, window.preferences.backup_policy)
    if instead is None:
        return offered and _closed(window)
    if window.document.is_open:
        return window.open_register(instead)
    from riskreg.service import open_service
    from ui.app import acting_for_partner, startup_actor

    actor = startup_actor(window.preferences)
    partner, policy = window.preferences.partner_code, window.preferences.backup_policy
    window.opener.run(
        lambda: acting_for_partner(open_service(instead, actor, backup_policy=policy), partner)
    )
    return True


def _closed(window: MainWindow) -> bool:
    """Declined: the window that showed only a first look has nothing to show; it closes."""
    window.failed_to_open = True
    window.close()
    return True
