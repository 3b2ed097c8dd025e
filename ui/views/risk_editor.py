"""The risk editor beside the table: edit the selected risk, save when valid, revert."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from riskreg.errors import NotFound, ValidationError
from riskreg.records import RiskRecord
from ui.document import RegisterDocument
from ui.plain import escaped
from ui.views.risk_form import RiskForm


class RiskEditor(QWidget):
    """Holds the record being edited; nothing reaches the register until Save."""

    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._record: RiskRecord | None = None
        self._dirty = False
        self.form = RiskForm()
        self.placeholder = QLabel("Select a risk in the register to see and edit it here.")
        self.placeholder.setWordWrap(True)
        self.pending_label = QLabel()
        self.pending_label.setTextFormat(Qt.TextFormat.PlainText)  # names the risk's ref
        self.pending_label.setWordWrap(True)
        self.pending_label.setStyleSheet(
            "background: #fff4e5; color: #663c00; padding: 4px; border-radius: 3px;"
        )
        self.pending_label.hide()
        self.governance_label = QLabel()
        self.governance_label.setTextFormat(Qt.TextFormat.RichText)  # the register's text escaped
        self.governance_label.setWordWrap(True)
        self.reviewed_button = QPushButton("Mark reviewed today")
        self.reviewed_button.setToolTip("Last reviewed today; the next review follows the band")
        self.escalation_button = QPushButton("Escalation…")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reviewed_button)
        buttons.addWidget(self.escalation_button)
        governance = QVBoxLayout()
        governance.addWidget(self.governance_label)
        governance.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        self.buttons = QDialogButtonBox()
        self.save_button: QPushButton = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.revert_button: QPushButton = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Reset
        )
        self.revert_button.setText("Revert")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.pending_label)
        layout.addLayout(governance)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        self.escalation_button.clicked.connect(self.change_escalation)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.form.sig_edited.connect(self._edited)
        if document.is_open:  # otherwise the window refreshes it once the register is open
            self.refresh_choices()
        self.show_risk("")

    @property
    def record(self) -> RiskRecord | None:
        return self._record

    @property
    def is_dirty(self) -> bool:
        return self._dirty

    def refresh_choices(self) -> None:
        service = self._document.service
        self.form.set_choices(service.scheme(), service.list_partners(), service.list_categories())

    def show_risk(self, uuid: str) -> None:
        """Load a risk (or nothing). Typing not yet saved is never dropped: moving to another
        risk saves it first, and if it cannot be saved the editor stays on it and says why."""
        if self._dirty and self._record is not None:
            if self._record.uuid == uuid:
                return
            if not self.save():
                self.pending_label.setText(
                    f"Your changes to {self._record.ref} are not saved yet. Correct and save "
                    "them, or revert them, to edit another risk."
                )
                self.pending_label.show()
                return
        self.pending_label.hide()
        record = None
        if uuid:
            try:
                record = self._document.service.get_risk(uuid)
            except NotFound:
                record = None
        self._record = record
        self.placeholder.setVisible(record is None)
        self.form.setEnabled(record is not None)
        self.form.load(record)
        self._show_governance(record)
        self._set_dirty(False)

    def _show_governance(self, record: RiskRecord | None) -> None:
        """Its escalation level and, in amber, why it is outside appetite."""
        from riskreg.governance import appetite_reasons

        for button in (self.reviewed_button, self.escalation_button):
            button.setEnabled(record is not None)
        if record is None:
            self.governance_label.clear()
            return
        service = self._document.service
        partnership, partners = service.appetites()
        reasons = appetite_reasons(record, service.scheme(), partnership, partners)
        text = f"{escaped(record.ref)} — escalation: <b>{escaped(record.escalation.value)}</b>"
        if reasons:
            text += "".join(f"<br><span style='color:#b26a00'>⚠ {html.escape(r)}</span>"
                            for r in reasons)  # fmt: skip
        self.governance_label.setText(text)

    def mark_reviewed(self) -> None:
        if self._record is None or (self._dirty and not self.save()):
            return
        updated = self._document.mark_reviewed(self._record)
        if updated is not None:
            self._record = updated
            self.form.load(updated)
            self._set_dirty(False)

    def change_escalation(self) -> None:
        from ui.dialogs.escalation import EscalationDialog

        if self._record is None or (self._dirty and not self.save()):
            return
        choice = EscalationDialog.ask(self._record, self)
        if choice is not None:
            updated = self._document.escalate(self._record, *choice)
            if updated is not None:
                self.show_risk(updated.uuid)

    def reload_if_clean(self) -> None:
        """After the register changed elsewhere: show the stored risk unless the user is typing."""
        if self._record is not None and not self._dirty:
            self.refresh_choices()
            self.show_risk(self._record.uuid)

    def save(self) -> bool:
        if self._record is None:
            return False
        problems = self.form.local_problems()
        if problems:
            self.form.show_problems(problems)
            return False
        try:
            updated = self._document.edit_risk(self._record, self.form.values())
        except ValidationError as exc:
            self.form.show_problems(exc.problems)
            return False
        if updated is None:  # refused (conflict, busy, rule): the document told the user
            return False
        self._record = updated
        self.form.load(updated)
        self._set_dirty(False)
        self.pending_label.hide()
        return True

    def revert(self) -> None:
        if self._record is not None:
            self._set_dirty(False)
            self.pending_label.hide()
            self.show_risk(self._record.uuid)

    def _edited(self) -> None:
        if self._record is not None:
            self._set_dirty(True)
            self.form.show_problems(self.form.local_problems())

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
