"""A returned workbook's parts: which export it names, and where its Risks and Actions are.

The ``_exchange`` sheet names the export (register, export id, key); a workbook exported
before the register kept export bases also holds its base there, read here as a legacy
base. The data sheets are found by their name or, when a partner renamed one, by their
header signature (``columns.SIGNATURE``); their columns by header or synonym, wherever a
partner moved them. What is missing is said, never passed over: a sheet that cannot be
found is a refusal, a column that cannot be found a note.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskreg.errors import RegisterError
from riskreg.exchange import base as base_module
from riskreg.exchange.columns import SIGNATURE, Column, fold
from riskreg.exchange.reader import SheetData, WorkbookRefused
from riskreg.exchange.values import is_empty
from riskreg.exchange.workbook import Workbook

EXCHANGE_SHEET = "_exchange"
SUFFIXES = (".xlsx", ".xlsm", ".ods")
HEADER_SEARCH_ROWS = 10
SIGNATURE_NEEDED = 4
"""Of a sheet's six signature headers, how many mark a sheet as that one."""


class ImportRefused(RegisterError):
    """The workbook as a whole cannot be imported (not ours, unknown export, unreadable,
    a sheet missing, rows of another export)."""


class CopyWithoutExport(ImportRefused):
    """A workbook with no ``_exchange`` sheet whose rows carry this register's refs or ids:
    a copy pasted into a fresh workbook, which may be imported by ref."""


@dataclass(frozen=True, slots=True)
class Identity:
    """What ``_exchange`` says; believed only as far as the register confirms it."""

    meta: dict[str, str]
    legacy: base_module.ExportBase | None
    """The base an old (format 1) workbook carries; None for current exports."""

    def get(self, name: str) -> str:
        return self.meta.get(name, "")


@dataclass(slots=True)
class Table:
    """A data sheet: which column index holds which field, and the rows below the header."""

    sheet: SheetData
    header_row: int  # 0-based
    columns: dict[int, Column]
    canonical: str
    """``Risks`` or ``Actions``, whatever the sheet is called in the workbook."""

    def index_of(self, field_name: str) -> int | None:
        for index, column in self.columns.items():
            if column.field == field_name:
                return index
        return None

    @property
    def name(self) -> str:
        return self.sheet.name


def open_returned(path: Path) -> Workbook:
    """A returned workbook, checked before it is read: .xlsx and .xlsm as Excel saves them,
    .ods as LibreOffice does (calamine reads all three). An .xlsx's worksheets are each
    checked just before they are read (``part_checks``), the rest of the file at once."""
    if path.suffix.lower() not in SUFFIXES:
        raise ImportRefused(
            f"{path.name}: a returned workbook is an .xlsx, .xlsm or .ods file (as Excel or "
            "LibreOffice saves it)"
        )
    from riskreg.exchange.part_checks import PartChecks
    from riskreg.exchange.sheets import check_container  # the size guards of every format

    try:
        whole = check_container(path)  # else an .xlsx: its sheets checked as they are read
        return Workbook(path, checked=True, parts=None if whole else PartChecks(path))
    except WorkbookRefused as exc:
        raise ImportRefused(str(exc)) from exc


def read_identity(book: Workbook) -> Identity | None:
    """The export's identity and, in an old workbook, each row's base; None when the
    workbook has no ``_exchange`` sheet."""
    sheet = book.sheet(EXCHANGE_SHEET)
    if sheet is None:
        return None
    name = book.path.name
    meta: dict[str, str] = {}
    sheets: dict[str, base_module.SheetBase] = {}
    current: base_module.SheetBase | None = None
    for row in sheet.rows():
        if not row:
            continue
        first = row[0]
        if current is not None and first == current.sheet:
            pieces = row[2:]
            current.rows[plain(row[1])] = (
                str(pieces[0]) if len(pieces) == 1 or pieces[1] == "" else _joined(pieces)
            )
        elif first == "#fields":
            named = _json_list(str(row[2])) if len(row) > 2 else None
            if named is None:
                raise ImportRefused(
                    f"{name}: the hidden {EXCHANGE_SHEET} sheet is damaged (its list of "
                    f"fields for {row[1]} cannot be read); export a fresh workbook"
                )
            current = sheets[str(row[1])] = base_module.SheetBase(
                str(row[1]), tuple(str(v) for v in named)
            )
        elif first == "#end":
            break
        elif current is None and not is_empty(first):
            meta[str(first)] = plain(row[1] if len(row) > 1 else "")
    return Identity(meta, base_module.legacy(sheets.values()) if sheets else None)


