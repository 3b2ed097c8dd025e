"""Hostile workbooks that once led calamine to read a part the guards had not measured, or
the guards themselves to take tens of seconds: each is refused with a clear message within
the bounds of ``test_hostile_workbooks`` (the same ``outcome``: both importers, no write)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from riskreg.exchange.export import export_register
from riskreg.service import RegisterService
from tests.test_hostile_workbooks import _ACTIONS, _far_actions, rebuilt, run_case

_WORKSHEET = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


def _linked_far_actions(genuine: bytes, book: bytes, link: bytes = b"rId99",
                        target: bytes = b"/xl/worksheets/sheet99.xml") -> bytes:  # fmt: skip
    """The list of sheets replaced by ``book``, with a link ``link`` added to ``target``,
    a far-celled copy of the Actions sheet; ``book`` makes calamine read it for Actions."""
    rels = zipfile.ZipFile(io.BytesIO(genuine)).read("xl/_rels/workbook.xml.rels")
    rels = rels.replace(b"</Relationships>", b'<Relationship Type="%s" Target="%s" Id="%s" />'
                        b"</Relationships>" % (_WORKSHEET, target, link))  # fmt: skip
    return rebuilt(genuine, {"xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": rels,
                             target.lstrip(b"/").decode(): _far_actions(genuine)})  # fmt: skip


def _book(genuine: bytes, old: bytes, new: bytes) -> bytes:
    xml = zipfile.ZipFile(io.BytesIO(genuine)).read("xl/workbook.xml")
    return xml.replace(b"<workbook ", b'<workbook xmlns:o="urn:other" ', 1).replace(old, new, 1)


def _workbook_elsewhere(genuine: bytes, _tmp: Path) -> bytes:
    """``_rels/.rels`` names ``evil/workbook.xml`` as the main document: calamine reads
    the list of sheets, its links and the sheets from ``evil/``, not from ``xl/``."""
    old = zipfile.ZipFile(io.BytesIO(genuine))
    rels = old.read("xl/_rels/workbook.xml.rels").replace(
        b"/xl/worksheets/sheet3.xml", b"worksheets/sheet3.xml"
    )
    package = old.read("_rels/.rels").replace(b'"xl/workbook.xml"', b'"evil/workbook.xml"')
    return rebuilt(genuine, {
        "_rels/.rels": package,
        "evil/workbook.xml": old.read("xl/workbook.xml"), "evil/_rels/workbook.xml.rels": rels,
        "evil/worksheets/sheet3.xml": _far_actions(genuine)})  # fmt: skip


def _second_link_in_another_namespace(genuine: bytes, _tmp: Path) -> bytes:
    """A second link ``rId3`` (the Actions sheet's) as ``<o:Relationship>``, after the
    first: calamine keeps the last link of an id, in any namespace."""
    rels = zipfile.ZipFile(io.BytesIO(genuine)).read("xl/_rels/workbook.xml.rels")
    rels = rels.replace(b"<Relationships ", b'<Relationships xmlns:o="urn:other" ', 1).replace(
        b"</Relationships>", b'<o:Relationship Type="%s" Target="/xl/worksheets/sheet99.xml" '
        b'Id="rId3" /></Relationships>' % _WORKSHEET)  # fmt: skip
    return rebuilt(genuine, {"xl/_rels/workbook.xml.rels": rels,
                             "xl/worksheets/sheet99.xml": _far_actions(genuine)})  # fmt: skip


def _escaped_target(genuine: bytes, _tmp: Path) -> bytes:
    """The Actions link's target spelled ``sheet&#51;.xml``: calamine does not unescape a
    target, so it reads a part named exactly that."""
    rels = zipfile.ZipFile(io.BytesIO(genuine)).read("xl/_rels/workbook.xml.rels")
    return rebuilt(genuine, {
        "xl/_rels/workbook.xml.rels": rels.replace(b"sheet3.xml", b"sheet&#51;.xml"),
        "xl/worksheets/sheet&#51;.xml": _far_actions(genuine)})  # fmt: skip


def _second_name_in_the_zip(genuine: bytes, _tmp: Path) -> bytes:
    """The Actions part named ``xl/worksheets/zzz.xml`` with a Unicode Path extra field
    naming it ``sheet3.xml``: the zip crate (calamine's) takes that name, Python ignores it."""
    import struct
    import zlib

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(genuine)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for item in old.infolist():
            if item.filename != _ACTIONS:
                new.writestr(item.filename, old.read(item))
                continue
            info = zipfile.ZipInfo("xl/worksheets/zzz.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            body = (
                b"\x01" + struct.pack("<I", zlib.crc32(info.filename.encode())) + _ACTIONS.encode()
            )
            info.extra = struct.pack("<HH", 0x7075, len(body)) + body
            new.writestr(info, _far_actions(genuine))
    return out.getvalue()


def _after_data(genuine: bytes, part: str, tail: bytes) -> bytes:
    """The genuine ``part`` with ``tail`` written after its data, before ``</worksheet>``."""
    xml = zipfile.ZipFile(io.BytesIO(genuine)).read(part)
    return xml.replace(b"</worksheet>", tail + b"</worksheet>")


def _every_sheet_padded(genuine: bytes, _tmp: Path) -> bytes:
    """Each of the seven sheets padded with 99 MB of ``<x/>``, just under the floor where a
    part's ratio is held: 700 MB of XML from 700 KB (it took the other-register import 29 s)."""
    pad = b"<x/>" * 24_700_000
    return rebuilt(genuine, {f"xl/worksheets/sheet{n}.xml": _after_data(
        genuine, f"xl/worksheets/sheet{n}.xml", pad) for n in range(1, 8)})  # fmt: skip


def _huge_shared_string(genuine: bytes, _tmp: Path) -> bytes:
    """The first risk's Title a shared string of 99 MB (100 KB zipped): calamine held it and
    the header search folded it character by character (1.2 GB, tens of seconds)."""
    old = zipfile.ZipFile(io.BytesIO(genuine))
    sheet = old.read("xl/worksheets/sheet2.xml").replace(
        b'<c r="B2" s="9" t="inlineStr"><is><t>Live traffic strike on the night-time lane '
        b"closure</t></is></c>", b'<c r="B2" s="9" t="s"><v>0</v></c>', 1)  # fmt: skip
    rels = old.read("xl/_rels/workbook.xml.rels").replace(b"</Relationships>", (
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId50" />'
        b"</Relationships>"))  # fmt: skip
    strings = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               b'count="1" uniqueCount="1"><si><t>' + b"a" * 99_000_000
               + b"</t></si></sst>")  # fmt: skip
    return rebuilt(genuine, {"xl/worksheets/sheet2.xml": sheet, "xl/sharedStrings.xml": strings,
                             "xl/_rels/workbook.xml.rels": rels})  # fmt: skip


def _comment_after_risks(genuine: bytes, _tmp: Path) -> bytes:
    tail = b"<!--" + b"a" * 99_000_000 + b"-->"
    return rebuilt(genuine, {"xl/worksheets/sheet2.xml": _after_data(
        genuine, "xl/worksheets/sheet2.xml", tail)})  # fmt: skip


HOSTILE: dict[str, Callable[[bytes, Path], bytes]] = {
    "the main document outside xl/ (_rels/.rels naming evil/workbook.xml)": _workbook_elsewhere,
    "a second Actions sheet, in another namespace, listed first": lambda g, t: (
        _linked_far_actions(g, _book(g, b'<sheet name="Read me"',
                                     b'<o:sheet name="Actions" sheetId="9" r:id="rId99" />'
                                     b'<sheet name="Read me"'))),
    "a second link of the Actions sheet's id, in another namespace":
        _second_link_in_another_namespace,
    "the Actions sheet linked by a second id attribute (o:id after r:id)": lambda g, t: (
        _linked_far_actions(g, _book(g, b'r:id="rId3"', b'r:id="rId3" o:id="rId99"'))),
    "the Actions sheet linked by a namespace declaration (xmlns:id)": lambda g, t: (
        _linked_far_actions(g, _book(g, b'r:id="rId3"', b'r:id="rId3" xmlns:id="rId99"'))),
    "the Actions sheet's target escaped (sheet&#51;.xml)": _escaped_target,
    "the Actions sheet's part named again in a zip extra field": _second_name_in_the_zip,
    # these took 10 to 40 seconds, or a gigabyte, from a file of 100 to 700 KB
    "a comment of 99 MB after the Risks sheet's data (no tag in it)": _comment_after_risks,
    "every sheet padded with 99 MB of tags (700 MB of XML from 700 KB)": _every_sheet_padded,
    "a shared string of 99 MB in the first risk's Title": _huge_shared_string,
}  # fmt: skip
REFUSED_WITH = {
    "the main document outside xl/ (_rels/.rels naming evil/workbook.xml)":
        "its main document is 'evil/workbook.xml'",
    "a second Actions sheet, in another namespace, listed first":
        "two of its sheets are named “Actions”",
    "a second link of the Actions sheet's id, in another namespace":
        "two of its links are named rId3",
    # measured in the part calamine reads for Actions: the far cell is found there
    "the Actions sheet linked by a second id attribute (o:id after r:id)": "column 16,384",
    "the Actions sheet linked by a namespace declaration (xmlns:id)": "column 16,384",
    "the Actions sheet's target escaped (sheet&#51;.xml)": "spells a name with an escape",
    "the Actions sheet's part named again in a zip extra field":
        "its part 'xl/worksheets/zzz.xml' carries a second name",
    "a comment of 99 MB after the Risks sheet's data (no tag in it)":
        "part xl/worksheets/sheet2.xml holds more than 2 MB of text without a tag",
    "every sheet padded with 99 MB of tags (700 MB of XML from 700 KB)": "zip bomb",
    "a shared string of 99 MB in the first risk's Title":
        "part xl/sharedStrings.xml holds more than 2 MB of text without a tag",
}  # fmt: skip
"""What both importers say (each refuses)."""


@pytest.mark.parametrize("fault", list(HOSTILE))
def test_the_part_calamine_reads_is_the_part_measured(
    fault: str, demo: RegisterService, demo_path: Path, tmp_path: Path
) -> None:
    genuine = tmp_path / "genuine.xlsx"
    export_register(demo, genuine, "APEX")
    said = run_case(fault, demo, demo_path, tmp_path, "hostile.xlsx",
                    HOSTILE[fault](genuine.read_bytes(), tmp_path))  # fmt: skip
    assert all("refused" in s and REFUSED_WITH[fault] in s for s in said), said


def test_an_ods_cell_of_99_million_characters_is_refused_before_it_is_loaded(
    demo: RegisterService, demo_path: Path, tmp_path: Path
) -> None:
    """96 KB: calamine would hold the text, and the guard's count of the sheet copied it
    again with every megabyte (10 s and 1.2 GB before)."""
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        b'<office:spreadsheet><table:table table:name="Risks"><table:table-row>'
        b"<table:table-cell><text:p>" + b"a" * 99_000_000 + b"</text:p></table:table-cell>"
        b"</table:table-row></table:table></office:spreadsheet></office:body>"
        b"</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content)
    fault = "an .ods cell of 99 million characters (96 KB)"
    said = run_case(fault, demo, demo_path, tmp_path, "hostile.ods", out.getvalue())
    assert all("content.xml holds more than 2 MB of text without a tag" in s for s in said), said
