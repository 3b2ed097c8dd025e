"""Start-up to first paint on the demo register, warm (median of five runs).

Each run is a new ``python`` process that starts the application as ``main.py`` does; the
time runs from just before the process is launched to the register table's first paint
(checked to show every risk of the register), and on to the moment the register is open and
every command works. The first run warms the disk cache and Python's bytecode cache and is
not counted: warm means both, as on a user's machine (the children run without
``PYTHONDONTWRITEBYTECODE``, which some shells set). Measured in the same run: the same
start with the first look turned off (the register opened before the window shows, as
before), the floor (a bare QTableView over a plain sqlite3 SELECT of the same rows) and the
time a fresh interpreter takes to import SQLAlchemy's ORM.
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
DEMO_RISKS = 41

CHILD = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject
import ui.app as app_module
import ui.main_window as main_window

if sys.argv[2] == "open-first":
    app_module.first_look_at_startup = lambda argv: None

class Painted(QObject):
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.painted = None
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and self.painted is None:
            self.painted = time.time()
            self.rows = self.window.register_view.model.rowCount()
            finish(self.window)
        return False

def finish(window):
    watcher = getattr(window, "startup_watcher", None)
    if watcher is not None and watcher.painted is not None and window.document.is_open:
        print(f"{watcher.painted:.6f} {window.opened_at:.6f} {watcher.rows}", flush=True)
        os._exit(0)

real_init = main_window.MainWindow.__init__
real_attach = main_window.MainWindow.attach

def init(self, *args, **kwargs):
    real_init(self, *args, **kwargs)
    self.startup_watcher = Painted(self)
    self.register_view.table.viewport().installEventFilter(self.startup_watcher)

def attach(self, service):
    real_attach(self, service)
    self.opened_at = time.time()
    finish(self)

main_window.MainWindow.__init__ = init
main_window.MainWindow.attach = attach
sys.exit(app_module.main(["main.py", sys.argv[1]]))
"""

FLOOR_CHILD = r"""
import os, sqlite3, sys, time
from PySide6.QtCore import QAbstractTableModel, QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QTableView

class Rows(QAbstractTableModel):
    def __init__(self, rows):
        super().__init__()
        self.rows = rows
    def rowCount(self, parent=None):
        return len(self.rows)
    def columnCount(self, parent=None):
        return len(self.rows[0]) if self.rows else 0
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.rows[index.row()][index.column()])
        return None

class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(f"{time.time():.6f}", flush=True)
            os._exit(0)
        return False

app = QApplication(sys.argv)
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT ref, title, owner, current_likelihood, current_impact FROM risk").fetchall()
view = QTableView()
view.setModel(Rows(rows))
watcher = Painted()
view.viewport().installEventFilter(watcher)
view.show()
app.exec()
"""

IMPORT_CHILD = r"""
import time
started = time.perf_counter()
import sqlalchemy.orm
print(f"{time.perf_counter() - started:.6f}")
"""


def child_env(settings: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(settings))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def app_run(register: Path, settings: Path, mode: str) -> tuple[float, float]:
    """Seconds to the first paint and to the register being open."""
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(register), mode],
        cwd=ROOT, env=child_env(settings), capture_output=True, text=True, check=True,
        timeout=60,
    )  # fmt: skip
    painted, opened, rows = result.stdout.strip().splitlines()[-1].split()
    if int(rows) != DEMO_RISKS:
        raise AssertionError(f"the first paint showed {rows} risks, not {DEMO_RISKS}")
    return float(painted) - started, float(opened) - started


def floor_run(register: Path, settings: Path) -> float:
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", FLOOR_CHILD, str(register)],
        cwd=ROOT, env=child_env(settings), capture_output=True, text=True, check=True,
        timeout=60,
    )  # fmt: skip
    return float(result.stdout.strip().splitlines()[-1]) - started


def run() -> None:
    from riskreg.demo import build_demo
    from riskreg.records import Actor

    with tempfile.TemporaryDirectory() as tmp:
        register = Path(tmp) / "demo.riskreg"
        settings = Path(tmp)
        build_demo(register, Actor("bench", "CNCL", "benchmark")).close()
        app_run(register, settings, "first-look")  # warm-up (disk and bytecode caches)
        app_run(register, settings, "open-first")
        looks = [app_run(register, settings, "first-look") for _ in range(RUNS)]
        firsts = [app_run(register, settings, "open-first") for _ in range(RUNS)]
        floor = [floor_run(register, settings) for _ in range(RUNS)]
        orm = [import_time() for _ in range(RUNS)]

    def ms(values: list[float]) -> float:
        return statistics.median(values) * 1000

    paint, ready = ms([p for p, _ in looks]), ms([o for _, o in looks])
    old_paint, old_ready = ms([p for p, _ in firsts]), ms([o for _, o in firsts])
    bare, sqla = ms(floor), ms(orm)
    print(f"start-up to first paint, demo register (warm, median of {RUNS}): "
          f"{paint:.0f} ms   (target ≤ 500 ms)")  # fmt: skip
    print(f"  register open, every command available: {ready:.0f} ms")
    print(f"  the register opened before the window shows (no first look): first paint "
          f"{old_paint:.0f} ms (first look {paint / old_paint:.2f}× of it), "
          f"open {old_ready:.0f} ms")  # fmt: skip
    print(f"  floor: bare QTableView over a sqlite3 SELECT, same rows: {bare:.0f} ms "
          f"(application {paint / bare:.2f}×)")  # fmt: skip
    print(f"  import sqlalchemy.orm alone, fresh process: {sqla:.0f} ms")


def import_time() -> float:
    """Seconds a fresh interpreter spends importing the ORM: the part of start-up that
    the register's services cannot avoid."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_CHILD], capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip())


if __name__ == "__main__":
    run()
