"""Small input widgets the forms share: optional dates, money, inline error messages."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget


class OptionalDateEdit(QWidget):
    """A date that may be left unset: a tick box beside a calendar date field."""

    sig_changed = Signal()
    """The date was set, cleared or changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox()
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd MMM yyyy")
        self.edit.setDate(QDate.currentDate())
        self.edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled)
        layout.addWidget(self.edit, 1)
        self.enabled.toggled.connect(self.edit.setEnabled)
        self.enabled.toggled.connect(self.sig_changed)
        self.edit.dateChanged.connect(self.sig_changed)

    def value(self) -> date | None:
        if not self.enabled.isChecked():
            return None
        q = self.edit.date()
        return date(q.year(), q.month(), q.day())

    def set_value(self, value: date | None) -> None:
        self.enabled.setChecked(value is not None)
        self.edit.setDate(
            QDate(value.year, value.month, value.day) if value else QDate.currentDate()
        )


class MoneyEdit(QLineEdit):
    """Whole currency units, blank for none; thousands separators are accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9][0-9,]{0,15}|")))
        self.setPlaceholderText("—")

    def value(self) -> int | None:
        text = self.text().replace(",", "").strip()
        return int(text) if text else None

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else f"{value:,}")


class ErrorLabel(QLabel):
    """The message shown beside a field whose value cannot be saved; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed or read
        self.setStyleSheet("color: #b3261e;")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))
