"""``check``: is this register file sound, at the current schema, and true to its invariants?

Read-only SQL over one connection; each finding is a sentence a risk lead can pass to
whoever supports the application. ``check_location`` (the command) changes nothing on
disk: the file is opened read-only, and a journal beside it is judged on scratch copies
(``riskreg.journals``), so the register is checked as opening it would leave it.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from riskreg import schema_check, sqlite_guard
from riskreg.errors import DamagedRegister, RegisterBusy, RegisterTimeout, UntrustedRegister
from riskreg.file_trust import inspect_schema
from riskreg.revisions import head_revision
from riskreg.scoring import SchemeError, ScoringScheme
from riskreg.store import RegisterStore, busy_reason, open_register

INTEGRITY_SECONDS_PER_MB = 0.25
"""Time bound of SQLite's integrity check beyond the ordinary one per statement: about
twenty times what it takes here (a 140 MB register of 100,000 risks: under 2 s)."""

_REF = re.compile(r"^([RA])-(\d{3,})$")


@dataclass(frozen=True)
class CheckReport:
    location: str
    schema_version: str | None
    risks: int
    actions: int
    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()
    """What the user should know that is not a fault: a journal merged or set aside, a
    network share under the file."""
    damaged: bool = False
    """SQLite cannot read all of the file (its integrity check fails, or a read does)."""
    warnings: tuple[str, ...] = ()
    """Sound, but misleading: a band matrix that breaks Cox's rules (``matrix_checks``).
    A warning is no fault: the register opens and ``check`` still passes."""
    accepted: tuple[str, ...] = ()
    """Risks accepted outside appetite, until when and by whom: for the record (``check``
    says so; opening the register does not)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def check_register(store: RegisterStore, *, quick: bool = False) -> CheckReport:
    """``quick`` uses SQLite's quick_check (pages and records, not index contents): the
    check run each time a register is opened. A file too damaged to read, or one whose
    reads run past their time bound, is reported as such rather than raised. A register
    kept busy past the time limits (a lock another user of a server holds) raises
    ``RegisterBusy``: it is neither damaged nor sound, it could not be checked."""
    try:
        return _check(store, quick)
    except (DamagedRegister, RegisterTimeout, UntrustedRegister) as exc:
        damaged = not isinstance(exc, UntrustedRegister)
        return CheckReport(store.display_name, None, 0, 0, (str(exc),), store.notes, damaged)
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
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            untrusted = _schema_problems(conn)
            if untrusted:  # read nothing more through a schema the application did not make
                pages = _sqlite_integrity(conn, quick, store)
                return CheckReport(store.display_name, None, 0, 0, (*untrusted, *pages),
                                   store.notes, _pages_damaged(pages))  # fmt: skip
        schema = _revision(conn)
        if schema != head_revision():
            problems.append(
                f"schema is {schema}, this version of the application expects {head_revision()}"
            )
        if store.engine.dialect.name == "sqlite":
            problems += _sqlite_integrity(conn, quick, store)
            if _pages_damaged(problems):
                return CheckReport(store.display_name, schema, 0, 0, tuple(problems),
                                   store.notes, damaged=True)  # fmt: skip
            wrong = _value_problems(conn)  # values of the wrong kind: nothing more is read
            if wrong:
                return CheckReport(store.display_name, schema, 0, 0, (*problems, *wrong),
                                   store.notes)  # fmt: skip
        risks = conn.execute(text("SELECT count(*) FROM risk")).scalar_one()
        actions = conn.execute(text("SELECT count(*) FROM action")).scalar_one()
        problems += _register_row(conn)
        problems += _refs(conn, "risk", "R", "next_risk_number")
        problems += _refs(conn, "action", "A", "next_action_number")
        problems += _shares(conn)
        warnings = _scheme_warnings(conn) + _cadence_warnings(conn) + belonging_warnings(conn)
        warnings += _response_warnings(conn)
        accepted, lapsed = _acceptances(conn)
        warnings += lapsed
    return CheckReport(store.display_name, schema, risks, actions, tuple(problems), store.notes,
                       warnings=warnings, accepted=accepted)  # fmt: skip


