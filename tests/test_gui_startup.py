"""Start-up: the window shows the register at once from a first look, opens it on a worker
thread, and every command works once it is open; what cannot be opened is said plainly."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from riskreg import service as service_module
from riskreg.errors import RegisterBusy
from riskreg.first_look import FirstLook, look_at
from riskreg.migrations import HEAD
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from ui import actions as act
from ui import app as app_module
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _keep_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window installs its own hook for unexpected errors; put the test runner's back."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def started(qtbot: QtBot, argv: list[str]) -> MainWindow:
    window = app_module.start_window(argv, tell=pytest.fail)
    assert window is not None
    qtbot.addWidget(window)
    return window


def window_on_a_first_look(qtbot: QtBot, register: Path) -> tuple[MainWindow, FirstLook]:
    """A window showing the first look at ``register``, not yet opening it."""
    look = look_at(register, HEAD, page=500, whole_up_to=5_000)
    assert look is not None
    window = MainWindow(first_look=look)
    qtbot.addWidget(window)
    window.show()
    return window, look


def test_start_up_shows_the_register_at_once_and_every_command_once_it_is_open(
    qtbot: QtBot, demo_path: Path
) -> None:
    window = started(qtbot, ["main.py", str(demo_path)])
    view = window.register_view
    # Before the register is open: its risks show and can be searched, the rest waits.
    assert not window.document.is_open
    assert view.count_label.text() == "44 of 44 risks"
    assert window.windowTitle().startswith("A38 Corridor Highways Alliance")
    assert window.status_label.text().startswith("Opening the register… 44 risks")
    assert not window.actions_by_id[act.NEW_RISK].isEnabled()
    assert not window.actions_by_id[act.IMPORT].isEnabled()
    assert window.actions_by_id[act.QUIT].isEnabled()
    assert not window.tabs.isTabEnabled(window.tabs.indexOf(window.heat_map))
    qtbot.keyClicks(view.search, "asbestos")
    assert view.model.rowCount() == 1

    qtbot.waitUntil(lambda: window.document.is_open, timeout=10_000)

    assert window.actions_by_id[act.NEW_RISK].isEnabled()
    assert window.actions_by_id[act.IMPORT].isEnabled()
    assert window.tabs.isTabEnabled(window.tabs.indexOf(window.heat_map))
    assert "acting as" in window.status_label.text()
    # no partner remembered: the window asks (answered here as a user pressing OK on the
    # keeper, shown first) before anything is written
    qtbot.waitUntil(lambda: window.document.service.actor.partner_code == "CNCL")
    assert view.count_label.text() == "1 of 44 risks"  # the search typed meanwhile holds
    view.table.selectRow(0)
    assert "asbestos" in window.editor.form.title.text().lower()
    assert window.history.model.rowCount() > 0


def test_a_risk_chosen_while_the_register_opens_is_shown_in_the_editor_once_open(
    qtbot: QtBot, demo_path: Path
) -> None:
    window, look = window_on_a_first_look(qtbot, demo_path)
    chosen = look.risks[4]
    window.register_view.select_uuid(chosen.uuid)
    assert window.editor.form.title.text() == ""  # nothing to edit with yet

    window.attach(open_service(demo_path, ALICE))

    assert window.editor.form.title.text() == chosen.title
    assert window.risk_actions.model.rowCount() == len(
        window.document.service.list_actions(chosen.uuid)
    )


def test_a_register_that_cannot_be_opened_after_all_is_explained_and_the_window_closes(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(location: object, actor: object, **options: object) -> RegisterService:
        raise RegisterBusy(f"{location} is being written by another program; try again")

    monkeypatch.setattr(service_module, "open_service", refuse)
    window = started(qtbot, ["main.py", str(demo_path)])
    told: list[tuple[str, str]] = []
    window.show_error = lambda title, message: told.append((title, message))  # type: ignore[method-assign]

    qtbot.waitUntil(lambda: window.failed_to_open, timeout=10_000)

    assert told == [
        ("Cannot open register", f"{demo_path} is being written by another program; try again")
    ]
    assert not window.isVisible()


def test_closing_the_window_while_the_register_opens_closes_the_register_that_arrives(
    qtbot: QtBot, demo_path: Path
) -> None:
    window, _ = window_on_a_first_look(qtbot, demo_path)
    gate = threading.Event()
    closed: list[bool] = []

    def slow_open() -> RegisterService:
        gate.wait(10)
        service = open_service(demo_path, ALICE)
        service.close = lambda: closed.append(True)  # type: ignore[method-assign]
        return service

    window.open_in_background(slow_open)
    qtbot.waitUntil(lambda: window.opener.is_running, timeout=5_000)
    window.close()
    gate.set()

    qtbot.waitUntil(lambda: closed == [True], timeout=10_000)
    assert not window.document.is_open


def test_a_first_start_builds_the_demo_register_and_opens_it_before_showing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "data" / "register.riskreg"
    monkeypatch.setattr(app_module, "default_register_path", lambda: default)
    window = started(qtbot, ["main.py"])
    assert window.document.is_open
    assert window.register_view.count_label.text() == "44 of 44 risks"


def test_a_file_that_is_not_a_register_is_refused_before_any_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.riskreg"
    notes.write_text("shopping list")
    told: list[str] = []
    assert app_module.start_window(["main.py", str(notes)], tell=told.append) is None
    assert told == [f"{notes} is not a register file (it is not an SQLite database)"]


def test_start_up_acts_for_the_partner_chosen_in_preferences(qtbot: QtBot, demo_path: Path) -> None:
    from ui.settings import Preferences

    Preferences().partner_code = "APEX"
    window = started(qtbot, ["main.py", str(demo_path)])
    qtbot.waitUntil(lambda: window.document.is_open, timeout=10_000)
    assert window.document.service.actor.partner_code == "APEX"
    assert "acting as" in window.status_label.text()
    assert "(APEX)" in window.status_label.text()
