"""Application start: QApplication, the register to open, the main window.

``python main.py`` opens the user's default register in the platform's data folder and
creates it with the demo partnership on first start; ``python main.py FILE`` opens FILE.
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


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    from PySide6.QtWidgets import QApplication, QMessageBox

    from riskreg.errors import RegisterError
    from riskreg.records import Actor
    from riskreg.service import open_service

    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)

    location = Path(argv[1]) if len(argv) > 1 else default_register_path()
    actor = Actor(user=_user(), source="GUI")
    try:
        if len(argv) <= 1 and not location.exists():
            from riskreg.demo import build_demo

            service = build_demo(location, actor)
        else:
            service = open_service(location, actor)
    except RegisterError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    keeper = service.register_info().keeper_code or ""
    service = service.with_actor(Actor(user=actor.user, partner_code=keeper, source="GUI"))

    from ui.main_window import MainWindow

    window = MainWindow(service)
    window.show()
    return app.exec()
