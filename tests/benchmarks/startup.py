"""Start-up to first paint on the demo register, warm (median of five runs).

Each run is a new ``python`` process that starts the application as ``main.py`` does and
exits at the register table's first paint; the time runs from just before the process is
launched. The first run warms the disk cache and is not counted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
import ui.app as app_module

class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(f"{time.time():.6f}", flush=True)
            os._exit(0)
        return False

original = app_module.MainWindow if hasattr(app_module, "MainWindow") else None
import ui.main_window as main_window
real_init = main_window.MainWindow.__init__
watcher = Painted()

def init(self, *args, **kwargs):
    real_init(self, *args, **kwargs)
    self.register_view.table.viewport().installEventFilter(watcher)

main_window.MainWindow.__init__ = init
sys.exit(app_module.main(["main.py", sys.argv[1]]))
"""


def one_run(register: Path, settings: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(settings))
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(register)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    painted = float(result.stdout.strip().splitlines()[-1])
    return painted - started


def run() -> None:
    from riskreg.demo import build_demo
    from riskreg.records import Actor

    with tempfile.TemporaryDirectory() as tmp:
        register = Path(tmp) / "demo.riskreg"
        build_demo(register, Actor("bench", "CNCL", "benchmark")).close()
        one_run(register, Path(tmp))  # warm-up
        times = [one_run(register, Path(tmp)) for _ in range(RUNS)]
    print(f"start-up to first paint, demo register (warm, median of {RUNS}): "
          f"{statistics.median(times) * 1000:.0f} ms   (target ≤ 500 ms)")  # fmt: skip


if __name__ == "__main__":
    run()
