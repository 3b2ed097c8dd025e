"""File ▸ Export and File ▸ Import for the main window: pick files, show results.

The rules live in ``riskreg.exchange``; this module only asks the user and reports. Both the
exchange code and openpyxl are imported when first used, so start-up does not pay for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from riskreg.errors import RegisterError

if TYPE_CHECKING:
    from ui.document import RegisterDocument
    from ui.settings import Preferences

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")


class ExchangeCommands:
    """The window's exchange commands; ``report`` and ``refuse`` are seams tests replace."""

    def __init__(
        self, document: RegisterDocument, preferences: Preferences, parent: QWidget
    ) -> None:
        self.document = document
        self.preferences = preferences
        self.parent = parent

    def export(self) -> Path | None:
        from ui.dialogs.export_workbook import ExportDialog

        service = self.document.service
        choice = ExportDialog.ask(
            service.list_partners(), self.preferences.last_folder, self.parent
        )
        if choice is None:
            return None
        partner, path = choice
        return self.export_to(path, partner)

    def export_to(self, path: Path, partner: str | None) -> Path | None:
        from riskreg.exchange.export import export_register

        try:
            result = export_register(self.document.service, path, partner)
        except (RegisterError, OSError) as exc:
            self.refuse("The workbook was not exported", str(exc))
            return None
        self.preferences.last_folder = str(path.parent)
        audience = f"for {partner}" if partner else "of the whole register"
        self.report(
            "Workbook exported",
            f"{path.name}: {result.risks} risks and {result.actions} actions {audience}.\n"
            "Send it to the partner; when it comes back, use File ▸ Import returned workbook.",
        )
        return path

    def choose_import(self) -> int | None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent, "Import returned workbook", self.preferences.last_folder,
            "Returned workbooks (*.xlsx *.xlsm *.ods)",
        )  # fmt: skip
        return self.import_from(Path(path)) if path else None

    def import_from(self, path: Path) -> int | None:
        """Preview a returned workbook and apply what the user accepts; the new revision."""
        from riskreg.exchange.importer import (
            CopyWithoutExport,
            ImportRefused,
            apply_import,
            plan_import,
        )
        from ui.dialogs.import_preview import ImportPreviewDialog

        service = self.document.service
        try:
            try:
                plan = plan_import(service, path)
            except CopyWithoutExport as copy:  # issue 18: a pasted copy may be read by ref
                if not self.confirm("Import a copy by ref?", str(copy)):
                    return None
                plan = plan_import(service, path, by_ref=True)
        except (ImportRefused, RegisterError, OSError) as exc:
            self.refuse("The workbook cannot be imported", str(exc))
            return None
        self.preferences.last_folder = str(path.parent)
        accepted = ImportPreviewDialog.ask(plan, self.parent)
        if not accepted:
            return None
        try:
            revision = apply_import(service, plan, accepted)
        except (RegisterError, OSError) as exc:
            self.refuse("Nothing was imported", str(exc))
            return None
        self.document.changed()
        self.report(
            "Workbook imported",
            f"{len(accepted)} changes from {plan.workbook} were applied as revision {revision}. "
            "A backup copy of the register was saved beside it first.",
        )
        return revision

    def import_foreign(self) -> int:
        """The import wizard for another register's spreadsheet; the risks it created."""
        from ui.dialogs.foreign_wizard import ForeignImportWizard

        created = ForeignImportWizard.ask(self.document, self.preferences.last_folder, self.parent)
        if created:
            self.report(
                "Register imported",
                f"{created} risks were created in one change set. A backup copy of the "
                "register was saved beside it first.",
            )
        return created

    def confirm(self, title: str, message: str) -> bool:
        """Yes or no to a question about a workbook (a seam tests replace)."""
        box = QMessageBox(self.parent)
        box.setWindowTitle(title)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the message names the file: plain text
        box.setText(message + "\n\nImport it by ref?")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def refuse(self, title: str, message: str) -> None:
        from ui.errors import show_refusal

        show_refusal(self.parent, title, message)

    def report(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, message, parent=self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)  # names the workbook: plain text
        box.exec()
