"""The status bar's words: the register's size and revision, who the user acts as, and
"Brought in another user's changes" until the next refresh."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from riskreg.records import Actor, RegisterInfo
from ui.words import plural


def status_text(info: RegisterInfo, revision: int, actor: Actor, login: str | None) -> str:
    """ "41 risks · 58 actions · revision 66 · acting as alice (CNCL)"."""
    acting = f"{actor.user} ({actor.partner_code})" if actor.partner_code else actor.user
    if login:  # on a server: the login the server knows the user by
        acting += f", login {login}"
    return (
        f"{plural(info.risk_count, 'risk')} · {plural(info.action_count, 'action')} · "
        f"revision {max(revision, info.revision)} · acting as {acting}"
    )


class OutsideChangeBar(QWidget):
    """ "Brought in another user's changes — Refresh all", in the status bar until the
    user's next refresh: says what changed under them, offers a full reload."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # refs from the register
        self.label.setStyleSheet("color: #663c00;")
        self.refresh_button = QPushButton("Refresh all")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.refresh_button)
        self.hide()

    def show_change(self, revision: int, refs: str) -> None:
        what = f": {refs}" if refs else ""
        self.label.setText(f"Brought in another user's changes{what} (revision {revision}).")
        self.show()
