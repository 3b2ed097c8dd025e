"""Review ▸ Record joint review… and Review ▸ Joint reviews…, driven as a risk lead would."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from riskreg.choices import Decision
from riskreg.records import Attendee, DecisionRecord
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from tests.gui_helpers import choose
from ui import actions as act
from ui.dialogs.reviews import RecordReviewDialog, ReviewsDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    return win


def test_recording_a_review_from_the_menu_freezes_the_register(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answer(cls: type, partners: object, risks: object, today: date,
               parent: object = None) -> object:  # fmt: skip
        dialog = RecordReviewDialog(partners, risks, today)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert dialog.message.text() == "Give the meeting a title."  # refused until titled
        qtbot.keyClicks(dialog.title, "Q4 partnership board")
        qtbot.keyClick(dialog.title, Qt.Key.Key_Return)  # Enter records nothing, for good
        assert dialog.result() != RecordReviewDialog.DialogCode.Accepted
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert dialog.message.text().startswith("Add who attended")  # not without them
        choose(dialog.attendee_partner, "APEX")
        qtbot.keyClicks(dialog.attendee_name, "Dan Moss")
        dialog.add_attendee()
        choose(dialog.decision_risk, "R-001")
        dialog.decision.setCurrentText("Escalated")
        qtbot.keyClicks(dialog.decision_note, "to the SROs")
        dialog.add_decision()
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert dialog.result() == RecordReviewDialog.DialogCode.Accepted
        return dialog.values()

    monkeypatch.setattr(RecordReviewDialog, "ask", classmethod(answer))
    window.actions_by_id[act.RECORD_REVIEW].trigger()
    demo_review, review = window.document.service.list_reviews()  # the demo holds one
    assert demo_review.title == "Q3 partnership board"
    assert review.title == "Q4 partnership board"
    assert '"decision":"Escalated","note":"to the SROs","ref":"R-001"' in review.snapshot
    assert '{"name":"Dan Moss","partner":"APEX"}' in review.snapshot
    assert window.document.service.verify_review(review.id).matches


def test_the_reviews_dialog_checks_fingerprints_and_shows_changes_since(
    qtbot: QtBot, demo: RegisterService, demo_path: Path
) -> None:
    from ui.document import RegisterDocument

    first = demo.record_joint_review("Q3 board", date(2026, 9, 30),
                                     [Attendee("CNCL", "Priya Shah")],
                                     [DecisionRecord("R-001", Decision.ACCEPTED)])  # fmt: skip
    risk = demo.find_risk("R-001")
    demo.edit_risk(risk.uuid, risk.version, {"owner": "Somebody new"})
    demo.record_joint_review("Q4 board", date(2026, 12, 1))
    with sqlite3.connect(demo_path) as raw:  # someone edits the first snapshot in the file
        raw.execute("UPDATE review SET snapshot = replace(snapshot, 'Q3 board', 'Q3 Board') "
                    "WHERE id = ?", (first.id,))  # fmt: skip

    dialog = ReviewsDialog(RegisterDocument(open_service(demo_path, ALICE)))
    qtbot.addWidget(dialog)
    assert dialog.list_model.rowCount() == 3  # with the demo's own review
    assert dialog.verify_all() == [False, True, True]
    assert dialog.list_model.item(0, 4).text() == "ALTERED"
    dialog.list.selectRow(0)
    frozen = {dialog.frozen.item(r, 0).text(): r for r in range(dialog.frozen.rowCount())}
    assert dialog.frozen.item(frozen["R-001"], 7).text() == "Accepted"
    changes = [(dialog.changes.item(r, 0).text(), dialog.changes.item(r, 1).text())
               for r in range(dialog.changes.rowCount())]  # fmt: skip
    assert ("R-001", "owner") in changes
    html = dialog.snapshot_html(1)
    assert dialog.reviews[1].fingerprint in html and "Check fingerprints" in html
    assert "python -m" not in html  # a paper for a board, not a command to type
    assert "Attendees: " in html and "<h3>Decisions</h3>" in html


def test_the_exposure_tab_sums_each_partners_share(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.exposure)
    view = window.exposure
    expected = {e.partner: e for e in window.document.service.exposure_by_partner()}
    shown = {view.model.item(r, 0).text(): view.model.item(r, 3).text()
             for r in range(view.model.rowCount())}  # fmt: skip
    assert shown == {code: f"£{e.likely:,}" for code, e in expected.items()} and shown
    assert view.chart.exposures and view.chart.colours
    assert not view.chart.grab().isNull()


def test_the_editor_shows_appetite_reasons_marks_reviews_and_escalates_with_a_reason(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from riskreg.choices import EscalationLevel
    from ui.dialogs.escalation import EscalationDialog

    service = window.document.service
    risk = service.find_risk("R-001")
    service.set_partner_appetite(risk.lead_partner, risk.category or "", "Averse")
    window.refresh()
    window.register_view.select_uuid(risk.uuid)
    editor = window.editor
    said = editor.governance_label.text()
    assert "<b>Breach of tolerance</b>" in said and "#b3261e" in said  # red, not amber
    assert f"breach of tolerance of {risk.lead_partner} (Averse" in said
    assert "escalation: <b>Operational</b>" in editor.governance_label.text()

    qtbot.mouseClick(editor.reviewed_button, Qt.MouseButton.LeftButton)
    reviewed = service.get_risk(risk.uuid)
    assert reviewed.last_reviewed == service.today()
    band = service.scheme().band(reviewed.current_likelihood, reviewed.current_impact)
    assert (reviewed.next_review - service.today()).days == band.review_days  # type: ignore[operator]
    window.document.undo_stack.undo()  # an ordinary, undoable edit
    assert service.get_risk(risk.uuid).last_reviewed == risk.last_reviewed

    def answer(cls: type, record: object, parent: object = None) -> object:
        dialog = EscalationDialog(record)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        dialog.level.setCurrentIndex(dialog.level.findData("Joint management team"))
        dialog.buttons.accepted.emit()
        assert dialog.message.text() == "Give the reason for the change."
        qtbot.keyClicks(dialog.reason, "Two missed milestones")
        dialog.buttons.accepted.emit()
        assert dialog.result() == EscalationDialog.DialogCode.Accepted
        return dialog.choice()

    monkeypatch.setattr(EscalationDialog, "ask", classmethod(answer))
    qtbot.mouseClick(editor.escalation_button, Qt.MouseButton.LeftButton)
    assert service.get_risk(risk.uuid).escalation is EscalationLevel.JOINT_MANAGEMENT
    assert "Joint management team" in editor.governance_label.text()
    shown = window.history.model
    cells = [str(shown.index(r, c).data())
             for r in range(shown.rowCount()) for c in range(shown.columnCount())]  # fmt: skip
    assert any("Two missed milestones" in cell for cell in cells)


def test_partner_appetite_and_the_escalation_period_are_set_in_categories(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.categories import CategoriesDialog

    dialog = CategoriesDialog(window.document)
    qtbot.addWidget(dialog)
    names = [dialog.model.item(r).data(Qt.ItemDataRole.UserRole)
             for r in range(dialog.model.rowCount())]  # fmt: skip
    dialog.list.setCurrentIndex(dialog.model.index(names.index("Financial"), 0))
    choose(dialog.partner_appetite["APEX"], "Averse")
    assert dialog.save()
    _, partners = window.document.service.appetites()
    assert partners[("APEX", "Financial")] == "Averse"
    dialog.escalate_after.setValue(45)
    dialog.save_escalation_period()
    assert window.document.service.escalate_after() == 45


def test_the_escalated_filter_lists_the_escalated_risks(window: MainWindow) -> None:
    from riskreg.choices import EscalationLevel

    service = window.document.service
    risk = service.find_risk("R-006")
    service.escalate(risk.uuid, risk.version, EscalationLevel.SENIOR_EXECUTIVE, "Board")
    window.refresh()
    view = window.register_view
    view.escalated_filter.setChecked(True)
    # the demo's two escalated risks (on the ladder, with their reasons) and R-006 now
    shown = [view.model.row(r).ref for r in range(view.model.rowCount())]
    assert shown == ["R-006", "R-011", "R-035"]
    flags = view.model.column_keys().index("flags")
    assert "Escalated: senior executives" in view.model.index(0, flags).data()
