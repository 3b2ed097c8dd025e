"""Which partner you act for in this register: asked when the partner you acted for is not
one of its active partners (a register opened for the first time, someone else's file).
Every change you make is recorded for that partner."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from riskreg.records import PartnerRecord


class ActingAsDialog(QDialog):
    def __init__(
        self, partners: Sequence[PartnerRecord], keeper: str | None, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Which partner do you act for?")
        text = QLabel(
            "Every change you make in this register is recorded with your name and the "
            "partner you act for. Choose your organisation (Edit ▸ Preferences changes it)."
        )
        text.setWordWrap(True)
        self.partner = QComboBox()
        for partner in partners:
            self.partner.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.partner.setCurrentIndex(max(0, self.partner.findData(keeper)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.partner)
        layout.addWidget(buttons)

    def reject(self) -> None:
        """Escape chooses the partner shown: a change is never recorded for nobody."""
        self.accept()

    @classmethod
    def ask(cls, partners: Sequence[PartnerRecord], keeper: str | None, parent: QWidget) -> str:
        dialog = cls(partners, keeper, parent)
        dialog.exec()
        return str(dialog.partner.currentData())
