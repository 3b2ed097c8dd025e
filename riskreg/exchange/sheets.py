"""Any spreadsheet a partner has — .xlsx, .xlsm, legacy .xls, .ods — as plain tables.

One internal form for every format: each sheet's cells from A1 as a list of rows, with
vertically merged cells carried down (a merged "Category" cell belongs to every row it
spans) and horizontally merged header cells carried across (a group title such as
"Inherent" over its "Likelihood" and "Impact"). Cached values only, as calamine reads them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskreg.exchange.ods_extent import check_ods
from riskreg.exchange.reader import (
    Extents,
    WorkbookRefused,
    check_archive,
    check_expansion,
    check_extent,
    check_sheet_extents,
    check_sizes,
)

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
"""Rows of one sheet turned into Python rows (another register of 100,000 risks fits
twice over); a sheet reaching further, often one stray cell far below, is refused."""
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(slots=True)
class Table:
    name: str
    rows: list[list[Any]]
    visible: bool
    merged_across: set[tuple[int, int]] = field(default_factory=set)
    """Cells (row, column) filled from a merge to their left: group titles, not labels."""
    hidden_rows: set[int] = field(default_factory=set)
    """0-based rows the workbook hides (.xlsx, .xlsm and .ods; see ``hidden_rows``)."""

    def cell(self, row: int, column: int) -> Any:
        if row < len(self.rows) and column < len(self.rows[row]):
            return self.rows[row][column]
        return ""


def read_tables(path: Path) -> list[Table]:
    """Every sheet of the file, or ``WorkbookRefused`` saying plainly why not."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    extents = _check_file(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own errors: damaged, encrypted, not a workbook
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise WorkbookRefused(
                f"{path.name} is password-protected; save an unprotected copy and import that"
            ) from exc
        raise WorkbookRefused(f"{path.name} cannot be read as a spreadsheet: {text}") from exc
    tables = []
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):  # measured before calamine loads them
            check_sheet_extents(path, [m.name for m in book.sheets_metadata], MAX_ROWS, extents)
        for meta in book.sheets_metadata:
            try:
                sheet = book.get_sheet_by_name(meta.name)
            except Exception:  # a chart sheet or a damaged sheet: not a table
                continue
            if sheet.end is not None:  # .xls and .ods: measured once loaded
                height, width = sheet.end[0] + 1, sheet.end[1] + 1
                check_extent(path.name, meta.name, height, width, MAX_ROWS)
            try:
                rows = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except Exception:
                continue
            table = Table(
                meta.name, [list(r) for r in rows], meta.visible == SheetVisibleEnum.Visible
            )
            _spread_merges(table, merged)
            tables.append(table)
    finally:
        book.close()
    from riskreg.exchange.sheet_formats import sheet_formats

    hidden, merges = sheet_formats(path, [t.name for t in tables])
    for table in tables:
        table.hidden_rows = hidden.get(table.name, set())
        if table.name in merges:  # .ods: calamine reads none of its merges
            _spread_merges(table, merges[table.name])
    return tables


def _check_file(path: Path) -> Extents:
    """The size guards of every format; the extents of an .xlsx's worksheets, measured
    while its parts were inflated (none for .xls and .ods)."""
    return {} if check_container(path) else check_archive(path)


def check_container(path: Path) -> bool:
    """The guards of every format but an .xlsx's parts: True when that is the whole check
    (an .xls or .ods), False when the file is a zip whose parts remain to be checked."""
    if path.suffix.lower() not in SUFFIXES:
        raise WorkbookRefused(f"{path.name}: import reads .xlsx, .xlsm, .xls and .ods spreadsheets")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise WorkbookRefused(f"{path.name} cannot be read: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused(
            f"{path.name} is {size / 1e6:,.0f} MB; the most a register import reads is "
            f"{MAX_FILE_BYTES / 1e6:,.0f} MB"
        )
    if size == 0:
        raise WorkbookRefused(f"{path.name} is empty")
    if head == OLE_MAGIC:
        if path.suffix.lower() != ".xls" or _is_encrypted_package(path):
            raise WorkbookRefused(
                f"{path.name} is password-protected (encrypted); save an unprotected copy "
                "and import that"
            )
        return True
    if path.suffix.lower() == ".ods":
        _check_zip(path, "content.xml")
        check_ods(path, MAX_ROWS)  # repeated rows and cells counted before calamine loads them
        return True
    return False


def _check_zip(path: Path, required: str) -> None:
    """The zip's directory, then what its parts actually inflate to (``reader``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = check_sizes(path.name, archive)
            if required not in {m.filename for m in members}:
                raise WorkbookRefused(f"{path.name} is not an OpenDocument spreadsheet")
            check_expansion(path.name, archive, members)
    except zipfile.BadZipFile as exc:
        raise WorkbookRefused(f"{path.name} is damaged or not a spreadsheet") from exc


def _is_encrypted_package(path: Path) -> bool:
    """An encrypted .xlsx is an OLE container holding an ``EncryptedPackage`` stream."""
    with path.open("rb") as handle:
        data = handle.read(1 << 16)
    return "EncryptedPackage".encode("utf-16-le") in data


def _spread_merges(table: Table, merged: list[Any]) -> None:
    """Give every cell of a merged range the value of its top-left cell.

    A range is clipped to the cells the sheet holds: a merge reaching past the data (a
    hostile "A1:XFD1048576", or a title merged across the whole width) fills no more than
    the table, so it costs no more than reading the sheet did.
    """
    height = len(table.rows)
    width = max((len(r) for r in table.rows), default=0)
    for merge in merged:
        (top, left), (bottom, right) = merge
        value = table.cell(top, left)
        if value == "" or value is None:
            continue
        for row in range(top, min(bottom, height - 1) + 1):
            cells = table.rows[row]
            last = min(right, width - 1)
            if len(cells) <= last:
                cells.extend([""] * (last + 1 - len(cells)))
            for column in range(left, last + 1):
                if (row, column) != (top, left) and cells[column] in ("", None):
                    cells[column] = value
                    if row == top:
                        table.merged_across.add((row, column))
