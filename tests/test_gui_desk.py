"""A risk lead's desk: nothing changes under a wandering mouse, values are read as people
type them, dialogs keep typing and name what they are about, every window and dialog fits
a 1024×768 and a 1366×768 screen, help is in the application, plurals are right."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from riskreg.records import RiskDraft, RiskRecord
from riskreg.service import open_service
from riskreg.typed_values import read_date, read_money
from tests.conftest import ALICE
from tests.gui_helpers import choose
from ui import actions as act
from ui.main_window import MainWindow
from ui.views.fields import MoneyEdit, OptionalDateEdit
from ui.words import plural

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def wheel(widget: QWidget, steps: int = -1) -> None:
    """One notch of the mouse wheel over ``widget`` (down for negative steps)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


# -- nothing changes under a wandering mouse -----------------------------------------------
def test_the_wheel_over_an_unfocused_level_list_changes_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    risk = window.document.service.find_risk("R-002")  # 3 × 3: the wheel could go either way
    window.register_view.select_uuid(risk.uuid)
    combo = window.editor.form.likelihood["current"]
    window.register_view.table.setFocus()
    before = combo.currentIndex()
    wheel(combo, -1)
    assert combo.currentIndex() == before
    assert not window.editor.is_dirty  # nothing to save: nothing changed
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo, -1)  # focused: the wheel is the user's choice
    assert combo.currentIndex() != before


def test_the_wheel_over_unfocused_spin_and_date_fields_changes_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.categories import CategoriesDialog

    dialog = CategoriesDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    spin = dialog.escalate_after
    dialog.name.setFocus()
    value = spin.value()
    wheel(spin, 1)
    assert spin.value() == value
    assert spin.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel gives no focus


# -- values as people type them ------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [("15/01/2027", date(2027, 1, 15)), ("15/1/27", date(2027, 1, 15)),
     ("2027-01-15", date(2027, 1, 15)), ("15 Jan 2027", date(2027, 1, 15)),
     ("1/2/27", date(2027, 2, 1))],
)  # fmt: skip
def test_typed_dates_are_read_day_first_or_iso(qtbot: QtBot, typed: str, expected: date) -> None:
    field = OptionalDateEdit()
    qtbot.addWidget(field)
    qtbot.keyClicks(field.line, typed)
    assert field.value() == expected and field.problem() == ""
    assert read_date(typed) == expected


def test_an_unreadable_date_is_flagged_beside_its_field_and_refuses_the_save(
    qtbot: QtBot, window: MainWindow
) -> None:
    risk = window.document.service.find_risk("R-002")
    window.register_view.select_uuid(risk.uuid)
    form = window.editor.form
    form.next_review.line.clear()
    qtbot.keyClicks(form.next_review.line, "31/02/2027")
    assert form.next_review.error.isVisibleTo(form) and "not a date" in form.next_review.problem()
    assert not window.editor.save()
    assert "31/02/2027" in form.errors["next_review"].text()
    assert window.document.service.find_risk("R-002").next_review == risk.next_review


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("600k", 600_000), ("£1.2m", 1_200_000), ("1,200,000", 1_200_000), ("£600,000.00", 600_000),
     ("2.5bn", 2_500_000_000), ("", None)],
)  # fmt: skip
def test_money_is_read_as_people_type_it(qtbot: QtBot, typed: str, amount: int | None) -> None:
    field = MoneyEdit()
    qtbot.addWidget(field)
    qtbot.keyClicks(field, typed)
    assert field.value() == amount and field.problem() == ""
    assert read_money(typed) == amount


@pytest.mark.parametrize("typed", ["600 thousand", "1,20,0", "12.50", "-5", "£"])
def test_money_that_cannot_be_read_is_never_saved_as_something_else(typed: str) -> None:
    if typed == "£":
        assert read_money(typed) is None  # a symbol alone is blank
        return
    with pytest.raises(ValueError, match="amount"):
        read_money(typed)


