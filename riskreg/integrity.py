"""``check``: is this register file sound, at the current schema, and true to its invariants?

Read-only SQL over one connection; each finding is a sentence a risk lead can pass to
whoever supports the application.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from riskreg.errors import RegisterBusy
from riskreg.scoring import SchemeError, ScoringScheme
from riskreg.store import RegisterStore, busy_reason, head_revision

_REF = re.compile(r"^([RA])-(\d{3,})$")


@dataclass(frozen=True)
class CheckReport:
    location: str
    schema_version: str | None
    risks: int
    actions: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_register(store: RegisterStore, *, quick: bool = False) -> CheckReport:
    """``quick`` uses SQLite's quick_check (pages and records, not index contents): the
    check run each time a register is opened. A register kept busy past the time limits
    (a lock another user holds) raises ``RegisterBusy``: it is not damaged."""
    try:
        return _check(store, quick)
    except OperationalError as exc:
        reason = busy_reason(exc)
        if reason is None:
            raise
        raise RegisterBusy(
            f"{store.display_name} could not be checked: the register is busy ({reason}). "
            "Try again in a moment."
        ) from exc


def _check(store: RegisterStore, quick: bool) -> CheckReport:
    problems: list[str] = []
    schema = store.schema_revision()
    if schema != head_revision():
        problems.append(
            f"schema is {schema}, this version of the application expects {head_revision()}"
        )
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            problems += _sqlite_integrity(conn, quick)
        risks = conn.execute(text("SELECT count(*) FROM risk")).scalar_one()
        actions = conn.execute(text("SELECT count(*) FROM action")).scalar_one()
        problems += _register_row(conn)
        problems += _refs(conn, "risk", "R", "next_risk_number")
        problems += _refs(conn, "action", "A", "next_action_number")
        problems += _shares(conn)
    return CheckReport(store.display_name, schema, risks, actions, tuple(problems))


def _sqlite_integrity(conn: Connection, quick: bool = False) -> list[str]:
    problems = []
    pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
    results = [row[0] for row in conn.exec_driver_sql(pragma).all()]
    if results != ["ok"]:
        problems += [f"SQLite integrity: {r}" for r in results[:20]]
    for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check").all()[:20]:
        problems.append(f"{table} row {rowid} points to a missing {parent}")
    return problems


def _register_row(conn: Connection) -> list[str]:
    rows = conn.execute(text("SELECT scheme_json FROM register")).all()
    if len(rows) != 1:
        return [f"the register table holds {len(rows)} rows instead of one"]
    try:
        scheme = ScoringScheme.from_json(rows[0][0])
    except SchemeError as exc:
        return [f"scoring scheme: {exc}"]
    n_l, n_i = scheme.size
    problems = []
    for column, top in (
        ("inherent_likelihood", n_l), ("inherent_impact", n_i),
        ("current_likelihood", n_l), ("current_impact", n_i),
        ("target_likelihood", n_l), ("target_impact", n_i),
    ):  # fmt: skip
        bad = (
            conn.execute(
                text(f"SELECT ref FROM risk WHERE {column} < 1 OR {column} > :top ORDER BY number"),
                {"top": top},
            )
            .scalars()
            .all()
        )
        if bad:
            problems.append(f"{column} outside 1–{top} on {_few(bad)}")
    return problems


def _refs(conn: Connection, table: str, prefix: str, counter: str) -> list[str]:
    problems = []
    next_number = conn.execute(text(f"SELECT {counter} FROM register")).scalar()
    rows = conn.execute(text(f"SELECT ref, number FROM {table}")).all()
    wrong = []
    for ref, number in rows:
        match = _REF.match(ref)
        if not match or match.group(1) != prefix or int(match.group(2)) != number:
            wrong.append(ref)
    if wrong:
        problems.append(f"{table} refs that do not match their number: {_few(wrong)}")
    if rows and next_number is not None and max(n for _, n in rows) >= next_number:
        problems.append(f"the next {table} number ({next_number}) would reuse an existing ref")
    return problems


def _shares(conn: Connection) -> list[str]:
    unbalanced = conn.execute(
        text(
            "SELECT r.ref, coalesce(sum(s.percent), 0) FROM risk r "
            "LEFT JOIN risk_share s ON s.risk_id = r.id "
            "GROUP BY r.id, r.ref HAVING coalesce(sum(s.percent), 0) <> 100 ORDER BY r.number"
        )
    ).all()
    if not unbalanced:
        return []
    return [
        "shares do not add up to 100 % on "
        + _few([f"{ref} ({total} %)" for ref, total in unbalanced])
    ]


def _few(items: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
