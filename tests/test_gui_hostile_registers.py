"""The window and a refused register file: never a traceback or a vanished window, always a
plain message and a way back — the latest good backup of a damaged file, a clean copy of
one holding what the application did not make — and a save that runs too long rolled back
with a message while what was typed stays."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from riskreg import backups, sqlite_guard
from riskreg.service import open_service
from tests.conftest import ALICE, file_digest
from tests.hostile_registers import SCHEMA_ATTACKS, damage_page, run_sql
from ui import app as app_module
from ui import register_safety
from ui.main_window import MainWindow

WIPE = "a trigger that wipes the change log, re-scores risks and renames the register on save"


@pytest.fixture(autouse=True)
def _keep_excepthook(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The window installs its own hook for unexpected errors; put the test runner's back,
    and fail on anything that reaches it (a traceback the user would have seen)."""
    seen: list[str] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: seen.append(repr(value)))
    yield
    assert seen == []


def answering(monkeypatch: pytest.MonkeyPatch, choice: str | None) -> list[register_safety.WayBack]:
    offered: list[register_safety.WayBack] = []

    def ask(parent: object, offer: register_safety.WayBack) -> str | None:
        offered.append(offer)
        return choice

    monkeypatch.setattr(register_safety, "ask", ask)
    return offered


def a_good_backup(path: Path) -> Path:
    service = open_service(path, ALICE)
    try:
        noon = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
        copy = backups.take(service.with_clock(lambda: noon), "before import")
    finally:
        service.close()
    assert copy is not None
    return copy


def test_a_register_holding_a_trigger_is_offered_a_clean_copy_at_start(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_sql(demo_path, SCHEMA_ATTACKS[WIPE])
    before = file_digest(demo_path)
    offered = answering(monkeypatch, register_safety.CLEAN_COPY)

    window = app_module.start_window(["main.py", str(demo_path)], tell=pytest.fail)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.document.is_open, timeout=10_000)

    assert len(offered) == 1 and "trigger trg_wipe" in offered[0].message
    assert offered[0].choices == (register_safety.CLEAN_COPY,)  # no backup to offer
    assert window.register_view.count_label.text() == "44 of 44 risks"
    assert "(clean copy)" in window.windowTitle()
    assert file_digest(demo_path) == before  # the refused file is left as it was
    service = window.document.service
    risk = service.list_risks()[0]
    service.edit_risk(risk.uuid, risk.version, {"title": "Saved in the clean copy"})
    assert service.register_info().name != "Taken over"  # no trigger came along


def test_a_damaged_register_is_offered_its_latest_good_backup_at_start(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = a_good_backup(demo_path)
    damage_page(demo_path)
    offered = answering(monkeypatch, register_safety.RESTORE)

    window = app_module.start_window(["main.py", str(demo_path)], tell=pytest.fail)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.document.is_open, timeout=10_000)

    assert len(offered) == 1 and offered[0].backup is not None
    assert offered[0].backup.path == good
    assert window.register_view.count_label.text() == "44 of 44 risks"
    assert "before restore" in [b.reason for b in backups.listing(demo_path)]  # kept aside