def _pages_damaged(problems: Sequence[str]) -> bool:
    return any(p.startswith("SQLite integrity") for p in problems)


def _revision(conn: Connection) -> str | None:
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def _schema_problems(conn: Connection) -> tuple[str, ...]:
    """The schema check of ``riskreg.schema_check`` on this very connection."""
    raw = conn.connection.driver_connection
    assert raw is not None
    verdict = schema_check.verify(raw)
    if not verdict.is_register:
        return ("it is an SQLite file but not a risk register",)
    return verdict.problems


def _value_problems(conn: Connection) -> tuple[str, ...]:
    from riskreg.migrations import HEAD
    from riskreg.stored_values import value_problems

    if _revision(conn) != HEAD:
        return ()  # an older file: its columns are the upgrade's to read
    raw = conn.connection.driver_connection
    assert raw is not None
    return value_problems(raw)


def _integrity_limit(store: RegisterStore) -> float:
    size_mb = store.path.stat().st_size / 1e6 if store.path is not None else 0.0
    return sqlite_guard.STATEMENT_TIME_LIMIT_S + size_mb * INTEGRITY_SECONDS_PER_MB


def _sqlite_integrity(
    conn: Connection, quick: bool = False, store: RegisterStore | None = None
) -> list[str]:
    problems = []
    pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
    limit = _integrity_limit(store) if store is not None else sqlite_guard.STATEMENT_TIME_LIMIT_S
    options = {"riskreg_time_limit": limit}
    results = [row[0] for row in conn.exec_driver_sql(pragma, execution_options=options).all()]
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


def _scheme_warnings(conn: Connection) -> tuple[str, ...]:
    from riskreg.matrix_checks import matrix_warnings

    rows = conn.execute(text("SELECT scheme_json FROM register")).all()
    try:
        scheme = ScoringScheme.from_json(rows[0][0]) if len(rows) == 1 else None
    except SchemeError:
        return ()  # a problem already (``_register_row``)
    if scheme is None:
        return ()
    return tuple(f"scoring matrix: {warning.message}" for warning in matrix_warnings(scheme))


BELONGING_QUERIES = {
    "an Internal risk shared with another partner": (
        "SELECT DISTINCT r.ref, r.number FROM risk r JOIN risk_share s ON s.risk_id = r.id "
        "WHERE r.visibility = 'Internal' AND s.partner_id <> r.lead_partner_id ORDER BY r.number"
    ),
    "an Internal risk with another partner's action": (
        "SELECT DISTINCT r.ref, r.number FROM risk r JOIN action a ON a.risk_id = r.id "
        "WHERE r.visibility = 'Internal' AND a.partner_id <> r.lead_partner_id ORDER BY r.number"
    ),
    "a lead partner holding no share": (
        "SELECT r.ref, r.number FROM risk r WHERE NOT EXISTS (SELECT 1 FROM risk_share s "
        "WHERE s.risk_id = r.id AND s.partner_id = r.lead_partner_id AND s.percent > 0) "
        "ORDER BY r.number"
    ),
}
"""The cases of ``riskreg.belonging``'s rule an older register (or a server login before
the rule) may hold; the services refuse new ones."""


def belonging_warnings(conn: Connection) -> tuple[str, ...]:
    """Risks breaking the rule of whose a risk is: the risk editor offers to make each
    Joint, or to keep it Internal without the other partners' shares."""
    found = []
    for what, query in BELONGING_QUERIES.items():
        refs = [row[0] for row in conn.execute(text(query))]
        if refs:
            found.append(f"{what}: {_few(refs)} (open it in the risk editor to make it Joint "
                         "or keep it to its lead partner)")  # fmt: skip
    return tuple(found)


