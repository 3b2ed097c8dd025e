"""Every print entry point opens a preview that paints its pages, repaints them when the
paper is turned, and prints them (to a PDF file, as a printer would) — with the preview
shown and painted, not closed before it paints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from riskreg.service import open_service
from tests.conftest import ALICE
from ui.main_window import MainWindow
from ui.printing import PrintPreview


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def painted_preview(qtbot: QtBot, open_preview: Callable[[], object], tmp_path: Path) -> int:
    """Open a preview, let it paint, turn the page (a repaint through its printer), print it
    to a PDF file; returns the printed file's page count."""
    opened = open_preview()
    assert isinstance(opened, PrintPreview)
    preview = opened
    qtbot.waitExposed(preview)
    assert preview.preview.pageCount() >= 1, "the preview painted its pages"
    qtbot.wait(200)  # the page view paints the pages it was given
    with qtbot.waitSignal(preview.sig_painted, timeout=10_000):
        preview.preview.setPortraitOrientation()  # the user turns the paper
    assert preview.printer().pageLayout().orientation() is QPageLayout.Orientation.Portrait
    qtbot.wait(200)
    printer = preview.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(preview.sig_painted, timeout=10_000):
        preview.preview.print_()
    preview.close()
    return len(PdfReader(tmp_path / "printed.pdf").pages)


def test_printing_the_register_previews_and_prints_its_pages(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    pages = painted_preview(qtbot, window.print_register, tmp_path)
    assert pages >= 2  # 44 risks on A4 portrait
    text = PdfReader(tmp_path / "printed.pdf").pages[0].extract_text().replace("\t", " ")
    assert "R-001" in text and "printed" in text


def test_printing_the_heat_map_previews_and_prints_its_pages(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.tabs.setCurrentWidget(window.heat_map)
    pages = painted_preview(qtbot, window.heat_map.print_map, tmp_path)
    assert pages >= 1
    text = " ".join(PdfReader(tmp_path / "printed.pdf").pages[0].extract_text().split())
    assert "Current risk — joint risks — open threats" in text


def test_printing_a_review_snapshot_previews_and_prints_its_pages(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from ui.dialogs.reviews import ReviewsDialog

    window.document.service.record_joint_review("Board", date.today())
    dialog = ReviewsDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.list.setCurrentIndex(dialog.list.model().index(0, 0))
    pages = painted_preview(qtbot, dialog.print_selected, tmp_path)
    assert pages >= 1
    text = PdfReader(tmp_path / "printed.pdf").pages[0].extract_text().replace("\t", " ")
    assert "Fingerprint" in text


def test_a_preview_opens_on_a4_landscape_and_inside_the_screen(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtGui import QGuiApplication, QPageSize

    preview = window.print_register()
    assert isinstance(preview, PrintPreview)
    qtbot.waitExposed(preview)
    layout = preview.printer().pageLayout()
    assert layout.pageSize().id() is QPageSize.PageSizeId.A4
    assert layout.orientation() is QPageLayout.Orientation.Landscape
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert preview.width() <= screen.width() and preview.height() <= screen.height()
    preview.close()
