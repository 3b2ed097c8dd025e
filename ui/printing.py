"""Printing through Qt's print preview: the register table, the heat-map page, a snapshot.

Every print goes through ``PrintPreview``: the dialog makes and owns its printer (on the C++
side), so the printer lives exactly as long as the dialog that paints with it. A printer
made in Python and handed to the dialog is freed by Python when the function that made it
returns, while the preview still paints with it: a crash that offscreen tests never reach.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QWidget

from riskreg.audience import Audience
from riskreg.choices import Visibility
from riskreg.heatmap import band_colours
from riskreg.records import RiskRecord
from riskreg.render.request import HeatMapRequest
from riskreg.scoring import ScoringScheme
from ui.geometry import fit_to_screen
from ui.models.risk_table import shares_text

PRINT_DPI = 600
"""Resolution of the preview's printer: fine enough for hairlines on paper and in PDF."""


class PrintPreview(QPrintPreviewDialog):
    """Qt's print preview (zoom, pages, A4/A3 and orientation in Page setup, print to a
    printer or a PDF file) over one painting function."""

    sig_painted = Signal(int)
    """The pages were painted for the preview or the printer (the number of pages, or -1
    when the painting function does not count them)."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        paint: Callable[[QPrinter], int | None],
        *,
        orientation: QPageLayout.Orientation = QPageLayout.Orientation.Landscape,
    ) -> None:
        super().__init__(parent)  # without a printer argument the dialog owns its own
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Print preview — {title}")
        self._paint = paint
        printer = self.printer()
        printer.setResolution(PRINT_DPI)
        printer.setDocName(title)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(orientation)
        self.paintRequested.connect(self._paint_pages)
        fit_to_screen(self, 1100, 800)

    @property
    def preview(self) -> QPrintPreviewWidget:
        """The page view inside the dialog (tests read its page count)."""
        widget = self.findChild(QPrintPreviewWidget)
        assert widget is not None
        return widget

    def _paint_pages(self, printer: QPrinter) -> None:
        pages = self._paint(printer)
        self.sig_painted.emit(-1 if pages is None else int(pages))


def register_html(
    title: str, caption: str, risks: Sequence[RiskRecord], scheme: ScoringScheme
) -> str:
    """The printed register: one row per risk, score cells in band colour and band name;
    the header rows repeat on every page, the first saying who the paper is for (its
    rows decide: an Internal risk marks it for its lead partner, or, of several partners,
    not for circulation), each Internal risk marked as such."""
    audience = printed_audience(risks)
    colour = "#b00020" if audience.restricted else "#333333"
    rows = []
    for r in risks:
        band = scheme.band_or_none(r.current_likelihood, r.current_impact)
        fill = (
            band_colours(scheme, r.kind)[
                scheme.band_index(r.current_likelihood or 0, r.current_impact or 0)
            ]
            if band
            else ""
        )  # an opportunity's in its own palette, as on its map
        current = (
            f"<td style='background:{escape(fill)}'><b>{r.current_score}</b> "
            f"{escape(band.name)}</td>"
            if band
            else "<td>unrated</td>"
        )
        rows.append(
            "<tr>"
            f"<td>{escape(r.ref)}</td><td>{escape(r.title)}{_internal_mark(r)}</td>"
            f"<td>{escape(r.status.value)}</td>"
            f"<td>{escape(shares_text(r.shares, r.lead_partner))}</td><td>{escape(r.owner)}</td>"
            f"<td>{r.inherent_score or 'unrated'}</td>{current}"
            f"<td>{r.target_score or ''}</td>"
            f"<td>{r.next_review.strftime('%d %b %Y') if r.next_review else ''}</td></tr>"
        )
    return (
        "<html><body style='font-family: sans-serif; font-size: 9pt'>"
        f"<h2>{escape(title)}</h2><p>{escape(caption)} — printed {date.today():%d %b %Y}</p>"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        f"<thead><tr><th colspan='9' style='color:{colour}; text-align:left'>"
        f"{escape(audience.marking)}</th></tr>"
        "<tr><th>Ref</th><th>Title</th><th>Status</th><th>Shares</th><th>Owner</th>"
        "<th>Inherent</th><th>Current</th><th>Target</th><th>Next review</th></tr></thead>"
        + "".join(rows)
        + "</table></body></html>"
    )


def printed_audience(risks: Sequence[RiskRecord]) -> Audience:
    """Who a printed list of these risks is for (``riskreg.audience``)."""
    leads = {r.lead_partner for r in risks if r.visibility is Visibility.INTERNAL}
    if not leads:
        return Audience.joint()
    if len(leads) == 1:
        return Audience.for_partner(next(iter(leads)))
    return Audience.internal()


def _internal_mark(risk: RiskRecord) -> str:
    if risk.visibility is not Visibility.INTERNAL:
        return ""
    return (f"<br><span style='color:#b00020'>Internal to {escape(risk.lead_partner)}"
            "</span>")  # fmt: skip


def preview_html(parent: QWidget, title: str, html: str) -> PrintPreview:
    """Preview and print a document written as (escaped) HTML."""
    document = QTextDocument()
    document.setHtml(html)

    def paint(printer: QPrinter) -> int:
        document.print_(printer)
        return document.pageCount()

    dialog = PrintPreview(parent, title, paint)
    document.setParent(dialog)  # lives as long as the dialog that prints it
    dialog.open()
    return dialog


def preview_heat_map(parent: QWidget, request: HeatMapRequest) -> PrintPreview:
    """Print preview of the heat-map page: the painter that draws the screen and the PDF."""
    from riskreg.render.pages import paint_heat_map_document

    dialog = PrintPreview(
        parent,
        request.title or "Heat map",
        lambda printer: paint_heat_map_document(printer, request),
    )
    dialog.open()
    return dialog
