"""Accept a risk outside appetite: for which scope (the partnership, or a partner whose own
appetite it exceeds), by whom, why, until when; or withdraw a scope's acceptance.

Enter never accepts (``ui.dialog_keys``): the justification is several lines, and an
acceptance is a decision the user presses the button for. Refusals appear beside the field
they are about, and nothing is saved.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from riskreg.acceptance import LONGEST, JudgedReason, day_text
from riskreg.errors import ValidationError
from riskreg.records import AcceptanceRecord, RiskRecord
from ui import plain
from ui.dialog_keys import enter_never_accepts
from ui.document import RegisterDocument
from ui.geometry import fit_to_screen
from ui.views.fields import ErrorLabel

DEFAULT_LENGTH = timedelta(days=182)
"""Six months: a risk accepted outside appetite comes back to the partners by then."""


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class AcceptanceDialog(QDialog):
    """The acceptance of one risk; ``saved`` holds the risk as the register has it after."""

    def __init__(
        self,
        document: RegisterDocument,
        record: RiskRecord,
        judged: tuple[JudgedReason, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Accept {record.ref} outside appetite")
        self._document = document
        self._record = record
        self.saved: RiskRecord | None = None
        today = document.service.today()
        self.scope = QComboBox()
        for j in judged:
            state = ("accepted until " + day_text(j.accepted.expires_on) if j.accepted
                     else "expired " + day_text(j.expired.expires_on) if j.expired
                     else "not accepted")  # fmt: skip
            name = j.scope or "the partnership"
            self.scope.addItem(f"{name} — {j.reason.split(': ', 1)[-1]} ({state})",
                               j.scope or "")  # fmt: skip
        self.accepted_by = QLineEdit(document.service.actor.user)
        self.accepted_by.setMaxLength(200)
        self.justification = QPlainTextEdit()
        self.justification.setPlaceholderText(
            "Why the partners accept this level of risk for now, and what would change it"
        )
        self.justification.setTabChangesFocus(True)
        self.justification.setMinimumHeight(90)
        self.expires_on = QDateEdit()
        self.expires_on.setCalendarPopup(True)
        self.expires_on.setDisplayFormat("d MMM yyyy")
        self.expires_on.setMinimumDate(_qdate(today + timedelta(days=1)))
        self.expires_on.setMaximumDate(_qdate(today + LONGEST))
        self.expires_on.setDate(_qdate(today + DEFAULT_LENGTH))
        self.expires_on.setToolTip("The acceptance lapses after this day, and the risk is due "
                                   "for review by it; at most three years ahead")  # fmt: skip
        self.errors = {name: ErrorLabel() for name in
                       ("scope", "accepted_by", "justification", "expires_on", "")}  # fmt: skip
        self.withdraw_button = QPushButton("Withdraw this acceptance")
        self.withdraw_button.setToolTip(
            "The finding stands again: above appetite, or a breach of tolerance"
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.accept_button: QPushButton = self.buttons.addButton(
            "Accept", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.accept_button.setToolTip("Record the acceptance (the history keeps it)")

        title = plain.label(f"{record.ref} — {record.title}")
        title.setWordWrap(True)
        form = QFormLayout()
        form.addRow(title)
        form.addRow("Accept for", self.scope)
        form.addRow("", self.errors["scope"])
        form.addRow("Accepted by", self.accepted_by)
        form.addRow("", self.errors["accepted_by"])
        form.addRow("Justification", self.justification)
        form.addRow("", self.errors["justification"])
        form.addRow("Until", self.expires_on)
        form.addRow("", self.errors["expires_on"])
        form.addRow("", self.withdraw_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors[""])
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.accept_button.clicked.connect(self._accept)
        self.withdraw_button.clicked.connect(self._withdraw)
        self.scope.currentIndexChanged.connect(self._scope_chosen)
        enter_never_accepts(self, self.buttons, self.accept_button)
        self._scope_chosen()
        fit_to_screen(self, 600, self.sizeHint().height())

    def chosen_scope(self) -> str | None:
        return self.scope.currentData() or None

    def _held(self) -> AcceptanceRecord | None:
        return next((a for a in self._record.acceptances if a.scope == self.chosen_scope()), None)

    def _scope_chosen(self) -> None:
        """A scope accepted already: its terms are offered again (to replace), and it may
        be withdrawn."""
        held = self._held()
        self.withdraw_button.setVisible(held is not None)
        if held is not None:
            self.accepted_by.setText(held.accepted_by)
            self.justification.setPlainText(held.justification)

    def _show(self, problems: dict[str, str]) -> None:
        for name, label in self.errors.items():
            label.show_message(problems.get(name, ""))

    def _accept(self) -> None:
        picked = self.expires_on.date()
        until = date(picked.year(), picked.month(), picked.day())
        self._show({})
        try:
            saved = self._document.accept_risk(
                self._record, self.chosen_scope(), self.accepted_by.text(),
                self.justification.toPlainText(), until,
                refused=lambda message: self._show({"": message}),
            )  # fmt: skip
        except ValidationError as exc:
            problems: dict[str, str] = {}
            for problem in exc.problems:
                key = problem.field if problem.field in self.errors else ""
                problems[key] = (problems.get(key, "") + " " + problem.message).strip()
            self._show(problems)
            return
        if saved is not None:
            self.saved = saved
            self.accept()

    def _withdraw(self) -> None:
        self._show({})
        try:
            saved = self._document.withdraw_acceptance(
                self._record, self.chosen_scope(),
                refused=lambda message: self._show({"": message}),
            )  # fmt: skip
        except ValidationError as exc:
            self._show({"scope": str(exc)})
            return
        if saved is not None:
            self.saved = saved
            self.accept()

    @classmethod
    def ask(
        cls,
        document: RegisterDocument,
        record: RiskRecord,
        judged: tuple[JudgedReason, ...],
        parent: QWidget | None = None,
    ) -> RiskRecord | None:
        """The risk after the acceptance (or withdrawal), or None if cancelled (tests
        replace this seam)."""
        dialog = cls(document, record, judged, parent)
        dialog.exec()
        return dialog.saved
