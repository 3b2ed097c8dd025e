"""Values a register file holds where the application reads them: each of the right kind.

SQLite keeps whatever a program writes in any column ("abc" as a likelihood, a blob as a
title, "2026-13-45" as a date, a status no version knows), and the window, ``check`` and
``export`` would fail on reading such a row. So a file at this version's schema is read
for them first — one scan of each table the window reads in full — and refused, naming the
row and the column, before anything builds a record from them.

The kinds are written out here (no SQLAlchemy: the first look runs this before it is
loaded); a test keeps them equal to ``riskreg.model``.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Sequence

from riskreg.choices import (
    ActionStatus,
    AppetiteLevel,
    EscalationLevel,
    Proximity,
    Response,
    RiskKind,
    RiskStatus,
    Visibility,
)

Kind = str | type[enum.Enum]
"""``int``, ``text``, ``date``, ``datetime``, ``bool``, or the enum whose values it holds."""

COLUMNS: dict[str, tuple[str, tuple[tuple[str, Kind, bool], ...]]] = {
    # table: (how a row is named, ((column, kind, nullable), ...))
    "register": ("'the register'", (
        ("uuid", "text", False), ("name", "text", False), ("keeper_partner_id", "int", True),
        ("scheme_json", "text", False), ("revision", "int", False),
        ("next_risk_number", "int", False), ("next_action_number", "int", False),
        ("created_at", "datetime", False), ("escalate_after_days", "int", False),
    )),
    "partner": ("'partner ' || quote(code)", (
        ("id", "int", False), ("code", "text", False), ("name", "text", False),
        ("colour", "text", False), ("contact", "text", False), ("active", "bool", False),
    )),
    "category": ("'category ' || quote(name)", (
        ("id", "int", False), ("name", "text", False), ("appetite", AppetiteLevel, True),
    )),
    "partner_appetite": ("'an appetite of partner ' || quote(partner_id)", (
        ("partner_id", "int", False), ("category_id", "int", False),
        ("level", AppetiteLevel, False),
    )),
    "risk": ("quote(ref)", (
        ("id", "int", False), ("uuid", "text", False), ("number", "int", False),
        ("ref", "text", False), ("title", "text", False), ("description", "text", False),
        ("cause", "text", False), ("consequence", "text", False),
        ("category_id", "int", True), ("status", RiskStatus, False),
        ("lead_partner_id", "int", False), ("owner", "text", False),
        ("visibility", Visibility, False), ("response", Response, False),
        ("controls", "text", False), ("inherent_likelihood", "int", True),
        ("inherent_impact", "int", True), ("current_likelihood", "int", True),
        ("current_impact", "int", True), ("target_likelihood", "int", True),
        ("target_impact", "int", True), ("target_date", "date", True),
        ("proximity", Proximity, True), ("cost_min", "int", True),
        ("cost_likely", "int", True), ("cost_max", "int", True),
        ("raised_on", "date", False), ("last_reviewed", "date", True),
        ("next_review", "date", True), ("closed_on", "date", True),
        ("escalation", EscalationLevel, False), ("version", "int", False),
        ("kind", RiskKind, False),
    )),
    "risk_share": ("'a share of risk id ' || quote(risk_id)", (
        ("risk_id", "int", False), ("partner_id", "int", False), ("percent", "int", False),
    )),
    "action": ("quote(ref)", (
        ("id", "int", False), ("uuid", "text", False), ("number", "int", False),
        ("ref", "text", False), ("risk_id", "int", False), ("description", "text", False),
        ("partner_id", "int", False), ("owner", "text", False), ("due_date", "date", True),
        ("status", ActionStatus, False), ("progress", "int", False),
        ("completed_on", "date", True), ("version", "int", False),
    )),
    "risk_acceptance": ("'an acceptance of risk id ' || quote(risk_id)", (
        ("id", "int", False), ("uuid", "text", False), ("risk_id", "int", False),
        ("partner_id", "int", True), ("accepted_by", "text", False),
        ("justification", "text", False), ("accepted_on", "date", False),
        ("expires_on", "date", False), ("withdrawn_on", "date", True),
        ("version", "int", False),
    )),
}  # fmt: skip
"""The tables the window reads whole when it opens a register. The history's tables are
read a risk at a time, and shown as text."""

_EXPECTED = {"int": "a whole number", "text": "text", "date": "a date (YYYY-MM-DD)",
             "datetime": "a date and time", "bool": "0 or 1"}  # fmt: skip
MOST_SHOWN = 5


def _bad(column: str, kind: Kind, nullable: bool) -> str:
    """The SQL condition of a value that is not of its kind."""
    c = f'"{column}"'
    if kind == "int":
        wrong = f"typeof({c}) <> 'integer'"
    elif kind == "text":
        wrong = f"typeof({c}) <> 'text'"
    elif kind == "bool":
        wrong = f"typeof({c}) <> 'integer' OR {c} NOT IN (0, 1)"
    elif kind == "date":
        wrong = f"typeof({c}) <> 'text' OR date({c}) IS NOT {c}"
    elif kind == "datetime":
        wrong = f"typeof({c}) <> 'text' OR datetime({c}) IS NULL"
    else:
        assert isinstance(kind, type)
        values = ", ".join("'" + str(m.value).replace("'", "''") + "'" for m in kind)
        wrong = f"typeof({c}) <> 'text' OR {c} NOT IN ({values})"
    return f"({c} IS NOT NULL AND ({wrong}))" if nullable else f"({c} IS NULL OR {wrong})"


def _expected(kind: Kind) -> str:
    if isinstance(kind, str):
        return _EXPECTED[kind]
    return "one of " + ", ".join(str(m.value) for m in kind)


def _query(table: str) -> str:
    name, columns = COLUMNS[table]
    cases = " ".join(f"WHEN {_bad(c, k, n)} THEN {i}" for i, (c, k, n) in enumerate(columns))
    where = " OR ".join(_bad(c, k, n) for c, k, n in columns)
    return (f"SELECT {name}, CASE {cases} END FROM \"{table}\" WHERE {where} "
            f"LIMIT {MOST_SHOWN + 1}")  # fmt: skip


def value_problems(connection: sqlite3.Connection) -> tuple[str, ...]:
    """Each table's rows holding a value of the wrong kind, in plain words (at most a few
    a table); empty when every value is one the application reads."""
    problems: list[str] = []
    for table, (_, columns) in COLUMNS.items():
        rows: Sequence[tuple[object, int]] = connection.execute(_query(table)).fetchall()
        for named, index in rows[:MOST_SHOWN]:
            column, kind, _ = columns[index]
            problems.append(f"{table} {named}: its {column} is not {_expected(kind)}")
        if len(rows) > MOST_SHOWN:
            problems.append(f"{table}: more rows hold values of the wrong kind")
    if not problems:
        problems += _scheme_problems(connection)
    return tuple(problems)


def _scheme_problems(connection: sqlite3.Connection) -> list[str]:
    """The register's scoring scheme, which every score is read through."""
    from riskreg.scoring import SchemeError, ScoringScheme

    rows = connection.execute("SELECT scheme_json FROM register").fetchall()
    if len(rows) != 1:
        return [f"the register table holds {len(rows)} rows instead of one"]
    try:
        ScoringScheme.from_json(rows[0][0]).validate()
    except SchemeError as exc:
        return [f"the register's scoring scheme: {exc}"]
    return []
