"""Review ▸ Record joint review… and Review ▸ Joint reviews….

Recording freezes the joint register as the meeting saw it, with who attended for each
partner and what was decided per risk; the service fingerprints the snapshot. The list
shows every review with its fingerprint, checks it against what the file holds now, opens
the frozen register read-only, compares it with the register now, and prints it with its
fingerprint so each partner can check a printed pack against the register.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from riskreg.records import Attendee, DecisionRecord, PartnerRecord, ReviewRecord, RiskRecord
from ui.dialog_keys import enter_never_accepts
from ui.document import RegisterDocument
from ui.geometry import fit_to_screen
from ui.models.base import text_item
from ui.plain import escaped
from ui.views.fields import ErrorLabel

DECISIONS = ("Accepted", "Escalated", "Closed", "Action agreed")


def _day(iso: str) -> str:
    """A stored ISO date as the application shows dates ("15 Jan 2027")."""
    try:
        return date.fromisoformat(iso).strftime("%d %b %Y")
    except ValueError:
        return iso


class RecordReviewDialog(QDialog):
    """The meeting's record: title, date, attendees by partner, a decision per risk."""

    def __init__(
        self,
        partners: Sequence[PartnerRecord],
        risks: Sequence[RiskRecord],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record joint review")
        fit_to_screen(self, 760, 560)
        self.partners = [p for p in partners if p.active]
        self.risks = [r for r in risks if r.visibility.value == "Joint"
                      and r.status.value != "Closed"]  # fmt: skip
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. Q4 partnership board")
        self.held_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("dd MMM yyyy")
        self.attendee_partner = QComboBox()
        for partner in self.partners:
            self.attendee_partner.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.attendee_name = QLineEdit()
        self.attendee_name.setPlaceholderText("name")
        add_attendee = QPushButton("Add attendee")
        self.attendees = QStandardItemModel(0, 2, self)
        self.attendees.setHorizontalHeaderLabels(["Partner", "Name"])
        self.decision_risk = QComboBox()
        for risk in self.risks:
            self.decision_risk.addItem(f"{risk.ref} – {risk.title[:60]}", risk.ref)
        self.decision = QComboBox()
        self.decision.addItems(list(DECISIONS))
        self.decision_note = QLineEdit()
        self.decision_note.setPlaceholderText("note (optional)")
        add_decision = QPushButton("Add decision")
        self.decisions = QStandardItemModel(0, 3, self)
        self.decisions.setHorizontalHeaderLabels(["Risk", "Decision", "Note"])
        self.message = ErrorLabel()
        summary = QLabel(
            f"The {len(self.risks)} open joint risks are frozen as they stand, with their "
            "scores, owners, shares and actions, and fingerprinted (SHA-256)."
        )
        summary.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Meeting", self.title)
        form.addRow("Held on", self.held_on)
        attendee_row = QHBoxLayout()
        attendee_row.addWidget(self.attendee_partner)
        attendee_row.addWidget(self.attendee_name, 1)
        attendee_row.addWidget(add_attendee)
        decision_row = QHBoxLayout()
        decision_row.addWidget(self.decision_risk, 2)
        decision_row.addWidget(self.decision)
        decision_row.addWidget(self.decision_note, 1)
        decision_row.addWidget(add_decision)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Record review")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Attendees"))
        layout.addLayout(attendee_row)
        layout.addWidget(self._table(self.attendees), 1)
        layout.addWidget(QLabel("Decisions"))
        layout.addLayout(decision_row)
        layout.addWidget(self._table(self.decisions), 1)
        layout.addWidget(summary)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        add_attendee.clicked.connect(self.add_attendee)
        add_decision.clicked.connect(self.add_decision)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        record = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        enter_never_accepts(self, self.buttons, record)  # a review is recorded for good

    @staticmethod
    def _table(model: QStandardItemModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        view.setColumnWidth(0, 180)
        return view

    def add_attendee(self) -> None:
        name = self.attendee_name.text().strip()
        if not name:
            self.message.show_message("Type the attendee's name first.")
            return
        self.attendees.appendRow([text_item(self.attendee_partner.currentData()), text_item(name)])
        self.attendee_name.clear()
        self.message.show_message("")

    def add_decision(self) -> None:
        ref = self.decision_risk.currentData()
        if ref is None:
            return
        self.decisions.appendRow([text_item(ref), text_item(self.decision.currentText()),
                                  text_item(self.decision_note.text().strip())])  # fmt: skip
        self.decision_note.clear()

    def values(self) -> tuple[str, date, list[Attendee], list[DecisionRecord]]:
        from riskreg.records import Decision

        held = self.held_on.date()
        attendees = [Attendee(self.attendees.item(r, 0).text(), self.attendees.item(r, 1).text())
                     for r in range(self.attendees.rowCount())]  # fmt: skip
        decisions = [
            DecisionRecord(self.decisions.item(r, 0).text(),
                           Decision(self.decisions.item(r, 1).text()),
                           self.decisions.item(r, 2).text())
            for r in range(self.decisions.rowCount())
        ]  # fmt: skip
        return (self.title.text().strip(), date(held.year(), held.month(), held.day()),
                attendees, decisions)  # fmt: skip

    def _accept(self) -> None:
        if not self.title.text().strip():
            self.message.show_message("Give the meeting a title.")
            return
        if not self.values()[2]:
            self.message.show_message("Add who attended (partner and name) before recording: "
                                      "the review is kept for good, as recorded.")  # fmt: skip
            return
        self.accept()

    @classmethod
    def ask(
        cls,
        partners: Sequence[PartnerRecord],
        risks: Sequence[RiskRecord],
        today: date,
        parent: QWidget | None = None,
    ) -> tuple[str, date, list[Attendee], list[DecisionRecord]] | None:
        """The meeting's record, or None if cancelled (tests replace this seam)."""
        dialog = cls(partners, risks, today, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.values()
        return None


class ReviewsDialog(QDialog):
    """Every joint review: its fingerprint checked, its frozen register, what changed since."""

    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Joint reviews")
        fit_to_screen(self, 1100, 700)
        self.document = document
        self.reviews: list[ReviewRecord] = document.service.list_reviews()
        self.list_model = QStandardItemModel(0, 5, self)
        self.list_model.setHorizontalHeaderLabels(["Held on", "Meeting", "Revision",
                                                   "Fingerprint (SHA-256)", "Check"])  # fmt: skip
        for review in self.reviews:
            self.list_model.appendRow([
                text_item(f"{review.held_on:%d %b %Y}"), text_item(review.title),
                text_item(str(review.revision)), text_item(review.fingerprint), text_item(""),
            ])  # fmt: skip
        self.list = QTableView()
        self.list.setModel(self.list_model)
        self.list.verticalHeader().hide()
        self.list.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.list.setColumnWidth(1, 240)
        self.list.setColumnWidth(3, 480)
        self.list.horizontalHeader().setStretchLastSection(True)
        self.frozen = QStandardItemModel(0, 8, self)
        self.frozen.setHorizontalHeaderLabels(["Ref", "Title", "Lead", "Shares", "Owner",
                                               "Current", "Band", "Decision"])  # fmt: skip
        self.changes = QStandardItemModel(0, 4, self)
        self.changes.setHorizontalHeaderLabels(["Ref", "What", "At the review", "Now"])
        self.meeting = QLabel()
        self.meeting.setWordWrap(True)
        self.meeting.setTextFormat(Qt.TextFormat.RichText)
        tabs = QTabWidget()
        for model, title in ((self.frozen, "As the meeting saw it (read-only)"),
                             (self.changes, "Changes since")):  # fmt: skip
            view = QTableView()
            view.setModel(model)
            view.verticalHeader().hide()
            view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
            view.horizontalHeader().setStretchLastSection(True)
            view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
            view.setColumnWidth(1, 320)
            tabs.addTab(view, title)
        self.tabs = tabs
        self.verify_button = QPushButton("Check fingerprints")
        self.print_button = QPushButton("Print snapshot…")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.meeting)
        lower_layout.addWidget(tabs, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(lower)
        split.setSizes([200, 500])
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        if not self.reviews:
            layout.addWidget(QLabel("No joint review has been recorded yet (Review ▸ Record "
                                    "joint review…)."))  # fmt: skip
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.list.selectionModel().currentRowChanged.connect(self._row_changed)
        self.verify_button.clicked.connect(self.verify_all)
        self.print_button.clicked.connect(self.print_selected)
        self.print_button.setEnabled(bool(self.reviews))
        if self.reviews:
            self.list.selectRow(len(self.reviews) - 1)

    def _row_changed(self, current: Any, _previous: Any) -> None:
        if current.row() >= 0:
            self.show_review(current.row())

    def show_review(self, row: int) -> None:
        """The review's record, its frozen register and what changed since, below the list.
        The snapshot is the file's text: every field is escaped or shown as plain text, and
        one not in the form the application writes is said to be so."""
        review = self.reviews[row]
        self.frozen.removeRows(0, self.frozen.rowCount())
        try:
            self._show_snapshot(review)
        except (KeyError, TypeError, ValueError, AttributeError):
            self.meeting.setText(
                "<b>This snapshot cannot be read</b>: it is not in the form the application "
                "writes (check its fingerprint). Fingerprint "
                f"<tt>{escaped(review.fingerprint)}</tt>"
            )
            self.frozen.removeRows(0, self.frozen.rowCount())
        self.changes.removeRows(0, self.changes.rowCount())
        try:
            changes = self.document.service.compare_review(review.id)
        except (KeyError, TypeError, ValueError, AttributeError):
            changes = []  # a snapshot not in the application's form: said above
        for change in changes:
            cells = (change.ref, change.what, change.then, change.now)
            self.changes.appendRow([text_item(str(t)) for t in cells])

    def _show_snapshot(self, review: Any) -> None:
        snapshot = json.loads(review.snapshot)
        meeting = snapshot["meeting"]
        decisions = {str(d["ref"]): f"{d['decision']}" + (f" ({d['note']})" if d["note"] else "")
                     for d in meeting["decisions"]}  # fmt: skip
        attendees = ", ".join(f"{escaped(a['name'])} ({escaped(a['partner'])})"
                              for a in meeting["attendees"]) or "not recorded"  # fmt: skip
        self.meeting.setText(
            f"<b>{escaped(meeting['title'])}</b>, {escaped(_day(meeting['held_on']))} — register "
            f"revision {escaped(snapshot['register']['revision'])}, {len(snapshot['risks'])} "
            f"joint risks. Attendees: {attendees}.<br>Fingerprint "
            f"<tt>{escaped(review.fingerprint)}</tt>"
        )
        for risk in snapshot["risks"]:
            shares = " / ".join(f"{c} {p}%" for c, p in risk["shares"])
            texts = (
                risk["ref"],
                risk["title"],
                risk["lead"],
                shares,
                risk["owner"],
                _score(risk["current"], with_levels=True),
                risk["band"],
                decisions.get(str(risk["ref"]), ""),
            )
            self.frozen.appendRow([text_item(str(t)) for t in texts])

    def verify_all(self) -> list[bool]:
        """Recompute every fingerprint from what the file holds; mark each row."""
        results = []
        for row, review in enumerate(self.reviews):
            check = self.document.service.verify_review(review.id)
            cell = self.list_model.item(row, 4)
            cell.setText("matches" if check.matches else "ALTERED")
            cell.setForeground(QBrush(QColor("#2e7d32" if check.matches else "#c62828")))
            results.append(check.matches)
        return results

    def snapshot_html(self, row: int) -> str:
        review = self.reviews[row]
        snapshot = json.loads(review.snapshot)
        meeting = snapshot["meeting"]
        rows = "".join(
            f"<tr><td>{escaped(r['ref'])}</td><td>{escaped(r['title'])}</td>"
            f"<td>{escaped(r['lead'])}</td><td>{escaped(_score(r['current']))}</td>"
            f"<td>{escaped(r['band'])}</td></tr>"
            for r in snapshot["risks"]
        )
        attendees = ", ".join(f"{a.get('name', '')} ({a.get('partner', '')})"
                              for a in meeting.get("attendees", [])) or "none recorded"  # fmt: skip
        decisions = "".join(
            f"<tr><td>{escaped(d.get('ref', ''))}</td><td>{escaped(d.get('decision', ''))}</td>"
            f"<td>{escaped(d.get('note', ''))}</td></tr>"
            for d in meeting.get("decisions", [])
        )
        decided = (
            "<h3>Decisions</h3><table border=1 cellspacing=0 cellpadding=3>"
            f"<tr><th>Risk</th><th>Decision</th><th>Note</th></tr>{decisions}</table>"
            if decisions else "<p>No decisions recorded.</p>"
        )  # fmt: skip
        return (
            f"<h2>{escaped(snapshot['register']['name'])}: {escaped(meeting['title'])}"
            f"</h2><p>Held on {escaped(_day(meeting['held_on']))}; register revision "
            f"{escaped(snapshot['register']['revision'])}.<br>"
            f"Attendees: {escaped(attendees)}</p>"
            f"<p>Fingerprint of this record (SHA-256): <tt>{escaped(review.fingerprint)}</tt>. "
            "The register's keeper can show that it has not changed since the meeting "
            "(Review ▸ Joint reviews ▸ Check fingerprints).</p>"
            f"{decided}"
            "<h3>The register as it stood</h3><table border=1 cellspacing=0 cellpadding=3>"
            "<tr><th>Ref</th><th>Title</th><th>Lead</th><th>Score</th><th>Band</th></tr>"
            f"{rows}</table>"
        )

    def print_selected(self) -> Any:
        from ui.printing import preview_html

        row = self.list.currentIndex().row()
        if row < 0:
            return None
        try:
            body = self.snapshot_html(row)
        except (KeyError, TypeError, ValueError, AttributeError):
            body = (
                "<p>This snapshot cannot be read: it is not in the form the application writes.</p>"
            )
        return preview_html(self, self.reviews[row].title, body)

    @classmethod
    def ask(cls, document: RegisterDocument, parent: QWidget | None = None) -> None:
        cls(document, parent).exec()


def _score(current: Any, *, with_levels: bool = False) -> str:
    """A frozen risk's score from its levels; "?" for levels that are not two small whole
    numbers (a snapshot is the file's text: ``"x" * 10**9`` must not be computed)."""
    if (
        isinstance(current, list | tuple)
        and len(current) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 100 for n in current)
    ):
        lik, imp = current
        return f"{lik * imp} ({lik}×{imp})" if with_levels else str(lik * imp)
    return "?"
