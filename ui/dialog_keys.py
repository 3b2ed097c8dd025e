"""Enter in a field of a dialog that makes something for good (a new risk, the record of a
joint review) never presses its button: the user presses it, or Ctrl+Enter, when done.

Qt gives a dialog's buttons *auto default*: Enter anywhere in the dialog then presses the
first of them, so a title typed and Enter pressed would create a risk with the form's
starting scores, which cannot be undone (refs are never reused).
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton


def enter_never_accepts(dialog: QDialog, buttons: QDialogButtonBox, accept: QPushButton) -> None:
    """No button of the dialog is pressed by Enter; Ctrl+Enter presses ``accept``."""
    for button in (*buttons.buttons(), *dialog.findChildren(QPushButton)):
        if isinstance(button, QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
    # A button box makes its first accept button the default when it is shown, unless the
    # dialog has one: this hidden one, which Enter never presses (only a shown one is).
    keeper = QPushButton(dialog)
    keeper.setObjectName("enter_does_nothing")
    keeper.setAutoDefault(False)
    keeper.setDefault(True)
    keeper.hide()
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        shortcut = QShortcut(QKeySequence(keys), dialog)
        shortcut.activated.connect(accept.click)
    accept.setToolTip((accept.toolTip() + " " if accept.toolTip() else "") + "(Ctrl+Enter)")
