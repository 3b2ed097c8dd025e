"""The main window: menus and toolbar from the action table, the register view in the
middle, editor, actions and history in docks. Thin: it wires views to the document and
opens dialogs; the views own their widgets and the services own the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabWidget,
    QWidget,
)

from riskreg.errors import RegisterError
from riskreg.first_look import FirstLook
from riskreg.locations import SUFFIX, is_server
from riskreg.records import Actor, RiskRecord, RiskStatus
from ui import actions as act
from ui.document import RegisterDocument
from ui.errors import show_refusal
from ui.exchange import WORKBOOK_SUFFIXES, ExchangeCommands
from ui.loader import AfterFirstPaint, BackgroundJob
from ui.models.risk_table import TableContext
from ui.settings import Preferences

if TYPE_CHECKING:
    from riskreg.backups import Policy as BackupPolicy
    from riskreg.service import RegisterService
    from ui.open_check import OpenCheck
    from ui.printing import PrintPreview
from ui.views.actions_view import AllActionsView, RiskActionsView
from ui.views.exposure_view import ExposureView
from ui.views.heatmap_view import HeatMapView
from ui.views.history_view import HistoryView
from ui.views.register_view import RegisterView
from ui.views.risk_editor import RiskEditor

REGISTER_SUFFIX = SUFFIX
_NEEDS_REGISTER = frozenset(spec.id for spec in act.ACTIONS) - {
    act.CLOSE,
    act.QUIT,
    act.FIND,
    act.UNDO,
    act.REDO,
}
"""Commands that wait while a first look shows (closing and searching the table work, and
undo follows its own stack)."""


class OutsideChangeBar(QWidget):
    """ "Brought in another user's changes — Refresh all", in the status bar until the
    user's next refresh: says what changed under them, offers a full reload."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setStyleSheet("color: #663c00;")
        self.refresh_button = QPushButton("Refresh all")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.refresh_button)
        self.hide()

    def show_change(self, revision: int, refs: str) -> None:
        what = f": {refs}" if refs else ""
        self.label.setText(f"Brought in another user's changes{what} (revision {revision}).")
        self.show()


OPEN_UNPAINTED_AFTER_MS = 500
"""A window that has not painted by then (started hidden) opens its register anyway."""

FIRST_PAGE = 500
"""Risks shown at once when a large register is opened; the rest load in the background."""


