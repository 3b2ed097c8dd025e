"""A printed heat map: the map in the main area of the page, its legend, and a key of every
risk it shows (ref, score in its band's colour, lead partner, the whole title, wrapped),
continuing on further pages when long; who the paper is for on every page; "Page x of y".

The pages are planned (measured with the device's fonts) before one is painted, so the
page count is known on the first page. The same functions draw into a PDF, a printer (the
print preview) and the meeting pack; the pack puts its own header and footer round them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPaintDevice,
    QPainter,
    QPen,
)

from riskreg.audience import Audience, AudienceKind
from riskreg.render.heatmap_layout import (
    WRAP,
    LegendEntry,
    MapFonts,
    abbreviated_legend,
    base_points,
    font_of,
    layout_heat_map,
    place_legend,
    points_to_pixels,
)
from riskreg.render.heatmap_painter import (
    legend_entries,
    map_caption,
    paint_layout,
    paint_legend,
)
from riskreg.render.request import HeatMapRequest

PageBody = Callable[[QPainter, QRectF], None]
"""Paints one page's body into the rectangle it is given."""

INK = QColor("#202124")
MUTED = QColor("#5f6368")
RESTRICTED = QColor("#b3261e")

MAP_SHARE = 0.7
"""On landscape paper the map takes this share of the page's width, the legend and the key
the rest: with square cells that is more than half of the printable area."""


def without_ligatures(font: QFont) -> QFont:
    """Text in a PDF is searched and copied: "ff" or "fi" drawn as one ligature glyph comes
    out as "ﬀ" or "ﬁ", so a fingerprint or an officer's name pasted from a printed page
    would not match what the register holds."""
    plain = QFont(font)
    plain.setFeature(QFont.Tag("liga"), 0)
    return plain


A4_SHORT_INCHES = 186 / 25.4
"""The printable short side of A4 with 12 mm margins: the page whose type is 9 pt."""


def paper_scale(rect: QRectF, device: QPaintDevice) -> float:
    """How much larger than on A4 the page's type is: 1 on A4, about 1.4 on A3 (a map put
    on a wall or a board table is read from further away), never smaller."""
    short = min(rect.width(), rect.height()) / max(1, device.logicalDpiY())
    return max(1.0, min(1.45, short / A4_SHORT_INCHES))


def marking_colour(audience: Audience) -> QColor:
    return RESTRICTED if audience.kind is AudienceKind.INTERNAL else INK


# -- the whole document --------------------------------------------------------------------
def paint_heat_map_document(device: QPagedPaintDevice, request: HeatMapRequest) -> int:
    """The heat map and its key on a paged device (a PDF writer or a printer), with a
    header naming the register and the audience, and "Page x of y"; returns the pages."""
    base = without_ligatures(QFont())
    page = device.pageLayout().paintRectPixels(device.logicalDpiY())
    whole = QRectF(0, 0, page.width(), page.height())
    chrome = _Chrome(device, whole, base, request)
    bodies = plan_heat_map_pages(device, chrome.body, request, base)
    painter = QPainter(device)
    try:
        for number, body in enumerate(bodies, start=1):
            if number > 1:
                device.newPage()
            painter.setFont(base)
            chrome.paint(painter, number, len(bodies))
            body(painter, chrome.body)
    finally:
        painter.end()
    return len(bodies)


