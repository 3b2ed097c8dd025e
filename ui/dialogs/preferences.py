"""Preferences: who the user acts as (recorded in every change set) and where backup
copies are kept and how many."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from riskreg.backups import BESIDE, Policy
from riskreg.records import Actor, PartnerRecord
from ui.views.fields import ErrorLabel

MAX_KEPT = 999


@dataclass(frozen=True, slots=True)
class PreferencesChoice:
    actor: Actor
    backups: Policy


class PreferencesDialog(QDialog):
    def __init__(
        self,
        actor: Actor,
        partners: Sequence[PartnerRecord],
        parent: QWidget | None = None,
        *,
        backups: Policy = BESIDE,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(540)
        self._source = actor.source
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
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self._backup_box(backups))
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)

    def _backup_box(self, policy: Policy) -> QGroupBox:
        box = QGroupBox("Backup copies")
        self.beside = QRadioButton("Beside each register, in “<register name> backups”")
        self.elsewhere = QRadioButton("In this folder:")
        group = QButtonGroup(box)
        group.addButton(self.beside)
        group.addButton(self.elsewhere)
        self.folder = QLineEdit(str(policy.folder) if policy.folder else "")
        self.folder.setPlaceholderText("a folder on this computer or a network drive")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        (self.elsewhere if policy.folder else self.beside).setChecked(True)
        self.folder.textEdited.connect(lambda _text: self.elsewhere.setChecked(True))
        self.keep = QSpinBox()
        self.keep.setRange(1, MAX_KEPT)
        self.keep.setValue(policy.keep)
        self.keep.setSuffix(" copies per register")
        row = QHBoxLayout()
        row.addWidget(self.elsewhere)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Keep the newest", self.keep)
        explain = QLabel(
            "A copy is taken before every import and scheme change and once a day when a "
            "register is opened; the oldest beyond this number are removed."
        )
        explain.setWordWrap(True)
        inner = QVBoxLayout(box)
        inner.addWidget(self.beside)
        inner.addLayout(row)
        inner.addLayout(form)
        inner.addWidget(explain)
        return box

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for backup copies",
                                                  self.folder.text())  # fmt: skip
        if chosen:
            self.folder.setText(chosen)
            self.elsewhere.setChecked(True)

    def actor(self) -> Actor:
        return Actor(
            self.user.text().strip() or "unknown", self.partner.currentData() or "", self._source
        )

    def policy(self) -> Policy | None:
        """The backup policy chosen, or None (with the reason shown) if it cannot be used."""
        if self.beside.isChecked():
            return Policy(None, self.keep.value())
        text = self.folder.text().strip()
        if not text:
            self._refuse("Backup copies: choose a folder, or keep them beside each register.")
            return None
        folder = Path(text).expanduser()
        if not folder.is_absolute():
            self._refuse(f"Backup copies: “{text}” is not a full folder path.")
            return None
        if folder.exists() and not folder.is_dir():
            self._refuse(f"Backup copies: “{text}” is a file, not a folder.")
            return None
        return Policy(folder, self.keep.value())

    def _refuse(self, message: str) -> None:
        self.error.show_message(message)

    def choice(self) -> PreferencesChoice | None:
        policy = self.policy()
        return None if policy is None else PreferencesChoice(self.actor(), policy)

    def try_accept(self) -> bool:
        if self.choice() is None:
            return False
        self.accept()
        return True

    @classmethod
    def ask(
        cls,
        actor: Actor,
        partners: Sequence[PartnerRecord],
        parent: QWidget | None = None,
        *,
        backups: Policy = BESIDE,
    ) -> PreferencesChoice | None:
        dialog = cls(actor, partners, parent, backups=backups)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.choice()
        return None
