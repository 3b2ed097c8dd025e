"""Edit an exported workbook the way a partner would: open it, change cells, save it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet


def _column(sheet: Worksheet, header: str) -> int:
    for cell in sheet[1]:
        if cell.value == header:
            return int(cell.column)
    raise KeyError(f"no column {header!r} on {sheet.title}")


def _row(sheet: Worksheet, ref: str) -> int:
    ref_column = _column(sheet, "Ref")
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, ref_column).value == ref:
            return row
    raise KeyError(f"no row {ref} on {sheet.title}")


def cell_name(path: Path, sheet: str, ref: str, header: str) -> str:
    book = load_workbook(path)
    ws = book[sheet]
    return str(ws.cell(_row(ws, ref), _column(ws, header)).coordinate)


def edit(path: Path, sheet: str, ref: str, changes: Mapping[str, Any]) -> None:
    book = load_workbook(path)
    ws = book[sheet]
    row = _row(ws, ref)
    for header, value in changes.items():
        ws.cell(row, _column(ws, header)).value = value
    book.save(path)


def add_row(path: Path, sheet: str, values: Mapping[str, Any], *, as_text: bool = False) -> int:
    """A new row below the data; ``as_text`` keeps text that looks like a formula as text,
    as a spreadsheet does when the user types a leading apostrophe."""
    book = load_workbook(path)
    ws = book[sheet]
    row = ws.max_row + 1
    for header, value in values.items():
        cell = ws.cell(row, _column(ws, header))
        cell.value = value
        if as_text and isinstance(value, str):
            cell.data_type = "s"
    book.save(path)
    return row


def delete_row(path: Path, sheet: str, ref: str) -> None:
    book = load_workbook(path)
    ws = book[sheet]
    ws.delete_rows(_row(ws, ref))
    book.save(path)


def reorder_with_extra_column(path: Path, sheet: str) -> None:
    """Move the last data column to the front and insert a column of the partner's notes."""
    book = load_workbook(path)
    ws = book[sheet]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    ws.delete_rows(1, ws.max_row)
    for values in rows:
        moved = [values[-1], *values[:-1]]
        moved.insert(3, "Partner notes" if values is rows[0] else "checked by J. Smith")
        ws.append(moved)
    book.save(path)


def libreoffice_resave(path: Path, out_dir: Path) -> Path:
    """Open and save the workbook in LibreOffice Calc, as a partner without Excel would."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) must be installed for this test in CI")
        pytest.skip("LibreOffice is not installed")
    profile = out_dir / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = out_dir / path.name
    assert result.exists(), "LibreOffice wrote no file"
    return result
