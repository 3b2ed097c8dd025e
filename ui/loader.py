"""Reading a large register in the background, so the window paints at once.

Above a few thousand risks the window first shows the first page of the register and
reads the rest on a worker thread; the result comes back to the GUI thread as a queued
signal. A newer load (another register, a reload) makes older results stale.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, Signal

from riskreg.service import RegisterService


class RiskLoader(QObject):
    sig_loaded = Signal(int, object)
    """A load finished: its generation and the list of every risk."""

    sig_failed = Signal(int, str)
    """A load failed: its generation and the reason."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._thread: threading.Thread | None = None

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def is_loading(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, service: RegisterService) -> int:
        self._generation += 1
        generation = self._generation
        self._thread = threading.Thread(
            target=self._run, args=(service, generation), name="risk-loader", daemon=True
        )
        self._thread.start()
        return generation

    def cancel(self) -> None:
        """Whatever is in flight is no longer wanted."""
        self._generation += 1

    def wait(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, service: RegisterService, generation: int) -> None:
        try:
            risks = service.list_risks()
        except Exception as exc:  # reported to the GUI thread, never lost in a thread
            self.sig_failed.emit(generation, f"{exc}\n{traceback.format_exc()}")
            return
        self.sig_loaded.emit(generation, risks)
