"""A whole register copied between backends (a file to a server and back): every table,
history and export log included, ids kept, in one transaction on the destination, then
compared table by table.

A file the application refuses to open (objects it did not make, a lying schema label) is
copied cleanly instead (``riskreg.clean_copy``): its tables' data into a file the
migrations make, nothing else of it. A copy that fails leaves no destination file behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Table, func, select, text

from riskreg.errors import RegisterError

if TYPE_CHECKING:
    from riskreg.store import RegisterStore

CHUNK = 20_000
READ_TIME_LIMIT_S = 3_600.0
"""A table is read in chunks while the other side is written, so its one statement lasts
as long as the copy: bounded by the hour, not by the ordinary statement bound."""


@dataclass(frozen=True, slots=True)
class CopyReport:
    source: str
    destination: str
    rows: dict[str, int]
    differences: tuple[str, ...]
    """Tables whose rows differ between the two after the copy (empty: equal)."""
    left_out: tuple[str, ...] = ()
    """Objects of the source the application did not make, not copied (a clean copy)."""
    problems: tuple[str, ...] = ()
    """What ``check`` finds in a clean copy (the register's rules, as the source had them)."""
    clean: bool = False
    """A clean copy of a file the application would not open (its tables' data only)."""


def _tables() -> list[Table]:
    from riskreg.model import Base

    return list(Base.metadata.sorted_tables)


def copy_register(source: str | Path, destination: str | Path) -> CopyReport:
    """Copy into a new file or an empty database; refuse a destination that holds a
    register already (nothing is overwritten)."""
    from riskreg.file_trust import inspect_schema
    from riskreg.store import file_path

    source_path = file_path(source)
    if source_path is not None and source_path.is_file():
        verdict = inspect_schema(source_path, 10_000, immutable=_journal_beside(source_path))
        if verdict.is_register and verdict.known and verdict.problems:
            return _clean(source_path, destination)
    destination_path = file_path(destination)
    made = destination_path is not None and not destination_path.exists()
    try:
        return _copy(source, destination)
    except BaseException:
        if made and destination_path is not None:  # no half-written file left to mistake
            for leftover in (destination_path, Path(f"{destination_path}-journal")):
                leftover.unlink(missing_ok=True)
        raise


def _journal_beside(path: Path) -> bool:
    from riskreg.sqlite_guard import journals_beside

    return bool(journals_beside(path))


def _clean(source: Path, destination: str | Path) -> CopyReport:
    """A clean copy of a file the application will not open, into a file or a server."""
    import tempfile

    from riskreg.clean_copy import make_clean_copy
    from riskreg.store import file_path

    target = file_path(destination)
    if target is not None:
        made = make_clean_copy(source, target)
        return CopyReport(str(source), str(target), made.rows, (), made.left_out, made.problems,
                          clean=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="riskreg-clean-") as folder:
        made = make_clean_copy(source, Path(folder) / source.name)
        report = _copy(made.destination, destination)
    return CopyReport(str(source), report.destination, report.rows, report.differences,
                      made.left_out, made.problems, clean=True)  # fmt: skip


def _copy(source: str | Path, destination: str | Path) -> CopyReport:
    from riskreg.bulk import insert_rows
    from riskreg.store import create_register_file, open_register

    source_store = open_register(source)
    try:
        _expect_whole(source_store)
        destination_store = create_register_file(destination)
    except RegisterError:
        source_store.close()
        raise
    try:
        rows: dict[str, int] = {}
        with source_store.engine.connect() as read, destination_store.engine.begin() as write:
            if write.dialect.name == "sqlite":
                write.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for table in _tables():
                count = 0
                keys = [c.key for c in table.columns]
                for chunk in _chunks(read, table):
                    insert_rows(write, table, keys, chunk)
                    count += len(chunk)
                rows[table.name] = count
            if write.dialect.name == "postgresql":
                _reset_sequences(write)
        differences = compare(source_store.engine.connect, destination_store.engine.connect)
        return CopyReport(source_store.display_name, destination_store.display_name, rows,
                          tuple(differences))  # fmt: skip
    finally:
        source_store.close()
        destination_store.close()


def _expect_whole(store: RegisterStore) -> None:
    """A partner's login on a server sees only its part: a copy made through it would be
    a partial register passing for a whole one."""
    if store.engine.dialect.name != "postgresql":
        return
    with store.engine.connect() as conn:
        partial = conn.execute(text("SELECT row_security_active('risk')")).scalar()
    if partial:
        raise RegisterError(
            f"{store.display_name}: this login sees only its partner's part of the register; "
            "copy with the login that owns the register's tables"
        )


def _chunks(conn: Connection, table: Table) -> Iterator[list[tuple[object, ...]]]:
    order = list(table.primary_key.columns)
    result = conn.execution_options(yield_per=CHUNK, riskreg_time_limit=READ_TIME_LIMIT_S).execute(
        select(table).order_by(*order)
    )
    for partition in result.partitions(CHUNK):
        yield [tuple(row) for row in partition]


def _reset_sequences(conn: Connection) -> None:
    """Ids were copied as they were: the server's counters must start after them."""
    for table in _tables():
        if "id" not in table.columns or not table.c.id.autoincrement:
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar()
        if sequence:
            top = conn.execute(select(func.max(table.c.id))).scalar()
            conn.execute(text("SELECT setval(:s, :v, :called)"),
                         {"s": sequence, "v": top or 1, "called": top is not None})  # fmt: skip


def compare(connect_a: Callable[[], Connection], connect_b: Callable[[], Connection]) -> list[str]:
    """Tables whose rows differ (compared chunk by chunk in primary-key order)."""
    differences = []
    with connect_a() as a, connect_b() as b:
        for table in _tables():
            left, right = _chunks(a, table), _chunks(b, table)
            while True:
                one, other = next(left, None), next(right, None)
                if one != other:
                    differences.append(table.name)
                    break
                if one is None:
                    break
    return differences


def compare_registers(first: str | Path, second: str | Path) -> list[str]:
    from riskreg.store import open_register

    one, two = open_register(first, upgrade=False), open_register(second, upgrade=False)
    try:
        return compare(one.engine.connect, two.engine.connect)
    finally:
        one.close()
        two.close()
