"""How refusals and surprises reach the user: a plain message, never a vanished window.

Service refusals (conflict, rule, busy, read-only, newer schema) arrive as a title and a
message. Anything unexpected is shown with its details and a "Copy details" button, and
the application carries on.
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def show_refusal(parent: QWidget | None, title: str, message: str) -> QMessageBox:
    """A window-modal, non-blocking warning (``open()``, not ``exec()``)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file names, titles, cells
    box.setObjectName("refusal")
    box.open()
    return box


def show_unexpected(parent: QWidget | None, details: str) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Something went wrong",
        "The application met an unexpected problem. Your register is safe: every change is "
        "saved or refused as a whole. Please send the details to whoever supports the "
        "application.",
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("unexpected")
    box.setDetailedText(details)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    copy.clicked.disconnect()  # keep the box open after copying
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.open()
    return box


def install_excepthook(parent: QWidget) -> None:
    """Show unexpected exceptions from Qt callbacks instead of letting them kill the app."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        print(details, file=sys.stderr)
        show_unexpected(parent, details)

    sys.excepthook = hook
