"""A printed heat-map page: title, date, the map with its legend, and a key of the risks.

The same function draws into a PDF page, a printer page or a PNG, so the paper matches
the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from riskreg.render.heatmap_painter import paint_heat_map
from riskreg.render.request import HeatMapRequest


def paint_heat_map_page(
    painter: QPainter, rect: QRectF, request: HeatMapRequest, *, page_number: int = 1
) -> None:
    unit = min(rect.width(), rect.height()) / 60
    to_points = 72.0 / max(1, painter.device().logicalDpiY())
    base = QFont(painter.font())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    title_font = QFont(base)
    title_font.setPointSizeF(unit * 1.6 * to_points)
    title_font.setBold(True)
    painter.setFont(title_font)
    painter.setPen(QColor("#202124"))
    header = QRectF(rect.left(), rect.top(), rect.width(), unit * 2.4)
    painter.drawText(header, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     request.title or "Joint risk register")  # fmt: skip
    has_key = bool(request.key)
    map_width = rect.width() * (0.66 if has_key else 1.0)
    map_rect = QRectF(rect.left(), header.bottom() + unit * 0.5, map_width,
                      rect.bottom() - header.bottom() - unit * 2.5)  # fmt: skip
    paint_heat_map(painter, map_rect, request.heat, arrows=request.arrows)
    if has_key:
        key_rect = QRectF(map_rect.right() + unit, map_rect.top(),
                          rect.right() - map_rect.right() - unit, map_rect.height())  # fmt: skip
        _paint_key(painter, key_rect, request, base, to_points, unit)
    footer_font = QFont(base)
    footer_font.setPointSizeF(unit * 0.8 * to_points)
    painter.setFont(footer_font)
    painter.setPen(QColor("#5f6368"))
    footer = QRectF(rect.left(), rect.bottom() - unit * 1.5, rect.width(), unit * 1.5)
    painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     request.heat.caption())  # fmt: skip
    painter.drawText(footer, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                     f"Page {page_number}")  # fmt: skip
    painter.restore()


def _paint_key(
    painter: QPainter, rect: QRectF, request: HeatMapRequest, base: QFont, to_points: float,
    unit: float,
) -> None:  # fmt: skip
    font = QFont(base)
    font.setPointSizeF(unit * 0.72 * to_points)
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    line = metrics.lineSpacing()
    painter.setPen(QPen(QColor("#202124")))
    lines = max(1, int(rect.height() // line) - 1)
    key = request.key
    shown = key if len(key) <= lines else key[: lines - 1]
    scheme = request.heat.scheme
    y = rect.top()
    for risk in shown:
        band = scheme.band(risk.likelihood, risk.impact).name
        text = f"{risk.ref}  {risk.score:>2} {band[:1]}  {risk.lead_partner}  {risk.title}"
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRectF(rect.left(), y, rect.width(), line), Qt.AlignmentFlag.AlignLeft,
                         elided)  # fmt: skip
        y += line
    if len(shown) < len(key):
        painter.drawText(QRectF(rect.left(), y, rect.width(), line), Qt.AlignmentFlag.AlignLeft,
                         f"… and {len(key) - len(shown)} more in the register")  # fmt: skip
