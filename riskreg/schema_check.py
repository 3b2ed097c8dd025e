"""Does a register file hold only what the application's migrations make?

Before anything is read from a register file, its schema objects (tables, indexes,
triggers, views) are compared with those the migrations create at the schema the file's
label names. Anything else — a trigger, a view, a table redefined, an index the
application did not make — or a label that does not match the objects is refused, with the
objects named, before a single row is read: SQL written by the file's author never runs.

The objects each migration leaves are recorded in ``migrations/schema.json`` (written by
``python -m riskreg.schema_check --write`` from the migrations themselves, and kept equal
to them by a test), so the check needs neither Alembic nor SQLAlchemy: the first look at
start-up runs it too. Definitions are compared token by token, ignoring case, white space,
comments and identifier quoting, so a file made by another version of SQLAlchemy that
spells the same DDL differently still matches.

Standard library only.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "schema.json"
SCHEMA_TIME_LIMIT_S = 5.0
"""Reading the schema of even a large register takes milliseconds."""

ObjectKey = tuple[str, str]
"""(type, name) of a schema object: ("table", "risk"), ("trigger", "trg_x")."""
Objects = dict[ObjectKey, tuple[str, str | None]]
"""Each object's table and canonical definition (None for SQLite's automatic indexes)."""

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$))
  | (?P<string>'(?:[^']|'')*'?)
  | (?P<quoted>"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|\[[^\]]*\]?)
  | (?P<word>[^\W\d][\w$]*)
  | (?P<number>[0-9][\w.]*|\.[0-9]\w*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


TABLE_CONSTRAINTS = ("constraint", "primary", "unique", "check", "foreign")
"""How a table-level constraint clause of CREATE TABLE begins."""


def canonical(sql: str | None) -> str | None:
    """A definition as a sequence of tokens: keywords and identifiers in lower case and
    unquoted, literals as written, white space and comments dropped; a table's own
    constraint clauses in sorted order (their order means nothing, and Alembic's rebuild of
    a table writes them in an order that varies from run to run)."""
    if sql is None:
        return None
    return _constraints_sorted(_tokens(sql))


def _constraints_sorted(tokens: list[str]) -> str:
    if tokens[:2] != ["create", "table"] or "(" not in tokens or tokens[-1] != ")":
        return " ".join(tokens)
    start = tokens.index("(")
    items: list[list[str]] = [[]]
    depth = 0
    for token in tokens[start + 1 : -1]:
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        if token == "," and depth == 0:
            items.append([])
        else:
            items[-1].append(token)
    if depth != 0:  # not balanced: compared as written (it will not match)
        return " ".join(tokens)
    columns = [item for item in items if not item or item[0] not in TABLE_CONSTRAINTS]
    constraints = sorted(
        (item for item in items if item and item[0] in TABLE_CONSTRAINTS), key=" ".join
    )
    body = " , ".join(" ".join(item) for item in columns + constraints)
    return " ".join(tokens[: start + 1]) + " " + body + " )"


def _tokens(sql: str) -> list[str]:
    tokens = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        text = match.group()
        if kind == "space":
            continue
        if kind == "quoted":
            text = text[1:-1] if len(text) > 1 else ""
            text = text.replace('""', '"').replace("``", "`").lower()
        elif kind in ("word", "number"):
            text = text.lower()
        tokens.append(text)
    return tokens


@functools.lru_cache(maxsize=1)
def manifest() -> dict[str, Objects]:
    """Revision → the objects the migrations leave at that revision."""
    text = _manifest_path().read_text(encoding="utf-8")
    raw: dict[str, list[list[str | None]]] = json.loads(text)
    return {
        revision: {(str(t), str(n)): (str(tbl), sql) for t, n, tbl, sql in rows}
        for revision, rows in raw.items()
    }


def _manifest_path() -> Path:
    return Path(__file__).with_name("migrations") / MANIFEST


def objects_of(connection: sqlite3.Connection) -> Objects:
    """The schema objects a file holds (reading ``sqlite_schema`` runs nothing of it)."""
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetchall()
    return {(str(t), str(n)): (str(tbl), canonical(sql)) for t, n, tbl, sql in rows}


def manifest_rows(objects: Objects) -> list[list[str | None]]:
    return [[t, n, tbl, sql] for (t, n), (tbl, sql) in sorted(objects.items())]


@dataclass(frozen=True, slots=True)
class SchemaVerdict:
    """What the file's schema is, compared with what the application makes."""

    label: str | None
    """The revision the file says it is at (``alembic_version``), if it can be read."""
    problems: tuple[str, ...]
    """Each in plain words; empty: the file holds exactly the objects of its label."""
    holds: str | None = None
    """The revision whose objects the file holds exactly, when there is one."""
    is_register: bool = True
    """False: an SQLite file of another program (no register or alembic_version table)."""
    known: bool = True
    """False: a label this version does not know (a newer application wrote the file)."""

    @property
    def ok(self) -> bool:
        return self.is_register and self.known and not self.problems


