"""Starting a partnership from nothing: the set-up wizard page by page, the welcome screen,
Register ▸ Settings, and the question of which partner you act for."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from riskreg.records import RiskDraft
from riskreg.service import open_service
from riskreg.starter import ORANGE_BOOK_CATEGORIES
from tests.conftest import ALICE, BOB
from tests.gui_helpers import choose, wait_for_jobs
from ui import actions as act
from ui.dialogs.new_partnership import NewPartnership, NewPartnershipWizard
from ui.dialogs.welcome import Start, WelcomeChoice, WelcomeDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    win = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(win)
    win.show()
    return win


def fill_in(qtbot: QtBot, wizard: NewPartnershipWizard, target: Path) -> None:
    """A risk lead setting up the Mendip partnership, page by page."""
    page = wizard.partners_page
    assert wizard.currentPage() is page
    wizard.next()
    assert wizard.currentPage() is page  # refused: no name, no partner
    assert "Give the partnership a name" in page.error.text()
    qtbot.keyClicks(page.name, "Mendip Flood Resilience Partnership")
    page.add_partner("CNCL", "Wessex County Council", "risk@wessex.example")
    page.add_partner("cncl", "Duplicate", "")
    wizard.next()
    assert "given twice" in page.error.text()  # codes are capitalised, then compared
    page.model.removeRow(1)
    page.add_partner("AQUA", "Aqua Vale Water plc")
    page.add_partner("MDP DC", "Mendip District Council")
    wizard.next()
    assert "letters, digits, - or _" in page.error.text()
    page.model.item(2, 0).setText("MDDC")
    page.table.setCurrentIndex(page.model.index(1, 2))
    page.pick_colour = lambda current: "#123456"  # type: ignore[method-assign]
    page._clicked(page.model.index(1, 2))
    assert page.model.item(1, 2).text() == "#123456"
    wizard.next()

    people = wizard.people_page
    assert wizard.currentPage() is people
    choose(people.keeper, "AQUA")
    choose(people.acting_for, "CNCL")
    people.user.clear()
    wizard.next()
    assert "Give your name" in people.error.text()
    qtbot.keyClicks(people.user, "Jo Whitfield")
    wizard.next()

    scheme = wizard.scheme_page
    assert wizard.currentPage() is scheme
    scheme.presets["4x4"].setChecked(True)
    wizard.next()

    categories = wizard.categories_page
    assert wizard.currentPage() is categories
    assert categories.model.rowCount() == len(ORANGE_BOOK_CATEGORIES)
    categories.set_appetite("Financial", "Cautious")
    categories.model.item(0, 0).setText("Partnership strategy")
    wizard.next()

    save = wizard.save_page
    assert wizard.currentPage() is save
    assert save.path.text().endswith("Mendip Flood Resilience Partnership.riskreg")
    target.write_bytes(b"")
    save.path.setText(str(target))
    wizard.next()
    assert "already exists" in save.error.text()
    target.unlink()
    save.path.setText(str(target.with_suffix("")))  # the suffix is added


def test_the_wizard_sets_up_a_partnership_page_by_page_and_opens_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "mendip.riskreg"

    def walk(cls: type, folder: str, user: str, parent: object = None) -> NewPartnership | None:
        wizard = NewPartnershipWizard(folder, user)
        qtbot.addWidget(wizard)
        wizard.show()
        fill_in(qtbot, wizard, target)
        wizard.button(QWizard.WizardButton.FinishButton).click()
        return wizard.result_value

    monkeypatch.setattr(NewPartnershipWizard, "ask", classmethod(walk))
    window.actions_by_id[act.NEW].trigger()
    service = window.document.service
    info = service.register_info()
    assert info.name == "Mendip Flood Resilience Partnership"
    assert info.location.endswith("mendip.riskreg") and info.keeper_code == "AQUA"
    partners = {p.code: p for p in service.list_partners()}
    assert sorted(partners) == ["AQUA", "CNCL", "MDDC"]
    assert partners["AQUA"].colour == "#123456"
    assert partners["CNCL"].contact == "risk@wessex.example"
    categories = {c.name: c.appetite for c in service.list_categories()}
    assert len(categories) == len(ORANGE_BOOK_CATEGORIES)
    assert categories["Financial"] == "Cautious" and "Partnership strategy" in categories
    assert service.scheme().size == (4, 4)
    first = (
        sqlite3.connect(target)
        .execute("SELECT user, partner_code FROM change_set ORDER BY revision LIMIT 1")
        .fetchone()
    )
    assert first == ("Jo Whitfield", "CNCL")  # the first change set: a partner of it
    assert window.document.service.actor.partner_code == "CNCL"
    assert window.preferences.partner_code == "CNCL"


def test_a_cancelled_wizard_writes_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(NewPartnershipWizard, "ask", classmethod(lambda cls, *a: None))
    before = window.document.service.location
    files = sorted(tmp_path.rglob("*.riskreg"))
    assert not window.commands.new_register()
    assert window.document.service.location == before
    assert sorted(tmp_path.rglob("*.riskreg")) == files


# -- the welcome screen --------------------------------------------------------------------
def test_the_welcome_screen_offers_every_way_to_begin_and_the_recent_registers(
    qtbot: QtBot, demo_path: Path
) -> None:
    dialog = WelcomeDialog([str(demo_path)], "mendip.riskreg could not be opened: gone")
    qtbot.addWidget(dialog)
    assert set(dialog.buttons) == {Start.DEMO, Start.NEW, Start.SPREADSHEET, Start.OPEN,
                                   Start.SERVER}  # fmt: skip
    assert "could not be opened" in dialog.problem.text()
    dialog.buttons[Start.NEW].click()
    assert dialog.choice == WelcomeChoice(Start.NEW)
    again = WelcomeDialog([str(demo_path)])
    qtbot.addWidget(again)
    again.recent.itemActivated.emit(again.recent.item(0))
    assert again.choice == WelcomeChoice(Start.RECENT, str(demo_path))


def test_welcome_choices_are_taken_in_the_window(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import window_commands

    demo = tmp_path / "the demo.riskreg"
    monkeypatch.setattr(window_commands, "demo_register_path", lambda actor: _demo_at(demo))
    assert window.commands.begin(WelcomeChoice(Start.DEMO))
    assert window.document.service.location.endswith("the demo.riskreg")
    other = tmp_path / "other.riskreg"
    _demo_at(other)
    assert window.commands.begin(WelcomeChoice(Start.RECENT, str(other)))
    assert window.document.service.location.endswith("other.riskreg")
    asked: list[bool] = []
    monkeypatch.setattr(window.commands, "choose_and_open",
                        lambda *, server=False: asked.append(server) or False)  # fmt: skip
    window.commands.begin(WelcomeChoice(Start.SERVER))
    assert asked == [True]


def _demo_at(path: Path) -> Path:
    from riskreg.first_start import open_default_register

    open_default_register(path, ALICE).close()
    return path


def test_help_welcome_opens_the_welcome_screen(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[list[str]] = []
    monkeypatch.setattr(WelcomeDialog, "ask",
                        classmethod(lambda cls, recent, problem="", parent=None:
                                    shown.append(recent) and None))  # fmt: skip
    window.actions_by_id[act.WELCOME].trigger()
    assert len(shown) == 1


def test_a_register_that_cannot_be_opened_at_start_shows_the_welcome_with_the_reason(
    qtbot: QtBot, tmp_path: Path, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import app as app_module

    seen: list[str] = []

    def choose_recent(cls: type, recent: list[str], problem: str = "",
                      parent: object = None) -> WelcomeChoice:  # fmt: skip
        seen.append(problem)
        return WelcomeChoice(Start.RECENT, str(demo_path))

    monkeypatch.setattr(WelcomeDialog, "ask", classmethod(choose_recent))
    missing = tmp_path / "gone.riskreg"
    window = app_module.start_window(["main.py", str(missing)])
    assert window is not None
    qtbot.addWidget(window)
    assert seen and "gone.riskreg" in seen[0]
    qtbot.waitUntil(lambda: window.document.is_open, timeout=10_000)
    assert window.document.service.location.endswith("demo.riskreg")


# -- Register ▸ Settings -------------------------------------------------------------------
def test_settings_rename_the_partnership_change_the_keeper_and_cadences_undoably(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui.dialogs.register_settings import RegisterSettingsDialog

    dialog = RegisterSettingsDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "A38 Alliance")
    choose(dialog.keeper, "APEX")
    dialog.cadence["High"].setValue(60)
    dialog.escalate_after.setValue(45)
    assert dialog.save()
    service = window.document.service
    info = service.register_info()
    assert (info.name, info.keeper_code) == ("A38 Alliance", "APEX")
    assert info.scheme.band_named("High").review_days == 60
    assert service.escalate_after() == 45
    assert "A38 Alliance" in window.windowTitle()
    window.document.undo_stack.undo()  # the escalation period
    window.document.undo_stack.undo()  # the intervals
    window.document.undo_stack.undo()  # the keeper
    window.document.undo_stack.undo()  # the name
    info = service.register_info()
    assert info.name != "A38 Alliance" and info.keeper_code == "CNCL"
    dialog.name.clear()
    assert not dialog.save()
    assert "needs a name" in dialog.error.text()


# -- acting as a partner of the register ----------------------------------------------------
def test_opening_a_register_you_are_no_partner_of_asks_which_partner_you_act_for(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from riskreg.records import PartnerRecord
    from riskreg.service import create_register

    path = tmp_path / "mendip.riskreg"
    create_register(path, replace(BOB, partner_code="WSX"), name="Mendip",
                    partners=[PartnerRecord("WSX", "Wessex"), PartnerRecord("AVW", "Aqua Vale")],
                    keeper="WSX").close()  # fmt: skip
    asked: list[list[str]] = []

    def answer(window: MainWindow, partners: list[PartnerRecord], keeper: str | None) -> str:
        asked.append([p.code for p in partners])
        return "AVW"

    monkeypatch.setattr(MainWindow, "ask_acting_partner", answer)
    window = MainWindow(open_service(path, ALICE))  # acting for CNCL, no partner here
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.document.service.actor.partner_code == "AVW", timeout=5_000)
    assert asked == [["AVW", "WSX"]]
    wait_for_jobs(qtbot, window.document)  # the check on opening, on a slow machine
    assert window.document.create_risk(RiskDraft("Flood", "AVW", 2, 2)) is not None
    partner = (
        sqlite3.connect(path)
        .execute("SELECT partner_code FROM change_set ORDER BY revision DESC LIMIT 1")
        .fetchone()[0]
    )
    assert partner == "AVW"
    assert "(AVW)" in window.status_label.text()


def test_a_member_is_not_asked(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    monkeypatch.setattr(
        MainWindow, "ask_acting_partner",
        lambda window, partners, keeper: asked.append(partners) or "APEX",
    )  # fmt: skip
    window = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(window)
    qtbot.wait(50)
    assert asked == [] and window.document.service.actor.partner_code == "CNCL"


def test_the_partners_page_says_only_what_is_still_so_and_capitalises_a_typed_code(
    qtbot: QtBot, tmp_path: Path
) -> None:
    wizard = NewPartnershipWizard(str(tmp_path), "Alice")
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.partners_page
    wizard.next()
    assert "Add at least one partner." in page.error.text()
    page.add_partner("", "")  # a partner being added: the old message goes
    assert not page.error.isVisible()
    page.model.item(0, 0).setText("snhs")  # typed in the table
    assert page.model.item(0, 0).text() == "SNHS"
    assert page.error.text() == "Partner codes are written in capitals: “snhs” is SNHS."
    page.model.item(0, 1).setText("Somerset NHS Foundation Trust")
    assert not page.error.isVisible()
