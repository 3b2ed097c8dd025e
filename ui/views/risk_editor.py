"""The risk editor beside the table: edit the selected risk, save when valid, revert.

Nothing reaches the register until the user saves: leaving a risk with unsaved typing
(another row, a filter that hides it, another tab, another register, closing the window)
asks Save / Discard / Cancel first, through ``ask_unsaved`` (a seam tests answer).
"""

from __future__ import annotations

import enum
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from riskreg.acceptance import JudgedReason, judge
from riskreg.choices import RiskStatus, Visibility
from riskreg.errors import NotFound, ValidationError
from riskreg.governance import appetite_reasons
from riskreg.records import Changes, RiskRecord
from ui.document import RegisterDocument
from ui.plain import escaped
from ui.views.belonging_notice import BelongingNotice
from ui.views.risk_form import RiskForm, reveal_first_message


class Unsaved(enum.Enum):
    """The user's answer about unsaved typing."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class RiskEditor(QWidget):
    """Holds the record being edited; nothing reaches the register until Save."""

    sig_dirty_changed = Signal(bool)
    """The editor holds typing not yet saved (True), or no longer does (False)."""
    sig_acceptable = Signal(bool, str)
    """The risk shown can be accepted outside appetite (True), or not, and why (a tip)."""

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
        self.pending_label.setTextFormat(Qt.TextFormat.PlainText)
        self.pending_label.setStyleSheet(
            "background: #fff4e5; color: #663c00; padding: 4px; border-radius: 3px;"
        )
        self.pending_label.hide()
        self.belonging = BelongingNotice()
        self.governance_label = QLabel()
        self.governance_label.setTextFormat(Qt.TextFormat.RichText)  # the register's text escaped
        self.governance_label.setWordWrap(True)
        # its lines come and go with the risk shown: they never push the divide about
        self.governance_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                            QSizePolicy.Policy.Preferred)  # fmt: skip
        self.governance_label.setMinimumHeight(2 * self.governance_label.fontMetrics().height())
        self.reviewed_button = QPushButton("Mark reviewed today")
        self.reviewed_button.setToolTip("Last reviewed today; the next review follows the band")
        self.escalation_button = QPushButton("Escalation…")
        self.accept_button = QPushButton("Accept…")
        header = QHBoxLayout()
        header.addWidget(self.governance_label, 1)
        header.addWidget(self.reviewed_button)
        header.addWidget(self.escalation_button)
        header.addWidget(self.accept_button)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.form)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.buttons = QDialogButtonBox()
        self.save_button: QPushButton = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.revert_button: QPushButton = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Reset
        )
        self.revert_button.setText("Revert")
        self.save_button.setToolTip("Save the changes to this risk (Ctrl+S)")
        self.revert_button.setToolTip("Drop the changes typed since the last save")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.pending_label)
        layout.addWidget(self.belonging)
        layout.addLayout(header)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.buttons)
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        self.escalation_button.clicked.connect(self.change_escalation)
        self.accept_button.clicked.connect(self.accept_outside_appetite)
        self.belonging.sig_make_joint.connect(self.make_joint)
        self.belonging.sig_keep_internal.connect(self.keep_internal)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.form.sig_edited.connect(self._edited)
        document.sig_changed.connect(self._register_changed)
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
        settings = self._document.settings
        if settings is not None:
            self.form.set_choices(settings.scheme, settings.partners, settings.categories)

    # -- moving between risks -----------------------------------------------------------
    def leave(self, next_uuid: str) -> bool:
        """Let go of the risk being edited for ``next_uuid`` (or none), after ``settle``.
        False if the user cancels, or if the typing they chose to save cannot be saved
        (it stays, with the reasons beside the fields)."""
        if self._record is not None and self._record.uuid == next_uuid:
            return True
        if not self.settle():
            return False
        self.show_risk(next_uuid)
        return True

    def settle(self) -> bool:
        """Unsaved typing is saved or discarded as the user answers; the risk stays shown.
        False if the user cancels or the save is refused."""
        if not self._dirty or self._record is None:
            return True
        answer = self.ask_unsaved(self._record)
        if answer is Unsaved.CANCEL:
            return False
        if answer is Unsaved.SAVE:
            return self.save()
        self.revert()
        return True

    def ask_unsaved(self, record: RiskRecord) -> Unsaved:
        """Save, discard or keep editing the unsaved changes (tests replace this seam)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"{record.ref} has changes that are not saved yet.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Save them, discard them, or cancel to keep editing.")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return Unsaved.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return Unsaved.DISCARD
        return Unsaved.CANCEL

    def show_risk(self, uuid: str) -> None:
        """Load a risk (or nothing), dropping what the editor held: callers ask first."""
        self.pending_label.hide()
        record = None
        if uuid:
            try:
                record = self._document.service.get_risk(uuid)
            except NotFound:
                record = None
        self._show(record)

    def _show(self, record: RiskRecord | None) -> None:
        self._record = record
        self.placeholder.setVisible(record is None)
        self.form.setEnabled(record is not None)
        self.form.load(record)
        self.belonging.show_for(record)
        self._show_governance(record)
        self._set_dirty(False)

    def _show_governance(self, record: RiskRecord | None) -> None:
        """Its escalation level and, where it is above appetite, in amber "Above appetite"
        within tolerance, in red "Breach of tolerance" beyond it; an accepted finding, in
        green, says until when and by whom instead."""
        from riskreg.governance import AppetiteState

        for button in (self.reviewed_button, self.escalation_button):
            button.setEnabled(record is not None)
        settings = self._document.settings
        if record is None or settings is None:
            self.governance_label.clear()
            self._set_acceptable(())
            return
        judged = self.judged(record)
        text = f"{escaped(record.ref)} — escalation: <b>{escaped(record.escalation.value)}</b>"
        for j in judged:
            if j.accepted is not None:  # "✔ Accepted until 31 Mar 2027 (J Smith): High: …"
                colour, mark, words = "#2e7d32", "✔", "Accepted"
                detail = " " + j.text.removeprefix("accepted ")
            else:
                breach = j.finding.state is AppetiteState.BREACH
                colour, mark = ("#b3261e" if breach else "#8a5a00"), "⚠"
                words, detail = j.finding.state.words, ": " + j.text
            text += (f"<br><span style='color:{colour}'>{mark} <b>{words}</b>"
                     f"{html.escape(detail)}</span>")  # fmt: skip
        self.governance_label.setText(text)
        self._set_acceptable(judged)

    def judged(self, record: RiskRecord) -> tuple[JudgedReason, ...]:
        """The risk's appetite reasons with what its acceptances do to them today."""
        settings = self._document.settings
        if settings is None:
            return ()
        findings = appetite_reasons(record, settings.scheme, settings.partnership_appetite,
                                    settings.partner_appetite)  # fmt: skip
        return judge(findings, record.acceptances, self._document.service.today())

    def _set_acceptable(self, judged: tuple[JudgedReason, ...]) -> None:
        record = self._record
        if record is None:
            why = "Select a risk outside appetite to accept it"
        elif not judged:
            why = f"{record.ref} is within appetite: there is nothing to accept"
        elif record.status is not RiskStatus.OPEN:
            why = f"{record.ref} is {record.status.value.lower()}: only an open risk is accepted"
        else:
            why = ""
        self.accept_button.setEnabled(not why)
        self.accept_button.setToolTip(why or "Accept it outside appetite for a partner or the "
                                             "partnership: who, why, until when")  # fmt: skip
        self.sig_acceptable.emit(not why, why)

    def accept_outside_appetite(self) -> None:
        """Accept the risk shown outside appetite (or withdraw an acceptance)."""
        from ui.dialogs.acceptance import AcceptanceDialog

        if self._record is None or not self.settle():
            return
        judged = self.judged(self._record)
        if not self.accept_button.isEnabled():
            QMessageBox.information(self, "Accept outside appetite",
                                    self.accept_button.toolTip())  # fmt: skip
            return
        updated = AcceptanceDialog.ask(self._document, self._record, judged, self)
        if updated is not None:
            self._show(updated)

    # -- the register changed -----------------------------------------------------------
    def _register_changed(self, changes: Changes, initiator: object) -> None:
        """Another view's change, an undo, or another user's: show the stored risk, unless
        the user is typing (their typing stays; a save then meets the version check)."""
        if changes.reaches_every_risk:
            self.refresh_choices()
        if initiator is self or self._record is None:
            return
        if changes.touches_risk(self._record.uuid):
            if self._dirty:
                self.pending_label.setText(
                    f"{self._record.ref} was changed elsewhere while you typed. Save to try "
                    "yours (you will be told if it conflicts), or Revert to see theirs."
                )
                self.pending_label.show()
            else:
                self.show_risk(self._record.uuid)

    def say_hidden(self) -> None:
        """The filters hide the risk being edited: its typing stays here until saved,
        reverted, or the user moves to another risk (and is asked)."""
        if self._record is not None:
            self.pending_label.setText(
                f"{self._record.ref} is hidden by the filters; your changes to it are kept "
                "here. Save or Revert them, or choose another risk to be asked."
            )
            self.pending_label.show()

    def reload_if_clean(self) -> None:
        """Show the stored risk unless the user is typing."""
        if self._record is not None and not self._dirty:
            self.show_risk(self._record.uuid)

    # -- saving -------------------------------------------------------------------------
    def save(self) -> bool:
        if self._record is None:
            return False
        problems = self.form.local_problems()
        if problems:
            self.form.show_problems(problems)
            self._reveal_problems()
            return False
        try:
            updated = self._document.edit_risk(self._record, self.form.values(), initiator=self)
        except ValidationError as exc:
            self.form.show_problems(exc.problems)
            self._reveal_problems()
            return False
        if updated is None:  # refused (conflict, busy, rule): the document told the user
            return False
        self._show(updated)
        return True

    def revert(self) -> None:
        if self._record is not None:
            self._set_dirty(False)
            self.show_risk(self._record.uuid)

    def mark_reviewed(self) -> None:
        if self._record is None or not self.settle():
            return
        updated = self._document.mark_reviewed(self._record, initiator=self)
        if updated is not None:
            self._show(updated)

    def change_escalation(self) -> None:
        from ui.dialogs.escalation import EscalationDialog

        if self._record is None or not self.settle():
            return
        choice = EscalationDialog.ask(self._record, self)
        if choice is not None:
            updated = self._document.escalate(self._record, *choice, initiator=self)
            if updated is not None:
                self._show(updated)

    def make_joint(self) -> None:
        """The belonging notice's first way out: every partner sees the risk it shares."""
        self._resolve_belonging({"visibility": Visibility.JOINT})

    def keep_internal(self) -> None:
        """Its second: the lead partner holds the whole risk (refused, and said, while other
        partners own its actions)."""
        if self._record is not None:
            self._resolve_belonging({"shares": ((self._record.lead_partner, 100),)})

    def _resolve_belonging(self, changes: dict[str, object]) -> None:
        if self._record is None or not self.settle():
            return
        try:
            updated = self._document.edit_risk(self._record, changes, initiator=self)
        except ValidationError as exc:
            self.belonging.say_refused("; ".join(p.message for p in exc.problems))
            return
        if updated is not None:
            self._show(updated)

    def _reveal_problems(self) -> None:
        """Scroll to the first message, so a refusal is never out of sight."""
        reveal_first_message(self.form, self.scroll_area)

    def _edited(self) -> None:
        """Typing: unsaved only while the form differs from the stored risk (a letter
        typed and deleted again leaves nothing to save)."""
        if self._record is not None:
            problems = self.form.local_problems()
            self._set_dirty(bool(problems) or self._differs())
            self.form.show_problems(problems)

    def _differs(self) -> bool:
        record = self._record
        assert record is not None
        for name, value in self.form.values().items():
            held = getattr(record, name)
            if name == "shares":
                held, value = tuple(sorted(held)), tuple(sorted(value))
            if held != value:
                return True
        return False

    def _set_dirty(self, dirty: bool) -> None:
        changed = dirty != self._dirty
        self._dirty = dirty
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if changed:
            self.sig_dirty_changed.emit(dirty)
