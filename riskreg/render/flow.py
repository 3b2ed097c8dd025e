"""Paged documents: blocks laid down pages, measured with the device's fonts before anything
is painted, then painted page by page.

Because the whole document is laid out first, every page knows it is "3 of 11" and a
contents list knows the page each section starts on. Tables flow across pages with their
title (marked "continued") and header row repeated; a section starts on a new page only
when its title, header and first row would not fit on the current one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPaintDevice, QPainter, QPen

from riskreg.render.heatmap_layout import WRAP, font_of, points_to_pixels

Paint = Callable[[QPainter], None]
INK = QColor("#202124")
MUTED = QColor("#5f6368")
RULE = QColor("#dadce0")
HEADER_FILL = QColor("#eef1f4")


@dataclass(frozen=True)
class Styles:
    """The pack's type: nothing below 8 pt."""

    base: QFont
    title: QFont
    subtitle: QFont
    heading: QFont
    body: QFont
    bold: QFont
    small: QFont
    table: QFont
    table_bold: QFont

    @classmethod
    def of(cls, base: QFont) -> Styles:
        return cls(
            base=base,
            title=font_of(base, 22, bold=True),
            subtitle=font_of(base, 13),
            heading=font_of(base, 13, bold=True),
            body=font_of(base, 10),
            bold=font_of(base, 10, bold=True),
            small=font_of(base, 8.5),
            table=font_of(base, 9),
            table_bold=font_of(base, 9, bold=True),
        )


@dataclass
class Page:
    section: str
    ops: list[Paint] = field(default_factory=list)


