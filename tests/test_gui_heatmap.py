"""The heat map on screen and its paper: it grows with the tab, nothing of it is clipped,
band names are whole where they fit, arrows stop short of the counts, refs say "+N more"
only when they do not fit; "For" chooses the audience; one Export dialog writes PDF or PNG
and says where; the meeting pack asks who it is for; the trend column says its basis."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage
from pytestqt.qtbot import QtBot

from riskreg.audience import INTERNAL_MARKING
from riskreg.choices import Visibility
from riskreg.render.heatmap_layout import WRAP, HeatMapLayout
from riskreg.render.heatmap_painter import arrow_lines, cell_texts, fit_refs
from riskreg.service import open_service
from tests.conftest import ALICE
from tests.gui_helpers import choose
from ui.main_window import MainWindow
from ui.views.heatmap_view import INHERENT, HeatMapCanvas


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.tabs.setCurrentWidget(win.heat_map)
    return win


def painted(canvas: HeatMapCanvas, width: int, height: int) -> HeatMapLayout:
    canvas.setFixedSize(width, height)
    canvas.repaint()
    assert canvas.geometry_ is not None
    return canvas.geometry_


def test_the_map_grows_with_the_tab(window: MainWindow) -> None:
    canvas = window.heat_map.canvas
    small = painted(canvas, 480, 360).grid
    tab = painted(canvas, 960, 420).grid
    large = painted(canvas, 1800, 980).grid
    assert tab.height() > 310  # the issue: "the grid stays ~310 px in a 960 px tab"
    assert small.width() < tab.width() < large.width()
    assert small.height() < tab.height() < large.height()
    assert large.height() > 980 * 0.7  # as large as fits, not a fixed share
    for geometry in (small, tab, large):
        cell = geometry.width() / 5, geometry.height() / 5
        assert cell[1] <= cell[0] <= cell[1] * 2.0 + 0.01  # square, or wider where room


@pytest.mark.parametrize("size", [(480, 340), (600, 380), (960, 420), (1900, 1000)])
def test_no_label_title_or_legend_entry_is_clipped(
    window: MainWindow, size: tuple[int, int]
) -> None:
    window.heat_map.arrows.setCurrentIndex(window.heat_map.arrows.findData(INHERENT))
    canvas = window.heat_map.canvas
    geometry = painted(canvas, *size)
    inside = QRectF(canvas.rect()).adjusted(-0.5, -0.5, 0.5, 0.5)
    fonts = geometry.fonts

    def fits(text: str, box: QRectF, font: QFont) -> None:
        assert inside.contains(box), (text, box)
        needed = QFontMetricsF(font, canvas).boundingRect(QRectF(0, 0, box.width(), 1e6),
                                                          WRAP, text)  # fmt: skip
        assert needed.width() <= box.width() + 0.5 and needed.height() <= box.height() + 0.5, (
            text, needed, box,
        )  # fmt: skip

    fits(geometry.caption_text, geometry.caption, fonts.caption)
    for text, box in (*geometry.side_labels, *geometry.bottom_labels):
        fits(text, box, fonts.label)
    fits(*geometry.bottom_title, fonts.title)
    key, key_box = geometry.axis_key
    if key:  # numbers beside and under the cells, their names here
        fits(key, key_box, fonts.label)
        assert all(text.isdigit() for text, _ in geometry.bottom_labels)
    for entry, swatch, box in geometry.legend_boxes:
        assert inside.contains(swatch)
        fits(entry.text, box, fonts.legend_bold if entry.kind == "heading" else fonts.legend)
    title, box = geometry.side_title  # drawn turned: its length runs along the grid's height
    assert QFontMetricsF(fonts.title, canvas).horizontalAdvance(title) <= box.width()
    assert geometry.side_title_origin.x() - box.height() >= -0.5
    assert inside.contains(geometry.grid)


def test_band_names_are_whole_where_they_fit_and_the_legend_says_when_not(
    window: MainWindow,
) -> None:
    canvas = window.heat_map.canvas
    roomy = painted(canvas, 1100, 560)
    assert not roomy.abbreviated
    assert not any("abbreviated" in e.text for e, _, _ in roomy.legend_boxes)
    cramped = painted(canvas, 480, 340)
    assert cramped.abbreviated
    assert any("abbreviated" in e.text for e, _, _ in cramped.legend_boxes)
    assert any(e.text.startswith("VH  Very high") for e, _, _ in cramped.legend_boxes)


def test_arrows_stop_short_of_the_counts_and_refs_they_point_at(window: MainWindow) -> None:
    view = window.heat_map
    view.arrows.setCurrentIndex(view.arrows.findData(INHERENT))
    geometry = painted(view.canvas, 1100, 700)
    assert view.canvas.heat is not None and view.canvas.arrows
    texts = cell_texts(view.canvas, geometry, view.canvas.heat)
    lines = arrow_lines(geometry, view.canvas.arrows, texts)
    assert lines
    for line, _ in lines:
        for text in texts.values():
            for box in text.boxes():
                assert not box.contains(line.p2()), "an arrow's head covers a count or refs"


refs = st.lists(st.integers(1, 99_999).map(lambda n: f"R-{n:03d}"), max_size=60, unique=True)


def lines_needed(refs: list[str], width: float, metrics: QFontMetricsF) -> float:
    """How many lines of ``width`` every ref needs, packed left to right (inf: one is wider
    than a line)."""
    count, used = 0, None
    for ref in refs:
        advance = metrics.horizontalAdvance(ref)
        if advance > width:
            return float("inf")
        if used is None or used + metrics.horizontalAdvance(" ") + advance > width:
            count, used = count + 1, advance
        else:
            used += metrics.horizontalAdvance(" ") + advance
    return count


@settings(max_examples=80, deadline=None)
@given(refs=refs, width=st.floats(20, 400), lines=st.integers(0, 6))
def test_refs_say_more_only_when_they_do_not_fit(refs: list[str], width: float, lines: int) -> None:
    metrics = QFontMetricsF(QFont())
    laid = fit_refs(refs, width, lines, metrics)
    assert len(laid) <= lines
    words = " ".join(laid).split()
    more = bool(words) and (words[-1] == "more" or words[-1].startswith("+"))
    shown = words[: -2 if words and words[-1] == "more" else -1] if more else words
    assert shown == refs[: len(shown)]  # in ref order, none skipped
    for line in laid:
        assert metrics.horizontalAdvance(line) <= width or line.startswith("+")
    if more:
        count = words[-2] if words[-1] == "more" else words[-1]
        assert count == f"+{len(refs) - len(shown)}" and len(shown) < len(refs)
    fits = lines_needed(refs, width, metrics) <= lines
    if fits:  # everything fits: every ref shown, no "+N more"
        assert shown == refs and not more
    elif refs and lines:  # it truly does not: the rest is counted
        assert more


def test_for_chooses_who_the_map_is_for(window: MainWindow) -> None:
    view = window.heat_map
    service = window.document.service
    internal = {r.ref for r in service.list_risks()
                if r.visibility is Visibility.INTERNAL and r.status.value != "Closed"}  # fmt: skip
    heat = view.canvas.heat
    assert heat is not None and "joint risks" in heat.caption()
    assert not internal & {ref for cell in heat.cells.values() for ref in cell}
    choose(view.audience, "internal")
    heat = view.canvas.heat
    assert heat is not None and "every risk, joint and internal" in heat.caption()
    assert internal <= {ref for cell in heat.cells.values() for ref in cell}
    choose(view.audience, "APEX")
    heat = view.canvas.heat
    apex_own = {r.ref for r in service.list_risks() if r.visibility is Visibility.INTERNAL
                and r.lead_partner == "APEX" and r.status.value != "Closed"}  # fmt: skip
    shown = {ref for cell in heat.cells.values() for ref in cell}  # type: ignore[union-attr]
    assert apex_own <= shown and not (internal - apex_own) & shown


def test_one_export_dialog_writes_a_pdf_or_a_png_and_says_where(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from riskreg.render.files import png_size
    from ui import confirm
    from ui.dialogs.heatmap_export import ExportChoice, HeatMapExportDialog

    seen: dict[str, object] = {}

    def answer(
        cls: type[HeatMapExportDialog],
        parent: object,
        suggested: Path,
        audience: str,
        png_height: object,
        choice: ExportChoice | None = None,
    ) -> ExportChoice | None:
        dialog = cls(suggested, audience, png_height, None, choice=choice)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        seen["audience"] = dialog.audience.text()
        dialog.file_format.setCurrentIndex(dialog.file_format.findData("png"))
        assert dialog.paper.isEnabled() is False and dialog.png_width.isEnabled()
        dialog.png_width.setValue(1200)
        dialog.png_dpi.setValue(150)
        seen["note"] = dialog.size_note.text()
        dialog.path.setText(str(tmp_path / "for the board"))
        assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
        return dialog.choice()

    monkeypatch.setattr(HeatMapExportDialog, "ask", classmethod(answer))
    opened: list[Path] = []
    monkeypatch.setattr(confirm, "show_in_folder", lambda path: opened.append(path))
    box = window.heat_map.choose_export()
    assert box is not None
    written = tmp_path / "for the board.png"
    image = QImage(str(written))
    height = png_size(window.heat_map.request(), 1200, 150)[1]
    assert (image.width(), image.height()) == (1200, height)
    assert seen["audience"] == "Joint risks — for every partner"
    assert f"1,200 × {height:,} pixels" in str(seen["note"])
    assert str(written.resolve()) in box.text()
    show = next(b for b in box.buttons() if b.text() == "Show in folder")
    qtbot.mouseClick(show, Qt.MouseButton.LeftButton)
    assert [path.resolve() for path in opened] == [written.resolve()]


def test_the_export_dialog_offers_a4_and_a3_either_way_round_for_a_pdf(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from ui.dialogs.heatmap_export import HeatMapExportDialog

    dialog = HeatMapExportDialog(tmp_path / "map.png", "Joint", lambda w, d: w // 2)
    qtbot.addWidget(dialog)
    dialog.file_format.setCurrentIndex(dialog.file_format.findData("pdf"))
    assert [dialog.paper.itemText(i) for i in range(dialog.paper.count())] == ["A4", "A3"]
    dialog.paper.setCurrentText("A3")
    dialog.orientation.setCurrentIndex(dialog.orientation.findData("portrait"))
    assert not dialog.png_width.isEnabled() and not dialog.png_dpi.isEnabled()
    choice = dialog.choice()
    assert (choice.path.name, choice.paper, choice.orientation) == ("map.pdf", "A3", "portrait")


def test_the_meeting_pack_asks_who_it_is_for_and_says_where_it_went(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader
    from PySide6.QtWidgets import QMessageBox

    from tests.gui_helpers import wait_for_jobs
    from ui import actions as act
    from ui.confirm import WRITTEN
    from ui.dialogs.meeting_pack import MeetingPackDialog, PackChoice

    def answer(cls: type[MeetingPackDialog], parent: object, partners: object, suggested: Path,
               since_review: str) -> PackChoice:  # fmt: skip
        dialog = cls(partners, suggested, since_review, None)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        assert "since review of" in dialog.since_note.text()
        choose(dialog.audience, "internal")
        assert INTERNAL_MARKING in dialog.warning.text()
        dialog.path.setText(str(tmp_path / "keeper"))
        return dialog.choice()

    monkeypatch.setattr(MeetingPackDialog, "ask", classmethod(answer))
    window.actions_by_id[act.MEETING_PACK].trigger()
    wait_for_jobs(qtbot, window.document)
    written = tmp_path / "keeper.pdf"
    pages = PdfReader(written).pages
    assert all(INTERNAL_MARKING in " ".join(p.extract_text().split()) for p in pages)
    box = window.findChild(QMessageBox, WRITTEN)
    assert box is not None and str(written.resolve()) in box.text()
    assert f"{len(pages)} pages" in box.text()


def test_cancelling_the_pack_leaves_no_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt as QtCore

    from riskreg.audience import Audience
    from tests.gui_helpers import wait_for_jobs

    document = window.document
    wait_for_jobs(qtbot, document)
    cancelled: list[bool] = []
    reports: list[tuple[int, int]] = []

    def cancel_at_the_first_page(job: object) -> None:
        def reported(done: int, total: int) -> None:
            reports.append((done, total))
            job.cancel()  # type: ignore[attr-defined]

        job.sig_progress.connect(reported, QtCore.ConnectionType.DirectConnection)  # type: ignore[attr-defined]
        job.sig_cancelled.connect(lambda: cancelled.append(True))  # type: ignore[attr-defined]

    document.sig_job_started.connect(cancel_at_the_first_page)
    target = tmp_path / "pack.pdf"
    document.write_meeting_pack(target, None, lambda pages: None, Audience.internal())
    wait_for_jobs(qtbot, document)
    qtbot.waitUntil(lambda: cancelled == [True], timeout=60_000)  # a loaded machine
    assert reports and reports[0][0] == 1 and reports[0][1] > 1  # pages painted of pages
    assert not [p for p in tmp_path.iterdir() if ".pdf" in p.name]  # nor a .partial one


def test_the_trend_column_says_it_counts_from_the_latest_review(window: MainWindow) -> None:
    service = window.document.service
    review = service.list_reviews()[-1]
    model = window.register_view.model
    column = model.column_keys().index("trend")
    header = model.headerData(column, Qt.Orientation.Horizontal)
    assert header.replace("\n", " ") == f"Trend since review of {review.held_on:%d %b %Y}"
    tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert f"since review of {review.held_on:%d %b %Y}" in tip
    travel = service.direction_of_travel()
    assert travel.directions  # the demo's risks moved since its review
    for row in range(model.rowCount()):
        record = model.row(row)
        assert model.index(row, column).data() == travel.arrow(record.uuid)
    moved = next(u for u in travel.directions if travel.directions[u])
    window.register_view.select_uuid(moved)
    window.history.show_risk(moved)
    assert f"{travel.arrow(moved)} since review of {review.held_on:%d %b %Y}" in (
        window.history.trend_label.text()
    )
