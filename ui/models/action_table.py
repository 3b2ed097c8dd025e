"""Actions as a table: ref, risk, description, owning partner, owner, due, status, progress."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from riskreg.records import ActionRecord
from ui.models.base import Index, ListTableModel
from ui.plain import tip

HEADERS = ("Ref", "Risk", "Action", "Partner", "Owner", "Due", "Status", "Progress")


_NO_DATE = date.max
_SORT_KEYS: tuple[Callable[[ActionRecord], Any], ...] = (
    lambda a: a.number,
    lambda a: a.risk_ref.partition("-")[2].zfill(9),
    lambda a: a.description.casefold(),
    lambda a: a.partner,
    lambda a: a.owner.casefold(),
    lambda a: a.due_date or _NO_DATE,
    lambda a: a.status.value,
    lambda a: a.progress,
)


class ActionTableModel(ListTableModel[ActionRecord]):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ActionRecord] = []
        self._today = date.today()
        self._overdue = QBrush(QColor("#b3261e"))
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[ActionRecord], today: date) -> None:
        self.beginResetModel()
        try:
            self._rows = list(rows)
            self._today = today
            if self._sorted_by is not None:
                self._sort_rows(*self._sorted_by)
        finally:
            self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the list itself (a key per column, one reset): fast at any size."""
        if not 0 <= column < len(HEADERS):
            return
        self.beginResetModel()
        try:
            self._sort_rows(column, order)
            self._sorted_by = (column, order)
        finally:
            self.endResetModel()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        key = _SORT_KEYS[column]
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

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
        if role == Qt.ItemDataRole.ForegroundRole and overdue and column == 5:
            return self._overdue
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return tip(action.description) or None  # as written, never as HTML
        return None