def test_a_register_damaged_past_its_first_look_is_offered_its_backup_not_a_traceback(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first look reads the risks; the change log (trends) is read once the register
    is open: a damaged page there used to end the window with a traceback."""
    a_good_backup(demo_path)
    damage_page(demo_path, "change")
    offered = answering(monkeypatch, register_safety.RESTORE)

    window = app_module.start_window(["main.py", str(demo_path)], tell=pytest.fail)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(offered), timeout=10_000)
    qtbot.waitUntil(lambda: window.document.is_open, timeout=10_000)
    assert not window.failed_to_open
    assert window.register_view.count_label.text() == "44 of 44 risks"
    assert window.document.service.check().ok


def test_declining_the_way_back_closes_without_changing_the_file(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_sql(demo_path, SCHEMA_ATTACKS[WIPE])
    before = sorted(p.name for p in demo_path.parent.iterdir()), file_digest(demo_path)
    offered = answering(monkeypatch, None)
    assert app_module.start_window(["main.py", str(demo_path)], tell=pytest.fail) is None
    assert len(offered) == 1
    assert (sorted(p.name for p in demo_path.parent.iterdir()), file_digest(demo_path)) == before


def test_opening_a_hostile_register_from_the_window_offers_a_clean_copy(
    qtbot: QtBot, blank_window: MainWindow, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_sql(demo_path, SCHEMA_ATTACKS["the risk table replaced by a view with an endless "
                                      "recursive query"])  # fmt: skip
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(register_safety, "tell", lambda parent, t, m: told.append((t, m)))
    offered = answering(monkeypatch, register_safety.CLEAN_COPY)
    assert not blank_window.open_register(str(demo_path))
    assert len(offered) == 1 and "view risk" in offered[0].message
    # its tables are not the register's: the clean copy itself is refused, in words
    assert told and "risk: a view in its place" in told[0][1]
    assert not list(demo_path.parent.glob("*clean copy*"))
    assert blank_window.document.service.path != demo_path  # the window kept its register


def test_a_stray_journal_set_aside_on_opening_is_said_in_the_window(
    qtbot: QtBot, blank_window: MainWindow, demo_path: Path, tmp_path: Path
) -> None:
    from tests.hostile_registers import another_register, crash_mid_write

    (tmp_path / "elsewhere").mkdir()
    other = another_register(tmp_path / "elsewhere")
    crash_mid_write(other, "UPDATE risk SET title = title || ' (other)'")
    shutil.copyfile(other.with_name(other.name + "-journal"),
                    demo_path.with_name(demo_path.name + "-journal"))  # fmt: skip
    assert blank_window.open_register(str(demo_path))
    qtbot.waitUntil(lambda: blank_window.opening_notes is not None, timeout=10_000)
    box = blank_window.opening_notes
    assert "did not belong to it" in box.text()  # type: ignore[attr-defined]
    assert blank_window.register_view.count_label.text() == "44 of 44 risks"


def test_a_save_past_its_time_bound_is_rolled_back_and_what_was_typed_stays(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_guard, "PROGRESS_STEPS", 1)  # its connections look at every step
    window = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(window)
    window.show()
    told: list[tuple[str, str]] = []
    window.show_error = lambda title, message: told.append((title, message))  # type: ignore[method-assign]
    risk = window.document.service.list_risks()[0]
    window.register_view.select_uuid(risk.uuid)
    qtbot.waitUntil(lambda: window.editor.form.title.text() == risk.title)
    window.editor.form.title.setText("Typed before a slow save")
    before = file_digest(demo_path)

    with monkeypatch.context() as slow:  # every statement of the save runs past its bound
        slow.setattr(sqlite_guard, "STATEMENT_TIME_LIMIT_S", 0.0)
        assert not window.editor.save()

    assert told and "took longer than" in told[0][1] and "nothing was saved" in told[0][1]
    assert window.editor.form.title.text() == "Typed before a slow save"
    assert file_digest(demo_path) == before
    assert window.editor.save()  # and saved once the file answers in time
    assert window.document.service.get_risk(risk.uuid).title == "Typed before a slow save"


def test_the_restore_dialog_shows_a_damaged_copy_and_never_chooses_it(
    qtbot: QtBot, demo_path: Path
) -> None:
    from ui.dialogs.restore import RestoreDialog

    good = a_good_backup(demo_path)
    damaged = good.with_name(good.name.replace("before import", "daily"))
    shutil.copyfile(good, damaged)
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    listed = backups.listing(demo_path)
    dialog = RestoreDialog(listed)
    qtbot.addWidget(dialog)
    rows = {dialog.model.item(r, 3).text(): r for r in range(dialog.model.rowCount())}
    assert set(rows) == {good.name, damaged.name}
    bad = rows[damaged.name]
    assert dialog.model.item(bad, 2).text() == "damaged"
    assert "cannot be restored: damaged" in dialog.model.item(bad, 0).toolTip()
    assert not dialog.model.item(bad, 0).isEnabled()
    assert dialog.chosen() == good  # the good copy is chosen at first
    dialog.table.selectRow(bad)
    assert dialog.chosen() is None  # a damaged copy is never what Restore puts back
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    only_damaged = RestoreDialog([b for b in listed if not b.restorable])
    qtbot.addWidget(only_damaged)
    assert only_damaged.chosen() is None
    assert not only_damaged.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
