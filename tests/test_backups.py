"""Backup copies: before imports and scheme changes, once a day, a bounded history, and a
restore that can itself be undone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from riskreg import backups
from riskreg.records import RiskDraft
from riskreg.scoring import ScoringScheme
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE, file_digest
from tests.gui_helpers import wait_for_jobs
from ui.main_window import MainWindow

NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def at(service: RegisterService, moment: datetime) -> RegisterService:
    return service.with_clock(lambda: moment)


def test_copies_are_listed_newest_first_with_their_risk_counts(
    service: RegisterService, register_path: Path
) -> None:
    first = backups.take(at(service, NOON), "before import")
    service.create_risk(RiskDraft("Flood", "CNCL", 3, 3))
    second = backups.take(at(service, NOON + timedelta(hours=1)), "before scheme change")
    listed = backups.listing(register_path)
    assert [b.path for b in listed] == [second, first]
    assert [(b.reason, b.risks) for b in listed] == [("before scheme change", 1),
                                                     ("before import", 0)]  # fmt: skip
    assert first is not None and first.parent.name == "alliance backups"


def test_the_history_is_bounded(service: RegisterService, register_path: Path) -> None:
    service.backup_policy = backups.Policy(keep=5)
    for hour in range(7):
        backups.take(at(service, NOON + timedelta(hours=hour)), "before import")
    kept = backups.listing(register_path)
    assert len(kept) == 5
    assert kept[-1].taken_at.astimezone(UTC).hour == 14  # the two oldest went


def test_one_daily_copy_a_day(service: RegisterService, register_path: Path) -> None:
    assert backups.daily(at(service, NOON)) is not None
    assert backups.daily(at(service, NOON + timedelta(hours=3))) is None
    assert backups.daily(at(service, NOON + timedelta(days=1))) is not None
    assert [b.reason for b in backups.listing(register_path)] == ["daily", "daily"]


def test_restoring_puts_a_copy_back_and_keeps_the_current_file_aside(
    service: RegisterService, register_path: Path
) -> None:
    copy = backups.take(at(service, NOON), "before import")
    assert copy is not None
    service.create_risk(RiskDraft("Added after the copy", "CNCL", 3, 3))
    service.close()
    changed = file_digest(register_path)
    aside = backups.restore(copy, register_path)
    assert file_digest(register_path) == file_digest(copy)
    assert file_digest(aside) == changed  # the restore can be undone
    assert open_service(register_path, ALICE).list_risks() == []


def test_a_scheme_change_from_the_gui_takes_a_copy_first(
    qtbot: QtBot, blank_window: MainWindow, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.scheme import SchemeDialog

    dialog = SchemeDialog(blank_window.document)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "confirm", lambda report: True)
    monkeypatch.setattr(dialog, "scheme", lambda: ScoringScheme.sized(4, 4))
    assert dialog.try_apply()
    wait_for_jobs(qtbot, blank_window.document)
    assert "before scheme change" in [b.reason for b in backups.listing(register_path)]


def test_file_restore_from_backup_reopens_the_register_as_it_was(
    qtbot: QtBot, blank_window: MainWindow, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.restore import RestoreDialog

    qtbot.waitUntil(lambda: bool(backups.listing(register_path)))  # the day's copy, on open
    window = blank_window
    window.document.service.create_risk(RiskDraft("Typed by mistake", "CNCL", 2, 2))
    window.refresh()
    assert window.register_view.model.rowCount() == 1

    def choose_oldest(cls: type, listed: list[backups.Backup], parent: object = None) -> Path:
        dialog = RestoreDialog(listed)
        qtbot.addWidget(dialog)
        assert dialog.model.rowCount() == len(listed)
        dialog.table.selectRow(len(listed) - 1)
        return dialog.chosen()  # type: ignore[return-value]

    monkeypatch.setattr(RestoreDialog, "ask", classmethod(choose_oldest))
    assert window.restore_backup()
    assert window.register_view.model.rowCount() == 0
    assert "before restore" in [b.reason for b in backups.listing(register_path)]


def test_a_register_failing_its_check_on_open_is_offered_the_latest_good_backup(
    qtbot: QtBot, service: RegisterService, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    service.create_risk(RiskDraft("Flood", "CNCL", 3, 3))
    good = backups.take(at(service, NOON), "before import")
    service.close()
    with sqlite3.connect(register_path) as raw:  # damage: a split no longer makes 100 %
        raw.execute("UPDATE risk_share SET percent = 10")
    offered: list[tuple[str, ...]] = []

    def accept(self: MainWindow, problems: tuple[str, ...], latest: backups.Backup) -> bool:
        offered.append(tuple(problems))
        assert latest.path == good
        return True

    monkeypatch.setattr(MainWindow, "offer_restore", accept)
    window = MainWindow(open_service(register_path, ALICE))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(offered))
    assert any("add up to 10" in p or "10 %" in p for p in offered[0]), offered
    assert window.document.service.check().ok
    assert [r.title for r in window.document.service.list_risks()] == ["Flood"]
    assert "before restore" in [b.reason for b in backups.listing(register_path)]


def test_backups_go_to_the_folder_and_count_chosen_in_preferences(
    qtbot: QtBot,
    blank_window: MainWindow,
    register_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.dialogs.preferences import PreferencesChoice, PreferencesDialog
    from ui.dialogs.restore import RestoreDialog
    from ui.dialogs.scheme import SchemeDialog

    window = blank_window
    chosen_folder = tmp_path / "shared drive" / "register copies"

    def fill_in(cls: type, actor: object, partners: object, parent: object = None,
                *, backups: backups.Policy) -> PreferencesChoice | None:  # fmt: skip
        dialog = PreferencesDialog(ALICE, window.document.service.list_partners(),
                                   backups=backups)  # fmt: skip
        qtbot.addWidget(dialog)
        assert dialog.beside.isChecked() and dialog.keep.value() == 30
        qtbot.keyClicks(dialog.folder, str(chosen_folder))  # typing picks "In this folder"
        dialog.keep.setValue(2)
        assert dialog.try_accept()
        return dialog.choice()

    monkeypatch.setattr(PreferencesDialog, "ask", classmethod(fill_in))
    window.commands.edit_preferences()
    assert window.preferences.backup_policy == backups.Policy(chosen_folder, 2)

    for _ in range(3):
        dialog = SchemeDialog(window.document)
        qtbot.addWidget(dialog)
        monkeypatch.setattr(dialog, "confirm", lambda report: True)
        monkeypatch.setattr(dialog, "scheme", lambda: ScoringScheme.sized(4, 4))
        assert dialog.try_apply()
        wait_for_jobs(qtbot, window.document)
    copies = sorted(p.name for p in chosen_folder.glob("*.riskreg"))
    assert len(copies) == 2 and all("before scheme change" in n for n in copies)
    assert not any("before scheme change" in b.reason for b in backups.listing(register_path))

    listed: list[int] = []

    def count(cls: type, offered: list[backups.Backup], parent: object = None) -> None:
        listed.append(len(offered))

    monkeypatch.setattr(RestoreDialog, "ask", classmethod(count))
    window.restore_backup()
    assert listed == [2]  # Restore from backup looks in the chosen folder


def test_preferences_refuse_a_backup_folder_that_is_a_file(
    qtbot: QtBot, service: RegisterService, tmp_path: Path
) -> None:
    from ui.dialogs.preferences import PreferencesDialog

    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x")
    dialog = PreferencesDialog(ALICE, service.list_partners())
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.folder, str(not_a_folder))
    assert not dialog.try_accept()
    assert dialog.error.isVisibleTo(dialog)
    assert "is a file, not a folder" in dialog.error.text()
    dialog.folder.clear()
    assert not dialog.try_accept()
    assert "choose a folder" in dialog.error.text()


def test_the_check_on_opening_runs_while_the_window_answers(
    qtbot: QtBot, service: RegisterService, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a 100,000-risk register the check and the day's copy take seconds: the user can
    already filter the table while they run on a worker thread."""
    import threading

    import ui.open_check

    service.create_risk(RiskDraft("Flood", "CNCL", 3, 3))
    service.create_risk(RiskDraft("Drought", "CNCL", 2, 2))
    release = threading.Event()
    ran_on: list[threading.Thread] = []
    real_check = ui.open_check.check_on_open

    def slow_check(svc: RegisterService) -> ui.open_check.OpenCheck:
        ran_on.append(threading.current_thread())
        assert release.wait(10)
        return real_check(svc)

    monkeypatch.setattr(ui.open_check, "check_on_open", slow_check)
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(ran_on))
    assert ran_on[0] is not threading.main_thread()
    qtbot.keyClicks(window.register_view.search, "Flood")  # answered meanwhile
    assert window.register_view.model.rowCount() == 1
    assert not backups.listing(register_path)
    release.set()
    qtbot.waitUntil(lambda: bool(backups.listing(register_path)))  # then the day's copy
