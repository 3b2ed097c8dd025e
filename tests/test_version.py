"""What a risk lead reads to tell support which version (and which build) they run."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from riskreg import __version__, version
from riskreg.version import BuildStamp, parse_stamp, version_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_standalone as build  # noqa: E402


def test_the_version_is_declared_once() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert declared["project"]["version"] == __version__


def test_run_from_source_the_version_says_so() -> None:
    assert version.build_stamp() is None  # no stamp in a source tree
    assert version_text() == f"Joint Risk Register {__version__} (from source)"


def test_the_command_line_prints_its_version_on_one_line() -> None:
    result = subprocess.run([sys.executable, "-m", "riskreg", "--version"], cwd=ROOT,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Joint Risk Register {__version__} (from source)\n"


def test_a_standalone_copy_names_its_build(monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = BuildStamp("039220a884ec", "2026-12-01", "2026-12-02", modified=False)
    monkeypatch.setattr(version, "build_stamp", lambda: stamp)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert version_text() == (
        f"Joint Risk Register {__version__} (standalone; build 039220a884ec of 2026-12-01, "
        "built 2026-12-02)"
    )


def test_the_stamp_the_build_writes_is_read_back(tmp_path: Path) -> None:
    written = build.write_stamp(tmp_path)
    stamp = parse_stamp(written.read_text(encoding="utf-8"))
    assert stamp is not None
    text = written.read_text(encoding="utf-8")
    assert str(ROOT) not in text and str(Path.home()) not in text  # no build-machine path
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()  # fmt: skip
    if commit:
        assert stamp.commit == commit and stamp.commit_date is not None
    assert "local changes" in stamp.describe() or not stamp.modified


def test_a_stamp_from_outside_a_git_clone_still_says_when_it_was_built() -> None:
    text = json.dumps({"commit": None, "commit_date": None, "built_on": "2026-12-02",
                       "modified": False})  # fmt: skip
    stamp = parse_stamp(text)
    assert stamp is not None and stamp.describe() == "built 2026-12-02 outside a git clone"


@pytest.mark.parametrize(
    "text",
    [
        "", "not json", "[]", "null", '"text"',
        '{"commit": "039220a", "commit_date": "2026-12-01", "built_on": "2026-12-01"}',
        '{"commit": "../../etc/passwd", "commit_date": "2026-12-01", "built_on": "2026-12-01",'
        ' "modified": false}',
        '{"commit": "039220a", "commit_date": "2026-13-45", "built_on": "2026-12-01",'
        ' "modified": false}',
        '{"commit": "039220a", "commit_date": "2026-12-01", "built_on": 20261201,'
        ' "modified": false}',
        '{"commit": "039220a", "commit_date": null, "built_on": "2026-12-01", "modified": false}',
        '{"commit": "039220a", "commit_date": "2026-12-01", "built_on": "2026-12-01",'
        ' "modified": "yes"}',
        '{"commit": "<b>039220a</b>", "commit_date": "2026-12-01", "built_on": "2026-12-01",'
        ' "modified": false}',
    ],
)  # fmt: skip
def test_a_damaged_stamp_is_reported_as_no_stamp(text: str) -> None:
    assert parse_stamp(text) is None
