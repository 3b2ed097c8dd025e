"""Screenshots of opportunities in a real X server at 1366×768 (the screen grabbed whole,
window manager's frames included), for the README: the heat map tab showing the
opportunities' own map, in its blue palette; and the meeting pack's Opportunities pages
(pdftoppm at 70 dpi, as docs/screenshots.py makes the other pack pages).

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
    _pack_pages(register, actor)


def _pack_pages(register: Path, actor: object) -> None:
    import subprocess

    from pypdf import PdfReader

    from riskreg.render.report_pages import write_meeting_pack
    from riskreg.report import gather_pack
    from riskreg.service import open_service

    service = open_service(register, actor)  # type: ignore[arg-type]
    try:
        pdf = register.with_suffix(".pdf")
        write_meeting_pack(gather_pack(service), pdf)
    finally:
        service.close()
    pages = [n for n, page in enumerate(PdfReader(pdf).pages, start=1)
             if "— Opportunities" in " ".join(page.extract_text().split())]  # fmt: skip
    docs = Path(__file__).resolve().parent
    for number, page in enumerate(pages, start=1):
        out = docs / f"pack-opportunities-{number}"
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", "-f", str(page), "-l",
                        str(page), str(pdf), str(out)], check=True)  # fmt: skip
        print(f"wrote docs/{out.name}.png")


if __name__ == "__main__":
    run(":181", shoot)