def verify(connection: sqlite3.Connection) -> SchemaVerdict:
    """Compare the file's objects with what the migrations make at its label. Raises
    ``sqlite3.Error`` when the schema itself cannot be read (a damaged file)."""
    actual = objects_of(connection)
    expected_by_revision = manifest()
    if ("table", "register") not in actual or ("table", "alembic_version") not in actual:
        return SchemaVerdict(None, (), is_register=False)
    # the latest such revision: one that moves data only holds its parent's objects too
    holds = next((rev for rev, objects in reversed(expected_by_revision.items())
                  if objects == actual), None)  # fmt: skip
    label_table = next(iter(expected_by_revision.values()))[("table", "alembic_version")]
    if actual[("table", "alembic_version")] != label_table:
        return SchemaVerdict(None, _differences(actual, expected_by_revision[_head()]), holds)
    labels = [str(row[0]) for row in connection.execute("SELECT version_num FROM alembic_version")]
    if len(labels) != 1:
        problem = f"its schema label holds {len(labels)} revisions instead of one"
        return SchemaVerdict(None, (problem,), holds)
    label = labels[0]
    expected = expected_by_revision.get(label)
    if expected is None:
        return SchemaVerdict(label, (), holds, known=False)
    if expected == actual:
        return SchemaVerdict(label, (), label)
    if holds is not None:
        problem = (
            f"its schema label says {shown_name(label)}, but it holds the objects of schema {holds}"
        )
        return SchemaVerdict(label, (problem,), holds)
    return SchemaVerdict(label, _differences(actual, expected), holds)


def _head() -> str:
    return list(manifest())[-1]  # the manifest runs oldest first


def _differences(actual: Objects, expected: Objects) -> tuple[str, ...]:
    extra = [key for key in actual if key not in expected]
    missing = [key for key in expected if key not in actual]
    changed = [key for key in expected if key in actual and actual[key] != expected[key]]
    problems = []
    if extra:
        problems.append(f"it holds objects the application did not make: {_names(extra)}")
    if changed:
        problems.append(f"it holds objects unlike those the application made: {_names(changed)}")
    if missing:
        problems.append(f"it lacks objects the application makes: {_names(missing)}")
    return tuple(problems)


def _names(keys: Sequence[ObjectKey], limit: int = 8) -> str:
    ordered = sorted(keys, key=lambda k: (_ORDER.get(k[0], 9), k[1]))
    shown = ", ".join(f"{kind} {shown_name(name)}" for kind, name in ordered[:limit])
    more = len(ordered) - limit
    return shown + (f" and {more} more" if more > 0 else "")


_ORDER = {"trigger": 0, "view": 1, "table": 2, "index": 3}
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown_name(name: str, most: int = 60) -> str:
    """A name from the file, fit to be printed: control and direction characters made
    visible, long names cut (with an ellipsis, so nothing passes for the whole name)."""
    text = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", name)
    return text if len(text) <= most else text[: most - 1] + "…"


def verify_file(path: Path, *, immutable: bool = False, timeout_s: float = 1.0) -> SchemaVerdict:
    """``verify`` on a read-only, hardened connection of its own, bounded in time.
    ``immutable`` reads the file alone, ignoring any journal beside it."""
    from riskreg.sqlite_guard import bounded, connect

    connection = connect(path, read_only=True, immutable=immutable, timeout_s=timeout_s)
    try:
        with bounded(connection, SCHEMA_TIME_LIMIT_S):
            connection.execute("BEGIN")
            try:
                return verify(connection)
            finally:
                connection.execute("ROLLBACK")
    finally:
        connection.close()


def tables_matching(actual: Objects, revision: str) -> list[str]:
    """The tables of ``revision`` that the file holds exactly as the migrations make them
    (what a clean copy can take), in the manifest's order."""
    expected = manifest()[revision]
    return [
        name
        for (kind, name), value in expected.items()
        if kind == "table" and actual.get((kind, name)) == value
    ]


def write_manifest(schemas: dict[str, Objects], revisions: Iterable[str]) -> str:
    """The manifest's text for the given revisions (oldest first)."""
    blocks = []
    for revision in revisions:
        rows = ",\n".join(
            "  " + json.dumps(row, ensure_ascii=False) for row in manifest_rows(schemas[revision])
        )
        blocks.append(f" {json.dumps(revision)}: [\n{rows}\n ]")
    return "{\n" + ",\n".join(blocks) + "\n}\n"  # one object a line: readable diffs


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m riskreg.schema_check [--write]``: print (or write) the manifest the
    migrations make now. Run it after adding a migration."""
    from riskreg.store import schemas_made_by_migrations

    args = list(sys.argv[1:] if argv is None else argv)
    schemas = schemas_made_by_migrations()
    text = write_manifest(schemas, schemas)
    if args == ["--write"]:
        target = _manifest_path()
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}: {len(schemas)} revisions")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
