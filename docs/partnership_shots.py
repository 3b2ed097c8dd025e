"""Screenshots of the welcome screen and of each page of the new-partnership wizard, taken in
a real X server at 1366×768 (the screen grabbed whole, window manager's frames included).

    python docs/partnership_shots.py     (needs Xvfb and openbox)

The wizard is filled in as a risk lead setting up the Mendip partnership would.
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
    display = ":173"
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
    from ui.dialogs.new_partnership import NewPartnershipWizard
    from ui.dialogs.welcome import WelcomeDialog

    def settle(seconds: float = 1.0) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def grab(name: str) -> None:
        settle()
        app.primaryScreen().grabWindow(0).save(str(DOCS / name))
        print("wrote docs/" + name)

    welcome = WelcomeDialog([str(Path.home() / "Documents" / "A38 alliance.riskreg")])
    welcome.show()
    grab("welcome.png")
    welcome.close()

    folder = tempfile.mkdtemp()
    wizard = NewPartnershipWizard(folder, "Jo Whitfield")
    wizard.show()
    page = wizard.partners_page
    page.name.setText("Mendip Flood Resilience Partnership")
    for code, name, contact in (("WSX", "Wessex County Council", "risk@wessex.gov.example"),
                                ("AVW", "Aqua Vale Water plc", "resilience@aquavale.example"),
                                ("MDDC", "Mendip District Council", ""),
                                ("EAGY", "Environment Agency", "")):  # fmt: skip
        page.add_partner(code, name, contact)
    grab("new-partnership-1.png")
    wizard.next()
    wizard.people_page.keeper.setCurrentIndex(0)
    grab("new-partnership-2.png")
    wizard.next()
    grab("new-partnership-3.png")
    wizard.next()
    wizard.categories_page.set_appetite("Financial", "Medium")
    wizard.categories_page.set_appetite("Reputational", "Low")
    grab("new-partnership-4.png")
    wizard.next()
    grab("new-partnership-5.png")
    wizard.close()


if __name__ == "__main__":
    main()
