"""Hostile and broken workbooks, for the exchange import and the import of another register:
each is refused or reported with a clear message, within seconds, and the register file is
left byte for byte as it was. The number of cases each fault class ran is printed at the end
of the test run (the README's fault table is copied from it)."""

from __future__ import annotations

import io
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from riskreg.errors import RegisterError
from riskreg.exchange.export import export_register
from riskreg.exchange.foreign import plan_foreign
from riskreg.exchange.importer import plan_import
from riskreg.exchange.reader import MAX_MEMBER_BYTES
from riskreg.service import RegisterService
from tests.conftest import file_digest

CASES: Counter[str] = Counter()
"""Fault class → cases run; printed by conftest's terminal summary."""
PEAK_MB: dict[str, float] = {}
"""Fault class → the most memory one importer run took above what the process held."""
SECONDS = 5.0
MEMORY_MB = 200.0
"""The bound on what one importer run may take above what the process held before it."""


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"/proc/self/status has no {field}")


def _measured(run: Callable[[], Any]) -> tuple[Any, RegisterError | None, float]:
    """Run: what it returned or the refusal it raised, and the peak resident memory it
    added in MB (the kernel's high-water mark, reset first, so native allocations —
    calamine's — count as well as Python's)."""
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    held = _status_kb("VmRSS")
    try:
        result, refusal = run(), None
    except RegisterError as exc:
        result, refusal = None, exc
    return result, refusal, (_status_kb("VmHWM") - held) / 1024


def outcome(service: RegisterService, path: Path, register: Path, fault: str = "") -> list[str]:
    """Both importers on one file: what each said. Never a crash, never a write, never
    more than the time and memory bounds."""
    before = file_digest(register)
    said = []
    runs = (("exchange", lambda: plan_import(service, path)),
            ("foreign", lambda: plan_foreign(service, path, partner="CNCL")))  # fmt: skip
    for name, run in runs:
        started = time.perf_counter()
        plan, refusal, peak = _measured(run)
        if refusal is not None:
            message = str(refusal)
            assert message.strip() and "Traceback" not in message
            said.append(f"{name}: refused: {message}")
        else:
            errors = [i.message for i in plan.items if i.kind == "error"]
            said.append(f"{name}: {len(plan.items)} items, {len(errors)} errors")
        assert time.perf_counter() - started < SECONDS, name
        PEAK_MB[fault] = max(PEAK_MB.get(fault, 0.0), peak)
        assert peak < MEMORY_MB, f"{name} took {peak:.0f} MB above what the process held"
    assert file_digest(register) == before
    return said


