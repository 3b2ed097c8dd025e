"""Exposure by partner: each partner's share of the cost of the open risks, as a table and
as the bar chart the meeting pack prints (the same painter)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QSplitter, QTableView, QVBoxLayout, QWidget

from riskreg.governance import Exposure
from riskreg.records import Changes
from riskreg.render.exposure_painter import money, paint_exposure
from ui.document import RegisterDocument


class ExposureChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.exposures: list[Exposure] = []
        self.colours: dict[str, str] = {}
        self.setMinimumHeight(220)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        rect = QRectF(self.rect()).adjusted(16, 12, -16, -12)
        paint_exposure(painter, rect, self.exposures, self.colours)
        painter.end()


class ExposureView(QWidget):
    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels(
            ["Partner", "Open risks with a cost", "Minimum", "Most likely", "Maximum"]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.chart = ExposureChart()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(self.table)
        split.setSizes([420, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(split)
        self._shown = False
        self._stale = True
        document.sig_changed.connect(self._register_changed)

    def set_shown(self, shown: bool) -> None:
        """Its tab was raised (read it now if the register changed meanwhile) or left."""
        self._shown = shown
        if shown and self._stale and self.document.is_open:
            self.refresh()

    def _register_changed(self, changes: Changes, _initiator: object) -> None:
        if not (changes.risks or changes.reaches_every_risk):
            return
        self._stale = True
        if self._shown:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        exposures = self.document.service.exposure_by_partner()
        settings = self.document.settings
        self.chart.exposures = exposures
        self.chart.colours = {p.code: p.colour for p in settings.partners} if settings else {}
        self.model.removeRows(0, self.model.rowCount())
        for e in exposures:
            cells = [QStandardItem(e.partner), QStandardItem(str(e.risks)),
                     QStandardItem(money(e.minimum)), QStandardItem(money(e.likely)),
                     QStandardItem(money(e.maximum))]  # fmt: skip
            for cell in cells[1:]:
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for cell in cells:
                cell.setEditable(False)
            self.model.appendRow(cells)
        self.chart.update()