class _Chrome:
    """The printed map's header (title, audience) and footer (date, "Page x of y")."""

    def __init__(
        self, device: QPaintDevice, rect: QRectF, base: QFont, request: HeatMapRequest
    ) -> None:
        self.rect = rect
        self.request = request
        self.audience = request.heat.filter.audience
        pixel = points_to_pixels(1.0, device)
        scale = paper_scale(rect, device)
        self.unit = 9 * scale * pixel
        self.title_font = font_of(base, 13 * scale, bold=True)
        self.marking_font = font_of(base, 9.5 * scale, bold=True)
        self.footer_font = font_of(base, 8.5 * scale)
        self.title = f"{request.title or 'Joint risk register'} — heat map"
        marking = QFontMetricsF(self.marking_font, device)
        self.marking_w = marking.horizontalAdvance(self.audience.marking) + self.unit
        title = QFontMetricsF(self.title_font, device)
        title_box = title.boundingRect(
            QRectF(0, 0, max(1.0, rect.width() - self.marking_w), 1e6), WRAP, self.title
        )
        self.header_h = max(title_box.height(), marking.height())
        self.footer_h = QFontMetricsF(self.footer_font, device).lineSpacing()
        top = rect.top() + self.header_h + self.unit * 0.9
        self.body = QRectF(rect.left(), top, rect.width(),
                           rect.bottom() - self.footer_h - self.unit * 0.9 - top)  # fmt: skip

    def paint(self, painter: QPainter, number: int, pages: int) -> None:
        r, u = self.rect, self.unit
        painter.setPen(INK)
        painter.setFont(self.title_font)
        painter.drawText(QRectF(r.left(), r.top(), r.width() - self.marking_w, self.header_h),
                         Qt.AlignmentFlag.AlignLeft | WRAP, self.title)  # fmt: skip
        painter.setFont(self.marking_font)
        painter.setPen(marking_colour(self.audience))
        painter.drawText(QRectF(r.right() - self.marking_w, r.top(), self.marking_w,
                                self.header_h),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                         self.audience.marking)  # fmt: skip
        painter.setPen(QPen(QColor("#dadce0"), max(1.0, u * 0.08)))
        rule = r.top() + self.header_h + u * 0.45
        painter.drawLine(QLineF(r.left(), rule, r.right(), rule))
        painter.setFont(self.footer_font)
        painter.setPen(MUTED)
        footer = QRectF(r.left(), r.bottom() - self.footer_h, r.width(), self.footer_h)
        heat = self.request.heat
        left = f"{self.request.title or 'Joint risk register'} — {heat.on:%d %b %Y}"
        if self.audience.restricted:
            left += f" — {self.audience.marking}"
        painter.drawText(footer, Qt.AlignmentFlag.AlignLeft, left)
        painter.drawText(footer, Qt.AlignmentFlag.AlignRight, f"Page {number} of {pages}")


# -- planning the pages ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KeyEntry:
    ref: str
    score: int
    colour: str
    lead: str
    title: str


def key_entries(request: HeatMapRequest) -> list[KeyEntry]:
    heat = request.heat
    notes = request.key_notes
    return [
        KeyEntry(p.ref, p.score, heat.colour(p.likelihood, p.impact), p.lead_partner,
                 f"{notes[p.ref]} — {p.title}" if p.ref in notes else p.title)
        for p in request.key
    ]  # fmt: skip


class _Key:
    """The key's type and its columns (ref, score, then the title and lead partner),
    measured once, so every page of it lines up."""

    def __init__(
        self, device: QPaintDevice, base: QFont, entries: Sequence[KeyEntry], scale: float = 1.0
    ) -> None:
        self.device = device
        self.font = font_of(base, 9 * scale)
        self.bold = font_of(base, 9 * scale, bold=True)
        self.heading = font_of(base, 10 * scale, bold=True)
        self.unit = points_to_pixels(9 * scale, device)
        self.metrics = QFontMetricsF(self.font, device)
        bold = QFontMetricsF(self.bold, device)
        self.line = self.metrics.lineSpacing()
        self.ref_w = max((bold.horizontalAdvance(e.ref) for e in entries), default=0.0)
        self.score_w = bold.horizontalAdvance("25") + self.unit * 0.7
        self.gap = self.unit * 0.6
        self.entries = entries
        self.note_h = self.line * 1.4

    def title_width(self, column: float) -> float:
        return max(self.unit, column - self.ref_w - self.score_w - self.gap * 2)

    @staticmethod
    def text_of(entry: KeyEntry) -> str:
        """The title, then the lead partner: "Live traffic strike … — APEX"."""
        return f"{entry.title} — {entry.lead}"

    def heights(self, column: float) -> list[float]:
        width = self.title_width(column)
        return [max(self.line, self.metrics.boundingRect(QRectF(0, 0, width, 1e6), WRAP,
                                                          self.text_of(e)).height())
                + self.unit * 0.25 for e in self.entries]  # fmt: skip

    def fill(
        self, columns: Sequence[QRectF], start: int, heights: Sequence[float], *, force: bool
    ) -> tuple[list[tuple[int, QRectF]], int]:
        """Entries from ``start`` down the columns while they fit; the last column keeps
        room for "continued on the next page" when more remain. ``force``: a page of key
        alone takes at least one entry, however tall."""
        placed: list[tuple[int, QRectF]] = []
        index = start
        for number, column in enumerate(columns):
            y = column.top()
            last_column = number == len(columns) - 1
            while index < len(self.entries):
                height = heights[index]
                reserve = self.note_h if last_column and index < len(self.entries) - 1 else 0.0
                if y + height + reserve > column.bottom() and (placed or not force):
                    break
                placed.append((index, QRectF(column.left(), y, column.width(), height)))
                y += height
                index += 1
        return placed, index

    def paint(self, painter: QPainter, placed: Sequence[tuple[int, QRectF]]) -> None:
        for index, box in placed:
            entry = self.entries[index]
            x = box.left()
            painter.setPen(INK)
            painter.setFont(self.bold)
            painter.drawText(QRectF(x, box.top(), self.ref_w, self.line),
                             Qt.AlignmentFlag.AlignLeft, entry.ref)  # fmt: skip
            x += self.ref_w + self.gap
            chip = QRectF(x, box.top() + self.line * 0.05, self.score_w, self.line * 0.95)
            painter.fillRect(chip, QColor(entry.colour))
            painter.setPen(_ink(entry.colour))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, str(entry.score))
            x += self.score_w + self.gap
            painter.setPen(INK)
            painter.setFont(self.font)
            painter.drawText(QRectF(x, box.top(), box.right() - x, box.height()),
                             Qt.AlignmentFlag.AlignLeft | WRAP, self.text_of(entry))  # fmt: skip

    def paint_note(self, painter: QPainter, column: QRectF, text: str) -> None:
        painter.setFont(self.font)
        painter.setPen(MUTED)
        painter.drawText(QRectF(column.left(), column.bottom() - self.line, column.width(),
                                self.line), Qt.AlignmentFlag.AlignLeft, text)  # fmt: skip


