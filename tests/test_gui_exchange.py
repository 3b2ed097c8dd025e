"""File ▸ Export and Import in the window: the dialogs a risk lead sees, driven for real."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from riskreg.exchange.export import export_register
from riskreg.exchange.importer import ImportPlan, Item
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from tests.exchange_helpers import add_row, edit
from tests.gui_helpers import cell_text, choose, wait_for_jobs
from tests.test_exchange import led_by
from ui import actions as act
from ui.dialogs.export_workbook import ExportDialog
from ui.dialogs.import_preview import ImportPreviewDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    win.reports = []  # type: ignore[attr-defined]
    monkeypatch.setattr(win.exchange, "report", lambda t, m, path=None: win.reports.append(m))  # type: ignore[attr-defined]
    monkeypatch.setattr(win.exchange, "refuse", lambda t, m: win.reports.append(m))  # type: ignore[attr-defined]
    return win


def test_export_dialog_suggests_a_name_per_partner_and_returns_the_choice(
    qtbot: QtBot, demo: RegisterService, tmp_path: Path
) -> None:
    dialog = ExportDialog(demo.list_partners(), str(tmp_path))
    qtbot.addWidget(dialog)
    first = next(p for p in demo.list_partners() if p.active)
    assert dialog.partner.currentData() == first.code  # a partner's, never the whole register
    choose(dialog.partner, "*")  # the whole register, last
    assert dialog.path.text() == str(tmp_path / "risk register.xlsx")
    assert "internal risks too" in dialog.partner.currentText()
    choose(dialog.partner, "APEX")
    assert dialog.path.text() == str(tmp_path / "risk register for APEX.xlsx")
    dialog.path.clear()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    qtbot.keyClicks(dialog.path, str(tmp_path / "out"))
    assert dialog.choice() == ("APEX", tmp_path / "out.xlsx")


def test_file_export_writes_the_partners_workbook(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "for AQUA.xlsx"
    monkeypatch.setattr(ExportDialog, "ask", classmethod(lambda cls, *a: ("AQUA", target)))
    window.actions_by_id[act.EXPORT].trigger()
    wait_for_jobs(qtbot, window.document)
    assert target.exists()
    assert "for AQUA" in window.reports[-1]  # type: ignore[attr-defined]


def preview_choosing_clean(seen: list[ImportPreviewDialog], qtbot: QtBot) -> object:
    """Stand in for the user: look at the preview, press 'Only clean changes', apply."""

    def ask(cls: type, plan: ImportPlan, parent: object = None) -> list[Item]:
        dialog = ImportPreviewDialog(plan)
        qtbot.addWidget(dialog)
        seen.append(dialog)
        qtbot.mouseClick(dialog.clean_button, Qt.MouseButton.LeftButton)
        return dialog.accepted_items()

    return classmethod(ask)


def test_a_dropped_workbook_is_previewed_and_its_clean_changes_applied(
    qtbot: QtBot, window: MainWindow, demo: RegisterService, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    risk = led_by(demo, "APEX")
    other = [r for r in demo.list_risks() if r.lead_partner == "APEX"][1]
    demo.edit_risk(other.uuid, other.version, {"owner": "Keeper"})
    edit(path, "Risks", risk.ref, {"Current impact": 1})
    edit(path, "Risks", other.ref, {"Owner": "Partner"})
    add_row(path, "Risks", {"Title": "Crane hire", "Inherent likelihood": 2,
                            "Inherent impact": 2})  # fmt: skip
    window.refresh()
    seen: list[ImportPreviewDialog] = []
    monkeypatch.setattr(ImportPreviewDialog, "ask", preview_choosing_clean(seen, qtbot))

    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(drop)
    wait_for_jobs(qtbot, window.document)

    (dialog,) = seen
    assert dialog.selection_label.text() == "2 of 3 changes ticked"  # the conflict is not
    groups = [dialog.model.item(r).text() for r in range(dialog.model.rowCount())]
    assert groups == [f"Risk {risk.ref}", f"Risk {other.ref}", "New risks (as Draft)"]
    conflict_group = dialog.model.item(1)
    kind, where, field, ours, theirs = (conflict_group.child(0, c).text() for c in range(5))
    assert (kind, field, ours, theirs) == ("Conflict", "owner", "Keeper", "Partner")
    assert where.startswith("Risks!")

    assert cell_text(window, risk.ref, "current").endswith(f"({risk.current_likelihood}×1)")
    assert window.register_view.model.rowCount() == len(demo.list_risks())
    assert demo.get_risk(other.uuid).owner == "Keeper"
    assert "2 changes" in window.reports[-1]  # type: ignore[attr-defined]


def test_a_workbook_from_elsewhere_is_refused_with_the_reason(
    window: MainWindow, service: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "other.xlsx"
    export_register(service, path)
    assert window.exchange.import_from(path) is None
    assert "exported from another register" in window.reports[-1]  # type: ignore[attr-defined]


def test_the_preview_writes_dates_as_the_window_does_not_as_iso(
    qtbot: QtBot, demo: RegisterService, tmp_path: Path
) -> None:
    from datetime import date

    from riskreg.exchange.importer import plan_import

    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    risk = led_by(demo, "APEX")
    edit(path, "Risks", risk.ref, {"Target date": date(2027, 9, 30)})
    dialog = ImportPreviewDialog(plan_import(demo, path))
    qtbot.addWidget(dialog)
    group = dialog.model.item(0)
    row = [group.child(0, c).text() for c in range(5)]
    assert row[2] == "target date" and row[4] == "30 Sep 2027"


def test_preview_buttons_tick_all_clean_or_nothing(
    qtbot: QtBot, demo: RegisterService, tmp_path: Path
) -> None:
    from riskreg.exchange.importer import plan_import

    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    risk = led_by(demo, "APEX")
    demo.edit_risk(risk.uuid, risk.version, {"owner": "Keeper"})
    edit(path, "Risks", risk.ref, {"Owner": "Partner", "Cause": "Frost"})
    dialog = ImportPreviewDialog(plan_import(demo, path))
    qtbot.addWidget(dialog)
    assert [i.kind for i in dialog.accepted_items()] == ["update"]
    qtbot.mouseClick(dialog.all_button, Qt.MouseButton.LeftButton)
    assert sorted(i.kind for i in dialog.accepted_items()) == ["conflict", "update"]
    qtbot.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
    assert dialog.accepted_items() == [] and not dialog.apply_button.isEnabled()


def test_the_preview_shows_every_note_and_the_workbooks_name_as_plain_text(
    qtbot: QtBot, demo: RegisterService, tmp_path: Path
) -> None:
    from riskreg.exchange.importer import plan_import
    from tests.exchange_helpers import rename_sheet

    path = tmp_path / "<b>for APEX.xlsx"
    export_register(demo, path, "APEX")
    risk = led_by(demo, "APEX")
    edit(path, "Risks", risk.ref, {"Owner": "<i>Partner</i>"})
    rename_sheet(path, "Risks", "<u>Risques")
    plan = plan_import(demo, path)
    dialog = ImportPreviewDialog(plan)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.heading.textFormat() == Qt.TextFormat.PlainText
    assert dialog.heading.text().startswith("<b>for APEX.xlsx returned by APEX")
    assert dialog.notes.isVisible() and dialog.notes.toPlainText() == "\n".join(
        f"• {note}" for note in plan.notes
    )
    assert "“<u>Risques”" in dialog.notes.toPlainText()
    row = dialog.model.item(0).child(0, 1)
    assert row.text().startswith("<u>Risques!")
    assert "&lt;u&gt;" in row.toolTip()  # the tooltip shows the name, never renders it
    theirs = dialog.model.item(0).child(0, 4)
    assert theirs.text() == "<i>Partner</i>" and "&lt;i&gt;" in theirs.toolTip()


def test_a_pasted_copy_is_offered_by_ref_and_imported_when_the_user_agrees(
    window: MainWindow, demo: RegisterService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:  # fmt: skip
    from tests.exchange_helpers import pasted_copy

    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    risk = led_by(demo, "APEX")
    edit(path, "Risks", risk.ref, {"Owner": "From a pasted copy"})
    copy = pasted_copy(path, tmp_path / "pasted.xlsx")
    asked: list[str] = []
    monkeypatch.setattr(window.exchange, "confirm", lambda t, m: asked.append(m) or True)
    seen: list[ImportPreviewDialog] = []

    def ask(cls: type, plan: ImportPlan, parent: object = None) -> list[Item]:
        dialog = ImportPreviewDialog(plan)
        qtbot.addWidget(dialog)
        seen.append(dialog)
        qtbot.mouseClick(dialog.all_button, Qt.MouseButton.LeftButton)
        return dialog.accepted_items()

    monkeypatch.setattr(ImportPreviewDialog, "ask", classmethod(ask))
    assert window.exchange.import_from(copy) is not None
    wait_for_jobs(qtbot, window.document)
    assert "can be imported by ref" in asked[0]
    (dialog,) = seen
    assert dialog.plan.by_ref and "copy without its export" in dialog.heading.text()
    assert demo.get_risk(risk.uuid).owner == "From a pasted copy"
