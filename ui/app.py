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
    from ui.dialogs.welcome import WelcomeChoice
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
    """The service acting for the partner chosen in Preferences when it is an active
    partner of this register; otherwise for nobody yet, and the window asks which partner
    the user acts for before anything can be written (closed again if it cannot be read)."""
    from riskreg.records import Actor

    try:
        active = {p.code for p in service.list_partners(active_only=True)}
    except BaseException:
        service.close()
        raise
    if partner not in active:
        partner = ""
    actor = service.actor
    return service.with_actor(Actor(actor.user, partner, "GUI"))


def startup_location(argv: Sequence[str]) -> Path:
    return Path(argv[1]) if len(argv) > 1 else default_register_path()


def open_startup_register(argv: Sequence[str]) -> RegisterService:
    """The register to show: the one named on the command line, or the user's default
    register (created with the demo partnership the first time)."""
    from riskreg.service import open_service
    from ui.settings import Preferences

    preferences = Preferences()
    actor = startup_actor(preferences)
    location: str | Path = startup_location(argv)
    if len(argv) > 1 and is_server(argv[1]):
        location = argv[1]  # a server's URL (its password never shown)
    if len(argv) > 1 or Path(location).exists():
        service = open_service(location, actor, backup_policy=preferences.backup_policy)
        _refuse_if_damaged(service)
    else:
        from riskreg.first_start import open_default_register

        service = open_default_register(default_register_path(), actor)
    return acting_for_partner(service, preferences.partner_code)


def _refuse_if_damaged(service: RegisterService) -> None:
    """A register opened before the window shows (its first look failed) is checked first:
    one whose pages SQLite cannot read is refused here, where a backup can be offered,
    rather than failing while the window is built."""
    from riskreg.errors import DamagedRegister

    if service.path is None:
        return
    report = service.check(quick=True)
    if report.damaged:
        service.close()
        raise DamagedRegister(f"{service.location} is damaged: {report.problems[0]}")


def first_look_at_startup(argv: Sequence[str]) -> FirstLook | None:
    """A quick look at the register to open, when it is a file at this version's schema."""
    from riskreg.first_look import look_at
    from riskreg.migrations import HEAD
    from ui.register_feed import FIRST_PAGE, RegisterFeed

    if len(argv) > 1 and is_server(argv[1]):
        return None  # a first look reads files only
    location = startup_location(argv)
    return look_at(location, HEAD, page=FIRST_PAGE, whole_up_to=RegisterFeed.progressive_threshold)


def tell_cannot_open(message: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, message, QMessageBox.StandardButton.Ok)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the file's name, as it is
    box.exec()


def start_window(
    argv: Sequence[str], tell: Callable[[str], None] | None = None
) -> MainWindow | None:
    """The application's window, shown. A register file at this version's schema shows at
    once from a first look while it is opened on a worker thread (SQLAlchemy's import alone
    takes a third of a second); anything else is opened first. When it cannot be opened
    the welcome screen says why and offers the ways to begin; a caller's ``tell`` is told
    instead (tests answer there), and then the answer is None."""
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
        problems: list[str] = []
        opened = _window_on_startup_register(argv, preferences, tell or problems.append)
        if opened is None and tell is None and problems:
            opened = welcome_instead(problems[-1], preferences)
        if opened is None:
            return None
        window = opened
    install_excepthook(window)
    from ui.startup_probe import watch_first_paint

    watch_first_paint(window)
    window.show()
    return window


def _window_on_startup_register(
    argv: Sequence[str], preferences: Preferences, tell: Callable[[str], None]
) -> MainWindow | None:
    """The window on the register opened before it shows. A damaged register, or one
    holding what the application did not make, is offered its way back (the latest good
    backup, a clean copy) before anything else; otherwise the user is told why not."""
    from riskreg.errors import RegisterError
    from ui import register_safety
    from ui.main_window import MainWindow

    location = argv[1] if len(argv) > 1 and is_server(argv[1]) else str(startup_location(argv))
    for _attempt in range(2):  # the register, then the file the way back gave
        try:
            service = open_startup_register(argv)
        except RegisterError as exc:
            error = exc
        else:
            try:
                return MainWindow(service, preferences)
            except RegisterError as exc:  # a page that cannot be read, met while building
                service.close()
                error = exc
        offered, replacement = register_safety.recover(
            None, location, error, preferences.backup_policy
        )
        if replacement is None:
            if not offered:
                tell(str(error))
            return None
        argv, location = [argv[0], replacement], replacement
    return None


def welcome_instead(problem: str, preferences: Preferences) -> MainWindow | None:
    """No register could be opened: the welcome screen says why and offers the ways to
    begin; the window on the register the user chose, or None."""
    from riskreg.errors import RegisterError
    from riskreg.service import open_service
    from ui.dialogs.welcome import WelcomeDialog
    from ui.main_window import MainWindow

    while True:
        choice = WelcomeDialog.ask(preferences.recent_registers, problem)
        if choice is None:
            return None
        actor = startup_actor(preferences)
        try:
            chosen = _register_chosen(choice, actor, preferences)
            if chosen is None:
                continue
            location, spreadsheet = chosen
            service = open_service(location, startup_actor(preferences),
                                   backup_policy=preferences.backup_policy)  # fmt: skip
            window = MainWindow(acting_for_partner(service, preferences.partner_code),
                                preferences)  # fmt: skip
        except RegisterError as exc:
            problem = str(exc)
            continue
        preferences.add_recent(window.document.service.location)
        if spreadsheet is not None:  # a new partnership, filled from a spreadsheet
            window.show()
            window.exchange.import_foreign(spreadsheet)
        return window


def _register_chosen(
    choice: WelcomeChoice, actor: Actor, preferences: Preferences
) -> tuple[str, Path | None] | None:
    """Where the welcome screen's choice leads, and a spreadsheet to bring into it (a new
    partnership is created first, and the user then acts as the person it names)."""
    from PySide6.QtWidgets import QFileDialog

    from riskreg.service import create_register
    from ui.dialogs.new_partnership import NewPartnershipWizard
    from ui.dialogs.open_register import OpenRegisterDialog
    from ui.dialogs.welcome import Start
    from ui.settings import FolderKind
    from ui.window_commands import demo_register_path

    folder = str(preferences.folder_for(FolderKind.REGISTER))
    if choice.start is Start.DEMO:
        return str(demo_register_path(actor)), None
    if choice.start is Start.RECENT:
        return choice.location, None
    if choice.start in (Start.OPEN, Start.SERVER):
        found = OpenRegisterDialog.ask(folder, None, on_server=choice.start is Start.SERVER)
        return (found, None) if found else None
    spreadsheet = None
    if choice.start is Start.SPREADSHEET:
        sheet, _ = QFileDialog.getOpenFileName(
            None, "The spreadsheet register to bring in", folder,
            "Spreadsheets (*.xlsx *.xlsm *.xls *.ods)",
        )  # fmt: skip
        if not sheet:
            return None
        spreadsheet = Path(sheet)
    made = NewPartnershipWizard.ask(folder, actor.user)
    if made is None:
        return None
    created = create_register(
        made.path, made.actor, name=made.name, partners=made.partners, keeper=made.keeper,
        categories=made.categories, scheme=made.scheme,
    )  # fmt: skip
    created.close()
    preferences.user_name = made.actor.user
    preferences.partner_code = made.actor.partner_code
    return str(made.path), spreadsheet


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    from ui.platform_check import check_platform

    advice = check_platform()
    if advice is not None:  # Qt would stop with a page of plugin errors instead
        print(advice, file=sys.stderr)
        return 1
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
