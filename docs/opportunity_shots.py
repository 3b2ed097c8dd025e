"""Screenshots of opportunities in a real X server at 1366×768 (the screen grabbed whole,
window manager's frames included), for the README: the heat map tab showing the
opportunities' own map, in its blue palette.

    python docs/opportunity_shots.py     (needs Xvfb and openbox)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_x import Camera, run


def shoot(camera: Camera) -> None:
    from riskreg.choices import RiskKind
    from riskreg.demo import build_demo
    from riskreg.records import Actor
    from riskreg.service import open_service
    from ui.main_window import MainWindow

    register = Path(tempfile.mkdtemp()) / "demo.riskreg"
    actor = Actor("Jo Whitfield", "CNCL", "demo")
    build_demo(register, actor).close()
    window = MainWindow(open_service(register, actor))
    window.showMaximized()
    camera.settle(2)
    window.tabs.setCurrentWidget(window.heat_map)
    view = window.heat_map
    view.kind.setCurrentIndex(view.kind.findData(RiskKind.OPPORTUNITY.value))
    camera.settle(1)
    camera.grab("opportunity-map.png")
    window.close()


if __name__ == "__main__":
    run(":181", shoot)
