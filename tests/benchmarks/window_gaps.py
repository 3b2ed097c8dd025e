"""Does the window answer while a long write runs? At 10,000 risks (two actions each):
the export of the whole register's workbook, and the apply of a returned workbook in which
one risk in ten has a new owner, each run through the window's one write path in the
background.

The figure is the longest gap between 5 ms timer ticks of the GUI thread while the job runs
(target: ≤ 100 ms). Baseline, in the same run: the same export and the same apply called
on the GUI thread, as the window did before, where the gap is the whole job.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from riskreg.records import ActionDraft, Actor
from tests.benchmarks.bulk_create import drafts, via_services

SIZE = 10_000


def _register(folder: Path) -> Path:
    path = folder / "gaps.riskreg"
    with_actions = [
        replace(d, actions=(ActionDraft(f"Mitigate {n}", d.lead_partner),
                            ActionDraft(f"Watch {n}", d.lead_partner)))
        for n, d in enumerate(drafts(SIZE))
    ]  # fmt: skip
    via_services(path, with_actions)
    return path


def _longest_gap(
    app: QApplication, job: Callable[[], object], done: Callable[[], bool]
) -> tuple[float, float]:
    """Run ``job`` and tick every 5 ms until ``done``; (longest gap, elapsed), seconds."""
    ticks = [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()
    job()
    ticks.append(time.perf_counter())
    while not done():
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    for _ in range(5):
        app.processEvents()
    timer.stop()
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    return max(gaps), elapsed


def run() -> None:
    from openpyxl import load_workbook

    from riskreg.exchange.export import export_register
    from riskreg.exchange.importer import apply_import, plan_import
    from riskreg.service import open_service
    from ui.main_window import MainWindow

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("JointRiskRegisterBenchmark")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    folder = Path(tempfile.mkdtemp())
    print(f"building {SIZE:,} risks with {2 * SIZE:,} actions…", flush=True)
    path = _register(folder)
    actor = Actor("bench", "CNCL", "benchmark")
    window = MainWindow(open_service(path, actor))
    window.show()
    for _ in range(20):
        app.processEvents()
    window.open_checker.wait(120)
    app.processEvents()
    document = window.document

    background_export, took = _longest_gap(
        app, lambda: document.export_workbook(folder / "bg.xlsx", None, lambda r: None),
        lambda: not document.busy,
    )  # fmt: skip
    gui_export, gui_took = _longest_gap(
        app, lambda: export_register(document.service, folder / "gui.xlsx", None), lambda: True
    )
    print(f"export {SIZE:,} risks: longest gap {background_export * 1000:,.0f} ms in the "
          f"background ({took:.1f} s) vs {gui_export * 1000:,.0f} ms on the GUI thread "
          f"({gui_took:.1f} s) → {background_export / gui_export:.3f}×")  # fmt: skip

    returned = folder / "returned.xlsx"
    book = load_workbook(folder / "gui.xlsx")
    sheet = book["Risks"]
    owner = [c.value for c in sheet[1]].index("Owner") + 1
    for row in range(2, sheet.max_row + 1, 10):
        if sheet.cell(row, 1).value:
            sheet.cell(row, owner).value = f"New owner {row}"
    book.save(returned)
    twin = folder / "twin.riskreg"  # the same register, for the baseline's own apply
    document.service.backup_to(twin)
    plan = plan_import(document.service, returned)
    accepted = [item for item in plan.items if item.kind == "update"]
    background_import, took = _longest_gap(
        app, lambda: document.apply_import(plan, accepted), lambda: not document.busy
    )
    twin_service = open_service(twin, actor)
    twin_plan = plan_import(twin_service, returned)
    twin_accepted = [item for item in twin_plan.items if item.kind == "update"]
    gui_import, gui_took = _longest_gap(
        app, lambda: apply_import(twin_service, twin_plan, twin_accepted), lambda: True
    )
    twin_service.close()
    print(f"import applied, {len(accepted):,} updates of {SIZE:,} risks: longest gap "
          f"{background_import * 1000:,.0f} ms in the background ({took:.1f} s) vs "
          f"{gui_import * 1000:,.0f} ms on the GUI thread ({gui_took:.1f} s) → "
          f"{background_import / max(gui_import, 1e-9):.3f}×")  # fmt: skip
    window.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    run()
