"""Screenshots of acceptance outside appetite in a real X server at 1366×768 (the screen
grabbed whole, the window manager's frames included), for the README: the risk editor of an
accepted risk ("accepted until …", who and for whom) and the dialog that records one.

    python docs/acceptance_shots.py     (needs Xvfb and openbox)
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_x import Camera, run


def shoot(camera: Camera) -> None:
    from PySide6.QtCore import QDate

    from riskreg.demo import build_demo
    from riskreg.records import Actor
    from riskreg.service import open_service
    from ui.dialogs.acceptance import AcceptanceDialog
    from ui.main_window import MainWindow

    register = Path(tempfile.mkdtemp()) / "demo.riskreg"
    actor = Actor("Jo Whitfield", "CNCL", "demo")
    build_demo(register, actor).close()
    service = open_service(register, actor)
    risk = service.find_risk("R-013")
    until = date.today() + timedelta(days=120)
    service.accept_risk(risk.uuid, risk.version, None, "Jo Whitfield",
                        "The council's contingency covers the overrun until the spring "
                        "settlement; the board reviews it then.", until)  # fmt: skip
    window = MainWindow(service)
    window.show()
    camera.settle(2)
    window.register_view.select_uuid(risk.uuid)
    camera.grab("accepted-risk.png")

    other = service.find_risk("R-014")
    window.register_view.select_uuid(other.uuid)
    camera.settle()
    dialog = AcceptanceDialog(window.document, other, window.editor.judged(other), window)
    why = "Funding gap closes with the spring settlement; no further control is worth its cost"
    dialog.justification.setPlainText(why + " before then.")
    end = date.today() + timedelta(days=182)
    dialog.expires_on.setDate(QDate(end.year, end.month, end.day))
    dialog.show()
    camera.grab("acceptance-dialog.png")
    dialog.close()
    window.close()


if __name__ == "__main__":
    run(":175", shoot)
