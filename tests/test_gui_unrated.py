"""Unrated drafts in the window: the table says "unrated" and sorts them after the scored
risks, the band filter finds them, the editor shows and keeps them unrated, and opening one
before it is scored is refused beside the scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from riskreg.records import RiskDraft, RiskStatus
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from tests.gui_helpers import cell_text, choose, shown_heat_map
from ui.main_window import MainWindow
from ui.models.risk_table import RiskTableModel


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path, demo: RegisterService) -> MainWindow:
    for title in ("Unscored supplier risk", "Unscored flood risk"):
        demo.create_risk(RiskDraft(title, "AQUA", None, None, status=RiskStatus.DRAFT))
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.register_view.model.rowCount() == 46)
    return win


def shown_refs(model: RiskTableModel) -> list[str]:
    return [model.row(r).ref for r in range(model.rowCount())]


def test_the_table_says_unrated_and_sorts_unrated_drafts_last_both_ways(
    window: MainWindow, qtmodeltester: object
) -> None:
    view = window.register_view
    model = view.model
    assert cell_text(window, "R-045", "current") == "unrated"
    assert cell_text(window, "R-046", "inherent") == "unrated"
    current = model.column_keys().index("current")
    row = shown_refs(model).index("R-045")
    assert model.index(row, current).data(Qt.ItemDataRole.BackgroundRole) is None
    for column in ("current", "inherent"):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(model.column_keys().index(column), order)
            refs = shown_refs(model)
            assert refs[-2:] == ["R-045", "R-046"], (column, order)
            scores = [getattr(model.row(r), f"{column}_score") for r in range(41)]
            assert scores == sorted(scores, reverse=order == Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_the_band_filter_finds_the_unrated_drafts(window: MainWindow) -> None:
    view = window.register_view
    choose(view.band_filter, "Unrated")
    assert shown_refs(view.model) == ["R-045", "R-046"]
    assert view.count_label.text() == "2 of 46 risks"


def test_the_heat_map_tab_counts_unrated_drafts_in_its_caption(window: MainWindow) -> None:
    canvas = shown_heat_map(window)
    assert canvas.heat is not None and canvas.heat.unrated == ("R-045", "R-046")
    assert "Unrated: 2" in canvas.heat.caption()


def test_the_editor_keeps_a_draft_unrated_and_refuses_to_open_it_unscored(
    qtbot: QtBot, window: MainWindow
) -> None:
    service = window.document.service
    window.register_view.select_uuid(service.find_risk("R-045").uuid)
    form = window.editor.form
    assert form.likelihood["current"].currentText() == "unrated"
    assert form.impact["inherent"].currentText() == "unrated"
    assert form.score_labels["current"].text() == "—"
    qtbot.keyClicks(form.owner, "Kim")
    qtbot.mouseClick(window.editor.save_button, Qt.MouseButton.LeftButton)
    saved = service.find_risk("R-045")
    assert (saved.owner, saved.unrated) == ("Kim", True)

    choose(form.status, RiskStatus.OPEN.value)
    qtbot.mouseClick(window.editor.save_button, Qt.MouseButton.LeftButton)
    assert any("only a Draft may be unrated" in m for m in form.visible_messages())
    assert service.find_risk("R-045").status is RiskStatus.DRAFT
    assert form.status.currentData() == RiskStatus.OPEN.value  # what was chosen stays

    for basis, (lik, imp) in (("inherent", (4, 4)), ("current", (3, 4))):
        choose(form.likelihood[basis], lik)
        choose(form.impact[basis], imp)
    qtbot.mouseClick(window.editor.save_button, Qt.MouseButton.LeftButton)
    opened = service.find_risk("R-045")
    assert (opened.status, opened.current_score) == (RiskStatus.OPEN, 12)
    assert cell_text(window, "R-045", "current") == "12  (3×4)"
