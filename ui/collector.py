"""Reference cycles are collected in the GUI thread only.

Python collects cycles in whichever thread happens to allocate when a threshold is crossed.
When that is a worker thread (opening, reading or checking a register), cycles that hold Qt
objects (a closed dialog, a replaced window) are destroyed there, and Qt brings the process
down: the table benchmark crashed in 5 of 6 runs that way, inside the check on opening.
So automatic collection is switched off while the window runs, and the GUI thread collects
on a timer, generation by generation at Python's own thresholds (as pyqtgraph does).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """While it runs, only the GUI thread collects cycles."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> None:
        """Collect as Python would have: the oldest generation whose count, and every
        younger one's, passed its threshold (collecting it collects the younger ones)."""
        counts = gc.get_count()
        due = -1
        for generation in range(3):
            if counts[generation] <= self._thresholds[generation]:
                break
            due = generation
        if due >= 0:
            gc.collect(due)

    def stop(self) -> None:
        """Collect everything now, here, and let Python collect on its own again."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
