"""A long write on a worker thread, with progress and Cancel.

The use case gets a ``Progress`` that reports to the GUI thread (at most every 50 ms) and
raises ``Cancelled`` once the user asked to stop: the use case's transaction then rolls
back, or its file is not written, so a cancelled job changes nothing. The progress dialog
is window-modal: the window repaints and answers, but takes no other command meanwhile.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from riskreg.errors import Cancelled, RegisterError

REPORT_EVERY_S = 0.05
"""Progress reaches the GUI thread at most this often."""
SHOW_AFTER_MS = 400
"""A job done sooner than this never shows its dialog."""


class WriteJob(QObject):
    """One long use case run on a worker thread."""

    sig_progress = Signal(int, int)
    """How far the job has got: done, total."""

    sig_finished = Signal(object)
    """The job is done: what the use case returned."""

    sig_failed = Signal(str)
    """The use case was refused (its message) or failed (the reason and traceback)."""

    sig_cancelled = Signal()
    """The user cancelled; nothing was changed."""

    def __init__(
        self, title: str, work: Callable[[Callable[[int, int], None]], object], parent: QObject
    ) -> None:
        super().__init__(parent)
        self.title = title
        self._work = work
        self._cancel = threading.Event()
        self._last_report = 0.0
        self._thread = threading.Thread(target=self._run, name=f"job: {title}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Stop at the next report; what was done so far is rolled back."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def wait(self, timeout: float = 60.0) -> None:
        self._thread.join(timeout)

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        now = time.monotonic()
        if now - self._last_report >= REPORT_EVERY_S or done >= total:
            self._last_report = now
            self.sig_progress.emit(done, total)

    def _run(self) -> None:
        try:
            result = self._work(self._progress)
        except Cancelled:
            self.sig_cancelled.emit()
        except RegisterError as exc:
            self.sig_failed.emit(str(exc))
        except OSError as exc:
            self.sig_failed.emit(str(exc))
        except Exception as exc:  # reported to the GUI thread, never lost in a thread
            self.sig_failed.emit(f"{exc}\n{traceback.format_exc()}")
        else:
            if self._cancel.is_set() and result is None:
                self.sig_cancelled.emit()
            else:
                self.sig_finished.emit(result)


def show_progress(job: WriteJob, parent: QWidget) -> QProgressDialog:
    """The job's progress dialog, with Cancel; it closes itself when the job ends."""
    dialog = QProgressDialog(f"{job.title}…", "Cancel", 0, 0, parent)
    dialog.setWindowTitle(job.title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def moved(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))

    def cancel() -> None:
        job.cancel()
        dialog.setLabelText("Cancelling… nothing will be changed.")
        dialog.setCancelButton(None)

    job.sig_progress.connect(moved)
    dialog.canceled.connect(cancel)
    for ended in (job.sig_finished, job.sig_failed, job.sig_cancelled):
        ended.connect(dialog.close)
    return dialog
