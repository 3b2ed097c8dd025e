"""Add or edit an action: description, owning partner, owner, due date, status, progress.

The dialog names the risk the action mitigates; a new action is owned by the risk's lead
partner until the user chooses another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from riskreg.errors import Problem
from riskreg.records import ActionDraft, ActionRecord, ActionStatus, PartnerRecord, RiskRecord
from ui.views.fields import ErrorLabel, OptionalDateEdit


class ActionDialog(QDialog):
    def __init__(
        self,
        partners: Sequence[PartnerRecord],
        action: ActionRecord | None = None,
        parent: QWidget | None = None,
        *,
        risk: RiskRecord | None = None,
    ) -> None:
        super().__init__(parent)
        about = f"{risk.ref}: {risk.title}" if risk is not None else ""
        if action is not None:
            about = about or action.risk_ref
            self.setWindowTitle(f"Edit {action.ref} — {action.risk_ref}")
        else:
            self.setWindowTitle(f"New action — {risk.ref}" if risk else "New action")
        self.risk_label = QLabel(f"Mitigates {about}" if about else "")
        self.risk_label.setTextFormat(Qt.TextFormat.PlainText)
        self.risk_label.setWordWrap(True)
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
        layout.addWidget(self.risk_label)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        if action is None and risk is not None:  # the risk's lead owns it unless changed
            self.partner.setCurrentIndex(max(0, self.partner.findData(risk.lead_partner)))
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
        problems = []
        if not self.description.toPlainText().strip():
            problems.append(Problem("description", "describe the action"))
        if self.due_date.problem():
            problems.append(Problem("due date", self.due_date.problem()))
        if problems:
            self.show_problems(problems)
            return
        self.accept()

    @classmethod
    def ask(
        cls,
        partners: Sequence[PartnerRecord],
        action: ActionRecord | None = None,
        parent: QWidget | None = None,
        *,
        risk: RiskRecord | None = None,
    ) -> dict[str, Any] | None:
        """The values the user confirmed, or None if cancelled (tests replace this seam)."""
        dialog = cls(partners, action, parent, risk=risk)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.values()
        return None
