"""Exposure by partner as a bar chart, drawn with QPainter for the screen, PDF and the pack.

One bar per partner for its share of the most likely cost of the open risks, in the
partner's colour, with a line from its share of the minimum to its share of the maximum
cost and the amounts written beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from riskreg.governance import Exposure


def money(amount: int) -> str:
    return f"£{amount:,.0f}"


def paint_exposure(
    painter: QPainter,
    rect: QRectF,
    exposures: Sequence[Exposure],
    colours: Mapping[str, str],
    title: str = "Exposure by partner (share of the cost of open risks)",
) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rows = max(len(exposures), 1)
    unit = max(6.0, min(rect.height() / (rows * 3 + 7), rect.width() / 60))
    base = QFont(painter.font())
    base.setPixelSize(max(8, int(unit * 0.9)))
    bold = QFont(base)
    bold.setBold(True)
    heading = QFont(bold)
    heading.setPixelSize(int(unit * 1.3))
    painter.setPen(QColor("#202124"))
    painter.setFont(heading)
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), unit * 2.2),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)  # fmt: skip
    if not exposures:
        painter.setFont(base)
        painter.drawText(QRectF(rect.left(), rect.top() + unit * 3, rect.width(), unit * 2),
                         Qt.AlignmentFlag.AlignLeft,
                         "No open risk has a cost exposure.")  # fmt: skip
        painter.restore()
        return
    top = rect.top() + unit * 3
    label_width = unit * 5
    labels = [f"{money(e.likely)}  ({money(e.minimum)}–{money(e.maximum)}, {e.risks} risks)"
              for e in exposures]  # fmt: skip
    metrics = QFontMetricsF(base, painter.device())
    value_width = max(metrics.horizontalAdvance(text) for text in labels) + unit
    chart_left = rect.left() + label_width
    chart_width = max(unit, rect.width() - label_width - value_width - unit)
    highest = max(max(e.maximum for e in exposures), 1)
    row_height = min(unit * 3, (rect.bottom() - top - unit * 2) / len(exposures))
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
        painter.setFont(base)
        painter.drawText(
            QRectF(chart_left + chart_width + unit * 0.5, y, value_width, row_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            labels[index],
        )
    painter.setFont(base)
    painter.setPen(QColor("#5f6368"))
    painter.drawText(
        QRectF(rect.left(), top + len(exposures) * row_height + unit * 0.5, rect.width(), unit * 2),
        Qt.AlignmentFlag.AlignLeft,
        "Bars: the most likely cost; lines: from the minimum to the maximum cost.",
    )
    painter.restore()
