"""One painter for the heat map: grid in band colours, axis labels from the scheme, per
cell the count and the refs (or "+N more"), optional movement arrows, legend and caption.

Band names are written in the cells and the legend, so a greyscale print still reads.
Works on any QPaintDevice: a widget, a QImage, a QPdfWriter or a QPrinter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from riskreg.heatmap import HeatMap, Movement
from riskreg.scoring import ScoringScheme


@dataclass(frozen=True)
class HeatMapLayout:
    """Where everything goes in a rectangle: the cells for hit-testing and drawing."""

    caption: QRectF
    grid: QRectF
    cells: dict[tuple[int, int], QRectF]
    legend: QRectF
    unit: float
    """A base text size in device units, proportional to the picture."""
    transposed: bool = False
    """Impact up the side and likelihood along the bottom."""

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        for cell, rect in self.cells.items():
            if rect.contains(point):
                return cell
        return None


def layout_heat_map(
    rect: QRectF, scheme: ScoringScheme, *, legend: bool = True, transposed: bool = False
) -> HeatMapLayout:
    """Likelihood up the side and impact along the bottom, or the other way round."""
    n_rows, n_columns = scheme.size if not transposed else tuple(reversed(scheme.size))
    unit = max(6.0, min(rect.width(), rect.height()) / 55)
    caption = QRectF(rect.left(), rect.top(), rect.width(), unit * 2.6)
    legend_width = unit * 11 if legend else 0.0
    left = rect.left() + unit * 11  # likelihood labels
    bottom_labels = unit * 4.5
    grid = QRectF(
        left,
        caption.bottom() + unit,
        rect.right() - legend_width - unit - left,
        rect.bottom() - bottom_labels - caption.bottom() - unit,
    )
    side = min(grid.width() / n_columns, grid.height() / n_rows)
    grid = QRectF(grid.left(), grid.top(), side * n_columns, side * n_rows)
    cells = {}
    for lik in range(1, scheme.size[0] + 1):
        for imp in range(1, scheme.size[1] + 1):
            row, column = (imp, lik) if transposed else (lik, imp)
            cells[(lik, imp)] = QRectF(
                grid.left() + (column - 1) * side, grid.bottom() - row * side, side, side
            )
    legend_rect = QRectF(grid.right() + unit * 1.5, grid.top(), legend_width, grid.height())
    return HeatMapLayout(caption, grid, cells, legend_rect, unit, transposed)


MIN_POINTS = 7.0
"""No text smaller than this, on screen or paper: a small window shows fewer refs instead."""


def _font(base: QFont, size: float, *, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(MIN_POINTS, size))
    font.setBold(bold)
    return font


def _ink(background: str) -> QColor:
    colour = QColor(background)
    return QColor("#000000") if colour.lightness() > 110 else QColor("#ffffff")


def paint_heat_map(
    painter: QPainter,
    rect: QRectF,
    heat: HeatMap,
    *,
    arrows: Sequence[Movement] = (),
    highlight: tuple[int, int] | None = None,
    legend: bool = True,
    arrows_label: str = "",
    transposed: bool = False,
    outlined: frozenset[tuple[int, int]] = frozenset(),
) -> HeatMapLayout:
    """Draw the heat map into ``rect`` (device units) and return where its cells are.

    ``outlined`` cells (those holding a risk outside appetite) get a dashed outline."""
    scheme = heat.scheme
    geometry = layout_heat_map(rect, scheme, legend=legend, transposed=transposed)
    unit = geometry.unit
    # Points are 1/72 inch; convert our device-unit sizes so text scales with the picture.
    to_points = 72.0 / max(1, painter.device().logicalDpiY())
    base = QFont(painter.font())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)

    painter.setPen(QColor("#202124"))
    painter.setFont(_font(base, unit * 1.3 * to_points, bold=True))
    painter.drawText(geometry.caption, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     heat.caption() + (f" — arrows: {arrows_label}" if arrows else ""))  # fmt: skip

    _paint_cells(painter, geometry, heat, base, to_points, highlight)
    _paint_outlines(painter, geometry, outlined)
    _paint_axes(painter, geometry, scheme, base, to_points)
    if arrows:
        _paint_arrows(painter, geometry, arrows)
    if legend:
        _paint_legend(painter, geometry, heat, base, to_points, bool(outlined))
    painter.restore()
    return geometry


OUTLINE = QColor("#202124")


def _outline_pen(unit: float) -> QPen:
    pen = QPen(OUTLINE, max(1.5, unit * 0.35))
    pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _paint_outlines(
    painter: QPainter, geometry: HeatMapLayout, outlined: frozenset[tuple[int, int]]
) -> None:
    """A dashed outline round each cell holding a risk outside appetite."""
    if not outlined:
        return
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(_outline_pen(geometry.unit))
    inset = geometry.unit * 0.35
    for cell in outlined:
        rect = geometry.cells.get(cell)
        if rect is not None:
            painter.drawRect(rect.adjusted(inset, inset, -inset, -inset))


def _paint_cells(
    painter: QPainter,
    geometry: HeatMapLayout,
    heat: HeatMap,
    base: QFont,
    to_points: float,
    highlight: tuple[int, int] | None,
) -> None:
    scheme = heat.scheme
    unit = geometry.unit
    for (lik, imp), cell in geometry.cells.items():
        band = scheme.band(lik, imp)
        painter.setPen(QPen(QColor("#ffffff"), max(1.0, unit * 0.25)))
        painter.setBrush(QColor(band.colour))
        painter.drawRect(cell)
        ink = _ink(band.colour)
        inner = cell.adjusted(unit * 0.5, unit * 0.3, -unit * 0.5, -unit * 0.3)
        painter.setPen(ink)
        label_font = _font(base, unit * 0.75 * to_points)
        painter.setFont(label_font)
        label = f"{band.name} · {lik * imp}"
        metrics = QFontMetricsF(label_font, painter.device())
        if metrics.horizontalAdvance(label) > inner.width():
            label = f"{band.name[:1]} · {lik * imp}"  # the band's initial when the name won't fit
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label)
        refs = heat.cells.get((lik, imp), ())
        if not refs:
            continue
        count_font = _font(base, min(cell.height() * 0.22, unit * 2.4) * to_points, bold=True)
        painter.setFont(count_font)
        count_height = QFontMetricsF(count_font, painter.device()).height()
        count_rect = QRectF(inner.left(), inner.top() + unit * 1.0, inner.width(), count_height)
        painter.drawText(count_rect, Qt.AlignmentFlag.AlignHCenter, str(len(refs)))
        ref_font = _font(base, unit * 0.8 * to_points)
        painter.setFont(ref_font)
        refs_rect = QRectF(
            inner.left(), count_rect.bottom(), inner.width(), inner.bottom() - count_rect.bottom()
        )
        painter.drawText(
            refs_rect,
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            fit_refs(refs, refs_rect, QFontMetricsF(ref_font, painter.device())),
        )
    if highlight in geometry.cells:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("#1a73e8"), unit * 0.45))
        painter.drawRect(geometry.cells[highlight].adjusted(1, 1, -1, -1))


def fit_refs(refs: Sequence[str], rect: QRectF, metrics: QFontMetricsF) -> str:
    """As many refs as fit in the rectangle, then "+N more"."""
    per_line = max(1, int(rect.width() // max(1.0, metrics.horizontalAdvance("R-000 "))))
    lines = max(1, int(rect.height() // max(1.0, metrics.lineSpacing())))
    room = per_line * lines
    if len(refs) <= room:
        return " ".join(refs)
    shown = max(0, room - per_line)  # keep the last line for the "+N more"
    return " ".join(refs[:shown]) + f"\n+{len(refs) - shown} more"


def _paint_axes(
    painter: QPainter, geometry: HeatMapLayout, scheme: ScoringScheme, base: QFont, to_points: float
) -> None:
    unit = geometry.unit
    painter.setPen(QColor("#202124"))
    painter.setFont(_font(base, unit * 0.85 * to_points))
    side_levels, bottom_levels = (
        (scheme.impact, scheme.likelihood) if geometry.transposed
        else (scheme.likelihood, scheme.impact)
    )  # fmt: skip
    side_title, bottom_title = (
        ("Impact →", "Likelihood →") if geometry.transposed else ("Likelihood →", "Impact →")
    )

    def cell_of(side: int, bottom: int) -> QRectF:
        key = (bottom, side) if geometry.transposed else (side, bottom)
        return geometry.cells[key]

    for level in side_levels:
        cell = cell_of(level.value, 1)
        label = QRectF(geometry.grid.left() - unit * 10.5, cell.top(), unit * 10, cell.height())
        painter.drawText(label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                         | Qt.TextFlag.TextWordWrap, level.caption)  # fmt: skip
    for level in bottom_levels:
        cell = cell_of(1, level.value)
        label = QRectF(cell.left(), geometry.grid.bottom() + unit * 0.4, cell.width(), unit * 2.6)
        painter.drawText(label, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                         | Qt.TextFlag.TextWordWrap, level.caption)  # fmt: skip
    painter.setFont(_font(base, unit * 1.0 * to_points, bold=True))
    impact_title = QRectF(geometry.grid.left(), geometry.grid.bottom() + unit * 3,
                          geometry.grid.width(), unit * 1.5)  # fmt: skip
    painter.drawText(impact_title, Qt.AlignmentFlag.AlignHCenter, bottom_title)
    painter.save()
    painter.translate(geometry.grid.left() - unit * 10.9, geometry.grid.center().y())
    painter.rotate(-90)
    painter.drawText(QRectF(-geometry.grid.height() / 2, -unit * 1.5, geometry.grid.height(),
                            unit * 1.5), Qt.AlignmentFlag.AlignHCenter, side_title)  # fmt: skip
    painter.restore()


def _paint_arrows(painter: QPainter, geometry: HeatMapLayout, arrows: Sequence[Movement]) -> None:
    unit = geometry.unit
    pen = QPen(QColor(32, 33, 36, 170), max(1.0, unit * 0.2))
    painter.setPen(pen)
    painter.setBrush(QColor(32, 33, 36, 170))
    seen: dict[tuple[tuple[int, int], tuple[int, int]], int] = {}
    for move in arrows:
        if move.start not in geometry.cells or move.end not in geometry.cells:
            continue
        nth = seen.setdefault((move.start, move.end), 0)
        seen[(move.start, move.end)] = nth + 1
        offset = QPointF((nth % 5 - 2) * unit * 0.5, (nth // 5 % 3 - 1) * unit * 0.5)
        start = geometry.cells[move.start].center() + offset
        end = geometry.cells[move.end].center() + offset
        line = QLineF(start, end)
        if line.length() < 1:
            continue
        line.setLength(line.length() - unit * 0.6)
        painter.drawLine(line)
        angle = math.atan2(-line.dy(), line.dx())
        head = unit * 0.9
        tip = line.p2()
        left = tip - QPointF(math.cos(angle - 0.45) * head, -math.sin(angle - 0.45) * head)
        right = tip - QPointF(math.cos(angle + 0.45) * head, -math.sin(angle + 0.45) * head)
        painter.drawPolygon(QPolygonF([tip, left, right]))


def _paint_legend(
    painter: QPainter,
    geometry: HeatMapLayout,
    heat: HeatMap,
    base: QFont,
    to_points: float,
    outlines: bool = False,
) -> None:
    unit = geometry.unit
    scheme = heat.scheme
    ranges: dict[int, list[int]] = {}
    for lik in range(1, scheme.size[0] + 1):
        for imp in range(1, scheme.size[1] + 1):
            ranges.setdefault(scheme.band_index(lik, imp), []).append(lik * imp)
    y = geometry.legend.top()
    painter.setFont(_font(base, unit * 0.95 * to_points, bold=True))
    painter.setPen(QColor("#202124"))
    painter.drawText(QRectF(geometry.legend.left(), y, geometry.legend.width(), unit * 1.6),
                     Qt.AlignmentFlag.AlignLeft, "Bands")  # fmt: skip
    y += unit * 2
    painter.setFont(_font(base, unit * 0.85 * to_points))
    for index, band in reversed(list(enumerate(scheme.bands))):
        scores = ranges.get(index)
        swatch = QRectF(geometry.legend.left(), y, unit * 1.6, unit * 1.6)
        painter.setPen(QPen(QColor("#5f6368"), 0.5))
        painter.setBrush(QColor(band.colour))
        painter.drawRect(swatch)
        painter.setPen(QColor("#202124"))
        text = band.name + (f"  {min(scores)}–{max(scores)}" if scores else "")
        label = QRectF(swatch.right() + unit * 0.5, y, geometry.legend.width(), unit * 1.6)
        painter.drawText(label, Qt.AlignmentFlag.AlignVCenter, text)
        y += unit * 2.2
    if outlines:
        swatch = QRectF(geometry.legend.left(), y, unit * 1.6, unit * 1.6)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_outline_pen(unit * 0.6))
        painter.drawRect(swatch)
        painter.setPen(QColor("#202124"))
        painter.drawText(QRectF(swatch.right() + unit * 0.5, y, geometry.legend.width(),
                                unit * 1.6), Qt.AlignmentFlag.AlignVCenter,
                         "outside appetite")  # fmt: skip
        y += unit * 2.2
    y += unit
    shown = f"{heat.total} risk{'s' * (heat.total != 1)} shown"
    if heat.unrated:  # drafts not yet scored have no cell; they are counted, not hidden
        shown += f"\nUnrated: {len(heat.unrated)}"
    painter.drawText(QRectF(geometry.legend.left(), y, geometry.legend.width(), unit * 4),
                     Qt.TextFlag.TextWordWrap, shown)  # fmt: skip
