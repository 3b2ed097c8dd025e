"""A start-up stopwatch for support and tests: when ``RISKREG_FIRST_PAINT_LOG`` names a
file, the moment the register table first paints is appended to it.

This is how the start of a standalone copy is timed on a user's own laptop ("how long does
it take to show the register?") and how the CI test compares the built copy with the same
start from a virtualenv, where no code can be slipped into the process. Each line is
``<seconds since the epoch> <rows in the table>``; nothing is written unless asked.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject

if TYPE_CHECKING:
    from ui.main_window import MainWindow

ENV = "RISKREG_FIRST_PAINT_LOG"


class FirstPaintProbe(QObject):
    """Writes one line at the register table's first paint, then stops watching."""

    def __init__(self, window: MainWindow, log: str) -> None:
        super().__init__(window)  # lives exactly as long as the window
        self._window = window
        self._log = log
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            painted = time.time()
            rows = self._window.register_view.model.rowCount()
            # a stopwatch never stops the application
            with contextlib.suppress(OSError), open(self._log, "a", encoding="utf-8") as out:
                out.write(f"{painted:.6f} {rows}\n")
            watched.removeEventFilter(self)
        return False


def watch_first_paint(window: MainWindow) -> None:
    """Time the window's first paint of the register when the environment asks for it."""
    log = os.environ.get(ENV)
    if not log:
        return
    viewport = window.register_view.table.viewport()
    viewport.installEventFilter(FirstPaintProbe(window, log))
