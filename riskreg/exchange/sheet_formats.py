"""What calamine does not read of a sheet: which rows are hidden, and (in .ods) merges.

A register's author hides rows for a reason (superseded risks, worked examples, helper
rows), so an import leaves them out and says so; a merged "Category" cell belongs to every
row it spans. The sheet XML is scanned as a stream (never held whole, nor parsed into a
tree) for the row and cell tags alone: ``<row r="7" hidden="1">`` in .xlsx/.xlsm (whose
merges calamine reads), ``<table:table-row table:visibility="collapse">`` and
``<table:table-cell table:number-rows-spanned="3">`` (with their repeat counts) in .ods.
Legacy .xls keeps row formats in binary records calamine does not expose: its hidden rows
are read like any other (the README says so).
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from riskreg.exchange.reader import WorkbookRefused, sheet_parts

_XLSX_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_XLSX_NUMBER = re.compile(rb'\br="(\d+)"')
_XLSX_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_ODS_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ODS_COLUMNS = re.compile(rb'table:number-columns-repeated="(\d+)"')
_ODS_SPAN_ROWS = re.compile(rb'table:number-rows-spanned="(\d+)"')
_ODS_SPAN_COLUMNS = re.compile(rb'table:number-columns-spanned="(\d+)"')
MAX_COLUMN = 16_384
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_REPEAT = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_HIDDEN = re.compile(rb'table:visibility="(?:collapse|filter)"')
CHUNK = 1 << 20
MAX_ROW = 200_000
"""Hidden rows counted no further than a sheet import reads (``sheets.MAX_ROWS``)."""


Merge = tuple[tuple[int, int], tuple[int, int]]
"""(top, left), (bottom, right), 0-based and inclusive, as calamine gives its merges."""


def sheet_formats(
    path: Path, names: list[str]
) -> tuple[dict[str, set[int]], dict[str, list[Merge]]]:
    """Per sheet name, its hidden rows (0-based) and, for .ods, its merged ranges."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx(path, names), {}
        if suffix == ".ods":
            return _ods(path)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise WorkbookRefused(f"{path.name} is damaged: {exc}") from exc
    return {}, {}


def hidden_rows(path: Path, names: list[str]) -> dict[str, set[int]]:
    """Per sheet name, the 0-based indices of its hidden rows (sheets with none left out)."""
    return sheet_formats(path, names)[0]


def _tags(
    archive: zipfile.ZipFile, part: str, pattern: re.Pattern[bytes]
) -> Iterator[tuple[bytes, ...]]:
    """The groups of every match of a tag pattern in one part, read in chunks (a tag is
    never split between two); copies, so no chunk outlives its turn."""
    carry = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            buffer = carry + chunk
            cut = buffer.rfind(b">") + 1
            for match in pattern.finditer(buffer, 0, cut):
                yield tuple(bytes(g or b"") for g in match.groups())
            carry = buffer[cut:]


def _xlsx(path: Path, names: list[str]) -> dict[str, set[int]]:
    parts = sheet_parts(path)
    out: dict[str, set[int]] = {}
    with zipfile.ZipFile(path) as archive:
        for name in names:
            part = parts.get(name)
            if part is None:
                continue
            hidden: set[int] = set()
            number = 0
            for (attributes,) in _tags(archive, part, _XLSX_ROW):
                given = _XLSX_NUMBER.search(attributes)
                number = int(given.group(1)) if given else number + 1
                if _XLSX_HIDDEN.search(attributes) and 0 < number <= MAX_ROW:
                    hidden.add(number - 1)
            if hidden:
                out[name] = hidden
    return out


def _ods(path: Path) -> tuple[dict[str, set[int]], dict[str, list[Merge]]]:
    hidden: dict[str, set[int]] = {}
    merges: dict[str, list[Merge]] = {}
    sheet = ""
    row = next_row = column = 0
    with zipfile.ZipFile(path) as archive:
        for kind, attributes in _tags(archive, "content.xml", _ODS_TAG):
            if kind == b"table":
                named = _ODS_NAME.search(attributes)
                if named:
                    sheet = html.unescape(named.group(1).decode("utf-8", "replace"))
                    row = next_row = 0
                continue
            if kind == b"table-row":
                repeat = _ODS_REPEAT.search(attributes)
                count = min(int(repeat.group(1)), MAX_ROW) if repeat else 1
                row, next_row, column = next_row, next_row + count, 0
                if _ODS_HIDDEN.search(attributes) and row < MAX_ROW:
                    hidden.setdefault(sheet, set()).update(range(row, min(next_row, MAX_ROW)))
                continue
            repeat = _ODS_COLUMNS.search(attributes)
            count = min(int(repeat.group(1)), MAX_COLUMN) if repeat else 1
            if kind == b"table-cell" and row < MAX_ROW and column < MAX_COLUMN:
                down = _ODS_SPAN_ROWS.search(attributes)
                across = _ODS_SPAN_COLUMNS.search(attributes)
                tall = min(int(down.group(1)), MAX_ROW) if down else 1
                wide = min(int(across.group(1)), MAX_COLUMN) if across else 1
                if tall > 1 or wide > 1:  # a merged cell: the covered cells follow it
                    merges.setdefault(sheet, []).append(
                        ((row, column), (row + tall - 1, column + wide - 1))
                    )
            column += count
    return hidden, merges
