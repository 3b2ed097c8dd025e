"""Editing through the real widgets: new risk with a split, edit, undo/redo, actions,
history, validation beside fields, conflicts, acting as another partner."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from riskreg.records import ActionStatus, Actor, RiskDraft
from riskreg.service import RegisterService, open_service
from tests.conftest import BOB
from tests.gui_helpers import cell_text, choose
from ui import actions as act
from ui.dialogs.action_dialog import ActionDialog
from ui.dialogs.new_risk import NewRiskDialog
from ui.main_window import MainWindow
from ui.models.action_table import ActionTableModel
from ui.models.history_table import HistoryModel
from ui.models.share_model import ShareModel
from ui.views.risk_editor import RiskEditor, Unsaved


@pytest.fixture
def window(blank_window: MainWindow) -> MainWindow:
    return blank_window


def add_split_risk(qtbot: QtBot, window: MainWindow) -> str:
    """Fill in the new-risk dialog as a user would: title, lead, scores, a 60/40 split."""
    dialog = NewRiskDialog(window.document, window)
    qtbot.addWidget(dialog)
    form = dialog.form
    qtbot.keyClicks(form.title, "Contractor insolvency")
    choose(form.lead_partner, "CNCL")
    choose(form.likelihood["inherent"], 4)
    choose(form.impact["inherent"], 4)
    choose(form.likelihood["current"], 3)
    choose(form.impact["current"], 4)
    choose(form.shares.partner_choice, "APEX")
    qtbot.mouseClick(form.shares.add_button, Qt.MouseButton.LeftButton)
    form.shares.set_percent("CNCL", 60)
    form.shares.set_percent("APEX", 40)
    assert form.shares.total_label.text() == "Total 100 %"
    assert form.score_labels["current"].text() == "12  ·  High"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.created is not None
    return dialog.created.ref


def test_a_new_risk_with_a_60_40_split_appears_in_the_table(
    qtbot: QtBot, window: MainWindow
) -> None:
    ref = add_split_risk(qtbot, window)
    assert ref == "R-001"
    assert window.register_view.model.rowCount() == 1
    assert cell_text(window, ref, "shares") == "CNCL 60% / APEX 40%"
    assert cell_text(window, ref, "current") == "12  (3×4)"


def test_the_split_editor_refuses_a_split_that_does_not_make_100(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = NewRiskDialog(window.document, window)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.form.title, "Half owned")
    choose(dialog.form.shares.partner_choice, "APEX")
    qtbot.mouseClick(dialog.form.shares.add_button, Qt.MouseButton.LeftButton)
    dialog.form.shares.set_percent("APEX", 30)
    assert "Total 130 %" in dialog.form.shares.total_label.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.created is None
    assert any("must make 100 %" in m for m in dialog.form.visible_messages())
    assert window.document.service.list_risks() == []


def test_editing_current_likelihood_changes_score_and_band_then_undo_and_redo(
    qtbot: QtBot, window: MainWindow
) -> None:
    ref = add_split_risk(qtbot, window)
    window.register_view.select_uuid(window.document.service.find_risk(ref).uuid)
    form = window.editor.form
    choose(form.likelihood["current"], 5)
    assert form.score_labels["current"].text() == "20  ·  Very high"
    assert window.editor.save_button.isEnabled()
    assert window.isWindowModified()  # the title's [*]: typing not yet saved
    qtbot.mouseClick(window.editor.save_button, Qt.MouseButton.LeftButton)

    model = window.register_view.model
    current = model.column_keys().index("current")
    colour = lambda: model.index(0, current).data(Qt.ItemDataRole.BackgroundRole).color().name()  # noqa: E731
    assert cell_text(window, ref, "current") == "20  (5×4)"
    assert colour() == window.document.service.scheme().band_named("Very high").colour
    assert not window.isWindowModified()  # saved: nothing unsaved, though undo is there
    assert window.actions_by_id[act.UNDO].isEnabled()

    window.actions_by_id[act.UNDO].trigger()
    assert cell_text(window, ref, "current") == "12  (3×4)"
    assert colour() == window.document.service.scheme().band_named("High").colour
    assert form.score_labels["current"].text() == "12  ·  High"
    assert not window.isWindowModified()

    window.actions_by_id[act.REDO].trigger()
    assert cell_text(window, ref, "current") == "20  (5×4)"
    assert window.document.service.find_risk(ref).current_likelihood == 5


def test_invalid_input_is_shown_beside_the_field_and_nothing_is_saved(
    qtbot: QtBot, window: MainWindow
) -> None:
    ref = add_split_risk(qtbot, window)
    record = window.document.service.find_risk(ref)
    window.register_view.select_uuid(record.uuid)
    form = window.editor.form
    form.title.clear()
    qtbot.keyClicks(form.title, " ")
    form.title.clear()
    form.title.textEdited.emit("")
    assert form.errors["title"].isVisibleTo(form)
    assert form.errors["title"].text() == "Title is required"
    assert not window.editor.save()
    assert window.document.service.find_risk(ref).version == record.version


def test_text_too_long_is_refused_by_name_not_cut(qtbot: QtBot, window: MainWindow) -> None:
    ref = add_split_risk(qtbot, window)
    window.register_view.select_uuid(window.document.service.find_risk(ref).uuid)
    window.editor.form.title.setText("x" * 301)
    window.editor.form.title.textEdited.emit("x")
    assert not window.editor.save()
    assert "most it can hold is 300" in window.editor.form.errors["title"].text()
    assert window.editor.form.title.text() == "x" * 301  # what the user typed stays
    assert window.document.service.find_risk(ref).title == "Contractor insolvency"


def test_saving_over_someone_elses_change_is_refused_and_explained(
    qtbot: QtBot, window: MainWindow, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, message: shown.append(message))
    ref = add_split_risk(qtbot, window)
    window.register_view.select_uuid(window.document.service.find_risk(ref).uuid)
    bob = open_service(register_path, BOB)
    theirs = bob.find_risk(ref)
    bob.edit_risk(theirs.uuid, theirs.version, {"owner": "Bob's owner"})
    bob.close()
    qtbot.keyClicks(window.editor.form.owner, "Alice's owner")
    assert not window.editor.save()
    assert len(shown) == 1
    assert "was changed by bob" in shown[0]
    assert window.document.service.find_risk(ref).owner == "Bob's owner"
    assert window.editor.form.owner.text() == "Alice's owner"  # the typing is not lost


def test_adding_and_completing_an_action(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = add_split_risk(qtbot, window)
    window.register_view.select_uuid(window.document.service.find_risk(ref).uuid)
    due = window.document.service.today() - timedelta(days=3)
    answer: dict[str, Any] = {"description": "Parent company guarantee", "partner": "APEX",
                              "owner": "Karen", "due_date": due,
                              "status": ActionStatus.IN_PROGRESS, "progress": 20}  # fmt: skip
    monkeypatch.setattr(ActionDialog, "ask", classmethod(lambda cls, *a, **k: answer))
    qtbot.mouseClick(window.risk_actions.add_button, Qt.MouseButton.LeftButton)
    panel = window.risk_actions
    assert panel.model.rowCount() == 1
    assert "(overdue)" in panel.model.index(0, 5).data()
    assert "Overdue action" in cell_text(window, ref, "flags")
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.complete_button, Qt.MouseButton.LeftButton)
    action = window.document.service.list_actions()[0]
    assert action.status is ActionStatus.DONE
    assert action.progress == 100
    assert panel.model.index(0, 6).data() == "Done"
    assert cell_text(window, ref, "flags") == ""
    window.actions_by_id[act.UNDO].trigger()
    assert window.document.service.list_actions()[0].status is ActionStatus.IN_PROGRESS


def test_the_history_shows_the_edit_with_who_and_old_and_new(
    qtbot: QtBot, window: MainWindow
) -> None:
    ref = add_split_risk(qtbot, window)
    window.register_view.select_uuid(window.document.service.find_risk(ref).uuid)
    choose(window.editor.form.likelihood["current"], 2)
    window.editor.save()
    rows = window.history.model
    newest = [rows.index(0, c).data() for c in range(rows.columnCount())]
    assert newest[1:] == ["alice (CNCL)", "test", f"{ref} current likelihood", "3 → 2"]
    assert "trend ▼ down since the last change (was 12)" in window.history.trend_label.text()
    assert "Score over time: 12 → 8" in window.history.trend_label.text()
    assert cell_text(window, ref, "trend") == "▼ down"


def test_the_history_shows_dates_and_amounts_as_the_form_does(
    qtbot: QtBot, window: MainWindow
) -> None:
    ref = add_split_risk(qtbot, window)
    risk = window.document.service.find_risk(ref)
    window.register_view.select_uuid(risk.uuid)
    window.editor.form.next_review.line.clear()
    qtbot.keyClicks(window.editor.form.next_review.line, "15/01/2027")
    qtbot.keyClicks(window.editor.form.cost_likely, "1.2m")
    window.editor.save()
    rows = window.history.model
    changes = {rows.index(r, 3).data(): rows.index(r, 4).data() for r in range(rows.rowCount())}
    assert changes[f"{ref} next review"].endswith("→ 15 Jan 2027")
    assert changes[f"{ref} cost (most likely)"] == "— → £1,200,000"


def test_acting_as_another_partner_is_recorded(qtbot: QtBot, window: MainWindow) -> None:
    window.set_actor(Actor("Dan Moss", "APEX", "GUI"))
    assert "acting as Dan Moss (APEX)" in window.status_label.text()
    ref = add_split_risk(qtbot, window)
    change = window.document.service.history(window.document.service.find_risk(ref).uuid)[0]
    assert (change.user, change.partner_code, change.source) == ("Dan Moss", "APEX", "GUI")
    assert window.preferences.partner_code == "APEX"


def test_new_risk_action_opens_the_dialog_and_selects_the_risk(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = window.document.service

    def ask(cls: type, document: Any, parent: Any = None) -> Any:
        return document.create_risk(RiskDraft("Made by the dialog", "AQUA", 2, 3))

    monkeypatch.setattr(NewRiskDialog, "ask", classmethod(ask))
    window.actions_by_id[act.NEW_RISK].trigger()
    assert window.register_view.selected_uuid() == service.find_risk("R-001").uuid
    assert window.editor.form.title.text() == "Made by the dialog"


def test_every_small_model_passes_qt_model_tests(qtmodeltester, demo: RegisterService) -> None:  # type: ignore[no-untyped-def]
    actions = ActionTableModel()
    actions.set_rows(demo.list_actions(), demo.today())
    qtmodeltester.check(actions)
    history = HistoryModel()
    history.set_rows(demo.history(demo.list_risks()[0].uuid))
    qtmodeltester.check(history)
    shares = ShareModel()
    shares.set_shares((("APEX", 40), ("CNCL", 60)))
    shares.set_lead("CNCL")
    shares.set_cost(50_000)
    qtmodeltester.check(shares)


def test_an_edit_reads_back_only_the_changed_risk_not_the_whole_register(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = add_split_risk(qtbot, window)
    window.document.service.create_risks([RiskDraft(f"Other {n}", "APEX", 2, 2) for n in range(20)])
    record = window.document.service.find_risk(ref)
    calls: list[str] = []
    service = window.document.service
    original = service.list_risks
    monkeypatch.setattr(service, "list_risks", lambda: calls.append("list") or original())
    window.document.edit_risk(record, {"current_impact": 5})
    assert calls == []
    assert cell_text(window, ref, "current") == "15  (3×5)"
    assert window.register_view.count_label.text() == "21 of 21 risks"


def test_moving_to_another_risk_asks_first_and_does_what_the_user_answers(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unsaved typing is never saved or dropped on the way to another row: the user is
    asked Save / Discard / Cancel, and each answer does what it says."""
    service = window.document.service
    first = service.create_risk(RiskDraft("First", "CNCL", 2, 2))
    second = service.create_risk(RiskDraft("Second", "CNCL", 2, 2))
    view, editor = window.register_view, window.editor
    answers: list[Unsaved] = []
    asked: list[str] = []

    def answer(self: RiskEditor, record: object) -> Unsaved:
        asked.append(getattr(record, "ref", ""))
        return answers.pop(0)

    monkeypatch.setattr(RiskEditor, "ask_unsaved", answer)
    view.select_uuid(first.uuid)
    qtbot.keyClicks(editor.form.owner, "Jo")
    answers.append(Unsaved.SAVE)
    view.select_uuid(second.uuid)
    assert asked == ["R-001"]
    assert service.get_risk(first.uuid).owner == "Jo"
    assert editor.record is not None and editor.record.uuid == second.uuid

    qtbot.keyClicks(editor.form.owner, "Kim")
    answers.append(Unsaved.DISCARD)
    view.select_uuid(first.uuid)
    assert service.get_risk(second.uuid).owner == ""  # dropped, as answered
    assert editor.record is not None and editor.record.uuid == first.uuid

    qtbot.keyClicks(editor.form.owner, " Lee")
    answers.append(Unsaved.CANCEL)
    view.select_uuid(second.uuid)
    assert editor.record is not None and editor.record.uuid == first.uuid
    assert editor.form.owner.text() == "Jo Lee" and editor.is_dirty  # the typing stays
    assert view.selected_uuid() == first.uuid  # and so does the selection
    assert service.get_risk(first.uuid).owner == "Jo"

    editor.form.title.setText("")
    editor.form.title.textEdited.emit("")
    answers.append(Unsaved.SAVE)
    view.select_uuid(second.uuid)  # invalid typing cannot be saved: the editor stays
    assert editor.record is not None and editor.record.uuid == first.uuid
    assert editor.form.errors["title"].isVisibleTo(editor.form)
    assert service.get_risk(first.uuid).title == "First"

    answers.append(Unsaved.CANCEL)
    window.close()  # cancelled: the window stays with the typing
    assert window.isVisible() and editor.is_dirty
    editor.revert()
    assert not editor.is_dirty


