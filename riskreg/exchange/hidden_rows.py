"""Which rows of a spreadsheet are hidden: calamine reads cell values, not row formats.

A register's author hides rows for a reason (superseded risks, worked examples, helper
rows), so an import leaves them out and says so. The sheet XML is scanned as a stream
(never held whole, nor parsed into a tree) for the row tags alone: ``<row r="7"
hidden="1">`` in .xlsx/.xlsm, ``<table:table-row table:visibility="collapse">`` (with its
repeat count) in .ods. Legacy .xls keeps row formats in binary records calamine does not
expose: its hidden rows are read like any other (the README says so).
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
_ODS_TAG = re.compile(rb"<table:(table-row|table)(?=[\s/>])([^>]*)>")
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_REPEAT = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_HIDDEN = re.compile(rb'table:visibility="(?:collapse|filter)"')
CHUNK = 1 << 20
MAX_ROW = 200_000
"""Hidden rows counted no further than a sheet import reads (``sheets.MAX_ROWS``)."""


def hidden_rows(path: Path, names: list[str]) -> dict[str, set[int]]:
    """Per sheet name, the 0-based indices of its hidden rows (sheets with none left out)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx(path, names)
        if suffix == ".ods":
            return _ods(path)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise WorkbookRefused(f"{path.name} is damaged: {exc}") from exc
    return {}


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


def _ods(path: Path) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    sheet = ""
    row = 0
    with zipfile.ZipFile(path) as archive:
        for kind, attributes in _tags(archive, "content.xml", _ODS_TAG):
            if kind == b"table":
                named = _ODS_NAME.search(attributes)
                if named:
                    sheet, row = html.unescape(named.group(1).decode("utf-8", "replace")), 0
                continue
            repeat = _ODS_REPEAT.search(attributes)
            count = min(int(repeat.group(1)), MAX_ROW) if repeat else 1
            if _ODS_HIDDEN.search(attributes) and row < MAX_ROW:
                out.setdefault(sheet, set()).update(range(row, min(row + count, MAX_ROW)))
            row += count
    return out
