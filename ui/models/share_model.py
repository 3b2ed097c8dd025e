"""The ownership split being edited: partner and whole percent, lead partner highlighted."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from riskreg.records import Shares
from ui.models.base import Index, ListTableModel

HEADERS = ("Partner", "Share %", "Exposure")


class ShareModel(ListTableModel[list[Any]]):
    HEADERS = HEADERS

    sig_shares_changed = Signal()
    """A share was added, removed or its percentage edited."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Any]] = []  # [code, percent]
        self._names: dict[str, str] = {}
        self._lead = ""
        self._cost: int | None = None
        self._lead_brush = QBrush(QColor("#e8f0fe"))
        self._bold = QFont()
        self._bold.setBold(True)

    def set_partner_names(self, names: dict[str, str]) -> None:
        self._names = dict(names)

    def set_shares(self, shares: Shares) -> None:
        self.beginResetModel()
        self._rows = [[code, percent] for code, percent in shares]
        self.endResetModel()

    def shares(self) -> Shares:
        return tuple(sorted((str(c), int(p)) for c, p in self._rows))

    def total(self) -> int:
        return sum(int(p) for _, p in self._rows)

    def codes(self) -> list[str]:
        return [str(c) for c, _ in self._rows]

    def set_lead(self, code: str) -> None:
        self._lead = code
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 2))

    def set_cost(self, cost: int | None) -> None:
        self._cost = cost
        if self._rows:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self._rows) - 1, 2))

    def add_partner(self, code: str, percent: int) -> None:
        if code in self.codes():
            return
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append([code, percent])
        self.endInsertRows()
        self.sig_shares_changed.emit()

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self.sig_shares_changed.emit()

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 1:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        code, percent = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:  # the code, which fits; the name is in the tooltip
                return f"{code}  (lead)" if code == self._lead else code
            if column == 1:
                return f"{percent} %"
            if column == 2 and self._cost is not None:
                return f"{round(self._cost * int(percent) / 100):,}"
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return escape(self._names.get(code, code))
        if role == Qt.ItemDataRole.EditRole and column == 1:
            return int(percent)
        if role == Qt.ItemDataRole.BackgroundRole and code == self._lead:
            return self._lead_brush
        if role == Qt.ItemDataRole.FontRole and code == self._lead:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 1 or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            percent = int(value)
        except (TypeError, ValueError):
            return False
        if not 0 <= percent <= 100:
            return False
        self._rows[index.row()][1] = percent
        self.dataChanged.emit(self.index(index.row(), 1), self.index(index.row(), 2))
        self.sig_shares_changed.emit()
        return True
