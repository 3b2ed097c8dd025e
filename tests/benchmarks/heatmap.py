"""Heat map over 100,000 risks: the grouped query and the paint.

Baseline, measured in the same run: a raw ``sqlite3`` GROUP BY of the same table giving
count and refs per current cell of the open joint risks (the default map is the joint one:
what every partner may see). Medians of five runs.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RUNS = 5
SIZE = 100_000


def run() -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

    from riskreg.heatmap import Basis
    from riskreg.records import Actor
    from riskreg.render.heatmap_painter import paint_heat_map
    from riskreg.service import open_service
    from tests.benchmarks.bulk_create import drafts, via_services

    app = QGuiApplication.instance() or QGuiApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.riskreg"
        via_services(path, drafts(SIZE))
        service = open_service(path, Actor("bench", "CNCL", "benchmark"))

        def ours() -> float:
            started = time.perf_counter()
            service.heat_map(Basis.CURRENT)
            return time.perf_counter() - started

        def raw() -> float:
            started = time.perf_counter()
            conn = sqlite3.connect(path)
            conn.execute(
                "SELECT current_likelihood, current_impact, count(*), group_concat(ref, ' ') "
                "FROM risk WHERE status IN ('Draft', 'Open') AND visibility = 'Joint' "
                "GROUP BY current_likelihood, current_impact"
            ).fetchall()
            conn.close()
            return time.perf_counter() - started

        query = statistics.median(ours() for _ in range(RUNS))
        baseline = statistics.median(raw() for _ in range(RUNS))
        heat = service.heat_map(Basis.CURRENT)
        image = QImage(1366, 768, QImage.Format.Format_ARGB32)

        def paint() -> float:
            image.fill(QColor("#ffffff"))
            started = time.perf_counter()
            painter = QPainter(image)
            paint_heat_map(painter, QRectF(10, 10, 1346, 748), heat)
            painter.end()
            return time.perf_counter() - started

        painted = statistics.median(paint() for _ in range(RUNS))
        service.close()
    del app
    print(f"heat map, {SIZE:,} risks (median of {RUNS})")
    print(f"  query  {query * 1000:7.1f} ms   raw sqlite3 GROUP BY {baseline * 1000:6.1f} ms   "
          f"ratio {query / baseline:4.2f}×   (target ≤ 100 ms)")  # fmt: skip
    print(f"  paint  {painted * 1000:7.1f} ms   (1366×768, target ≤ 50 ms)")


if __name__ == "__main__":
    run()
