"""The meeting pack as a PDF: cover, heat maps, and tables, drawn page by page.

Tables flow onto as many pages as they need; every page has a footer with the register,
the date and the page number.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLineF, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from riskreg.render.exposure_painter import paint_exposure
from riskreg.render.pages import paint_heat_map_pages, without_ligatures
from riskreg.render.request import HeatMapRequest
from riskreg.report import MeetingPack

TREND = {1: "up", -1: "down", 0: ""}


def write_meeting_pack(pack: MeetingPack, out: Path) -> int:
    """Write the pack; returns the number of pages."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if QGuiApplication.instance() is None:
        _app = QGuiApplication([])
    writer = QPdfWriter(str(out))
    writer.setResolution(200)
    writer.setTitle(f"Meeting pack — {pack.register_name} — {pack.on:%d %b %Y}")
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                    QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    )  # fmt: skip
    painter = QPainter(writer)
    painter.setFont(without_ligatures(painter.font()))
    page_rect = writer.pageLayout().paintRectPixels(writer.resolution())
    rect = QRectF(0, 0, page_rect.width(), page_rect.height())
    pages = _Pages(painter, writer, rect, pack)
    try:
        pages.cover()
        for map_page in pack.maps:
            pages.next()
            drawn = paint_heat_map_pages(
                painter, rect.adjusted(0, 0, 0, -pages.unit * 2),
                HeatMapRequest(map_page.heat, map_page.arrows,
                               f"{pack.register_name} — {map_page.heading}", map_page.key,
                               outlined=map_page.outlined),
                writer.newPage, first_page=pages.number,
            )  # fmt: skip
            pages.number += drawn - 1
        pages.table(
            f"Top {len(pack.top_risks)} risks by current score",
            ("Ref", "Title", "Lead", "Score", "Band", "Trend"),
            [(r.ref, r.title, r.lead_partner, str(r.current_score),
              _band_text(pack, r.current_likelihood, r.current_impact),
              TREND[t]) for r, t in pack.top_risks],
            (0.07, 0.55, 0.08, 0.08, 0.12, 0.1),
        )  # fmt: skip
        if pack.unrated:
            pages.table(
                f"Unrated: {len(pack.unrated)} drafts not yet scored (on no heat map)",
                ("Ref", "Title", "Lead", "Owner", "Raised"),
                [(r.ref, r.title, r.lead_partner, r.owner, f"{r.raised_on:%d %b %Y}")
                 for r in pack.unrated],
                (0.07, 0.55, 0.08, 0.18, 0.12),
            )  # fmt: skip
        pages.table(
            "Risks outside appetite",
            ("Ref", "Title", "Lead", "Outside appetite"),
            [(r.ref, r.title, r.lead_partner, why) for r, why in pack.outside_appetite]
            or [("", "No risk is above the appetite of the partnership or of its partners.",
                 "", "")],
            (0.07, 0.4, 0.08, 0.45),
        )  # fmt: skip
        pages.table(
            "Escalated risks, and risks proposed for escalation",
            ("Ref", "Title", "Lead", "Escalation"),
            [(r.ref, r.title, r.lead_partner, r.escalation.value) for r in pack.escalated]
            + [(r.ref, r.title, r.lead_partner, f"Proposed: {why}") for r, why in pack.proposals]
            or [("", "No risk is escalated or proposed for escalation.", "", "")],
            (0.07, 0.45, 0.08, 0.4),
        )  # fmt: skip
        pages.table(
            "Reviews overdue",
            ("Ref", "Title", "Lead", "Band", "Next review was due"),
            [(r.ref, r.title, r.lead_partner,
              _band_text(pack, r.current_likelihood, r.current_impact),
              r.next_review.strftime("%d %b %Y") if r.next_review else "")
             for r in pack.reviews_overdue]
            or [("", "Every risk has been reviewed on time.", "", "", "")],
            (0.07, 0.5, 0.08, 0.12, 0.23),
        )  # fmt: skip
        pages.next()
        colours = {p.code: p.colour for p in pack.partners}
        chart = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.55)
        paint_exposure(painter, chart, pack.exposures, colours)
        pages.footer()
        rows = [
            (partner, a.ref, a.risk_ref, a.description, a.owner,
             a.due_date.strftime("%d %b %Y") if a.due_date else "")
            for partner, actions in pack.overdue_by_partner.items() for a in actions
        ]  # fmt: skip
        pages.table(
            "Overdue actions by partner",
            ("Partner", "Action", "Risk", "Description", "Owner", "Due"),
            rows or [("", "", "", "No action is overdue.", "", "")],
            (0.08, 0.07, 0.07, 0.5, 0.14, 0.14),
        )
        if pack.last_review is not None:
            review = pack.last_review
            pages.table(
                f"Changes since the joint review “{review.title}” of {review.held_on:%d %b %Y}"
                f" (snapshot {review.fingerprint[:16]}…)",
                ("Ref", "What", "At the review", "Now"),
                [(c.ref, c.what, c.then, c.now) for c in pack.since_review]
                or [("", "Nothing has changed since that review.", "", "")],
                (0.08, 0.22, 0.35, 0.35),
            )
        changes = pack.changes
        pages.table(
            f"Changes since {pack.since:%d %b %Y}",
            ("Change", "Risks"),
            [("New", ", ".join(changes.new) or "—"),
             ("Closed", ", ".join(changes.closed) or "—"),
             ("Score up", ", ".join(changes.score_up) or "—"),
             ("Score down", ", ".join(changes.score_down) or "—")],
            (0.15, 0.85),
        )  # fmt: skip
    finally:
        painter.end()
    return pages.number


