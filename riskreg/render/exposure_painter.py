"""Exposure by partner as a bar chart, drawn with QPainter for the screen, PDF and the pack.

One bar per partner for its share of the most likely cost of the open risks, in the
partner's colour, with a line from its share of the minimum to its share of the maximum
cost and the amounts written beside it. Type is in points on the device (9 pt by default,
never below 8), so the chart reads the same on a screen and on paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPaintDevice, QPainter, QPen

from riskreg.governance import Exposure
from riskreg.render.heatmap_layout import WRAP, font_of, points_to_pixels


def money(amount: int) -> str:
    return f"£{amount:,.0f}"


def risks_word(count: int) -> str:
    return f"{count} risk{'s' * (count != 1)}"


def paint_exposure(
    painter: QPainter,
    rect: QRectF,
    exposures: Sequence[Exposure],
    colours: Mapping[str, str],
    title: str = "Exposure by partner (share of the cost of open risks)",
    *,
    points: float = 9.0,
) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    device = painter.device()
    base = QFont(painter.font())
    body = font_of(base, points)
    bold = font_of(base, points, bold=True)
    heading = font_of(base, points * 1.3, bold=True)
    unit = points_to_pixels(points, device)
    metrics = QFontMetricsF(body, device)
    painter.setPen(QColor("#202124"))
    painter.setFont(heading)
    heading_h = QFontMetricsF(heading, device).lineSpacing() * 1.4
    if title:
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), heading_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | WRAP,
                         title)  # fmt: skip
    top = rect.top() + (heading_h if title else 0.0)
    if not exposures:
        painter.setFont(body)
        painter.drawText(
            QRectF(rect.left(), top, rect.width(), metrics.lineSpacing() * 2),
            Qt.AlignmentFlag.AlignLeft,
            "No open risk has a cost exposure.",
        )
        painter.restore()
        return
    label_width = max(QFontMetricsF(bold, device).horizontalAdvance(e.partner)
                      for e in exposures) + unit  # fmt: skip
    labels = [f"{money(e.likely)}  ({money(e.minimum)}–{money(e.maximum)}, "
              f"{risks_word(e.risks)})" for e in exposures]  # fmt: skip
    value_width = max(metrics.horizontalAdvance(text) for text in labels) + unit
    chart_left = rect.left() + label_width
    chart_width = max(unit, rect.width() - label_width - value_width - unit)
    highest = max(max(e.maximum for e in exposures), 1)
    note_h = metrics.lineSpacing() * 1.6
    row_height = max(metrics.lineSpacing() * 1.3,
                     min(unit * 3, (rect.bottom() - top - note_h) / len(exposures)))  # fmt: skip
    bar_height = row_height * 0.6
    for index, exposure in enumerate(exposures):
        y = top + index * row_height
        painter.setFont(bold)
        painter.setPen(QColor("#202124"))
        painter.drawText(QRectF(rect.left(), y, label_width - unit * 0.5, row_height),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         exposure.partner)  # fmt: skip
        width = chart_width * exposure.likely / highest
        bar = QRectF(chart_left, y + (row_height - bar_height) / 2, width, bar_height)
        painter.fillRect(bar, QColor(colours.get(exposure.partner, "#607d8b")))
        painter.setPen(QPen(QColor("#202124"), max(1.0, unit * 0.12)))
        middle = y + row_height / 2
        low = chart_left + chart_width * exposure.minimum / highest
        high = chart_left + chart_width * exposure.maximum / highest
        painter.drawLine(QPointF(low, middle), QPointF(high, middle))
        for x in (low, high):
            painter.drawLine(QPointF(x, middle - bar_height * 0.3),
                             QPointF(x, middle + bar_height * 0.3))  # fmt: skip
        painter.setFont(body)
        painter.drawText(
            QRectF(chart_left + chart_width + unit * 0.5, y, value_width, row_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            labels[index],
        )
    painter.setFont(body)
    painter.setPen(QColor("#5f6368"))
    painter.drawText(
        QRectF(rect.left(), top + len(exposures) * row_height + unit * 0.3, rect.width(), note_h),
        Qt.AlignmentFlag.AlignLeft | WRAP,
        "Bars: the most likely cost; lines: from the minimum to the maximum cost.",
    )
    painter.restore()


def exposure_height(device: QPaintDevice, count: int, points: float = 9.0) -> float:
    """The height the chart needs for ``count`` partners at ``points`` on ``device``."""
    unit = points_to_pixels(points, device)
    line = unit * 1.2
    return line * 1.3 * 1.4 + max(1, count) * unit * 2.4 + line * 2.2
