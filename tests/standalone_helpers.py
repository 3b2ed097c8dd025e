"""What the standalone tests need around the built copy: a real X server, a clean
environment with no virtualenv and no Python on its path, the start-up stopwatch, a
screenshot, and a read-only mount."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREEN = "1366x768"
PROBE_ENV = "RISKREG_FIRST_PAINT_LOG"  # ui.startup_probe.ENV, kept equal by a test

GRAB = r"""
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(["grab"])
if not app.primaryScreen().grabWindow(0).save(sys.argv[1]):
    sys.exit("the screen could not be grabbed")
"""


@dataclass
class XServer:
    display: str
    server: subprocess.Popen[bytes]
    window_manager: subprocess.Popen[bytes] | None

    def stop(self) -> None:
        for process in (self.window_manager, self.server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def start_x_server(home: Path) -> XServer:
    """Xvfb on a free display at a laptop's screen size, with openbox when installed
    (``home`` takes the window manager's own files)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise AssertionError("Xvfb is not installed (Debian: xvfb); .ci/run installs it")
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", f"{SCREEN}x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()
    if not number.isdigit():
        server.kill()
        raise AssertionError("Xvfb did not say which display it took")
    display = f":{number}"
    manager = None
    openbox = shutil.which("openbox")
    if openbox is not None:
        manager = subprocess.Popen(
            [openbox], env={"DISPLAY": display, "HOME": str(home)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    return XServer(display, server, manager)


def clean_env(home: Path, display: str | None, **extra: str) -> dict[str, str]:
    """A user's session with nothing of ours in it: no PATH (so no Python), no virtualenv,
    only the display and the user's own folders."""
    runtime = home / ".runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(runtime),
        **extra,
    }
    if display is not None:
        env["DISPLAY"] = display
    return env


def run_clean(
    command: Sequence[str], env: dict[str, str], **options: object
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with exactly ``env`` (as ``env -i`` would)."""
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        list(command), env=env, capture_output=True, text=True, timeout=120, check=False,
        **options,
    )  # fmt: skip


@dataclass
class Started:
    process: subprocess.Popen[bytes]
    started: float  # time.time() just before the launch
    log: Path  # the start-up stopwatch's file
    output_file: Path  # what the application printed

    def first_paint(self, timeout: float = 90.0) -> tuple[float, int]:
        """Seconds from launch to the register table's first paint, and its rows."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log.exists():
                line = self.log.read_text(encoding="utf-8").strip()
                if line:
                    painted, rows = line.splitlines()[0].split()
                    return float(painted) - self.started, int(rows)
            if self.process.poll() is not None:
                raise AssertionError(f"the application ended ({self.process.returncode}) "
                                     f"before it painted:\n{self.output()}")  # fmt: skip
            time.sleep(0.01)
        raise AssertionError(f"no first paint within {timeout:.0f} s:\n{self.output()}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self) -> str:
        text = self.output_file.read_text(encoding="utf-8", errors="replace")
        return text[-5000:]


def start_app(
    command: Sequence[str], env: dict[str, str], log: Path, cwd: Path,
    read_only_folder: Path | None = None,
) -> Started:  # fmt: skip
    """Launch the window with exactly ``env`` and the start-up stopwatch writing to ``log``
    (with ``read_only_folder`` mounted read-only for it)."""
    log.unlink(missing_ok=True)
    app_env = {**env, PROBE_ENV: str(log)}
    launch, launch_env = list(command), app_env
    if read_only_folder is not None:
        launch, launch_env = read_only(read_only_folder, command, app_env), dict(os.environ)
    output_file = log.with_suffix(".out")
    with output_file.open("wb") as output:
        started = time.time()
        process = subprocess.Popen(launch, env=launch_env, cwd=cwd, stdout=output,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    return Started(process, started, log, output_file)


@contextlib.contextmanager
def running(
    command: Sequence[str], env: dict[str, str], log: Path, cwd: Path,
    read_only_folder: Path | None = None,
) -> Iterator[Started]:  # fmt: skip
    app = start_app(command, env, log, cwd, read_only_folder)
    try:
        yield app
    finally:
        app.stop()


def grab_screen(display: str, out: Path) -> Path:
    """A screenshot of the whole X screen, taken by Qt over the X connection."""
    subprocess.run(
        [sys.executable, "-c", GRAB, str(out)], check=True, timeout=60,
        env={"DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "HOME": str(out.parent)},
    )  # fmt: skip
    return out


def window_names(display: str) -> list[str]:
    """The names of the visible windows (xdotool)."""
    xdotool = shutil.which("xdotool")
    if xdotool is None:
        raise AssertionError("xdotool is not installed (Debian: xdotool); .ci/run installs it")
    env = {"DISPLAY": display}
    found = subprocess.run([xdotool, "search", "--onlyvisible", "--name", "."], env=env,
                           capture_output=True, text=True, check=False)  # fmt: skip
    names = []
    for window in found.stdout.split():
        named = subprocess.run([xdotool, "getwindowname", window], env=env,
                               capture_output=True, text=True, check=False)  # fmt: skip
        names.append(named.stdout.strip())
    return names


def answer_first_start(display: str, started: Started) -> None:
    """The first start's question (which partner the user acts for) answered with its
    default, as a user would: a modal question takes the keys and covers the window."""
    xdotool = shutil.which("xdotool")
    assert xdotool, "xdotool is not installed (Debian: xdotool); .ci/run installs it"
    env = {"DISPLAY": display}
    asked = subprocess.run([xdotool, "search", "--onlyvisible", "--pid",
                            str(started.process.pid), "--name", "^Which partner"],
                           env=env, capture_output=True, text=True, check=False)  # fmt: skip
    for question in asked.stdout.split():
        subprocess.run([xdotool, "windowactivate", "--sync", question, "key", "Return"],
                       env=env, check=False, timeout=30)  # fmt: skip
        time.sleep(1.0)


def quit_window(display: str, name_prefix: str, started: Started) -> int:
    """Quit the application as a user does (Ctrl+Q in its window); its exit status."""
    xdotool = shutil.which("xdotool")
    assert xdotool, "xdotool is not installed (Debian: xdotool); .ci/run installs it"
    env = {"DISPLAY": display}
    answer_first_start(display, started)
    found = subprocess.run([xdotool, "search", "--onlyvisible", "--pid",
                            str(started.process.pid), "--name", f"^{name_prefix}"],
                           env=env, capture_output=True, text=True, check=False)  # fmt: skip
    windows = found.stdout.split()
    assert windows, f"no window named {name_prefix!r} of process {started.process.pid}"
    subprocess.run([xdotool, "windowactivate", "--sync", windows[0], "key", "--clearmodifiers",
                    "ctrl+q"], env=env, check=False, timeout=30)  # fmt: skip
    return started.process.wait(timeout=30)


def read_only_mounts_allowed() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"],
                           capture_output=True, check=False)  # fmt: skip
    return probe.returncode == 0


def read_only(folder: Path, command: Sequence[str], env: dict[str, str]) -> list[str]:
    """``command`` run with ``folder`` mounted read-only (as from a read-only network share)
    in a private mount namespace, and with exactly ``env``."""
    mount = shutil.which("mount")
    script = (f'{mount} --bind "$1" "$1" && {mount} -o remount,bind,ro "$1" && shift && '
              'exec "$@"')  # fmt: skip
    pairs = [f"{key}={value}" for key, value in env.items()]
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh",
            str(folder), "/usr/bin/env", "-i", *pairs, *command]  # fmt: skip
