"""Files dropped on the window: a register opens, a returned workbook goes to the import."""

from __future__ import annotations

from PySide6.QtCore import QMimeData

from riskreg.locations import SUFFIX
from ui.exchange import WORKBOOK_SUFFIXES


def dropped_file(mime: QMimeData) -> str | None:
    """The first dropped local file that is a register or a returned workbook, else None."""
    urls = mime.urls() if mime.hasUrls() else []
    for url in urls:
        name = url.toLocalFile().lower()
        if url.isLocalFile() and name.endswith((SUFFIX, *WORKBOOK_SUFFIXES)):
            return url.toLocalFile()
    return None


def is_workbook(location: str) -> bool:
    return location.lower().endswith(WORKBOOK_SUFFIXES)
