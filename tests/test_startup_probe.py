"""The start-up stopwatch (``RISKREG_FIRST_PAINT_LOG``): how support times a start on a
user's laptop and how the standalone test compares the built copy with the virtualenv."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui import app as app_module
from ui.startup_probe import ENV, FirstPaintProbe


@pytest.fixture(autouse=True)
def _keep_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def test_the_first_paint_of_the_register_is_written_once_when_asked(
    qtbot: QtBot, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "first paint.log"
    monkeypatch.setenv(ENV, str(log))
    before = time.time()
    window = app_module.start_window(["main.py", str(demo_path)], tell=pytest.fail)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(log.exists, timeout=10_000)
    painted, rows = log.read_text(encoding="utf-8").split()
    assert before <= float(painted) <= time.time()
    assert int(rows) == window.register_view.model.rowCount() == 44
    qtbot.waitUntil(lambda: window.document.is_open, timeout=10_000)
    window.register_view.table.viewport().repaint()
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1  # the first paint only


def test_without_the_variable_nothing_is_written(
    qtbot: QtBot, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    here = tmp_path / "working folder"
    here.mkdir()
    monkeypatch.chdir(here)
    window = app_module.start_window(["main.py", str(demo_path)], tell=pytest.fail)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.document.is_open, timeout=10_000)
    window.register_view.table.viewport().repaint()
    assert list(here.iterdir()) == []
    assert window.findChildren(FirstPaintProbe) == []


def test_a_log_that_cannot_be_written_does_not_stop_the_application(
    qtbot: QtBot, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, str(tmp_path / "no such folder" / "paint.log"))
    window = app_module.start_window(["main.py", str(demo_path)], tell=pytest.fail)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.document.is_open, timeout=10_000)
    window.register_view.table.viewport().repaint()
    assert window.isVisible()
