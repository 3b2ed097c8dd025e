"""Open a workbook from outside without trusting it.

The zip is measured before anything is inflated (member sizes, compression ratio, count),
so a zip bomb is refused in milliseconds; cells are read by calamine, a Rust reader that
takes cached values only, never evaluates a formula and does not expand XML entities; the
few XML parts read here go through defusedxml. Formulas that have no cached value are found
by a scan of the sheet's XML, so that they are reported instead of read as empty cells.
"""

from __future__ import annotations

import functools
import itertools
import posixpath
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
MAX_MEMBERS = 10_000
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


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


def check_archive(path: Path) -> None:
    """Refuse what is not an OOXML zip, or would inflate beyond sane limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = check_sizes(path.name, archive)
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names:
                if "EncryptedPackage" in names or "content.xml" in names:
                    raise WorkbookRefused(f"{path.name} is not an .xlsx workbook")
                raise WorkbookRefused(f"{path.name} is a zip file but not an Excel workbook")
    except zipfile.BadZipFile as exc:
        raise WorkbookRefused(_not_a_zip(path)) from exc
    except OSError as exc:
        raise WorkbookRefused(f"{path.name} cannot be read: {exc.strerror or exc}") from exc


def check_sizes(name: str, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Refuse a zip whose parts are too many or would inflate beyond the limits (a zip bomb)
    before any of it is inflated; returns its parts."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise WorkbookRefused(f"{name} holds {len(members):,} parts; too many")
    total = 0
    for member in members:
        size = member.file_size
        total += size
        ratio = size / max(member.compress_size, 1)
        if size > MAX_MEMBER_BYTES or (size > 10_000_000 and ratio > MAX_RATIO):
            raise WorkbookRefused(
                f"{name}: part {member.filename} would inflate to "
                f"{size / 1e6:,.0f} MB; the file looks like a zip bomb and is not read"
            )
    if total > MAX_TOTAL_BYTES:
        raise WorkbookRefused(f"{name} would inflate to {total / 1e9:,.1f} GB; too large to read")
    return members


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
_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
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
    """Cells to the right of ``column`` or below ``row``: on an ordinary sheet, once the
    first rows are read, none — so the pass over a large sheet matches almost nothing."""
    wider = _greater(column, _LETTERS)
    deeper = _greater(str(row), _DIGITS)
    return re.compile(f'<c r="(?=(?:{wider})[0-9]|[A-Z]+(?:{deeper})")([A-Z]+)([0-9]+)"'.encode())


def sheet_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """Rows and columns from A1 to the furthest cell a sheet's XML names, in one streamed
    pass: the deepest row element, then only the cells beyond what is known so far."""
    widest, deepest = "A", 0
    carry = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(1 << 20)
            buffer = carry + chunk if carry else chunk
            if chunk:  # a tag cut by the chunk's end waits for the next chunk
                cut = max(buffer.rfind(b"<c "), buffer.rfind(b"<row "))
                if cut <= 0:
                    cut = max(0, len(buffer) - 4)
            else:
                cut = len(buffer)
            rows = _ROW_NUMBER.findall(buffer, 0, cut)
            if rows:
                deepest = max(deepest, max(map(int, rows)))
            found = _beyond(widest, deepest).findall(buffer, 0, cut)
            if found:  # each cell beyond in either direction, with its column and row
                letters = {w.decode() for w, _ in found}
                widest = max([widest, *letters], key=lambda c: (len(c), c))
                deepest = max([deepest, *(int(d) for _, d in found)])
            carry = buffer[cut:]
            if not chunk:
                break
    return deepest, column_number(widest) if deepest else 0


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


def sheet_parts(path: Path) -> dict[str, str]:
    """Each sheet's name → its part in the archive (``xl/worksheets/sheet2.xml``)."""
    from defusedxml import DefusedXmlException, ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (ElementTree.ParseError, DefusedXmlException, KeyError, zipfile.BadZipFile) as exc:
        raise WorkbookRefused(
            f"{path.name} is damaged: its list of sheets cannot be read ({exc})"
        ) from exc
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if not target:
            continue
        if target.startswith("/"):
            parts[sheet.get("name", "")] = target.lstrip("/")
        else:
            parts[sheet.get("name", "")] = posixpath.normpath(posixpath.join("xl", target))
    return parts


