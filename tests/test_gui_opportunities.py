"""Opportunities in the window: the form's Type with the responses that follow it (a
response that no longer fits is kept and said beside Response, never silently changed); the
table's Type column and filter; the heat map's Threats / Opportunities switch, whose cells
list only their own type in the register."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from riskreg.choices import Response, RiskKind
from riskreg.service import open_service
from tests.conftest import ALICE
from tests.gui_helpers import cell_text, choose, shown_heat_map
from ui.dialogs.new_risk import NewRiskDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.register_view.model.rowCount() == 44, timeout=10_000)
    return win


def offered(combo: object) -> list[str]:
    return [combo.itemData(i) for i in range(combo.count())]  # type: ignore[attr-defined]


def test_a_new_risk_is_a_threat_and_its_responses_follow_its_type(
    qtbot: QtBot, window: MainWindow
) -> None:
    service = window.document.service
    before = service.register_info().revision
    dialog = NewRiskDialog(window.document, window)
    qtbot.addWidget(dialog)
    form = dialog.form
    assert form.kind.currentData() == "Threat"
    assert offered(form.response) == ["Treat", "Tolerate", "Transfer", "Terminate"]
    qtbot.keyClicks(form.title, "Shared depot with the water company")
    choose(form.kind, "Opportunity")
    # what the user chose stays chosen, marked, and the field says why it will not do
    assert form.response.currentData() == "Treat"
    assert "(a threat's response)" in form.response.currentText()
    assert offered(form.response)[:4] == ["Exploit", "Enhance", "Share", "Reject"]
    message = form.errors["response"].text()
    assert "Exploit, Enhance, Share, Reject" in message and form.errors["response"].isVisibleTo(
        form
    )
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.created is None and service.register_info().revision == before
    choose(form.response, "Enhance")
    assert form.errors["response"].text() == ""
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.created is not None
    made = service.get_risk(dialog.created.uuid)
    assert (made.kind, made.response) == (RiskKind.OPPORTUNITY, Response.ENHANCE)


def test_the_editor_shows_an_opportunitys_type_and_its_responses(
    qtbot: QtBot, window: MainWindow
) -> None:
    service = window.document.service
    risk = next(r for r in service.list_risks() if r.kind is RiskKind.OPPORTUNITY)
    window.register_view.select_uuid(risk.uuid)
    form = window.editor.form
    qtbot.waitUntil(lambda: form.title.text() == risk.title, timeout=5_000)
    assert form.kind.currentData() == "Opportunity"
    assert offered(form.response) == ["Exploit", "Enhance", "Share", "Reject"]
    assert form.response.currentData() == risk.response.value
    choose(form.kind, "Threat")  # a threat cannot keep an opportunity's response
    assert form.response.currentData() == risk.response.value
    assert "Treat, Tolerate, Transfer, Terminate" in form.errors["response"].text()
    assert not window.editor.save()
    assert service.get_risk(risk.uuid) == risk


def test_the_table_has_a_type_column_and_a_type_filter(window: MainWindow) -> None:
    view = window.register_view
    opportunities = [r for r in window.document.service.list_risks()
                     if r.kind is RiskKind.OPPORTUNITY]  # fmt: skip
    assert len(opportunities) == 3
    assert cell_text(window, opportunities[0].ref, "kind") == "Opportunity"
    choose(view.kind_filter, "Opportunity")
    shown = {view.model.row(i).ref for i in range(view.model.rowCount())}
    assert shown == {r.ref for r in opportunities}
    assert view.count_label.text() == "3 of 44 risks"
    choose(view.kind_filter, "Threat")
    assert view.model.rowCount() == 41


def test_the_heat_map_offers_threats_and_opportunities_each_on_its_own_map(
    qtbot: QtBot, window: MainWindow
) -> None:
    canvas = shown_heat_map(window)
    view = window.heat_map
    threats = canvas.heat
    assert threats is not None and threats.filter.kind is RiskKind.THREAT
    choose(view.kind, "Opportunity")
    opportunities = canvas.heat
    assert opportunities is not None and opportunities.filter.kind is RiskKind.OPPORTUNITY
    risks = window.document.service.list_risks()
    joint_open = [r for r in risks if r.status.value != "Closed" and r.current_score
                  and r.visibility.value == "Joint"]  # fmt: skip
    assert opportunities.total == sum(r.kind is RiskKind.OPPORTUNITY for r in joint_open)
    assert threats.total == sum(r.kind is RiskKind.THREAT for r in joint_open)
    assert "open opportunities" in opportunities.caption()
    assert "the more the partnership stands to gain" in view.hint.text()  # good news, said
    cell = next(iter(opportunities.cells))
    assert opportunities.colour(*cell) != opportunities.scheme.band(*cell).colour
    canvas.repaint()
    geometry = canvas.geometry_
    assert geometry is not None
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton,
                     pos=geometry.cells[cell].center().toPoint())  # fmt: skip
    register = window.register_view
    shown = {register.model.row(i).ref for i in range(register.model.rowCount())}
    assert shown == set(opportunities.cells[cell])
    assert "on the opportunities' map" in register.count_label.text()
