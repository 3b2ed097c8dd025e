"""How much an OpenDocument spreadsheet asks for, counted before calamine loads it.

An .ods file says "this cell, repeated 16,384 times" and "this row, repeated a million
times" in a few bytes: a 1 KB file can ask for 80 million cells, which calamine expands
(every sheet, when the file is opened) into gigabytes within seconds. So ``content.xml``
is streamed once first, counting rows and cells as calamine places them — repeats
included, empty cells taking room but no value, trailing empty repeats (which LibreOffice
writes to the sheet's end) taking none — and a sheet whose block from A1 to its furthest
value passes the cell limit, or whose estimated memory passes the memory bound, is refused
before a byte of it is loaded.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from riskreg.exchange.reader import (
    MAX_SHEET_CELLS,
    Untagged,
    WorkbookRefused,
    carried,
    check_extent,
    untagged,
)

MAX_SHEET_MEMORY = 512 * 1024 * 1024
"""What one sheet may take once loaded (calamine's cells and their text)."""
BYTES_PER_CELL = 64
"""Measured: calamine holds an .ods sheet as a block of 64-byte cells from its first value
to its last (2,000 × 2,000 repeated numbers took 256 MB)."""
_CHUNK = 1 << 20
_ATTRIBUTE = rb"""[^\s=/<>"']+\s*=\s*(?:"[^"]*"|'[^']*')"""
_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)"
    rb"(?=[\s/>])((?:\s+" + _ATTRIBUTE + rb")*)\s*(/?)>"
)
_REPEATED = re.compile(rb"""number-(rows|columns)-repeated\s*=\s*["']([0-9]{1,12})["']""")
_VALUE_TYPE = re.compile(rb"""value-type\s*=""")
_NAME = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?name\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(slots=True)
class SheetCount:
    """One sheet's rows and cells as calamine would place them."""

    name: str
    rows: int = 0
    """Rows from the first to the one after the last value (A1-based, as read)."""
    columns: int = 0
    cells: int = 0
    """Cells holding a value, repeats expanded."""
    text: int = 0
    """Bytes of XML inside the cells holding a value, repeats expanded: a bound on text."""

    @property
    def memory(self) -> int:
        return self.rows * self.columns * BYTES_PER_CELL + self.text


def count_sheets(path: Path) -> list[SheetCount]:
    """Every sheet of the file's ``content.xml``, counted in one streamed pass."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            return _count(stream)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise WorkbookRefused(f"{path.name} is damaged: {exc}") from exc
    except Untagged as exc:
        raise WorkbookRefused(untagged(path.name, "content.xml")) from exc


def check_ods(path: Path, max_rows: int | None = None) -> None:
    """Refuse an .ods whose sheets would ask for more than the limits."""
    for sheet in count_sheets(path):
        check_extent(path.name, sheet.name, sheet.rows, sheet.columns, max_rows)
        if sheet.cells > MAX_SHEET_CELLS or sheet.memory > MAX_SHEET_MEMORY:
            raise WorkbookRefused(
                f"{path.name}: sheet “{sheet.name}” repeats its cells to {sheet.cells:,} values "
                f"(about {sheet.memory / 1e6:,.0f} MB once read); an import reads sheets of up "
                f"to {MAX_SHEET_CELLS:,} cells and {MAX_SHEET_MEMORY / 1e6:,.0f} MB"
            )


class _Counter:
    """The walk's state: where the next row and cell go, and the extent of values."""

    def __init__(self) -> None:
        self.sheets: list[SheetCount] = []
        self.sheet: SheetCount | None = None
        self.row = 0
        self.row_repeat = 1
        self.column = 0
        self.row_cells = 0
        self.row_text = 0
        self.row_last = -1
        self.cell_open: tuple[int, int] | None = None
        """(column repeat, where its XML starts) of a cell whose content is being read."""

    def table(self, attributes: bytes) -> None:
        found = _NAME.search(attributes)
        raw = (found.group(1) or found.group(2)) if found else b""
        self.sheet = SheetCount(raw.decode("utf-8", "replace"))
        self.sheets.append(self.sheet)
        self.row = 0

    def start_row(self, attributes: bytes) -> None:
        self.row_repeat = _repeat(attributes, b"rows")
        self.column = self.row_cells = self.row_text = 0
        self.row_last = -1

    def end_row(self) -> None:
        sheet = self.sheet
        if sheet is not None and self.row_cells:
            last_row = self.row + self.row_repeat  # one past it, as a count from A1
            sheet.rows = max(sheet.rows, last_row)
            sheet.columns = max(sheet.columns, self.row_last + 1)
            sheet.cells += self.row_cells * self.row_repeat
            sheet.text += self.row_text * self.row_repeat
        self.row += self.row_repeat

    def cell(self, attributes: bytes, closed: bool, at: int) -> None:
        repeat = _repeat(attributes, b"columns")
        if closed and not _VALUE_TYPE.search(attributes):
            self.column += repeat  # an empty cell: room, no value
            return
        self.row_cells += repeat
        self.row_last = self.column + repeat - 1
        self.column += repeat
        self.cell_open = None if closed else (repeat, at)

    def end_cell(self, at: int) -> None:
        if self.cell_open is not None:
            repeat, started = self.cell_open
            self.row_text += max(0, at - started) * repeat
            self.cell_open = None


def _repeat(attributes: bytes, what: bytes) -> int:
    for kind, number in _REPEATED.findall(attributes):
        if kind == what:
            return max(1, int(number))
    return 1


def _count(stream: IO[bytes]) -> list[SheetCount]:
    state = _Counter()
    carry = b""
    consumed = 0  # bytes of the stream before ``buffer``
    while True:
        chunk = stream.read(_CHUNK)
        buffer = carry + chunk if carry else chunk
        cut = buffer.rfind(b"<") if chunk else len(buffer)
        cut = max(cut, 0)
        for match in _TAG.finditer(buffer, 0, cut):
            closing, name, attributes, closed = match.groups()
            at = consumed + match.start()
            if closing:
                if name == b"table-row":
                    state.end_row()
                elif name in (b"table-cell", b"covered-table-cell"):
                    state.end_cell(at)
                continue
            if name == b"table":
                state.table(attributes)
            elif name == b"table-row":
                state.start_row(attributes)
                if closed:
                    state.end_row()
            else:
                state.cell(attributes, bool(closed), consumed + match.end())
        consumed += cut
        carry = carried(buffer, cut)  # a long run without a tag is refused, not copied on
        if not chunk:
            return state.sheets
