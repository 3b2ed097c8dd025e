"""The register table with its filter bar: the screen a risk lead opens every morning."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QByteArray, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from riskreg.audience import Audience
from riskreg.choices import Proximity, RiskKind
from riskreg.records import CategoryRecord, PartnerRecord, RiskRecord
from ui.models.risk_filter import UNRATED_BAND, PreparedRisks, RiskFilter
from ui.models.risk_table import DEFAULT_ORDER, RiskTableModel, TableContext
from ui.views.flow_layout import FlowLayout

ANY = "(any)"


class RegisterView(QWidget):
    """Shows the risks, filtered by the bar above and sorted by any column."""

    sig_risk_selected = Signal(str)
    """The uuid of the risk the user selected ("" when nothing is selected)."""

    sig_risk_activated = Signal(str)
    """The uuid of a risk the user double-clicked or pressed Enter on."""

    sig_selected_hidden = Signal(str)
    """The filter just hid the selected risk (its uuid); the selection waits for it."""

    sig_filter_changed = Signal(object)
    """The filter (a RiskFilter) changed; the heat map follows it."""

    def __init__(self, context: TableContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._prepared = PreparedRisks([], context)
        self._loading_total: int | None = None
        self._filter = RiskFilter()
        self._selected_uuid = ""
        self._selected_shown = True
        """Whether the selected risk is among the rows shown (a filter may hide it)."""

        self.search = QLineEdit(placeholderText="Search ref, title, description, owner…")
        self.search.setClearButtonEnabled(True)
        self.kind_filter = QComboBox()
        self.partner_filter = QComboBox()
        self.category_filter = QComboBox()
        self.status_filter = QComboBox()
        self.band_filter = QComboBox()
        self.proximity_filter = QComboBox()
        self.review_due_filter = QCheckBox("Review due")
        self.review_due_filter.setToolTip("Next review within a fortnight, or past")
        self.review_overdue_filter = QCheckBox("Review overdue")
        self.appetite_filter = QCheckBox("Above appetite")
        self.appetite_filter.setToolTip(
            "Above the appetite of the partnership or a partner "
            "in it: within tolerance (a warning) or beyond"
        )
        self.breach_filter = QCheckBox("Breach of tolerance")
        self.breach_filter.setToolTip("Above the tolerance of the partnership or a partner")
        self.accepted_filter = QCheckBox("Accepted")
        self.accepted_filter.setToolTip("Accepted above appetite, until its expiry date")
        self.escalated_filter = QCheckBox("Escalated")
        self.escalated_filter.setToolTip("Escalated to the joint management team or above")
        self.overdue_filter = QCheckBox("Overdue actions")
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_cell_button = QPushButton("Show all cells")
        self.clear_cell_button.hide()
        self.clear_filters_button = QPushButton("Clear filters")
        self.clear_filters_button.setToolTip("Show every risk again")
        self.clear_filters_button.setEnabled(False)
        for combo, tip in (
            (self.kind_filter, "Threats or opportunities"),
            (self.partner_filter, "Partner (lead or share)"),
            (self.category_filter, "Category"),
            (self.status_filter, "Status"),
            (self.band_filter, "Current band"),
            (self.proximity_filter, "When the risk could happen"),
        ):
            combo.setToolTip(tip)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(9)

        self.model = RiskTableModel(context, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, self.model.default_width(column))
        keys = self.model.column_keys()
        for visual, key in enumerate(DEFAULT_ORDER):
            header.moveSection(header.visualIndex(keys.index(key)), visual)

        self.search.setMinimumWidth(200)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.clear_cell_button)
        top.addWidget(self.clear_filters_button)
        bar = FlowLayout()  # wraps onto further lines on a narrow screen
        for label, widget in (
            ("Type", self.kind_filter),
            ("Partner", self.partner_filter),
            ("Category", self.category_filter),
            ("Status", self.status_filter),
            ("Band", self.band_filter),
            ("Proximity", self.proximity_filter),
        ):
            pair = QWidget()
            row = QHBoxLayout(pair)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(QLabel(label))
            row.addWidget(widget)
            bar.addWidget(pair)
        for box in self._flag_boxes():
            bar.addWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(lambda text: self._update_filter(text=text))
        self.kind_filter.currentIndexChanged.connect(
            lambda: self._update_filter(kind=self._combo_value(self.kind_filter))
        )
        self.partner_filter.currentIndexChanged.connect(
            lambda: self._update_filter(partner=self._combo_value(self.partner_filter))
        )
        self.category_filter.currentIndexChanged.connect(
            lambda: self._update_filter(category=self._combo_value(self.category_filter))
        )
        self.status_filter.currentIndexChanged.connect(
            lambda: self._update_filter(status=self._combo_value(self.status_filter))
        )
        self.band_filter.currentIndexChanged.connect(
            lambda: self._update_filter(band=self._combo_value(self.band_filter))
        )
        self.proximity_filter.currentIndexChanged.connect(
            lambda: self._update_filter(proximity=self._combo_value(self.proximity_filter))
        )
        self.review_due_filter.toggled.connect(lambda on: self._update_filter(review_due=on))
        self.review_overdue_filter.toggled.connect(
            lambda on: self._update_filter(review_overdue=on)
        )
        self.appetite_filter.toggled.connect(lambda on: self._update_filter(above_appetite=on))
        self.breach_filter.toggled.connect(lambda on: self._update_filter(breach_of_tolerance=on))
        self.accepted_filter.toggled.connect(lambda on: self._update_filter(accepted=on))
        self.escalated_filter.toggled.connect(lambda on: self._update_filter(escalated=on))
        self.overdue_filter.toggled.connect(lambda on: self._update_filter(overdue_actions=on))
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(
            lambda index: self.sig_risk_activated.emit(self.model.row(index.row()).uuid)
        )
        header.customContextMenuRequested.connect(self._column_menu)
        self.clear_cell_button.clicked.connect(lambda: self.set_cell_filter(None))
        self.clear_filters_button.clicked.connect(self.clear_filters)
        self.model.modelReset.connect(self._reselect)

    # -- data ---------------------------------------------------------------------------
    def set_choices(
        self,
        partners: Sequence[PartnerRecord],
        categories: Sequence[CategoryRecord],
        statuses: Sequence[str],
        bands: Sequence[str],
    ) -> None:
        """Fill the filter drop-downs, keeping what the user had chosen where it still exists."""
        for combo, items in (
            (
                self.kind_filter,
                [("Threats", RiskKind.THREAT.value), ("Opportunities", RiskKind.OPPORTUNITY.value)],
            ),
            (self.partner_filter, [(f"{p.code} – {p.name}", p.code) for p in partners]),
            (self.category_filter, [(c.name, c.name) for c in categories]),
            (self.status_filter, [(s, s) for s in statuses]),
            (self.band_filter, [(b, b) for b in bands] + [(UNRATED_BAND, UNRATED_BAND)]),
            (self.proximity_filter, [(p.value, p.value) for p in Proximity]),
        ):
            chosen = self._combo_value(combo)
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ANY, None)
            for text, value in items:
                combo.addItem(text, value)
            position = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(position, 0))
            combo.blockSignals(False)
        self._filter = replace(
            self._filter,
            kind=self._combo_value(self.kind_filter),
            partner=self._combo_value(self.partner_filter),
            category=self._combo_value(self.category_filter),
            status=self._combo_value(self.status_filter),
            band=self._combo_value(self.band_filter),
            proximity=self._combo_value(self.proximity_filter),
        )

    def set_risks(
        self, risks: Sequence[RiskRecord], context: TableContext, total: int | None = None
    ) -> None:
        """Show these risks; ``total`` says a larger register is still being read."""
        self._prepared = PreparedRisks(risks, context)
        self._loading_total = total
        self._show(context)

    def update_risks(self, risks: Sequence[RiskRecord], context: TableContext) -> None:
        """Show changed or new risks; the rest of a large register is not read again."""
        self._prepared.update(risks, context)
        self._show(context)

    @property
    def current_filter(self) -> RiskFilter:
        return self._filter

    def set_cell_filter(
        self,
        cell: tuple[int, int] | None,
        audience: Audience | None = None,
        kind: RiskKind | None = None,
    ) -> None:
        """The risks of one heat-map cell — those the map showed, for its ``audience``, of
        its type (threats or opportunities)."""
        held = cell is not None
        kind_value = kind.value if held and kind is not None else None
        self._update_filter(cell=cell, cell_audience=audience if held else None,
                            cell_kind=kind_value)  # fmt: skip

    def clear_filters(self) -> None:
        """Every filter back to showing all risks (one refresh, not one per control)."""
        controls: list[QWidget] = [self.search, *self._combos(), *self._flag_boxes()]
        for control in controls:
            control.blockSignals(True)
        try:
            self.search.clear()
            for combo in self._combos():
                combo.setCurrentIndex(0)
            for box in self._flag_boxes():
                box.setChecked(False)
        finally:
            for control in controls:
                control.blockSignals(False)
        self._filter = RiskFilter()
        self._update_filter()

    def _combos(self) -> tuple[QComboBox, ...]:
        return (self.kind_filter, self.partner_filter, self.category_filter,
                self.status_filter, self.band_filter, self.proximity_filter)  # fmt: skip

    def _flag_boxes(self) -> tuple[QCheckBox, ...]:
        return (self.review_due_filter, self.review_overdue_filter, self.appetite_filter,
                self.breach_filter, self.accepted_filter, self.escalated_filter,
                self.overdue_filter)  # fmt: skip

    def selected_uuid(self) -> str:
        return self._selected_uuid

    def restore_selection(self, uuid: str) -> None:
        """Select ``uuid`` again (or nothing) without announcing it: the user cancelled
        moving away from the risk being edited."""
        self._selected_uuid = uuid
        row = self.model.row_of(uuid) if uuid else None
        self._selected_shown = row is not None or not uuid
        self._put_selection(uuid)
        # and again once the click that moved it is done (the view selects on release too)
        QTimer.singleShot(0, self, lambda: self._put_selection(self._selected_uuid))

    def _put_selection(self, uuid: str) -> None:
        """The row of ``uuid`` current and selected (or none), without announcing it."""
        selection = self.table.selectionModel()
        blocked = selection.blockSignals(True)
        try:
            row = self.model.row_of(uuid) if uuid else None
            if row is None:
                self.table.clearSelection()
                self.table.setCurrentIndex(self.model.index(-1, -1))
            else:
                self.table.setCurrentIndex(self.model.index(row, 0))
                self.table.selectRow(row)
        finally:
            selection.blockSignals(blocked)

    def select_uuid(self, uuid: str) -> bool:
        """Select and show the risk; False when the filters hide it."""
        row = self.model.row_of(uuid)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    # -- header state -------------------------------------------------------------------
    def header_state(self) -> QByteArray:
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: QByteArray | None) -> None:
        if state is not None:
            self.table.horizontalHeader().restoreState(state)

    def _column_menu(self, position: QPoint) -> None:
        menu = self.build_column_menu()
        menu.popup(self.table.horizontalHeader().mapToGlobal(position))

    def build_column_menu(self) -> QMenu:
        """Check or uncheck the columns to show; the choice is remembered with the layout."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        titles = self.model.column_headers()
        for column in sorted(range(len(titles)), key=header.visualIndex):  # as they stand
            title = titles[column]
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != 0)  # the ref always shows
            action.toggled.connect(lambda shown, c=column: header.setSectionHidden(c, not shown))
        return menu

    # -- internals ----------------------------------------------------------------------
    @staticmethod
    def _combo_value(combo: QComboBox) -> str | None:
        value = combo.currentData()
        return value if isinstance(value, str) else None

    def _update_filter(self, **changes: object) -> None:
        self._filter = replace(self._filter, **changes)  # type: ignore[arg-type]
        self.clear_cell_button.setVisible(self._filter.cell is not None)
        self.clear_filters_button.setEnabled(not self._filter.is_empty)
        self._show(None)
        self.sig_filter_changed.emit(self._filter)

    def _show(self, context: TableContext | None) -> None:
        shown = self._prepared.apply(self._filter)
        self.model.set_rows(shown, context)
        visible = not self._selected_uuid or self.model.row_of(self._selected_uuid) is not None
        if self._selected_shown and not visible:  # the filter just hid the selected risk
            self._selected_shown = False
            self.sig_selected_hidden.emit(self._selected_uuid)
        elif visible:
            self._selected_shown = True
        total = len(self._prepared.rows)
        if self._loading_total is not None:
            self.count_label.setText(
                f"Reading the register… {len(shown):,} of the first {total:,} of "
                f"{self._loading_total:,} risks shown"
            )
        else:
            cell = self._filter.cell
            where = f" — current likelihood {cell[0]} × impact {cell[1]}" if cell else ""
            if cell and self._filter.cell_kind is not None:
                noun = "opportunities" if self._filter.cell_kind == "Opportunity" else "threats"
                where += f" on the {noun}' map"
            if cell and self._filter.cell_audience is not None:
                where += f" ({self._filter.cell_audience.caption})"
            self.count_label.setText(f"{len(shown):,} of {total:,} risks{where}")

    def _reselect(self) -> None:
        if self._selected_uuid:
            row = self.model.row_of(self._selected_uuid)
            if row is not None:
                blocker = self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(blocker)

    def _row_changed(self, current: object, _previous: object) -> None:
        row = self.table.currentIndex().row()
        uuid = self.model.row(row).uuid if 0 <= row < self.model.rowCount() else ""
        if uuid != self._selected_uuid:
            self._selected_uuid = uuid
            self._selected_shown = True
            self.sig_risk_selected.emit(uuid)
