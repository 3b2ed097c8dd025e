"""Actions as a table: ref, risk, description, owning partner, owner, due, status, progress."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from riskreg.records import ActionRecord

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
HEADERS = ("Ref", "Risk", "Action", "Partner", "Owner", "Due", "Status", "Progress")


class ActionTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ActionRecord] = []
        self._today = date.today()
        self._overdue = QBrush(QColor("#b3261e"))

    def set_rows(self, rows: Sequence[ActionRecord], today: date) -> None:
        self.beginResetModel()
        try:
            self._rows = list(rows)
            self._today = today
        finally:
            self.endResetModel()

    def row(self, row: int) -> ActionRecord:
        return self._rows[row]

    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

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

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        action = self._rows[index.row()]
        column = index.column()
        overdue = action.is_overdue(self._today)
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                action.ref,
                action.risk_ref,
                action.description,
                action.partner,
                action.owner,
                (action.due_date.strftime("%d %b %Y") + (" (overdue)" if overdue else ""))
                if action.due_date
                else "",
                action.status.value,
                f"{action.progress} %",
            )[column]
        if role == SORT_ROLE:
            return (
                action.number,
                action.risk_ref,
                action.description.casefold(),
                action.partner,
                action.owner.casefold(),
                action.due_date.toordinal() if action.due_date else 10**7,
                action.status.value,
                action.progress,
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and overdue and column == 5:
            return self._overdue
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return action.description
        return None