class Genuine(bytes):
    """A workbook's bytes that a failing example prints as one short line."""

    def __repr__(self) -> str:
        return f"<a genuine exchange workbook of {len(self):,} bytes>"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A genuine exchange workbook of the demo register, as bytes to damage."""
    from riskreg.demo import build_demo
    from tests.conftest import ALICE

    folder = tmp_path_factory.mktemp("hostile")
    service = build_demo(folder / "demo.riskreg", ALICE)
    path = folder / "genuine.xlsx"
    export_register(service, path, "APEX")
    service.close()
    return Genuine(path.read_bytes())


def run_case(fault: str, demo: RegisterService, demo_path: Path, tmp_path: Path,
             name: str, data: bytes) -> list[str]:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(data)
    CASES[fault] += 1
    return outcome(demo, path, demo_path, fault)


QUICK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=40, deadline=None, suppress_health_check=QUICK)
@given(data=st.binary(min_size=0, max_size=4096))
def test_random_bytes(demo: RegisterService, demo_path: Path, tmp_path: Path, data: bytes) -> None:
    said = run_case("random bytes named .xlsx", demo, demo_path, tmp_path, "random.xlsx", data)
    assert all("refused" in line for line in said)


@settings(max_examples=30, deadline=None, suppress_health_check=QUICK)
@given(fraction=st.floats(0.0, 0.999))
def test_truncated_workbooks(
    demo: RegisterService, demo_path: Path, tmp_path: Path, exported: bytes, fraction: float
) -> None:
    cut = exported[: int(len(exported) * fraction)]
    said = run_case("a genuine workbook truncated", demo, demo_path, tmp_path, "cut.xlsx", cut)
    assert all("refused" in line for line in said)


def rebuilt(source: bytes, changes: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for item in old.infolist():
            new.writestr(item.filename, changes.pop(item.filename, old.read(item)))
        for name, data in changes.items():
            new.writestr(name, data)
    return out.getvalue()


def edited_cells(source: bytes, tmp_path: Path, values: dict[str, object]) -> bytes:
    """The genuine workbook with cells of the first risk row set (as a script might)."""
    path = tmp_path / "edit.xlsx"
    path.write_bytes(source)
    book = load_workbook(path)
    sheet = book["Risks"]
    headers = [c.value for c in sheet[1]]
    for header, value in values.items():
        sheet.cell(2, headers.index(header) + 1).value = value
    book.save(path)
    return path.read_bytes()


HAND_MADE: dict[str, Callable[[bytes, Path], bytes]] = {
    "a renamed text file": lambda g, t: b"Minutes of the partnership board\n" * 20,
    "an XML entity bomb": lambda g, t: rebuilt(g, {"xl/worksheets/sheet2.xml": (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
                   for i in range(8))
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row>'
        b"</sheetData></worksheet>")}),
    "a zip bomb (a part inflating past the limit)": lambda g, t: rebuilt(
        g, {"xl/worksheets/sheet9.xml": b"\0" * (MAX_MEMBER_BYTES + 1)}),
    "a sheet claiming a million rows": lambda g, t: rebuilt(g, {"xl/worksheets/sheet2.xml":
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:AF1048576"/><sheetData><row r="1048576"><c r="A1048576" '
        b't="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'}),
    "a stray cell at XFD1048576 (the last cell of a sheet)": lambda g, t: rebuilt(g, {
        "xl/worksheets/sheet2.xml": zipfile.ZipFile(io.BytesIO(g)).read(
            "xl/worksheets/sheet2.xml").replace(b"</sheetData>",
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            b"</sheetData>")}),
    "every column the wrong type": lambda g, t: edited_cells(g, t, {
        "Current likelihood": "very", "Current impact": datetime(2026, 1, 1), "Status": 42,
        "Target date": "next Tuesday", "Cost exposure (most likely)": "lots",
        "Shares": "everyone", "Proximity": 3.5, "Category": 12}),
    "100,000-character text": lambda g, t: edited_cells(g, t, {"Description": "x" * 100_000}),
    "right-to-left text and emoji": lambda g, t: edited_cells(g, t, {
        "Title": "שלום עולם — مرحبا 🚧👷‍♀️", "Owner": "‏אבי‏"}),
    "dates before 1900 and in 9999": lambda g, t: edited_cells(g, t, {
        "Target date": date(1850, 1, 1), "Next review": date(9999, 12, 31)}),
    "formulas without cached values": lambda g, t: edited_cells(g, t, {
        "Title": "=CONCAT(A1,B1)", "Owner": "=1/0"}),
    "a password-protected (encrypted) workbook": lambda g, t: (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + bytes(2048)),
}  # fmt: skip


@pytest.mark.parametrize("fault", list(HAND_MADE))
def test_hand_made_hostile_workbooks(
    fault: str, demo: RegisterService, demo_path: Path, tmp_path: Path
) -> None:
    genuine = tmp_path / "genuine.xlsx"
    export_register(demo, genuine, "APEX")  # from this register, so the merge reads its cells
    data = HAND_MADE[fault](genuine.read_bytes(), tmp_path)
    said = run_case(fault, demo, demo_path, tmp_path, "hostile.xlsx", data)
    assert len(said) == 2
    exchange, foreign = said
    assert EXPECTED[fault] in exchange, exchange
    assert EXPECTED_FOREIGN.get(fault, "") in foreign, foreign


EXPECTED = {
    "a renamed text file": "refused: hostile.xlsx is not an Excel workbook",
    "an XML entity bomb": "refused",
    "a zip bomb (a part inflating past the limit)": "zip bomb",
    "a sheet claiming a million rows": "refused",
    # Read whole, this sheet would ask for 17 billion cells: the process would end.
    "a stray cell at XFD1048576 (the last cell of a sheet)": "row 1,048,576 and column 16,384",
    "every column the wrong type": "errors",
    "100,000-character text": "1 errors",
    "right-to-left text and emoji": "2 items, 0 errors",
    "dates before 1900 and in 9999": "2 items, 1 errors",  # 1850 cannot be a date cell
    "formulas without cached values": "2 errors",
    "a password-protected (encrypted) workbook": "password-protected",
}
EXPECTED_FOREIGN = {
    "a sheet claiming a million rows": "reaches row 1,048,576",  # refused before reading rows
    "a stray cell at XFD1048576 (the last cell of a sheet)": "column 16,384",
}


# -- malformed sheet XML, generated ------------------------------------------------------
PARTS = [
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/worksheets/sheet7.xml",
    "xl/workbook.xml",
    "xl/styles.xml",
    "[Content_Types].xml",
    "xl/_rels/workbook.xml.rels",
]
"""Risks, Actions, the hidden _exchange sheet, and the parts that tie them together."""
FRAGMENTS = [
    b'<c r="B2" t="s"><v>99999</v></c>', b'<row r="0">', b"</sheetData>", b"<sheetData>",
    b'<c r="XFE1048577" t="n"><v>1e400</v></c>', b"<v>NaN</v>", b"&undefined;", b"\x00",
    b'<!DOCTYPE x [<!ENTITY e "x">]>', b'<c r="C2" t="d"><v>not a date</v></c>',
    b'<c r="D2" t="b"><v>7</v></c>', b'<c r="E2" t="e"><v>#REF!</v></c>', b"<is><t>",
    b'<row r="2" spans="1:99999999">', b'<mergeCell ref="A1:XFD1048576"/>',
    b'<dimension ref="A1:ZZZZ99999999"/>', b'<c r="F2" t="inlineStr"><is><t>\xe2\x80\xae'
    b"evil</t></is></c>", b'<f>HYPERLINK("http://example.invalid")</f>', b"\xff\xfe",
]  # fmt: skip
TYPES = ["s", "n", "b", "e", "str", "inlineStr", "d", "", "zz"]
REFS = ["A0", "0", "ZZZZZZ1", "A-1", "", "B99999999999", "1A", "XFD1048576"]

mutation = st.one_of(
    st.tuples(st.just("cut"), st.integers(0, 80_000), st.integers(1, 3_000)),
    st.tuples(st.just("repeat"), st.integers(0, 80_000), st.integers(1, 3_000)),
    st.tuples(st.just("insert"), st.integers(0, 80_000), st.sampled_from(FRAGMENTS)),
    st.tuples(st.just("type"), st.integers(0, 400), st.sampled_from(TYPES)),
    st.tuples(st.just("ref"), st.integers(0, 400), st.sampled_from(REFS)),
    st.tuples(st.just("value"), st.integers(0, 400), st.text(max_size=40)),
)


def mutated(xml: bytes, changes: list[tuple[str, int, Any]]) -> bytes:
    """The part's XML with each change applied: spans cut or repeated, fragments put in,
    the n-th cell's type, reference or value replaced."""
    import re

    for kind, at, what in changes:
        if kind in ("cut", "repeat", "insert"):
            at %= max(len(xml), 1)
            if kind == "cut":
                xml = xml[:at] + xml[at + what :]
            elif kind == "repeat":
                xml = xml[: at + what] + xml[at : at + what] + xml[at + what :]
            else:
                xml = xml[:at] + what + xml[at:]
            continue
        pattern = {"type": rb' t="[^"]*"', "ref": rb' r="[^"]*"', "value": rb"<v>[^<]*</v>"}[kind]
        found = list(re.finditer(pattern, xml))
        if not found:
            continue
        hit = found[at % len(found)]
        text = what.encode("utf-8", "surrogatepass")
        new = {"type": b' t="%s"' % text, "ref": b' r="%s"' % text,
               "value": b"<v>%s</v>" % text}[kind]  # fmt: skip
        xml = xml[: hit.start()] + new + xml[hit.end() :]
    return xml


