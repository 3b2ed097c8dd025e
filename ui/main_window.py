"""The main window: menus and toolbar from the action table, the tabs, the status bar.

Thin: the document is the one write path and announces changes, each view re-reads what it
shows, the feed keeps the register table current, the lifecycle opens and switches
registers; the window wires them and asks the user (its seams: ``show_error``,
``confirm_leave``, ``offer_restore``, ``ask_server_login``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QTabWidget, QWidget

from riskreg.first_look import FirstLook
from riskreg.locations import SUFFIX, is_server
from riskreg.records import Actor, PartnerRecord, RiskStatus
from ui import actions as act
from ui.document import RegisterDocument
from ui.errors import show_refusal
from ui.exchange import ExchangeCommands
from ui.file_drop import dropped_file, is_workbook
from ui.geometry import fit_to_screen, fits
from ui.lifecycle import RegisterLifecycle, offer_restore_question
from ui.models.risk_table import TableContext
from ui.register_feed import FIRST_PAGE, RegisterFeed
from ui.settings import Preferences
from ui.status import OutsideChangeBar, status_text
from ui.views.actions_view import AllActionsView, RiskActionsView
from ui.views.exposure_view import ExposureView
from ui.views.heatmap_view import HeatMapView
from ui.views.history_view import HistoryView
from ui.views.register_page import RegisterPage
from ui.views.register_view import RegisterView
from ui.views.risk_editor import RiskEditor
from ui.wheel_guard import install_wheel_guard
from ui.window_commands import WindowCommands

if TYPE_CHECKING:
    from riskreg.records import Changes
    from riskreg.service import RegisterService
    from ui.printing import PrintPreview

REGISTER_SUFFIX = SUFFIX
__all__ = ["FIRST_PAGE", "REGISTER_SUFFIX", "MainWindow"]
_NEEDS_REGISTER = frozenset(spec.id for spec in act.ACTIONS) - {
    act.CLOSE, act.QUIT, act.FIND, act.UNDO, act.REDO, act.ABOUT, act.USER_GUIDE,
    act.SHOW_REGISTER,
}  # fmt: skip
"""Commands that wait while a first look shows (closing, searching the table and the Help
menu work, and undo follows its own stack)."""
_READS_ONLY = frozenset({act.FIND, act.PRINT, act.CLOSE, act.ABOUT, act.USER_GUIDE,
                        act.SHOW_REGISTER, act.SHOW_HEAT_MAP, act.SHOW_EXPOSURE,
                        act.SHOW_ALL_ACTIONS})  # fmt: skip
"""Commands that stay available while a background write runs."""


class MainWindow(QMainWindow):
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
        install_wheel_guard()  # application-wide, once
        self.preferences = preferences or Preferences()
        self.document = RegisterDocument(None, self)
        self.actions_by_id = act.create_actions(self)
        self._install_undo_actions()
        self.lifecycle = RegisterLifecycle(self)
        self._closing = False
        self.first_look_location = ""
        """The file a first look showed (what a way back offers to put right)."""
        self.opening_notes: object = None
        """What the user was told about the register just opened (a journal, a share)."""

        scheme = service.scheme() if service is not None else first_look.scheme  # type: ignore[union-attr]
        self.register_view = RegisterView(TableContext(scheme, date.today()), self)
        self.feed = RegisterFeed(self.document, self.register_view, self)
        self.editor = RiskEditor(self.document, self)
        self.risk_actions = RiskActionsView(self.document, self)
        self.history = HistoryView(self.document, self)
        self.all_actions = AllActionsView(self.document, self)
        self.heat_map = HeatMapView(self.document, self)
        self.exposure = ExposureView(self.document, self)
        self.register_page = RegisterPage(self.register_view, self.editor, self.risk_actions,
                                          self.history)  # fmt: skip
        self.tabs = QTabWidget()
        self.tabs.addTab(self.register_page, "Register")
        self.tabs.addTab(self.heat_map, "Heat map")
        self.tabs.addTab(self.exposure, "Exposure")
        self.tabs.addTab(self.all_actions, "All actions")
        self.setCentralWidget(self.tabs)
        self.setMinimumWidth(980)
        self.recent_menu = QMenu("Open &recent", self)
        self.exchange = ExchangeCommands(self.document, self.preferences, self)
        self.commands = WindowCommands(self)
        self._build_menus()
        self.outside_bar = OutsideChangeBar(self)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.outside_bar)
        self.watch = QTimer(self)
        self.watch.setInterval(self.watch_interval_ms)
        self._connect_window()
        self._restore_layout()
        if service is not None:
            self.attach(service)
        else:
            assert first_look is not None
            self._show_first_look(first_look)

    # -- the register -------------------------------------------------------------------
    def _show_first_look(self, look: FirstLook) -> None:
        """The register as read at start-up, before it is open: the commands that need the
        open register wait (disabled) and the other tabs are not yet shown."""
        view = self.register_view
        view.set_choices(look.partners, look.categories, [s.value for s in RiskStatus],
                         look.scheme.band_names)  # fmt: skip
        shown = len(look.risks)
        view.set_risks(look.risks, view.model.context,
                       look.risk_count if shown < look.risk_count else None)  # fmt: skip
        self._enable_register_commands(False)
        self.first_look_location = look.location
        self.setWindowTitle(f"{look.name} — {look.location}[*]")
        self.status_label.setText(
            f"Opening the register… {look.risk_count:,} risks · {look.action_count:,} actions "
            f"· revision {look.revision}"
        )

    def open_in_background(self, opener: Callable[[], RegisterService]) -> None:
        """Open the register the first look shows on a worker thread, once the window has
        painted; ``attach`` follows."""
        self.lifecycle.open_in_background(opener)

    def attach(self, service: RegisterService) -> None:
        """The register is open: every command works from now on, and the window shows the
        whole register (flags, trends, other tabs) as it is now."""
        service.backup_policy = self.preferences.backup_policy
        first = not self.document.is_open
        if first:
            self.document.attach(service)
            self._enable_register_commands(True)
            self._connect_register()
            self.document.sig_opened.connect(self._another_register)
        self.feed.load()
        self.editor.refresh_choices()
        selected = self.register_view.selected_uuid()
        if selected:  # chosen while the register was being opened
            self._risk_selected(selected)
        self.heat_map.set_filter(self.register_view.current_filter)
        self._show_register_state()
        QTimer.singleShot(0, self.lifecycle.after_open)  # after the first paint
        QTimer.singleShot(0, self.ensure_acting_as_member)
        self.watch.start()

    @property
    def failed_to_open(self) -> bool:
        """The register a first look showed could not be opened (the window then closes)."""
        return self.lifecycle.failed_to_open

    @failed_to_open.setter
    def failed_to_open(self, failed: bool) -> None:
        self.lifecycle.failed_to_open = failed

    @property
    def opener(self) -> Any:
        return self.lifecycle.opener

    @property
    def open_checker(self) -> Any:
        return self.lifecycle.open_checker

    @property
    def loader(self) -> Any:
        return self.feed.loader

    def open_register(self, location: str) -> bool:
        return self.lifecycle.open_register(location)

    def create_register(self, path: Path, **details: Any) -> bool:
        return self.lifecycle.create_register(path, **details)

    def restore_backup(self) -> bool:
        return self.lifecycle.restore_backup()

    def after_open(self) -> int:
        return self.lifecycle.after_open()

    def refresh(self) -> None:
        """Read everything again (File ▸ Reload)."""
        self.document.reload()

    def check_outside_changes(self) -> bool:
        """Another user or program changed the register: bring their changes in, say so,
        and keep the risk being edited and whatever is typed in the editor."""
        return self.document.check_outside_changes() is not None

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
            made.setToolTip(template.toolTip())
            self.actions_by_id[key] = made

    def _build_menus(self) -> None:
        a = self.actions_by_id
        menus: tuple[tuple[str, list[str | QMenu | None]], ...] = (
            ("&File", [act.NEW, act.OPEN, self.recent_menu, None, act.SAVE_COPY, act.PRINT,
                       act.MEETING_PACK, None, act.EXPORT, act.IMPORT, act.IMPORT_FOREIGN,
                       None, act.RESTORE, None, act.RELOAD, act.CLOSE, act.QUIT]),
            ("&Edit", [act.UNDO, act.REDO, None, act.FIND, None, act.PREFERENCES]),
            ("&Risk", [act.NEW_RISK, act.SAVE_RISK, act.ADD_ACTION, act.ACCEPT_RISK]),
            ("Re&gister", [act.SETTINGS, None, act.PARTNERS, act.CATEGORIES, act.SCHEME]),
            ("Re&view", [act.RECORD_REVIEW, act.REVIEWS]),
            ("&View", [act.SHOW_REGISTER, act.SHOW_HEAT_MAP, act.SHOW_EXPOSURE,
                       act.SHOW_ALL_ACTIONS]),
            ("&Help", [act.WELCOME, act.USER_GUIDE, act.ABOUT]),
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
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        for key in (act.OPEN, act.NEW_RISK, act.SAVE_RISK, act.UNDO, act.REDO, act.PRINT,
                    act.RELOAD):  # fmt: skip
            toolbar.addAction(a[key])
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

    def _connect_window(self) -> None:
        """What works before the register is open: closing, the table's own search, help."""
        a = self.actions_by_id
        a[act.CLOSE].triggered.connect(self.close)
        a[act.QUIT].triggered.connect(self.close)
        a[act.FIND].triggered.connect(self.register_view.search.setFocus)
        a[act.ABOUT].triggered.connect(self.commands.about)
        a[act.USER_GUIDE].triggered.connect(self.commands.user_guide)
        for key, page in (
            (act.SHOW_REGISTER, self.register_page),
            (act.SHOW_HEAT_MAP, self.heat_map),
            (act.SHOW_EXPOSURE, self.exposure),
            (act.SHOW_ALL_ACTIONS, self.all_actions),
        ):
            # a partial of the tab widget, not a lambda holding the window: a connection
            # that held the window would keep it alive after it goes
            a[key].triggered.connect(functools.partial(self.tabs.setCurrentWidget, page))
        self.register_view.sig_risk_activated.connect(self._raise_editor)
        self.outside_bar.refresh_button.clicked.connect(self._refresh_from_outside)
        self.watch.timeout.connect(self.check_outside_changes)
        self.editor.sig_dirty_changed.connect(self.setWindowModified)
        self.editor.sig_acceptable.connect(self._acceptable)

    def _connect_register(self) -> None:
        a = self.actions_by_id
        c = self.commands
        for key, slot in (
            (act.NEW, c.new_register), (act.OPEN, c.choose_and_open),
            (act.SAVE_COPY, c.save_copy), (act.PRINT, self.print_current),
            (act.MEETING_PACK, c.choose_meeting_pack), (act.EXPORT, self.exchange.export),
            (act.IMPORT, self.exchange.choose_import),
            (act.IMPORT_FOREIGN, self.exchange.import_foreign_chosen),
            (act.RESTORE, self.restore_backup), (act.RELOAD, self.refresh),
            (act.NEW_RISK, c.new_risk), (act.SAVE_RISK, self.editor.save),
            (act.ADD_ACTION, self.risk_actions.add_action), (act.PARTNERS, c.edit_partners),
            (act.ACCEPT_RISK, self.editor.accept_outside_appetite),
            (act.CATEGORIES, c.edit_categories), (act.SCHEME, c.edit_scheme),
            (act.SETTINGS, c.edit_settings), (act.WELCOME, c.welcome),
            (act.PREFERENCES, c.edit_preferences), (act.RECORD_REVIEW, c.record_review),
            (act.REVIEWS, c.show_reviews),
        ):  # fmt: skip
            a[key].triggered.connect(slot)
        doc = self.document
        doc.sig_changed.connect(self._register_changed)
        doc.sig_error.connect(self.show_error)
        doc.sig_busy.connect(self._busy)
        doc.sig_job_started.connect(self._show_job)
        view = self.register_view
        view.sig_risk_selected.connect(self._risk_selected)
        view.sig_selected_hidden.connect(self._selected_hidden)
        view.sig_filter_changed.connect(self.heat_map.set_filter)
        self.heat_map.canvas.sig_cell_clicked.connect(self._cell_clicked)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setAcceptDrops(True)

    def _enable_register_commands(self, enabled: bool) -> None:
        for key in _NEEDS_REGISTER:
            self.actions_by_id[key].setEnabled(enabled)
        self.recent_menu.setEnabled(enabled)
        for tab in (self.heat_map, self.exposure, self.all_actions):
            self.tabs.setTabEnabled(self.tabs.indexOf(tab), enabled)

    # -- what the window shows ----------------------------------------------------------
    def _register_changed(self, changes: Changes, _initiator: object) -> None:
        self._show_register_state()
        if changes.outside:
            refs = sorted(changes.refs, key=_ref_order)
            shown = ", ".join(refs[:6]) + (f" and {len(refs) - 6} more" if len(refs) > 6 else "")
            self.outside_bar.show_change(changes.revision,
                                         "" if changes.reaches_every_risk else shown)  # fmt: skip
        else:
            self.outside_bar.hide()

    def _show_register_state(self) -> None:
        """The title and the status bar: the register's name, where it is, its size, who
        the user acts as. Read from what the document holds: no query."""
        document = self.document
        settings = document.settings
        assert settings is not None
        info = settings.info
        self.setWindowTitle(f"{info.name} — {info.location}[*]")
        self.setWindowModified(self.editor.is_dirty)
        service = document.service
        self.status_label.setText(status_text(info, document.revision, service.actor,
                                              service.login))  # fmt: skip

    def _cell_clicked(self, likelihood: int, impact: int) -> None:
        """A heat-map cell was clicked: list its risks in the register."""
        audience = self.heat_map.chosen_audience()  # issue 17: the risks the map showed
        self.register_view.set_cell_filter((likelihood, impact), audience,
                                           self.heat_map.chosen_kind())  # fmt: skip
        self.tabs.setCurrentWidget(self.register_page)

    def _tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is not self.register_page and not self.confirm_leave():
            self.tabs.blockSignals(True)  # the user keeps editing the risk
            self.tabs.setCurrentWidget(self.register_page)
            self.tabs.blockSignals(False)
            return
        if widget is self.heat_map:
            self.heat_map.set_shown(True)
        elif widget is self.exposure:
            self.exposure.set_shown(True)
        elif widget is self.all_actions:
            self.all_actions.set_shown(True)
        for view in (self.heat_map, self.exposure, self.all_actions):
            if view is not widget:
                view.set_shown(False)

    def _another_register(self) -> None:
        QTimer.singleShot(0, self.ensure_acting_as_member)

    # Bound methods, not lambdas: Qt drops a connection to a method when its window goes,
    # while a lambda would still be called during teardown.
    def _raise_editor(self, _uuid: str) -> None:
        self.editor.form.title.setFocus()

    def _refresh_from_outside(self) -> None:
        self.outside_bar.hide()
        self.refresh()

    def _risk_selected(self, uuid: str) -> None:
        """The table's selection moved: the editor lets go of the risk it holds (asking
        about unsaved typing first; if the user cancels, the selection goes back)."""
        editor = self.editor
        held = editor.record.uuid if editor.record is not None else ""
        if uuid != held and not editor.leave(uuid):
            self.register_view.restore_selection(held)
            return
        self.risk_actions.show_risk(uuid)
        self.history.show_risk(uuid)

    def _selected_hidden(self, uuid: str) -> None:
        """A filter hid the risk being edited: its unsaved typing stays in the editor
        (said there; the question comes when the user moves to another risk, so no
        keystroke typed into the search box is lost to a dialog); with nothing unsaved
        the editor lets it go."""
        editor = self.editor
        if editor.is_dirty and editor.record is not None and editor.record.uuid == uuid:
            editor.say_hidden()
            return
        editor.show_risk("")
        self.register_view.restore_selection("")
        self.risk_actions.show_risk("")
        self.history.show_risk("")

    def _acceptable(self, possible: bool, why: str) -> None:
        """Risk ▸ Accept outside appetite… follows the risk shown (or says why not)."""
        action = self.actions_by_id[act.ACCEPT_RISK]
        action.setEnabled(possible and self.document.is_open)
        action.setStatusTip(why or next(s.tip for s in act.ACTIONS if s.id == act.ACCEPT_RISK))
        action.setToolTip(action.statusTip())

    def _busy(self, busy: bool) -> None:
        """A background write runs: other commands wait for it (its dialog says so)."""
        for key, action in self.actions_by_id.items():
            if key not in _READS_ONLY:
                action.setEnabled(not busy and (key not in _NEEDS_REGISTER or
                                                self.document.is_open))  # fmt: skip
        if busy:
            self.watch.stop()
        elif not self._closing:
            self.watch.start()
            self.document.undo_stack.setActive(True)
            self.actions_by_id[act.UNDO].setEnabled(self.document.undo_stack.canUndo())
            self.actions_by_id[act.REDO].setEnabled(self.document.undo_stack.canRedo())

    def _show_job(self, job: Any) -> None:
        from ui.jobs import show_progress

        show_progress(job, self)

    # -- seams the tests answer ---------------------------------------------------------
    def show_error(self, title: str, message: str) -> None:
        """Tell the user why something was refused (tests replace this seam)."""
        show_refusal(self, title, message)

    def confirm_leave(self) -> bool:
        """Before the window moves away from the risk being edited (another tab, another
        register, closing): unsaved typing is saved or discarded only as the user answers;
        False when the user cancels."""
        return self.editor.settle()

    def offer_restore(self, problems: Sequence[str], latest: Any) -> bool:
        """Ask whether to put the latest good backup back (tests replace this seam)."""
        return offer_restore_question(self, problems, latest)

    def ask_server_login(self, location: str, problem: str) -> str | None:
        """A server refused the login (no or a wrong password): ask again, the server tab
        filled in (tests replace this seam)."""
        from ui.dialogs.open_register import OpenRegisterDialog

        return OpenRegisterDialog.ask(self.preferences.last_folder, self, server=location,
                                      problem=problem)  # fmt: skip

    # -- commands the window keeps ------------------------------------------------------
    def print_current(self) -> PrintPreview:
        """Print what is shown: the heat map on its tab, else the register table's rows."""
        if self.tabs.currentWidget() is self.heat_map:
            return self.heat_map.print_map()
        return self.print_register()

    def print_register(self) -> PrintPreview:
        """A print preview of the rows the filters show."""
        from ui.printing import preview_html, register_html

        settings = self.document.settings
        assert settings is not None
        model = self.register_view.model
        rows = [model.row(r) for r in range(model.rowCount())]
        caption = self.register_view.count_label.text()
        html = register_html(settings.info.name, caption, rows, settings.scheme)
        return preview_html(self, settings.info.name, html)

    def write_meeting_pack(self, path: Path, since: date | None = None) -> int:
        """The meeting pack as one PDF, now (the menu runs it in the background)."""
        from riskreg.render.report_pages import write_meeting_pack
        from riskreg.report import gather_pack

        return write_meeting_pack(gather_pack(self.document.service, since), path)

    def ensure_acting_as_member(self) -> None:
        """Every change is recorded for a partner of this register: on a server the
        login's own (shown in the status bar); on a file the one remembered if it is an
        active partner here, otherwise the user is asked which, before anything is
        written."""
        from dataclasses import replace

        document = self.document
        if not document.is_open or self._closing:
            return
        service = document.service
        actor = service.actor
        login_partner = service.login_partner()
        if login_partner is not None:
            if actor.partner_code != login_partner:
                self.set_actor(replace(actor, partner_code=login_partner))
            return
        settings = document.settings
        assert settings is not None
        active = [p for p in settings.partners if p.active]
        if not active or actor.partner_code in {p.code for p in active}:
            return
        chosen = self.ask_acting_partner(active, settings.info.keeper_code)
        self.set_actor(replace(actor, partner_code=chosen))

    def ask_acting_partner(self, partners: Sequence[PartnerRecord], keeper: str | None) -> str:
        """Which partner the user acts for in this register (tests replace this seam)."""
        from ui.dialogs.acting_as import ActingAsDialog

        return ActingAsDialog.ask(partners, keeper, self)

    def set_actor(self, actor: Actor) -> None:
        self.preferences.user_name = actor.user
        self.preferences.partner_code = actor.partner_code
        self.document.replace_actor(actor)
        self._show_register_state()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for location in self.preferences.recent_registers:
            action = QAction(location, self.recent_menu)
            action.triggered.connect(lambda _=False, where=location: self.open_register(where))
            self.recent_menu.addAction(action)
        self.recent_menu.setEnabled(bool(self.preferences.recent_registers))

    # -- drag and drop ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_file(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        location = dropped_file(event.mimeData())
        if not location:
            return
        event.acceptProposedAction()
        if is_workbook(location):
            self.exchange.import_from(Path(location))
        elif not is_server(location):
            self.open_register(location)

    # -- layout -------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        """The last size and divides, if they fit this screen; else the screen's size."""
        prefs = self.preferences
        restored = False
        if prefs.geometry is not None:
            restored = self.restoreGeometry(prefs.geometry) and fits(self, self.frameGeometry())
        if not restored:
            fit_to_screen(self, 1366, 768, place=True)
        self._layout_restored = self.register_page.restore_layout_state(prefs.window_state)
        self._placed = False
        self.register_view.restore_header_state(prefs.table_header)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._layout_restored:  # first start: share the width
            self._layout_restored = True
            self.register_page.share_width(self.register_page.width() or self.width())
        if not self._placed:  # once framed and placed by the window manager
            self._placed = True
            QTimer.singleShot(400, self._keep_on_screen)

    def _keep_on_screen(self) -> None:
        from ui.geometry import keep_on_screen

        if self.isVisible() and not self.isMaximized():
            keep_on_screen(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.document.busy:
            self.show_error("Please wait", "A long change is still being written; cancel it "
                            "or let it finish, then close the window.")  # fmt: skip
            event.ignore()
            return
        if not self.confirm_leave():
            event.ignore()
            return
        self._closing = True
        self.preferences.geometry = self.saveGeometry()
        self.preferences.window_state = self.register_page.layout_state()
        self.preferences.table_header = self.register_view.header_state()
        self.watch.stop()
        self.lifecycle.close()
        self.feed.stop()
        self.document.close()
        super().closeEvent(event)


def _ref_order(ref: str) -> tuple[str, int]:
    prefix, _, number = ref.partition("-")
    return prefix, int(number) if number.isdigit() else 0
