"""Screenshots of governance in a real X server at 1366×768 (the screen grabbed whole, window
manager's frames included), for the README: the scheme dialog warning of a misleading matrix.

    python docs/governance_shots.py     (needs Xvfb and openbox)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_x import Camera, run


def shoot(camera: Camera) -> None:
    from riskreg.demo import build_demo
    from riskreg.records import Actor
    from riskreg.service import open_service
    from ui.dialogs.scheme import SchemeDialog
    from ui.main_window import MainWindow

    register = Path(tempfile.mkdtemp()) / "demo.riskreg"
    actor = Actor("Jo Whitfield", "CNCL", "demo")
    build_demo(register, actor).close()
    window = MainWindow(open_service(register, actor))
    window.show()
    camera.settle(2)

    scheme = SchemeDialog(window.document, window)
    scheme.show()
    scheme.set_cell(2, 5, 3)  # "Very high" at 10
    scheme.set_cell(4, 4, 0)  # "Low" at 16
    camera.grab("scheme-warning.png")
    scheme.close()
    window.close()


if __name__ == "__main__":
    run(":174", shoot)
