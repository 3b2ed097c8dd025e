"""Two users on one register file, each in their own process, as on a shared drive."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from riskreg.errors import ConflictError, RegisterBusy
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from tests.gui_helpers import another_user_sets_r003_owner_while_r001_is_edited
from ui.main_window import MainWindow

ROOT = Path(__file__).parents[1]


def other_user(register: Path, code: str, *, wait: float = 0.0) -> subprocess.Popen[str]:
    """Another process: ``code`` runs with ``service`` open on the register as Bob."""
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from riskreg.records import Actor\n"
        "from riskreg.service import open_service\n"
        f"service = open_service(Path({str(register)!r}), Actor('bob', 'APEX', 'test'))\n"
        f"time.sleep({wait})\n" + code + "\nprint('done', flush=True)\n"
    )
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def set_owner(ref: str, owner: str) -> str:
    """Code for the other process: give a risk a new owner."""
    return (f"r = service.find_risk({ref!r})\n"
            f"service.edit_risk(r.uuid, r.version, {{'owner': {owner!r}}})")  # fmt: skip


def finished(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return out


def test_edits_to_different_risks_from_two_processes_both_land(
    demo: RegisterService, demo_path: Path
) -> None:
    one, two = demo.find_risk("R-001"), demo.find_risk("R-002")
    bob = other_user(demo_path, set_owner("R-002", "Bob was here"))
    demo.edit_risk(one.uuid, one.version, {"owner": "Alice was here"})
    finished(bob)
    assert demo.get_risk(one.uuid).owner == "Alice was here"
    assert demo.get_risk(two.uuid).owner == "Bob was here"


def test_the_second_edit_of_the_same_risk_is_told_of_the_first(
    demo: RegisterService, demo_path: Path
) -> None:
    seen = demo.find_risk("R-001")  # Alice opens it in her editor
    finished(other_user(demo_path, set_owner("R-001", "Bob")))
    with pytest.raises(ConflictError, match=r"R-001 was changed by bob \(test\)"):
        demo.edit_risk(seen.uuid, seen.version, {"owner": "Alice"})
    assert demo.get_risk(seen.uuid).owner == "Bob"  # nothing overwritten
    again = demo.get_risk(seen.uuid)  # she reloads, and her change lands
    assert demo.edit_risk(again.uuid, again.version, {"owner": "Alice"}).owner == "Alice"


def test_a_writer_holding_the_file_makes_the_other_wait_then_say_busy(demo_path: Path) -> None:
    holder = other_user(demo_path, (
        "from sqlalchemy import text\n"
        "with service._store.write_session() as s, s.begin():\n"
        "    s.execute(text('UPDATE register SET name = name'))\n"
        "    print('holding', flush=True)\n"
        "    time.sleep(4)\n"
    ))  # fmt: skip
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    impatient = open_service(demo_path, ALICE, busy_timeout_ms=500)
    risk = impatient.find_risk("R-001")
    started = time.monotonic()
    with pytest.raises(RegisterBusy, match="the register is busy"):
        impatient.edit_risk(risk.uuid, risk.version, {"owner": "Alice"})
    assert time.monotonic() - started < 3  # a bounded wait, never a hang
    finished(holder)
    assert impatient.edit_risk(risk.uuid, risk.version, {"owner": "Alice"}).owner == "Alice"
    impatient.close()


def test_the_window_notices_another_users_change_and_offers_to_refresh(
    qtbot: QtBot, demo_path: Path
) -> None:
    window = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(window)
    window.show()
    assert not window.check_outside_changes()
    finished(other_user(demo_path, set_owner("R-003", "Bob")))
    qtbot.waitUntil(window.check_outside_changes, timeout=5_000)
    assert window.outside_bar.isVisible()  # said, and brought in without a click
    assert "Brought in another user's changes: R-003" in window.outside_bar.label.text()
    owners = {window.register_view.model.row(r).ref: window.register_view.model.row(r).owner
              for r in range(window.register_view.model.rowCount())}  # fmt: skip
    assert owners["R-003"] == "Bob"
    qtbot.mouseClick(window.outside_bar.refresh_button, Qt.MouseButton.LeftButton)
    assert not window.outside_bar.isVisible()  # Refresh all reads everything again


def test_another_users_change_comes_in_and_the_risk_being_edited_keeps_its_typing(
    qtbot: QtBot, demo_path: Path
) -> None:
    window = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(window)
    window.show()
    another_user_sets_r003_owner_while_r001_is_edited(
        qtbot, window, lambda: finished(other_user(demo_path, set_owner("R-003", "Bob")))
    )


def test_a_read_only_register_says_so_and_keeps_what_was_typed(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import file_digest

    before = file_digest(demo_path)
    read_only = open_service(f"sqlite:///file:{demo_path}?mode=ro&uri=true", ALICE)
    window = MainWindow(read_only)
    qtbot.addWidget(window)
    told: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, message: told.append(message))
    risk = read_only.find_risk("R-001")
    window.register_view.select_uuid(risk.uuid)
    form = window.editor.form
    qtbot.keyClick(form.title, Qt.Key.Key_End)  # the user clicks at the end
    qtbot.keyClicks(form.title, " (typed on a read-only copy)")
    assert not window.editor.save()
    assert told and "read-only" in told[-1] and "Your change was not saved" in told[-1]
    assert window.editor.is_dirty  # what was typed stays in the editor
    assert form.title.text().endswith("(typed on a read-only copy)")
    assert file_digest(demo_path) == before
