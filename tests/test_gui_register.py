"""The register window on the demo register: table, filters, sorting, columns, markers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QTextDocument
from pytestqt.qtbot import QtBot

from riskreg.governance import AppetiteState
from riskreg.records import CategoryRecord
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from tests.gui_helpers import choose, shown_heat_map
from ui.main_window import MainWindow
from ui.models.risk_table import RiskTableModel, TableContext
from ui.register_feed import RegisterFeed


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    return win


def test_the_window_shows_every_risk_with_the_register_name(window: MainWindow) -> None:
    view = window.register_view
    assert view.model.rowCount() == 44
    assert view.count_label.text() == "44 of 44 risks"
    assert window.windowTitle().startswith("A38 Corridor Highways Alliance")
    assert "44 risks · 88 actions" in window.status_label.text()
    assert "acting as alice (CNCL)" in window.status_label.text()


def test_typing_in_search_filters_the_table(qtbot: QtBot, window: MainWindow) -> None:
    view = window.register_view
    qtbot.keyClicks(view.search, "asbestos")
    assert view.model.rowCount() == 1
    assert "asbestos" in view.model.row(0).title.lower()
    assert view.count_label.text() == "1 of 44 risks"
    view.search.clear()
    assert view.model.rowCount() == 44


def test_filters_combine_partner_band_and_status(window: MainWindow) -> None:
    view = window.register_view
    scheme = window.document.service.scheme()
    choose(view.partner_filter, "AQUA")
    aqua = [view.model.row(r) for r in range(view.model.rowCount())]
    assert aqua
    assert all(r.lead_partner == "AQUA" or "AQUA" in dict(r.shares) for r in aqua)
    assert any(r.lead_partner != "AQUA" for r in aqua)  # shares count, not only the lead
    choose(view.band_filter, "High")
    both = [view.model.row(r) for r in range(view.model.rowCount())]
    assert 0 < len(both) < len(aqua)
    assert all(scheme.band(r.current_likelihood, r.current_impact).name == "High" for r in both)
    assert view.count_label.text() == f"{len(both)} of 44 risks"
    choose(view.status_filter, "Closed")
    assert view.model.rowCount() == len([r for r in both if r.status.value == "Closed"])
    choose(view.partner_filter, None)
    choose(view.band_filter, None)
    choose(view.status_filter, None)
    assert view.model.rowCount() == 44


def test_review_due_and_overdue_action_filters_show_their_markers(window: MainWindow) -> None:
    view = window.register_view
    view.overdue_filter.setChecked(True)
    shown = view.model.rowCount()
    assert 0 < shown < 44
    flags = view.model.column_keys().index("flags")
    assert all("Overdue action" in view.model.index(r, flags).data() for r in range(shown))
    view.overdue_filter.setChecked(False)
    view.review_due_filter.setChecked(True)
    today = window.document.service.today()
    soon = today + timedelta(days=14)
    due = view.model.rowCount()
    assert due > 0 and all(
        view.model.row(r).next_review <= soon  # type: ignore[operator]
        for r in range(due)
    )
    view.review_due_filter.setChecked(False)
    view.review_overdue_filter.setChecked(True)
    late = view.model.rowCount()
    assert 0 < late <= due
    assert all("Review overdue" in view.model.index(r, flags).data() for r in range(late))
    assert all(view.model.row(r).next_review < today for r in range(late))  # type: ignore[operator]


def test_above_appetite_and_breach_of_tolerance_are_flagged_filtered_and_explained(
    window: MainWindow,
) -> None:
    """Financial's Cautious (appetite Medium, tolerance High): a High risk is a warning in
    amber, a Very high one a breach in red; each filter keeps what it names."""
    service = window.document.service
    service.edit_category("Financial", CategoryRecord("Financial", "Cautious"))
    warned, breached = [r for r in service.list_risks() if r.category == "Financial"
                        and r.status.value == "Open"][:2]  # fmt: skip
    warned = service.edit_risk(
        warned.uuid, warned.version, {"current_likelihood": 3, "current_impact": 4}
    )  # 12: High
    breached = service.edit_risk(breached.uuid, breached.version,
                                 {"current_likelihood": 5, "current_impact": 5})  # fmt: skip
    window.refresh()
    view = window.register_view
    flags = view.model.column_keys().index("flags")

    def shown() -> dict[str, int]:
        return {view.model.row(r).ref: r for r in range(view.model.rowCount())}

    view.appetite_filter.setChecked(True)
    rows = shown()
    assert {warned.ref, breached.ref} <= set(rows)
    warning = view.model.index(rows[warned.ref], flags)
    breach = view.model.index(rows[breached.ref], flags)
    assert "Above appetite" in warning.data() and "Breach" not in warning.data()
    assert "Breach of tolerance" in breach.data()
    ink = Qt.ItemDataRole.ForegroundRole
    assert warning.data(ink).color().name() == "#8a5a00"  # amber
    assert breach.data(ink).color().name() == "#b3261e"  # red
    tip = QTextDocument()
    tip.setHtml(warning.data(Qt.ItemDataRole.ToolTipRole))  # escaped HTML: read its text
    assert ("High: above appetite of the partnership (Cautious: Medium), within tolerance "
            "(High) — Financial") in tip.toPlainText()  # fmt: skip
    view.appetite_filter.setChecked(False)
    view.breach_filter.setChecked(True)
    rows = shown()
    assert breached.ref in rows and warned.ref not in rows
    assert all("Breach of tolerance" in view.model.index(r, flags).data() for r in rows.values())


def test_a_risk_judged_against_appetite_is_judged_again_once_edited(window: MainWindow) -> None:
    """The table keeps each risk's judgement for the filters and sorts that ask on every
    row; a record that changed (a new record for the same risk) is never answered from it."""
    service = window.document.service
    service.edit_category("Financial", CategoryRecord("Financial", "Cautious"))
    risk = next(r for r in service.list_risks() if r.category == "Financial")
    high = service.edit_risk(
        risk.uuid, risk.version, {"current_likelihood": 3, "current_impact": 4}
    )
    window.refresh()
    context = window.register_view.model.context
    assert context.appetite(high).state is AppetiteState.WARNING
    low = service.edit_risk(high.uuid, high.version, {"current_likelihood": 1, "current_impact": 2})
    assert context.appetite(low).state is AppetiteState.WITHIN
    assert "Above appetite" not in context.flags(low)
    assert context.appetite(high).state is AppetiteState.WARNING  # the older record, as it was


def test_sorting_by_current_score_sorts_numbers_not_text(window: MainWindow) -> None:
    view = window.register_view
    current = view.model.column_keys().index("current")
    view.table.sortByColumn(current, Qt.SortOrder.DescendingOrder)
    scores = [view.model.row(r).current_score for r in range(view.model.rowCount())]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 20  # "20" after "9" as text would fail this
    due = view.model.column_keys().index("next_review")
    view.table.sortByColumn(due, Qt.SortOrder.AscendingOrder)
    dates = [view.model.row(r).next_review for r in range(view.model.rowCount())]
    assert dates == sorted(dates)  # type: ignore[type-var]


def test_score_cells_are_painted_in_their_band_colour(window: MainWindow) -> None:
    """A threat's in the scheme's colour, an opportunity's in the opportunity palette (as
    on their maps)."""
    from riskreg.heatmap import band_colours

    model = window.register_view.model
    scheme = window.document.service.scheme()
    current = model.column_keys().index("current")
    kinds = set()
    for row in range(model.rowCount()):
        record = model.row(row)
        brush = model.index(row, current).data(Qt.ItemDataRole.BackgroundRole)
        index = scheme.band_index(record.current_likelihood, record.current_impact)
        assert brush.color().name() == band_colours(scheme, record.kind)[index]
        kinds.add(record.kind)
    assert len(kinds) == 2


def test_hidden_and_moved_columns_are_remembered(
    qtbot: QtBot, window: MainWindow, demo_path: Path
) -> None:
    view = window.register_view
    menu = view.build_column_menu()
    owner = next(a for a in menu.actions() if a.text() == "Owner")
    owner.setChecked(False)
    owner_column = view.model.column_keys().index("owner")
    assert view.table.horizontalHeader().isSectionHidden(owner_column)
    view.table.horizontalHeader().moveSection(1, 4)
    window.close()
    again = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(again)
    header = again.register_view.table.horizontalHeader()
    assert header.isSectionHidden(owner_column)
    assert header.visualIndex(1) == 4
    header.setSectionHidden(owner_column, False)
    header.moveSection(4, 1)
    again.close()


def test_selecting_a_risk_fills_the_editor_actions_and_history(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.register_view
    with qtbot.waitSignal(view.sig_risk_selected) as blocker:
        view.table.selectRow(5)
    record = view.model.row(5)
    assert blocker.args == [record.uuid]
    assert window.editor.form.title.text() == record.title
    assert window.risk_actions.model.rowCount() == 2
    assert window.history.model.rowCount() >= 3
    assert record.ref in window.history.trend_label.text()


def test_dropping_a_register_file_opens_it(
    qtbot: QtBot, window: MainWindow, service: RegisterService
) -> None:
    location = service.location
    service.close()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(location)])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(drop)
    assert window.windowTitle().startswith("Test alliance")
    assert window.register_view.model.rowCount() == 0
    assert location in window.preferences.recent_registers


def test_opening_a_file_that_is_not_a_register_explains_and_keeps_the_current_one(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, message: shown.append(message))
    bogus = tmp_path / "minutes.riskreg"
    bogus.write_text("not a register")
    assert not window.open_register(str(bogus))
    assert len(shown) == 1
    assert "not an SQLite database" in shown[0]
    assert window.register_view.model.rowCount() == 44


def test_the_table_model_passes_qt_model_tests(qtmodeltester, demo: RegisterService) -> None:  # type: ignore[no-untyped-def]
    model = RiskTableModel(TableContext(demo.scheme(), demo.today()))
    model.set_rows(demo.list_risks())
    qtmodeltester.check(model)


def test_a_large_register_paints_a_first_page_then_reads_the_rest_in_the_background(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.register_feed as feed_module

    monkeypatch.setattr(RegisterFeed, "progressive_threshold", 10)
    monkeypatch.setattr(feed_module, "FIRST_PAGE", 15)
    window = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(window)
    view = window.register_view
    assert view.model.rowCount() == 15
    assert view.count_label.text() == "Reading the register… 15 of the first 15 of 44 risks shown"
    first = view.model.row(0)
    window.document.edit_risk(first, {"owner": "Changed while reading"})
    qtbot.waitUntil(lambda: view.model.rowCount() == 44, timeout=10_000)
    assert view.count_label.text() == "44 of 44 risks"
    assert view.model.row(0).owner == "Changed while reading"
    window.close()


def test_printing_puts_the_filtered_risks_in_a_preview_with_band_names(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    from ui.printing import register_html

    choose(window.register_view.band_filter, "Very high")
    window.print_register()
    preview = window.findChild(QPrintPreviewDialog)
    assert preview is not None
    assert preview.isVisible()
    preview.close()
    model = window.register_view.model
    rows = [model.row(r) for r in range(model.rowCount())]
    html = register_html("Alliance", "3 of 44 risks", rows, window.document.service.scheme())
    assert html.count("<tr>") == len(rows) + 2  # the marking and the column headers
    assert html.count("Very high") == len(rows)  # the band is named, not only coloured


def test_a_printed_register_says_who_it_is_for_and_marks_each_internal_risk(
    window: MainWindow,
) -> None:
    """A board member handed the print must see which risks are a partner's alone."""
    from riskreg.audience import INTERNAL_MARKING
    from riskreg.choices import Visibility
    from ui.printing import register_html

    scheme = window.document.service.scheme()
    every = window.document.service.list_risks()
    joint = [r for r in every if r.visibility is Visibility.JOINT]
    internal = [r for r in every if r.visibility is Visibility.INTERNAL]
    leads = {r.lead_partner for r in internal}
    assert len(leads) > 1  # the demo's internal risks have several lead partners
    assert "Joint risks — for every partner" in register_html("A", "", joint, scheme)
    one = [r for r in internal if r.lead_partner == "APEX"]
    html = register_html("A", "", joint + one, scheme)
    assert "For APEX only — holds APEX&#x27;s internal risks" in html
    assert html.count("Internal to APEX") == len(one)
    everything = register_html("A", "", every, scheme)
    assert INTERNAL_MARKING in everything
    assert everything.count("Internal to ") == len(internal)


