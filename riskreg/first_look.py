"""A first look at a register file through the standard library's sqlite3, for start-up.

Importing SQLAlchemy takes about a third of a second; the window shows this look (the
register's name, partners, categories and first page of risks) at once while the register
is opened properly on a worker thread. Only a file at the schema this version writes is
looked at; anything else (a server, an older or newer file, one being written, a damaged
one, one with a journal beside it, one holding objects the application did not make) gives
None and is opened the ordinary way, which says what is the matter. Never writes: the file
is opened read-only, hardened and bounded in time (``riskreg.sqlite_guard``), and its schema
is compared with what the migrations make before a row is read (``riskreg.schema_check``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from riskreg import risk_rows, schema_check
from riskreg.records import AcceptanceRecord, CategoryRecord, PartnerRecord, RiskRecord
from riskreg.scoring import ScoringScheme
from riskreg.sqlite_guard import bounded, connect, journals_beside
from riskreg.stored_values import value_problems

BUSY_TIMEOUT_S = 0.2
"""A writer committing just now: do not wait for it here, the ordinary open will."""
LOOK_TIME_LIMIT_S = 3.0
"""The look reads the first page of risks in milliseconds; a file that makes it take
longer is left to the ordinary open."""

_RISK_QUERY = f"SELECT {', '.join(risk_rows.COLUMNS)} FROM risk ORDER BY number LIMIT ?"
_SHARE_QUERY = (
    "SELECT s.risk_id, group_concat(p.code || ':' || s.percent, ' ') FROM risk_share s "
    "JOIN partner p ON p.id = s.partner_id "
    "WHERE s.risk_id IN (SELECT id FROM risk ORDER BY number LIMIT ?) GROUP BY s.risk_id"
)
_ACCEPTANCE_QUERY = (
    "SELECT r.uuid, a.uuid, p.code, a.accepted_by, a.justification, a.accepted_on, "
    "a.expires_on, a.version FROM risk_acceptance a JOIN risk r ON r.id = a.risk_id "
    "LEFT JOIN partner p ON p.id = a.partner_id WHERE a.withdrawn_on IS NULL "
    "AND a.risk_id IN (SELECT id FROM risk ORDER BY number LIMIT ?)"
)
"""The current acceptances outside appetite of the first page (``queries.with_acceptances``)."""
_DATES = tuple(i for i, name in enumerate(risk_rows.COLUMNS) if name in risk_rows.DATE_COLUMNS)


@dataclass(frozen=True)
class FirstLook:
    """What the window shows before the register is open."""

    location: str
    name: str
    revision: int
    scheme: ScoringScheme
    partners: list[PartnerRecord]
    categories: list[CategoryRecord]
    risks: list[RiskRecord]
    """The first risks by number (as ``RegisterService.list_risks(first=n)`` gives them)."""
    risk_count: int
    action_count: int


def look_at(location: str | Path, schema: str, *, page: int, whole_up_to: int) -> FirstLook | None:
    """The register at ``location`` if it is a readable file at ``schema``, else None:
    all its risks when it has up to ``whole_up_to``, otherwise the first ``page``."""
    text = str(location)
    if "://" in text:
        return None
    path = Path(text).expanduser().resolve()
    if not path.is_file() or journals_beside(path):
        return None  # a journal beside it: the ordinary open decides whether it belongs
    try:
        connection = connect(path, read_only=True, timeout_s=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return None
    try:
        with connection, bounded(connection, LOOK_TIME_LIMIT_S):
            connection.execute("BEGIN")  # one consistent read
            if not schema_check.verify(connection).ok:
                return None  # refused by the ordinary open, in words
            (count,) = connection.execute("SELECT count(*) FROM risk").fetchone()
            if count <= whole_up_to and value_problems(connection):
                return None  # so is a value of the wrong kind (a larger register's first
                # page fails on one as it is read; the open that follows checks them all)
            return _read(connection, str(path), schema, page, whole_up_to)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None  # whatever it is, the ordinary open says it plainly
    finally:
        connection.close()


def _read(
    db: sqlite3.Connection, location: str, schema: str, page: int, whole_up_to: int
) -> FirstLook | None:
    if db.execute("SELECT version_num FROM alembic_version").fetchall() != [(schema,)]:
        return None
    (risk_count,) = db.execute("SELECT count(*) FROM risk").fetchone()
    (action_count,) = db.execute("SELECT count(*) FROM action").fetchone()
    first = risk_count if risk_count <= whole_up_to else page
    name, revision, scheme_json = db.execute(
        "SELECT name, revision, scheme_json FROM register"
    ).fetchone()
    partner_rows = db.execute(
        "SELECT id, code, name, colour, contact, active FROM partner ORDER BY code"
    ).fetchall()
    codes = {row[0]: row[1] for row in partner_rows}
    category_rows = db.execute("SELECT id, name, appetite FROM category ORDER BY name").fetchall()
    categories: dict[int | None, str | None] = {row[0]: row[1] for row in category_rows}
    categories[None] = None
    shares = risk_rows.parse_splits(db.execute(_SHARE_QUERY, (first,)).fetchall())
    rows = [_with_dates(row) for row in db.execute(_RISK_QUERY, (first,))]
    return FirstLook(
        location=location,
        name=name,
        revision=revision,
        scheme=ScoringScheme.from_json(scheme_json),
        partners=[
            PartnerRecord(c, n, colour, contact, bool(a))
            for _, c, n, colour, contact, a in partner_rows
        ],
        categories=[CategoryRecord(n, appetite) for _, n, appetite in category_rows],
        risks=_with_acceptances(
            db, risk_rows.build_records(rows, codes, categories, shares), first
        ),
        risk_count=risk_count,
        action_count=action_count,
    )


def _with_acceptances(
    db: sqlite3.Connection, records: list[RiskRecord], first: int
) -> list[RiskRecord]:
    found: dict[str, list[AcceptanceRecord]] = {}
    for risk, uuid, scope, by, why, on, until, version in db.execute(_ACCEPTANCE_QUERY, (first,)):
        found.setdefault(risk, []).append(AcceptanceRecord(
            uuid, scope, by, why, date.fromisoformat(on), date.fromisoformat(until), version
        ))  # fmt: skip
    if not found:
        return records
    return [r._replace(acceptances=tuple(sorted(got, key=lambda a: (a.scope is not None,
                                                                     a.scope or ""))))
            if (got := found.get(r.uuid)) else r for r in records]  # fmt: skip


def _with_dates(row: tuple[object, ...]) -> list[object]:
    """SQLite keeps dates as ISO text; the records hold dates."""
    values = list(row)
    for i in _DATES:
        if values[i] is not None:
            values[i] = date.fromisoformat(str(values[i]))
    return values
