"""Partners, categories, scoring scheme and preferences dialogs; errors; start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from riskreg.records import ActionDraft, Actor, RiskDraft
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from tests.gui_helpers import cell_text, wait_for_jobs
from ui import app as app_module
from ui.dialogs.categories import CategoriesDialog
from ui.dialogs.partners import PartnersDialog
from ui.dialogs.preferences import PreferencesDialog
from ui.dialogs.scheme import SchemeDialog, describe
from ui.document import RegisterDocument
from ui.errors import show_unexpected
from ui.main_window import MainWindow


@pytest.fixture
def window(blank_window: MainWindow) -> MainWindow:
    return blank_window


def test_partners_are_added_edited_and_refused_removal_while_in_use(
    qtbot: QtBot, window: MainWindow
) -> None:
    service = window.document.service
    risk = service.create_risk(RiskDraft("Flood", "AQUA", 3, 3))
    service.add_action(risk.uuid, ActionDraft("Pumps", "AQUA"))
    dialog = PartnersDialog(window.document, window)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.code, "ARDN")
    qtbot.keyClicks(dialog.name, "Arden Design")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "ARDN" in [p.code for p in service.list_partners()]
    assert window.register_view.partner_filter.findData("ARDN") >= 0  # views refreshed

    dialog.select("AQUA")
    assert not dialog.code.isEnabled()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert "AQUA cannot be removed: it leads 1 risk" in dialog.error.text()
    dialog.name.setText("Aqua Vale Water plc")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert (
        next(p for p in service.list_partners() if p.code == "AQUA").name == "Aqua Vale Water plc"
    )
    window.document.undo_stack.undo()
    assert next(p for p in service.list_partners() if p.code == "AQUA").name == "Aqua Water"


def test_categories_dialog_adds_with_appetite_and_refuses_removing_one_in_use(
    qtbot: QtBot, window: MainWindow
) -> None:
    service = window.document.service
    service.create_risk(RiskDraft("Overspend", "CNCL", 3, 3, category="Financial"))
    dialog = CategoriesDialog(window.document, window)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Weather")
    dialog.appetite.setCurrentIndex(dialog.appetite.findData("Open"))
    assert dialog.save()
    assert dialog.error.text() == "Saved Weather." and "#2e7d32" in dialog.error.styleSheet()
    assert ("Weather", "Open") in [(c.name, c.appetite) for c in service.list_categories()]
    dialog.list.setCurrentIndex(dialog.model.index(0, 0))  # Financial, first by name
    assert not dialog.remove()
    assert "used by 1 risk" in dialog.error.text()


def test_scheme_dialog_says_how_many_risks_change_band_then_rebands(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = window.document.service
    service.create_risk(RiskDraft("Big", "CNCL", 5, 5))
    service.create_risk(RiskDraft("Small", "CNCL", 1, 2))
    dialog = SchemeDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.likelihood_count.setValue(3)
    dialog.impact_count.setValue(3)
    assert dialog.likelihood_model.rowCount() == 3
    assert len(dialog.cell_combos) == 9
    asked: list[str] = []
    monkeypatch.setattr(dialog, "confirm", lambda report: asked.append(describe(report)) or True)
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    wait_for_jobs(qtbot, window.document)
    assert asked == [
        "1 of 2 risks will change band, and 1 will have their levels moved onto the new "
        "scale. Every change is recorded in the history."
    ]
    assert service.scheme().size == (3, 3)
    assert cell_text(window, "R-001", "current") == "9  (3×3)"


def test_enter_in_the_scheme_dialog_never_applies_a_scheme(
    qtbot: QtBot, window: MainWindow, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-banding cannot be undone: Enter in a field presses no button; Ctrl+Enter does."""
    from PySide6.QtGui import QKeySequence, QShortcut

    before = register_path.read_bytes()
    dialog = SchemeDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    asked: list[object] = []
    monkeypatch.setattr(dialog, "confirm", lambda report: asked.append(report) or False)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Enter)
    assert dialog.isVisible() and asked == [] and register_path.read_bytes() == before
    (ctrl_enter,) = [shortcut for shortcut in dialog.findChildren(QShortcut)
                     if shortcut.key() == QKeySequence("Ctrl+Return")]  # fmt: skip
    ctrl_enter.activated.emit()  # what Ctrl+Enter does in the active dialog
    assert len(asked) == 1  # asked, and answered No: nothing written
    assert register_path.read_bytes() == before


def test_a_cancelled_scheme_change_changes_nothing(
    qtbot: QtBot, window: MainWindow, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = register_path.read_bytes()
    dialog = SchemeDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.set_cell(1, 1, 3)
    monkeypatch.setattr(dialog, "confirm", lambda report: False)
    assert not dialog.try_apply()
    assert register_path.read_bytes() == before


def test_a_scheme_with_a_bad_colour_is_refused_with_the_reason(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = SchemeDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.band_model.item(0, 1).setText("green")
    assert not dialog.try_apply()
    assert 'band "Low": colour' in dialog.error.text()


def test_preferences_dialog_returns_who_the_user_acts_as(
    qtbot: QtBot, service: RegisterService
) -> None:
    dialog = PreferencesDialog(Actor("alice", "CNCL"), service.list_partners())
    qtbot.addWidget(dialog)
    dialog.user.setText("Jo Whitfield")
    dialog.partner.setCurrentIndex(dialog.partner.findData("AQUA"))
    assert dialog.actor() == Actor("Jo Whitfield", "AQUA", "GUI")


def test_a_refused_undo_is_explained_and_dropped_from_the_stack(
    qtbot: QtBot, window: MainWindow, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, message: shown.append(title))
    risk = window.document.service.create_risk(RiskDraft("Flood", "CNCL", 3, 3))
    window.document.edit_risk(risk, {"owner": "Alice"})
    other = open_service(register_path, ALICE)
    fresh = other.get_risk(risk.uuid)
    other.edit_risk(fresh.uuid, fresh.version, {"owner": "Someone else"})
    other.close()
    window.document.undo_stack.undo()
    assert shown == ["Cannot undo “Edit R-001 (owner)”"]
    assert window.document.service.get_risk(risk.uuid).owner == "Someone else"


def test_unexpected_errors_show_details_with_a_copy_button(qtbot: QtBot) -> None:
    box = show_unexpected(None, "Traceback: boom")
    qtbot.addWidget(box)
    assert box.detailedText() == "Traceback: boom"
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    copy.click()
    assert QApplication.clipboard().text() == "Traceback: boom"
    assert box.isVisible()
    assert box.icon() == QMessageBox.Icon.Critical


def test_first_start_creates_the_default_register_with_the_demo(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "data" / "register.riskreg"
    monkeypatch.setattr(app_module, "default_register_path", lambda: default)
    service = app_module.open_startup_register(["main.py"])
    assert isinstance(service, RegisterService)
    try:
        assert default.exists()
        assert service.register_info().risk_count == 44
        # no partner remembered: nobody yet, and the window asks before anything is written
        assert service.actor.partner_code == ""
    finally:
        service.close()
    again = app_module.open_startup_register(["main.py"])
    assert isinstance(again, RegisterService)
    assert again.register_info().risk_count == 44  # opened, not rebuilt
    again.close()


def test_the_document_reports_refusals_as_a_signal(qtbot: QtBot, service: RegisterService) -> None:
    document = RegisterDocument(service)
    with qtbot.waitSignal(document.sig_error) as blocker:
        document.add_action("no-such-risk", ActionDraft("x", "CNCL"))
    assert blocker.args[0] == "Cannot add the action"
    assert "no risk with id no-such-risk" in blocker.args[1]
