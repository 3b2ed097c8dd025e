"""Screenshots of governance in a real X server at 1366×768 (the screen grabbed whole, window
manager's frames included), for the README: the scheme dialog warning of a misleading matrix.

    python docs/governance_shots.py     (needs Xvfb and openbox)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def main() -> None:
    display = ":174"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten",
                             "tcp"], stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(1)
    os.environ["DISPLAY"] = display
    os.environ.pop("QT_QPA_PLATFORM", None)
    wm = subprocess.Popen(["openbox"], stderr=subprocess.DEVNULL)
    try:
        _shoot()
    finally:
        wm.kill()
        xvfb.kill()


def _shoot() -> None:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("JointRiskRegisterShots")
    app = QApplication([])
    from riskreg.demo import build_demo
    from riskreg.records import Actor
    from riskreg.service import open_service
    from ui.dialogs.scheme import SchemeDialog
    from ui.main_window import MainWindow

    def settle(seconds: float = 1.0) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def grab(name: str) -> None:
        settle()
        app.primaryScreen().grabWindow(0).save(str(DOCS / name))
        print("wrote docs/" + name)

    register = Path(tempfile.mkdtemp()) / "demo.riskreg"
    actor = Actor("Jo Whitfield", "CNCL", "demo")
    build_demo(register, actor).close()
    window = MainWindow(open_service(register, actor))
    window.show()
    settle(2)

    scheme = SchemeDialog(window.document, window)
    scheme.show()
    scheme.set_cell(2, 5, 3)  # "Very high" at 10
    scheme.set_cell(4, 4, 0)  # "Low" at 16
    grab("scheme-warning.png")
    scheme.close()
    window.close()


if __name__ == "__main__":
    main()
