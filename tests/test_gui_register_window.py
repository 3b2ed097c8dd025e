"""The main window on a real register: what a risk lead sees on start."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from riskreg.service import RegisterService
from ui.main_window import MainWindow
from ui.models.risk_table import RiskTableModel


@pytest.fixture
def window(qtbot: QtBot, demo: RegisterService) -> MainWindow:
    win = MainWindow(demo)
    qtbot.addWidget(win)
    win.show()
    return win


def test_the_window_shows_every_risk_with_the_register_name(window: MainWindow) -> None:
    view = window.register_view
    assert view.model.rowCount() == 41
    assert view.count_label.text() == "41 of 41 risks"
    assert window.windowTitle().startswith("A38 Corridor Highways Alliance")
    assert "41 risks · 82 actions" in window.statusBar().currentMessage()
    assert view.model.index(0, 0).data() == "R-001"


def test_typing_in_search_filters_the_table(qtbot: QtBot, window: MainWindow) -> None:
    view = window.register_view
    qtbot.keyClicks(view.search, "asbestos")
    assert view.model.rowCount() == 1
    assert "asbestos" in view.model.index(0, 1).data().lower()
    assert view.count_label.text() == "1 of 41 risks"
    view.search.clear()
    assert view.model.rowCount() == 41


def test_clicking_the_current_header_sorts_by_score_as_a_number(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.register_view
    current = view.model.column_keys().index("current")
    view.table.sortByColumn(current, Qt.SortOrder.DescendingOrder)
    scores = [view.model.row(r).current_score for r in range(view.model.rowCount())]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 20


def test_score_cells_are_painted_in_their_band_colour(window: MainWindow) -> None:
    model = window.register_view.model
    scheme = window.service.scheme()
    current = model.column_keys().index("current")
    for row in range(model.rowCount()):
        record = model.row(row)
        brush = model.index(row, current).data(Qt.ItemDataRole.BackgroundRole)
        band = scheme.band(record.current_likelihood, record.current_impact)
        assert brush.color().name() == band.colour


def test_selecting_a_row_announces_the_risk(qtbot: QtBot, window: MainWindow) -> None:
    view = window.register_view
    with qtbot.waitSignal(view.sig_risk_selected) as blocker:
        view.table.selectRow(2)
    assert blocker.args == [view.model.row(2).uuid]


def test_opening_a_file_that_is_not_a_register_explains_and_keeps_the_current_one(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, message: shown.append(message))
    bogus = tmp_path / "minutes.riskreg"
    bogus.write_text("not a register")
    assert not window.open_register(str(bogus))
    assert shown and "not an SQLite database" in shown[0]
    assert window.register_view.model.rowCount() == 41


def test_the_table_model_passes_qt_model_tests(qtmodeltester, demo: RegisterService) -> None:  # type: ignore[no-untyped-def]
    model = RiskTableModel(demo.scheme())
    model.set_rows(demo.list_risks())
    qtmodeltester.check(model)
