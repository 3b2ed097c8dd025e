"""Open a workbook from outside without trusting it.

The zip is measured before calamine reads it: its directory first (part count, the sizes
each part claims), then each part is inflated and counted as it streams past (nothing is
kept), so a part that inflates further than it claims, past the size limits, or — past
100 MB — at a ratio no honest XML reaches, is refused; long honest text, which compresses
a thousandfold, is read (a returned workbook's worksheets are checked the same way, each
just before calamine reads it: ``part_checks``). Cells are read by calamine, a Rust reader
that takes cached values only, never evaluates a formula and does not expand XML entities;
the few XML parts read here go through defusedxml. Formulas that have no cached value are found
by a scan of the sheet's XML, so that they are reported instead of read as empty cells.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 250
"""Expanded ÷ compressed bytes of one part, refused only past ``BOMB_FLOOR``: honest XML
compresses ten- to thirtyfold, repetitive text (a cell of 32,767 x's) up to a thousandfold,
which is fine at a few megabytes and a bomb at gigabytes."""
BOMB_FLOOR = 100 * 1024 * 1024
MAX_MEMBERS = 10_000


class WorkbookRefused(ValueError):
    """A file that cannot be read as a workbook at all; the message says why, plainly."""


@dataclass(slots=True)
class SheetData:
    """A sheet's cells from A1, read row by row: the ``n``-th row (from 0) is Excel row
    ``n + 1``. The first rows are held (to find the header); the rest stream past once, so a
    sheet of 100,000 rows is never held twice."""

    name: str
    head: list[list[Any]]
    rest: Iterator[list[Any]]
    visible: bool

    def rows(self) -> Iterator[list[Any]]:
        """Every row from the first; callable once, as the rest is not kept."""
        return itertools.chain(self.head, self.rest)


Extents = dict[str, tuple[int, int]]
"""A worksheet part (``xl/worksheets/sheet2.xml``) → its rows and columns from A1."""


def check_archive(path: Path) -> Extents:
    """Refuse what is not an OOXML zip, or would inflate beyond sane limits; the extent of
    each worksheet part written the usual way, measured in the same pass (``sheet_extent``),
    so a sheet's XML is not inflated again to be measured before calamine reads it."""
    with opened_archive(path) as archive:
        members = check_sizes(path.name, archive)
        require_workbook(path.name, members)
        meters = worksheet_meters(archive, members)
        check_expansion(path.name, archive, members, meters)
        return measured(meters)


@contextlib.contextmanager
def opened_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    """The file as a zip, or ``WorkbookRefused`` saying plainly why not."""
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except zipfile.BadZipFile as exc:
        raise WorkbookRefused(_not_a_zip(path)) from exc
    except OSError as exc:
        raise WorkbookRefused(f"{path.name} cannot be read: {exc.strerror or exc}") from exc


def require_workbook(name: str, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip that is not an Excel workbook (an .ods or an encrypted package)."""
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        if "EncryptedPackage" in names or "content.xml" in names:
            raise WorkbookRefused(f"{name} is not an .xlsx workbook")
        raise WorkbookRefused(f"{name} is a zip file but not an Excel workbook")


def worksheet_meters(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> dict[str, _ExtentMeter]:
    """A meter for each worksheet part a read by its name opens (the usual place)."""
    return {
        m.filename: _ExtentMeter()
        for m in members
        if m.filename.startswith("xl/worksheets/")
        and m.filename.endswith(".xml")
        and archive.getinfo(m.filename) is m
    }


def measured(meters: dict[str, _ExtentMeter]) -> Extents:
    """The extents the meters took; a part written another way is not among them."""
    extents = {part: meter.extent() for part, meter in meters.items()}
    return {part: extent for part, extent in extents.items() if extent is not None}


def check_sizes(name: str, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Refuse a zip whose directory holds too many parts or claims sizes beyond the limits,
    before anything is inflated; returns its parts."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise WorkbookRefused(f"{name} holds {len(members):,} parts; too many")
    seen: set[str] = set()
    for member in members:  # calamine would take one, the checks perhaps the other
        if _renamed(member.extra):
            raise WorkbookRefused(
                _doubt(name, f"its part {member.filename!r} carries a second name")
            )
        if folded(member.filename) in seen:
            raise WorkbookRefused(_doubt(name, f"it holds two parts named {member.filename!r}"))
        seen.add(folded(member.filename))
    total = 0
    for member in members:
        size = member.file_size
        total += size
        ratio = size / max(member.compress_size, 1)
        if size > MAX_MEMBER_BYTES or (size > BOMB_FLOOR and ratio > MAX_RATIO):
            raise WorkbookRefused(_bomb(name, member.filename, size))
    if total > MAX_TOTAL_BYTES:
        raise WorkbookRefused(f"{name} would inflate to {total / 1e9:,.1f} GB; too large to read")
    return members


_UNICODE_PATH = 0x7075
"""Info-ZIP's Unicode Path extra field: a part's name spelled again, which the zip crate
(calamine's) takes instead of the name Python's zipfile reads."""


def _renamed(extra: bytes) -> bool:
    """Whether a part's extra fields hold a Unicode Path (another name for it)."""
    at = 0
    while at + 4 <= len(extra):
        field, size = int.from_bytes(extra[at : at + 2], "little"), extra[at + 2 : at + 4]
        if field == _UNICODE_PATH:
            return True
        at += 4 + int.from_bytes(size, "little")
    return False


def check_expansion(
    name: str,
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    meters: dict[str, _ExtentMeter] | None = None,
    total: int = 0,
) -> int:
    """Inflate every part as a stream (1 MB at a time, nothing kept) and count what comes
    out: the sizes the directory claims are not believed. A part that inflates past its
    claim fails its checksum and is refused as damaged. ``meters``: parts whose extent is
    measured from the same stream; ``total``: bytes other parts of the file inflated to
    (checked before), counted towards the file's limit. Past ``BOMB_FLOOR`` the whole
    file's ratio is held to ``MAX_RATIO`` too (parts each just under the floor, ten of them
    in 700 KB, were a bomb of 700 MB of XML), and an XML part may not hold a run of more
    than ``MAX_UNTAGGED`` bytes without a tag. Returns the new total."""
    packed = max(sum(m.compress_size for m in archive.infolist()), 1)
    # the whole file as one part: many parts each just under the floor are one bomb
    for member in members:
        if member.is_dir():
            continue
        expanded = 0
        compressed = max(member.compress_size, 1)
        meter = meters.get(member.filename) if meters else None
        xml, run = member.filename.lower().endswith(".xml"), 0
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    expanded += len(chunk)
                    total += len(chunk)
                    if (
                        expanded > MAX_MEMBER_BYTES
                        or total > MAX_TOTAL_BYTES
                        or (expanded > BOMB_FLOOR and expanded / compressed > MAX_RATIO)
                    ):
                        raise WorkbookRefused(_bomb(name, member.filename, expanded))
                    if total > BOMB_FLOOR and total / packed > MAX_RATIO:
                        raise WorkbookRefused(
                            f"{name} would inflate to {total / 1e6:,.0f} MB or more from "
                            f"{packed / 1e6:,.1f} MB; the file looks like a zip bomb and is "
                            "not read"
                        )
                    if xml:  # text since the last tag (a shared string of 99 MB, say)
                        last = chunk.rfind(b"<")
                        run = run + len(chunk) if last == -1 else len(chunk) - last - 1
                        if run > MAX_UNTAGGED:
                            raise Untagged()
                    if meter is not None:
                        meter.feed(chunk)
                if meter is not None:
                    meter.feed(b"")
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise WorkbookRefused(f"{name} is damaged: part {member.filename} ({exc})") from exc
        except Untagged as exc:
            raise WorkbookRefused(untagged(name, member.filename)) from exc
        except NotImplementedError as exc:  # a compression method zipfile cannot read
            raise WorkbookRefused(f"{name}: part {member.filename} cannot be read ({exc})") from exc
        except RuntimeError as exc:  # an encrypted part
            raise WorkbookRefused(f"{name} is password-protected ({exc})") from exc
    return total


def _bomb(name: str, part: str, size: int) -> str:
    return (
        f"{name}: part {part} would inflate to {size / 1e6:,.0f} MB or more; the file looks "
        "like a zip bomb and is not read"
    )


def _not_a_zip(path: Path) -> str:
    try:
        head = path.read_bytes()[:8]
    except OSError:
        head = b""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            f"{path.name} is an old-style .xls or a password-protected workbook; save it as "
            "an unprotected .xlsx and import that"
        )
    return f"{path.name} is not an Excel workbook (.xlsx): it may be damaged or incomplete"


MAX_SHEET_CELLS = 8_000_000
"""The block from A1 to a sheet's furthest cell, which calamine holds whole (a register of
100,000 risks is about 3 million); a stray cell at XFD1048576 would ask for 17 billion,
and a failed allocation there ends the process instead of raising."""
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
"""A namespace prefix (``x:c``): calamine reads prefixed elements too."""
_ATTRIBUTE = rb"""[^\s=/<>"']+\s*=\s*(?:"[^"]*"|'[^']*')"""
"""One attribute, its value quoted either way (a ``>`` inside a value does not end it)."""
_TAG = re.compile(rb"<" + _PREFIX + rb"(row|c)(?=[\s/>])((?:\s+" + _ATTRIBUTE + rb")*)\s*/?>")
_REFERENCE = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REFERENCE = re.compile(rb"([A-Za-z]{1,10})([0-9]{1,15})")
_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
_CHUNK = 1 << 20
MAX_UNTAGGED = 2 * _CHUNK
"""The longest run of a worksheet's XML without a ``<`` that is read: the longest cell
Excel writes (32,767 characters, escaped) is a tenth of it. The text after the last ``<``
is carried into the next chunk, so a longer run (a comment of 99 MB, 100 KB zipped) would
be copied again with every megabyte: quadratic time."""
_WHITESPACE = bytes.maketrans(b"\t\n\r", b"   ")
_CELL_NOT_REFERENCED_FIRST = re.compile(rb'<c(?! r=")[ />]')


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _greater(seed: str, alphabet: str) -> str:
    """A pattern for strings over ``alphabet`` greater than ``seed`` (no leading zeros):
    longer ones, or as long and greater at the first place they differ."""
    every = f"[{alphabet[0]}-{alphabet[-1]}]"
    options = [f"{every}{{{len(seed) + 1},}}"]
    for place, character in enumerate(seed):
        following = alphabet.index(character) + 1
        if following < len(alphabet):
            rest = len(seed) - place - 1
            tail = f"{every}{{{rest}}}" if rest else ""
            options.append(f"{seed[:place]}[{alphabet[following]}-{alphabet[-1]}]{tail}")
    return "|".join(options)


@functools.lru_cache(maxsize=256)
def _beyond(column: str, row: int) -> re.Pattern[bytes]:
    """Cells (written as Excel writes them, ``<c r="…"``) to the right of ``column`` or
    below ``row``, letters in either case (calamine reads ``k3`` as K3): on an ordinary
    sheet, once the first rows are read, none — so the pass over a large sheet matches
    almost nothing."""
    wider = _greater(column, _LETTERS)
    deeper = _greater(str(row), _DIGITS)
    # Each greater one is at least as long as its seed: a cell shorter is passed over at
    # the first lookahead (most cells), without trying every alternative.
    letters, digits = f"(?=[A-Za-z]{{{len(column)}}})", f"(?=[0-9]{{{len(str(row))}}})"
    reference = f'(?={letters}(?i:{wider})[0-9]|[A-Za-z]+{digits}(?:{deeper})")([A-Za-z]+)([0-9]+)"'
    return re.compile(b'<c r="' + reference.encode())


def _canonical(buffer: bytes, cut: int) -> bool:
    """Whether every cell of the buffer is written as Excel, LibreOffice and openpyxl
    write cells: no namespace prefix, its reference first (``<c r="B7"``), and no other
    reference anywhere but first in a cell or a row. Checked with a few passes at C speed;
    any other spelling — attributes in another order, cells with no reference (calamine
    puts them after the one before), prefixes, a second ``r`` — is walked element by
    element instead."""
    text, end = buffer, cut
    if any(buffer.find(space, 0, cut) != -1 for space in (b"\t", b"\n", b"\r")):
        text = buffer[:cut].translate(_WHITESPACE)  # tabs and line breaks as spaces
    # (else none to translate, found at memchr speed: the buffer is searched as it is)
    prefixed = text.find(b":", 0, end) != -1 and text.find(b":c", 0, end) != -1  # memchr first
    if prefixed or _CELL_NOT_REFERENCED_FIRST.search(text, 0, end):
        return False
    if text.find(b" r =", 0, end) != -1:
        return False
    first = text.count(b'<c r="', 0, end) + text.count(b'<row r="', 0, end)
    return text.count(b" r=", 0, end) == first


def _reference(attributes: bytes) -> bytes | None:
    """The last ``r`` among a tag's attributes (calamine takes the last of duplicates)."""
    found = _REFERENCE.findall(attributes)
    if not found:
        return None
    double, single = found[-1]
    return double or single


class Untagged(ValueError):
    """A worksheet part with a run of more than ``MAX_UNTAGGED`` bytes without a tag."""


def carried(buffer: bytes, cut: int) -> bytes:
    """What follows the buffer's last ``<``, to be read with the next chunk."""
    if len(buffer) - cut > MAX_UNTAGGED:
        raise Untagged()
    return buffer[cut:]


def untagged(book_name: str, part: str) -> str:
    return (
        f"{book_name}: part {part} holds more than {MAX_UNTAGGED // _CHUNK} MB of text "
        "without a tag, which no workbook Excel or LibreOffice writes does; it is not read"
    )


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[bytes, int]]:
    """The part's XML in buffers ending before the last ``<`` (a tag is never cut):
    each buffer and where its complete tags end."""
    carry = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            buffer = carry + chunk if carry else chunk
            cut = buffer.rfind(b"<") if chunk else len(buffer)
            if cut < 0:
                cut = 0
            yield buffer, cut
            carry = carried(buffer, cut)
            if not chunk:
                return


class _ExtentMeter:
    """A sheet's extent measured from its XML as it streams past (see ``sheet_extent``):
    fed the part's chunks in order, then ``b""``; cut before the last ``<`` of each, so a
    tag is never split."""

    __slots__ = ("_carry", "_deepest", "_limit", "_widest", "irregular", "stopped")

    def __init__(self, limit: int = MAX_SHEET_CELLS) -> None:
        self._carry = b""
        self._widest, self._deepest, self._limit = "A", 0, limit
        self.irregular = False
        """Not written the usual way: to be walked element by element instead."""
        self.stopped = False

    def feed(self, chunk: bytes) -> None:
        if self.stopped:
            return
        buffer = self._carry + chunk if self._carry else chunk
        cut = buffer.rfind(b"<") if chunk else len(buffer)
        if cut < 0:
            cut = 0
        self._carry = carried(buffer, cut)
        if not _canonical(buffer, cut):
            self.irregular = self.stopped = True
            return
        rows = _ROW_NUMBER.findall(buffer, 0, cut)
        if rows:
            self._deepest = max(self._deepest, max(map(int, rows)))
        found = _beyond(self._widest, self._deepest).findall(buffer, 0, cut)
        if found:  # each cell beyond in either direction, with its column and row
            letters = {w.decode().upper() for w, _ in found}
            self._widest = max([self._widest, *letters], key=lambda c: (len(c), c))
            self._deepest = max([self._deepest, *(int(d) for _, d in found)])
        if self._deepest * column_number(self._widest) > self._limit:
            self.stopped = True  # refused anyway

    def extent(self) -> tuple[int, int] | None:
        """Rows and columns, or None for a sheet to be walked."""
        if self.irregular:
            return None
        return self._deepest, column_number(self._widest) if self._deepest else 0


def sheet_extent(
    archive: zipfile.ZipFile, part: str, limit: int = MAX_SHEET_CELLS
) -> tuple[int, int]:
    """Rows and columns from A1 to the furthest cell a sheet's XML places, counted as
    calamine places them. One streamed pass: every row number, then only the cells beyond
    what is known so far; a sheet not written the usual way (attributes in another order,
    rows or cells with no reference, which calamine places after the one before) is walked
    element by element. Stops early once the block passes ``limit`` cells (it is refused
    anyway)."""
    meter = _ExtentMeter(limit)
    with archive.open(part) as stream:
        while not meter.stopped and (chunk := stream.read(_CHUNK)):
            meter.feed(chunk)
        meter.feed(b"")
    found = meter.extent()
    return found if found is not None else _walked_extent(archive, part, limit)


def _walked_extent(archive: zipfile.ZipFile, part: str, limit: int) -> tuple[int, int]:
    """The exact walk: each row and cell element in order, placed as calamine places it."""
    deepest = widest = row = column = 0
    for buffer, cut in _chunks(archive, part):
        for match in _TAG.finditer(buffer, 0, cut):
            reference = _reference(match.group(2))
            if match.group(1) == b"row":
                row = int(reference) if reference and reference.isdigit() else row + 1
                column = 0
                deepest = max(deepest, row)
                continue
            cell = _CELL_REFERENCE.fullmatch(reference) if reference else None
            if cell is not None:
                column = column_number(cell.group(1).decode())
                deepest = max(deepest, int(cell.group(2)))
            else:
                column += 1
                deepest = max(deepest, row)
            widest = max(widest, column)
        if deepest * widest > limit:
            break
    return deepest, widest if deepest else 0


def check_extent(
    book_name: str, sheet: str, rows: int, columns: int, max_rows: int | None = None
) -> None:
    """Refuse a sheet reaching too far before it is read."""
    if rows * columns > MAX_SHEET_CELLS or (max_rows is not None and rows > max_rows):
        most = f"{max_rows:,} rows and " if max_rows is not None else ""
        raise WorkbookRefused(
            f"{book_name}: sheet “{sheet}” reaches row {rows:,} and column {columns:,}; an "
            f"import reads sheets of up to {most}{MAX_SHEET_CELLS:,} cells from A1. Delete "
            "what lies below and to the right of the register (often a stray cell) and "
            "import again."
        )


def folded(name: str) -> str:
    """A part's name as calamine finds it: letters of either case, ``\\`` as ``/``."""
    return name.replace("\\", "/").lower()


def sheet_parts(path: Path) -> dict[str, str]:
    """Each sheet's name → the part calamine reads for it (``xl/worksheets/sheet2.xml``)."""
    with opened_archive(path) as archive:
        return sheet_parts_in(path.name, archive)


def sheet_parts_in(book_name: str, archive: zipfile.ZipFile) -> dict[str, str]:
    """As ``sheet_parts``: each target found as calamine finds it (``sheet_links``: the
    workbook's XML read as calamine reads it; the part's name in either case). What would
    leave room for doubt about which part calamine reads — a workbook outside ``xl/``, a
    target with ``.``, ``..`` or ``//`` in its path (calamine takes it literally), two
    sheets of one name, two links of one id — is refused, so the part measured is the
    part read."""
    from xml.parsers.expat import ExpatError

    from riskreg.exchange.sheet_links import LinkDoubt, read_links

    members = {folded(m.filename): m.filename for m in archive.infolist()}
    try:
        links = read_links(archive, members)
    except LinkDoubt as exc:
        raise WorkbookRefused(_doubt(book_name, str(exc))) from exc
    except (ExpatError, KeyError, zipfile.BadZipFile) as exc:
        raise WorkbookRefused(
            f"{book_name} is damaged: its list of sheets cannot be read ({exc})"
        ) from exc
    return {name: members.get(folded(part), part) for name, part in links.items()}


def _doubt(book_name: str, why: str) -> str:
    return (
        f"{book_name} is not written as Excel or LibreOffice write workbooks: {why}, so "
        "which part holds a sheet cannot be told for certain. Open it in Excel or "
        "LibreOffice, save it again and import that."
    )


def check_listed_once(book_name: str, names: list[str]) -> None:
    """Refuse a workbook calamine lists a sheet of twice (it reads the first, whichever
    the guard measured): names the guard's reading keeps apart (a tab written as a tab or
    as ``&#9;``) that calamine's does not."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise WorkbookRefused(_doubt(book_name, f"two of its sheets are named “{name}”"))
        seen.add(name)


def check_sheet_extents(
    path: Path,
    names: list[str],
    max_rows: int | None = None,
    known: Extents | None = None,
    parts: dict[str, str] | None = None,
) -> None:
    """Every named sheet of an .xlsx/.xlsm measured from its XML before calamine loads it
    (``known``: parts measured already, by ``check_archive``)."""
    parts = sheet_parts(path) if parts is None else parts
    check_listed_once(path.name, names)
    try:
        with zipfile.ZipFile(path) as archive:
            for name in names:
                part = parts.get(name)
                if part is None:  # calamine lists a sheet its list of sheets does not place
                    raise WorkbookRefused(
                        _doubt(path.name, f"where sheet “{name}” is written is not said")
                    )
                if known and part in known:
                    rows, columns = known[part]
                else:
                    try:
                        rows, columns = sheet_extent(archive, part)
                    except KeyError:
                        continue  # no such part: calamine reports the sheet as it finds it
                    except Untagged as exc:
                        raise WorkbookRefused(untagged(path.name, part)) from exc
                check_extent(path.name, name, rows, columns, max_rows)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise WorkbookRefused(f"{path.name} is damaged: {exc}") from exc
