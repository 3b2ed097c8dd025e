"""Help ▸ About: the version, the licence, the versions it runs on, and where the
register and its backup copies live (what whoever supports the application asks first)."""

from __future__ import annotations

import platform
import sys
from html import escape
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

APP = "Joint Risk Register"
LICENCE = "MIT"


def application_version() -> str:
    """The version and, in a standalone copy, its build (``riskreg.version``)."""
    from riskreg.version import version_text

    return version_text().removeprefix(f"{APP} ")


def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def about_facts(register: str, backups: str) -> list[tuple[str, str]]:
    """What the About box lists, as (label, value) pairs."""
    return [
        ("Version", application_version()),
        ("Licence", LICENCE),
        ("Python", f"{platform.python_version()} ({sys.platform})"),
        ("Qt", f"{qVersion()} (PySide6 {pyside_version})"),
        ("SQLAlchemy", _installed("SQLAlchemy")),
        ("Register", register),
        ("Backup copies", backups),
    ]


class AboutDialog(QDialog):
    def __init__(self, facts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        rows = "".join(
            f"<tr><td><b>{escape(label)}</b>&nbsp;&nbsp;</td><td>{escape(value)}</td></tr>"
            for label, value in facts
        )
        self.text = QLabel(
            f"<h3>{APP}</h3><p>One joint risk register for organisations that work together "
            "(ISO 44001, the Orange Book).</p>"
            f"<table>{rows}</table>"
        )
        self.text.setTextFormat(Qt.TextFormat.RichText)  # our own words, values escaped
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, window: QWidget) -> AboutDialog:
        from riskreg.backups import Policy

        document = getattr(window, "document", None)
        register, backups = "none open", "beside the register"
        if document is not None and document.is_open:
            service = document.service
            register = service.location
            if service.path is None:
                backups = "kept by the server (pg_dump, or python -m riskreg copy)"
            else:
                policy: Policy = service.backup_policy
                backups = f"{policy.folder_for(service.path)} (the last {policy.keep} kept)"
        dialog = cls(about_facts(register, backups), window)
        dialog.open()
        return dialog
