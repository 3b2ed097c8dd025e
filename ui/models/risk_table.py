"""The register table's model: a list of ``RiskRecord`` rows and a declared column spec.

Sorting is done on the Python list with a key per column and a model reset, not through a
``QSortFilterProxyModel``: the proxy calls ``data()`` once per comparison, which takes
seconds at 100,000 rows where ``list.sort`` takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from riskreg.records import RiskRecord, format_shares
from riskreg.scoring import ScoringScheme

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


@dataclass(frozen=True, slots=True)
class Column:
    """One column: header, how to show a row, and how it sorts (numbers and dates as such)."""

    key: str
    header: str
    display: Callable[[RiskRecord], str]
    sort_key: Callable[[RiskRecord], Any]
    score_of: Callable[[RiskRecord], tuple[int, int] | None] | None = None
    align_right: bool = False


def _date(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _score(lik: int | None, imp: int | None) -> str:
    return "" if lik is None or imp is None else f"{lik * imp}  ({lik}×{imp})"


_MISSING_DATE = date.max

COLUMNS: tuple[Column, ...] = (
    Column("ref", "Ref", lambda r: r.ref, lambda r: r.number),
    Column("title", "Title", lambda r: r.title, lambda r: r.title.casefold()),
    Column("status", "Status", lambda r: r.status.value, lambda r: r.status.value),
    Column("category", "Category", lambda r: r.category or "", lambda r: r.category or ""),
    Column("lead", "Lead", lambda r: r.lead_partner, lambda r: r.lead_partner),
    Column("shares", "Shares", lambda r: format_shares(r.shares), lambda r: r.shares),
    Column("owner", "Owner", lambda r: r.owner, lambda r: r.owner.casefold()),
    Column(
        "inherent", "Inherent",
        lambda r: _score(r.inherent_likelihood, r.inherent_impact),
        lambda r: (r.inherent_score, r.inherent_likelihood),
        score_of=lambda r: (r.inherent_likelihood, r.inherent_impact), align_right=True,
    ),
    Column(
        "current", "Current",
        lambda r: _score(r.current_likelihood, r.current_impact),
        lambda r: (r.current_score, r.current_likelihood),
        score_of=lambda r: (r.current_likelihood, r.current_impact), align_right=True,
    ),
    Column(
        "target", "Target",
        lambda r: _score(r.target_likelihood, r.target_impact),
        lambda r: (r.target_score or 0, r.target_likelihood or 0),
        score_of=lambda r: (
            None if r.target_likelihood is None or r.target_impact is None
            else (r.target_likelihood, r.target_impact)
        ),
        align_right=True,
    ),
    Column("response", "Response", lambda r: r.response.value, lambda r: r.response.value),
    Column("visibility", "Visibility", lambda r: r.visibility.value, lambda r: r.visibility.value),
    Column(
        "next_review", "Next review", lambda r: _date(r.next_review),
        lambda r: r.next_review or _MISSING_DATE,
    ),
)  # fmt: skip


class RiskTableModel(QAbstractTableModel):
    """Rows of the register; cells as the user reads them, scores in their band colour."""

    def __init__(self, scheme: ScoringScheme, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RiskRecord] = []
        self._scheme = scheme
        self._columns = COLUMNS
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None
        self._brushes: dict[int, tuple[QBrush, QBrush]] = {}
        self._build_brushes()

    # -- loading ------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[RiskRecord], scheme: ScoringScheme | None = None) -> None:
        self.beginResetModel()
        try:
            if scheme is not None:
                self._scheme = scheme
                self._build_brushes()
            self._rows = list(rows)
            if self._sorted_by is not None:
                self._sort_rows(*self._sorted_by)
        finally:
            self.endResetModel()

    def row(self, row: int) -> RiskRecord:
        return self._rows[row]

    def column_keys(self) -> list[str]:
        return [c.key for c in self._columns]

    def _build_brushes(self) -> None:
        self._brushes = {}
        for index, band in enumerate(self._scheme.bands):
            colour = QColor(band.colour)
            text = QColor("#000000") if colour.lightness() > 110 else QColor("#ffffff")
            self._brushes[index] = (QBrush(colour), QBrush(text))

    # -- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].header
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(record)
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "title":
            return record.description or record.title
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            if column.score_of is None:
                return None
            levels = column.score_of(record)
            if levels is None:
                return None
            try:
                background, foreground = self._brushes[self._scheme.band_index(*levels)]
            except ValueError:
                return None
            return background if role == Qt.ItemDataRole.BackgroundRole else foreground
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.beginResetModel()
        try:
            self._sort_rows(column, order)
            self._sorted_by = (column, order)
        finally:
            self.endResetModel()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        key = self._columns[column].sort_key
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
