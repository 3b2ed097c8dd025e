"""File ▸ Restore from backup…: the copies beside the register, newest first. A copy that
cannot be read (damaged, or holding what the application did not make) is listed with what
is wrong and cannot be chosen."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableView, QVBoxLayout, QWidget

from riskreg.backups import Backup
from ui.geometry import fit_to_screen
from ui.plain import tip


class RestoreDialog(QDialog):
    def __init__(self, backups: Sequence[Backup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        fit_to_screen(self, 720, 420)
        self.backups = list(backups)
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["Taken", "Why", "Risks", "File"])
        for backup in self.backups:
            risks = str(backup.risks) if backup.restorable else _why_not(backup.problem)
            row = [QStandardItem(backup.taken_at.strftime("%d %b %Y %H:%M:%S")),
                   QStandardItem(backup.reason), QStandardItem(risks),
                   QStandardItem(backup.path.name)]  # fmt: skip
            for cell in row:
                cell.setEditable(False)
                if not backup.restorable:
                    cell.setEnabled(False)  # shown, never chosen
                    cell.setToolTip(tip(f"This copy cannot be restored: {backup.problem}"))
            self.model.appendRow(row)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 180)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Restore")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(
            "Restoring puts the chosen copy in place of the register. The register as it is "
            "now is first copied into the same folder, so a restore can be undone."
            if self.backups
            else "There are no backup copies beside this register yet."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        first = next((i for i, b in enumerate(self.backups) if b.restorable), None)
        if first is not None:
            self.table.selectRow(first)
        self._row_changed()

    def _row_changed(self, *_: object) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self.chosen() is not None
        )

    def chosen(self) -> Path | None:
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.backups) and self.backups[row].restorable:
            return self.backups[row].path
        return None

    @classmethod
    def ask(cls, backups: Sequence[Backup], parent: QWidget | None = None) -> Path | None:
        """The copy to restore, or None (tests replace this seam)."""
        dialog = cls(backups, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.chosen()
        return None


def _why_not(problem: str) -> str:
    """A copy that cannot be restored, in a word (its tooltip says all)."""
    return "damaged" if problem.startswith(("damaged", "cannot be opened")) else "not restorable"
