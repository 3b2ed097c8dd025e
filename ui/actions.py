"""Every menu and toolbar action in one table: id, text, standard shortcut, tip, icon.

The main window builds menus and the toolbar from this table; tests find actions by id.
Icons come from the desktop's theme (``QIcon.fromTheme``, freedesktop names) with an SVG
of our own in resources/icons as the fallback; a tooltip names the shortcut.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QWidget

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
ACCEPT_RISK = "risk.accept"
PARTNERS = "register.partners"
CATEGORIES = "register.categories"
SCHEME = "register.scheme"
SETTINGS = "register.settings"
WELCOME = "help.welcome"
PREFERENCES = "settings.preferences"
RECORD_REVIEW = "review.record"
REVIEWS = "review.list"
USER_GUIDE = "help.user_guide"
ABOUT = "help.about"
SHOW_REGISTER = "view.register"
SHOW_HEAT_MAP = "view.heat_map"
SHOW_EXPOSURE = "view.exposure"
SHOW_ALL_ACTIONS = "view.all_actions"

Key = QKeySequence.StandardKey


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    text: str
    shortcut: QKeySequence.StandardKey | str | None
    tip: str
    icon: str | None = None
    """A freedesktop icon name; resources/icons/<name>.svg is its fallback."""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(NEW, "&New register…", Key.New, "Create an empty register file",
               "document-new"),
    ActionSpec(OPEN, "&Open register…", Key.Open, "Open a register file",
               "document-open"),
    ActionSpec(SAVE_COPY, "Save a &copy…", Key.SaveAs,
               "Write a consistent copy of the register to another file"),
    ActionSpec(PRINT, "&Print…", Key.Print,
               "Print what is shown (the register table's rows, or the heat map), with a "
               "preview", "document-print"),
    ActionSpec(MEETING_PACK, "&Meeting pack (PDF)…", None,
               "Cover, heat maps, top risks, appetite, overdue actions and changes, as one PDF"),
    ActionSpec(EXPORT, "&Export workbook for partners…", "Ctrl+E",
               "An Excel workbook a partner edits and sends back"),
    ActionSpec(IMPORT, "&Import returned workbook… (cannot be undone)", "Ctrl+I",
               "Preview and merge a partner's edited workbook; a backup copy is taken first"),
    ActionSpec(IMPORT_FOREIGN, "Import another re&gister… (cannot be undone)", None,
               "Bring in the risks of a partner's own spreadsheet (.xlsx, .xls, .ods); a "
               "backup copy is taken first"),
    ActionSpec(RESTORE, "Restore from &backup…", None,
               "Put an earlier copy of the register back (the current one is kept aside)"),
    ActionSpec(RELOAD, "&Reload", Key.Refresh, "Read the register again from its file",
               "view-refresh"),
    ActionSpec(CLOSE, "&Close", Key.Close, "Close this window"),
    ActionSpec(QUIT, "&Quit", Key.Quit, "Close the application"),
    ActionSpec(UNDO, "&Undo", Key.Undo, "Undo the last change",
               "edit-undo"),
    ActionSpec(REDO, "&Redo", Key.Redo, "Redo the change undone last",
               "edit-redo"),
    ActionSpec(FIND, "&Find…", Key.Find, "Search refs, titles, descriptions and owners"),
    ActionSpec(NEW_RISK, "New &risk…", "Ctrl+Shift+N", "Add a risk to the register",
               "risk-new"),
    ActionSpec(SAVE_RISK, "&Save risk", Key.Save, "Save the changes to the selected risk",
               "document-save"),
    ActionSpec(ADD_ACTION, "Add &action…", "Ctrl+Shift+A",
               "Add a mitigating action to the selected risk"),
    ActionSpec(ACCEPT_RISK, "Accept outside a&ppetite…", None,
               "Accept the selected risk outside appetite: for whom, by whom, why, until when"),
    ActionSpec(PARTNERS, "&Partners…", None, "Add and edit the partner organisations"),
    ActionSpec(CATEGORIES, "&Categories…", None, "Categories and the appetite in each"),
    ActionSpec(SCHEME, "&Scoring scheme… (cannot be undone)", None,
               "Levels, labels and bands of the matrix; a backup copy is taken before a change"),
    ActionSpec(SETTINGS, "Se&ttings…", None,
               "The partnership's name, the keeping partner, review intervals, escalation"),
    ActionSpec(RECORD_REVIEW, "&Record joint review… (cannot be undone)", None,
               "Freeze the joint register as this meeting sees it, with its decisions"),
    ActionSpec(REVIEWS, "&Joint reviews…", None,
               "Earlier reviews: their fingerprints, the register as they saw it, changes since"),
    ActionSpec(PREFERENCES, "Pr&eferences…", Key.Preferences,
               "Your name, the partner you act for, and where backup copies go"),
    ActionSpec(SHOW_REGISTER, "&Register", "Ctrl+1", "The register table and the risk editor"),
    ActionSpec(SHOW_HEAT_MAP, "&Heat map", "Ctrl+2", "The likelihood × impact grid"),
    ActionSpec(SHOW_EXPOSURE, "&Exposure", "Ctrl+3", "Each partner's share of the cost"),
    ActionSpec(SHOW_ALL_ACTIONS, "&All actions", "Ctrl+4", "Every action of the register"),
    ActionSpec(WELCOME, "&Welcome…", None,
               "Ways to begin: the demo, a new partnership, a spreadsheet register, a file, "
               "a server"),
    ActionSpec(USER_GUIDE, "&User guide", Key.HelpContents,
               "How to use the register: the guide, in the application", "help-contents"),
    ActionSpec(ABOUT, "&About Joint Risk Register", None,
               "Version, licence, and where the register and its backups live", "help-about"),
)  # fmt: skip


def load_icon(name: str) -> QIcon:
    """The desktop theme's icon of that name, or ours (resources/icons/<name>.svg)."""
    fallback = resources.files("resources") / "icons" / f"{name}.svg"
    ours = QIcon(str(fallback)) if fallback.is_file() else QIcon()
    return QIcon.fromTheme(name, ours)


def create_actions(parent: QWidget) -> dict[str, QAction]:
    actions = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.id)
        if isinstance(spec.shortcut, str):
            action.setShortcut(QKeySequence(spec.shortcut))
        elif spec.shortcut is not None:
            action.setShortcuts(spec.shortcut)
        action.setStatusTip(spec.tip)
        action.setToolTip(tooltip(spec.text, action.shortcut()))
        if spec.icon is not None:
            action.setIcon(load_icon(spec.icon))
        actions[spec.id] = action
    return actions


def tooltip(text: str, shortcut: QKeySequence) -> str:
    """ "Save risk (Ctrl+S)": the menu text without its accelerator and dots, and the key."""
    plain = text.replace("&", "").replace("…", "").split(" (")[0]
    keys = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
    return f"{plain} ({keys})" if keys else plain