def _ink(background: str) -> QColor:
    return QColor("#000000") if QColor(background).lightness() > 110 else QColor("#ffffff")


def plan_heat_map_pages(
    device: QPaintDevice, rect: QRectF, request: HeatMapRequest, base: QFont
) -> list[PageBody]:
    """The pages of a printed heat map, measured on ``device`` for a body of ``rect``:
    the map page (map, legend, the start of the key), then key pages until every risk of
    the map is listed once."""
    heat = request.heat
    landscape = rect.width() >= rect.height()
    entries = key_entries(request)
    key = _Key(device, base, entries, paper_scale(rect, device))
    gap = key.unit * 1.2
    legend = _legend(request)
    caption = map_caption(heat, request.arrows, request.arrows_label)
    if not entries:  # the map alone: all of the page, its legend beside or under it
        geometry = layout_heat_map(rect, heat.scheme, device, caption=caption, legend=legend,
                                   transposed=request.transposed, base_font=base)  # fmt: skip

        def map_only(painter: QPainter, _: QRectF) -> None:
            paint_layout(painter, geometry, heat, arrows=request.arrows, outlined=request.outlined)

        return [map_only]
    if landscape:
        map_rect = QRectF(rect.left(), rect.top(), rect.width() * MAP_SHARE, rect.height())
        side = QRectF(map_rect.right() + gap, rect.top(), rect.right() - map_rect.right() - gap,
                      rect.height())  # fmt: skip
        points = base_points(map_rect, device)
        geometry = layout_heat_map(map_rect, heat.scheme, device, caption=caption,
                                   transposed=request.transposed, points=points,
                                   base_font=base)  # fmt: skip
        if geometry.abbreviated:
            legend = abbreviated_legend(legend, heat.scheme)
        fonts = MapFonts.at(base, points)
        boxes, legend_h = place_legend(legend, side.left(), side.top(), side.width(), device,
                                       fonts, geometry.unit)  # fmt: skip
        key_top = side.top() + legend_h + gap
        first_columns = [QRectF(side.left(), key_top, side.width(), side.bottom() - key_top)]
        continuation = 3
    else:
        share = 0.6 if entries else 1.0
        map_rect = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * share)
        geometry = layout_heat_map(map_rect, heat.scheme, device, caption=caption,
                                   legend=legend, transposed=request.transposed,
                                   base_font=base)  # fmt: skip
        boxes, fonts = [], geometry.fonts
        key_top = geometry.used.bottom() + gap
        column_w = (rect.width() - gap) / 2
        first_columns = [
            QRectF(rect.left() + n * (column_w + gap), key_top, column_w, rect.bottom() - key_top)
            for n in range(2)
        ]
        continuation = 2
    heading_h = QFontMetricsF(key.heading, device).lineSpacing() * 1.3
    first_columns = [c.adjusted(0, heading_h, 0, 0) for c in first_columns]
    heights = key.heights(first_columns[0].width())
    placed, first_listed = key.fill(first_columns, 0, heights, force=False) if entries else ([], 0)
    count = len(entries)
    noun = ("opportunit" + ("ies" if count != 1 else "y") if heat.filter.kind.value == "Opportunity"
            else "risk" + "s" * (count != 1))  # fmt: skip
    heading = f"Key — {count} {noun}, in ref order"

    def first_page(painter: QPainter, _: QRectF) -> None:
        paint_layout(painter, geometry, heat, arrows=request.arrows, outlined=request.outlined)
        if boxes:
            paint_legend(painter, boxes, fonts, geometry.unit)
        if entries:
            _paint_heading(painter, key, first_columns[0], rect.right(), heading_h, heading)
            key.paint(painter, placed)
            if first_listed < count:
                key.paint_note(painter, first_columns[-1], "Continued on the next page")

    pages: list[PageBody] = [first_page]
    listed = first_listed
    column_w = (rect.width() - gap * (continuation - 1)) / continuation
    columns = [
        QRectF(rect.left() + n * (column_w + gap), rect.top() + heading_h, column_w,
               rect.height() - heading_h)
        for n in range(continuation)
    ]  # fmt: skip
    more_heights = key.heights(column_w)
    while listed < count:
        start = listed
        page_placed, listed = key.fill(columns, start, more_heights, force=True)
        title = f"Key (continued) — risks {start + 1}–{listed} of {count}"
        more = listed < count
        pages.append(_key_page(key, columns, rect.right(), heading_h, page_placed, more, title))
    return pages


