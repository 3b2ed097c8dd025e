"""The demo register and the command line that creates and checks registers."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from riskreg.choices import RiskStatus, Visibility
from riskreg.cli import main
from riskreg.demo import load_demo_content
from riskreg.integrity import check_register
from riskreg.service import RegisterService
from riskreg.store import open_register


def test_the_demo_register_passes_check(demo_path: Path) -> None:
    store = open_register(demo_path)
    try:
        report = check_register(store)
    finally:
        store.close()
    assert report.problems == ()
    assert (report.risks, report.actions) == (44, 88)


def test_the_demo_is_a_believable_partnership(demo: RegisterService) -> None:
    risks = demo.list_risks()
    scheme = demo.scheme()
    assert {p.code for p in demo.list_partners()} == {"CNCL", "APEX", "AQUA", "ARDN"}
    assert {r.category for r in risks} == {c.name for c in demo.list_categories()}
    assert set(Counter(r.status for r in risks)) == set(RiskStatus)
    bands = {scheme.band(r.current_likelihood, r.current_impact).name for r in risks}
    assert bands == set(scheme.band_names)
    assert {r.visibility for r in risks} == set(Visibility)
    assert sum(len(r.shares) > 1 for r in risks) >= 15
    assert sum(r.cost_likely is not None for r in risks) >= 8
    overdue = [a for a in demo.list_actions() if a.is_overdue(date.today())]
    assert 5 <= len(overdue) <= 30
    trends = Counter(demo.trends().values())
    assert trends[1] >= 3 and trends[-1] >= 3


def test_demo_content_file_has_two_actions_per_risk() -> None:
    content = load_demo_content()
    assert all(len(r["actions"]) == 2 for r in content["risks"])


def test_init_demo_then_check_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.riskreg"
    assert main(["init", str(path), "--demo"]) == 0
    assert main(["check", str(path)]) == 0
    assert "OK — schema" in capsys.readouterr().out


def test_init_with_partners_makes_the_first_the_keeper(tmp_path: Path) -> None:
    path = tmp_path / "new.riskreg"
    assert main(["init", str(path), "--name", "Blue light", "--partner", "FIRE:Fire service",
                 "--partner", "POL:Police"]) == 0  # fmt: skip
    from riskreg.service import open_service
    from tests.conftest import ALICE

    svc = open_service(path, ALICE)
    try:
        info = svc.register_info()
        assert (info.name, info.keeper_code) == ("Blue light", "FIRE")
    finally:
        svc.close()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: None, "no such register file"),
        (lambda p: p.write_bytes(b"PK\x03\x04 not a database"), "not an SQLite database"),
    ],
)
def test_bad_files_give_one_clear_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, expected: str
) -> None:
    path = tmp_path / "x.riskreg"
    make(path)  # type: ignore[operator]
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and err.count("\n") == 1


def test_a_newer_schema_is_one_line_exit_1(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    with sqlite3.connect(demo_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00d'")
    conn.close()
    assert main(["check", str(demo_path)]) == 1
    assert "newer version" in capsys.readouterr().err


def test_check_reports_broken_invariants(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    with sqlite3.connect(demo_path) as conn:
        conn.execute("DELETE FROM risk_share WHERE risk_id = 1")
        conn.execute("UPDATE risk SET ref = 'R-777' WHERE id = 2")
    conn.close()
    assert main(["check", str(demo_path)]) == 1
    err = capsys.readouterr().err
    assert "shares do not add up to 100 % on R-001 (0 %)" in err
    assert "risk refs that do not match their number: R-777" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "riskreg", "frobnicate"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.riskreg"
    assert main(["init", str(path), "--partner", "CNCL:Wessex County Council"]) == 0
    before = path.read_bytes()
    assert main(["init", str(path), "--demo"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_the_demo_service_works_in_the_present_once_built(tmp_path: Path) -> None:
    from riskreg.demo import build_demo
    from tests.conftest import ALICE

    service = build_demo(tmp_path / "d.riskreg", ALICE)
    try:
        assert service.today() == date.today()
    finally:
        service.close()
