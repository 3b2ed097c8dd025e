"""A real X server at 1366×768 with a window manager, for the README's screenshots: the
screen is grabbed whole, the window manager's frames included. Shared by the scripts in
docs/ that take pictures of dialogs (``run(display, shoot)``)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


class Camera:
    """The application, and pictures of the screen once its events have settled."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def settle(self, seconds: float = 1.0) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.02)

    def grab(self, name: str) -> None:
        self.settle()
        self.app.primaryScreen().grabWindow(0).save(str(DOCS / name))
        print("wrote docs/" + name)


def run(display: str, shoot: Callable[[Camera], None]) -> None:
    """Xvfb and openbox on ``display``, a QApplication with settings of its own (the user's
    are never touched), then ``shoot``; the servers end with it."""
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten",
                             "tcp"], stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(1)
    os.environ["DISPLAY"] = display
    os.environ.pop("QT_QPA_PLATFORM", None)
    wm = subprocess.Popen(["openbox"], stderr=subprocess.DEVNULL)
    try:
        sys.path.insert(0, str(ROOT))
        from PySide6.QtCore import QCoreApplication, QSettings
        from PySide6.QtWidgets import QApplication

        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          tempfile.mkdtemp())  # fmt: skip
        QCoreApplication.setOrganizationName("JointRiskRegisterShots")
        shoot(Camera(QApplication([])))
    finally:
        wm.kill()
        xvfb.kill()
