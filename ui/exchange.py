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
from ui.confirm import confirm_written
from ui.settings import FolderKind
from ui.words import plural

if TYPE_CHECKING:
    from riskreg.exchange.export import ExportResult
    from ui.document import RegisterDocument
    from ui.jobs import WriteJob
    from ui.settings import Preferences

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")


class ExchangeCommands:
    """The window's exchange commands; ``report`` and ``refuse`` are seams tests replace.

    The export and the apply of an import run in the background through the document
    (progress, Cancel); the preview is read first, here.
    """

    def __init__(
        self, document: RegisterDocument, preferences: Preferences, parent: QWidget
    ) -> None:
        self.document = document
        self.preferences = preferences
        self.parent = parent

    def _start(self, kind: FolderKind) -> str:
        register = self.document.service.path if self.document.is_open else None
        return str(self.preferences.folder_for(kind, register))

    def export(self) -> WriteJob | None:
        from ui.dialogs.export_workbook import ExportDialog

        settings = self.document.settings
        assert settings is not None
        choice = ExportDialog.ask(list(settings.partners), self._start(FolderKind.WORKBOOK),
                                  self.parent)  # fmt: skip
        if choice is None:
            return None
        partner, path = choice
        return self.export_to(path, partner)

    def export_to(self, path: Path, partner: str | None) -> WriteJob | None:
        """Write the workbook in the background; the confirmation names where it went."""
        self.preferences.remember_folder(FolderKind.WORKBOOK, path)
        audience = f"for {partner}" if partner else "of the whole register"

        def exported(result: ExportResult) -> None:
            self.report(
                "Workbook exported",
                f"{plural(result.risks, 'risk')} and {plural(result.actions, 'action')} "
                f"{audience}.\nSend it to the partner; when it comes back, use File ▸ Import "
                "returned workbook.",
                path,
            )

        return self.document.export_workbook(path, partner, exported)

    def choose_import(self) -> int | None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent, "Import returned workbook", self._start(FolderKind.RETURNED),
            "Returned workbooks (*.xlsx *.xlsm *.ods)",
        )  # fmt: skip
        return self.import_from(Path(path)) if path else None

    def import_from(self, path: Path) -> int | None:
        """Preview a returned workbook and apply what the user accepts (in the background);
        the number of changes being applied, or None."""
        from riskreg.exchange.importer import CopyWithoutExport, ImportRefused, plan_import
        from ui.dialogs.import_preview import ImportPreviewDialog

        try:
            try:
                plan = plan_import(self.document.service, path)
            except CopyWithoutExport as copy:  # issue 18: a pasted copy may be read by ref
                if not self.confirm("Import a copy by ref?", str(copy)):
                    return None
                plan = plan_import(self.document.service, path, by_ref=True)
        except (ImportRefused, RegisterError, OSError) as exc:
            self.refuse("The workbook cannot be imported", str(exc))
            return None
        self.preferences.remember_folder(FolderKind.RETURNED, path)
        accepted = ImportPreviewDialog.ask(plan, self.parent)
        if not accepted:
            return None

        def applied(revision: int) -> None:
            self.report(
                "Workbook imported",
                f"{plural(len(accepted), 'change')} from {plan.workbook} were applied as "
                f"revision {revision}. A backup copy of the register was taken first.",
            )

        job = self.document.apply_import(plan, accepted, applied)
        return len(accepted) if job is not None else None

    def import_foreign_chosen(self) -> int:
        """File ▸ Import another register: the wizard asks for the spreadsheet (a menu's
        ``triggered(checked)`` must never reach ``spreadsheet`` as ``False``)."""
        return self.import_foreign(None)

    def import_foreign(self, spreadsheet: Path | None = None) -> int:
        """The import wizard for another register's spreadsheet (``spreadsheet``, if
        already chosen); the risks it created."""
        from ui.dialogs.foreign_wizard import ForeignImportWizard

        created = ForeignImportWizard.ask(self.document, self._start(FolderKind.FOREIGN),
                                          self.parent, spreadsheet=spreadsheet)  # fmt: skip
        if created:
            self.report(
                "Register imported",
                f"{plural(created, 'risk')} {'was' if created == 1 else 'were'} created in one "
                "change set. A backup copy of "
                "the register was taken first.",
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

    def report(self, title: str, message: str, path: Path | None = None) -> None:
        """Tell the user it is done (and where the file went, with "Show in folder")."""
        if path is not None:
            confirm_written(self.parent, title, message, path)
            return
        box = QMessageBox(QMessageBox.Icon.Information, title, message,
                          QMessageBox.StandardButton.Ok, self.parent)  # fmt: skip
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
