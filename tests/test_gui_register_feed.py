"""The register table after a change of hundreds of rows: read on a worker thread (the
window stays free), shown once back, and never older than an edit made meanwhile."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from riskreg.records import RiskDraft, RowsUpdate
from tests.gui_helpers import cell_text
from ui import register_feed
from ui.main_window import MainWindow

MANY = register_feed.READ_AT_ONCE_LIMIT + 50


def _many() -> list[RiskDraft]:
    return [RiskDraft(f"Added {n}", "CNCL", 2, 2, owner="Ward") for n in range(MANY)]


def test_hundreds_of_new_risks_are_read_off_the_gui_thread_and_shown(
    qtbot: QtBot, blank_window: MainWindow
) -> None:
    window = blank_window
    document = window.document
    readers: list[str] = []
    rows_of = document.service.rows_of

    def reading(wanted: list[str]) -> RowsUpdate:
        readers.append(threading.current_thread().name)
        return rows_of(wanted)

    document.service.rows_of = reading  # type: ignore[method-assign]
    document.run("Cannot add", lambda s: s.create_risks(_many(), summary="many"))
    qtbot.waitUntil(lambda: not window.feed.reading_rows, timeout=10_000)
    assert readers == ["row-reader"]
    assert window.register_view.model.rowCount() == MANY
    refs = [r.ref for r in document.service.list_risks()]
    assert all(cell_text(window, ref, "owner") == "Ward" for ref in refs[:5] + refs[-5:])


def test_an_edit_made_while_the_rows_are_read_is_not_overwritten_by_the_older_read(
    qtbot: QtBot, blank_window: MainWindow
) -> None:
    window = blank_window
    document = window.document
    rows_of = document.service.rows_of
    read, release = threading.Event(), threading.Event()

    def slow_read(wanted: list[str]) -> RowsUpdate:
        update = rows_of(wanted)  # read before the edit below commits
        read.set()
        release.wait(10)
        return update

    document.service.rows_of = slow_read  # type: ignore[method-assign]
    added = document.run("Cannot add", lambda s: s.create_risks(_many(), summary="many"))
    assert added is not None and window.feed.reading_rows
    assert read.wait(10)
    document.service.rows_of = rows_of  # type: ignore[method-assign]
    risk = document.service.get_risk(added[0])
    assert document.edit_risk(risk, {"owner": "Typed meanwhile"}) is not None
    release.set()
    qtbot.waitUntil(lambda: not window.feed.reading_rows, timeout=10_000)
    assert cell_text(window, risk.ref, "owner") == "Typed meanwhile"
    assert window.register_view.model.rowCount() == MANY
