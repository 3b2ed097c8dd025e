"""A returned workbook is outside input: what it cannot make the register do."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskreg.exchange.export import export_register
from riskreg.exchange.importer import ImportRefused, plan_import
from riskreg.exchange.reader import MAX_MEMBER_BYTES
from riskreg.service import RegisterService
from tests.conftest import file_digest


@pytest.fixture
def workbook(demo: RegisterService, tmp_path: Path) -> Path:
    path = tmp_path / "for APEX.xlsx"
    export_register(demo, path, "APEX")
    return path


def rewrite(path: Path, changes: dict[str, bytes]) -> None:
    """Replace or add parts of the workbook's zip, as a hostile sender could."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts.update(changes)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def refused(service: RegisterService, path: Path, register: Path) -> str:
    before = file_digest(register)
    started = time.perf_counter()
    with pytest.raises(ImportRefused) as caught:
        plan_import(service, path)
    assert time.perf_counter() - started < 5
    assert file_digest(register) == before
    return str(caught.value)


def test_a_file_that_is_not_a_workbook_is_refused_plainly(
    demo: RegisterService, tmp_path: Path, demo_path: Path
) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("these are my notes, renamed")
    assert "is not an Excel workbook" in refused(demo, path, demo_path)
    truncated = tmp_path / "truncated.xlsx"
    export_register(demo, truncated)
    truncated.write_bytes(truncated.read_bytes()[:2000])
    assert "damaged or incomplete" in refused(demo, truncated, demo_path)


def test_a_zip_bomb_is_refused_before_it_is_inflated(
    demo: RegisterService, workbook: Path, demo_path: Path
) -> None:
    bomb = b"<row/>" * (MAX_MEMBER_BYTES // 6 + 1)  # compresses to about a megabyte
    rewrite(workbook, {"xl/worksheets/sheet9.xml": bomb})
    assert "zip bomb" in refused(demo, workbook, demo_path)


def test_an_xml_entity_bomb_is_not_expanded(
    demo: RegisterService, workbook: Path, demo_path: Path
) -> None:
    laughs = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    )  # a billion "lol"s if expanded
    with zipfile.ZipFile(workbook) as source:
        sheet = source.read("xl/worksheets/sheet2.xml").decode()
    hostile = sheet.replace("<worksheet", f"<!DOCTYPE worksheet [{laughs}]><worksheet", 1).replace(
        "<is><t>", "<is><t>&l9;", 1
    )
    rewrite(workbook, {"xl/worksheets/sheet2.xml": hostile.encode()})
    before = file_digest(demo_path)
    started = time.perf_counter()
    try:
        plan = plan_import(demo, workbook)
    except ImportRefused:
        pass  # refusing is as good as not expanding
    else:
        assert all(len(str(item.new or "")) < 10_000 for item in plan.items)
    assert time.perf_counter() - started < 5
    assert file_digest(demo_path) == before


def test_extra_sheets_and_macros_are_ignored(demo: RegisterService, workbook: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(workbook)
    hidden = book.create_sheet("Sneaky")
    hidden.sheet_state = "hidden"
    hidden["A1"] = '=WEBSERVICE("http://example.invalid")'
    book.save(workbook)
    rewrite(workbook, {"xl/vbaProject.bin": b"\x00not really a macro project"})
    assert plan_import(demo, workbook).items == ()


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.tuples(st.integers(1, 16_384), st.integers(1, 1_048_576), st.integers(1, 1_048_576)),
        min_size=1, max_size=60,
    ),
    chunk_pad=st.integers(0, 3_000_000),
)  # fmt: skip
def test_a_sheets_extent_is_measured_exactly_from_its_xml(
    cells: list[tuple[int, int, int]], chunk_pad: int
) -> None:
    """However cells are ordered, and whatever row element holds them, the furthest row and
    column are found (padding moves the chunk boundaries of the streamed pass); a row
    element's own number counts too, so the measure never falls short of calamine's. The
    same measure taken while the file's parts are inflated for their sizes (the one pass an
    import makes) finds the same."""
    import io
    import tempfile
    import zipfile

    from riskreg.exchange.export import column_letter
    from riskreg.exchange.reader import check_archive, sheet_extent

    body = b"".join(
        b'<row r="%d"><c r="%s%d"><v>1</v></c></row>' % (row, column_letter(col).encode(), cell_row)
        for col, row, cell_row in cells
    )
    padding = b"<!--" + b"x" * chunk_pad + b"-->"
    xml = b"<worksheet><sheetData>" + padding + body + b"</sheetData></worksheet>"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("sheet.xml", xml)
    with zipfile.ZipFile(archive) as read:
        rows, columns = sheet_extent(read, "sheet.xml")
    assert rows == max(max(row, cell_row) for _, row, cell_row in cells)
    assert columns == max(col for col, _, _ in cells)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr("xl/workbook.xml", "<workbook/>")
            out.writestr("xl/worksheets/sheet1.xml", xml)
        assert check_archive(path) == {"xl/worksheets/sheet1.xml": (rows, columns)}
