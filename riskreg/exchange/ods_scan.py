"""Formulas without a saved result in an OpenDocument spreadsheet (.ods).

LibreOffice saves every formula's result, but a file written by a script may not; calamine
reads such a cell as empty, which the merge would take for a cleared cell. This finds them,
so that they are reported instead: a streamed look for any formula cell without a value
type, and only if there is one, a streamed parse (defusedxml) that gives each its address.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from riskreg.exchange.reader import WorkbookRefused, column_number

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_SUSPECT = re.compile(rb"<table:table-cell(?![^>]*office:value-type)[^>]*table:formula=")
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def ods_formulas_without_values(path: Path, sheet_name: str, letters: set[str]) -> set[str]:
    """Cells (``H14``) of one sheet, in the given columns, holding a formula and no result."""
    if not letters:
        return set()
    try:
        with zipfile.ZipFile(path) as archive:
            if not _any_suspect(archive):
                return set()
            return _addresses(archive, sheet_name, {column_number(x) for x in letters})
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise WorkbookRefused(f"{path.name} is damaged: {exc}") from exc


def _any_suspect(archive: zipfile.ZipFile) -> bool:
    carry = b""
    with archive.open("content.xml") as stream:
        while chunk := stream.read(1 << 20):
            buffer = carry + chunk
            if _SUSPECT.search(buffer):
                return True
            cut = buffer.rfind(b"<")
            carry = buffer[cut:] if cut >= 0 else b""
    return False


def _addresses(archive: zipfile.ZipFile, sheet_name: str, columns: set[int]) -> set[str]:
    from defusedxml.ElementTree import iterparse

    found: set[str] = set()
    inside = False
    row = 0
    column = 0
    with archive.open("content.xml") as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag
            if tag == f"{_TABLE}table":
                inside = event == "start" and element.get(f"{_TABLE}name") == sheet_name
                if event == "end" and element.get(f"{_TABLE}name") == sheet_name:
                    break
            elif not inside:
                if event == "end":
                    element.clear()
            elif tag == f"{_TABLE}table-row":
                if event == "start":
                    column = 0
                else:
                    row += int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                    element.clear()
            elif tag in _CELLS and event == "start":
                repeat = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                if (
                    element.get(f"{_TABLE}formula") is not None
                    and element.get(f"{_OFFICE}value-type") is None
                ):
                    for offset in range(min(repeat, 16_384)):
                        if column + offset + 1 in columns:
                            found.add(_letters(column + offset + 1) + str(row + 1))
                column += repeat
    return found


def _letters(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
