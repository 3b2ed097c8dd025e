"""The scoring scheme: size, level labels and descriptions, bands and the band of each cell,
and the appetite levels' bands (``ui.dialogs.appetite_levels``).

Bands are added and removed here, their colours picked with Qt's colour dialog; long level
descriptions wrap. Applying a new scheme first says how many risks change band (or that
there are none yet), then re-bands every risk through the service, in the background after
a backup copy (one audited change set).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from riskreg.matrix_checks import MatrixWarning, matrix_warnings
from riskreg.records import SchemeChangeReport
from riskreg.scoring import (
    MAX_LEVELS,
    MIN_LEVELS,
    Band,
    Level,
    SchemeError,
    ScoringScheme,
    derived_cells,
)
from ui.dialog_keys import enter_never_accepts
from ui.dialogs.appetite_levels import AppetiteLevelsBox
from ui.document import RegisterDocument
from ui.geometry import fit_to_screen
from ui.plain import tip
from ui.views.fields import ErrorLabel, swatch
from ui.words import plural


def _level_items(level: Level) -> list[QStandardItem]:
    label, description = QStandardItem(level.label), QStandardItem(level.description)
    description.setToolTip(tip(level.description))  # the whole text, however narrow
    return [label, description]


def _levels_model(levels: tuple[Level, ...], parent: QWidget) -> QStandardItemModel:
    model = QStandardItemModel(0, 2, parent)
    model.setHorizontalHeaderLabels(["Label", "Description"])
    for level in levels:
        model.appendRow(_level_items(level))
    return model


def _levels_table(model: QStandardItemModel) -> QTableView:
    """Descriptions wrap onto as many lines as they need; rows grow to hold them."""
    table = QTableView()
    table.setModel(model)
    table.setWordWrap(True)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.setColumnWidth(0, 120)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    model.dataChanged.connect(lambda *_: table.resizeRowsToContents())
    return table


def _band_items(band: Band) -> list[QStandardItem]:
    name, colour, days = (
        QStandardItem(band.name),
        QStandardItem(band.colour),
        QStandardItem(str(band.review_days)),
    )
    colour.setIcon(swatch(band.colour))
    colour.setEditable(False)  # picked with the colour dialog
    colour.setToolTip("Double-click (or Colour…) to choose the band's colour")
    return [name, colour, days]


class SchemeDialog(QDialog):
    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scoring scheme")
        self._document = document
        scheme = document.service.scheme()
        self._cells = [list(row) for row in scheme.cells]
        self.name = QLineEdit(scheme.name)
        self.likelihood_count = QSpinBox()
        self.impact_count = QSpinBox()
        for spin, count in ((self.likelihood_count, len(scheme.likelihood)),
                            (self.impact_count, len(scheme.impact))):  # fmt: skip
            spin.setRange(MIN_LEVELS, MAX_LEVELS)
            spin.setValue(count)
        self.likelihood_model = _levels_model(scheme.likelihood, self)
        self.impact_model = _levels_model(scheme.impact, self)
        self.band_model = QStandardItemModel(0, 3, self)
        self.band_model.setHorizontalHeaderLabels(["Band", "Colour", "Review every (days)"])
        for band in scheme.bands:
            self.band_model.appendRow(_band_items(band))
        self.add_band_button = QPushButton("Add band")
        self.remove_band_button = QPushButton("Remove band")
        self.colour_button = QPushButton("Colour…")
        self.matrix_box = QGroupBox("Band of each cell (likelihood up, impact across)")
        self.matrix = QGridLayout(self.matrix_box)
        self.cell_combos: dict[tuple[int, int], QComboBox] = {}
        self.derive_button = QPushButton("Band cells by score")
        self.matrix_warning = QLabel()
        """What misleads in the matrix (Cox's rules), naming the cells; none: hidden."""
        self.matrix_warning.setTextFormat(Qt.TextFormat.PlainText)  # band names as typed
        self.matrix_warning.setWordWrap(True)
        self.matrix_warning.setStyleSheet("color: #8a4b00;")
        self.matrix_warning.hide()
        self._flagged: frozenset[tuple[int, int]] = frozenset()
        self.appetite_levels = AppetiteLevelsBox(scheme.band_names, scheme.appetite_bands)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Apply scheme…")

        sizes = QFormLayout()
        sizes.addRow("Name", self.name)
        sizes.addRow("Likelihood levels", self.likelihood_count)
        sizes.addRow("Impact levels", self.impact_count)
        levels = QHBoxLayout()
        for title, model in (("Likelihood", self.likelihood_model),
                             ("Impact", self.impact_model)):  # fmt: skip
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(_levels_table(model))
            levels.addWidget(box)
        bands_box = QGroupBox("Bands, lowest first")
        self.bands_table = bands_table = QTableView()
        bands_table.setModel(self.band_model)
        bands_table.horizontalHeader().setStretchLastSection(True)
        bands_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        bands_table.setMaximumHeight(170)
        band_buttons = QHBoxLayout()
        for button in (self.add_band_button, self.remove_band_button, self.colour_button):
            band_buttons.addWidget(button)
        band_buttons.addStretch(1)
        bands_layout = QVBoxLayout(bands_box)
        bands_layout.addWidget(bands_table)
        bands_layout.addLayout(band_buttons)
        lower = QHBoxLayout()
        lower.addWidget(bands_box, 1)
        right = QVBoxLayout()
        right.addWidget(self.matrix_box)
        right.addWidget(self.derive_button)
        lower.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(sizes)
        layout.addLayout(levels, 1)
        layout.addLayout(lower)
        layout.addWidget(self.appetite_levels)
        layout.addWidget(self.matrix_warning)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.likelihood_count.valueChanged.connect(self._resize_axis)
        self.impact_count.valueChanged.connect(self._resize_axis)
        self.band_model.itemChanged.connect(lambda _item: self._build_matrix())
        self.derive_button.clicked.connect(self.derive_cells)
        self.add_band_button.clicked.connect(self.add_band)
        self.remove_band_button.clicked.connect(self.remove_selected_band)
        self.colour_button.clicked.connect(self.choose_colour)
        bands_table.doubleClicked.connect(
            lambda index: self.choose_colour() if index.column() == 1 else None
        )
        self.buttons.accepted.connect(self.try_apply)
        self.buttons.rejected.connect(self.reject)
        # re-banding every risk cannot be undone: Enter in a field never applies it
        enter_never_accepts(self, self.buttons, self.buttons.button(
            QDialogButtonBox.StandardButton.Ok))  # fmt: skip
        self._build_matrix()
        fit_to_screen(self, 900, 720)

    # -- reading the form ---------------------------------------------------------------
    def _levels(self, model: QStandardItemModel) -> tuple[Level, ...]:
        return tuple(
            Level(row + 1, (model.item(row, 0).text() or "").strip(),
                  (model.item(row, 1).text() or "").strip())
            for row in range(model.rowCount())
        )  # fmt: skip

    def _bands(self) -> tuple[Band, ...]:
        bands = []
        for row in range(self.band_model.rowCount()):
            name = self.band_model.item(row, 0).text().strip()
            colour = self.band_model.item(row, 1).text().strip()
            days_text = self.band_model.item(row, 2).text().strip()
            days = int(days_text) if days_text.isdigit() else 0
            bands.append(Band(name, colour, days))
        return tuple(bands)

    def scheme(self) -> ScoringScheme:
        """The scheme as entered; raises SchemeError naming what is wrong."""
        return ScoringScheme(
            self._levels(self.likelihood_model),
            self._levels(self.impact_model),
            self._bands(),
            tuple(tuple(row) for row in self._cells),
            name=self.name.text().strip() or "Custom",
            appetite_bands=self.appetite_levels.pairs(),
        )

    # -- editing ------------------------------------------------------------------------
    def _resize_axis(self) -> None:
        for model, count in ((self.likelihood_model, self.likelihood_count.value()),
                             (self.impact_model, self.impact_count.value())):  # fmt: skip
            while model.rowCount() < count:
                n = model.rowCount() + 1
                model.appendRow([QStandardItem(f"Level {n}"), QStandardItem("")])
            while model.rowCount() > count:
                model.removeRow(model.rowCount() - 1)
        self.derive_cells()

    def add_band(self) -> None:
        """A new band above the others (the cells keep theirs until changed)."""
        n = self.band_model.rowCount() + 1
        self.band_model.appendRow(_band_items(Band(f"Band {n}", "#9e9e9e", 30)))
        self._build_matrix()

    def remove_band(self, row: int) -> bool:
        """Remove a band: its cells go to the band below it (or above, for the lowest)."""
        count = self.band_model.rowCount()
        if count <= 2 or not 0 <= row < count:
            self.error.show_message("A scheme needs at least two bands.")
            return False
        into = row - 1 if row > 0 else 0
        self.band_model.removeRow(row)
        self.appetite_levels.bands_changed([b.name for b in self._bands()], removed=row)
        self._cells = [[(into if b == row else b - (b > row)) for b in cells]
                       for cells in self._cells]  # fmt: skip
        self.error.show_message("")
        self._build_matrix()
        return True

    def remove_selected_band(self) -> bool:
        return self.remove_band(self.bands_table.currentIndex().row())

    def choose_colour(self) -> None:
        row = self.bands_table.currentIndex().row()
        if not 0 <= row < self.band_model.rowCount():
            return
        item = self.band_model.item(row, 1)
        chosen = self.pick_colour(QColor(item.text()))
        if chosen is not None and chosen.isValid():
            self.set_band_colour(row, chosen.name())

    def pick_colour(self, current: QColor) -> QColor | None:
        """Qt's colour dialog (tests replace this seam)."""
        chosen = QColorDialog.getColor(current, self, "Band colour")
        return chosen if chosen.isValid() else None

    def set_band_colour(self, row: int, colour: str) -> None:
        item = self.band_model.item(row, 1)
        item.setText(colour)
        item.setIcon(swatch(colour))

    def derive_cells(self) -> None:
        cells = derived_cells(self.likelihood_count.value(), self.impact_count.value())
        top = max(0, self.band_model.rowCount() - 1)
        self._cells = [[min(b, top) for b in row] for row in cells]
        self._build_matrix()

    def set_cell(self, likelihood: int, impact: int, band_index: int) -> None:
        self._cells[likelihood - 1][impact - 1] = band_index
        combo = self.cell_combos[(likelihood, impact)]
        combo.setCurrentIndex(band_index)  # as chosen there, or set from elsewhere
        self._colour_combo(combo, band_index)
        self._check_matrix()

    def warnings(self) -> list[MatrixWarning]:
        """What misleads in the matrix as it stands (none while the scheme is incomplete)."""
        try:
            return matrix_warnings(self.scheme())
        except SchemeError:
            return []

    def _check_matrix(self) -> None:
        """Say what misleads, beside the matrix, and outline the cells concerned."""
        found = self.warnings()
        self.matrix_warning.setText("\n".join(f"⚠ {w.message}" for w in found))
        self.matrix_warning.setVisible(bool(found))
        self._flagged = frozenset(cell for w in found for cell in w.cells)
        for (lik, imp), combo in self.cell_combos.items():
            self._colour_combo(combo, self._cells[lik - 1][imp - 1], (lik, imp))

    def _build_matrix(self) -> None:
        while self.matrix.count():
            item = self.matrix.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.cell_combos = {}
        bands = self._bands()
        self.appetite_levels.bands_changed([b.name for b in bands])
        n_l, n_i = len(self._cells), len(self._cells[0]) if self._cells else 0
        for lik in range(1, n_l + 1):
            self.matrix.addWidget(QLabel(str(lik)), n_l - lik, 0)
            for imp in range(1, n_i + 1):
                combo = QComboBox()
                for band in bands:
                    combo.addItem(band.name)
                index = min(self._cells[lik - 1][imp - 1], max(0, len(bands) - 1))
                combo.setCurrentIndex(index)
                self._colour_combo(combo, index)
                combo.activated.connect(
                    lambda chosen, lk=lik, im=imp: self.set_cell(lk, im, chosen)
                )
                self.cell_combos[(lik, imp)] = combo
                self.matrix.addWidget(combo, n_l - lik, imp)
        for imp in range(1, n_i + 1):
            self.matrix.addWidget(QLabel(str(imp)), n_l, imp)
        self._check_matrix()

    def _colour_combo(
        self, combo: QComboBox, band_index: int, cell: tuple[int, int] | None = None
    ) -> None:
        bands = self._bands()
        if not 0 <= band_index < len(bands):
            return
        colour = QColor(bands[band_index].colour)
        if colour.isValid():
            text = "#000" if colour.lightness() > 110 else "#fff"
            flagged = cell in self._flagged
            border = "border: 3px dashed #000;" if flagged else ""
            combo.setStyleSheet(
                f"QComboBox {{ background: {colour.name()}; color: {text}; {border} }}"
            )
            combo.setToolTip(tip("This cell is named in a warning below") if flagged else "")

    # -- applying -----------------------------------------------------------------------
    def confirm(self, report: SchemeChangeReport) -> bool:
        """Ask before re-banding (tests replace this seam)."""
        answers = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        text = describe(report, self.warnings())
        box = QMessageBox(QMessageBox.Icon.Question, "Apply the new scheme?", text, answers,
                          self)  # fmt: skip
        box.setTextFormat(Qt.TextFormat.PlainText)  # band names and refs as written
        box.setDefaultButton(QMessageBox.StandardButton.No)  # Enter keeps the scheme as it is
        return box.exec() == QMessageBox.StandardButton.Yes

    def try_apply(self) -> bool:
        if self.appetite_levels.problem():  # said beside the levels, which it names
            self.error.show_message("")
            self.appetite_levels.setFocus()
            return False
        try:
            new = self.scheme()
        except SchemeError as exc:
            self.error.show_message(str(exc))
            return False
        report = self._document.service.preview_scheme(new)
        if not self.confirm(report):
            return False
        # In the background, after the service's backup copy; the undo history is cleared
        # (its steps hold levels of the old scheme). The dialog closes once it is done.
        job = self._document.change_scheme(
            new, lambda _report: self.accept(), refused=self.error.show_message
        )
        return job is not None

    @classmethod
    def ask(cls, document: RegisterDocument, parent: QWidget | None = None) -> None:
        cls(document, parent).exec()


def describe(report: SchemeChangeReport, warnings: Sequence[MatrixWarning] = ()) -> str:
    """What applying does, and first what misleads in the matrix applied."""
    caution = ""
    if warnings:
        rules = "; ".join(w.rule for w in warnings)
        caution = (f"The matrix has {plural(len(warnings), 'warning')} (see the dialog): "
                   f"{rules}. Apply it all the same?\n\n")  # fmt: skip
    return caution + _what_changes(report)


def _what_changes(report: SchemeChangeReport) -> str:
    if report.total_risks == 0:
        return "There are no risks yet: the new scheme applies to the risks you add."
    return (
        f"{report.risks_changing_band} of {plural(report.total_risks, 'risk')} will change band"
        + (
            f", and {report.risks_with_levels_moved} will have their levels moved onto the "
            "new scale"
            if report.risks_with_levels_moved
            else ""
        )
        + ". Every change is recorded in the history."
    )