@settings(max_examples=60, deadline=None, suppress_health_check=QUICK)
@given(part=st.sampled_from(PARTS), changes=st.lists(mutation, min_size=1, max_size=4))
def test_malformed_sheet_xml(
    demo: RegisterService,
    demo_path: Path,
    tmp_path: Path,
    exported: bytes,
    part: str,
    changes: list[tuple[str, int, Any]],
) -> None:
    with zipfile.ZipFile(io.BytesIO(exported)) as genuine:
        xml = genuine.read(part)
    data = rebuilt(exported, {part: mutated(xml, changes)})
    said = run_case("malformed sheet XML (hypothesis)", demo, demo_path, tmp_path,
                    "malformed.xlsx", data)  # fmt: skip
    assert len(said) == 2  # each importer refused it or reported on it; neither crashed


# -- guards without gaps: references in any order, cells by position, repeats, real ratios --
def _sheet_with(genuine: bytes, fragment: bytes) -> bytes:
    """The genuine Risks sheet with ``fragment`` added at the end of its data."""
    xml = zipfile.ZipFile(io.BytesIO(genuine)).read("xl/worksheets/sheet2.xml")
    return rebuilt(genuine, {"xl/worksheets/sheet2.xml": xml.replace(
        b"</sheetData>", fragment + b"</sheetData>")})  # fmt: skip


