"""Application start: QApplication, the register to open, who the user acts as, the window.

``python main.py`` opens the user's default register in the platform's data folder and
creates it with the demo partnership on first start; ``python main.py FILE`` opens FILE.
Heavy modules are imported only when used: openpyxl and the exchange code when a workbook
is, SQLAlchemy after the window has shown a first look at a register file.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from riskreg.locations import is_server

if TYPE_CHECKING:
    from riskreg.first_look import FirstLook
    from riskreg.records import Actor
    from riskreg.service import RegisterService
    from ui.main_window import MainWindow
    from ui.settings import Preferences

APP_NAME = "Joint Risk Register"
ORGANISATION = "JointRiskRegister"
DEFAULT_FILE = "register.riskreg"


def default_register_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(ORGANISATION, appauthor=False) / DEFAULT_FILE


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def startup_actor(preferences: Preferences) -> Actor:
    """Who the user acts as: the name in Preferences, or the operating system's user."""
    from riskreg.records import Actor

    return Actor(user=preferences.user_name or os_user(), source="GUI")


def acting_for_partner(service: RegisterService, partner: str) -> RegisterService:
    """The service acting for the partner chosen in Preferences, or for the keeping partner
    when that one is not in this register (closed again if it cannot be read)."""
    from riskreg.records import Actor

    try:
        known = {p.code for p in service.list_partners()}
        if partner not in known:
            partner = service.register_info().keeper_code or ""
    except BaseException:
        service.close()
        raise
    actor = service.actor
    return service.with_actor(Actor(actor.user, partner, "GUI"))


def open_startup_register(argv: Sequence[str]) -> RegisterService:
    """The register to show: the one named on the command line, or the user's default
    register (created with the demo partnership the first time)."""
    from riskreg.service import open_service
    from ui.settings import Preferences

    preferences = Preferences()
    actor = startup_actor(preferences)
    if len(argv) > 1:  # a register file, or a server's URL (its password never shown)
        service = open_service(argv[1] if is_server(argv[1]) else Path(argv[1]), actor)
    else:
        location = default_register_path()
        if location.exists():
            service = open_service(location, actor)
        else:
            from riskreg.demo import build_demo

            service = build_demo(location, actor)
    return acting_for_partner(service, preferences.partner_code)


def first_look_at_startup(argv: Sequence[str]) -> FirstLook | None:
    """A quick look at the register to open, when it is a file at this version's schema."""
    from riskreg.first_look import look_at
    from riskreg.migrations import HEAD
    from ui.main_window import FIRST_PAGE, MainWindow

    if len(argv) > 1 and is_server(argv[1]):
        return None  # a first look reads files only
    location = Path(argv[1]) if len(argv) > 1 else default_register_path()
    return look_at(location, HEAD, page=FIRST_PAGE, whole_up_to=MainWindow.progressive_threshold)


def tell_cannot_open(message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, APP_NAME, message)


def start_window(
    argv: Sequence[str], tell: Callable[[str], None] = tell_cannot_open
) -> MainWindow | None:
    """The application's window, shown. A register file at this version's schema shows at
    once from a first look while it is opened on a worker thread (SQLAlchemy's import alone
    takes a third of a second); anything else is opened first. None when it cannot be
    opened (the user has been ``tell``-ed why; tests answer there)."""
    from riskreg.errors import RegisterError
    from ui.errors import install_excepthook
    from ui.main_window import MainWindow
    from ui.settings import Preferences

    preferences = Preferences()
    look = first_look_at_startup(argv)
    if look is not None:
        # read here: the settings object belongs to this thread, not the worker's
        location, actor = look.location, startup_actor(preferences)
        partner = preferences.partner_code

        def open_it() -> RegisterService:
            from riskreg.service import open_service

            return acting_for_partner(open_service(location, actor), partner)

        window = MainWindow(first_look=look, preferences=preferences)
        window.open_in_background(open_it)
    else:
        try:
            service = open_startup_register(argv)
        except RegisterError as exc:
            tell(str(exc))
            return None
        window = MainWindow(service, preferences)
    install_excepthook(window)
    window.show()
    return window


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    from ui.collector import GuiThreadCollector

    GuiThreadCollector(app)  # before any worker thread starts
    window = start_window(argv)
    if window is None:
        return 1
    status = app.exec()
    return 1 if window.failed_to_open else status
