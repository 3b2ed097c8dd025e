"""Screenshots from a real X server at a laptop's size, for the README: the main window with
a risk selected, the print preview and the New risk dialog, at 1366×768 and 1024×768.

    python docs/real_screenshots.py        (needs Xvfb, openbox, xdotool, ImageMagick)

The window is driven as a user would (a click on a row, Ctrl+P, Ctrl+Shift+N); the shots
show what the window manager placed on the screen, frames included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, env=env, check=False, capture_output=True)


def shoot(width: int, height: int) -> None:
    display = ":171"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp"], stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(1)
    home = Path(tempfile.mkdtemp())
    env = {**os.environ, "DISPLAY": display, "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local")}  # fmt: skip
    env.pop("QT_QPA_PLATFORM", None)
    wm = subprocess.Popen(["openbox"], env=env, stderr=subprocess.DEVNULL)
    sys.path.insert(0, str(ROOT))
    from riskreg.demo import build_demo
    from riskreg.records import Actor

    register = home / "demo.riskreg"
    build_demo(register, Actor("Jo Whitfield", "CNCL", "demo")).close()
    app = subprocess.Popen([sys.executable, str(ROOT / "main.py"), str(register)], env=env)
    try:
        time.sleep(6)
        _run(["xdotool", "key", "--clearmodifiers", "Return"], env)  # acting for the keeper
        time.sleep(1)
        _run(["xdotool", "mousemove", "120", "300", "click", "1"], env)  # a row of the table
        time.sleep(1.5)
        size = f"{width}x{height}"
        _run(["import", "-window", "root", str(DOCS / f"window-{size}.png")], env)
        _run(["xdotool", "key", "--clearmodifiers", "ctrl+p"], env)
        time.sleep(3)
        _run(["import", "-window", "root", str(DOCS / f"print-preview-{size}.png")], env)
        _run(["xdotool", "key", "--clearmodifiers", "Escape"], env)
        time.sleep(1)
        _run(["xdotool", "key", "--clearmodifiers", "ctrl+shift+n"], env)
        time.sleep(2)
        _run(["import", "-window", "root", str(DOCS / f"new-risk-{size}.png")], env)
        print(f"wrote docs/window-{size}.png, print-preview-{size}.png, new-risk-{size}.png")
    finally:
        app.kill()
        wm.kill()
        xvfb.kill()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    for w, h in ((1366, 768), (1024, 768)):
        shoot(w, h)
