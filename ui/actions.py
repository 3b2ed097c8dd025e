"""Every menu and toolbar action in one table: id, text, standard shortcut, tip.

The main window builds menus from this table; tests and views look actions up by id.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

OPEN = "file.open"
RELOAD = "file.reload"
QUIT = "file.quit"
FIND = "edit.find"


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    text: str
    shortcut: QKeySequence.StandardKey | None
    tip: str


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(OPEN, "&Open register…", QKeySequence.StandardKey.Open, "Open a register file"),
    ActionSpec(RELOAD, "&Reload", QKeySequence.StandardKey.Refresh, "Read the register again"),
    ActionSpec(QUIT, "&Quit", QKeySequence.StandardKey.Quit, "Close the application"),
    ActionSpec(FIND, "&Find…", QKeySequence.StandardKey.Find, "Search titles, refs and owners"),
)


def create_actions(parent: QWidget) -> dict[str, QAction]:
    actions = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.id)
        if spec.shortcut is not None:
            action.setShortcuts(spec.shortcut)
        action.setStatusTip(spec.tip)
        actions[spec.id] = action
    return actions
