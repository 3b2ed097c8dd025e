"""A printed heat-map page: title, date, the map with its legend, and a key of the risks.

The same function draws into a PDF page, a printer page or a PNG, so the paper matches
the screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPagedPaintDevice, QPainter, QPen

from riskreg.render.heatmap_painter import paint_heat_map
from riskreg.render.request import HeatMapRequest


def without_ligatures(font: QFont) -> QFont:
    """Text in a PDF is searched and copied: "ff" or "fi" drawn as one ligature glyph comes
    out as "ﬀ" or "ﬁ", so a fingerprint or an officer's name pasted from a printed page
    would not match what the register holds."""
    plain = QFont(font)
    plain.setFeature(QFont.Tag("liga"), 0)
    return plain


def paint_heat_map_document(device: QPagedPaintDevice, request: HeatMapRequest) -> int:
    """The heat map and its key on a paged device (a PDF writer or a printer)."""
    painter = QPainter(device)
    painter.setFont(without_ligatures(painter.font()))
    try:
        page = device.pageLayout().paintRectPixels(device.logicalDpiY())
        return paint_heat_map_pages(
            painter, QRectF(0, 0, page.width(), page.height()), request, device.newPage
        )
    finally:
        painter.end()


def paint_heat_map_pages(
    painter: QPainter,
    rect: QRectF,
    request: HeatMapRequest,
    new_page: Callable[[], object] | None = None,
    *,
    first_page: int = 1,
) -> int:
    """The map page, then as many key pages as the key needs: every risk of the map is
    listed exactly once. Without ``new_page`` (a PNG) the key ends in "… and N more".
    Returns the number of pages drawn."""
    listed = paint_heat_map_page(
        painter, rect, request, page_number=first_page, more_pages=new_page is not None
    )
    pages = 1
    while new_page is not None and listed < len(request.key):
        new_page()
        pages += 1
        listed = _paint_key_page(painter, rect, request, listed, first_page + pages - 1)
    return pages


def paint_heat_map_page(
    painter: QPainter,
    rect: QRectF,
    request: HeatMapRequest,
    *,
    page_number: int = 1,
    more_pages: bool = False,
) -> int:
    """One page: title, map, legend and the start of the key. Returns how many key
    entries it listed."""
    unit, to_points, base = _units(painter, rect)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    header = _title(painter, rect, request.title or "Joint risk register", unit, to_points, base)
    has_key = bool(request.key)
    map_width = rect.width() * (0.66 if has_key else 1.0)
    map_rect = QRectF(rect.left(), header.bottom() + unit * 0.5, map_width,
                      rect.bottom() - header.bottom() - unit * 2.5)  # fmt: skip
    paint_heat_map(painter, map_rect, request.heat, arrows=request.arrows,
                   arrows_label=request.arrows_label, transposed=request.transposed,
                   outlined=request.outlined)  # fmt: skip
    listed = 0
    if has_key:
        key_rect = QRectF(map_rect.right() + unit, map_rect.top(),
                          rect.right() - map_rect.right() - unit, map_rect.height())  # fmt: skip
        listed = _paint_key(painter, key_rect, request, 0, base, to_points, unit, more_pages)
    _footer(painter, rect, request, page_number, unit, to_points, base)
    painter.restore()
    return listed


def _units(painter: QPainter, rect: QRectF) -> tuple[float, float, QFont]:
    unit = min(rect.width(), rect.height()) / 60
    return unit, 72.0 / max(1, painter.device().logicalDpiY()), QFont(painter.font())


def _title(
    painter: QPainter, rect: QRectF, text: str, unit: float, to_points: float, base: QFont
) -> QRectF:
    """The page's title on one line, in a smaller type if it is long (down to 70 %), and
    on two lines beyond that: never cut at the page's edge."""
    title_font = QFont(base)
    size = unit * 1.6 * to_points
    title_font.setPointSizeF(size)
    title_font.setBold(True)
    advance = QFontMetricsF(title_font, painter.device()).horizontalAdvance(text)
    if advance > rect.width():
        title_font.setPointSizeF(size * max(0.7, rect.width() / advance * 0.98))
    painter.setFont(title_font)
    painter.setPen(QColor("#202124"))
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
    needed = painter.boundingRect(QRectF(rect.left(), rect.top(), rect.width(), unit * 10),
                                  flags, text)  # fmt: skip
    header = QRectF(rect.left(), rect.top(), rect.width(), max(unit * 2.4, needed.height()))
    painter.drawText(header, flags, text)
    return header


def _footer(
    painter: QPainter, rect: QRectF, request: HeatMapRequest, page_number: int, unit: float,
    to_points: float, base: QFont,
) -> None:  # fmt: skip
    footer_font = QFont(base)
    footer_font.setPointSizeF(unit * 0.8 * to_points)
    painter.setFont(footer_font)
    painter.setPen(QColor("#5f6368"))
    footer = QRectF(rect.left(), rect.bottom() - unit * 1.5, rect.width(), unit * 1.5)
    painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     request.heat.caption())  # fmt: skip
    painter.drawText(footer, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                     f"Page {page_number}")  # fmt: skip


def _paint_key_page(
    painter: QPainter, rect: QRectF, request: HeatMapRequest, start: int, page_number: int
) -> int:
    """A page holding only key entries, in three columns."""
    unit, to_points, base = _units(painter, rect)
    painter.save()
    header = _title(painter, rect, f"{request.title} — key (continued)", unit, to_points, base)
    body = QRectF(rect.left(), header.bottom() + unit, rect.width(),
                  rect.bottom() - header.bottom() - unit * 3.5)  # fmt: skip
    columns = 3
    width = body.width() / columns
    listed = start
    for column in range(columns):
        column_rect = QRectF(body.left() + column * width, body.top(), width - unit, body.height())
        note = True if column == columns - 1 else None
        listed = _paint_key(painter, column_rect, request, listed, base, to_points, unit, note)
    _footer(painter, rect, request, page_number, unit, to_points, base)
    painter.restore()
    return listed


def _paint_key(
    painter: QPainter, rect: QRectF, request: HeatMapRequest, start: int, base: QFont,
    to_points: float, unit: float, continues: bool | None = False,
) -> int:  # fmt: skip
    """Key lines from ``start`` while they fit; returns the index after the last listed.

    The last line says where the rest is: on the next page (``continues``), or how many
    more the register holds (a single picture); ``None`` fills every line, no note."""
    font = QFont(base)
    font.setPointSizeF(max(6.5, unit * 0.72 * to_points))
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    line = metrics.lineSpacing()
    painter.setPen(QPen(QColor("#202124")))
    room = max(1, int(rect.height() // line))
    key = request.key
    remaining = len(key) - start
    count = remaining if remaining <= room or continues is None else room - 1
    count = min(count, room)
    scheme = request.heat.scheme
    y = rect.top()
    for risk in key[start : start + count]:
        band = scheme.band(risk.likelihood, risk.impact).name
        text = f"{risk.ref}  {risk.score:>2} {band[:1]}  {risk.lead_partner}  {risk.title}"
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRectF(rect.left(), y, rect.width(), line), Qt.AlignmentFlag.AlignLeft,
                         elided)  # fmt: skip
        y += line
    listed = start + count
    if listed < len(key) and continues is not None:
        more = len(key) - listed
        note = "continued on the next page" if continues else f"… and {more} more in the register"
        if continues or rect.height() >= line:
            painter.drawText(QRectF(rect.left(), y, rect.width(), line),
                             Qt.AlignmentFlag.AlignLeft, note)  # fmt: skip
    return listed
