"""Change a risk's escalation level: only with a reason, which goes into its history."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from riskreg.records import EscalationLevel, RiskRecord
from ui import plain
from ui.views.fields import ErrorLabel


class EscalationDialog(QDialog):
    def __init__(self, record: RiskRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Escalation of {record.ref}")
        self.level = QComboBox()
        for level in EscalationLevel:
            self.level.addItem(level.value, level.value)
        self.level.setCurrentIndex(self.level.findData(record.escalation.value))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why, for the history and the partners")
        self.message = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        title = plain.label(f"{record.ref} — {record.title}")
        title.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(title)
        form.addRow("Now", plain.label(record.escalation.value))
        form.addRow("Move to", self.level)
        form.addRow("Reason", self.reason)
        form.addRow(self.message)
        form.addRow(self.buttons)
        self._current = record.escalation
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

    def choice(self) -> tuple[EscalationLevel, str]:
        return EscalationLevel(self.level.currentData()), self.reason.text().strip()

    def _accept(self) -> None:
        level, reason = self.choice()
        if level is self._current:
            self.message.show_message("Choose another level.")
        elif not reason:
            self.message.show_message("Give the reason for the change.")
        else:
            self.accept()

    @classmethod
    def ask(
        cls, record: RiskRecord, parent: QWidget | None = None
    ) -> tuple[EscalationLevel, str] | None:
        """The new level and the reason, or None if cancelled (tests replace this seam)."""
        dialog = cls(record, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.choice()
        return None
