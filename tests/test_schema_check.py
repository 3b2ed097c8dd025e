"""The schema check knows exactly what the migrations make, and compares definitions the
way SQLite reads them: spelling (case, white space, quotes, comments) aside, nothing else."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from riskreg import schema_check
from riskreg.migrations import HEAD, KNOWN
from riskreg.store import schemas_made_by_migrations


def test_the_manifest_is_what_the_migrations_make_at_every_revision() -> None:
    """After adding a migration: python -m riskreg.schema_check --write"""
    made = schemas_made_by_migrations()
    assert made == schema_check.manifest()
    assert set(made) == KNOWN and list(made)[-1] == HEAD
    text = schema_check._manifest_path().read_text(encoding="utf-8")
    assert text == schema_check.write_manifest(made, made)  # written by the command, untouched


def test_definitions_are_compared_by_their_tokens_not_their_spelling() -> None:
    canonical = schema_check.canonical
    assert canonical('CREATE TABLE "Risk" (\n\tid INTEGER NOT NULL -- the key\n)') == canonical(
        "create table risk (id integer /* key */ not null)"
    )
    assert canonical("CREATE TABLE [risk] (`id` INT)") == canonical("create table risk (id int)")
    assert canonical("CHECK (status = 'Open')") != canonical("CHECK (status = 'open')")
    assert canonical("DEFAULT 1") != canonical("DEFAULT 10")
    assert canonical("CHECK (a > 0)") != canonical("CHECK (a >= 0)")
    assert canonical(None) is None


def test_a_register_made_now_holds_exactly_its_revisions_objects(register_path: Path) -> None:
    from riskreg.store import create_register_file

    create_register_file(register_path).close()
    connection = sqlite3.connect(register_path)
    try:
        verdict = schema_check.verify(connection)
    finally:
        connection.close()
    assert verdict.ok and verdict.label == HEAD and verdict.holds == HEAD


def test_names_from_the_file_are_shown_fit_to_print() -> None:
    shown = schema_check.shown_name("trg\u202eevil\nname" + "x" * 100)
    assert "\u202e" not in shown and "\n" not in shown and len(shown) == 60
    assert shown.endswith("…")