def _long_repetitive_text(genuine: bytes, tmp_path: Path) -> bytes:
    """400 cells of 32,767 characters, each a letter repeated: 13 MB of honest text that
    compresses about a thousandfold."""
    path = tmp_path / "long.xlsx"
    path.write_bytes(genuine)
    book = load_workbook(path)
    notes = book.create_sheet("Notes")
    for n in range(400):
        notes.append([f"{n:05d}" + "abcdefghij"[n % 10] * 32_762])
    book.save(path)
    return path.read_bytes()


def _part_larger_than_it_says(genuine: bytes, _tmp: Path) -> bytes:
    """A part that inflates to 20 MB while the zip's directory says 1 KB (as a bomb does)."""
    data = bytearray(rebuilt(genuine, {"xl/media/filler.xml": b"<x>" + b"\0" * 20_000_000}))
    name = b"xl/media/filler.xml"
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(name))  # its central directory entry
    data[entry + 24 : entry + 28] = (1024).to_bytes(4, "little")
    return bytes(data)


_ACTIONS = "xl/worksheets/sheet3.xml"
_STRAY = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def _far_actions(genuine: bytes) -> bytes:
    """The genuine Actions sheet with a far stray cell (read whole: 17 billion cells)."""
    xml = zipfile.ZipFile(io.BytesIO(genuine)).read(_ACTIONS)
    return xml.replace(b"</sheetData>", _STRAY + b"</sheetData>")


def _without(genuine: bytes, part: str) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(genuine)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for item in old.infolist():
            if item.filename != part:
                new.writestr(item.filename, old.read(item))
    return out.getvalue()


def _path_through_a_dot(genuine: bytes, _tmp: Path) -> bytes:
    """The Actions sheet's link spelled ``/xl/worksheets/./sheet3.xml``: calamine takes the
    path literally, so it reads a part of that very name, not ``sheet3.xml``."""
    rels = zipfile.ZipFile(io.BytesIO(genuine)).read("xl/_rels/workbook.xml.rels")
    return rebuilt(genuine, {
        "xl/_rels/workbook.xml.rels": rels.replace(b"/xl/worksheets/sheet3.xml",
                                                   b"/xl/worksheets/./sheet3.xml"),
        "xl/worksheets/./sheet3.xml": _far_actions(genuine)})  # fmt: skip


def _sheet_in_another_namespace(genuine: bytes, _tmp: Path) -> bytes:
    """The Actions ``<sheet>`` in a namespace of its own: calamine lists it all the same."""
    book = zipfile.ZipFile(io.BytesIO(genuine)).read("xl/workbook.xml")
    book = book.replace(b"<workbook ", b'<workbook xmlns:o="urn:other" ', 1)
    return rebuilt(genuine, {
        "xl/workbook.xml": book.replace(b'<sheet name="Actions"', b'<o:sheet name="Actions"'),
        _ACTIONS: _far_actions(genuine)})  # fmt: skip