def check_sheet_extents(path: Path, names: list[str], max_rows: int | None = None) -> None:
    """Every named sheet of an .xlsx/.xlsm measured from its XML before calamine loads it."""
    parts = sheet_parts(path)
    try:
        with zipfile.ZipFile(path) as archive:
            for name in names:
                part = parts.get(name)
                if part is None:
                    continue
                try:
                    rows, columns = sheet_extent(archive, part)
                except KeyError:
                    continue  # no such part: calamine reports the sheet as it finds it
                check_extent(path.name, name, rows, columns, max_rows)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise WorkbookRefused(f"{path.name} is damaged: {exc}") from exc


class Workbook:
    """An opened, checked workbook: its sheets by name, read on demand.

    ``checked``: the caller has measured the file already (``sheets._check_file``, which
    knows .ods too); otherwise it must be an .xlsx/.xlsm and is measured here."""

    def __init__(self, path: Path, *, checked: bool = False) -> None:
        from python_calamine import CalamineWorkbook, SheetVisibleEnum

        if not checked:
            check_archive(path)
        self.path = path
        self.ods = path.suffix.lower() == ".ods"
        try:
            self._book = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types for broken parts
            raise WorkbookRefused(f"{path.name} cannot be read as a workbook: {exc}") from exc
        self.visible = {
            m.name: m.visible == SheetVisibleEnum.Visible for m in self._book.sheets_metadata
        }

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def sheet(self, name: str, head: int = 10) -> SheetData | None:
        if name not in self.visible:
            return None
        if not self.ods:
            check_sheet_extents(self.path, [name])
        try:
            data = self._book.get_sheet_by_name(name)
            if self.ods and data.end is not None:  # measured once loaded, as sheets.py does
                check_extent(self.path.name, name, data.end[0] + 1, data.end[1] + 1)
            start_column = (data.start or (0, 0))[1]
            rows: Iterator[list[Any]] = iter(data.iter_rows())
        except WorkbookRefused:
            raise
        except Exception as exc:
            raise WorkbookRefused(
                f"{self.path.name}: sheet {name!r} cannot be read: {exc}"
            ) from exc
        if start_column:  # calamine's rows start at the first used column, not at A
            padding = [""] * start_column
            rows = (padding + row for row in rows)
        return SheetData(name, list(itertools.islice(rows, head)), rows, self.visible[name])

    def close(self) -> None:
        self._book.close()

    def formulas_without_values(self, sheet_name: str, letters: set[str]) -> set[str]:
        """Cells (``H14``) in the given columns holding a formula with no cached result.

        Excel and LibreOffice always cache results; a workbook written by a script may not,
        and such a cell must be reported, not read as empty.
        """
        if self.ods:
            from riskreg.exchange.ods_scan import ods_formulas_without_values

            return ods_formulas_without_values(self.path, sheet_name, letters)
        part = self._sheet_part(sheet_name)
        if part is None or not letters:
            return set()
        columns = b"|".join(re.escape(letter.encode()) for letter in sorted(letters))
        pattern = re.compile(
            rb'<c r="((?:' + columns + rb')[0-9]+)"[^>]*>'
            rb"(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>"
        )
        found: set[str] = set()
        carry = b""
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open(part) as stream:
                while chunk := stream.read(1 << 20):  # streamed: never held whole
                    buffer = carry + chunk if carry else chunk
                    cut = buffer.rfind(b"</c>") + 4
                    if cut < 4:
                        carry = buffer
                        continue
                    if buffer.find(b"<f", 0, cut) != -1:
                        found.update(m.group(1).decode() for m in pattern.finditer(buffer, 0, cut))
                    carry = buffer[cut:]
        except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise WorkbookRefused(f"{self.path.name} is damaged: {exc}") from exc
        return found

    def _sheet_part(self, sheet_name: str) -> str | None:
        return sheet_parts(self.path).get(sheet_name)
