"""The heat map on screen: the same painter as paper, the register table's filters, a basis
switch and movement arrows. Clicking a cell filters the register table to it; hovering
lists the titles of the risks in the cell."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from riskreg.heatmap import OPEN_STATUSES, Basis, HeatFilter, HeatMap, Movement, PlacedRisk
from riskreg.records import RiskStatus
from riskreg.render.heatmap_painter import HeatMapLayout, paint_heat_map
from riskreg.render.request import HeatMapRequest
from ui.document import RegisterDocument
from ui.models.risk_filter import RiskFilter
from ui.plain import tip
from ui.settings import Preferences
from ui.views.fields import OptionalDateEdit

if TYPE_CHECKING:
    from riskreg.records import Changes
    from ui.printing import PrintPreview


class HeatMapCanvas(QWidget):
    sig_cell_clicked = Signal(int, int)
    """The user clicked the cell of this likelihood and impact."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heat: HeatMap | None = None
        self.placed: list[PlacedRisk] = []
        self.arrows: list[Movement] = []
        self.arrows_label = ""
        self.transposed = False
        self.highlight: tuple[int, int] | None = None
        self.outlined: frozenset[tuple[int, int]] = frozenset()
        self.geometry_: HeatMapLayout | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(480, 360)

    def show_map(self, heat: HeatMap, placed: list[PlacedRisk], arrows: list[Movement]) -> None:
        self.heat, self.placed, self.arrows = heat, placed, arrows
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self.heat is not None:
            area = QRectF(self.rect()).adjusted(12, 8, -12, -8)
            self.geometry_ = paint_heat_map(
                painter,
                area,
                self.heat,
                arrows=self.arrows,
                highlight=self.highlight,
                arrows_label=self.arrows_label,
                transposed=self.transposed,
                outlined=self.outlined,
            )
        painter.end()

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        return self.geometry_.cell_at(point) if self.geometry_ is not None else None

    def titles_in(self, cell: tuple[int, int]) -> list[str]:
        return [f"{p.ref}  {p.title} ({p.lead_partner})" for p in self.placed
                if (p.likelihood, p.impact) == cell]  # fmt: skip

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is not None:
            self.highlight = cell
            self.update()
            self.sig_cell_clicked.emit(*cell)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(QPointF(event.pos()))
            titles = self.titles_in(cell) if cell else []
            if titles:
                shown = titles[:25] + (
                    [f"… and {len(titles) - 25} more"] if len(titles) > 25 else []
                )
                QToolTip.showText(event.globalPos(), tip("\n".join(shown)), self)  # as written
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class HeatMapView(QWidget):
    """Basis switch, arrows, and the canvas; reads the register table's filters."""

    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._filter = RiskFilter()
        self.basis = QComboBox()
        for basis in Basis:
            self.basis.addItem(basis.label, basis.value)
        self.basis.setCurrentIndex(self.basis.findData(Basis.CURRENT.value))
        self.arrows = QCheckBox("Arrows from inherent to current")
        self.since = OptionalDateEdit()
        self.since.setToolTip("Arrows from where each risk stood on this date to now")
        self.transpose = QCheckBox("Impact up the side")
        self.transpose.setChecked(Preferences().heat_map_transposed)
        self.hint = QLabel("Click a cell to list its risks in the register; hover for titles.")
        self.print_button = QPushButton("Print…")
        self.export_button = QPushButton("Export PDF/PNG…")
        self.canvas = HeatMapCanvas()
        self.canvas.transposed = self.transpose.isChecked()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Basis"))
        bar.addWidget(self.basis)
        bar.addWidget(self.arrows)
        bar.addWidget(QLabel("or moves since"))
        bar.addWidget(self.since)
        bar.addWidget(self.transpose)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.hint)
        self.basis.currentIndexChanged.connect(self.refresh)
        self.arrows.toggled.connect(self.refresh)
        self.since.sig_changed.connect(self.refresh)
        self.transpose.toggled.connect(self._transpose)
        self.print_button.clicked.connect(self.print_map)
        self.export_button.clicked.connect(self._choose_export)
        self._shown = False
        self._stale = True
        document.sig_changed.connect(self._register_changed)

    def set_shown(self, shown: bool) -> None:
        """Its tab was raised (read it now if the register changed meanwhile) or left."""
        self._shown = shown
        if shown and self._stale and self._document.is_open:
            self.refresh()

    def _register_changed(self, changes: Changes, _initiator: object) -> None:
        """Any change of risks or settings may move a cell: re-read when shown, else later."""
        if not (changes.touched_risks or changes.reaches_every_risk or changes.register):
            return
        self._stale = True
        if self._shown:
            self.refresh()

    def _transpose(self, on: bool) -> None:
        Preferences().heat_map_transposed = on  # remembered for the next start
        self.canvas.transposed = on
        self.canvas.update()

    def heat_filter(self) -> HeatFilter:
        wanted = self._filter
        statuses = frozenset({RiskStatus(wanted.status)}) if wanted.status else OPEN_STATUSES
        return HeatFilter(wanted.partner, wanted.category, statuses)

    def set_filter(self, wanted: RiskFilter) -> None:
        if (wanted.partner, wanted.category, wanted.status) != (
            self._filter.partner, self._filter.category, self._filter.status,
        ):  # fmt: skip
            self._filter = wanted
            self.refresh()
        self.canvas.highlight = wanted.cell
        self.canvas.update()

    def refresh(self) -> None:
        self._stale = False
        service = self._document.service
        basis = Basis(self.basis.currentData())
        wanted = self.heat_filter()
        since = self.since.value()
        self.canvas.arrows_label = (
            f"moves since {since:%d %b %Y}" if since else "inherent → current"
        )
        if since is not None:  # a date wins over inherent → current
            moment = datetime.combine(since, time(0, 0)).astimezone()
            arrows = service.heat_movements_since(moment, wanted)
        elif self.arrows.isChecked():
            arrows = service.heat_movements(Basis.INHERENT, Basis.CURRENT, wanted)
        else:
            arrows = []
        self.canvas.outlined = service.appetite_cells(basis, wanted)
        self.canvas.show_map(service.heat_map(basis, wanted), service.placed_risks(basis, wanted),
                             arrows)  # fmt: skip

    def request(self) -> HeatMapRequest:
        """What is on screen, as the printed page shows it (with the key of its risks)."""
        heat = self.canvas.heat
        assert heat is not None
        return HeatMapRequest(
            heat=heat,
            arrows=tuple(self.canvas.arrows),
            title=self._register_name(),
            key=tuple(self.canvas.placed),
            arrows_label=self.canvas.arrows_label,
            transposed=self.canvas.transposed,
            outlined=self.canvas.outlined,
        )

    def _register_name(self) -> str:
        settings = self._document.settings
        return settings.info.name if settings is not None else ""

    def print_map(self) -> PrintPreview:
        from ui.printing import preview_heat_map

        if self.canvas.heat is None:
            self.refresh()
        return preview_heat_map(self, self.request())

    def export_map(self, path: Path, *, width: int = 2400, dpi: int = 200) -> Path:
        """Write the heat map as a vector PDF or a PNG (``width`` pixels at ``dpi``)."""
        from riskreg.render.files import write_heat_map

        if self.canvas.heat is None:
            self.refresh()
        if path.suffix.lower() not in (".pdf", ".png"):
            path = path.with_suffix(".pdf")
        write_heat_map(self.request(), path, width=width, dpi=dpi)
        return path

    @staticmethod
    def ask_png_size(parent: QWidget) -> tuple[int, int] | None:
        """Width and resolution of a PNG (tests replace this seam)."""
        width, ok = QInputDialog.getInt(parent, "PNG size", "Width in pixels", 2400, 600, 12000)
        if not ok:
            return None
        dpi, ok = QInputDialog.getInt(parent, "PNG resolution", "Dots per inch", 200, 72, 1200)
        return (width, dpi) if ok else None

    def _choose_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export heat map", "heatmap.pdf", "PDF (*.pdf);;PNG image (*.png)"
        )
        if name:
            size = (2400, 200)
            if Path(name).suffix.lower() == ".png":
                chosen = self.ask_png_size(self)
                if chosen is None:
                    return
                size = chosen
            try:
                self.export_map(Path(name), width=size[0], dpi=size[1])
            except OSError as exc:
                self._document.sig_error.emit("The heat map was not exported", str(exc))