def test_clicking_a_heat_map_cell_filters_the_register_to_that_cell(
    qtbot: QtBot, window: MainWindow
) -> None:
    canvas = shown_heat_map(window)
    assert canvas.geometry_ is not None
    cell = max(canvas.heat.cells, key=lambda c: len(canvas.heat.cells[c]))  # type: ignore[union-attr]
    centre = canvas.geometry_.cells[cell].center().toPoint()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre)
    view = window.register_view
    assert window.tabs.currentWidget() is window.register_page
    shown = [view.model.row(r) for r in range(view.model.rowCount())]
    assert len(shown) == len(canvas.heat.cells[cell])  # type: ignore[union-attr]
    assert {(r.current_likelihood, r.current_impact) for r in shown} == {cell}
    assert f"current likelihood {cell[0]} × impact {cell[1]}" in view.count_label.text()
    qtbot.mouseClick(view.clear_cell_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 44


def test_the_heat_map_follows_the_register_filters_and_lists_titles(window: MainWindow) -> None:
    choose(window.register_view.partner_filter, "AQUA")
    window.tabs.setCurrentWidget(window.heat_map)
    heat = window.heat_map.canvas.heat
    assert heat is not None
    assert "partner AQUA" in heat.caption()
    cell = next(iter(heat.cells))
    titles = window.heat_map.canvas.titles_in(cell)
    assert len(titles) == len(heat.cells[cell])
    assert all(t.split()[0] in heat.cells[cell] for t in titles)


def test_the_heat_map_prints_and_exports_what_the_screen_shows(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    choose(window.register_view.partner_filter, "ARDN")
    window.tabs.setCurrentWidget(window.heat_map)
    written = window.heat_map.export_map(tmp_path / "ardn")
    assert written.suffix == ".pdf"
    text = " ".join(PdfReader(written).pages[0].extract_text().split())
    assert "Current risk — joint risks — partner ARDN — open threats" in text
    for placed in window.heat_map.canvas.placed:
        assert placed.ref in text
    window.heat_map.print_map()
    preview = window.heat_map.findChild(QPrintPreviewDialog)
    assert preview is not None
    preview.close()


def test_the_meeting_pack_menu_writes_the_pdf(window: MainWindow, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from ui import actions as act

    assert window.actions_by_id[act.MEETING_PACK].text() == "&Meeting pack (PDF)…"
    pages = window.write_meeting_pack(tmp_path / "pack.pdf")
    assert len(PdfReader(tmp_path / "pack.pdf").pages) == pages >= 9


def test_the_heat_map_draws_moves_since_a_chosen_date(window: MainWindow) -> None:
    from datetime import date, timedelta

    window.tabs.setCurrentWidget(window.heat_map)
    assert window.heat_map.canvas.arrows == []
    window.heat_map.since.set_value(date.today() - timedelta(days=200))
    arrows = window.heat_map.canvas.arrows
    assert arrows
    by_ref = {r.ref: r for r in window.document.service.list_risks()}
    assert all(m.end == (by_ref[m.ref].current_likelihood, by_ref[m.ref].current_impact)
               for m in arrows)  # fmt: skip


def test_the_heat_map_can_put_impact_up_the_side_and_remembers_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    canvas = shown_heat_map(window)
    assert canvas.geometry_ is not None
    upright = canvas.geometry_.cells
    assert upright[(5, 1)].top() < upright[(1, 5)].top()  # likelihood 5 is the top row
    window.heat_map.transpose.setChecked(True)
    canvas.repaint()
    turned = canvas.geometry_.cells
    assert turned[(1, 5)].top() < turned[(5, 1)].top()  # impact 5 is the top row now
    assert turned[(5, 1)].left() > turned[(1, 5)].left()
    assert window.preferences.heat_map_transposed
    window.heat_map.transpose.setChecked(False)
    assert not window.preferences.heat_map_transposed


def test_a_png_export_has_the_chosen_size_and_resolution(
    window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtGui import QImage

    window.tabs.setCurrentWidget(window.heat_map)
    written = window.heat_map.export_map(tmp_path / "map.png", width=1800, dpi=150)
    image = QImage(str(written))
    assert image.width() == 1800
    assert round(image.dotsPerMeterX() * 0.0254) == 150


def test_proximity_is_a_column_sorted_soonest_first_and_a_filter(window: MainWindow) -> None:
    from riskreg.choices import Proximity
    from ui.models.risk_table import PROXIMITY_RANK

    document, view = window.document, window.register_view
    assert document.edit_risk(document.service.find_risk("R-007"), {"proximity": Proximity.NEAR})
    keys = view.model.column_keys()
    header = view.table.horizontalHeader()
    column = keys.index("proximity")
    assert header.visualIndex(column) == header.visualIndex(keys.index("next_review")) - 1
    view.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    texts = [view.model.index(r, column).data() for r in range(view.model.rowCount())]
    order = [Proximity(text) if text else None for text in texts]
    ranks = [PROXIMITY_RANK[p] for p in order]
    assert ranks == sorted(ranks)
    assert order[0] is Proximity.IMMINENT and order[-1] is None
    choose(view.proximity_filter, Proximity.NEAR.value)
    shown = [view.model.row(r) for r in range(view.model.rowCount())]
    assert "R-007" in {r.ref for r in shown}
    assert {r.proximity for r in shown} == {Proximity.NEAR}
    assert view.count_label.text() == f"{len(shown)} of 44 risks"


def test_a_table_layout_saved_before_a_column_existed_keeps_its_widths_and_gains_it(
    qtbot: QtBot, demo_path: Path
) -> None:
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from ui.models.risk_table import COLUMNS
    from ui.settings import Preferences

    older = QTableView()  # the table as an earlier version saved it: one column fewer
    older.setModel(QStandardItemModel(0, len(COLUMNS) - 1))
    older.horizontalHeader().resizeSection(1, 333)
    older.horizontalHeader().hideSection(8)
    Preferences().table_header = older.horizontalHeader().saveState()
    window = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(window)
    header = window.register_view.table.horizontalHeader()
    assert header.count() == len(COLUMNS)
    assert header.sectionSize(1) == 333 and header.isSectionHidden(8)
    assert not header.isSectionHidden(window.register_view.model.column_keys().index("proximity"))
