"""Hostile and damaged register files, made from a copy of the demo register with the
standard library's sqlite3 (as anyone with a shell could), for tests/test_hostile_registers.py."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from riskreg.migrations import HEAD
from riskreg.records import PartnerRecord, RiskDraft
from riskreg.service import create_register
from tests.conftest import ALICE

ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n"


def run_sql(path: Path, script: str) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.executescript(script)
    finally:
        connection.close()


RISK_VIEW = f"""
PRAGMA legacy_alter_table = ON;
ALTER TABLE risk RENAME TO risk_data;
CREATE VIEW risk AS SELECT risk_data.* FROM risk_data, ({ENDLESS});
"""
REDEFINED_CATEGORY = """
PRAGMA legacy_alter_table = ON;
ALTER TABLE category RENAME TO category_old;
CREATE TABLE category (id INTEGER NOT NULL, name VARCHAR(100) NOT NULL,
    appetite VARCHAR(40), note TEXT DEFAULT '', CONSTRAINT pk_category PRIMARY KEY (id),
    CONSTRAINT uq_category_name UNIQUE (name));
INSERT INTO category (id, name, appetite) SELECT id, name, appetite FROM category_old;
DROP TABLE category_old;
"""

SCHEMA_ATTACKS: dict[str, str] = {
    "a trigger that wipes the change log, re-scores risks and renames the register on save": """
        CREATE TRIGGER trg_wipe AFTER UPDATE ON risk BEGIN
            DELETE FROM change WHERE id > 5;
            UPDATE risk SET current_likelihood = 1 WHERE id <= 40;
            UPDATE register SET name = 'Taken over';
        END;""",
    "a trigger that silently reverts the user's edit": """
        CREATE TRIGGER trg_revert AFTER UPDATE OF title ON risk BEGIN
            UPDATE risk SET title = old.title WHERE id = new.id;
        END;""",
    "a trigger that grows the file by 800 MB on save": f"""
        CREATE TABLE pad (x BLOB);
        CREATE TRIGGER trg_grow AFTER INSERT ON change BEGIN
            INSERT INTO pad SELECT zeroblob(1000000) FROM ({ENDLESS} LIMIT 800);
        END;""",
    "a trigger with an endless query (Save would hold the write lock forever)": f"""
        CREATE TRIGGER trg_spin BEFORE UPDATE ON risk BEGIN
            SELECT count(*) FROM ({ENDLESS});
        END;""",
    "the risk table replaced by a view with an endless recursive query": RISK_VIEW,
    "an extra view": "CREATE VIEW summary AS SELECT ref, title FROM risk;",
    "an index the application did not make (on an expression)": (
        "CREATE INDEX ix_title_length ON risk (length(title));"
    ),
    "a table redefined (an extra column)": REDEFINED_CATEGORY,
    "an extra table": "CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('hello');",
    "a schema label that lies (0004 on the current schema)": (
        "UPDATE alembic_version SET version_num = '0004';"
    ),
    "two schema labels": "INSERT INTO alembic_version VALUES ('0003');",
}
"""Fault → the SQL its author put into the file."""

NAMED = {
    "a trigger that wipes the change log, re-scores risks and renames the register on save": (
        "trigger trg_wipe"
    ),
    "a trigger that silently reverts the user's edit": "trigger trg_revert",
    "a trigger that grows the file by 800 MB on save": "trigger trg_grow",
    "a trigger with an endless query (Save would hold the write lock forever)": (
        "trigger trg_spin"
    ),
    "the risk table replaced by a view with an endless recursive query": "view risk",
    "an extra view": "view summary",
    "an index the application did not make (on an expression)": "index ix_title_length",
    "a table redefined (an extra column)": "table category",
    "an extra table": "table notes",
    "a schema label that lies (0004 on the current schema)": (
        f"its schema label says 0004, but it holds the objects of schema {HEAD}"
    ),
    "two schema labels": "its schema label holds 2 revisions",
}
"""Fault → what the refusal names."""

NO_CLEAN_COPY = {
    "the risk table replaced by a view with an endless recursive query": (
        "risk: a view in its place"
    ),
    "a table redefined (an extra column)": "category: not as the application makes it",
}
"""Faults whose tables themselves are not the register's: refused by the clean copy too."""


def another_register(folder: Path) -> Path:
    """A different small register (its own uuid and rows), to take journals from."""
    path = folder / "other.riskreg"
    service = create_register(path, ALICE, name="Another partnership",
                              partners=[PartnerRecord("ZED", "Zed Ltd")], keeper="ZED")  # fmt: skip
    service.create_risks(  # enough pages that a crashed write has spilled into the file
        [RiskDraft(f"Other risk {n}", "ZED", 2, 2, description="x" * 400) for n in range(300)]
    )
    service.close()
    return path


def crash_mid_write(path: Path, sql: str, *, wal: bool = False) -> None:
    """A process that dies in the middle of a write (or, in WAL mode, after committing to
    its log with no checkpoint), leaving its journal or log beside the file."""
    script = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        + ("db.execute('PRAGMA journal_mode = WAL')\n"
           "db.execute('PRAGMA wal_autocheckpoint = 0')\n" if wal else "")
        + "db.execute('PRAGMA cache_size = 2')\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        f"db.execute({sql!r})\n"
        + ("db.execute('COMMIT')\n" if wal else "")
        + "os._exit(0)\n"
    )  # fmt: skip
    subprocess.run([sys.executable, "-c", script, str(path)], check=True)


def damage_page(path: Path, table: str = "risk") -> None:
    """Overwrite the first page of a table's b-tree with garbage, as a bad disk sector or a
    half-copied file would."""
    connection = sqlite3.connect(path)
    try:
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    finally:
        connection.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(bytes([0x0D, 0xFF, 0xFF, 0xFF]) + b"\xa5" * (page_size - 4))


Builder = Callable[[Path], None]
