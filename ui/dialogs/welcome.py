"""Help ▸ Welcome, and the first thing shown when no register can be opened: the ways to
begin — the demo partnership, a new partnership, an existing spreadsheet register, a
register file, a server — and the registers opened recently."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.geometry import fit_to_screen


class Start(enum.Enum):
    DEMO = "demo"
    NEW = "new"
    SPREADSHEET = "spreadsheet"
    OPEN = "open"
    SERVER = "server"
    RECENT = "recent"


@dataclass(frozen=True, slots=True)
class WelcomeChoice:
    start: Start
    location: str = ""
    """The recent register chosen (for ``Start.RECENT``)."""


class WelcomeDialog(QDialog):
    def __init__(self, recent: list[str], problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome — Joint Risk Register")
        self.choice: WelcomeChoice | None = None
        intro = QLabel(
            "One joint risk register for organisations that work together. How would you "
            "like to begin?"
        )
        intro.setWordWrap(True)
        self.problem = QLabel(problem)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # names a file, as it is
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.setVisible(bool(problem))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problem)
        self.buttons: dict[Start, QCommandLinkButton] = {}
        for start, title, detail in (
            (Start.DEMO, "Open the demo partnership",
             "A highways alliance with four partners and 41 risks, to try everything on"),
            (Start.NEW, "Start a new partnership register…",
             "Name the partnership, add its partners, choose a scoring scheme and categories"),
            (Start.SPREADSHEET, "Bring in an existing spreadsheet register…",
             "A new register for your partnership, filled from a risk register in Excel or "
             "LibreOffice"),
            (Start.OPEN, "Open a register file…", "A .riskreg file someone shared with you"),
            (Start.SERVER, "Connect to a register on a server…",
             "For partnerships that keep their register in PostgreSQL"),
        ):  # fmt: skip
            button = QCommandLinkButton(title, detail)
            button.clicked.connect(lambda _=False, chosen=start: self._choose(chosen))
            self.buttons[start] = button
            layout.addWidget(button)
        self.recent = QListWidget()
        for location in recent:
            item = QListWidgetItem(location)
            item.setData(Qt.ItemDataRole.UserRole, location)
            self.recent.addItem(item)
        if recent:
            layout.addWidget(QLabel("Opened recently (double-click to open):"))
            layout.addWidget(self.recent, 1)
        self.recent.itemActivated.connect(
            lambda item: self._choose(Start.RECENT, item.data(Qt.ItemDataRole.UserRole))
        )
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        fit_to_screen(self, 620, 640)

    def _choose(self, start: Start, location: str = "") -> None:
        self.choice = WelcomeChoice(start, location)
        self.accept()

    @classmethod
    def ask(
        cls, recent: list[str], problem: str = "", parent: QWidget | None = None
    ) -> WelcomeChoice | None:
        """What the user chose, or None (tests replace this seam)."""
        dialog = cls(recent, problem, parent)
        dialog.exec()
        return dialog.choice
