"""The register table with its quick filter: the screen a risk lead opens every morning."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from riskreg.records import RiskRecord
from riskreg.scoring import ScoringScheme
from ui.models.risk_table import RiskTableModel


class RegisterView(QWidget):
    """Shows the risks; filters them by free text over ref, title, description and owner."""

    sig_risk_selected = Signal(str)
    """The uuid of the risk the user selected."""

    def __init__(self, scheme: ScoringScheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[RiskRecord] = []
        self.search = QLineEdit(placeholderText="Search ref, title, description, owner…")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.model = RiskTableModel(scheme, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def set_risks(self, risks: Sequence[RiskRecord], scheme: ScoringScheme) -> None:
        self._all = list(risks)
        self._apply_filter(self.search.text(), scheme)
        self._fit_columns()

    def _fit_columns(self) -> None:
        widths = {"ref": 64, "title": 360, "status": 80, "category": 160, "lead": 60,
                  "shares": 150, "owner": 110, "inherent": 90, "current": 90, "target": 90,
                  "response": 80, "visibility": 74, "next_review": 96}  # fmt: skip
        for column, key in enumerate(self.model.column_keys()):
            self.table.setColumnWidth(column, widths.get(key, 100))

    def _apply_filter(self, text: str, scheme: ScoringScheme | None = None) -> None:
        needle = text.strip().casefold()
        if needle:
            shown = [
                r for r in self._all
                if needle in r.ref.casefold() or needle in r.title.casefold()
                or needle in r.description.casefold() or needle in r.owner.casefold()
            ]  # fmt: skip
        else:
            shown = self._all
        self.model.set_rows(shown, scheme)
        self.count_label.setText(f"{len(shown):,} of {len(self._all):,} risks")

    def _row_changed(self, current: object, _previous: object) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            self.sig_risk_selected.emit(self.model.row(row).uuid)
