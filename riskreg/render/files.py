"""Heat maps as files: vector PDF through QPdfWriter, PNG at a chosen size and resolution.

Runs without a display: a QGuiApplication on Qt's offscreen platform is made if none exists.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from riskreg.render.request import HeatMapRequest

__all__ = ["HeatMapRequest", "write_heat_map"]


def _gui_application() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication([])


def write_heat_map(
    request: HeatMapRequest, out: Path, *, width: int = 2400, dpi: int = 200
) -> None:
    from riskreg.render.pages import paint_heat_map_document, paint_heat_map_page

    _gui_application()
    from PySide6.QtCore import QMarginsF, QRectF
    from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

    out = Path(out)
    if out.suffix.lower() == ".pdf":
        writer = QPdfWriter(str(out))
        writer.setResolution(300)
        writer.setPageLayout(
            QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                        QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
        )  # fmt: skip
        writer.setTitle(f"{request.title} — {request.heat.caption()}")
        paint_heat_map_document(writer, request)
        return
    height = round(width * 210 / 297)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        margin = width * 0.02
        paint_heat_map_page(
            painter, QRectF(margin, margin, width - 2 * margin, height - 2 * margin), request
        )
    finally:
        painter.end()
    if not image.save(str(out)):
        raise OSError(f"could not write {out}")
