"""Work off the GUI thread, so the window paints at once and stays responsive.

Above a few thousand risks the window first shows the first page of the register and
reads the rest on a worker thread; the check and the day's backup copy on opening run the
same way. Results come back to the GUI thread as a queued signal; a newer run (another
register, a reload) makes older results stale.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QWidget

from riskreg.errors import RegisterError


class BackgroundJob(QObject):
    """One kind of background work; each run gets a generation number."""

    sig_done = Signal(int, object)
    """A run finished: its generation and what the work returned."""

    sig_failed = Signal(int, str)
    """A run failed: its generation and the reason (a refusal the services explain, a
    ``RegisterError``, as its message alone; anything else with its traceback)."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._generation = 0
        self._thread: threading.Thread | None = None
        self.last_error: RegisterError | None = None
        """The refusal of the latest failed run (set before ``sig_failed`` is sent)."""
        gone = self._gone = threading.Event()
        self.destroyed.connect(lambda: gone.set())  # holds the event, not this object

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run(self, work: Callable[[], object]) -> int:
        self._generation += 1
        generation = self._generation
        self._thread = threading.Thread(
            target=self._run, args=(work, generation), name=self._name, daemon=True
        )
        self._thread.start()
        return generation

    def cancel(self) -> None:
        """Whatever is in flight is no longer wanted."""
        self._generation += 1

    def wait(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> None:
        """Cancel and wait: before the register under the work is closed or replaced."""
        self.cancel()
        self.wait()

    def _run(self, work: Callable[[], object], generation: int) -> None:
        try:
            result = work()
        except RegisterError as exc:
            self.last_error = exc  # its kind decides the way back (a backup, a clean copy)
            self._answer(self.sig_failed, generation, str(exc))
        except Exception as exc:  # reported to the GUI thread, never lost in a thread
            self._answer(self.sig_failed, generation, f"{exc}\n{traceback.format_exc()}")
        else:
            self._answer(self.sig_done, generation, result)

    def _answer(self, signal: SignalInstance, generation: int, result: object) -> None:
        """Send the result, unless the window that asked has gone without waiting (freed
        rather than closed): nobody is left to want it."""
        if self._gone.is_set():
            return
        try:
            signal.emit(generation, result)
        except RuntimeError:  # deleted between the check and the emit
            if not self._gone.is_set():
                raise


class AfterFirstPaint(QObject):
    """Calls back once ``widget`` has painted for the first time (or after ``fallback_ms``
    if it never does, being hidden): work started on a thread before that would share the
    interpreter with the painting and delay it."""

    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._call)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            QTimer.singleShot(0, self._call)  # once this paint is done
        return False

    def _call(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            self._widget.removeEventFilter(self)
            callback()
