"""Cases run on a real, full disk: a small tmpfs mounted in a private mount namespace by
``test_full_disk.py`` (so no privileges are needed and nothing outside the test sees it).

Not collected by the ordinary run (the name does not start with ``test_``); the outer test
runs this file in its own pytest process with ``FULL_DISK_DIR`` naming the mount.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from riskreg.errors import BackupFailed, RegisterReadOnly
from riskreg.service import open_service
from tests.conftest import ALICE, file_digest
from tests.exchange_helpers import edit
from ui.main_window import MainWindow

CHUNK = 64 * 1024


@pytest.fixture
def small_disk() -> Path:
    where = os.environ.get("FULL_DISK_DIR")
    if not where:
        pytest.fail("run through tests/test_full_disk.py, which mounts the small disk")
    return Path(where)


@pytest.fixture
def on_small_disk(small_disk: Path, demo_template: Path) -> Iterator[Path]:
    path = small_disk / "demo.riskreg"
    shutil.copyfile(demo_template, path)
    yield path
    for leftover in small_disk.iterdir():
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


def fill(disk: Path) -> Path:
    """Take every byte left on the disk; returns the filler file (remove it to free them)."""
    filler = disk / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        for size in (CHUNK, 4096, 512, 1):
            while True:
                try:
                    out.write(b"\0" * size)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    assert shutil.disk_usage(disk).free < 4096
    return filler


def test_an_edit_on_a_full_disk_is_refused_with_the_reason_and_the_file_is_untouched(
    on_small_disk: Path, small_disk: Path
) -> None:
    service = open_service(on_small_disk, ALICE)
    risk = service.find_risk("R-001")
    filler = fill(small_disk)
    before = file_digest(on_small_disk)
    with pytest.raises(RegisterReadOnly, match="the disk is full") as refused:
        service.edit_risk(risk.uuid, risk.version, {"description": "Typed at length. " * 1000})
    assert "Your change was not saved" in str(refused.value)
    assert file_digest(on_small_disk) == before
    assert service.check().ok
    filler.unlink()
    service.edit_risk(risk.uuid, risk.version, {"description": "Typed at length. " * 1000})
    assert service.find_risk("R-001").description.startswith("Typed at length.")
    service.close()


def test_the_editor_keeps_what_was_typed_when_the_disk_is_full(
    qtbot: QtBot, on_small_disk: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(open_service(on_small_disk, ALICE))
    qtbot.addWidget(window)
    told: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, message: told.append(message))
    qtbot.waitUntil(lambda: any(small_disk.glob("demo backups/*daily*")))  # the day's copy
    risk = window.document.service.find_risk("R-001")
    window.register_view.select_uuid(risk.uuid)
    form = window.editor.form
    qtbot.keyClick(form.title, Qt.Key.Key_End)  # the user clicks at the end
    qtbot.keyClicks(form.title, " (typed as the disk filled)")
    filler = fill(small_disk)
    before = file_digest(on_small_disk)
    assert not window.editor.save()
    assert told and "the disk is full" in told[-1] and "Your change was not saved" in told[-1]
    assert window.editor.is_dirty
    assert form.title.text().endswith("(typed as the disk filled)")
    assert file_digest(on_small_disk) == before
    filler.unlink()  # space made: the same typing saves
    assert window.editor.save()
    saved = window.document.service.find_risk("R-001")
    assert saved.title.endswith("(typed as the disk filled)")


def test_an_import_on_a_full_disk_stops_at_the_backup_and_changes_nothing(
    on_small_disk: Path, small_disk: Path, tmp_path: Path
) -> None:
    from riskreg.exchange.export import export_register
    from riskreg.exchange.importer import apply_import, plan_import

    service = open_service(on_small_disk, ALICE)
    workbook = tmp_path / "returned.xlsx"  # the workbook itself is on another disk
    export_register(service, workbook)
    edit(workbook, "Risks", "R-001", {"Owner": "Changed in Excel"})
    plan = plan_import(service, workbook)
    assert plan.items
    filler = fill(small_disk)
    before = file_digest(on_small_disk)
    with pytest.raises(BackupFailed, match=r"\(the disk is full\), so the import was not done"):
        apply_import(service, plan, plan.items)
    assert file_digest(on_small_disk) == before
    assert not list(small_disk.glob("demo backups/*.part"))  # no half copy left behind
    assert service.find_risk("R-001").owner != "Changed in Excel"
    filler.unlink()
    apply_import(service, plan, plan.items)
    assert service.find_risk("R-001").owner == "Changed in Excel"
    service.close()


def test_a_register_on_a_read_only_drive_says_so_and_keeps_what_was_typed(
    qtbot: QtBot,
    on_small_disk: Path,
    small_disk: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The register opened from a read-only share (a read-only bind mount of the disk)."""
    import subprocess

    share = tmp_path / "read-only share"
    share.mkdir()
    subprocess.run(["mount", "--bind", str(small_disk), str(share)], check=True)
    subprocess.run(["mount", "-o", "remount,bind,ro", str(share)], check=True)
    before = file_digest(on_small_disk)
    window = MainWindow(open_service(share / on_small_disk.name, ALICE))
    qtbot.addWidget(window)
    told: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, message: told.append(message))
    qtbot.waitUntil(lambda: "backup copy could not be made" in window.statusBar().currentMessage())
    risk = window.document.service.find_risk("R-002")
    window.register_view.select_uuid(risk.uuid)
    form = window.editor.form
    qtbot.keyClick(form.title, Qt.Key.Key_End)  # the user clicks at the end
    qtbot.keyClicks(form.title, " (typed on a read-only share)")
    assert not window.editor.save()
    assert told and "read-only" in told[-1] and "Your change was not saved" in told[-1]
    assert window.editor.is_dirty
    assert form.title.text().endswith("(typed on a read-only share)")
    assert file_digest(on_small_disk) == before  # the same file, seen through the writable mount