class Flow:
    """A cursor down pages of ``body`` on ``device``; ``place`` puts a block of a measured
    height at the cursor (on a new page if it does not fit) and remembers how to paint it."""

    def __init__(self, device: QPaintDevice, body: QRectF, styles: Styles) -> None:
        self.device = device
        self.body = body
        self.styles = styles
        self.pages: list[Page] = []
        self.y = body.bottom()
        self.fresh = True
        self.section = ""
        self.starts: dict[str, int] = {}
        self._anchors: list[str] = []
        self.unit = points_to_pixels(10, device)

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.device)

    def height_of(self, text: str, font: QFont, width: float) -> float:
        if not text:
            return 0.0
        return self.metrics(font).boundingRect(QRectF(0, 0, max(1.0, width), 1e7), WRAP,
                                               text).height()  # fmt: skip

    # -- the cursor ---------------------------------------------------------------------
    def new_page(self, section: str | None = None) -> None:
        if section is not None:
            self.section = section
        self.pages.append(Page(self.section))
        self.y = self.body.top()
        self.fresh = True
        self._settle()

    def _settle(self) -> None:
        for anchor in self._anchors:
            self.starts[anchor] = len(self.pages)
        self._anchors = []

    def start_section(self, key: str, section: str) -> None:
        """The next block starts section ``key`` (its page goes into the contents)."""
        self.section = section
        self._anchors.append(key)

    @property
    def room(self) -> float:
        return self.body.bottom() - self.y

    def space(self, height: float) -> None:
        if not self.fresh:
            self.y = min(self.body.bottom(), self.y + height)

    def place(
        self, height: float, paint: Callable[[QPainter, QRectF], None], *, keep: float = 0.0
    ) -> QRectF:
        """A block of ``height`` at the cursor; a new page first if it (and ``keep``, what
        must follow it on the same page) does not fit."""
        if not self.pages or (height + keep > self.room and not self.fresh):
            self.new_page()
        self._settle()
        rect = QRectF(self.body.left(), self.y, self.body.width(), height)
        self.pages[-1].ops.append(lambda painter: paint(painter, rect))
        self.y += height
        self.fresh = False
        return rect

    def whole_page(self, paint: Callable[[QPainter, QRectF], None], section: str) -> None:
        self.new_page(section)
        body = QRectF(self.body)
        self.pages[-1].ops.append(lambda painter: paint(painter, body))
        self.y = self.body.bottom()
        self.fresh = False

    # -- blocks -------------------------------------------------------------------------
    def text(
        self, text: str, font: QFont, *, colour: QColor = INK, keep: float = 0.0,
        after: float = 0.0,
    ) -> None:  # fmt: skip
        height = self.height_of(text, font, self.body.width())

        def paint(painter: QPainter, rect: QRectF) -> None:
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | WRAP, text)

        self.place(height + after, paint, keep=keep)

    def table(
        self,
        title: str,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Cell]],
        *,
        note: str = "",
    ) -> None:
        """A titled table flowing over pages, title and header repeated on each."""
        s = self.styles
        pad = self.unit * 0.28
        widths = [c.share * self.body.width() for c in columns]
        header = [Cell(c.header, bold=True) for c in columns]
        header_h = self._row_height(header, widths, pad)
        heights = [self._row_height(row, widths, pad) for row in rows]

        def titled(continued: bool, first: float) -> None:
            text = title + (" (continued)" if continued else "")
            text_h = self.height_of(text, s.heading, self.body.width()) + self.unit * 0.5

            def paint_title(painter: QPainter, rect: QRectF) -> None:
                painter.setFont(s.heading)
                painter.setPen(INK)
                painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | WRAP, text)

            self.place(text_h, paint_title, keep=header_h + first)
            self.place(header_h, self._row_painter(header, columns, widths, pad, header=True))

        titled(False, sum(heights[:3]))  # a table starts where its first rows fit too
        for row, height in zip(rows, heights, strict=True):
            if height > self.room:
                self.new_page()
                titled(True, height)
            self.place(height, self._row_painter(row, columns, widths, pad))
        if note:
            self.space(self.unit * 0.3)
            self.text(note, s.small, colour=MUTED)
        self.space(self.unit * 1.4)

    def _row_height(self, row: Sequence[Cell], widths: Sequence[float], pad: float) -> float:
        s = self.styles
        return max(
            self.height_of(cell.text, s.table_bold if cell.bold else s.table, w - 2 * pad)
            for cell, w in zip(row, widths, strict=True)
        ) + 2 * pad  # fmt: skip

    def _row_painter(
        self,
        row: Sequence[Cell],
        columns: Sequence[Column],
        widths: Sequence[float],
        pad: float,
        *,
        header: bool = False,
    ) -> Callable[[QPainter, QRectF], None]:
        s = self.styles

        def paint(painter: QPainter, rect: QRectF) -> None:
            if header:
                painter.fillRect(rect, HEADER_FILL)
            x = rect.left()
            for cell, column, width in zip(row, columns, widths, strict=True):
                box = QRectF(x, rect.top(), width, rect.height())
                font = s.table_bold if cell.bold else s.table
                inner = box.adjusted(pad, pad, -pad, -pad)
                if cell.fill:  # a chip as wide as its text: the band's colour, not a stripe
                    text_w = self.metrics(font).boundingRect(inner, column.align | WRAP,
                                                             cell.text).width()  # fmt: skip
                    chip = QRectF(
                        box.left(),
                        box.top() + 1,
                        min(box.width() - pad * 0.5, text_w + 2 * pad),
                        box.height() - 2,
                    )
                    painter.fillRect(chip, QColor(cell.fill))
                painter.setFont(font)
                painter.setPen(QColor(cell.ink) if cell.ink else INK)
                painter.drawText(inner, column.align | WRAP, cell.text)
                x += width
            painter.setPen(QPen(RULE, max(1.0, self.unit * 0.06)))
            painter.drawLine(QLineF(rect.left(), rect.bottom(), rect.right(), rect.bottom()))

        return paint


@dataclass(frozen=True)
class Column:
    header: str
    share: float
    """Of the body's width."""
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft


@dataclass(frozen=True)
class Cell:
    text: str
    fill: str = ""
    """A background colour (a score in its band's colour)."""
    ink: str = ""
    bold: bool = False


def ink_on(background: str) -> str:
    return "#000000" if QColor(background).lightness() > 110 else "#ffffff"
