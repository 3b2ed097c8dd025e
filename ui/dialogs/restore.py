"""File ▸ Restore from backup…: the copies beside the register, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableView, QVBoxLayout, QWidget

from riskreg.backups import Backup
from ui.geometry import fit_to_screen


class RestoreDialog(QDialog):
    def __init__(self, backups: Sequence[Backup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        fit_to_screen(self, 720, 420)
        self.backups = list(backups)
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["Taken", "Why", "Risks", "File"])
        for backup in self.backups:
            risks = str(backup.risks) if backup.risks is not None else "cannot be read"
            row = [QStandardItem(backup.taken_at.strftime("%d %b %Y %H:%M:%S")),
                   QStandardItem(backup.reason), QStandardItem(risks),
                   QStandardItem(backup.path.name)]  # fmt: skip
            for cell in row:
                cell.setEditable(False)
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
        if self.backups:
            self.table.selectRow(0)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.backups))

    def chosen(self) -> Path | None:
        row = self.table.currentIndex().row()
        return self.backups[row].path if 0 <= row < len(self.backups) else None

    @classmethod
    def ask(cls, backups: Sequence[Backup], parent: QWidget | None = None) -> Path | None:
        """The copy to restore, or None (tests replace this seam)."""
        dialog = cls(backups, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.chosen()
        return None