def _band_text(pack: MeetingPack, likelihood: int | None, impact: int | None) -> str:
    band = pack.maps[0].heat.scheme.band_or_none(likelihood, impact)
    return band.name if band else "unrated"


class _Pages:
    """Page flow for the pack: a cursor, new pages with footers, wrapped table rows."""

    def __init__(
        self, painter: QPainter, writer: QPdfWriter, rect: QRectF, pack: MeetingPack
    ) -> None:
        self.painter = painter
        self.writer = writer
        self.rect = rect
        self.pack = pack
        self.number = 1
        self.unit = min(rect.width(), rect.height()) / 60
        self.to_points = 72.0 / max(1, painter.device().logicalDpiY())
        self.base = QFont(painter.font())
        self.y = 0.0

    def font(self, size: float, bold: bool = False) -> QFont:
        font = QFont(self.base)
        font.setPointSizeF(max(7.0, size * self.to_points))
        font.setBold(bold)
        return font

    def next(self) -> None:
        self.writer.newPage()
        self.number += 1
        self.y = self.rect.top()

    def footer(self) -> None:

        p, r, u = self.painter, self.rect, self.unit
        p.setFont(self.font(u * 0.8))
        p.setPen(QColor("#5f6368"))
        line = QRectF(r.left(), r.bottom() - u * 1.5, r.width(), u * 1.5)
        p.drawText(line, Qt.AlignmentFlag.AlignLeft, f"{self.pack.register_name} — meeting pack — "
                   f"{self.pack.on:%d %b %Y}")  # fmt: skip
        p.drawText(line, Qt.AlignmentFlag.AlignRight, f"Page {self.number}")

    def cover(self) -> None:

        p, r, u = self.painter, self.rect, self.unit
        p.setPen(QColor("#202124"))
        p.setFont(self.font(u * 2.6, bold=True))
        p.drawText(QRectF(r.left(), r.top() + u * 4, r.width(), u * 4),
                   Qt.AlignmentFlag.AlignLeft, self.pack.register_name)  # fmt: skip
        p.setFont(self.font(u * 1.5))
        p.drawText(QRectF(r.left(), r.top() + u * 9, r.width(), u * 2.5),
                   Qt.AlignmentFlag.AlignLeft,
                   f"Partnership meeting pack — {self.pack.on:%d %B %Y}")  # fmt: skip
        y = r.top() + u * 14
        p.setFont(self.font(u * 1.1, bold=True))
        p.drawText(QRectF(r.left(), y, r.width(), u * 2), Qt.AlignmentFlag.AlignLeft, "Partners")
        y += u * 2.2
        p.setFont(self.font(u * 1.0))
        for partner in self.pack.partners:
            p.fillRect(QRectF(r.left(), y + u * 0.3, u * 1.2, u * 1.2), QColor(partner.colour))
            p.drawText(QRectF(r.left() + u * 2, y, r.width(), u * 1.8), Qt.AlignmentFlag.AlignLeft,
                       f"{partner.code}  {partner.name}")  # fmt: skip
            y += u * 1.9
        y += u
        p.drawText(QRectF(r.left(), y, r.width(), u * 6), Qt.TextFlag.TextWordWrap,
                   "Contents: the joint heat map; movement from inherent to current risk; a "
                   "heat map per partner; the top risks; risks outside appetite; overdue "
                   f"actions by partner; changes since {self.pack.since:%d %b %Y}.")  # fmt: skip
        self.footer()

    def table(
        self, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
        widths: Sequence[float],
    ) -> None:  # fmt: skip

        p, r, u = self.painter, self.rect, self.unit
        self.next()
        bottom = r.bottom() - u * 2.5

        def heading(continued: bool) -> None:
            # A long title (a review's name and fingerprint) wraps rather than running off
            # the page: the fingerprint is what a meeting checks the snapshot against.
            p.setPen(QColor("#202124"))
            p.setFont(self.font(u * 1.6, bold=True))
            flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
            text = title + (" (continued)" if continued else "")
            box = p.boundingRect(QRectF(r.left(), self.y, r.width(), u * 20), flags, text)
            p.drawText(QRectF(r.left(), self.y, r.width(), box.height()), flags, text)
            self.y += max(u * 3.2, box.height() + u * 0.6)
            self._row(headers, widths, bold=True)

        heading(False)
        body = self.font(u * 0.9)
        metrics = QFontMetricsF(body, p.device())
        for row in rows:
            lines = max(
                1,
                *(
                    int(metrics.horizontalAdvance(text) // max(1.0, w * r.width() - u)) + 1
                    for text, w in zip(row, widths, strict=True)
                ),
            )
            if self.y + lines * metrics.lineSpacing() > bottom:
                self.footer()
                self.next()
                heading(True)
            self._row(row, widths, lines=lines)
        self.footer()

    def _row(
        self, cells: Sequence[str], widths: Sequence[float], *, bold: bool = False, lines: int = 1
    ) -> None:

        p, r, u = self.painter, self.rect, self.unit
        font = self.font(u * 0.9, bold=bold)
        p.setFont(font)
        height = QFontMetricsF(font, p.device()).lineSpacing() * lines + u * 0.4
        x = r.left()
        p.setPen(QColor("#202124"))
        for text, share in zip(cells, widths, strict=True):
            width = share * r.width()
            p.drawText(QRectF(x, self.y, width - u * 0.5, height),
                       Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, text)  # fmt: skip
            x += width
        self.y += height
        p.setPen(QPen(QColor("#dadce0"), 1))
        p.drawLine(QLineF(r.left(), self.y - u * 0.2, r.right(), self.y - u * 0.2))
