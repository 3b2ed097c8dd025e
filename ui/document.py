"""The open register as the GUI sees it: the one write path, the undo stack, one change
signal.

Every write the window makes runs through ``RegisterDocument.run`` (now) or
``run_in_background`` (off the GUI thread, with progress and Cancel): refusals become the
usual messages, an undo step is pushed where the write can be undone, and a write that
cannot be undone but moves risks (an import, a scheme change) clears the undo history, so
Ctrl+Z never undoes anything but the last undoable step. The services announce each commit
(``riskreg.service.Changes``); the document hands it on as ``sig_changed`` and each view
re-reads only what it shows. Views never call each other.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from riskreg.errors import RegisterError, ValidationError
from riskreg.records import Actor, RegisterSettings
from ui.operations import DocumentEdits

if TYPE_CHECKING:
    from riskreg.progress import Progress
    from riskreg.records import Changes
    from riskreg.service import RegisterService
    from ui.jobs import WriteJob

T = TypeVar("T")


class History(enum.Enum):
    """What a write that pushes no undo step does to the undo history."""

    KEPT = "kept"
    """Nothing it changed is in an earlier step (a joint review, an export)."""
    CLEARED = "cleared"
    """It moves risks wholesale (an import, a scheme change): earlier steps could no longer
    be replayed faithfully, so they go."""


class RegisterDocument(DocumentEdits, QObject):
    sig_changed = Signal(object, object)
    """The register changed: a ``Changes`` saying what, and the view that made the change
    (which already shows it and need not re-read), or None."""

    sig_error = Signal(str, str)
    """A use case was refused: a title and a plain-language message for the user."""

    sig_opened = Signal()
    """Another register was opened in this window."""

    sig_job_started = Signal(object)
    """A background write began (a ``ui.jobs.WriteJob``): show its progress; other writes
    wait until it ends."""

    sig_busy = Signal(bool)
    """A background write is running (True) or has ended (False)."""

    def __init__(self, service: RegisterService | None, parent: QObject | None = None) -> None:
        """``service`` is None while the window shows a first look and the register is
        still being opened; ``attach`` hands it over."""
        super().__init__(parent)
        self._service: RegisterService | None = None
        self.undo_stack = QUndoStack(self)
        self.settings: RegisterSettings | None = None
        """The register's settings (scheme, partners, categories, appetites) as last read;
        read again when a change reaches them, before the views hear of it."""
        self.revision = 0
        """The revision this window has seen (its own commits and others' it brought in)."""
        self._initiator: object = None
        self._job: WriteJob | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._gui_thread = threading.current_thread()
        release = self._release = _Release()
        # a lambda holding the release: Qt keeps it, where a bound method would go with us
        self.destroyed.connect(lambda: release.close())
        self._sig_announced.connect(self._announced_in_gui_thread)
        if service is not None:
            self.attach(service)

    _sig_announced = Signal(object)
    """A commit made on a worker thread, brought to the GUI thread."""

    # -- the register -------------------------------------------------------------------
    @property
    def service(self) -> RegisterService:
        if self._service is None:
            raise RuntimeError("the register is still being opened")
        return self._service

    @property
    def is_open(self) -> bool:
        return self._service is not None

    @property
    def busy(self) -> bool:
        """A background write is running."""
        return self._job is not None

    def attach(self, service: RegisterService) -> None:
        """The register the window shows is open (at start-up, after a first look)."""
        self._use(service)

    def replace_service(self, service: RegisterService) -> None:
        """Show another register in this window; the old one is closed."""
        if self._service is not None:
            self._service.close()
        self._use(service)
        self.undo_stack.clear()
        self.sig_opened.emit()
        self._emit(self._everything(), None)

    def replace_actor(self, actor: Actor) -> None:
        """Act as another user or partner from now on (Preferences)."""
        self._service = self._release.service = self.service.with_actor(actor)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._release.close()

    def reload(self) -> None:
        """Read everything again (View ▸ Reload): the register may have changed in ways
        this window cannot tell."""
        self._emit(self._everything(), None)

    def check_outside_changes(self) -> Changes | None:
        """Another user or program committed since this window last looked: bring their
        changes in (only the rows they touched, where the change log says which)."""
        if self._job is not None:
            return None
        service = self.service
        try:
            revision = service.revision()
            if revision == self.revision:
                return None
            changes = service.changed_since(self.revision)
        except RegisterError:
            return None  # busy: ask again at the next tick
        self._emit(changes, None)
        return changes

    def _use(self, service: RegisterService) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._service = self._release.service = service
        self._unsubscribe = service.subscribe(self._announced)
        self.settings = service.settings()
        self.revision = self.settings.info.revision

    def _everything(self) -> Changes:
        from riskreg.records import Changes

        self.settings = self.service.settings()
        return Changes.of_everything(self.settings.info.revision)

    # -- the one write path -------------------------------------------------------------
    def run(
        self,
        title: str,
        use_case: Callable[[RegisterService], T],
        *,
        undo: Callable[[T], QUndoCommand | None] | None = None,
        history: History = History.KEPT,
        initiator: object = None,
        refused: Callable[[str], None] | None = None,
    ) -> T | None:
        """Run a use case now. A refusal (other than invalid input, which the caller shows
        beside its fields) becomes ``sig_error`` (or goes to ``refused``, for a dialog that
        says it beside its fields) and None; on success ``undo`` may build the step that
        reverses it. ``initiator``: the view making the change."""
        tell = refused or (lambda message: self.sig_error.emit(title, message))
        if self._job is not None:
            tell(f"{self._job.title} is still running; try again when it has finished.")
            return None
        previous, self._initiator = self._initiator, initiator
        try:
            result = use_case(self.service)
        except ValidationError:
            raise
        except RegisterError as exc:
            tell(str(exc))
            return None
        finally:
            self._initiator = previous
        self._after_write(result, undo, history)
        return result

    def run_in_background(
        self,
        title: str,
        use_case: Callable[[RegisterService, Progress], T],
        *,
        done: Callable[[T], object] | None = None,
        history: History = History.KEPT,
        failure_title: str | None = None,
        refused: Callable[[str], None] | None = None,
    ) -> WriteJob | None:
        """Run a long use case on a worker thread with progress and Cancel (which rolls
        its transaction back). ``done`` is called in the GUI thread with the result; a
        refusal becomes ``sig_error`` titled ``failure_title`` (or goes to ``refused``)."""
        from ui.jobs import WriteJob

        def tell(message: str) -> None:
            if refused is not None:
                refused(message)
            else:
                self.sig_error.emit(failure_title or title, message)

        if self._job is not None:
            tell(f"{self._job.title} is still running; try again when it has finished.")
            return None
        service = self.service
        job = WriteJob(title, lambda progress: use_case(service, progress), self)
        self._job = job

        def finished(result: object) -> None:
            self._end_job()
            self._after_write(result, None, history)
            if done is not None:
                done(result)  # type: ignore[arg-type]

        def failed(message: str) -> None:
            self._end_job()
            tell(message)

        job.sig_finished.connect(finished)
        job.sig_failed.connect(failed)
        job.sig_cancelled.connect(self._end_job)
        self.sig_busy.emit(True)
        self.sig_job_started.emit(job)
        job.start()
        return job

    def _end_job(self) -> None:
        if self._job is not None:
            self._job = None
            self.sig_busy.emit(False)

    def _after_write(
        self, result: Any, undo: Callable[[Any], QUndoCommand | None] | None, history: History
    ) -> None:
        step = undo(result) if undo is not None else None
        if step is not None:
            self.undo_stack.push(step)
        elif history is History.CLEARED:
            self.undo_stack.clear()

    # -- announcements ------------------------------------------------------------------
    def _announced(self, changes: Changes) -> None:
        """The service committed (on the thread that wrote)."""
        if threading.current_thread() is self._gui_thread:
            self._emit(changes, self._initiator)
        else:
            self._sig_announced.emit(changes)  # queued to the GUI thread

    def _announced_in_gui_thread(self, changes: Changes) -> None:
        self._emit(changes, None)

    def _emit(self, changes: Changes, initiator: object) -> None:
        # (everything was just read by _everything; a creation changes the counts shown)
        reached = changes.reaches_every_risk or changes.register or bool(changes.created)
        if reached and not changes.everything:
            self.settings = self.service.settings()
        self.revision = max(self.revision, changes.revision)
        self.sig_changed.emit(changes, initiator)


class _Release:
    """Closes the open register once: when the window closes, or when it is destroyed
    without closing (a plain object, so the call needs nothing of the dying window)."""

    def __init__(self) -> None:
        self.service: RegisterService | None = None

    def close(self) -> None:
        service, self.service = self.service, None
        if service is not None:
            service.close()