def test_costs_out_of_order_are_flagged_and_refused(qtbot: QtBot, window: MainWindow) -> None:
    risk = window.document.service.find_risk("R-002")
    window.register_view.select_uuid(risk.uuid)
    form = window.editor.form
    for field, typed in ((form.cost_min, "100k"), (form.cost_likely, "600k"),
                         (form.cost_max, "500k")):  # fmt: skip
        field.clear()
        qtbot.keyClicks(field, typed)
    assert not window.editor.save()
    assert "minimum ≤ most likely ≤ maximum" in form.errors["cost_max"].text()
    assert window.document.service.find_risk("R-002").cost_max == risk.cost_max


# -- the split editor ----------------------------------------------------------------------
def test_the_split_editor_shows_every_partner_and_offers_only_the_others(
    qtbot: QtBot, window: MainWindow
) -> None:
    risk = window.document.service.find_risk("R-013")  # CNCL 60 / APEX 20 / AQUA 20
    window.register_view.select_uuid(risk.uuid)
    shares = window.editor.form.shares
    assert shares.model.rowCount() == 3
    table = shares.table
    last = table.visualRect(shares.model.index(2, 0))
    assert last.bottom() <= table.viewport().height()  # every row in view
    offered = {shares.partner_choice.itemData(i) for i in range(shares.partner_choice.count())}
    held = set(shares.model.codes())
    assert offered and not offered & held  # only partners not yet in the split


def test_tab_moves_between_share_cells_and_skips_the_exposure(
    qtbot: QtBot, window: MainWindow
) -> None:
    risk = window.document.service.find_risk("R-013")
    window.register_view.select_uuid(risk.uuid)
    table = window.editor.form.shares.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 1))
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert (table.currentIndex().row(), table.currentIndex().column()) == (1, 1)