class MainWindow(QMainWindow):
    progressive_threshold = 5_000
    """Registers with more risks than this are read in the background after a first page."""
    watch_interval_ms = 4_000
    """How often the window asks whether another user or program changed the register."""

    def __init__(
        self,
        service: RegisterService | None = None,
        preferences: Preferences | None = None,
        parent: QWidget | None = None,
        *,
        first_look: FirstLook | None = None,
    ) -> None:
        """A window on an open register (``service``), or on a ``first_look`` at one that
        is still being opened: its risks show and can be searched and sorted, the rest
        waits for ``attach``."""
        super().__init__(parent)
        if (service is None) == (first_look is None):
            raise ValueError("a window shows either an open register or a first look at one")
        self.setObjectName("main_window")
        self.preferences = preferences or Preferences()
        self.document = RegisterDocument(service, self)
        self.actions_by_id = act.create_actions(self)
        self.loader = BackgroundJob("risk-loader", self)
        self.open_checker = BackgroundJob("open-check", self)
        self.opener = BackgroundJob("register-opener", self)
        self._opener_fn: Callable[[], RegisterService] | None = None
        self.failed_to_open = False
        """The register a first look showed could not be opened (the window then closes)."""
        self._closed = False
        self._awaiting_load = False
        self._changed_while_loading: set[str] = set()
        self._install_undo_actions()

        if service is not None:
            scheme, today = service.scheme(), service.today()
        else:
            assert first_look is not None
            scheme, today = first_look.scheme, date.today()
        # the full context (trends, overdue actions) arrives with refresh()
        self.register_view = RegisterView(TableContext(scheme, today), self)
        self.editor = RiskEditor(self.document, self)
        self.risk_actions = RiskActionsView(self.document, self)
        self.history = HistoryView(self.document, self)
        self.all_actions = AllActionsView(self.document, self)
        self.heat_map = HeatMapView(self.document, self)
        self.exposure = ExposureView(self.document, self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.register_view, "Register")
        self.tabs.addTab(self.heat_map, "Heat map")
        self.tabs.addTab(self.exposure, "Exposure")
        self.setCentralWidget(self.tabs)
        self.docks = {
            "editor": self._dock("Risk", self.editor, Qt.DockWidgetArea.RightDockWidgetArea),
            "actions": self._dock(
                "Actions of the risk", self.risk_actions, Qt.DockWidgetArea.RightDockWidgetArea
            ),
            "history": self._dock("History", self.history, Qt.DockWidgetArea.BottomDockWidgetArea),
            "all_actions": self._dock(
                "All actions", self.all_actions, Qt.DockWidgetArea.BottomDockWidgetArea
            ),
        }
        self.docks["all_actions"].visibilityChanged.connect(self.all_actions.set_shown)
        self.tabifyDockWidget(self.docks["history"], self.docks["all_actions"])
        self.docks["history"].raise_()
        self._layout_restored = False
        self.recent_menu = QMenu("Open &recent", self)
        self.exchange = ExchangeCommands(self.document, self.preferences, self)
        self._build_menus()
        self._connect_window()
        self.outside_bar = OutsideChangeBar(self)
        self.outside_bar.refresh_button.clicked.connect(self._refresh_from_outside)
        self.statusBar().insertPermanentWidget(0, self.outside_bar)
        self.watch = QTimer(self)
        self.watch.setInterval(self.watch_interval_ms)
        self.watch.timeout.connect(self.check_outside_changes)
        self._restore_layout()
        if service is not None:
            self.attach(service)
        else:
            assert first_look is not None
            self._show_first_look(first_look)

    def _show_first_look(self, look: FirstLook) -> None:
        """The register as read at start-up, before it is open: the commands that need the
        open register wait (disabled) and the other tabs are not yet shown."""
        view = self.register_view
        view.set_choices(look.partners, look.categories, [s.value for s in RiskStatus],
                         look.scheme.band_names)  # fmt: skip
        shown = len(look.risks)
        view.set_risks(look.risks, view.model.context,
                       look.risk_count if shown < look.risk_count else None)  # fmt: skip
        for key in _NEEDS_REGISTER:
            self.actions_by_id[key].setEnabled(False)
        self.recent_menu.setEnabled(False)
        for tab in (self.heat_map, self.exposure):
            self.tabs.setTabEnabled(self.tabs.indexOf(tab), False)
        self.setWindowTitle(f"{look.name} — {look.location}[*]")
        self.statusBar().showMessage(
            f"Opening the register… {look.risk_count:,} risks · {look.action_count:,} actions "
            f"· revision {look.revision}"
        )

    def open_in_background(self, opener: Callable[[], RegisterService]) -> None:
        """Open the register the first look shows on a worker thread, once the window has
        painted; ``attach`` follows."""
        self._opener_fn = opener
        AfterFirstPaint(self.register_view.table.viewport(), self._start_opening,
                        OPEN_UNPAINTED_AFTER_MS)  # fmt: skip

    def _start_opening(self) -> None:
        opener, self._opener_fn = self._opener_fn, None
        if opener is not None and not self._closed:
            self.opener.run(opener)

    def _opened(self, generation: int, service: RegisterService) -> None:
        if generation != self.opener.generation or self.document.is_open:
            service.close()  # the window was closed while it was opened
            return
        self.attach(service)

    def _not_opened(self, generation: int, reason: str) -> None:
        """The register could not be opened after all (locked, changed, unreadable): say
        why and close the window, as a start-up that fails before showing one does."""
        if generation != self.opener.generation:
            return
        self.failed_to_open = True
        self.show_error("Cannot open register", reason)
        self.close()

    def attach(self, service: RegisterService) -> None:
        """The register is open: every command works from now on, and the window shows the
        whole register (flags, trends, other tabs) as it is now."""
        service.backup_policy = self.preferences.backup_policy
        if not self.document.is_open:
            self.document.attach(service)
            for key in _NEEDS_REGISTER:
                self.actions_by_id[key].setEnabled(True)
            self.recent_menu.setEnabled(True)
            for tab in (self.heat_map, self.exposure):
                self.tabs.setTabEnabled(self.tabs.indexOf(tab), True)
        self._connect_register()
        self.setAcceptDrops(True)
        self.refresh()
        selected = self.register_view.selected_uuid()
        if selected:  # chosen while the register was being opened
            self._risk_selected(selected)
        self.heat_map.set_filter(self.register_view.current_filter)
        QTimer.singleShot(0, self.after_open)  # after the first paint
        self.watch.start()

    # -- building -----------------------------------------------------------------------
    def _install_undo_actions(self) -> None:
        stack = self.document.undo_stack
        for key, made in ((act.UNDO, stack.createUndoAction(self, "&Undo")),
                          (act.REDO, stack.createRedoAction(self, "&Redo"))):  # fmt: skip
            template = self.actions_by_id[key]
            made.setObjectName(key)
            made.setShortcuts(template.shortcuts())
            made.setIcon(template.icon())
            made.setStatusTip(template.statusTip())
            self.actions_by_id[key] = made

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower().replace(' ', '_')}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        a = self.actions_by_id
        menus: tuple[tuple[str, list[str | QMenu | None]], ...] = (
            ("&File", [act.NEW, act.OPEN, self.recent_menu, None, act.SAVE_COPY, act.PRINT,
                       act.MEETING_PACK, None, act.EXPORT, act.IMPORT, act.IMPORT_FOREIGN,
                       None, act.RESTORE,
                       None, act.RELOAD, act.CLOSE, act.QUIT]),
            ("&Edit", [act.UNDO, act.REDO, None, act.FIND, None, act.PREFERENCES]),
            ("&Risk", [act.NEW_RISK, act.SAVE_RISK, act.ADD_ACTION]),
            ("Re&gister", [act.PARTNERS, act.CATEGORIES, act.SCHEME]),
            ("Re&view", [act.RECORD_REVIEW, act.REVIEWS]),
        )  # fmt: skip
        for title, entries in menus:
            menu = self.menuBar().addMenu(title)
            for entry in entries:
                if entry is None:
                    menu.addSeparator()
                elif isinstance(entry, str):
                    menu.addAction(a[entry])
                else:
                    menu.addMenu(entry)
        view_menu = self.menuBar().addMenu("&View")
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        for key in (act.OPEN, act.NEW_RISK, act.SAVE_RISK, act.UNDO, act.REDO, act.RELOAD):
            toolbar.addAction(a[key])
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

    def _connect_window(self) -> None:
        """What works before the register is open: closing, and the table's own search."""
        a = self.actions_by_id
        a[act.CLOSE].triggered.connect(self.close)
        a[act.QUIT].triggered.connect(self.close)
        a[act.FIND].triggered.connect(self.register_view.search.setFocus)
        self.register_view.sig_risk_activated.connect(self._raise_editor)
        self.loader.sig_done.connect(self._risks_loaded)
        self.loader.sig_failed.connect(self._risks_not_loaded)
        self.open_checker.sig_done.connect(self._open_checked)
        self.open_checker.sig_failed.connect(self._open_check_failed)
        self.opener.sig_done.connect(self._opened)
        self.opener.sig_failed.connect(self._not_opened)

    def _connect_register(self) -> None:
        a = self.actions_by_id
        doc = self.document
        a[act.NEW].triggered.connect(self.new_register)
        a[act.OPEN].triggered.connect(self._choose_and_open)
        a[act.SAVE_COPY].triggered.connect(self.save_copy)
        a[act.PRINT].triggered.connect(self.print_register)
        a[act.MEETING_PACK].triggered.connect(self._choose_meeting_pack)
        a[act.EXPORT].triggered.connect(self.exchange.export)
        a[act.IMPORT].triggered.connect(self.exchange.choose_import)
        a[act.IMPORT_FOREIGN].triggered.connect(self.exchange.import_foreign)
        a[act.RESTORE].triggered.connect(self.restore_backup)
        a[act.RELOAD].triggered.connect(doc.changed)
        a[act.NEW_RISK].triggered.connect(self.new_risk)
        a[act.SAVE_RISK].triggered.connect(self.editor.save)
        a[act.ADD_ACTION].triggered.connect(self.risk_actions.add_action)
        a[act.PARTNERS].triggered.connect(self.edit_partners)
        a[act.CATEGORIES].triggered.connect(self.edit_categories)
        a[act.SCHEME].triggered.connect(self.edit_scheme)
        a[act.PREFERENCES].triggered.connect(self.edit_preferences)
        a[act.RECORD_REVIEW].triggered.connect(self.record_review)
        a[act.REVIEWS].triggered.connect(self.show_reviews)
        doc.sig_changed.connect(self.refresh)
        doc.sig_error.connect(self.show_error)
        doc.undo_stack.cleanChanged.connect(self._clean_changed)
        view = self.register_view
        view.sig_risk_selected.connect(self._risk_selected)
        view.sig_filter_changed.connect(self.heat_map.set_filter)
        self.heat_map.canvas.sig_cell_clicked.connect(self._cell_clicked)
        self.tabs.currentChanged.connect(self._tab_changed)

    # -- what the window shows ----------------------------------------------------------
    def _context(self) -> TableContext:
        service = self.document.service
        today = service.today()
        partnership, partners = service.appetites()
        travel = service.direction_of_travel()  # issue 17: the one rule for every trend
        return TableContext(
            scheme=service.scheme(),
            today=today,
            overdue=frozenset(service.risks_with_overdue_actions(today)),
            trends=travel.directions,
            partnership_appetite=partnership,
            partner_appetite=partners,
            travel=travel,
        )

    def refresh(self, changed: frozenset[str] | None = None) -> None:
        """Show the register as it is now: only the changed risks' rows are read again when
        the change says which (an edit of a 100,000-risk register stays quick)."""
        service = self.document.service
        info = service.register_info()
        if changed is None:
            self.register_view.set_choices(
                service.list_partners(),
                service.list_categories(),
                [s.value for s in RiskStatus],
                info.scheme.band_names,
            )
            if info.risk_count > self.progressive_threshold:
                self._changed_while_loading = set()
                self.register_view.set_risks(
                    service.list_risks(first=FIRST_PAGE), self._context(), info.risk_count
                )
                self.loader.run(service.list_risks)
                self._awaiting_load = True
            else:
                self.loader.cancel()
                self._awaiting_load = False
                self.register_view.set_risks(service.list_risks(), self._context())
            self.editor.refresh_choices()
        else:
            if self._awaiting_load:  # the list being read may predate this change
                self._changed_while_loading |= changed
            found = service.risks_among(sorted(changed))  # one read, however many changed
            if len(found) != len(changed):  # one is gone: show the register as it is
                self.refresh(None)
                return
            changed_records = [found[uuid] for uuid in sorted(changed)]
            self.register_view.update_risks(changed_records, self._context())
        self.editor.reload_if_clean()
        self.risk_actions.refresh()
        self.history.refresh()
        self.all_actions.refresh_if_shown()
        if self.tabs.currentWidget() is self.heat_map:
            self.heat_map.refresh()
        if self.tabs.currentWidget() is self.exposure:
            self.exposure.refresh()
        self._seen_revision = info.revision
        if hasattr(self, "outside_bar"):
            self.outside_bar.hide()
        self.setWindowTitle(f"{info.name} — {info.location}[*]")
        self.setWindowModified(not self.document.undo_stack.isClean())
        actor = service.actor
        acting = f"{actor.user} ({actor.partner_code})" if actor.partner_code else actor.user
        if service.login:  # on a server: the login the server knows the user by
            acting += f", login {service.login}"
        self.statusBar().showMessage(
            f"{info.risk_count:,} risks · {info.action_count:,} actions · "
            f"revision {info.revision} · acting as {acting}"
        )

    def _risks_loaded(self, generation: int, risks: list[RiskRecord]) -> None:
        """The background read of a large register arrived: show all of it."""
        if generation != self.loader.generation:
            return  # another register or a reload since
        self._awaiting_load = False
        self.register_view.set_risks(risks, self._context())
        service = self.document.service
        changed = sorted(self._changed_while_loading)
        self._changed_while_loading = set()
        if changed:  # edits made while it was read may be older in the list
            self.register_view.update_risks(
                list(service.risks_among(changed).values()), self._context()
            )

    def _cell_clicked(self, likelihood: int, impact: int) -> None:
        """A heat-map cell was clicked: list its risks in the register table."""
        audience = self.heat_map.chosen_audience()  # issue 17: the risks the map showed
        self.register_view.set_cell_filter((likelihood, impact), audience)
        self.tabs.setCurrentWidget(self.register_view)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.heat_map:
            self.heat_map.refresh()
        elif self.tabs.widget(index) is self.exposure:
            self.exposure.refresh()

    # Bound methods, not lambdas: Qt drops a connection to a method when its window goes,
    # while a lambda would still be called during teardown.
    def _clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def _raise_editor(self, _uuid: str) -> None:
        self.docks["editor"].raise_()

    def _risks_not_loaded(self, generation: int, reason: str) -> None:
        if generation == self.loader.generation:
            self._awaiting_load = False
            self.show_error("The register could not be read completely", reason)

    def _risk_selected(self, uuid: str) -> None:
        self.editor.show_risk(uuid)
        self.risk_actions.show_risk(uuid)
        self.history.show_risk(uuid)

    def show_error(self, title: str, message: str) -> None:
        """Tell the user why something was refused (tests replace this seam)."""
        show_refusal(self, title, message)

    # -- commands -----------------------------------------------------------------------
    # Dialogs are imported when first used: start-up pays only for the main window.
    def edit_partners(self) -> None:
        from ui.dialogs.partners import PartnersDialog

        PartnersDialog.ask(self.document, self)

    def edit_categories(self) -> None:
        from ui.dialogs.categories import CategoriesDialog

        CategoriesDialog.ask(self.document, self)

    def edit_scheme(self) -> None:
        from ui.dialogs.scheme import SchemeDialog

        SchemeDialog.ask(self.document, self)

    def record_review(self) -> None:
        from ui.dialogs.reviews import RecordReviewDialog

        service = self.document.service
        record = RecordReviewDialog.ask(
            service.list_partners(), service.list_risks(), service.today(), self
        )
        if record is None:
            return
        title, held_on, attendees, decisions = record
        review = self.document.attempt(
            "The review was not recorded",
            lambda: service.record_joint_review(title, held_on, attendees, decisions),
        )
        if review is not None:
            self.document.changed()
            self.statusBar().showMessage(
                f"Joint review recorded; fingerprint {review.fingerprint[:16]}…", 10_000
            )

    def show_reviews(self) -> None:
        from ui.dialogs.reviews import ReviewsDialog

        ReviewsDialog.ask(self.document, self)

    def new_risk(self) -> None:
        from ui.dialogs.new_risk import NewRiskDialog

        created = NewRiskDialog.ask(self.document, self)
        if created is not None:
            self.register_view.select_uuid(created.uuid)

    def edit_preferences(self) -> None:
        from ui.dialogs.preferences import PreferencesDialog

        service = self.document.service
        choice = PreferencesDialog.ask(service.actor, service.list_partners(), self,
                                       backups=self.preferences.backup_policy)  # fmt: skip
        if choice is not None:
            self.set_backup_policy(choice.backups)
            self.set_actor(choice.actor)

    def set_backup_policy(self, policy: BackupPolicy) -> None:
        """Backup copies go where the user chose, for this register and the next."""
        self.preferences.backup_policy = policy
        self.document.service.backup_policy = policy

    def set_actor(self, actor: Actor) -> None:
        self.preferences.user_name = actor.user
        self.preferences.partner_code = actor.partner_code
        self.document.replace_actor(actor)

    def open_register(self, location: str) -> bool:
        from riskreg.service import open_service

        try:
            service = open_service(location, self.document.service.actor,
                                   backup_policy=self.preferences.backup_policy)  # fmt: skip
        except RegisterError as exc:
            if is_server(location) and _login_refused(str(exc)):
                again = self.ask_server_login(location, f"The server refused the login: {exc}")
                return again is not None and self.open_register(again)
            self.show_error("Cannot open register", str(exc))
            return False
        self._switch_to(service)
        QTimer.singleShot(0, self.after_open)
        return True

    def check_outside_changes(self) -> bool:
        """Another user or program changed the register: bring their changes in (only the
        rows they touched, where the change log says which), say so, and keep the risk being
        edited and whatever is typed in the editor."""
        service = self.document.service
        try:
            revision = service.revision()
            if revision == self._seen_revision:
                return False
            changed = service.changed_since(self._seen_revision)
        except RegisterError:
            return False  # busy: ask again at the next tick
        self.refresh(None if changed.reaches_every_risk else changed.touched_risks)
        self._seen_revision = revision
        refs = sorted(changed.refs)
        shown = ", ".join(refs[:6]) + (f" and {len(refs) - 6} more" if len(refs) > 6 else "")
        self.outside_bar.show_change(revision, "" if changed.reaches_every_risk else shown)
        return True

    def _refresh_from_outside(self) -> None:
        self.outside_bar.hide()
        self.refresh()

    def after_open(self) -> int:
        """Check the register just opened, and take the day's copy of a sound one, on a
        worker thread; the answer arrives in ``_open_checked``. Returns the run's number."""
        from ui.open_check import check_on_open

        if self._closed:  # closed before the event loop came round to this
            return self.open_checker.generation
        service = self.document.service
        return self.open_checker.run(lambda: check_on_open(service))

    def _open_checked(self, generation: int, result: OpenCheck) -> None:
        """A damaged register is said to be so, and the latest good backup is offered."""
        from riskreg import backups

        if generation != self.open_checker.generation:
            return  # another register since
        if result.backup_problem:
            self.statusBar().showMessage(
                f"Today's backup copy was not taken: {result.backup_problem}", 20_000
            )
        report = result.report
        if report.ok:
            return
        service = self.document.service
        policy = service.backup_policy
        latest = backups.latest_good(service.path, policy) if service.path is not None else None
        if latest is not None and self.offer_restore(report.problems, latest):
            location = service.path
            assert location is not None
            self.loader.stop()
            service.close()
            backups.restore(latest.path, location, policy)
            self.open_register(str(location))
        else:
            self.statusBar().showMessage(
                f"This register fails its check: {report.problems[0]}", 60_000
            )

    def _open_check_failed(self, generation: int, reason: str) -> None:
        if generation == self.open_checker.generation:
            self.statusBar().showMessage(
                f"The register could not be checked: {reason.splitlines()[0]}", 60_000
            )

    def offer_restore(self, problems: Sequence[str], latest: Any) -> bool:
        """Ask whether to put the latest good backup back (tests replace this seam)."""
        from PySide6.QtWidgets import QMessageBox

        shown = "\n".join(problems[:5])
        answer = QMessageBox.question(
            self, "The register fails its check",
            f"{shown}\n\nThe latest good backup copy is from "
            f"{latest.taken_at:%d %b %Y %H:%M} ({latest.risks} risks). Put it back? The "
            "damaged file is kept aside.",
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def restore_backup(self) -> bool:
        """Put an earlier copy back in place of this register, after keeping it aside."""
        from riskreg import backups
        from ui.dialogs.restore import RestoreDialog

        service = self.document.service
        if service.path is None:
            self.show_error("No backups here", "A register on a server is backed up by the server.")
            return False
        chosen = RestoreDialog.ask(backups.listing(service.path, service.backup_policy), self)
        if chosen is None:
            return False
        location = service.path
        self.loader.stop()
        self.open_checker.stop()
        service.close()
        try:
            backups.restore(chosen, location, service.backup_policy)
        except OSError as exc:
            self.show_error("The backup was not restored", str(exc))
        return self.open_register(str(location))

    def new_register(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New register",
            self.preferences.last_folder,
            f"Risk registers (*{REGISTER_SUFFIX})",
        )
        if not path:
            return False
        return self.create_register(Path(path))

    def create_register(self, path: Path) -> bool:
        from riskreg.service import create_register

        if path.suffix != REGISTER_SUFFIX:
            path = path.with_suffix(REGISTER_SUFFIX)
        actor = self.document.service.actor
        try:
            service = create_register(path, actor, name=path.stem)
        except RegisterError as exc:
            self.show_error("Cannot create the register", str(exc))
            return False
        self._switch_to(service)
        return True

    def _switch_to(self, service: RegisterService) -> None:
        """Show another register; work on the old one (which may be copying it) stops first."""
        self.open_checker.stop()
        self.loader.stop()
        self.document.replace_service(service)
        self.preferences.add_recent(service.location)

    def save_copy(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save a copy",
            self.preferences.last_folder,
            f"Risk registers (*{REGISTER_SUFFIX})",
        )
        if path:
            try:
                self.document.service.backup_to(Path(path))
            except (RegisterError, OSError) as exc:
                self.show_error("The copy was not saved", str(exc))

    def print_register(self) -> PrintPreview:
        """A print preview of the rows the filters show."""
        from ui.printing import preview_html, register_html

        info = self.document.service.register_info()
        rows = [self.register_view.model.row(r) for r in range(self.register_view.model.rowCount())]
        caption = self.register_view.count_label.text()
        return preview_html(self, info.name, register_html(info.name, caption, rows, info.scheme))

    def write_meeting_pack(self, path: Path, since: date | None = None) -> int:
        """The (joint) meeting pack as one PDF; returns its number of pages."""
        from ui.dialogs.meeting_pack import PackChoice, write_pack  # issue 17

        return write_pack(self, self.document.service, PackChoice(path, since=since), show=False)

    def _choose_meeting_pack(self) -> None:
        from ui.dialogs.meeting_pack import make_meeting_pack  # issue 17: audience, progress

        service = self.document.service
        make_meeting_pack(self, service, self.preferences.last_folder, self.show_error)

    def _choose_and_open(self) -> None:
        from ui.dialogs.open_register import OpenRegisterDialog

        location = OpenRegisterDialog.ask(self.preferences.last_folder, self)
        if location is None:
            return
        if not is_server(location):
            self.preferences.last_folder = str(Path(location).parent)
        self.open_register(location)

    def ask_server_login(self, location: str, problem: str) -> str | None:
        """A server refused the login (no or a wrong password): ask again, the server tab
        filled in (tests replace this seam)."""
        from ui.dialogs.open_register import OpenRegisterDialog

        return OpenRegisterDialog.ask(self.preferences.last_folder, self, server=location,
                                      problem=problem)  # fmt: skip

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for location in self.preferences.recent_registers:
            action = QAction(location, self.recent_menu)
            action.triggered.connect(lambda _=False, where=location: self.open_register(where))
            self.recent_menu.addAction(action)
        self.recent_menu.setEnabled(bool(self.preferences.recent_registers))

    # -- drag and drop ------------------------------------------------------------------
    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> str | None:
        """A dropped register file, or a returned workbook (which goes to the import)."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        for url in urls:
            name = url.toLocalFile().lower()
            if url.isLocalFile() and name.endswith((REGISTER_SUFFIX, *WORKBOOK_SUFFIXES)):
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        location = self._dropped_file(event)
        if not location:
            return
        event.acceptProposedAction()
        if location.lower().endswith(WORKBOOK_SUFFIXES):
            self.exchange.import_from(Path(location))
        else:
            self.open_register(location)

    # -- layout -------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        prefs = self.preferences
        if prefs.geometry is not None:
            self.restoreGeometry(prefs.geometry)
        else:
            self.resize(1366, 768)
        if prefs.window_state is not None:
            self._layout_restored = self.restoreState(prefs.window_state)
        self.register_view.restore_header_state(prefs.table_header)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._layout_restored:  # first start: give the editor room
            self._layout_restored = True
            docks = self.docks
            self.resizeDocks([docks["editor"]], [470], Qt.Orientation.Horizontal)
            self.resizeDocks(
                [docks["editor"], docks["actions"]], [640, 200], Qt.Orientation.Vertical
            )
            self.resizeDocks([docks["history"]], [190], Qt.Orientation.Vertical)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.editor.is_dirty and not self.editor.save():
            self.docks["editor"].raise_()  # typing that cannot be saved keeps the window open
            event.ignore()
            return
        self.preferences.geometry = self.saveGeometry()
        self.preferences.window_state = self.saveState()
        self.preferences.table_header = self.register_view.header_state()
        self._closed = True
        self.watch.stop()
        self.opener.cancel()  # a register still being opened is closed when it arrives
        self.loader.stop()
        self.open_checker.stop()
        self.document.close()
        super().closeEvent(event)


def _login_refused(message: str) -> bool:
    lowered = message.lower()
    return "password" in lowered or "authentication failed" in lowered
