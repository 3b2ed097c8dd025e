"""Edit an exported workbook the way a partner would: open it, change cells, save it."""

from __future__ import annotations

import os
import re
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
    return libreoffice_convert(path, out_dir, "xlsx:Calc MS Excel 2007 XML", ".xlsx")


def libreoffice_convert(path: Path, out_dir: Path, target: str, suffix: str) -> Path:
    """The workbook opened in LibreOffice Calc and saved (or printed) as ``target``: ``ods``
    for its own format, ``pdf`` for what it prints."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) must be installed for this test in CI")
        pytest.skip("LibreOffice is not installed")
    profile = out_dir / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         target, "--outdir", str(out_dir), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = out_dir / (path.stem + suffix)
    assert result.exists(), "LibreOffice wrote no file"
    return result


def rename_sheet(path: Path, old: str, new: str) -> None:
    book = load_workbook(path)
    book[old].title = new
    book.save(path)


def delete_sheet(path: Path, name: str) -> None:
    book = load_workbook(path)
    del book[name]
    book.save(path)


def exchange_rows(path: Path) -> dict[str, Any]:
    """What the hidden ``_exchange`` sheet says, name → value."""
    sheet = load_workbook(path)["_exchange"]
    return {str(row[0].value): row[1].value if len(row) > 1 else None
            for row in sheet.iter_rows() if row[0].value}  # fmt: skip


def set_exchange(path: Path, values: Mapping[str, Any]) -> None:
    """A partner who unhid ``_exchange`` and typed over some of it."""
    book = load_workbook(path)
    sheet = book["_exchange"]
    for row in sheet.iter_rows():
        if row[0].value in values:
            row[1].value = values[row[0].value]
    book.save(path)


def sort_rows(path: Path, sheet_name: str, header: str, *, reverse: bool = False) -> None:
    """The data rows sorted by one column, as a partner's sort would leave them."""
    book = load_workbook(path)
    ws = book[sheet_name]
    column = _column(ws, header)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    rows = [r for r in rows if any(v is not None for v in r)]
    numbered = sorted(enumerate(rows, start=2), key=lambda p: str(p[1][column - 1] or ""),
                      reverse=reverse)  # fmt: skip
    ws.delete_rows(2, ws.max_row)
    for new, (old, values) in enumerate(numbered, start=2):
        # a spreadsheet's sort moves a formula with its row, references and all
        ws.append([re.sub(rf"\b([A-Z]{{1,3}}){old}\b", rf"\g<1>{new}", v)
                   if isinstance(v, str) and v.startswith("=") else v for v in values])  # fmt: skip
    book.save(path)


def pasted_copy(path: Path, out: Path, sheets: tuple[str, ...] = ("Risks",)) -> Path:
    """The values of some sheets pasted into a fresh workbook: no ``_exchange`` sheet."""
    from openpyxl import Workbook

    source = load_workbook(path)
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name in sheets:
        target = book.create_sheet(name)
        for row in source[name].iter_rows(values_only=True):
            target.append([v if not (isinstance(v, str) and v.startswith("=")) else None
                           for v in row])  # fmt: skip
    book.save(out)
    return out
