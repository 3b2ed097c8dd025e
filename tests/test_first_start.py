"""The first start: the user's default register is made with the demo partnership once,
even when two starts race for it (a double click twice on a slow first start)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from riskreg import first_start
from riskreg.first_start import open_default_register
from riskreg.records import Actor
from riskreg.service import RegisterService

DEMO_RISKS = 44
ROOT = Path(__file__).resolve().parent.parent
START = r"""
import sys, time
from pathlib import Path
from riskreg.first_start import open_default_register
from riskreg.records import Actor
location, user, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
service = open_default_register(location, Actor(user, "", "GUI"))
info = service.register_info()
print(info.uuid, info.risk_count)
service.close()
"""


def _registers_in(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as db:
        registers = db.execute("SELECT count(*) FROM register").fetchone()[0]
        risks = db.execute("SELECT count(*) FROM risk").fetchone()[0]
    return registers, risks


def test_the_first_start_makes_the_demo_register_in_the_users_folder(tmp_path: Path) -> None:
    location = tmp_path / "data" / "JointRiskRegister" / "register.riskreg"
    service = open_default_register(location, Actor("jo", "", "GUI"))
    try:
        assert service.register_info().risk_count == DEMO_RISKS
    finally:
        service.close()
    assert [p.name for p in location.parent.iterdir()] == ["register.riskreg"]
    assert _registers_in(location) == (1, DEMO_RISKS)


def test_a_later_start_opens_the_register_and_builds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = tmp_path / "register.riskreg"
    open_default_register(location, Actor("jo", "", "GUI")).close()
    before = location.read_bytes()

    def no_demo(*_args: object) -> None:
        raise AssertionError("the demo was built again")

    monkeypatch.setattr(first_start, "_publish_demo", no_demo)
    service = open_default_register(location, Actor("jo", "", "GUI"))
    service.close()
    assert location.read_bytes() == before


def test_two_first_starts_at_once_end_on_one_whole_register(tmp_path: Path) -> None:
    """Two processes, let go at the same instant. Without care both create the same file:
    one fails with two register rows and its clean-up deletes the file under the other."""
    location = tmp_path / "register.riskreg"
    go = tmp_path / "go"
    starts = [
        subprocess.Popen([sys.executable, "-c", START, str(location), user, str(go)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for user in ("jo", "sam")
    ]  # fmt: skip
    time.sleep(2)  # both have imported everything and wait
    go.touch()
    answers = [start.communicate(timeout=180) for start in starts]
    for start, (_out, err) in zip(starts, answers, strict=True):
        assert start.returncode == 0, err[-3000:]
    uuids = {out.split()[0] for out, _ in answers}
    assert len(uuids) == 1  # both opened the same register
    assert all(out.split()[1] == str(DEMO_RISKS) for out, _ in answers)
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "go")
    assert leftovers == ["register.riskreg"]  # no half-made register left about
    assert _registers_in(location) == (1, DEMO_RISKS)


def test_a_first_start_that_fails_leaves_no_register_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = tmp_path / "register.riskreg"
    import riskreg.demo

    real_build = riskreg.demo.build_demo

    def build_then_fail(path: Path, actor: Actor) -> RegisterService:
        real_build(path, actor).close()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(riskreg.demo, "build_demo", build_then_fail)
    with pytest.raises(OSError, match="No space"):
        open_default_register(location, Actor("jo", "", "GUI"))
    assert list(tmp_path.iterdir()) == []  # neither a register nor the partial one


def test_where_hard_links_are_refused_the_demo_is_still_put_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FAT stick or a network share without hard links."""
    location = tmp_path / "register.riskreg"

    def no_links(*_args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(first_start.os, "link", no_links)
    service = open_default_register(location, Actor("jo", "", "GUI"))
    service.close()
    assert [p.name for p in tmp_path.iterdir()] == ["register.riskreg"]
    assert _registers_in(location) == (1, DEMO_RISKS)
