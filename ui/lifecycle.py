"""A window's register over its life: opened behind a first look, checked on opening,
switched for another (opened, created, restored from a backup), and closed.

The main window asks the user (its seams: ``show_error``, ``offer_restore``,
``ask_server_login``, ``confirm_leave``); this module does the rest, on worker threads
where it takes time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from riskreg.errors import RegisterError
from riskreg.locations import SUFFIX, is_server
from ui.loader import AfterFirstPaint, BackgroundJob

if TYPE_CHECKING:
    from riskreg.records import Actor, CategoryRecord, PartnerRecord
    from riskreg.scoring import ScoringScheme
    from riskreg.service import RegisterService
    from ui.main_window import MainWindow
    from ui.open_check import OpenCheck

OPEN_UNPAINTED_AFTER_MS = 500
"""A window that has not painted by then (started hidden) opens its register anyway."""


class RegisterLifecycle(QObject):
    """Opening, switching and checking the register a window shows."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.open_checker = BackgroundJob("open-check", self)
        self.opener = BackgroundJob("register-opener", self)
        self._opener_fn: Callable[[], RegisterService] | None = None
        self.failed_to_open = False
        """The register a first look showed could not be opened (the window then closes)."""
        self.closed = False
        self.open_checker.sig_done.connect(self._open_checked)
        self.open_checker.sig_failed.connect(self._open_check_failed)
        self.opener.sig_done.connect(self._opened)
        self.opener.sig_failed.connect(self._not_opened)

    # -- opening behind a first look ----------------------------------------------------
    def open_in_background(self, opener: Callable[[], RegisterService]) -> None:
        """Open the register the first look shows on a worker thread, once the window has
        painted; the window's ``attach`` follows."""
        self._opener_fn = opener
        AfterFirstPaint(self._window.register_view.table.viewport(), self._start_opening,
                        OPEN_UNPAINTED_AFTER_MS)  # fmt: skip

    def _start_opening(self) -> None:
        opener, self._opener_fn = self._opener_fn, None
        if opener is not None and not self.closed:
            self.opener.run(opener)

    def _opened(self, generation: int, service: RegisterService) -> None:
        if generation != self.opener.generation or self._window.document.is_open:
            service.close()  # the window was closed while it was opened
            return
        try:
            self._window.attach(service)
        except RegisterError as exc:  # a page that cannot be read, met while filling the window
            service.close()
            self.opener.last_error = exc
            self._not_opened(generation, str(exc))

    def _not_opened(self, generation: int, reason: str) -> None:
        """The register could not be opened after all (locked, changed, unreadable): offer
        its way back (a backup, a clean copy), or say why and close the window, as a
        start-up that fails before showing one does."""
        if generation != self.opener.generation:
            return
        from ui import register_safety

        error = self.opener.last_error
        if error is not None and register_safety.recover_in_window(self._window, error):
            return  # a backup put back, or a clean copy made: opened in this window instead
        self.failed_to_open = True
        self._window.show_error("Cannot open register", reason)
        self._window.close()

    # -- switching ----------------------------------------------------------------------
    def open_register(self, location: str) -> bool:
        """Show another register in this window (after asking about unsaved typing)."""
        from riskreg.service import open_service

        window = self._window
        if not window.confirm_leave():
            return False
        try:
            service = open_service(location, window.document.service.actor,
                                   backup_policy=window.preferences.backup_policy)  # fmt: skip
        except RegisterError as exc:
            if is_server(location) and _login_refused(str(exc)):
                again = window.ask_server_login(location, f"The server refused the login: {exc}")
                return again is not None and self.open_register(again)
            from ui import register_safety

            policy = window.preferences.backup_policy
            offered, instead = register_safety.recover(window, location, exc, policy)
            if instead is not None:  # the backup put back, or the clean copy made
                return self.open_register(instead)
            if not offered:
                window.show_error("Cannot open register", str(exc))
            return False
        self.switch_to(service)
        QTimer.singleShot(0, self.after_open)
        return True

    def create_register(
        self,
        path: Path,
        *,
        name: str | None = None,
        actor: Actor | None = None,
        partners: Sequence[PartnerRecord] = (),
        keeper: str | None = None,
        categories: Sequence[CategoryRecord] = (),
        scheme: ScoringScheme | None = None,
    ) -> bool:
        """A new register file, shown in this window."""
        from riskreg.service import create_register

        window = self._window
        if not window.confirm_leave():
            return False
        if path.suffix != SUFFIX:
            path = path.with_suffix(SUFFIX)
        try:
            service = create_register(
                path, actor or window.document.service.actor, name=name or path.stem,
                partners=partners, keeper=keeper, categories=categories, scheme=scheme,
            )  # fmt: skip
        except RegisterError as exc:
            window.show_error("Cannot create the register", str(exc))
            return False
        self.switch_to(service)
        return True

    def switch_to(self, service: RegisterService) -> None:
        """Show another register; work on the old one (which may be copying it) stops first."""
        window = self._window
        self.open_checker.stop()
        window.feed.stop()
        service.backup_policy = window.preferences.backup_policy
        window.document.replace_service(service)
        window.preferences.add_recent(service.location)

    def restore_backup(self) -> bool:
        """Put an earlier copy back in place of this register, after keeping it aside."""
        from riskreg import backups
        from ui.dialogs.restore import RestoreDialog

        window = self._window
        service = window.document.service
        if service.path is None:
            window.show_error("No backups here", "A register on a server is backed up by the "
                              "server.")  # fmt: skip
            return False
        if not window.confirm_leave():
            return False
        chosen = RestoreDialog.ask(backups.listing(service.path, service.backup_policy), window)
        if chosen is None:
            return False
        return self._put_back(chosen, service)

    def _put_back(self, backup: Path, service: RegisterService) -> bool:
        from riskreg import backups

        window = self._window
        location = service.path
        assert location is not None
        window.feed.stop()
        self.open_checker.stop()
        service.close()
        try:
            backups.restore(backup, location, service.backup_policy)
        except OSError as exc:
            window.show_error("The backup was not restored", str(exc))
        return self.open_register(str(location))

    # -- the check on opening -----------------------------------------------------------
    def after_open(self) -> int:
        """Check the register just opened, and take the day's copy of a sound one, on a
        worker thread; the answer arrives in ``_open_checked``. Returns the run's number."""
        from ui.open_check import check_on_open

        if self.closed:  # closed before the event loop came round to this
            return self.open_checker.generation
        service = self._window.document.service
        return self.open_checker.run(lambda: check_on_open(service))

    def _open_checked(self, generation: int, result: OpenCheck) -> None:
        """A damaged register is said to be so, and the latest good backup is offered."""
        from riskreg import backups

        if generation != self.open_checker.generation:
            return  # another register since
        window = self._window
        if result.backup_problem:
            window.statusBar().showMessage(
                f"Today's backup copy was not taken: {result.backup_problem}", 20_000
            )
        report = result.report
        if report.notes:  # a journal merged or set aside, a network share under the file
            from ui import register_safety

            window.statusBar().showMessage(report.notes[0], 60_000)
            window.opening_notes = register_safety.show_notes(window, report.notes)
        if report.ok:
            return
        service = window.document.service
        policy = service.backup_policy
        latest = backups.latest_good(service.path, policy) if service.path is not None else None
        if latest is not None and window.offer_restore(report.problems, latest):
            self._put_back(latest.path, service)
        else:
            window.statusBar().showMessage(
                f"This register fails its check: {report.problems[0]}", 60_000
            )

    def _open_check_failed(self, generation: int, reason: str) -> None:
        if generation == self.open_checker.generation:
            self._window.statusBar().showMessage(
                f"The register could not be checked: {reason.splitlines()[0]}", 60_000
            )

    def close(self) -> None:
        """The window closes: a register still being opened is closed when it arrives."""
        self.closed = True
        self.opener.cancel()
        self.open_checker.stop()


def _login_refused(message: str) -> bool:
    lowered = message.lower()
    return "password" in lowered or "authentication failed" in lowered


def offer_restore_question(window: Any, problems: Sequence[str], latest: Any) -> bool:
    """Ask whether to put the latest good backup back."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    shown = "\n".join(problems[:5])
    box = QMessageBox(
        QMessageBox.Icon.Question, "The register fails its check",
        f"{shown}\n\nThe latest good backup copy is from "
        f"{latest.taken_at:%d %b %Y %H:%M} ({latest.risks} risks). Put it back? The "
        "damaged file is kept aside.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window,
    )  # fmt: skip
    box.setTextFormat(Qt.TextFormat.PlainText)  # the problems name the file's own text
    return box.exec() == QMessageBox.StandardButton.Yes
