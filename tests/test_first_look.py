"""The first look at a register file (stdlib sqlite3, at start-up) shows what the services
would: the same risks, partners and categories; anything unusual is left to the services."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from riskreg.choices import EscalationLevel, Proximity, Response, RiskStatus, Visibility
from riskreg.first_look import look_at
from riskreg.migrations import HEAD
from riskreg.records import RiskDraft
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE, file_digest

ROOT = Path(__file__).resolve().parents[1]


def test_the_first_look_holds_what_the_opened_register_gives(
    service: RegisterService, register_path: Path
) -> None:
    everything = service.create_risk(
        RiskDraft(
            "Every field set", "APEX", 4, 5, 3, 4, description="d", cause="c", consequence="q",
            category="Financial", owner="Ann", shares=(("APEX", 55), ("AQUA", 25), ("CNCL", 20)),
            visibility=Visibility.JOINT, response=Response.TRANSFER, controls="ctl",
            target_likelihood=2, target_impact=2, target_date=date(2027, 3, 31),
            proximity=Proximity.NEAR, cost_min=1_000, cost_likely=25_000, cost_max=90_000,
            raised_on=date(2026, 1, 2), last_reviewed=date(2026, 6, 1),
            next_review=date(2026, 8, 31),  # the High band allows 91 days
        )
    )  # fmt: skip
    service.escalate(everything.uuid, everything.version, EscalationLevel.SENIOR_EXECUTIVE, "r")
    bare = service.create_risk(RiskDraft("Nothing optional", "CNCL", 1, 1))
    service.close_risk(bare.uuid, bare.version)
    service.create_risk(RiskDraft("APEX's own", "APEX", 2, 2, visibility=Visibility.INTERNAL))

    look = look_at(register_path, HEAD, page=500, whole_up_to=5_000)

    assert look is not None
    info = service.register_info()
    assert (look.name, look.revision, look.scheme, look.location) == (
        info.name, info.revision, info.scheme, info.location,
    )  # fmt: skip
    assert (look.risk_count, look.action_count) == (info.risk_count, info.action_count)
    assert look.partners == service.list_partners()
    assert look.categories == service.list_categories()
    assert look.risks == service.list_risks()
    closed = look.risks[1]
    assert closed.status is RiskStatus.CLOSED and closed.closed_on is not None


def test_the_demo_register_looks_the_same_through_both_readers(demo_path: Path) -> None:
    look = look_at(demo_path, HEAD, page=500, whole_up_to=5_000)
    service = open_service(demo_path, ALICE)
    try:
        assert look is not None
        assert look.risks == service.list_risks()
        assert look.partners == service.list_partners()
    finally:
        service.close()


def test_a_large_register_is_looked_at_one_page_deep(demo_path: Path) -> None:
    look = look_at(demo_path, HEAD, page=7, whole_up_to=43)  # the demo holds 44 risks
    service = open_service(demo_path, ALICE)
    try:
        assert look is not None
        assert look.risk_count == 44
        assert look.risks == service.list_risks(first=7)
    finally:
        service.close()
    whole = look_at(demo_path, HEAD, page=7, whole_up_to=44)
    assert whole is not None and len(whole.risks) == 44


def test_anything_but_a_file_at_this_schema_is_left_to_the_services(
    demo_path: Path, tmp_path: Path
) -> None:
    def looked(location: str | Path) -> object:
        return look_at(location, HEAD, page=10, whole_up_to=100)

    assert looked("postgresql+psycopg://someone@server/register") is None
    assert looked(tmp_path / "missing.riskreg") is None
    assert looked(tmp_path) is None
    text = tmp_path / "notes.riskreg"
    text.write_text("not a database")
    assert looked(text) is None
    damaged = tmp_path / "damaged.riskreg"
    damaged.write_bytes(demo_path.read_bytes()[:9000])
    assert looked(damaged) is None
    older = tmp_path / "older.riskreg"
    older.write_bytes(demo_path.read_bytes())
    with sqlite3.connect(older) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0004'")
    conn.close()
    assert looked(older) is None  # opened by the services, which upgrade it
    with sqlite3.connect(older) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    assert looked(older) is None  # the services say it is from a newer version


def test_looking_never_writes_to_the_file(demo_path: Path) -> None:
    before = file_digest(demo_path), demo_path.stat().st_mtime_ns
    assert look_at(demo_path, HEAD, page=10, whole_up_to=100) is not None
    assert (file_digest(demo_path), demo_path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in demo_path.parent.iterdir()) == [demo_path.name]


def test_a_register_being_written_is_not_waited_for(demo_path: Path) -> None:
    """Another program holds the write lock: the look gives up at once (the ordinary open
    waits for the lock and says so if it must)."""
    writer = sqlite3.connect(demo_path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        started = time.perf_counter()
        assert look_at(demo_path, HEAD, page=10, whole_up_to=100) is None
        assert time.perf_counter() - started < 2.0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert look_at(demo_path, HEAD, page=10, whole_up_to=100) is not None


def test_the_window_and_the_first_look_import_no_sqlalchemy(demo_path: Path) -> None:
    """What start-up runs before the first paint stays off SQLAlchemy (a third of a second)."""
    probe = (
        "import sys\n"
        "import ui.main_window, ui.app\n"
        "from riskreg.first_look import look_at\n"
        "from riskreg.migrations import HEAD\n"
        f"assert look_at({str(demo_path)!r}, HEAD, page=10, whole_up_to=100) is not None\n"
        "heavy = ('sqlalchemy', 'alembic', 'openpyxl', 'riskreg.model', 'riskreg.service')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_register_left_half_written_is_not_shown_half_written(demo_path: Path) -> None:
    """A writer died mid-transaction and left its journal: the look cannot roll it back (it
    never writes), so it leaves the register to the services, which do."""
    crash = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA cache_size = 2')\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        "db.execute(\"UPDATE risk SET title = title || ' (half-written)'\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(demo_path)], check=True)
    journal = demo_path.with_name(demo_path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0

    assert look_at(demo_path, HEAD, page=10, whole_up_to=100) is None

    service = open_service(demo_path, ALICE)
    try:
        assert not any(r.title.endswith("(half-written)") for r in service.list_risks())
    finally:
        service.close()
    assert look_at(demo_path, HEAD, page=10, whole_up_to=100) is not None


def test_a_register_whose_path_has_spaces_and_url_characters_is_looked_at(
    demo_path: Path, tmp_path: Path
) -> None:
    odd = tmp_path / "Joint risks #2 ? 50% (draft)" / "A38 register.riskreg"
    odd.parent.mkdir()
    odd.write_bytes(demo_path.read_bytes())
    look = look_at(odd, HEAD, page=10, whole_up_to=100)
    assert look is not None
    assert look.location == str(odd) and look.risk_count == 44
