"""The register file: creating, opening, upgrading, refusing, backing up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from riskreg import revisions, store
from riskreg.errors import NewerSchema, NotARegister, RegisterExists, RegisterNotFound
from riskreg.model import Base
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE


def test_a_new_file_is_at_the_newest_schema_and_matches_the_model(register_path: Path) -> None:
    created = store.create_register_file(register_path)
    try:
        assert created.schema_revision() == store.head_revision()
        with created.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        created.close()


def test_connections_use_foreign_keys_and_a_journal_safe_on_network_shares(
    service: RegisterService, register_path: Path
) -> None:
    opened = store.open_register(register_path)
    try:
        with opened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        opened.close()


def test_creating_over_an_existing_file_is_refused(
    service: RegisterService, register_path: Path
) -> None:
    with pytest.raises(RegisterExists, match="already exists"):
        store.create_register_file(register_path)


def test_a_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(RegisterNotFound, match=r"nowhere\.riskreg: no such register file"):
        store.open_register(tmp_path / "nowhere.riskreg")


def test_a_file_that_is_not_sqlite_is_not_a_register(tmp_path: Path) -> None:
    path = tmp_path / "notes.riskreg"
    path.write_text("minutes of the last meeting")
    with pytest.raises(NotARegister, match="not an SQLite database"):
        store.open_register(path)


def test_an_sqlite_file_of_another_program_is_not_a_register(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE things (id INTEGER)")
    conn.close()
    with pytest.raises(NotARegister, match="not a risk register"):
        store.open_register(path)


def test_a_file_from_a_newer_version_is_refused_and_left_alone(
    service: RegisterService, register_path: Path
) -> None:
    service.close()
    with sqlite3.connect(register_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = register_path.read_bytes()
    with pytest.raises(NewerSchema, match="newer version of Joint Risk Register"):
        store.open_register(register_path)
    assert register_path.read_bytes() == before


def test_a_file_made_by_the_previous_schema_is_upgraded_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.riskreg"
    old = store._make_store(f"sqlite:///{path}", path, 1000)
    store.upgrade_to(old, "0001")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO register (id, uuid, name, scheme_json, revision, next_risk_number,"
                " next_action_number, created_at) VALUES (1, 'u-1', 'Old register', :scheme, 0, 1,"
                " 1, '2025-01-01 00:00:00')"
            ),
            {"scheme": __import__("riskreg.scoring").scoring.ScoringScheme.default().to_json()},
        )
    old.close()

    svc = open_service(path, ALICE)
    try:
        info = svc.register_info()
        assert info.schema_version == store.head_revision() != "0001"
        assert info.name == "Old register"
        assert (tmp_path / f"old.riskreg.before-schema-{store.head_revision()}").exists()
    finally:
        svc.close()


def test_migrations_run_on_an_empty_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.riskreg"
    sqlite3.connect(path).close()  # zero-byte file, as a user's "New file" would make
    created = store.create_register_file(path)
    try:
        assert created.schema_revision() == store.head_revision()
    finally:
        created.close()


def test_a_backup_copy_is_a_register_with_the_same_content(
    service: RegisterService, tmp_path: Path
) -> None:
    from riskreg.records import RiskDraft

    service.create_risk(RiskDraft("Supplier fails", "CNCL", 3, 4))
    copy = service.backup_to(tmp_path / "backups" / "copy.riskreg")
    backup = open_service(copy, ALICE)
    try:
        assert [r.title for r in backup.list_risks()] == ["Supplier fails"]
        assert backup.register_info().uuid == service.register_info().uuid
    finally:
        backup.close()


def test_a_writer_holding_the_file_makes_others_wait_then_say_busy(
    service: RegisterService, register_path: Path
) -> None:
    from riskreg.errors import RegisterBusy
    from riskreg.records import RiskDraft

    impatient = open_service(register_path, ALICE, busy_timeout_ms=200)
    holder = sqlite3.connect(register_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program is writing
        before = register_path.read_bytes()
        with pytest.raises(RegisterBusy, match="the register is busy"):
            impatient.create_risk(RiskDraft("Waits", "CNCL", 2, 2))
        assert register_path.read_bytes() == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert impatient.create_risk(RiskDraft("Now it lands", "CNCL", 2, 2)).ref == "R-001"
    impatient.close()


def test_a_register_that_cannot_be_written_says_so_and_changes_nothing(
    service: RegisterService, register_path: Path
) -> None:
    from riskreg.errors import RegisterReadOnly
    from riskreg.records import RiskDraft

    service.close()
    before = register_path.read_bytes()
    read_only = open_service(f"sqlite:///file:{register_path}?mode=ro&uri=true", ALICE)
    try:
        assert read_only.register_info().name == "Test alliance"  # reading still works
        with pytest.raises(RegisterReadOnly, match="it is read-only"):
            read_only.create_risk(RiskDraft("Not saved", "CNCL", 2, 2))
    finally:
        read_only.close()
    assert register_path.read_bytes() == before


def test_the_schema_head_known_without_alembic_matches_the_migrations() -> None:
    head, known = revisions.alembic_revisions()
    assert store.head_revision() == head
    assert revisions.known_revisions() == known
