"""Small input widgets the forms share: dates and amounts as people type them, inline
error messages.

A date is typed (15/01/2027, 15/1/27, 2027-01-15, the locale's short form) or picked from
a calendar; an amount is typed as 600k, £1.2m or 1,200,000. What cannot be read is said
beside the field and is never saved as something else.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from riskreg.typed_values import read_date, read_money
from ui.plain import tip


def _locale_date_format() -> str:
    """The locale's short date format as a strptime pattern (dd/MM/yyyy → %d/%m/%Y)."""
    qt = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    for qt_part, py_part in (("yyyy", "%Y"), ("yy", "%y"), ("MMMM", "%B"), ("MMM", "%b"),
                             ("MM", "%m"), ("M", "%m"), ("dd", "%d"), ("d", "%d")):  # fmt: skip
        qt = qt.replace(qt_part, py_part)
    return qt


class OptionalDateEdit(QWidget):
    """A date that may be left blank: typed, or picked from the calendar button."""

    sig_changed = Signal()
    """The date was set, cleared or changed (typed text counts once it is read)."""

    DISPLAY = "%d %b %Y"
    """How a date is shown once read: 15 Jan 2027 (no day/month ambiguity)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit()
        self.line.setPlaceholderText("dd/mm/yyyy")
        self.line.setToolTip("Type a date (15/01/2027, 15/1/27, 2027-01-15) or pick one")
        # A popup window of its own (not a menu's widget action, whose release while the
        # form is torn down crashes Qt).
        self.calendar = QCalendarWidget(self)
        self.calendar.setWindowFlags(Qt.WindowType.Popup)
        self.calendar.setGridVisible(True)
        self.calendar.hide()
        self.pick = QToolButton()
        self.pick.setText("▾")
        self.pick.setToolTip("Pick the date from a calendar")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.pick)
        layout.addWidget(self.error)
        self._value: date | None = None
        self.line.textEdited.connect(self._typed)
        self.line.editingFinished.connect(self._tidy)
        self.pick.clicked.connect(self.open_calendar)
        self.calendar.clicked.connect(self._picked)

    def open_calendar(self) -> None:
        """The calendar under the field, on the date shown (or today)."""
        shown = self._value or date.today()
        self.calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        self.calendar.adjustSize()
        self.calendar.move(self.line.mapToGlobal(self.line.rect().bottomLeft()))
        self.calendar.show()
        self.calendar.setFocus()

    def value(self) -> date | None:
        """The date shown, or None when blank (an unreadable date is also None, with
        ``problem`` saying so; forms refuse to save while there is a problem)."""
        return self._value

    def problem(self) -> str:
        """Why the typed text cannot be saved, or "" when it can."""
        text = self.line.text().strip()
        if text and self._value is None:
            return f"“{text}” is not a date; type it as dd/mm/yyyy (15/01/2027) or pick it"
        return ""

    def set_value(self, value: date | None) -> None:
        changed = value != self._value or bool(self.problem())
        self._value = value
        self.line.setText(value.strftime(self.DISPLAY) if value else "")
        self._show_problem()
        if changed:
            self.sig_changed.emit()

    def _typed(self, text: str) -> None:
        self._value = read_date(text, (_locale_date_format(),))
        self._show_problem()
        self.sig_changed.emit()

    def _tidy(self) -> None:
        """Once the user leaves the field, a read date is shown unambiguously."""
        if self._value is not None:
            self.line.setText(self._value.strftime(self.DISPLAY))

    def _picked(self, picked: QDate) -> None:
        self.set_value(date(picked.year(), picked.month(), picked.day()))
        self.calendar.hide()

    def _show_problem(self) -> None:
        problem = self.problem()
        self.error.setText("not a date" if problem else "")
        self.error.setToolTip(tip(problem))  # quotes what was typed
        self.error.setVisible(bool(problem))
        if self._value is not None:
            self.calendar.setSelectedDate(QDate(self._value.year, self._value.month,
                                                self._value.day))  # fmt: skip


class MoneyEdit(QLineEdit):
    """Whole currency units as people type them (600k, £1.2m, 1,200,000); blank for none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("—  (e.g. 600k or £1.2m)")
        self.editingFinished.connect(self._tidy)

    def value(self) -> int | None:
        """The amount, or None when blank or unreadable (``problem`` says which)."""
        try:
            return read_money(self.text())
        except ValueError:
            return None

    def problem(self) -> str:
        try:
            read_money(self.text())
        except ValueError as exc:
            return str(exc)
        return ""

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else f"{value:,}")

    def _tidy(self) -> None:
        """Once read, the amount is shown in full: 600k becomes 600,000."""
        value = self.value()
        if value is not None:
            self.setText(f"{value:,}")


class ErrorLabel(QLabel):
    """The message shown beside a field whose value cannot be saved; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed or read
        self.setStyleSheet("color: #b3261e;")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setStyleSheet("color: #b3261e;")
        self.setText(message)
        self.setVisible(bool(message))

    def show_done(self, message: str) -> None:
        """What was just saved, in green: a success is not read as a refusal."""
        self.setStyleSheet("color: #2e7d32;")
        self.setText(message)
        self.setVisible(bool(message))


def swatch(colour: str, size: int = 16) -> QIcon:
    """A square of the colour, for a button or list that shows one."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)