# -- dialogs that keep typing and say what they are about ----------------------------------
def test_enter_in_the_partners_contact_saves_it_and_opens_no_picker(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.partners import PartnersDialog

    dialog = PartnersDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select("APEX")
    dialog.contact.setFocus()
    dialog.contact.clear()
    qtbot.keyClicks(dialog.contact, "risk@apex.example")
    qtbot.keyClick(dialog.contact, Qt.Key.Key_Return)
    assert dialog.isVisible()  # no colour picker, no closing
    assert not dialog.colour.autoDefault() and dialog.save_button.isDefault()
    saved = {p.code: p for p in window.document.service.list_partners()}
    assert saved["APEX"].contact == "risk@apex.example"


def test_enter_in_a_category_name_saves_it_rather_than_closing(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.categories import CategoriesDialog

    dialog = CategoriesDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setFocus()
    qtbot.keyClicks(dialog.name, "Reputation")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "Reputation" in [c.name for c in window.document.service.list_categories()]


def test_a_partner_that_accepts_less_is_offered_only_lower_levels_each_with_its_bands(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.categories import CategoriesDialog

    dialog = CategoriesDialog(window.document, window)
    qtbot.addWidget(dialog)
    choose(dialog.appetite, "Cautious")
    assert dialog.appetite.currentText() == "Cautious — appetite Medium, tolerance High"
    combo = next(iter(dialog.partner_appetite.values()))
    offered = [combo.itemData(i) for i in range(combo.count())]
    assert offered == ["", "Averse", "Minimal"]
    assert combo.itemText(2) == "Minimal — appetite Low, tolerance Medium"
    choose(dialog.appetite, "")  # none agreed: any level
    assert combo.count() == 1 + 5


def test_a_new_action_names_its_risk_and_is_owned_by_its_lead(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.action_dialog import ActionDialog

    service = window.document.service
    risk = service.find_risk("R-007")  # led by ARDN, not the first partner by name
    settings = window.document.settings
    assert settings is not None
    dialog = ActionDialog(list(settings.partners), None, window, risk=risk)
    qtbot.addWidget(dialog)
    assert "R-007" in dialog.windowTitle() and risk.title in dialog.risk_label.text()
    assert dialog.partner.currentData() == risk.lead_partner == "ARDN"


def test_the_new_risk_dialog_starts_on_a_partner_of_this_register(
    qtbot: QtBot, window: MainWindow
) -> None:
    from riskreg.records import Actor
    from ui.dialogs.new_risk import NewRiskDialog

    window.document.replace_actor(Actor("newcomer", "NOPE", "GUI"))  # not a partner here
    dialog = NewRiskDialog(window.document, window)
    qtbot.addWidget(dialog)
    lead = dialog.form.lead_partner.currentData()
    codes = {p.code for p in window.document.service.list_partners()}
    assert lead in codes
    assert dialog.form.shares.shares() == ((lead, 100),)
    choose(dialog.form.lead_partner, "AQUA")
    dialog.form.lead_partner.activated.emit(dialog.form.lead_partner.currentIndex())
    assert dialog.form.shares.shares() == (("AQUA", 100),)  # the split follows the lead


# -- desk conventions ----------------------------------------------------------------------
def test_help_about_names_the_version_licence_and_where_the_register_lives(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.about import AboutDialog

    window.actions_by_id[act.ABOUT].trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None
    text = dialog.text.text()
    for fact in ("Version", "MIT", "Python", "Qt", "SQLAlchemy", window.document.service.location,
                 "backups"):  # fmt: skip
        assert fact in text
    dialog.close()


def test_the_user_guide_in_the_application_is_the_readme_s_user_part(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.user_guide import UserGuideDialog
    from ui.user_guide import extract_user_guide, guide_text

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert guide_text() == extract_user_guide(readme), "run python -m ui.user_guide"
    window.actions_by_id[act.USER_GUIDE].trigger()
    dialog = window.findChild(UserGuideDialog)
    assert dialog is not None
    assert "Exchanging the register with partners" in dialog.browser.toPlainText()
    dialog.close()


def test_toolbar_tooltips_name_their_shortcut_and_undo_is_not_a_browser_arrow(
    window: MainWindow,
) -> None:
    save = window.actions_by_id[act.SAVE_RISK]
    assert save.toolTip() == "Save risk (Ctrl+S)"
    assert not window.actions_by_id[act.UNDO].icon().isNull()
    assert window.actions_by_id[act.IMPORT].text().endswith("(cannot be undone)")


def test_file_dialogs_start_in_the_registers_folder_never_the_working_directory(
    window: MainWindow, demo_path: Path, tmp_path: Path
) -> None:
    from ui.settings import FolderKind

    start = window.commands.start_folder(FolderKind.WORKBOOK)
    assert Path(start) == demo_path.parent
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    window.preferences.remember_folder(FolderKind.WORKBOOK, elsewhere / "for APEX.xlsx")
    assert Path(window.commands.start_folder(FolderKind.WORKBOOK)) == elsewhere
    assert Path(window.commands.start_folder(FolderKind.PDF)) == demo_path.parent


def test_a_written_file_is_confirmed_with_its_full_path_and_show_in_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tests.gui_helpers import wait_for_jobs
    from ui import confirm

    opened: list[Path] = []
    monkeypatch.setattr(confirm, "show_in_folder", lambda path: opened.append(path) or True)
    target = tmp_path / "for APEX.xlsx"
    window.exchange.export_to(target, "APEX")
    wait_for_jobs(qtbot, window.document)
    box = window.findChild(QMessageBox, confirm.WRITTEN)
    assert box is not None
    assert str(target.resolve()) in box.text()
    (show,) = [b for b in box.buttons() if b.text() == "Show in folder"]
    show.click()
    assert opened == [target] and box.isVisible()
    box.close()


@pytest.mark.parametrize(
    ("count", "noun", "said"),
    [(1, "risk", "1 risk"), (3, "risk", "3 risks"), (1, "update", "1 update"),
     (3, "update", "3 updates"), (2, "category", "2 categories"),
     (1_200, "action", "1,200 actions")],
)  # fmt: skip
def test_counts_are_said_with_the_right_plural(count: int, noun: str, said: str) -> None:
    assert plural(count, noun) == said


def test_the_status_bar_says_1_risk_not_1_risks(qtbot: QtBot, blank_window: MainWindow) -> None:
    service = blank_window.document.service  # type: ignore[attr-defined]
    service.create_risk(RiskDraft("Only one", "CNCL", 2, 2))
    assert "1 risk ·" in blank_window.status_label.text()  # type: ignore[attr-defined]


# -- fits the desk: every window and dialog on a laptop's screen ---------------------------
PROBE = ROOT / "tests" / "desk_geometry.py"


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1366, 768)])
def test_every_window_and_dialog_fits_a_laptop_screen(
    tmp_path: Path, demo_path: Path, width: int, height: int
) -> None:
    """In a process of its own whose only screen is the laptop's: the main window (its
    minimum width too), and each dialog with its buttons and messages, inside it."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "laptop", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1,
    }]}))  # fmt: skip
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    result = subprocess.run(
        [sys.executable, str(PROBE), str(demo_path)], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["screen"] == [width, height]
    outside = {
        name: (x, y, w, h) for name, (x, y, w, h) in report["windows"].items()
        if x < 0 or y < 0 or x + w > width or y + h > height
    }  # fmt: skip
    assert outside == {}
    assert report["minimum_width"] <= 1000
    assert len(report["windows"]) >= 12


# -- the scoring scheme dialog -------------------------------------------------------------
def test_the_scheme_dialog_adds_and_removes_bands_and_picks_colours(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QColor

    from ui.dialogs.scheme import SchemeDialog

    dialog = SchemeDialog(window.document, window)
    qtbot.addWidget(dialog)
    bands = dialog.band_model.rowCount()
    dialog.add_band()
    assert dialog.band_model.rowCount() == bands + 1
    assert all(combo.count() == bands + 1 for combo in dialog.cell_combos.values())
    top = max(max(row) for row in dialog._cells)
    assert dialog.remove_band(top)  # its cells go to the band below
    assert max(max(row) for row in dialog._cells) == top - 1
    dialog.bands_table.setCurrentIndex(dialog.band_model.index(0, 1))
    monkeypatch.setattr(dialog, "pick_colour", lambda current: QColor("#123456"))
    dialog.choose_colour()
    assert dialog.band_model.item(0, 1).text() == "#123456"
    assert not dialog.band_model.item(0, 1).icon().isNull()  # a swatch, not only hex text
    assert dialog.scheme().bands[0].colour == "#123456"
    while dialog.band_model.rowCount() > 2:
        dialog.remove_band(dialog.band_model.rowCount() - 1)
    assert not dialog.remove_band(0)
    assert "at least two bands" in dialog.error.text()


def test_the_scheme_dialog_shows_whole_descriptions_and_says_when_there_are_no_risks(
    qtbot: QtBot, blank_window: MainWindow
) -> None:
    from riskreg.records import SchemeChangeReport
    from ui.dialogs.scheme import SchemeDialog, describe

    dialog = SchemeDialog(blank_window.document, blank_window)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    item = dialog.likelihood_model.item(3, 1)
    assert item.text() in item.toolTip() and len(item.text()) > 20
    assert describe(SchemeChangeReport(0, 0, 0)) == (
        "There are no risks yet: the new scheme applies to the risks you add."
    )
    assert describe(SchemeChangeReport(1, 0, 1)).startswith("1 of 1 risk will change band")


# -- a bare Linux desktop ------------------------------------------------------------------
def test_missing_x11_libraries_are_named_in_one_line_with_what_to_install() -> None:
    from ui.platform_check import check_platform

    environ = {"DISPLAY": ":0"}
    absent = {"libxcb-cursor.so.0", "libxkbcommon-x11.so.0"}
    advice = check_platform(environ, lambda name: name not in absent)
    if not sys.platform.startswith("linux"):
        assert advice is None
        return
    assert advice is not None and "\n" not in advice
    assert "sudo apt install libxcb-cursor0 libxkbcommon-x11-0" in advice
    assert "sudo dnf install libxkbcommon-x11 xcb-util-cursor" in advice
    assert check_platform(environ, lambda name: True) is None
    assert check_platform({"QT_QPA_PLATFORM": "offscreen"}, lambda name: False) is None
    assert check_platform({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"},
                          lambda name: False) is None  # fmt: skip


def test_the_application_prints_the_advice_and_stops_without_qts_plugin_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui import app, platform_check

    monkeypatch.setattr(platform_check, "_loadable", lambda name: name != "libxcb-cursor.so.0")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    if not sys.platform.startswith("linux"):
        pytest.skip("the xcb platform is Linux's")
    assert app.main(["main.py"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "libxcb-cursor0" in err


# -- what a new risk lead found, in a real window ------------------------------------------
def test_a_new_category_saved_with_enter_stays_in_the_form(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.categories import CategoriesDialog

    dialog = CategoriesDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setFocus()
    qtbot.keyClicks(dialog.name, "Aardvark test")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.name.text() == "Aardvark test"  # the category just saved, not another
    dialog.name.setText("Aardvark (fixed)")
    assert dialog.save()
    names = [c.name for c in window.document.service.list_categories()]
    assert "Aardvark (fixed)" in names and "Aardvark test" not in names
    assert "Environmental (fixed)" not in names


def test_cancel_keeps_the_table_and_the_editor_on_the_same_risk(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.views.risk_editor import RiskEditor, Unsaved

    monkeypatch.setattr(RiskEditor, "ask_unsaved", lambda editor, record: Unsaved.CANCEL)
    view = window.register_view
    first, other = (window.document.service.find_risk(r) for r in ("R-003", "R-008"))
    view.select_uuid(first.uuid)
    qtbot.keyClicks(window.editor.form.owner, " and Ash")
    row = view.model.row_of(other.uuid)
    assert row is not None
    rect = view.table.visualRect(view.model.index(row, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(50)  # the click's own handling, then the selection is put back
    shown = view.model.row(view.table.currentIndex().row())
    assert shown.uuid == first.uuid
    assert [view.model.row(i.row()).uuid for i in view.table.selectionModel().selectedRows()] == [
        first.uuid
    ]
    assert window.editor.record is not None and window.editor.record.uuid == first.uuid


def test_a_filter_hiding_the_risk_keeps_the_typing_and_asks_nothing_until_another_is_chosen(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.views.risk_editor import RiskEditor, Unsaved

    asked: list[str] = []

    def ask_unsaved(editor: RiskEditor, record: RiskRecord) -> Unsaved:
        asked.append(record.ref)
        return Unsaved.CANCEL

    monkeypatch.setattr(RiskEditor, "ask_unsaved", ask_unsaved)
    view = window.register_view
    risk = window.document.service.find_risk("R-002")
    view.select_uuid(risk.uuid)
    qtbot.keyClicks(window.editor.form.owner, " (typed)")
    qtbot.keyClicks(view.search, "viaduct")  # hides R-002, letter by letter
    assert asked == [] and view.search.text() == "viaduct"  # not a keystroke lost
    assert window.editor.is_dirty and window.editor.form.owner.text().endswith("(typed)")
    assert "hidden by the filters" in window.editor.pending_label.text()
    view.table.selectRow(0)  # choosing another risk asks
    assert asked == ["R-002"]


def test_the_undo_menu_keeps_an_ampersand_in_a_name(window: MainWindow) -> None:
    from riskreg.records import CategoryRecord

    assert window.document.save_category(None, CategoryRecord("Access & traffic"), {})
    action = window.actions_by_id[act.UNDO]
    assert "Access && traffic" in action.text()
    assert "Access & traffic" in window.document.undo_stack.text(0)


def test_a_review_cannot_be_recorded_as_taking_place_in_the_future(
    qtbot: QtBot, window: MainWindow
) -> None:
    from datetime import timedelta

    from riskreg.errors import ValidationError

    service = window.document.service
    risk = service.find_risk("R-002")
    with pytest.raises(ValidationError, match="after today"):
        service.edit_risk(risk.uuid, risk.version,
                          {"last_reviewed": service.today() + timedelta(days=45)})  # fmt: skip
    tomorrow = service.today() + timedelta(days=1)
    with pytest.raises(ValidationError, match="after today"):
        service.create_risk(RiskDraft("Later", "CNCL", 2, 2, last_reviewed=tomorrow))
    assert service.find_risk("R-002").last_reviewed == risk.last_reviewed


def test_typing_a_letter_and_deleting_it_leaves_nothing_unsaved(
    qtbot: QtBot, window: MainWindow
) -> None:
    risk = window.document.service.find_risk("R-003")
    window.register_view.select_uuid(risk.uuid)
    owner = window.editor.form.owner
    qtbot.keyClick(owner, Qt.Key.Key_End)
    qtbot.keyClicks(owner, "x")
    assert window.editor.is_dirty and window.isWindowModified()
    qtbot.keyClick(owner, Qt.Key.Key_Backspace)
    assert not window.editor.is_dirty and not window.isWindowModified()


def test_a_wrong_split_is_said_once(qtbot: QtBot, window: MainWindow) -> None:
    risk = window.document.service.find_risk("R-013")
    window.register_view.select_uuid(risk.uuid)
    form = window.editor.form
    form.shares.set_percent("APEX", 10)  # 60 + 10 + 20 = 90
    form.shares.sig_changed.emit()
    said = [label.text() for label in form.message_labels() if label.isVisibleTo(form)]
    assert not any("add up to" in text for text in said)
    assert "add up to 90 %" in form.shares.total_label.text()


def test_a_new_risk_the_filters_hide_is_announced_and_clear_filters_shows_it(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.new_risk import NewRiskDialog

    view = window.register_view
    total = len(window.document.service.list_risks())
    qtbot.keyClicks(view.search, "viaduct")
    assert view.clear_filters_button.isEnabled()
    created: list[RiskRecord] = []

    def add(document: object, parent: object) -> RiskRecord | None:
        record = window.document.create_risk(RiskDraft("Library roof leaks", "CNCL", 2, 3))
        assert record is not None
        created.append(record)
        return record

    monkeypatch.setattr(NewRiskDialog, "ask", add)
    window.actions_by_id[act.NEW_RISK].trigger()
    ref = created[0].ref
    assert f"{ref} added; the filters hide it" in window.statusBar().currentMessage()
    qtbot.mouseClick(view.clear_filters_button, Qt.MouseButton.LeftButton)
    assert view.search.text() == "" and view.current_filter.is_empty
    assert view.count_label.text() == f"{total + 1:,} of {total + 1:,} risks"
    assert not view.clear_filters_button.isEnabled()
    assert view.select_uuid(created[0].uuid)


def test_a_window_placed_past_the_screens_edge_is_moved_back_inside(qtbot: QtBot) -> None:
    """A size restored from the last run, placed by the window manager a few pixels lower
    once it adds its frame, is moved back so the status bar stays on the screen."""
    from PySide6.QtWidgets import QWidget

    from ui.geometry import keep_on_screen, screen_of

    widget = QWidget()
    qtbot.addWidget(widget)
    area = screen_of(widget).availableGeometry()
    widget.resize(area.width() // 2, area.height() // 2)
    widget.show()
    widget.move(area.x() + 10, area.bottom() - area.height() // 4)  # its bottom half below
    assert not area.contains(widget.frameGeometry())
    keep_on_screen(widget)
    assert area.contains(widget.frameGeometry())
    assert widget.frameGeometry().x() == area.x() + 10  # moved up only, as little as needed
