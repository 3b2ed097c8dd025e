"""The editor's offer for a risk an older register left breaking the rule of whose a risk
is (``riskreg.belonging``): an Internal risk another partner shares. The user chooses; the
application never decides for them which partner's view of the register changes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from riskreg.choices import Visibility
from riskreg.records import RiskRecord


def others_sharing(record: RiskRecord) -> list[str]:
    """Partners other than the lead holding a share of an Internal risk."""
    if record.visibility is not Visibility.INTERNAL:
        return []
    return sorted(code for code, _ in record.shares if code != record.lead_partner)


class BelongingNotice(QFrame):
    """ "R-007 is Internal to CNCL, but APEX holds a share of it" with the two ways out."""

    sig_make_joint = Signal()
    sig_keep_internal = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet("BelongingNotice { background: #fff4e5; border-radius: 3px; }"
                           "QLabel { color: #663c00; }")  # fmt: skip
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.joint_button = QPushButton("Make it Joint")
        self.internal_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.joint_button)
        buttons.addWidget(self.internal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.message)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        for text in (self.message, self.problem):
            text.setTextFormat(text.textFormat().PlainText)  # the register's codes, as written
        self.joint_button.clicked.connect(self.sig_make_joint)
        self.internal_button.clicked.connect(self.sig_keep_internal)
        self.hide()

    def show_for(self, record: RiskRecord | None) -> None:
        """Shown only for a risk that breaks the rule; hidden for every other."""
        self.problem.hide()
        others = others_sharing(record) if record is not None else []
        if record is None or not others:
            self.hide()
            return
        names = ", ".join(others)
        shares = "it shares" if len(others) == 1 else "they share"
        self.message.setText(
            f"{record.ref} is Internal to {record.lead_partner}, but {names} "
            f"{'holds a share' if len(others) == 1 else 'hold shares'} of it (a register made "
            "before the rule that an Internal risk belongs to its lead partner alone). "
            f"Make it Joint, so {names} can see the risk {shares}, "
            f"or keep it Internal to {record.lead_partner} alone."
        )
        self.joint_button.setToolTip(f"Every partner sees {record.ref}; the split stays")
        self.internal_button.setText(f"Keep it to {record.lead_partner}")
        self.internal_button.setToolTip(
            f"{record.lead_partner} holds all of {record.ref}; {names} "
            f"{'loses its share' if len(others) == 1 else 'lose their shares'}"
        )
        self.show()

    def say_refused(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
