"""Preferences: who the user acts as (name and partner), recorded in every change set."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from riskreg.records import Actor, PartnerRecord


class PreferencesDialog(QDialog):
    def __init__(
        self, actor: Actor, partners: Sequence[PartnerRecord], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.user = QLineEdit(actor.user)
        self.partner = QComboBox()
        self.partner.addItem("(none)", "")
        for partner in partners:
            self.partner.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.partner.setCurrentIndex(max(0, self.partner.findData(actor.partner_code)))
        form = QFormLayout()
        form.addRow("Your name", self.user)
        form.addRow("Acting for partner", self.partner)
        note = QLabel("Both are written into the change log with every change you make.")
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def actor(self, source: str = "GUI") -> Actor:
        return Actor(
            self.user.text().strip() or "unknown", self.partner.currentData() or "", source
        )

    @classmethod
    def ask(
        cls, actor: Actor, partners: Sequence[PartnerRecord], parent: QWidget | None = None
    ) -> Actor | None:
        dialog = cls(actor, partners, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.actor(actor.source)
        return None