def locate(book: Workbook, canonical: str, columns: Sequence[Column], notes: list[str]) -> Table:
    """The sheet of ``canonical`` (``Risks`` or ``Actions``): by its name if that sheet has
    its headers, else the sheet that has them (a partner renamed it; the notes say so).
    Refused when no sheet has them: the edits it held would otherwise be lost unseen."""
    named = book.sheet(canonical)
    if named is not None:
        table = _table(named, canonical, columns)
        if table is not None:
            return table
    for other in book.sheet_names:
        if other in (canonical, EXCHANGE_SHEET):
            continue  # any other sheet is judged by its headers alone, whatever its name
        sheet = book.sheet(other)
        if sheet is None:
            continue
        table = _table(sheet, canonical, columns)
        if table is not None:
            notes.append(
                f"the {canonical} sheet was found under the name “{other}” (by its column headers)"
            )
            return table
    headers = ", ".join(c.header for c in columns if c.field in SIGNATURE[canonical])
    where = f"a sheet named {canonical} is there but has not its headers; " if named else ""
    raise ImportRefused(
        f"{book.path.name} has no {canonical} sheet: {where}no sheet has the {canonical} "
        f"sheet's column headers ({headers}). It may have been deleted, or its header row "
        f"changed, so the edits it held cannot be read; nothing was imported. Ask for the "
        f"workbook with its {canonical} sheet, or export a fresh one."
    )


def missing_columns(table: Table, columns: Sequence[Column]) -> list[str]:
    """Editable columns the sheet lacks: nothing of them was compared."""
    found = {c.field for c in table.columns.values()}
    return [c.header for c in columns if c.editable and c.field not in found]


def _table(sheet: SheetData, canonical: str, columns: Sequence[Column]) -> Table | None:
    """The sheet as ``canonical`` if its header row is that sheet's (enough of its
    signature under the headers the export writes), else None."""
    by_name: dict[str, Column] = {}
    for column in columns:  # a column's own header wins over another's synonym
        by_name[fold(column.header)] = column
    for column in columns:
        for alias in column.names:
            by_name.setdefault(alias, column)
    own = {fold(c.header): c.field for c in columns if c.field in SIGNATURE[canonical]}
    best: tuple[int, int, dict[int, Column]] = (0, 0, {})
    best_signature = 0
    for row_index, row in enumerate(sheet.head[:HEADER_SEARCH_ROWS]):
        found: dict[int, Column] = {}
        signature = set()
        for col_index, value in enumerate(row):
            if isinstance(value, str) and value.strip():
                folded = fold(value)
                match = by_name.get(folded)
                if match is not None and match not in found.values():
                    found[col_index] = match
                if folded in own:
                    signature.add(own[folded])
        if len(signature) > best_signature or (
            len(signature) == best_signature and len(found) > best[0]
        ):
            best, best_signature = (len(found), row_index, found), len(signature)
    if best_signature < SIGNATURE_NEEDED:
        return None
    _, header_row, found = best
    table = Table(sheet, header_row, found, canonical)
    if table.index_of("uuid") is None and table.index_of("ref") is None:
        raise ImportRefused(
            f"{sheet.name}: neither the Ref nor the Id column was found, so rows cannot be "
            "matched to the register"
        )
    return table


def plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def at(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _joined(pieces: list[Any]) -> str:
    """A long base row: its JSON continued over cells until the first empty one."""
    text = []
    for piece in pieces:
        if piece == "" or piece is None:
            break
        text.append(str(piece))
    return "".join(text)


def _json_list(text: str) -> list[Any] | None:
    try:
        values = json.loads(text)
    except (TypeError, ValueError):
        return None
    return values if isinstance(values, list) else None
