"""The ownership split being edited: partner and whole percent, lead partner highlighted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from riskreg.records import Shares

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()
HEADERS = ("Partner", "Share %", "Exposure")


class ShareModel(QAbstractTableModel):
    sig_shares_changed = Signal()
    """A share was added, removed or its percentage edited."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._shares: list[list[Any]] = []  # [code, percent]
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
        self._shares = [[code, percent] for code, percent in shares]
        self.endResetModel()

    def shares(self) -> Shares:
        return tuple(sorted((str(c), int(p)) for c, p in self._shares))

    def total(self) -> int:
        return sum(int(p) for _, p in self._shares)

    def codes(self) -> list[str]:
        return [str(c) for c, _ in self._shares]

    def set_lead(self, code: str) -> None:
        self._lead = code
        if self._shares:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._shares) - 1, 2))

    def set_cost(self, cost: int | None) -> None:
        self._cost = cost
        if self._shares:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self._shares) - 1, 2))

    def add_partner(self, code: str, percent: int) -> None:
        if code in self.codes():
            return
        row = len(self._shares)
        self.beginInsertRows(QModelIndex(), row, row)
        self._shares.append([code, percent])
        self.endInsertRows()
        self.sig_shares_changed.emit()

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._shares):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._shares[row]
            self.endRemoveRows()
            self.sig_shares_changed.emit()

    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._shares)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 1:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        code, percent = self._shares[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                name = self._names.get(code, "")
                lead = "  (lead)" if code == self._lead else ""
                return f"{code} – {name}{lead}" if name else f"{code}{lead}"
            if column == 1:
                return f"{percent} %"
            if column == 2 and self._cost is not None:
                return f"{round(self._cost * int(percent) / 100):,}"
            return None
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
        self._shares[index.row()][1] = percent
        self.dataChanged.emit(self.index(index.row(), 1), self.index(index.row(), 2))
        self.sig_shares_changed.emit()
        return True
