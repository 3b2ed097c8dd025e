"""Heat maps as files: a vector PDF of the printed pages (A4 or A3, either way round), or
a PNG of the map alone — no page header or footer — for a slide.

Runs without a display: a QGuiApplication on Qt's offscreen platform is made if none
exists. A file is written beside its destination and moved into place when complete, so a
failure never leaves half a file where the user looks for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from riskreg.render.request import HeatMapRequest

__all__ = ["HeatMapRequest", "atomic_output", "pdf_writer", "write_heat_map"]


def gui_application() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication([])


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``; moved onto ``out`` if the block succeeds, removed
    if it raises (a cancelled or failed write leaves no half file)."""
    out = Path(out)
    temporary = out.with_name(f".{out.name}.partial")
    try:
        yield temporary
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)


def pdf_writer(path: Path, *, paper: str, orientation: str, title: str, author: str) -> Any:
    """A QPdfWriter for A4/A3 paper with the document's title and author (fonts embedded,
    as Qt always does)."""
    from PySide6.QtGui import QPdfWriter

    from riskreg.render.pages import page_layout

    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    writer.setPageLayout(page_layout(paper, orientation))
    writer.setTitle(title)
    writer.setAuthor(author)
    writer.setCreator("Joint Risk Register")
    return writer


def finish_pdf(path: Path, subject: str) -> None:
    """Give the written PDF its subject (Qt's writer has a title and an author only)."""
    from riskreg.render.pdf_info import add_subject

    add_subject(path, subject)


def write_heat_map(
    request: HeatMapRequest,
    out: Path,
    *,
    width: int = 2400,
    dpi: int = 200,
    paper: str = "A4",
    orientation: str = "landscape",
    author: str = "",
) -> int:
    """Write a PDF (its printed pages) or a PNG (the map alone, ``width`` pixels wide at
    ``dpi``, as tall as the map needs). Returns the number of pages (1 for a PNG)."""
    gui_application()
    out = Path(out)
    if out.suffix.lower() == ".pdf":
        return _write_pdf(request, out, paper, orientation, author)
    _write_png(request, out, width, dpi)
    return 1


def _describe(request: HeatMapRequest) -> tuple[str, str]:
    heat = request.heat
    title = f"{request.title or 'Joint risk register'} — heat map — {heat.on:%d %b %Y}"
    subject = f"{heat.caption()} ({heat.filter.audience.marking})"
    return title, subject


def _write_pdf(
    request: HeatMapRequest, out: Path, paper: str, orientation: str, author: str
) -> int:
    from riskreg.render.pages import paint_heat_map_document
    from riskreg.render.pdf_info import xmp_metadata

    title, subject = _describe(request)
    with atomic_output(out) as path:
        writer = pdf_writer(path, paper=paper, orientation=orientation, title=title,
                            author=author)  # fmt: skip
        writer.setDocumentXmpMetadata(xmp_metadata(title, author, subject))
        pages = paint_heat_map_document(writer, request)
        del writer  # closes the file
        finish_pdf(path, subject)
    return pages


def png_size(request: HeatMapRequest, width: int, dpi: int) -> tuple[int, int]:
    """The PNG's height for a width: the map with square cells, legend beside it."""
    layout, _ = _png_layout(request, width, dpi)
    return width, round(layout.used.bottom() + width * 0.02)


def _png_layout(request: HeatMapRequest, width: int, dpi: int) -> tuple[Any, Callable[..., Any]]:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont, QImage

    from riskreg.render.heatmap_layout import base_points, layout_heat_map
    from riskreg.render.heatmap_painter import legend_entries, map_caption
    from riskreg.render.pages import without_ligatures

    probe = QImage(8, 8, QImage.Format.Format_ARGB32)
    dots_per_metre = round(dpi / 0.0254)
    probe.setDotsPerMeterX(dots_per_metre)
    probe.setDotsPerMeterY(dots_per_metre)
    margin = width * 0.02
    heat = request.heat
    points = base_points(QRectF(0, 0, width, width * 0.62), probe)
    entries = legend_entries(heat, outlined=request.outlined, arrows=request.arrows,
                             arrows_label=request.arrows_label)  # fmt: skip

    def layout(height: float) -> Any:
        return layout_heat_map(
            QRectF(margin, margin, width - 2 * margin, height), heat.scheme, probe,
            caption=map_caption(heat, request.arrows, request.arrows_label), legend=entries,
            transposed=request.transposed, points=points, base_font=without_ligatures(QFont()),
            legend_beside=True,
        )  # fmt: skip

    return layout(width * 3.0), layout


def _write_png(request: HeatMapRequest, out: Path, width: int, dpi: int) -> None:
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from riskreg.render.heatmap_painter import paint_layout
    from riskreg.render.pages import without_ligatures

    tall, layout = _png_layout(request, width, dpi)
    height = round(tall.used.bottom() + width * 0.02)
    geometry = layout(height - 2 * width * 0.02)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        painter.setFont(without_ligatures(QFont()))
        paint_layout(painter, geometry, request.heat, arrows=request.arrows,
                     outlined=request.outlined)  # fmt: skip
    finally:
        painter.end()
    from PySide6.QtGui import QImageWriter

    with atomic_output(out) as path:
        writer = QImageWriter(str(path), b"png")
        if not writer.write(image):
            raise OSError(f"could not write {out}: {writer.errorString()}")
