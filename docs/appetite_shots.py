"""Screenshots of the Orange Book appetite levels in a real X server at 1366×768 (the screen
grabbed whole, window manager's frames included), for the README: the scheme dialog's
appetite levels (and a mapping refused beside them), the categories dialog choosing a level,
the register flagging a warning apart from a breach, and the heat map outlining each.

    python docs/appetite_shots.py     (needs Xvfb and openbox)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_x import Camera, run


def shoot(camera: Camera) -> None:
    from riskreg.choices import AppetiteLevel
    from riskreg.demo import build_demo
    from riskreg.records import Actor
    from riskreg.service import open_service
    from ui.dialogs.categories import CategoriesDialog
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
    scheme.appetite_levels.set_choice(AppetiteLevel.CAUTIOUS, 1, 3)  # tolerance Very high
    camera.grab("appetite-levels.png")
    scheme.appetite_levels.set_choice(AppetiteLevel.CAUTIOUS, 2, 1)  # refused beside it
    camera.grab("appetite-levels-refused.png")
    scheme.close()

    categories = CategoriesDialog(window.document, window)
    categories.show()
    categories.select("Financial")
    camera.settle()
    categories.appetite.showPopup()
    camera.grab("categories-levels.png")
    categories.appetite.hidePopup()
    categories.close()

    view = window.register_view
    view.appetite_filter.setChecked(True)
    service = window.document.service
    breach = next(r for r in service.list_risks() if r.ref == "R-006")
    view.select_uuid(breach.uuid)  # Very high in a Cautious category: a breach
    flags = view.model.column_keys().index("flags")
    view.table.scrollTo(view.model.index(0, flags))
    camera.grab("appetite-flags.png")
    window.tabs.setCurrentWidget(window.heat_map)
    camera.grab("appetite-heatmap.png")
    window.close()


if __name__ == "__main__":
    run(":175", shoot)
