"""The confirmation of a file written: where it went, in full, and "Show in folder"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

WRITTEN = "written"
"""The object name of the confirmation (tests find it under its parent)."""


def confirm_written(parent: QWidget | None, title: str, message: str, path: Path) -> QMessageBox:
    """A non-blocking box naming the file's full path, with "Show in folder"."""
    box = QMessageBox(QMessageBox.Icon.Information, title,
                      f"{message}\n\nSaved as:\n{path.resolve()}", QMessageBox.StandardButton.Ok,
                      parent)  # fmt: skip
    box.setObjectName(WRITTEN)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    show = box.addButton("Show in folder", QMessageBox.ButtonRole.ActionRole)
    show.clicked.disconnect()  # the box stays open after showing the folder
    show.clicked.connect(lambda: show_in_folder(path))
    box.open()
    return box


def show_in_folder(path: Path) -> bool:
    """Open the file's folder in the desktop's file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.resolve().parent)))