GAPS: dict[str, Callable[[bytes, Path], bytes]] = {
    "a far cell written with its reference last (<c t=\"inlineStr\" r=\"XFD1048576\">)":
        lambda g, t: _sheet_with(g, b'<row r="90"><c t="inlineStr" r="XFD1048576"><is><t>x'
                                    b"</t></is></c></row>"),
    "a far cell with a quoted > before its reference": lambda g, t: _sheet_with(
        g, b'<row r="90"><c s=">" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'),
    "a far cell in lower case, with a namespace prefix": lambda g, t: _sheet_with(
        g, b'<x:row r="90" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<x:c r="xfd1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row>'),
    "far cells placed by position alone (rows and cells with no reference)": lambda g, t: (
        _sheet_with(g, b"<row/>" * 1_048_000 + b"<row>" + b"<c><v>1</v></c>" * 16_384
                    + b"</row>")),
    "long repetitive text (32,767 characters in 400 cells)": _long_repetitive_text,
    "a part inflating past what the zip says": _part_larger_than_it_says,
    # The far cell below is in the part calamine reads for the Actions sheet; each
    # spelling once led the guard to measure another part (or none) instead.
    "a twin of the Actions sheet named with a backslash (xl/worksheets\\sheet3.xml)":
        lambda g, t: rebuilt(g, {"xl/worksheets\\sheet3.xml": _far_actions(g)}),
    "the Actions sheet's part named in capitals (xl/worksheets/SHEET3.xml)": lambda g, t: (
        rebuilt(_without(g, _ACTIONS), {"xl/worksheets/SHEET3.xml": _far_actions(g)})),
    "the Actions sheet linked through a dot (/xl/worksheets/./sheet3.xml)": _path_through_a_dot,
    "the Actions sheet listed in another namespace": _sheet_in_another_namespace,
}  # fmt: skip
GAP_EXPECTED = {
    # counted as calamine would place them; the count stops once past the limit
    "far cells placed by position alone (rows and cells with no reference)": (
        "refused: hostile.xlsx: sheet “Risks” reaches row",
        "refused: hostile.xlsx: sheet",
    ),
    # read, not taken for a bomb: the import plans it; the other-register import reads it
    # far enough to see that it is an export of this very register
    "long repetitive text (32,767 characters in 400 cells)": (
        "items",
        "exported from this register",
    ),
    "a part inflating past what the zip says": ("damaged", "damaged"),
    "a twin of the Actions sheet named with a backslash (xl/worksheets\\sheet3.xml)": (
        "holds two parts named 'xl/worksheets\\\\sheet3.xml'",
    )
    * 2,
    "the Actions sheet linked through a dot (/xl/worksheets/./sheet3.xml)": (
        "the unusual path '/xl/worksheets/./sheet3.xml'",
    )
    * 2,
}
"""(exchange, other register): what each says; the far cells are refused by both."""


@pytest.mark.parametrize("fault", list(GAPS))
def test_the_workbook_guards_have_no_gaps(
    fault: str, demo: RegisterService, demo_path: Path, tmp_path: Path
) -> None:
    genuine = tmp_path / "genuine.xlsx"
    export_register(demo, genuine, "APEX")
    said = run_case(fault, demo, demo_path, tmp_path, "hostile.xlsx",
                    GAPS[fault](genuine.read_bytes(), tmp_path))  # fmt: skip
    exchange, foreign = said
    expected = GAP_EXPECTED.get(fault, ("column 16,384", "column 16,384"))
    assert expected[0] in exchange and expected[1] in foreign, said
    assert "zip bomb" not in exchange + foreign or "inflating" in fault


def test_an_ods_of_80_million_repeated_cells_is_refused_before_it_is_loaded(
    demo: RegisterService, demo_path: Path, tmp_path: Path
) -> None:
    """1 KB that calamine would expand into 3.8 GB within seconds."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="Risks"><table:table-row>'
        "<table:table-cell><text:p>Title</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="10000"><table:table-cell '
        'table:number-columns-repeated="8000" office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content)
    assert len(out.getvalue()) < 2_000
    fault = "an .ods of 80 million repeated cells (1 KB)"
    exchange, foreign = run_case(fault, demo, demo_path, tmp_path, "hostile.ods", out.getvalue())
    assert "refused" in exchange
    assert "refused" in foreign and "column 8,000" in foreign, foreign
