"""Every menu and toolbar action in one table: id, text, standard shortcut, tip.

The main window builds menus and the toolbar from this table; tests find actions by id.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

NEW = "file.new"
OPEN = "file.open"
SAVE_COPY = "file.save_copy"
PRINT = "file.print"
MEETING_PACK = "file.meeting_pack"
EXPORT = "file.export"
IMPORT = "file.import"
IMPORT_FOREIGN = "file.import_foreign"
RESTORE = "file.restore"
RELOAD = "file.reload"
CLOSE = "file.close"
QUIT = "file.quit"
UNDO = "edit.undo"
REDO = "edit.redo"
FIND = "edit.find"
NEW_RISK = "risk.new"
SAVE_RISK = "risk.save"
ADD_ACTION = "risk.add_action"
PARTNERS = "register.partners"
CATEGORIES = "register.categories"
SCHEME = "register.scheme"
PREFERENCES = "settings.preferences"
RECORD_REVIEW = "review.record"
REVIEWS = "review.list"

Key = QKeySequence.StandardKey


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    text: str
    shortcut: QKeySequence.StandardKey | str | None
    tip: str
    icon: QStyle.StandardPixmap | None = None


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(NEW, "&New register…", Key.New, "Create an empty register file",
               QStyle.StandardPixmap.SP_FileIcon),
    ActionSpec(OPEN, "&Open register…", Key.Open, "Open a register file",
               QStyle.StandardPixmap.SP_DialogOpenButton),
    ActionSpec(SAVE_COPY, "Save a &copy…", Key.SaveAs,
               "Write a consistent copy of the register to another file"),
    ActionSpec(PRINT, "&Print register…", Key.Print,
               "Print the risks shown in the table, with a preview"),
    ActionSpec(MEETING_PACK, "&Meeting pack (PDF)…", None,
               "Cover, heat maps, top risks, appetite, overdue actions and changes, as one PDF"),
    ActionSpec(EXPORT, "&Export workbook for partners…", "Ctrl+E",
               "An Excel workbook a partner edits and sends back"),
    ActionSpec(IMPORT, "&Import returned workbook…", "Ctrl+I",
               "Preview and merge a partner's edited workbook"),
    ActionSpec(IMPORT_FOREIGN, "Import another re&gister…", None,
               "Bring in the risks of a partner's own spreadsheet (.xlsx, .xls, .ods)"),
    ActionSpec(RESTORE, "Restore from &backup…", None,
               "Put an earlier copy of the register back (the current one is kept aside)"),
    ActionSpec(RELOAD, "&Reload", Key.Refresh, "Read the register again from its file",
               QStyle.StandardPixmap.SP_BrowserReload),
    ActionSpec(CLOSE, "&Close", Key.Close, "Close this window"),
    ActionSpec(QUIT, "&Quit", Key.Quit, "Close the application"),
    ActionSpec(UNDO, "&Undo", Key.Undo, "Undo the last change",
               QStyle.StandardPixmap.SP_ArrowBack),
    ActionSpec(REDO, "&Redo", Key.Redo, "Redo the change undone last",
               QStyle.StandardPixmap.SP_ArrowForward),
    ActionSpec(FIND, "&Find…", Key.Find, "Search refs, titles, descriptions and owners"),
    ActionSpec(NEW_RISK, "New &risk…", "Ctrl+Shift+N", "Add a risk to the register",
               QStyle.StandardPixmap.SP_FileDialogNewFolder),
    ActionSpec(SAVE_RISK, "&Save risk", Key.Save, "Save the changes to the selected risk",
               QStyle.StandardPixmap.SP_DialogSaveButton),
    ActionSpec(ADD_ACTION, "Add &action…", "Ctrl+Shift+A",
               "Add a mitigating action to the selected risk"),
    ActionSpec(PARTNERS, "&Partners…", None, "Add and edit the partner organisations"),
    ActionSpec(CATEGORIES, "&Categories…", None, "Categories and the appetite in each"),
    ActionSpec(SCHEME, "&Scoring scheme…", None, "Levels, labels and bands of the matrix"),
    ActionSpec(RECORD_REVIEW, "&Record joint review…", None,
               "Freeze the joint register as this meeting sees it, with its decisions"),
    ActionSpec(REVIEWS, "&Joint reviews…", None,
               "Earlier reviews: their fingerprints, the register as they saw it, changes since"),
    ActionSpec(PREFERENCES, "Pr&eferences…", Key.Preferences,
               "Your name, the partner you act for, and where backup copies go"),
)  # fmt: skip


def create_actions(parent: QWidget) -> dict[str, QAction]:
    actions = {}
    style = parent.style()
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.id)
        if isinstance(spec.shortcut, str):
            action.setShortcut(QKeySequence(spec.shortcut))
        elif spec.shortcut is not None:
            action.setShortcuts(spec.shortcut)
        action.setStatusTip(spec.tip)
        action.setToolTip(spec.tip)
        if spec.icon is not None:
            action.setIcon(style.standardIcon(spec.icon))
        actions[spec.id] = action
    return actions