def _legend(request: HeatMapRequest) -> list[LegendEntry]:
    heat = request.heat
    legend = legend_entries(heat, outlined=request.outlined, arrows=request.arrows,
                            arrows_label=request.arrows_label)  # fmt: skip
    if request.footnote:
        legend.append(LegendEntry("note", request.footnote))
    return legend


def plan_map_pair(
    device: QPaintDevice, rect: QRectF, maps: Sequence[HeatMapRequest], base: QFont
) -> PageBody:
    """Two maps side by side (or one, on the left), each under its own title, legend
    under it, no key: the partners' maps of a pack, two to a page."""
    gap = points_to_pixels(14, device)
    width = (rect.width() - gap) / 2
    heading_font = font_of(base, 11, bold=True)
    metrics = QFontMetricsF(heading_font, device)
    planned = []
    for index, request in enumerate(maps[:2]):
        left = rect.left() + index * (width + gap)
        title_h = metrics.boundingRect(QRectF(0, 0, width, 1e6), WRAP, request.title).height()
        area = QRectF(left, rect.top() + title_h + gap * 0.4, width,
                      rect.height() - title_h - gap * 0.4)  # fmt: skip
        heat = request.heat
        geometry = layout_heat_map(
            area, heat.scheme, device, caption=map_caption(heat, request.arrows,
                                                           request.arrows_label),
            legend=_legend(request), transposed=request.transposed, base_font=base,
            legend_beside=False,
        )  # fmt: skip
        planned.append((request, QRectF(left, rect.top(), width, title_h), geometry))

    def page(painter: QPainter, _: QRectF) -> None:
        for request, title_box, geometry in planned:
            painter.setFont(heading_font)
            painter.setPen(INK)
            painter.drawText(title_box, Qt.AlignmentFlag.AlignLeft | WRAP, request.title)
            paint_layout(painter, geometry, request.heat, arrows=request.arrows,
                         outlined=request.outlined)  # fmt: skip

    return page


def _key_page(
    key: _Key,
    columns: Sequence[QRectF],
    right: float,
    heading_h: float,
    placed: Sequence[tuple[int, QRectF]],
    more: bool,
    heading: str,
) -> PageBody:
    def page(painter: QPainter, _: QRectF) -> None:
        _paint_heading(painter, key, columns[0], right, heading_h, heading)
        key.paint(painter, placed)
        if more:
            key.paint_note(painter, columns[-1], "Continued on the next page")

    return page


def _paint_heading(
    painter: QPainter, key: _Key, column: QRectF, right: float, heading_h: float, text: str
) -> None:
    painter.setFont(key.heading)
    painter.setPen(INK)
    painter.drawText(QRectF(column.left(), column.top() - heading_h, right - column.left(),
                            heading_h), Qt.AlignmentFlag.AlignLeft | WRAP, text)  # fmt: skip


def page_layout(paper: str, orientation: str) -> QPageLayout:
    """A4 or A3, landscape or portrait, 12 mm margins: the printed map's and the pack's."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageSize

    size = QPageSize(QPageSize.PageSizeId.A3 if paper.upper() == "A3" else QPageSize.PageSizeId.A4)
    turn = (
        QPageLayout.Orientation.Portrait
        if orientation.lower() == "portrait"
        else QPageLayout.Orientation.Landscape
    )
    return QPageLayout(size, turn, QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
