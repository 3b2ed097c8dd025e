"""Work on worker threads never touches Qt objects from there: cycles are collected in the
GUI thread, and a job whose window has gone drops its answer."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from riskreg.service import open_service
from tests.conftest import ALICE
from ui import open_check
from ui.collector import GuiThreadCollector
from ui.loader import BackgroundJob
from ui.main_window import MainWindow


class _Cycle:
    """Garbage in a reference cycle that says which thread collected it."""

    def __init__(self, collected_in: list[str]) -> None:
        self.me = self
        self.collected_in = collected_in

    def __del__(self) -> None:
        self.collected_in.append(threading.current_thread().name)


def _allocate_a_lot(kept: list[object]) -> None:
    """Enough new containers, kept, to cross every collection threshold many times over."""
    kept.extend([i] for i in range(200_000))


def test_cycles_left_behind_are_collected_in_the_gui_thread_not_a_worker(qtbot: QtBot) -> None:
    collector = GuiThreadCollector(interval_ms=20)
    collected_in: list[str] = []
    _Cycle(collected_in)  # now garbage, in a cycle
    kept: list[object] = []
    worker = threading.Thread(target=_allocate_a_lot, args=(kept,), name="worker")
    worker.start()
    worker.join()
    assert collected_in == []  # the worker crossed the thresholds and collected nothing

    qtbot.waitUntil(lambda: collected_in != [], timeout=5_000)

    assert collected_in == [threading.current_thread().name]
    collector.stop()


def test_without_the_collector_a_worker_would_collect_the_gui_threads_cycles() -> None:
    """The hazard the collector removes (this test runs without it)."""
    assert gc.isenabled()
    gc.collect()
    collected_in: list[str] = []
    _Cycle(collected_in)
    kept: list[object] = []
    worker = threading.Thread(target=_allocate_a_lot, args=(kept,), name="worker")
    worker.start()
    worker.join()
    assert collected_in == ["worker"]


def test_a_job_whose_owner_was_freed_without_closing_drops_its_answer(qtbot: QtBot) -> None:
    """Nothing is raised in the worker (the suite turns an exception there into an error)."""
    owner = QObject()
    job = BackgroundJob("test-job", owner)
    answers: list[object] = []
    job.sig_done.connect(lambda generation, result: answers.append(result))
    release = threading.Event()
    job.run(lambda: release.wait(5) and "late answer")
    thread = job._thread
    assert thread is not None
    del job
    owner.deleteLater()
    qtbot.waitUntil(lambda: _deleted(owner), timeout=5_000)
    release.set()
    thread.join(5)
    qtbot.wait(50)
    assert answers == []


def _deleted(obj: QObject) -> bool:
    from shiboken6 import isValid

    return not isValid(obj)


def test_a_window_closed_before_its_first_event_starts_no_check(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(open_check, "check_on_open", lambda service: started.append(service))
    window = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(window)
    window.close()
    qtbot.wait(50)  # the check on opening was queued for the first turn of the event loop
    assert started == []
    assert not window.open_checker.is_running


def test_a_window_destroyed_without_closing_still_closes_its_register(
    qtbot: QtBot, demo_path: Path
) -> None:
    """However the window goes, the register's connections are closed (a server keeps a
    connection open otherwise)."""
    service = open_service(demo_path, ALICE)
    closed: list[bool] = []
    close = service.close
    service.close = lambda: (closed.append(True), close())[0]  # type: ignore[method-assign]
    window = MainWindow(service)
    qtbot.wait(50)  # the check on opening starts
    window.open_checker.wait()
    del window
    gc.collect()
    assert closed == [True]
