"""The window on a register kept on a PostgreSQL server: opened from the Open dialog's
Server tab, asked for the password again when the server refuses the login, remembered
in Open recent without the password."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from riskreg.service import open_service
from tests.conftest import ALICE
from tests.gui_helpers import another_user_sets_r003_owner_while_r001_is_edited
from tests.pg_server import execute, scratch_database
from ui.dialogs.open_register import OpenRegisterDialog
from ui.main_window import MainWindow


@pytest.fixture
def server_register() -> Iterator[str]:
    with scratch_database(template="demo") as url:
        yield url


@pytest.fixture
def login(server_register: str) -> Iterator[tuple[str, str]]:
    name = f"reader_{uuid.uuid4().hex[:8]}"
    execute(f"CREATE ROLE {name} LOGIN PASSWORD 'open-sesame' SUPERUSER")
    yield name, "open-sesame"
    execute(f"DROP ROLE IF EXISTS {name}")


def fill_server_tab(qtbot: QtBot, dialog: OpenRegisterDialog, url: str, password: str) -> None:
    parts = make_url(url)
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.host, parts.host or "")
    dialog.port.setValue(parts.port or 5432)
    qtbot.keyClicks(dialog.database, parts.database or "")
    qtbot.keyClicks(dialog.user, parts.username or "")
    qtbot.keyClicks(dialog.password, password)


def test_the_open_dialog_refuses_a_missing_file_and_an_unnamed_server(qtbot: QtBot) -> None:
    dialog = OpenRegisterDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.path, "/nowhere/register.riskreg")
    assert not dialog.try_accept()
    assert "There is no file" in dialog.error.text()
    dialog.tabs.setCurrentIndex(1)
    assert not dialog.try_accept()
    assert "Name the server and the database" in dialog.error.text()


def test_a_register_on_a_server_opens_from_the_server_tab(
    qtbot: QtBot, blank_window: MainWindow, server_register: str, login: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = blank_window
    user, password = login
    at_login = make_url(server_register).set(username=user, password=None)

    def fill_in(cls: type, folder: str = "", parent: object = None, **_: object) -> str | None:
        dialog = OpenRegisterDialog(folder)
        qtbot.addWidget(dialog)
        fill_server_tab(qtbot, dialog, at_login.render_as_string(), password)
        assert dialog.try_accept()
        return dialog.location()

    monkeypatch.setattr(OpenRegisterDialog, "ask", classmethod(fill_in))
    window.commands.choose_and_open()
    assert window.register_view.model.rowCount() == 44
    shown = window.windowTitle()
    assert user in shown and "open-sesame" not in shown
    assert f"login {user}" in window.status_label.text()
    recent = window.preferences.recent_registers[0]
    assert recent.startswith("postgresql+psycopg://") and "open-sesame" not in recent
    assert "***" not in recent and f"{user}@" in recent
    stored = window.preferences._settings.value("recent/registers")
    assert "open-sesame" not in repr(stored) and "***" not in repr(stored)


def test_open_recent_reopens_a_server_with_the_password_from_pgpass(
    qtbot: QtBot, blank_window: MainWindow, server_register: str, login: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:  # fmt: skip
    window = blank_window
    user, password = login
    at = make_url(server_register)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{at.host}:{at.port}:{at.database}:{user}:{password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    # as an older version kept it: "***" where the password was, which reopened nothing
    kept = at.set(username=user, password="***").render_as_string(hide_password=False)
    window.preferences._settings.setValue("recent/registers", [kept])
    asked: list[str] = []
    monkeypatch.setattr(window, "ask_server_login", lambda where, why: asked.append(why))
    monkeypatch.setattr(window, "show_error", lambda title, message: asked.append(message))
    window._fill_recent_menu()
    (entry,) = window.recent_menu.actions()
    assert "***" not in entry.text() and f"{user}@" in entry.text()
    entry.trigger()
    assert asked == []
    assert window.register_view.model.rowCount() == 44
    assert f"login {user}" in window.status_label.text()


def test_a_refused_login_asks_for_the_password_again(
    qtbot: QtBot, blank_window: MainWindow, server_register: str, login: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = blank_window
    user, password = login
    without = make_url(server_register).set(username=user, password=None).render_as_string()
    asked: list[str] = []

    def type_password(location: str, problem: str) -> str | None:
        asked.append(problem)
        dialog = OpenRegisterDialog()
        qtbot.addWidget(dialog)
        dialog.show_server(location, problem)
        assert dialog.tabs.currentIndex() == 1 and dialog.user.text() == user
        qtbot.keyClicks(dialog.password, password)
        return dialog.location()

    monkeypatch.setattr(window, "ask_server_login", type_password)
    monkeypatch.setattr(window, "show_error", lambda title, message: asked.append(message))
    assert window.open_register(without)
    assert len(asked) == 1 and "password" in asked[0].lower()
    assert window.register_view.model.rowCount() == 44


def test_a_server_register_has_no_backup_copies_of_its_own(
    qtbot: QtBot, server_register: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = MainWindow(open_service(server_register, ALICE))
    qtbot.addWidget(window)
    told: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, message: told.append(message))
    assert not window.restore_backup()
    assert told == ["A register on a server is backed up by the server."]


def test_another_users_change_on_the_server_comes_into_the_window(
    qtbot: QtBot, server_register: str
) -> None:
    from riskreg.records import Actor

    window = MainWindow(open_service(server_register, ALICE))
    qtbot.addWidget(window)
    window.show()

    def bob_on_another_computer() -> None:
        other = open_service(server_register, Actor("bob", "APEX", "another computer"))
        try:
            risk = other.find_risk("R-003")
            other.edit_risk(risk.uuid, risk.version, {"owner": "Bob"})
        finally:
            other.close()

    another_user_sets_r003_owner_while_r001_is_edited(qtbot, window, bob_on_another_computer)


def test_a_partners_psql_update_comes_into_the_window_with_that_login_in_the_history(
    qtbot: QtBot,
) -> None:
    from riskreg.records import Actor
    from tests.server_partnership import partnership, plain_sql

    with partnership(("APEX", "CNCL")) as joint:
        window = MainWindow(open_service(joint.logins["CNCL"], Actor("alice", "CNCL")))
        qtbot.addWidget(window)
        window.show()
        shared = window.document.service.find_risk("R-001")  # APEX leads, CNCL shares
        window.register_view.select_uuid(shared.uuid)
        with plain_sql(joint.logins["APEX"]) as conn:
            conn.execute("UPDATE risk SET owner = 'Set in psql' WHERE ref = 'R-001'")
        qtbot.waitUntil(window.check_outside_changes, timeout=5_000)
        assert "R-001" in window.outside_bar.label.text()
        assert window.editor.form.owner.text() == "Set in psql"
        model = window.history.model
        newest = [model.index(0, column).data() for column in range(model.columnCount())]
        assert newest[1] == f"{joint.login('APEX')} (APEX)"  # the login, named once
        assert newest[2] == "SQL" and newest[4] == f"{shared.owner} → Set in psql"
        window.close()
