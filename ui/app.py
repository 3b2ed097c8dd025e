"""Application start: QApplication, the register to open, who the user acts as, the window.

``python main.py`` opens the user's default register in the platform's data folder and
creates it with the demo partnership on first start; ``python main.py FILE`` opens FILE.
Heavy modules (openpyxl, the exchange code) are imported only when used.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

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


def open_startup_register(argv: Sequence[str]) -> object:
    """The register to show: the one named on the command line, or the user's default
    register (created with the demo partnership the first time)."""
    from riskreg.records import Actor
    from riskreg.service import open_service
    from ui.settings import Preferences

    preferences = Preferences()
    actor = Actor(user=preferences.user_name or os_user(), source="GUI")
    if len(argv) > 1:
        service = open_service(Path(argv[1]), actor)
    else:
        location = default_register_path()
        if location.exists():
            service = open_service(location, actor)
        else:
            from riskreg.demo import build_demo

            service = build_demo(location, actor)
    partner = preferences.partner_code
    known = {p.code for p in service.list_partners()}
    if partner not in known:
        partner = service.register_info().keeper_code or ""
    return service.with_actor(Actor(actor.user, partner, "GUI"))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    from PySide6.QtWidgets import QApplication, QMessageBox

    from riskreg.errors import RegisterError

    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    try:
        service = open_startup_register(argv)
    except RegisterError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1

    from riskreg.service import RegisterService
    from ui.errors import install_excepthook
    from ui.main_window import MainWindow

    assert isinstance(service, RegisterService)
    window = MainWindow(service)
    install_excepthook(window)
    window.show()
    return app.exec()
