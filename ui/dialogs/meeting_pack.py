"""File ▸ Meeting pack: who the pack is for, what its trends count from, where it goes.

The pack is then written in the background (``RegisterDocument.write_meeting_pack``): its
writer reports pages painted of pages, Cancel leaves no file, and ``ui.confirm`` names the
file written with "Show in folder".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from riskreg.audience import Audience
from riskreg.records import PartnerRecord
from ui.views.fields import OptionalDateEdit


@dataclass(frozen=True)
class PackChoice:
    path: Path
    audience: Audience = field(default_factory=Audience)
    since: date | None = None
    """Trends and changes since this date; None: since the latest joint review."""


def audience_items(partners: Sequence[PartnerRecord]) -> list[tuple[str, str]]:
    """(label, token) for every audience a pack may have."""
    items = [("Every partner: joint risks only", "joint")]
    items += [(f"{p.code} only: joint risks and {p.code}'s internal risks", p.code)
              for p in partners if p.active]  # fmt: skip
    items.append(("Internal (the keeper's): every risk — not for circulation", "internal"))
    return items


class MeetingPackDialog(QDialog):
    def __init__(
        self,
        partners: Sequence[PartnerRecord],
        suggested: Path,
        since_review: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Meeting pack")
        self.audience = QComboBox()
        for label, token in audience_items(partners):
            self.audience.addItem(label, token)
        self.since = OptionalDateEdit()
        self.since.setToolTip("Leave empty to count from the latest joint review")
        self.since_note = QLabel(f"Left empty: trends and changes {since_review}.")
        self.since_note.setTextFormat(Qt.TextFormat.PlainText)
        self.since_note.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b3261e;")
        self.path = QLineEdit(str(suggested))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("For", self.audience)
        form.addRow("", self.warning)
        form.addRow("Since", self.since)
        form.addRow("", self.since_note)
        form.addRow("Save as", where)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Write the pack")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.audience.currentIndexChanged.connect(self._warn)
        self.path.textChanged.connect(self._enable)
        self._warn()

    def _warn(self) -> None:
        audience = self.chosen_audience()
        self.warning.setText(
            f"This pack holds internal risks: {audience.marking}." if audience.restricted else ""
        )
        self.warning.setVisible(audience.restricted)

    def _enable(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(bool(self.path.text().strip()))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Meeting pack", self.path.text(), "PDF (*.pdf)")
        if name:
            self.path.setText(name)

    def chosen_audience(self) -> Audience:
        return Audience.parse(str(self.audience.currentData() or "joint"))

    def choice(self) -> PackChoice:
        path = Path(self.path.text().strip()).expanduser().with_suffix(".pdf")
        return PackChoice(path, self.chosen_audience(), self.since.value())

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        partners: Sequence[PartnerRecord],
        suggested: Path,
        since_review: str,
    ) -> PackChoice | None:
        """Ask who the pack is for and where it goes (tests replace this seam)."""
        dialog = cls(partners, suggested, since_review, parent)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
