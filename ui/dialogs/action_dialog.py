"""Add or edit an action: description, owning partner, owner, due date, status, progress."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from riskreg.errors import Problem
from riskreg.records import ActionDraft, ActionRecord, ActionStatus, PartnerRecord
from ui.views.fields import ErrorLabel, OptionalDateEdit


class ActionDialog(QDialog):
    def __init__(
        self,
        partners: Sequence[PartnerRecord],
        action: ActionRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit {action.ref}" if action else "New action")
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(80)
        self.partner = QComboBox()
        for partner in partners:
            if partner.active or (action is not None and action.partner == partner.code):
                self.partner.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.owner = QLineEdit()
        self.due_date = OptionalDateEdit()
        self.status = QComboBox()
        for status in ActionStatus:
            self.status.addItem(status.value, status.value)
        self.progress = QSpinBox()
        self.progress.setRange(0, 100)
        self.progress.setSuffix(" %")
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Action", self.description)
        form.addRow("Owning partner", self.partner)
        form.addRow("Owner", self.owner)
        form.addRow("Due", self.due_date)
        form.addRow("Status", self.status)
        form.addRow("Progress", self.progress)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        if action is not None:
            self.description.setPlainText(action.description)
            self.partner.setCurrentIndex(max(0, self.partner.findData(action.partner)))
            self.owner.setText(action.owner)
            self.due_date.set_value(action.due_date)
            self.status.setCurrentIndex(self.status.findData(action.status.value))
            self.progress.setValue(action.progress)

    def values(self) -> dict[str, Any]:
        return {
            "description": self.description.toPlainText(),
            "partner": self.partner.currentData(),
            "owner": self.owner.text(),
            "due_date": self.due_date.value(),
            "status": ActionStatus(self.status.currentData()),
            "progress": self.progress.value(),
        }

    def draft(self) -> ActionDraft:
        return ActionDraft(**self.values())

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.error.show_message("; ".join(str(p) for p in problems))

    def try_accept(self) -> None:
        if not self.description.toPlainText().strip():
            self.show_problems([Problem("description", "describe the action")])
            return
        self.accept()

    @classmethod
    def ask(
        cls,
        partners: Sequence[PartnerRecord],
        action: ActionRecord | None = None,
        parent: QWidget | None = None,
    ) -> dict[str, Any] | None:
        """The values the user confirmed, or None if cancelled (tests replace this seam)."""
        dialog = cls(partners, action, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.values()
        return None
