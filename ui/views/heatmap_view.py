"""The heat map on screen: the same painter as paper, the register table's filters, who it
is for, a basis switch and movement arrows. The map grows with the tab; clicking a cell
filters the register table to it; hovering lists the titles of the risks in the cell.

"For" chooses the audience as the printed and exported map have it (joint risks by
default), so what is printed from here is what the screen showed.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from riskreg.audience import Audience
from riskreg.choices import RiskKind
from riskreg.governance import Outlines
from riskreg.heatmap import OPEN_STATUSES, Basis, HeatFilter, HeatMap, Movement, PlacedRisk
from riskreg.records import PartnerRecord, RiskStatus
from riskreg.render.heatmap_painter import HeatMapLayout, paint_heat_map
from riskreg.render.request import HeatMapRequest
from ui.document import RegisterDocument
from ui.models.risk_filter import RiskFilter
from ui.plain import tip
from ui.settings import FolderKind, Preferences
from ui.views.fields import OptionalDateEdit

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from riskreg.records import Changes
    from ui.dialogs.heatmap_export import ExportChoice
    from ui.printing import PrintPreview

NO_ARROWS, SINCE_REVIEW, INHERENT = "none", "review", "inherent"
MARGIN = 8

HINTS = {
    RiskKind.THREAT: "Click a cell to list its risks in the register; hover for titles.",
    RiskKind.OPPORTUNITY: "Opportunities, pale to strong blue by band: the higher, the more "
    "the partnership stands to gain. Click a cell to list them; hover for titles.",
}
"""The line under each map: an opportunity's band is good news, and says so."""


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
        self.outlined: Outlines = {}
        self.geometry_: HeatMapLayout | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(480, 340)  # below this a map of 5 × 5 cells cannot be read
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(900, 560)

    def show_map(self, heat: HeatMap, placed: list[PlacedRisk], arrows: list[Movement]) -> None:
        self.heat, self.placed, self.arrows = heat, placed, arrows
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self.heat is not None:
            area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
            self.geometry_ = paint_heat_map(
                painter,
                area,
                self.heat,
                arrows=self.arrows,
                highlight=self.highlight,
                arrows_label=self.arrows_label,
                transposed=self.transposed,
                outlined=self.outlined,
                points=max(9.0, self.font().pointSizeF()),
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
    """Basis, audience and arrows above the canvas; print and export below it. Reads the
    register table's filters."""

    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._filter = RiskFilter()
        self._partners: tuple[PartnerRecord, ...] = ()
        self._last_export: ExportChoice | None = None
        self.kind = QComboBox()
        self.kind.setToolTip("Threats and opportunities each have their own map: the "
                             "opportunities' in blue, pale to strong by band")  # fmt: skip
        self.kind.addItem("Threats", RiskKind.THREAT.value)
        self.kind.addItem("Opportunities", RiskKind.OPPORTUNITY.value)
        self.basis = QComboBox()
        for basis in Basis:
            self.basis.addItem(basis.label, basis.value)
        self.basis.setCurrentIndex(self.basis.findData(Basis.CURRENT.value))
        self.audience = QComboBox()
        self.audience.setToolTip("Who the map is for: it holds only the risks they may see, and "
                                 "the print and export say so")  # fmt: skip
        self.audience.addItem("Every partner (joint risks)", "joint")
        self.arrows = QComboBox()
        self.arrows.addItem("No arrows", NO_ARROWS)
        self.arrows.addItem("Since the last review", SINCE_REVIEW)
        self.arrows.addItem("Inherent → current", INHERENT)
        for combo in (self.audience, self.arrows):  # shrink on a small screen, grow on a big one
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
        self.since = OptionalDateEdit()
        self.since.setToolTip("Arrows from where each risk stood on this date to now")
        self.since.setMinimumWidth(self.since.fontMetrics().horizontalAdvance("00/00/0000") + 60)
        self.transpose = QCheckBox("Impact up the side")
        self.transpose.setChecked(Preferences().heat_map_transposed)
        self.hint = QLabel(HINTS[RiskKind.THREAT])
        self.hint.setWordWrap(True)
        self.print_button = QPushButton("Print…")
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save as a PDF (A4 or A3) or as a PNG of the map for slides")
        self.canvas = HeatMapCanvas()
        self.canvas.transposed = self.transpose.isChecked()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Map of"))
        bar.addWidget(self.kind)
        bar.addWidget(QLabel("Basis"))
        bar.addWidget(self.basis)
        bar.addWidget(QLabel("For"))
        bar.addWidget(self.audience, 3)
        bar.addWidget(QLabel("Arrows"))
        bar.addWidget(self.arrows, 3)
        bar.addWidget(QLabel("or since"))
        bar.addWidget(self.since, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.hint, 1)
        foot.addWidget(self.transpose)
        foot.addWidget(self.print_button)
        foot.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(foot)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.basis.currentIndexChanged.connect(self.refresh)
        self.audience.currentIndexChanged.connect(self.refresh)
        self.arrows.currentIndexChanged.connect(self.refresh)
        self.since.sig_changed.connect(self.refresh)
        self.transpose.toggled.connect(self._transpose)
        self.print_button.clicked.connect(self.print_map)
        self.export_button.clicked.connect(self.choose_export)
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

    # -- what is shown ------------------------------------------------------------------
    def chosen_audience(self) -> Audience:
        return Audience.parse(str(self.audience.currentData() or "joint"))

    def chosen_kind(self) -> RiskKind:
        return RiskKind(self.kind.currentData())

    def heat_filter(self) -> HeatFilter:
        wanted = self._filter
        statuses = frozenset({RiskStatus(wanted.status)}) if wanted.status else OPEN_STATUSES
        return HeatFilter(wanted.partner, wanted.category, statuses,
                          audience=self.chosen_audience(), kind=self.chosen_kind())  # fmt: skip

    def set_filter(self, wanted: RiskFilter) -> None:
        if wanted.kind and wanted.kind != self._filter.kind:  # the table's Type: its map
            self.kind.blockSignals(True)
            self.kind.setCurrentIndex(max(0, self.kind.findData(wanted.kind)))
            self.kind.blockSignals(False)
            self._filter = wanted
            self.refresh()
        if (wanted.partner, wanted.category, wanted.status) != (
            self._filter.partner, self._filter.category, self._filter.status,
        ):  # fmt: skip
            self._filter = wanted
            self.refresh()
        self.canvas.highlight = wanted.cell
        self.canvas.update()

    def _offer_audiences(self) -> None:
        """Every partner (joint), each active partner's own, and the keeper's internal."""
        partners = tuple(p for p in self._document.service.list_partners() if p.active)
        if partners == self._partners:
            return
        self._partners = partners
        current = self.audience.currentData()
        self.audience.blockSignals(True)
        try:
            self.audience.clear()
            self.audience.addItem("Every partner (joint risks)", "joint")
            for partner in partners:
                self.audience.addItem(f"{partner.code} only (joint + its internal risks)",
                                      partner.code)  # fmt: skip
            self.audience.addItem("Internal: everything (not for circulation)", "internal")
            found = self.audience.findData(current)
            self.audience.setCurrentIndex(max(0, found))
        finally:
            self.audience.blockSignals(False)

    def refresh(self) -> None:
        self._stale = False
        service = self._document.service
        self._offer_audiences()
        basis = Basis(self.basis.currentData())
        wanted = self.heat_filter()
        since = self.since.value()
        basis_label = service.latest_review_basis().label
        label = basis_label[:1].upper() + basis_label[1:]
        if self.arrows.itemText(1) != label:
            self.arrows.setItemText(1, label)
        mode = self.arrows.currentData()
        arrows: list[Movement] = []
        if since is not None:  # a date wins over the other arrows
            moment = datetime.combine(since, time(0, 0)).astimezone()
            arrows = service.heat_movements_since(moment, wanted)
            self.canvas.arrows_label = f"moves since {since:%d %b %Y}"
        elif mode == SINCE_REVIEW:
            travel_basis, arrows = service.travel_movements(wanted)
            self.canvas.arrows_label = f"moves {travel_basis.label}"
        elif mode == INHERENT:
            arrows = service.heat_movements(Basis.INHERENT, Basis.CURRENT, wanted)
            self.canvas.arrows_label = "inherent → current"
        self.canvas.outlined = service.appetite_cells(basis, wanted)
        self.hint.setText(HINTS[self.chosen_kind()])
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

    # -- paper --------------------------------------------------------------------------
    def print_map(self) -> PrintPreview:
        from ui.printing import preview_heat_map

        if self.canvas.heat is None:
            self.refresh()
        return preview_heat_map(self, self.request())

    def export_map(
        self,
        path: Path,
        *,
        width: int = 2400,
        dpi: int = 200,
        paper: str = "A4",
        orientation: str = "landscape",
    ) -> Path:
        """Write the heat map as a vector PDF (A4/A3, either way round) or a PNG of the map
        alone (``width`` pixels at ``dpi``)."""
        from riskreg.render.files import write_heat_map

        if self.canvas.heat is None:
            self.refresh()
        if path.suffix.lower() not in (".pdf", ".png"):
            path = path.with_suffix(".pdf")
        service = self._document.service
        author = service.actor.user
        write_heat_map(self.request(), path, width=width, dpi=dpi, paper=paper,
                       orientation=orientation, author=author)  # fmt: skip
        return path

    def choose_export(self) -> QMessageBox | None:
        """The Export dialog, then the file, then where it went (with "Show in folder")."""
        from riskreg.render.files import png_size
        from ui.confirm import confirm_written
        from ui.dialogs.heatmap_export import HeatMapExportDialog, suggested_path

        if self.canvas.heat is None:
            self.refresh()
        request = self.request()
        preferences = Preferences()
        suggested = suggested_path(str(preferences.folder_for(FolderKind.PDF)),
                                   self._register_name(), request.heat.on)  # fmt: skip
        if self._last_export is not None:
            suggested = self._last_export.path.with_name(suggested.name)
        choice = HeatMapExportDialog.ask(
            self, suggested, request.heat.filter.audience.marking,
            lambda width, dpi: png_size(request, width, dpi)[1], self._last_export,
        )  # fmt: skip
        if choice is None:
            return None
        try:
            written = self.export_map(
                choice.path,
                width=choice.width,
                dpi=choice.dpi,
                paper=choice.paper,
                orientation=choice.orientation,
            )
        except OSError as exc:
            self._document.sig_error.emit("The heat map was not exported", str(exc))
            return None
        self._last_export = choice
        preferences.remember_folder(FolderKind.IMAGE if choice.is_png else FolderKind.PDF,
                                    written)  # fmt: skip
        what = (f"The heat map (a {choice.width:,}-pixel PNG at {choice.dpi} dpi)" if choice.is_png
                else f"The heat map ({choice.paper} {choice.orientation} PDF)")  # fmt: skip
        return confirm_written(self, "Heat map exported", f"{what} was saved.", written)
