"""The new reading of another register's rows and words stays bounded on hostile input:
hidden-row marks far past any sheet, a repeat count of a million hidden rows, a saved
mapping that names levels the scheme does not have, and cell text with control codes."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest

from riskreg.exchange.foreign import ForeignRefused, load_mapping, plan_foreign, read_workbook
from riskreg.exchange.sheet_formats import MAX_ROW, hidden_rows
from riskreg.service import RegisterService
from tests.foreign_workbooks import write


def test_hidden_row_marks_far_below_any_sheet_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path / "far.xlsx", [["Risk", "Likelihood", "Impact"], ["Flood", 2, 3]])
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>", b'<row r="99999999" hidden="1"/><row r="3" hidden="true"/></sheetData>'
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert hidden_rows(path, ["Register"]) == {"Register": {2}}


def test_a_million_repeated_hidden_rows_in_an_ods_are_counted_no_further_than_a_sheet_reads(
    tmp_path: Path,
) -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="R&amp;D">'
        "<table:table-row><table:table-cell/></table:table-row>"
        '<table:table-row table:visibility="collapse" table:number-rows-repeated="5000000">'
        "<table:table-cell/></table:table-row></table:table></office:spreadsheet>"
        "</office:body></office:document-content>"
    )
    path = tmp_path / "repeated.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    started = time.perf_counter()
    found = hidden_rows(path, [])
    assert time.perf_counter() - started < 2.0
    assert set(found) == {"R&D"} and len(found["R&D"]) == MAX_ROW - 1
    assert min(found["R&D"]) == 1 and max(found["R&D"]) == MAX_ROW - 1


def test_a_saved_mapping_cannot_give_a_level_the_scheme_does_not_have(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = write(tmp_path / "r.xlsx", [["Risk", "Likelihood", "Impact"], ["Flood", "Hgh", 3]])
    tables = read_workbook(path)
    mapping = {"version": 1, "sheet": "Register", "header_row": 1,
               "scales": {"current_likelihood": {"Hgh": 9}}}  # fmt: skip
    with pytest.raises(ForeignRefused, match="level 9, which this register's scheme does not"):
        load_mapping(json.dumps(mapping), tables, demo.scheme())
    for broken in ("[]", '{"version": 1, "sheet": "Register", "header_row": "x"}',
                   '{"version": 1, "sheet": "Register", "header_row": 99}'):  # fmt: skip
        with pytest.raises(ForeignRefused):
            load_mapping(broken, tables, demo.scheme())


def test_control_codes_in_cells_are_shown_not_refused_and_said(
    demo: RegisterService, tmp_path: Path
) -> None:
    # Excel writes a control code as _x0007_; a reader turns it back into the character
    path = write(tmp_path / "codes.xlsx", [
        ["Risk", "Owner", "Likelihood", "Impact"],
        ["Bell_x0007_ tower", "Kim_x000B_Lee", 2, 3],
    ])  # fmt: skip
    assert read_workbook(path)[0].rows[1][:2] == ["Bell\x07 tower", "Kim\x0bLee"]
    plan = plan_foreign(demo, path, partner="CNCL")
    (draft,) = plan.drafts
    assert (draft.title, draft.owner) == ("Bell␇ tower", "Kim␋Lee")
    said = [(i.where, i.message) for i in plan.items if i.kind == "warning"]
    message = (
        "holds control characters (pasted from another program): they are shown as "
        "visible symbols (␋)"
    )
    assert said == [("Register!A2", message), ("Register!B2", message)]


def _with_sheet_xml(path: Path, change: tuple[bytes, bytes]) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    assert change[0] in parts[sheet]
    parts[sheet] = parts[sheet].replace(*change)
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_a_merge_over_the_whole_sheet_fills_no_more_than_the_data(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = write(tmp_path / "merged.xlsx", [
        ["Risk", "Category", "Likelihood", "Impact"],
        ["Flood", "Assets", 2, 3], ["Fire", None, 3, 3],
    ])  # fmt: skip
    _with_sheet_xml(path, (b"</sheetData>", b'</sheetData><mergeCells count="1">'
                           b'<mergeCell ref="B2:XFD1048576"/></mergeCells>'))  # fmt: skip
    started = time.perf_counter()
    plan = plan_foreign(demo, path, partner="CNCL")
    assert time.perf_counter() - started < 5.0
    assert [(d.title, d.category) for d in plan.drafts] == [("Flood", "Assets"),
                                                            ("Fire", "Assets")]  # fmt: skip
    table = read_workbook(path)[0]
    assert len(table.rows) == 3 and max(len(r) for r in table.rows) == 4