def test_enter_in_the_new_risk_dialog_creates_nothing_until_add_risk_or_ctrl_enter(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A title typed and Enter pressed must not make a risk with the form's starting scores
    (a risk is made for good: refs are never reused)."""
    dialog = NewRiskDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.form.title, "Contractor insolvency")
    qtbot.keyClick(dialog.form.title, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.form.title, Qt.Key.Key_Enter)
    assert dialog.isVisible() and dialog.created is None
    assert window.document.service.list_risks() == []
    choose(dialog.form.likelihood["inherent"], 4)
    choose(dialog.form.impact["inherent"], 4)
    from PySide6.QtGui import QKeySequence, QShortcut

    (ctrl_enter,) = [shortcut for shortcut in dialog.findChildren(QShortcut)
                     if shortcut.key() == QKeySequence("Ctrl+Return")]  # fmt: skip
    ctrl_enter.activated.emit()  # what Ctrl+Enter does in the active dialog
    assert dialog.created is not None and dialog.created.inherent_score == 16


def test_the_new_risk_form_is_never_cut_at_the_side_and_a_refusal_is_in_full_view(
    qtbot: QtBot, window: MainWindow
) -> None:
    from datetime import date, timedelta

    dialog = NewRiskDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    viewport = dialog.scroll_area.viewport()
    assert viewport.width() >= dialog.form.minimumSizeHint().width()
    qtbot.keyClicks(dialog.form.title, "Far review")
    choose(dialog.form.likelihood["inherent"], 4)
    choose(dialog.form.impact["inherent"], 4)
    far = date.today() + timedelta(days=3_000)
    qtbot.keyClicks(dialog.form.next_review.line, f"{far:%d/%m/%Y}")  # past the band's cadence
    dialog.ok_button.click()
    assert dialog.created is None
    (label,) = [m for m in dialog.form.message_labels() if m.isVisibleTo(dialog.form)]
    top_left = label.mapTo(viewport, label.rect().topLeft())
    bottom = label.mapTo(viewport, label.rect().bottomLeft()).y()
    assert top_left.y() >= 0 and bottom <= viewport.height() and label.height() > 0
