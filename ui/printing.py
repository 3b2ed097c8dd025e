"""Print the register table (the risks the filters show) through Qt's print preview."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from PySide6.QtGui import QPageLayout, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from riskreg.records import RiskRecord
from riskreg.render.request import HeatMapRequest
from riskreg.scoring import ScoringScheme
from ui.models.risk_table import shares_text


def register_html(
    title: str, caption: str, risks: Sequence[RiskRecord], scheme: ScoringScheme
) -> str:
    """The printed register: one row per risk, score cells in band colour and band name."""
    rows = []
    for r in risks:
        band = scheme.band(r.current_likelihood, r.current_impact)
        rows.append(
            "<tr>"
            f"<td>{escape(r.ref)}</td><td>{escape(r.title)}</td><td>{escape(r.status.value)}</td>"
            f"<td>{escape(shares_text(r.shares, r.lead_partner))}</td><td>{escape(r.owner)}</td>"
            f"<td>{r.inherent_score}</td>"
            f"<td style='background:{band.colour}'><b>{r.current_score}</b> "
            f"{escape(band.name)}</td>"
            f"<td>{r.target_score or ''}</td>"
            f"<td>{r.next_review.strftime('%d %b %Y') if r.next_review else ''}</td></tr>"
        )
    return (
        "<html><body style='font-family: sans-serif; font-size: 8pt'>"
        f"<h2>{escape(title)}</h2><p>{escape(caption)} — printed {date.today():%d %b %Y}</p>"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        "<tr><th>Ref</th><th>Title</th><th>Status</th><th>Shares</th><th>Owner</th>"
        "<th>Inherent</th><th>Current</th><th>Target</th><th>Next review</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )


def preview_and_print(parent: QWidget, html: str) -> QPrintPreviewDialog:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    dialog = QPrintPreviewDialog(printer, parent)
    document = QTextDocument(dialog)
    document.setHtml(html)
    dialog.paintRequested.connect(document.print_)
    dialog.open()
    return dialog


def preview_heat_map(parent: QWidget, request: HeatMapRequest) -> QPrintPreviewDialog:
    """Print preview of the heat-map page: the painter that draws the screen and the PDF."""
    from riskreg.render.pages import paint_heat_map_document

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    dialog = QPrintPreviewDialog(printer, parent)

    dialog.paintRequested.connect(lambda target: paint_heat_map_document(target, request))
    dialog.open()
    return dialog
