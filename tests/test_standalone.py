"""The standalone copy as a risk lead gets it: built once per run by
``scripts/build_standalone.py``, unzipped into a folder with a space and an accent in its
path (a USB stick), and started there in a clean environment (no virtualenv, no Python on
the path) under a real X server. The folder's size and its start to first paint against
the same start from the virtualenv go into the test summary (``FIGURES``).

Skipped only when PyInstaller is not installed (``pip install -e ".[build]"``; ``.ci/run``
installs it): everything else this needs is a failure when missing.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskreg import __version__
from tests.standalone_helpers import (
    ROOT,
    XServer,
    answer_first_start,
    clean_env,
    grab_screen,
    quit_window,
    read_only,
    read_only_mounts_allowed,
    run_clean,
    running,
    start_x_server,
    window_names,
)

pytestmark = pytest.mark.slow

SIZE_TARGET_MB = 250
START_TARGET_RATIO = 2.0
TIMED_RUNS = 5
DEMO_RISKS = 44
DEMO_NAME = "A38 Corridor Highways Alliance"
FIGURES: dict[str, float] = {}
"""Measured in this run, printed in the test summary by ``tests/conftest.py``."""

sys.path.insert(0, str(ROOT / "scripts"))
import build_standalone as build  # noqa: E402


class Copy:
    """The unzipped standalone copy."""

    def __init__(self, folder: Path, build_paths: tuple[Path, ...]) -> None:
        self.folder = folder
        self.gui = folder / build.executable_name(build.APP_NAME)
        self.cli = folder / build.executable_name(build.CLI_NAME)
        self.build_paths = build_paths  # gone by now; nothing may name them


ZIP_ENV = "RISKREG_STANDALONE_ZIP"
"""Names a zip built before (a release about to go out) to test instead of building one."""


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Copy:
    unzip = shutil.which("unzip")
    assert unzip, "unzip is not installed (Debian: unzip); .ci/run installs it"
    given = os.environ.get(ZIP_ENV)
    workshop = tmp_path_factory.mktemp("standalone-build")
    dist, work = workshop / "dist", workshop / "work"
    archive = Path(given) if given else _build(dist, work)
    FIGURES["zip_mb"] = archive.stat().st_size / 1e6
    stick = tmp_path_factory.mktemp("usb") / "USB stick é" / "Risk tools"
    stick.mkdir(parents=True)
    subprocess.run([unzip, "-q", str(archive), "-d", str(stick)], check=True, timeout=600)
    shutil.rmtree(workshop)  # the copy must not lean on anything the build left
    folder = stick / build.APP_NAME
    FIGURES["size_mb"] = build.folder_bytes(folder) / 1e6
    # specific enough never to occur by chance: the sources, the virtualenv, the build folders
    build_paths = [ROOT / "riskreg", ROOT / "ui", dist, work]
    if sys.prefix != sys.base_prefix:
        build_paths.append(Path(sys.prefix) / "lib")
    return Copy(folder, tuple(build_paths))


def _build(dist: Path, work: Path) -> Path:
    """Build the copy as a release is built; its zip."""
    import importlib.util

    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip('PyInstaller is not installed: pip install -e ".[build]" (.ci/run does)')
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_standalone.py"), "--dist", str(dist),
         "--work", str(work)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    FIGURES["build_s"] = time.monotonic() - started
    return dist / build.archive_name()


@pytest.fixture(scope="module")
def x_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XServer]:
    server = start_x_server(tmp_path_factory.mktemp("window-manager"))
    yield server
    server.stop()


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in folder.rglob("*")}  # fmt: skip


# -- the folder --------------------------------------------------------------------------
def test_the_folder_is_within_the_size_target(copy: Copy) -> None:
    assert FIGURES["size_mb"] <= SIZE_TARGET_MB, f"{FIGURES['size_mb']:.1f} MB"


def test_the_folder_holds_both_programs_the_migrations_the_demo_and_the_stamp(copy: Copy) -> None:
    for program in (copy.gui, copy.cli):
        assert program.is_file() and program.stat().st_mode & stat.S_IXUSR, program
    internal = copy.folder / "_internal"
    versions = {p.name for p in (internal / "riskreg" / "migrations" / "versions").glob("0*.py")}
    shipped = {p.name for p in (ROOT / "riskreg" / "migrations" / "versions").glob("0*.py")}
    assert versions == shipped and versions
    assert (internal / "riskreg" / "migrations" / "env.py").is_file()
    assert (internal / "resources" / "demo_register.json").read_bytes() == (
        ROOT / "resources" / "demo_register.json"
    ).read_bytes()
    stamp = json.loads((internal / "riskreg" / build.STAMP_FILE).read_text(encoding="utf-8"))
    assert set(stamp) == {"commit", "commit_date", "built_on", "modified"}
    plugins = internal / "PySide6" / "Qt" / "plugins"
    platforms = {p.name for p in (plugins / "platforms").iterdir()}
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms
    assert (plugins / "printsupport").is_dir() and (plugins / "imageformats").is_dir()
    assert not (plugins / "tls").exists() and not (plugins / "networkinformation").exists()
    assert "libqeglfs.so" not in platforms and "libqvnc.so" not in platforms
    assert not (internal / "PySide6" / "Qt" / "translations").exists()


def test_the_copy_names_no_folder_of_the_build_machine(copy: Copy) -> None:
    """No file holds the source tree, the virtualenv or the build folders, and no library
    searches a folder outside the copy (only paths relative to itself, ``$ORIGIN``)."""
    needles = {str(p).encode() for p in copy.build_paths}
    naming = []
    for path in copy.folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            naming += [f"{path.relative_to(copy.folder)}: {n.decode()}" for n in needles
                       if n in data]  # fmt: skip
    assert not naming, naming[:10]
    readelf = shutil.which("readelf")
    assert readelf, "readelf is not installed (Debian: binutils)"
    outside = []
    for path in copy.folder.rglob("*.so*"):
        if path.is_symlink():
            continue
        dynamic = subprocess.run([readelf, "-d", str(path)], capture_output=True, text=True,
                                 check=False).stdout  # fmt: skip
        for line in dynamic.splitlines():
            if "RPATH" in line or "RUNPATH" in line:
                paths = line.split("[", 1)[1].rstrip("]").split(":")
                outside += [f"{path.name}: {p}" for p in paths if not p.startswith("$ORIGIN")]
    assert not outside, outside[:10]


# -- the command line --------------------------------------------------------------------
def test_the_command_line_says_its_version_and_build(copy: Copy, tmp_path: Path) -> None:
    result = run_clean([str(copy.cli), "--version"], clean_env(tmp_path, None))
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith(f"Joint Risk Register {__version__} (standalone; build "), line
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()  # fmt: skip
    if commit:
        assert commit in line, line


def test_the_command_line_exports_a_workbook_and_writes_a_meeting_pack(
    copy: Copy, tmp_path: Path
) -> None:
    import openpyxl
    from pypdf import PdfReader

    env = clean_env(tmp_path / "home", None)
    register = tmp_path / "the demo.riskreg"
    made = run_clean([str(copy.cli), "init", str(register), "--demo"], env)
    assert made.returncode == 0, made.stderr
    workbook = tmp_path / "for partners.xlsx"
    exported = run_clean([str(copy.cli), "export", str(register), str(workbook)], env)
    assert exported.returncode == 0, exported.stderr
    book = openpyxl.load_workbook(workbook, read_only=True)
    try:
        assert {"Risks", "Actions", "Heat map"} <= set(book.sheetnames)
        refs = [row[0] for row in book["Risks"].iter_rows(min_row=2, max_col=1, values_only=True)
                if row[0]]  # fmt: skip
    finally:
        book.close()
    assert len(refs) == DEMO_RISKS and refs[0] == "R-001"
    pack = tmp_path / "meeting pack.pdf"
    reported = run_clean([str(copy.cli), "report", str(register), str(pack)], env)
    assert reported.returncode == 0, reported.stderr
    reader = PdfReader(pack)
    assert len(reader.pages) > 5
    assert f"meeting pack of {len(reader.pages)} pages" in reported.stdout
    assert DEMO_NAME in " ".join(reader.pages[0].extract_text().split())
    checked = run_clean([str(copy.cli), "check", str(register)], env)
    assert checked.returncode == 0 and f"{DEMO_RISKS} risks" in checked.stdout


def test_the_command_line_copies_a_register_to_a_postgresql_server(
    copy: Copy, tmp_path: Path
) -> None:
    """The server driver (psycopg with its own libpq) is in the copy and works."""
    from tests.pg_server import scratch_database

    env = clean_env(tmp_path / "home", None)
    register = tmp_path / "demo.riskreg"
    assert run_clean([str(copy.cli), "init", str(register), "--demo"], env).returncode == 0
    with scratch_database() as url:
        copied = run_clean([str(copy.cli), "copy", str(register), url], env)
        assert copied.returncode == 0, copied.stderr
        assert "every table compared equal" in copied.stdout
        checked = run_clean([str(copy.cli), "check", url], env)
        assert checked.returncode == 0 and f"{DEMO_RISKS} risks" in checked.stdout


# -- the window --------------------------------------------------------------------------
def _band_pixels(screenshot: Path) -> dict[str, int]:
    from PySide6.QtGui import QImage

    from riskreg.scoring import DEFAULT_BANDS

    image = QImage(str(screenshot)).convertToFormat(QImage.Format.Format_RGB32)
    pixels = Counter(memoryview(image.constBits()).cast("I"))
    return {b.name: pixels[0xFF000000 | int(b.colour[1:], 16)] for b in DEFAULT_BANDS}


def test_the_first_start_shows_the_demo_register_and_keeps_running(
    copy: Copy, x_server: XServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = clean_env(home, x_server.display)
    before = _listing(copy.folder)
    with running([str(copy.gui)], env, tmp_path / "paint.log", home) as app:
        seconds, rows = app.first_paint()
        assert rows == DEMO_RISKS
        time.sleep(4)  # opened behind the first look, checked, backed up: still alive
        assert app.alive(), app.output()
        answer_first_start(x_server.display, app)  # which partner the user acts for
        shot = grab_screen(x_server.display, tmp_path / "window.png")
        names = window_names(x_server.display)
        assert quit_window(x_server.display, DEMO_NAME, app) == 0, app.output()
    assert any(name.startswith(DEMO_NAME) for name in names), names
    bands = _band_pixels(shot)
    # the score cells of the rows in view are painted in their bands' colours (the first
    # rows of the demo hold three of its four bands; R-012, the first Low, is below them)
    assert sum(count > 100 for count in bands.values()) >= 3, bands
    register = home / ".local" / "share" / "JointRiskRegister" / "register.riskreg"
    assert register.is_file()
    assert (home / ".config" / "JointRiskRegister").is_dir()  # settings in the user's folder
    assert _listing(copy.folder) == before  # nothing written into the copy's own folder
    FIGURES["first_start_s"] = seconds


def test_two_starts_at_once_open_two_windows_on_one_register(
    copy: Copy, x_server: XServer, tmp_path: Path
) -> None:
    """A double click twice on the first start: both windows show the demo, and the user's
    folder ends with one whole register, not two half-made ones in one file."""
    home = tmp_path / "home"
    env = clean_env(home, x_server.display)
    with (
        running([str(copy.gui)], env, tmp_path / "one.log", home) as one,
        running([str(copy.gui)], env, tmp_path / "two.log", home) as two,
    ):
        assert one.first_paint()[1] == DEMO_RISKS
        assert two.first_paint()[1] == DEMO_RISKS
        time.sleep(4)
        assert one.alive(), one.output()
        assert two.alive(), two.output()
        windows = [n for n in window_names(x_server.display) if n.startswith(DEMO_NAME)]
        assert len(windows) == 2, windows
    folder = home / ".local" / "share" / "JointRiskRegister"
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["register.riskreg"]
    with sqlite3.connect(folder / "register.riskreg") as db:
        assert db.execute("SELECT count(*) FROM register").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM risk").fetchone() == (DEMO_RISKS,)
    checked = run_clean([str(copy.cli), "check", str(folder / "register.riskreg")], env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_copy_runs_from_a_read_only_folder(
    copy: Copy, x_server: XServer, tmp_path: Path
) -> None:
    """As from a network share the user may only read."""
    if not read_only_mounts_allowed():
        pytest.skip("this machine does not allow unprivileged mount namespaces (unshare)")
    home = tmp_path / "home"
    env = clean_env(home, x_server.display)
    attempt = subprocess.run(read_only(copy.folder, ["/usr/bin/touch", str(copy.gui)], env),
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert attempt.returncode != 0 and "Read-only" in attempt.stderr, attempt  # truly read-only
    with running([str(copy.gui)], env, tmp_path / "paint.log", home, copy.folder) as app:
        assert app.first_paint()[1] == DEMO_RISKS
        time.sleep(3)
        assert app.alive(), app.output()


def test_the_copy_starts_within_twice_the_virtualenv_start(
    copy: Copy, x_server: XServer, tmp_path: Path
) -> None:
    """Start to first paint of the demo register, warm, median of five each, alternated:
    the copy against ``python main.py`` from this virtualenv, same register, same X server,
    same clean environment."""
    home = tmp_path / "home"
    env = clean_env(home, x_server.display)
    register = tmp_path / "demo.riskreg"
    assert run_clean([str(copy.cli), "init", str(register), "--demo"], env).returncode == 0
    starts = {
        "copy": [str(copy.gui), str(register)],
        "venv": [sys.executable, str(ROOT / "main.py"), str(register)],
    }
    times: dict[str, list[float]] = {name: [] for name in starts}
    for run in range(TIMED_RUNS + 1):  # the first of each warms the disk and bytecode caches
        for name, command in starts.items():
            cwd = ROOT if name == "venv" else home
            with running(command, env, tmp_path / f"{name}.log", cwd) as app:
                seconds, rows = app.first_paint()
                assert rows == DEMO_RISKS
                time.sleep(1.5)  # let it finish opening before the next start
                assert app.alive(), app.output()
            if run:
                times[name].append(seconds)
    copy_ms = statistics.median(times["copy"]) * 1000
    venv_ms = statistics.median(times["venv"]) * 1000
    FIGURES.update(copy_paint_ms=copy_ms, venv_paint_ms=venv_ms, ratio=copy_ms / venv_ms)
    assert copy_ms <= START_TARGET_RATIO * venv_ms, (times, copy_ms, venv_ms)


def test_the_tests_and_the_build_name_what_the_application_reads() -> None:
    from riskreg.version import STAMP_FILE
    from tests.standalone_helpers import PROBE_ENV
    from ui.startup_probe import ENV

    assert PROBE_ENV == ENV
    assert build.STAMP_FILE == STAMP_FILE