def _acceptances(conn: Connection) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The risks accepted outside appetite (a note: who and until when), and the current
    acceptances of open risks that have expired (a warning: review them)."""
    from datetime import date

    from sqlalchemy import inspect, select

    from riskreg.choices import RiskStatus
    from riskreg.model import Partner, Risk, RiskAcceptance

    if not inspect(conn).has_table("risk_acceptance"):  # a register before schema 0010
        return (), ()
    from riskreg.acceptance import honoured
    from riskreg.choices import RiskKind

    rows = conn.execute(
        select(Risk.ref, Partner.code, RiskAcceptance.accepted_by, RiskAcceptance.expires_on,
               RiskAcceptance.accepted_on, Risk.status, Risk.kind)
        .join(Risk, Risk.id == RiskAcceptance.risk_id)
        .outerjoin(Partner, Partner.id == RiskAcceptance.partner_id)
        .where(RiskAcceptance.withdrawn_on.is_(None))
        .order_by(Risk.number, Partner.code)
    ).all()  # fmt: skip
    today = date.today()
    current, lapsed, odd = [], [], []
    for ref, code, by, until, on, status, kind in rows:
        scope = code or "the partnership"
        if status is RiskStatus.CLOSED:
            continue
        if kind is RiskKind.OPPORTUNITY or not honoured(on, until, today):
            # what the application never writes: from another tool, or a file edited by hand
            why = (
                "an opportunity"
                if kind is RiskKind.OPPORTUNITY
                else f"accepted {on.isoformat()} until {until.isoformat()}"
            )
            odd.append(f"{ref} for {scope} ({why})")
        elif until >= today:
            current.append(f"{ref} for {scope} until {until.isoformat()} ({by})")
        else:
            lapsed.append(f"{ref} for {scope} on {until.isoformat()}")
    notes = (f"accepted outside appetite: {_few(current)}",) if current else ()
    warnings: tuple[str, ...] = ()
    if lapsed:
        warnings += (f"acceptance outside appetite expired: {_few(lapsed)} (review the risk, "
                     "then accept it again or withdraw the acceptance)",)  # fmt: skip
    if odd:
        warnings += (f"acceptance the application would not record, not honoured: {_few(odd)} "
                     "(an opportunity is above no appetite; an acceptance runs from its day "
                     "for at most three years)",)  # fmt: skip
    return notes, warnings


def _cadence_warnings(conn: Connection) -> tuple[str, ...]:
    """Open risks whose next review is later than their band allows (a register written
    before the cadence followed the band, or changed outside the application)."""
    from datetime import date

    from sqlalchemy import select

    from riskreg.choices import RiskStatus
    from riskreg.model import Register, Risk

    try:
        scheme = ScoringScheme.from_json(conn.execute(select(Register.scheme_json)).scalar_one())
    except (SchemeError, ValueError, LookupError):
        return ()  # a problem already (``_register_row``)
    today = date.today()
    late = []
    rows = conn.execute(
        select(Risk.ref, Risk.current_likelihood, Risk.current_impact, Risk.next_review,
               Risk.last_reviewed, Risk.raised_on)
        .where(Risk.status != RiskStatus.CLOSED, Risk.next_review.is_not(None))
        .order_by(Risk.number)
    ).all()  # fmt: skip
    for ref, lik, imp, next_review, reviewed, raised in rows:
        try:
            latest = scheme.latest_next_review(lik, imp, reviewed, raised, today)
        except SchemeError:
            continue  # a level outside the scheme: a problem already
        if next_review is not None and next_review > latest:
            late.append(f"{ref} ({next_review:%d %b %Y}, by {latest:%d %b %Y})")
    if not late:
        return ()
    return (f"next review later than the band allows on {_few(late)}: Mark reviewed, or "
            "set an earlier date",)  # fmt: skip


def _response_warnings(conn: Connection) -> tuple[str, ...]:
    """Risks whose response is not one for their type (a file changed outside the
    application): the editor says so beside Response, and saves nothing else until it fits."""
    from riskreg.choices import OPPORTUNITY_RESPONSES, THREAT_RESPONSES

    threat = ", ".join(f"'{r.value}'" for r in THREAT_RESPONSES)
    opportunity = ", ".join(f"'{r.value}'" for r in OPPORTUNITY_RESPONSES)
    refs = [row[0] for row in conn.execute(text(
        f"SELECT ref FROM risk WHERE (kind = 'Threat' AND response NOT IN ({threat})) OR "
        f"(kind = 'Opportunity' AND response NOT IN ({opportunity})) ORDER BY number"
    ))]  # fmt: skip
    if not refs:
        return ()
    return (f"a response that does not fit the risk's type on {_few(refs)}: a threat takes "
            "Treat, Tolerate, Transfer or Terminate, an opportunity Exploit, Enhance, Share or "
            "Reject",)  # fmt: skip


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


def check_location(location: str | Path) -> CheckReport:
    """``python -m riskreg check``: the register as opening it would leave it, without
    changing anything on disk. Raises the refusals ``open_register`` raises for what is
    not a register at all (missing, not SQLite, another program's, newer)."""
    from riskreg.store import expect_register_file, file_path

    path = file_path(location)
    if path is None:
        store = open_register(location, upgrade=False, read_only=True)
        try:
            return check_register(store)
        finally:
            store.close()
    expect_register_file(path)
    from riskreg.network_shares import network_share_warning

    warning = network_share_warning(path)
    report = _check_journal_and_file(path)
    return _with_note(report, warning) if warning else report


def _check_journal_and_file(path: Path) -> CheckReport:
    from riskreg import journals

    journal = journals.hot_journal(path)
    if journal is None:
        return _check_file(path, path)
    with journals.scratch_recovery(path, journal) as (copy, reason):
        if not reason:
            note = (
                f"{path.name} has an unfinished write ({journals.described(journal)}); "
                "it belongs to the register and is completed when the register is next "
                "opened. Checked as it will be then."
            )
            return _with_note(_check_file(copy, path), note)
    report = _check_file(path, path, immutable=True)
    problem = (
        f"{journals.described(journal)} does not belong to it ({reason}). Opened in this "
        "application it is set aside (a copy kept in the backup folder); any other SQLite "
        "program would merge it and damage the register. Checked without it."
    )
    return dataclasses.replace(report, problems=(problem, *report.problems))


def _check_file(path: Path, shown: Path, *, immutable: bool = False) -> CheckReport:
    try:
        inspect_schema(path, 1000, immutable=immutable)  # not a register, newer: raised
        store = open_register(path, upgrade=False, read_only=True, immutable=immutable)
    except DamagedRegister as exc:
        return CheckReport(str(shown), None, 0, 0, (str(exc),), damaged=True)
    except UntrustedRegister as exc:
        return _untrusted_report(path, shown, exc, immutable)
    try:
        report = check_register(store)
    finally:
        store.close()
    return dataclasses.replace(report, location=str(shown))


def _untrusted_report(
    path: Path, shown: Path, exc: UntrustedRegister, immutable: bool
) -> CheckReport:
    """Objects the application did not make, and what SQLite says of the pages (its
    integrity check runs none of the file's SQL)."""
    connection = sqlite_guard.connect(path, read_only=True, immutable=immutable)
    try:
        size_mb = path.stat().st_size / 1e6
        limit = sqlite_guard.STATEMENT_TIME_LIMIT_S + size_mb * INTEGRITY_SECONDS_PER_MB
        with sqlite_guard.bounded(connection, limit):
            results = [str(r[0]) for r in connection.execute("PRAGMA integrity_check(20)")]
    except sqlite3.Error as error:  # the pages cannot be read either
        results = [f"the file cannot be read ({error})"]
    finally:
        connection.close()
    pages = [] if results == ["ok"] else [f"SQLite integrity: {r}" for r in results]
    return CheckReport(str(shown), None, 0, 0, (*exc.problems, *pages), damaged=bool(pages))


def _with_note(report: CheckReport, note: str) -> CheckReport:
    return dataclasses.replace(report, notes=(note, *report.notes))
