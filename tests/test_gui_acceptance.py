"""Risk ▸ Accept outside appetite… and the risk editor's Accept… button, driven as a risk
lead would: refusals beside the field, Enter never accepts, the table, the filters and the
editor say "accepted until …", undo withdraws."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from riskreg.service import open_service
from tests.conftest import ALICE
from tests.gui_helpers import cell_text
from ui import actions as act
from ui.dialogs.acceptance import AcceptanceDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    return win


def test_accepting_a_risk_from_the_editor_shows_accepted_until_and_undo_withdraws_it(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = window.document.service
    risk = service.find_risk("R-014")  # CNCL's, above the partnership's appetite (a warning)
    view, editor = window.register_view, window.editor
    view.select_uuid(risk.uuid)
    assert editor.accept_button.isEnabled()
    assert window.actions_by_id[act.ACCEPT_RISK].isEnabled()
    assert cell_text(window, "R-014", "flags").startswith("Above appetite")
    until = service.today() + timedelta(days=90)

    def answer(cls: type, document: object, record: object, judged: object,
               parent: object = None) -> object:  # fmt: skip
        dialog = AcceptanceDialog(document, record, judged)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.width() <= 1024 and dialog.height() <= 768
        assert dialog.accepted_by.text() == ALICE.user  # the user's name by default
        assert dialog.expires_on.calendarPopup()
        qtbot.keyClick(dialog.accepted_by, Qt.Key.Key_Return)  # Enter never accepts
        assert dialog.isVisible() and service.acceptances() == []
        dialog.accept_button.click()  # no justification: refused beside it, nothing saved
        assert "required" in dialog.errors["justification"].text()
        assert not dialog.errors["accepted_by"].isVisibleTo(dialog)
        assert service.acceptances() == []
        qtbot.keyClicks(dialog.justification, "Funding gap closes with the spring settlement")
        dialog.expires_on.setDate(QDate(until.year, until.month, until.day))
        dialog.accept_button.click()
        assert dialog.result() == AcceptanceDialog.DialogCode.Accepted
        return dialog.saved

    monkeypatch.setattr(AcceptanceDialog, "ask", classmethod(answer))
    qtbot.mouseClick(editor.accept_button, Qt.MouseButton.LeftButton)
    accepted = service.get_risk(risk.uuid)
    assert [(a.scope, a.expires_on) for a in accepted.acceptances] == [(None, until)]
    shown = f"{until.day} {until:%b %Y}"
    assert f"<b>Accepted</b> until {shown} ({ALICE.user}): " in editor.governance_label.text()
    assert cell_text(window, "R-014", "flags").startswith(f"Accepted until {shown}")
    view.appetite_filter.setChecked(True)
    assert table_refs(window) and table_refs(window).isdisjoint({"R-014"})
    view.appetite_filter.setChecked(False)
    view.accepted_filter.setChecked(True)
    assert table_refs(window) == {"R-014"}
    view.accepted_filter.setChecked(False)

    history = window.history
    history.show_risk(risk.uuid)
    texts = [" ".join(str(history.model.index(0, c).data()) for c in range(5))]
    assert "R-014 accepted outside appetite" in texts[0]
    assert f"by {ALICE.user} until {until.isoformat()}: Funding gap" in texts[0]

    window.document.undo_stack.undo()  # withdraws it
    assert service.get_risk(risk.uuid).acceptances == ()
    assert cell_text(window, "R-014", "flags").startswith("Above appetite")
    view.appetite_filter.setChecked(True)
    assert "R-014" in table_refs(window)  # withdrawn: above appetite again
    view.appetite_filter.setChecked(False)
    window.document.undo_stack.redo()
    assert [a.expires_on for a in service.get_risk(risk.uuid).acceptances] == [until]


def test_the_accept_command_is_disabled_with_the_reason_for_a_risk_within_appetite(
    window: MainWindow,
) -> None:
    service = window.document.service
    breaches = service.appetite_breaches()
    calm = next(r for r in service.list_risks() if r.uuid not in breaches)
    window.register_view.select_uuid(calm.uuid)
    assert not window.editor.accept_button.isEnabled()
    assert "within appetite" in window.editor.accept_button.toolTip()
    assert not window.actions_by_id[act.ACCEPT_RISK].isEnabled()


def test_an_expiry_in_the_past_or_beyond_three_years_cannot_be_chosen(
    qtbot: QtBot, window: MainWindow
) -> None:
    service = window.document.service
    risk = service.find_risk("R-014")
    window.register_view.select_uuid(risk.uuid)
    dialog = AcceptanceDialog(window.document, risk, window.editor.judged(risk))
    qtbot.addWidget(dialog)
    today = service.today()
    dialog.expires_on.setDate(QDate(today.year - 1, 1, 1))
    assert dialog.expires_on.date() > QDate(today.year, today.month, today.day)
    dialog.expires_on.setDate(QDate(today.year + 5, 1, 1))
    assert dialog.expires_on.date() <= QDate(today.year + 3, today.month, today.day).addDays(1)


def table_refs(window: MainWindow) -> set[str]:
    model = window.register_view.model
    return {model.index(row, 0).data() for row in range(model.rowCount())}
