"""A returned workbook's sheets are checked one by one while calamine reads the one before:
no sheet reaches calamine unchecked, and the overlap changes nothing the import says."""

from __future__ import annotations

import struct
import threading
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from riskreg.exchange import reader
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import ImportRefused, plan_import
from riskreg.exchange.part_checks import PartChecks
from riskreg.exchange.reader import WorkbookRefused
from riskreg.exchange.returned import open_returned
from riskreg.service import RegisterService
from tests.conftest import file_digest
from tests.exchange_helpers import edit

RISKS_PART, ACTIONS_PART = "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"


@pytest.fixture
def workbook(demo: RegisterService, tmp_path: Path) -> Path:
    path = tmp_path / "for APEX.xlsx"
    export_register(demo, path, "APEX")
    return path


def _with_part(path: Path, part: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)


def _wrong_checksum(path: Path, part: str) -> None:
    """The part's CRC-32 changed in its local header and in the central directory, as a
    hand-built zip could carry it: its data no longer inflates to what the zip claims."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    wrong = struct.pack("<I", (info.CRC ^ 0xFFFFFFFF) & 0xFFFFFFFF)
    data[info.header_offset + 14 : info.header_offset + 18] = wrong
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(part.encode()))
    data[central + 16 : central + 20] = wrong
    path.write_bytes(bytes(data))


def _refused(demo: RegisterService, demo_path: Path, path: Path) -> str:
    before = file_digest(demo_path)
    with pytest.raises(ImportRefused) as caught:
        plan_import(demo, path)
    assert file_digest(demo_path) == before
    return str(caught.value)


def test_a_far_stray_cell_on_the_actions_sheet_is_refused_before_calamine_reads_it(
    demo: RegisterService, demo_path: Path, workbook: Path
) -> None:
    # Read whole, this sheet would ask calamine for 17 billion cells and end the process;
    # it is checked while the Risks sheet is read, and refused before it is read itself.
    with zipfile.ZipFile(workbook) as archive:
        actions = archive.read(ACTIONS_PART)
    stray = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    _with_part(workbook, ACTIONS_PART, actions.replace(b"</sheetData>", stray + b"</sheetData>"))
    message = _refused(demo, demo_path, workbook)
    assert "sheet “Actions” reaches row 1,048,576 and column 16,384" in message


@pytest.mark.parametrize("part", [RISKS_PART, ACTIONS_PART], ids=["Risks", "Actions"])
def test_a_sheet_that_does_not_inflate_to_what_the_zip_claims_is_refused_as_damaged(
    demo: RegisterService, demo_path: Path, workbook: Path, part: str
) -> None:
    _wrong_checksum(workbook, part)
    assert f"is damaged: part {part}" in _refused(demo, demo_path, workbook)


def test_every_sheet_checked_late_counts_towards_the_whole_file_limit(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = PartChecks(workbook)
    with zipfile.ZipFile(workbook) as archive:
        risks = archive.getinfo(RISKS_PART).file_size
        checked_at_once = sum(  # every part but the worksheets
            m.file_size for m in archive.infolist() if not m.filename.startswith("xl/worksheets/")
        )
    monkeypatch.setattr(reader, "MAX_TOTAL_BYTES", checked_at_once + risks + 1)
    checks.check(RISKS_PART)  # the file so far is within the limit
    with pytest.raises(WorkbookRefused, match="zip bomb"):
        checks.check(ACTIONS_PART)  # with the Actions sheet it is not


def test_a_sheet_checked_once_is_not_inflated_again(workbook: Path) -> None:
    checks = PartChecks(workbook)
    checks.check(RISKS_PART)
    measured = dict(checks.extents)
    assert RISKS_PART in measured and ACTIONS_PART not in measured
    _with_part(workbook, RISKS_PART, zlib.compress(b"not xml"))  # the file is not opened again
    checks.check(RISKS_PART)
    assert checks.extents == measured


def test_a_formula_without_a_result_in_a_moved_column_is_found_though_scanned_ahead(
    demo: RegisterService, workbook: Path
) -> None:
    # The formulas are scanned ahead in the columns the export wrote; a partner who
    # inserted a column moved "Next review" from K to L, outside those columns.
    book = load_workbook(workbook)
    book["Risks"].insert_cols(1)
    book["Risks"].cell(1, 1).value = "Partner notes"
    book.save(workbook)
    ref = next(r.ref for r in demo.list_risks() if r.lead_partner == "APEX")
    edit(workbook, "Risks", ref, {"Next review": "=TODAY()+30"})  # openpyxl saves no result
    plan = plan_import(demo, workbook)
    errors = [i for i in plan.items if i.kind == "error"]
    assert [e.cell[:1] for e in errors] == ["L"]
    assert "formula with no saved result" in errors[0].message


def test_a_refused_workbook_is_closed_after_the_sheet_read_in_the_background(
    demo: RegisterService, workbook: Path
) -> None:
    # The key is checked after the Risks sheet's read has begun: the refusal waits for it,
    # and the workbook can be exported over at once.
    book = load_workbook(workbook)
    for row in book["_exchange"].iter_rows():
        if row[0].value == "key":
            row[1].value = "0" * len(str(row[1].value))
    book.save(workbook)
    with pytest.raises(ImportRefused, match="does not carry the key"):
        plan_import(demo, workbook)
    export_register(demo, workbook, "APEX")
    assert plan_import(demo, workbook).items == ()


def test_other_reads_and_closing_wait_for_the_read_in_the_background(workbook: Path) -> None:
    # calamine's workbook serves one read at a time ("Already borrowed" otherwise); the
    # Risks and Partners sheets are given 100,000 rows, so their reads are still under way.
    with zipfile.ZipFile(workbook) as archive:
        xml = {part: archive.read(part) for part in (RISKS_PART, "xl/worksheets/sheet4.xml")}
    filler = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
        for n in range(1000, 101_000)
    )
    for part, data in xml.items():
        _with_part(workbook, part, data.replace(b"</sheetData>", filler + b"</sheetData>"))
    book = open_returned(workbook)
    book.read_ahead("Risks")
    actions = book.sheet("Actions")  # asked while Risks is read
    risks = book.sheet("Risks")
    assert actions is not None and actions.head[0][:2] == ["Ref", "Risk"]
    assert risks is not None and risks.head[0][:2] == ["Ref", "Title"]
    book.read_ahead("Partners")
    book.close()  # while Partners is read: it waits, so no read outlives the workbook
    assert not [t for t in threading.enumerate() if t.name.startswith("calamine")]
