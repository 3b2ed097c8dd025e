"""``python -m riskreg init``: a new partnership's register from the command line, every
refusal said by field with nothing written."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from riskreg.records import PartnerRecord
from riskreg.service import create_register, open_service
from riskreg.starter import ORANGE_BOOK_CATEGORIES
from tests.conftest import ALICE

ROOT = Path(__file__).resolve().parents[1]


def riskreg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "riskreg", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)  # fmt: skip


def test_init_sets_up_the_partnership_with_its_keeper_scheme_and_categories(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mendip.riskreg"
    result = riskreg("init", str(path), "--name", "Mendip partnership",
                     "--partner", "CNCL:Wessex County Council", "--partner", "AQUA:Aqua Vale",
                     "--keeper", "AQUA", "--scheme", "3x3")  # fmt: skip
    assert result.returncode == 0, result.stderr
    service = open_service(path, ALICE)
    try:
        info = service.register_info()
        assert (info.name, info.keeper_code, info.scheme.size) == ("Mendip partnership",
                                                                    "AQUA", (3, 3))  # fmt: skip
        assert [c.name for c in service.list_categories()] == sorted(ORANGE_BOOK_CATEGORIES)
        (created,) = [c for c in service.changes_between(datetime(2000, 1, 1))
                      if c.field == "*" and c.entity == "register"]  # fmt: skip
        assert created.partner_code == "AQUA"  # recorded for a partner of this register
    finally:
        service.close()


def test_init_without_a_partner_says_in_one_line_what_to_give(tmp_path: Path) -> None:
    result = riskreg("init", str(tmp_path / "x.riskreg"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "--partner CNCL" in result.stderr
    assert not (tmp_path / "x.riskreg").exists()


def test_init_refuses_bad_partners_and_keepers_by_field_and_writes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.riskreg"
    for args, said in (
        (["--partner", "cncl:Wessex"], "code: partner code 'cncl' must be in capitals"),
        (["--partner", "CNCL:Wessex", "--partner", "CNCL:Again"], "each partner code"),
        (["--partner", "CNCL:Wessex", "--keeper", "NOPE"], "keeper: 'NOPE' is not one"),
        (["--partner", "CNCL:Wessex", "--name", " "], "name: the register needs a name"),
    ):
        result = riskreg("init", str(path), *args)
        assert result.returncode == 1, (args, result.stderr)
        assert said in result.stderr
        assert not path.exists()
    path.write_bytes(b"mine")
    result = riskreg("init", str(path), "--partner", "CNCL:Wessex")
    assert result.returncode == 1 and "already exists" in result.stderr
    assert path.read_bytes() == b"mine"


def test_init_with_no_categories_and_the_first_partner_added_becomes_keeper(
    tmp_path: Path,
) -> None:
    path = tmp_path / "empty.riskreg"
    assert riskreg("init", str(path), "--partner", "CNCL:Wessex", "--categories", "none",
                   "--scheme", "4x4").returncode == 0  # fmt: skip
    service = open_service(path, ALICE)
    try:
        assert service.list_categories() == []
        assert service.scheme().size == (4, 4)
    finally:
        service.close()
    keeperless = create_register(tmp_path / "nobody.riskreg", ALICE, name="Nobody yet")
    try:
        assert keeperless.register_info().keeper_code is None
        keeperless.add_partner(PartnerRecord("AQUA", "Aqua Vale"))
        keeperless.add_partner(PartnerRecord("CNCL", "Wessex"))
        assert keeperless.register_info().keeper_code == "AQUA"
    finally:
        keeperless.close()
