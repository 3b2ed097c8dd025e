"""A full disk, for real: the cases in ``full_disk_cases.py`` run on a 16 MB tmpfs mounted
in a private user and mount namespace (``unshare``), filled to the last byte."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MOUNT = 'mount -t tmpfs -o size=16m tmpfs "$1" && shift && exec "$@"'


def namespaces_allowed() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"],
        capture_output=True, check=False,
    )  # fmt: skip
    return probe.returncode == 0


def test_a_full_disk_is_reported_and_loses_nothing(tmp_path: Path) -> None:
    if not namespaces_allowed():
        pytest.skip("this machine does not allow unprivileged mount namespaces (unshare)")
    disk = tmp_path / "small disk"
    disk.mkdir()
    run = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", MOUNT, "sh", str(disk),
         sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"--basetemp={tmp_path / 'inner'}", "tests/full_disk_cases.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "FULL_DISK_DIR": str(disk)},
    )  # fmt: skip
    report = run.stdout[-4000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "4 passed" in run.stdout, report
