"""Ownership split editor: partners and whole percentages, kept honest about the total.

The table grows with its rows (every partner in the split is in view), the partner list
offers only partners not yet in the split, and Tab moves between the share cells alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from riskreg.records import PartnerRecord, Shares
from ui.models.share_model import ShareModel

ROW_HEIGHT = 26
MOST_ROWS_SHOWN = 8
"""A split of more partners than this scrolls (a partnership rarely shares more)."""


class _ShareTable(QTableView):
    """Tab and Shift+Tab move between the editable share cells, never onto a partner's
    name or the computed exposure."""

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        forwards = action is QAbstractItemView.CursorAction.MoveNext
        if not forwards and action is not QAbstractItemView.CursorAction.MovePrevious:
            return super().moveCursor(action, modifiers)
        model: QAbstractItemModel = self.model()
        row = self.currentIndex().row() + (1 if forwards else -1)
        if 0 <= row < model.rowCount():
            return model.index(row, 1)
        return QModelIndex()  # off the end: focus moves on to the next widget

    def focusNextPrevChild(self, next_child: bool) -> bool:
        row = self.currentIndex().row()
        last = self.model().rowCount() - 1
        if (next_child and row >= last) or (not next_child and row <= 0):
            return super(QTableView, self).focusNextPrevChild(next_child)
        return super().focusNextPrevChild(next_child)


class ShareEditor(QWidget):
    sig_changed = Signal()
    """The split changed (a partner added or removed, a percentage edited)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._partners: list[PartnerRecord] = []
        self.model = ShareModel(self)
        self.table = _ShareTable()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.partner_choice = QComboBox()
        self.add_button = QPushButton("Add partner")
        self.remove_button = QPushButton("Remove")
        self.split_evenly_button = QPushButton("Split evenly")
        self.total_label = QLabel()
        self.total_label.setTextFormat(Qt.TextFormat.PlainText)  # partner codes
        buttons = QHBoxLayout()
        buttons.addWidget(self.partner_choice, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.split_evenly_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.total_label)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self.split_evenly_button.clicked.connect(self.split_evenly)
        self.model.sig_shares_changed.connect(self._changed)
        self._fit_rows()

    def set_partners(self, partners: Sequence[PartnerRecord]) -> None:
        self.model.set_partner_names({p.code: p.name for p in partners})
        self._partners = [p for p in partners if p.active]
        self._offer_partners()

    def _offer_partners(self) -> None:
        """Only the active partners not yet in the split can be added."""
        held = set(self.model.codes())
        chosen = self.partner_choice.currentData()
        self.partner_choice.clear()
        for partner in self._partners:
            if partner.code not in held:
                self.partner_choice.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.partner_choice.setCurrentIndex(max(0, self.partner_choice.findData(chosen)))
        available = self.partner_choice.count() > 0
        self.partner_choice.setEnabled(available)
        self.add_button.setEnabled(available)

    def _fit_rows(self) -> None:
        """Every row in view, up to ``MOST_ROWS_SHOWN``."""
        rows = min(max(self.model.rowCount(), 1), MOST_ROWS_SHOWN)
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + rows * ROW_HEIGHT + 2 * self.table.frameWidth())

    def set_shares(self, shares: Shares, lead: str) -> None:
        self.model.set_shares(shares)
        self.model.set_lead(lead)
        self._update_total()
        self._offer_partners()
        self._fit_rows()

    def shares(self) -> Shares:
        return self.model.shares()

    def set_lead(self, code: str) -> None:
        self.model.set_lead(code)

    def set_cost(self, cost: int | None) -> None:
        self.model.set_cost(cost)

    def problem(self) -> str:
        """Why the split cannot be saved, or "" when it can."""
        if self.model.rowCount() == 0:
            return "at least one partner must hold the risk"
        total = self.model.total()
        if total != 100:
            return f"shares add up to {total} %, they must make 100 %"
        if any(percent <= 0 for _, percent in self.model.shares()):
            return "every partner in the split needs a share of at least 1 %"
        return ""

    def set_percent(self, code: str, percent: int) -> None:
        row = self.model.codes().index(code)
        self.model.setData(self.model.index(row, 1), percent)

    def split_evenly(self) -> None:
        codes = self.model.codes()
        if not codes:
            return
        base, extra = divmod(100, len(codes))
        for n, code in enumerate(codes):
            self.set_percent(code, base + (1 if n < extra else 0))

    def _add(self) -> None:
        code = self.partner_choice.currentData()
        if isinstance(code, str):
            self.model.add_partner(code, max(0, 100 - self.model.total()))

    def _remove(self) -> None:
        self.model.remove_row(self.table.currentIndex().row())

    def _changed(self) -> None:
        self._update_total()
        self._offer_partners()
        self._fit_rows()
        self.sig_changed.emit()

    def _update_total(self) -> None:
        problem = self.problem()
        total = self.model.total()
        if problem:
            self.total_label.setText(f"Total {total} % — {problem}")
            self.total_label.setStyleSheet("color: #b3261e;")
        else:
            self.total_label.setText(f"Total {total} %")
            self.total_label.setStyleSheet("color: #2e7d32;")
