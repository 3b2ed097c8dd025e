"""Who an exchange workbook is for, and where it goes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from riskreg.records import PartnerRecord

WHOLE = "*"
"""The choice of the whole register (the separator before it holds no data)."""
WHOLE_REGISTER = "The whole register, every partner's internal risks too (the keeper's copy)"


class ExportDialog(QDialog):
    def __init__(
        self, partners: Sequence[PartnerRecord], folder: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export workbook for partners")
        self._folder = folder
        self.partner = QComboBox()
        for partner in partners:  # a partner's workbook first: what goes out by e-mail
            if partner.active:
                self.partner.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.partner.insertSeparator(self.partner.count())
        self.partner.addItem(WHOLE_REGISTER, WHOLE)
        self.partner.setCurrentIndex(0)
        self.path = QLineEdit()
        self.path.setPlaceholderText("Choose where to save the workbook")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        explanation = QLabel(
            "A partner's workbook holds the joint risks and that partner's own internal risks. "
            "When it comes back, only the rows that partner leads, shares or owns are merged."
        )
        explanation.setWordWrap(True)
        form = QFormLayout()
        form.addRow("For", self.partner)
        form.addRow("Save as", where)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.partner.currentIndexChanged.connect(self._suggest_name)
        self.path.textChanged.connect(self._enable)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._suggest_name()

    def _code(self) -> str | None:
        """The partner chosen, or None for the whole register."""
        data = self.partner.currentData()
        return None if data == WHOLE else data

    def _suggest_name(self) -> None:
        code = self._code()
        name = f"risk register for {code}.xlsx" if code else "risk register.xlsx"
        current = Path(self.path.text()) if self.path.text() else Path(self._folder) / name
        self.path.setText(str(current.with_name(name)))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export workbook", self.path.text(), "Excel workbook (*.xlsx)"
        )
        if path:
            self.path.setText(path)

    def _enable(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(bool(self.path.text().strip()))

    def choice(self) -> tuple[str | None, Path]:
        path = Path(self.path.text().strip())
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        return self._code(), path

    @classmethod
    def ask(
        cls, partners: Sequence[PartnerRecord], folder: str, parent: QWidget | None = None
    ) -> tuple[str | None, Path] | None:
        """The partner (None: everyone) and the file, or None if cancelled (tests replace
        this seam)."""
        dialog = cls(partners, folder, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.choice()
        return None
