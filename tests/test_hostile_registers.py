"""Register files from elsewhere are untrusted input: each hostile or damaged file below is
refused in plain words or opened safely — the user's data unchanged, no traceback, within
a time bound. The cases run are printed at the end of the test run (the README's fault
table is copied from it)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from riskreg import backups, schema_check, sqlite_guard, store
from riskreg.cli import main as cli
from riskreg.errors import DamagedRegister, RegisterError, RegisterTimeout, UntrustedRegister
from riskreg.first_look import look_at
from riskreg.migrations import HEAD
from riskreg.records import RiskDraft
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE, file_digest
from tests.hostile_registers import (
    ENDLESS,
    NAMED,
    NO_CLEAN_COPY,
    SCHEMA_ATTACKS,
    another_register,
    crash_mid_write,
    damage_page,
    run_sql,
)

SECONDS = 5.0
"""Every refusal below must come within this (none may hang)."""
CASES: Counter[str] = Counter()
"""Fault → cases run; printed by conftest's terminal summary."""
OUTCOMES: dict[str, str] = {}
"""Fault → what happened, in the README's words."""
T = TypeVar("T")


def timed(run: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = run()
    assert time.perf_counter() - started < SECONDS
    return result


def refused(run: Callable[[], object]) -> RegisterError:
    started = time.perf_counter()
    with pytest.raises(RegisterError) as caught:
        run()
    assert time.perf_counter() - started < SECONDS
    message = str(caught.value)
    assert message.strip() and "Traceback" not in message
    return caught.value


def cli_run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = timed(lambda: cli(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def folder_listing(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its SHA-256: what "changes nothing on disk" means."""
    return {str(p.relative_to(folder)): file_digest(p) for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


@pytest.fixture
def hostile(demo_path: Path) -> Callable[[str], Path]:
    def make(fault: str) -> Path:
        run_sql(demo_path, SCHEMA_ATTACKS[fault])
        return demo_path

    return make


def demo_titles(path: Path) -> list[str]:
    service = open_service(path, ALICE)
    try:
        return [r.title for r in service.list_risks()]
    finally:
        service.close()


# -- objects the application did not make --------------------------------------------------
@pytest.mark.parametrize("fault", list(SCHEMA_ATTACKS))
def test_a_register_holding_what_the_application_did_not_make_is_refused_before_it_runs(
    fault: str, hostile: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = hostile(fault)
    before = folder_listing(path.parent)

    error = refused(lambda: open_service(path, ALICE))
    assert isinstance(error, UntrustedRegister)
    assert NAMED[fault] in str(error), str(error)
    assert timed(lambda: look_at(path, HEAD, page=500, whole_up_to=5_000)) is None
    code, out, err = cli_run(["check", str(path)], capsys)
    assert code == 1 and "OK" not in out and NAMED[fault] in err, err
    for command in (["export", str(path), str(path.with_name("out.xlsx"))],
                    ["report", str(path), str(path.with_name("out.pdf"))]):  # fmt: skip
        code, _, err = cli_run(command, capsys)
        assert code == 1 and NAMED[fault] in err, err

    # nothing was run or written: no upgrade copy, no backup, the file byte for byte as it was
    assert folder_listing(path.parent) == before
    CASES[fault] += 1
    OUTCOMES[fault] = f"refused, naming it (“{NAMED[fault]}”); nothing read or run"


@pytest.mark.parametrize("fault", list(SCHEMA_ATTACKS))
def test_a_clean_copy_takes_the_registers_data_and_leaves_the_rest(
    fault: str,
    hostile: Callable[[str], Path],
    demo_template: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = hostile(fault)
    source = file_digest(path)
    clean = path.with_name("clean.riskreg")
    code, out, err = cli_run(["copy", str(path), str(clean)], capsys)
    assert file_digest(path) == source
    if fault in NO_CLEAN_COPY:
        assert code == 1 and NO_CLEAN_COPY[fault] in err, err
        assert not clean.exists()  # no half-written copy left behind
        OUTCOMES[fault + " (copy)"] = f"clean copy refused: “{NO_CLEAN_COPY[fault]}”"
        return
    assert code == 0 and "a clean copy" in out, out + err
    with sqlite3.connect(clean) as raw:
        held = schema_check.objects_of(raw)
    raw.close()
    assert held == schema_check.manifest()[HEAD]  # exactly what the migrations make
    original = open_service(demo_template, ALICE)
    copy = open_service(clean, ALICE)
    try:
        assert [(r.ref, r.title, r.current_score) for r in copy.list_risks()] == [
            (r.ref, r.title, r.current_score) for r in original.list_risks()
        ]
        assert copy.register_info().uuid == original.register_info().uuid
        first = copy.list_risks()[0]
        history = len(copy.history(first.uuid))
        copy.edit_risk(first.uuid, first.version, {"title": "Edited in the clean copy"})
        # what the file's triggers would have done does not happen in the copy
        assert copy.get_risk(first.uuid).title == "Edited in the clean copy"
        assert len(copy.history(first.uuid)) == history + 1
        assert copy.register_info().name == original.register_info().name
        assert copy.check().ok
    finally:
        original.close()
        copy.close()
    OUTCOMES[fault + " (copy)"] = "clean copy: every row kept, nothing else of the file"


def test_no_upgrade_copy_is_left_by_a_label_that_lies(demo_path: Path) -> None:
    run_sql(demo_path, "UPDATE alembic_version SET version_num = '0004';")
    refused(lambda: open_service(demo_path, ALICE))
    assert not list(demo_path.parent.glob("*.before-schema-*"))


# -- journals ---------------------------------------------------------------------------
def test_a_stray_journal_of_another_register_is_set_aside_not_merged(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "elsewhere").mkdir()
    other = another_register(tmp_path / "elsewhere")
    crash_mid_write(other, "UPDATE risk SET title = title || ' (other)'")
    journal = demo_path.with_name(demo_path.name + "-journal")
    shutil.copyfile(other.with_name(other.name + "-journal"), journal)
    titles = demo_titles_alone(demo_path)
    before = folder_listing(demo_path.parent)

    code, _, err = cli_run(["check", str(demo_path)], capsys)
    assert code == 1 and "does not belong to it" in err, err
    assert folder_listing(demo_path.parent) == before  # check changed nothing on disk

    service = timed(lambda: open_service(demo_path, ALICE))
    try:
        assert [r.title for r in service.list_risks()] == titles
        notes = service.check().notes
        assert any("did not belong to it" in n and "set aside" in n for n in notes), notes
    finally:
        service.close()
    assert not journal.exists()
    kept = sorted(p.name for p in (demo_path.parent / "demo backups").iterdir())
    assert len(kept) == 2 and kept[1] == kept[0] + "-journal"  # the file and the journal
    assert file_digest(demo_path) == before["demo.riskreg"]
    CASES["a stray rollback journal of another register beside it"] += 1
    OUTCOMES["a stray rollback journal of another register beside it"] = (
        "opened as it was on disk; the journal set aside (copied to the backup folder with "
        "the file first); check reports it and changes nothing"
    )


def demo_titles_alone(path: Path) -> list[str]:
    """The titles the file holds by itself (any journal beside it ignored)."""
    connection = sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True)
    try:
        return [t for (t,) in connection.execute("SELECT title FROM risk ORDER BY number")]
    finally:
        connection.close()


def test_a_stray_write_ahead_log_of_another_register_is_set_aside(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "elsewhere").mkdir()
    other = another_register(tmp_path / "elsewhere")
    crash_mid_write(other, "UPDATE risk SET title = title || ' (other)'", wal=True)
    log = demo_path.with_name(demo_path.name + "-wal")
    shutil.copyfile(other.with_name(other.name + "-wal"), log)
    titles = demo_titles_alone(demo_path)
    before = folder_listing(demo_path.parent)

    code, _, err = cli_run(["check", str(demo_path)], capsys)
    assert code == 1 and "write-ahead log" in err and "does not belong" in err, err
    assert folder_listing(demo_path.parent) == before

    service = timed(lambda: open_service(demo_path, ALICE))
    try:
        assert [r.title for r in service.list_risks()] == titles
    finally:
        service.close()
    assert not log.exists()
    assert file_digest(demo_path) == before["demo.riskreg"]
    CASES["a stray write-ahead log of another register beside it"] += 1
    OUTCOMES["a stray write-ahead log of another register beside it"] = (
        "opened as it was on disk; the log set aside, never merged"
    )


def test_an_unfinished_write_of_the_register_itself_is_completed_after_a_copy(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crash_mid_write(demo_path, "UPDATE risk SET title = title || ' (half-written)'")
    before = folder_listing(demo_path.parent)
    code, out, err = cli_run(["check", str(demo_path)], capsys)
    assert code == 0 and "OK" in out and "unfinished write" in err, out + err
    assert folder_listing(demo_path.parent) == before

    service = timed(lambda: open_service(demo_path, ALICE))
    try:
        assert not any(r.title.endswith("(half-written)") for r in service.list_risks())
        assert any("completed safely" in n for n in service.check().notes)
    finally:
        service.close()
    kept = sorted(p.name for p in (demo_path.parent / "demo backups").iterdir())
    assert [n.endswith(("before recovery.riskreg", "before recovery.riskreg-journal"))
            for n in kept] == [True, True]  # fmt: skip
    CASES["the register's own journal, left by a crash"] += 1
    OUTCOMES["the register's own journal, left by a crash"] = (
        "recovered after a copy of the file and journal; check (beforehand) says so and "
        "changes nothing"
    )


def test_check_changes_nothing_on_a_write_ahead_log_file(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(demo_path) as raw:
        raw.execute("PRAGMA journal_mode = WAL")
    raw.close()
    before = folder_listing(demo_path.parent)
    code, out, _ = cli_run(["check", str(demo_path)], capsys)
    assert code == 0 and "OK" in out
    assert folder_listing(demo_path.parent) == before  # no -wal, no -shm, mode kept


# -- damage -----------------------------------------------------------------------------
def test_a_damaged_page_is_refused_in_plain_words_by_check_and_every_command(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage_page(demo_path)
    before = file_digest(demo_path)
    code, out, err = cli_run(["check", str(demo_path)], capsys)
    assert code == 1 and "OK" not in out and err.strip(), err
    for command in (
        ["export", str(demo_path), str(demo_path.with_name("out.xlsx"))],
        ["report", str(demo_path), str(demo_path.with_name("out.pdf"))],
        ["heatmap", str(demo_path), str(demo_path.with_name("out.png"))],
        ["snapshots", str(demo_path)],
    ):
        code, _, err = cli_run(command, capsys)
        assert code == 1 and "damaged" in err, (command, err)
    assert timed(lambda: look_at(demo_path, HEAD, page=500, whole_up_to=5_000)) is None

    def read_every_risk() -> None:
        service = open_service(demo_path, ALICE)
        try:
            service.list_risks()
        finally:
            service.close()

    assert isinstance(refused(read_every_risk), DamagedRegister)
    assert file_digest(demo_path) == before
    CASES["a damaged page (a risk table page overwritten)"] += 1
    OUTCOMES["a damaged page (a risk table page overwritten)"] = (
        "refused in plain words by check (exit 1) and every command; the window offers the "
        "latest good backup"
    )


def test_a_damaged_backup_is_listed_as_damaged_and_never_offered(
    demo: RegisterService, demo_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    noon = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    good = backups.take(demo.with_clock(lambda: noon), "before import")
    damaged = backups.take(demo.with_clock(lambda: noon + timedelta(hours=1)), "before import")
    tampered = backups.take(demo.with_clock(lambda: noon + timedelta(hours=2)), "daily")
    assert good and damaged and tampered
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 3])
    run_sql(tampered, "CREATE TRIGGER trg_x AFTER UPDATE ON risk BEGIN DELETE FROM change; END;")

    listed = timed(lambda: backups.listing(demo_path))
    assert [b.path for b in listed] == [tampered, damaged, good]
    assert [b.restorable for b in listed] == [False, False, True]
    assert "trigger trg_x" in listed[0].problem and listed[1].problem
    latest = backups.latest_good(demo_path)
    assert latest is not None and latest.path == good
    for bad in (tampered, damaged):
        with pytest.raises(RegisterError, match="cannot be restored"):
            backups.restore(bad, demo_path)
    CASES["a damaged backup, and a backup holding a trigger"] += 1
    OUTCOMES["a damaged backup, and a backup holding a trigger"] = (
        "listed with what is wrong, never offered or restored; the latest good copy is "
        "offered instead"
    )


# -- time bounds --------------------------------------------------------------------------
def test_a_save_running_past_its_time_bound_is_rolled_back_with_a_message(
    demo: RegisterService, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = file_digest(demo_path)
    monkeypatch.setattr(sqlite_guard, "STATEMENT_TIME_LIMIT_S", 0.000_001)
    drafts = [RiskDraft(f"Risk {n}", "CNCL", 3, 3) for n in range(3_000)]
    error = refused(lambda: demo.create_risks(drafts))
    assert isinstance(error, RegisterTimeout) and "nothing was saved" in str(error)
    monkeypatch.undo()
    assert file_digest(demo_path) == before
    assert len(demo.list_risks()) == 44  # the connection carries on
    CASES["a save that runs past its time bound"] += 1
    OUTCOMES["a save that runs past its time bound"] = (
        "rolled back: “took longer than … nothing was saved”; the file unchanged"
    )


def test_triggers_and_views_stay_inert_even_if_the_schema_check_were_passed(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second line: every connection's authorizer refuses what a trigger or a view
    would read or write, so even a file the schema check let through could run nothing."""
    spin = tmp_path / "spin.riskreg"
    shutil.copyfile(demo_path, spin)
    run_sql(spin, SCHEMA_ATTACKS[
        "a trigger with an endless query (Save would hold the write lock forever)"])  # fmt: skip
    view = tmp_path / "view.riskreg"
    shutil.copyfile(demo_path, view)
    run_sql(
        view, SCHEMA_ATTACKS["the risk table replaced by a view with an endless recursive query"]
    )
    monkeypatch.setattr(store, "_verify_schema", lambda *args, **kwargs: None)

    before = file_digest(spin)
    service = open_service(spin, ALICE)
    try:
        risk = service.list_risks()[0]
        error = refused(lambda: service.edit_risk(risk.uuid, risk.version, {"title": "x"}))
        assert isinstance(error, UntrustedRegister)
    finally:
        service.close()
    assert file_digest(spin) == before
    service = open_service(view, ALICE, upgrade=False)
    try:
        assert isinstance(refused(service.list_risks), UntrustedRegister)
    finally:
        service.close()


def test_an_endless_query_on_a_hardened_connection_is_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "empty.riskreg"
    sqlite3.connect(path).close()
    connection = sqlite_guard.connect(path, read_only=True)
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):  # a CTE is a view
        connection.execute(f"SELECT count(*) FROM ({ENDLESS})").fetchone()
    connection.set_authorizer(None)  # the bound alone, as if the endless query ran anyway
    try:
        started = time.perf_counter()
        with (
            pytest.raises(sqlite3.OperationalError, match="interrupted"),
            sqlite_guard.bounded(connection, 0.3),
        ):
            connection.execute(f"SELECT count(*) FROM ({ENDLESS})").fetchone()
        assert time.perf_counter() - started < 3.0
        assert sqlite_guard.was_interrupted(connection)
        assert connection.execute("PRAGMA trusted_schema").fetchone() == (0,)
    finally:
        connection.close()


# -- backups: private and apart -------------------------------------------------------------
@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_backups_of_a_private_register_stay_private_and_a_restore_keeps_its_permissions(
    demo: RegisterService, demo_path: Path
) -> None:
    os.chmod(demo_path, 0o600)
    copy = backups.take(demo, "before import")
    assert copy is not None
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    demo.close()
    os.chmod(copy, 0o644)  # even a copy others could read: the register keeps its own bits
    aside = backups.restore(copy, demo_path)
    assert stat.S_IMODE(demo_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    CASES["a private (0600) register's backups and restore"] += 1
    OUTCOMES["a private (0600) register's backups and restore"] = (
        "every copy 0600 from its first byte; a restored register keeps 0600"
    )


def test_two_registers_of_one_name_sharing_a_backup_folder_never_mix(
    demo_template: Path, tmp_path: Path
) -> None:
    from riskreg.service import create_register

    shared = backups.Policy(tmp_path / "shared backups", keep=2)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = create_register(tmp_path / "a" / "joint.riskreg", ALICE, name="First")
    second = create_register(tmp_path / "b" / "joint.riskreg", ALICE, name="Second")
    first.backup_policy = second.backup_policy = shared
    try:
        made = {first.register_info().uuid: [], second.register_info().uuid: []}
        for service in (first, second, first, second, first):
            copy = backups.take(service, "daily")
            assert copy is not None
            uuid = service.register_info().uuid
            assert uuid in copy.name
            made[uuid].append(copy)
            time.sleep(1.01)  # names are stamped to the second
        for service in (first, second):
            uuid = service.register_info().uuid
            assert service.path is not None
            listed = backups.listing(service.path, shared)
            assert {b.path for b in listed} == set(made[uuid][-2:])  # its own newest two
            latest = backups.latest_good(service.path, shared)
            assert latest is not None and latest.path == made[uuid][-1]
    finally:
        first.close()
        second.close()
    CASES["two registers called joint.riskreg sharing a backup folder"] += 1
    OUTCOMES["two registers called joint.riskreg sharing a backup folder"] = (
        "each keeps and is offered only its own copies (names carry the register's uuid)"
    )


def test_a_clean_copy_of_a_hostile_file_can_go_straight_to_a_server(
    hostile: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.pg_server import scratch_database

    path = hostile(WIPE_FAULT)
    with scratch_database() as url:
        code, out, err = cli_run(["copy", str(path), url], capsys)
        assert code == 0 and "a clean copy" in out and "trigger trg_wipe" in err, out + err
        code, out, _ = cli_run(["check", url], capsys)
        assert code == 0 and "44 risks" in out


WIPE_FAULT = next(iter(SCHEMA_ATTACKS))


def test_a_pipe_named_like_a_register_is_refused_at_once_never_waited_on(
    tmp_path: Path,
) -> None:
    """Reading a FIFO blocks until something writes to it: the command must not wait."""
    import subprocess
    import sys

    fifo = tmp_path / "joint.riskreg"
    os.mkfifo(fifo)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "riskreg", "check", str(fifo)],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1 and time.monotonic() - started < 30
    assert "not a regular file" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(RegisterError, match="not a regular file"):
        open_service(fifo, ALICE)


WRONG_VALUES = {
    "a likelihood of text": ("UPDATE risk SET current_likelihood = 'abc' WHERE ref = 'R-003'",
                             "risk 'R-003': its current_likelihood is not a whole number"),
    "a date that is no date": ("UPDATE risk SET next_review = '2026-13-45' WHERE ref = 'R-003'",
                               "risk 'R-003': its next_review is not a date"),
    "a status no version knows": ("UPDATE risk SET status = 'Pwned' WHERE ref = 'R-003'",
                                  "risk 'R-003': its status is not one of Draft, Open, Closed"),
    "a title that is a blob": ("UPDATE risk SET title = x'00ff00ff' WHERE ref = 'R-003'",
                               "risk 'R-003': its title is not text"),
    "an action's date of a number": ("UPDATE action SET due_date = 20270115 WHERE ref = 'A-001'",
                                     "action 'A-001': its due_date is not a date"),
    "a scheme nested 50,000 deep": ("UPDATE register SET scheme_json = '" + "[" * 50_000 + "'",
                                    "nested too deeply to be a scheme"),
}  # fmt: skip


@pytest.mark.parametrize("fault", list(WRONG_VALUES))
def test_a_value_of_the_wrong_kind_is_refused_in_words_by_check_every_command_and_the_window(
    demo_path: Path, tmp_path: Path, fault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite keeps any value in any column: a program (or a partner) writing one the
    application never would must meet a refusal naming the row, not a traceback."""
    statement, said = WRONG_VALUES[fault]
    with sqlite3.connect(demo_path) as conn:
        conn.execute(statement)
    conn.close()
    before = file_digest(demo_path)
    assert cli(["check", str(demo_path)]) == 1
    checked = capsys.readouterr()
    assert said in checked.out + checked.err and "Traceback" not in checked.err
    assert cli(["export", str(demo_path), str(tmp_path / "out.xlsx")]) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and not (tmp_path / "out.xlsx").exists()
    assert said in str(refused(lambda: open_service(demo_path, ALICE)))
    first = look_at(str(demo_path), HEAD, page=1000, whole_up_to=5000)
    assert first is None  # the window's first look leaves it alone
    assert file_digest(demo_path) == before
    OUTCOMES[f"{fault} (a value of the wrong kind)"] = "refused by check, commands and window"
