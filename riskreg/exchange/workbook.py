"""An opened, checked workbook: its sheets by name, read on demand (see ``reader``).

A sheet can be read ahead: its part is checked at once, then calamine reads it on a worker
thread (it does not hold the GIL), so the caller's next work — checking the next sheet,
scanning formulas, decoding an export's base — runs meanwhile. One calamine read is in
flight at a time; every other use of the workbook waits for it.
"""

from __future__ import annotations

import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from riskreg.exchange.part_checks import PartChecks
from riskreg.exchange.reader import (
    Extents,
    SheetData,
    WorkbookRefused,
    check_archive,
    check_extent,
    check_listed_once,
    check_sheet_extents,
    sheet_parts,
)
from riskreg.memory import return_freed_memory, share_freed_memory

_LONGEST_CELL = 256 * 1024
"""More than a formula cell with no cached value can hold (a formula is at most 8,192
characters, escaped at most six bytes each)."""


class Workbook:
    """``checked``: the caller has measured the file already (``sheets._check_file``, which
    knows .ods too, and gives the ``extents`` it measured); ``parts``: the caller checked
    all but the worksheets, which are checked as they are read; otherwise it must be an
    .xlsx/.xlsm and is measured here."""

    def __init__(
        self,
        path: Path,
        *,
        checked: bool = False,
        extents: Extents | None = None,
        parts: PartChecks | None = None,
    ) -> None:
        from python_calamine import CalamineWorkbook, SheetVisibleEnum

        if not checked and parts is None:
            extents = check_archive(path)
        self._checks = parts
        self._extents = extents or {}
        self._parts: dict[str, str] | None = None
        self._ahead: dict[str, Future[Any]] = {}
        self._worker: ThreadPoolExecutor | None = None
        self._no_value: dict[tuple[str, frozenset[str]], set[str]] = {}
        self.path = path
        self.ods = path.suffix.lower() == ".ods"
        try:
            self._book = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types for broken parts
            raise WorkbookRefused(f"{path.name} cannot be read as a workbook: {exc}") from exc
        self.visible = {
            m.name: m.visible == SheetVisibleEnum.Visible for m in self._book.sheets_metadata
        }
        self._names = list(self._book.sheet_names)  # not asked of calamine during a read
        if not self.ods:
            try:
                check_listed_once(path.name, self._names)
            except WorkbookRefused:
                self._book.close()
                raise

    @property
    def sheet_names(self) -> list[str]:
        return list(self._names)

    def read_ahead(self, name: str) -> None:
        """Check the sheet now and have calamine read it in the background, for ``sheet``."""
        if name not in self.visible or name in self._ahead:
            return
        self._check(name)
        self._settle()
        if self._worker is None:
            share_freed_memory()  # what the worker frees, the main thread may reuse
            self._worker = ThreadPoolExecutor(1, thread_name_prefix="calamine")
        self._ahead[name] = self._worker.submit(self._book.get_sheet_by_name, name)

    def check_ahead(self, name: str) -> None:
        """Check the sheet's part now (while another is read), so ``sheet`` need not."""
        if name in self.visible and self._checks is not None and not self.ods:
            part = self._sheet_parts().get(name)
            if part is not None:
                self._checks.check(part)

    def sheet(self, name: str, head: int = 10) -> SheetData | None:
        if name not in self.visible:
            return None
        ahead = self._ahead.pop(name, None)
        try:
            if ahead is None:
                self._check(name)
                self._settle()
                data = self._book.get_sheet_by_name(name)
            else:
                data = ahead.result()
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
        if self._worker is not None:
            self._worker.shutdown(wait=True)  # a read in flight ends before the book closes
            self._worker = None
            return_freed_memory()  # what calamine held, once its sheets are released
        self._ahead.clear()
        self._book.close()

    def _check(self, name: str) -> None:
        """The sheet's part measured (and, read lazily, checked) before calamine reads it."""
        if self.ods:
            return
        self.check_ahead(name)
        known = self._checks.extents if self._checks is not None else self._extents
        check_sheet_extents(self.path, [name], known=known, parts=self._sheet_parts())

    def _settle(self) -> None:
        """Wait for a read in flight: calamine's workbook serves one read at a time."""
        for future in self._ahead.values():
            future.exception()

    def formulas_without_values(self, sheet_name: str, letters: set[str]) -> set[str]:
        """Cells (``H14``) in the given columns holding a formula with no cached result.

        Excel and LibreOffice always cache results; a workbook written by a script may not,
        and such a cell must be reported, not read as empty. Scanned once per sheet and
        columns (a scan made ahead, while a sheet was read, is used by the compare).
        """
        key = (sheet_name, frozenset(letters))
        if key not in self._no_value:
            self._no_value[key] = self._scan_formulas(sheet_name, letters)
        return self._no_value[key]

    def _scan_formulas(self, sheet_name: str, letters: set[str]) -> set[str]:
        if self.ods:
            from riskreg.exchange.ods_scan import ods_formulas_without_values

            return ods_formulas_without_values(self.path, sheet_name, letters)
        part = self._sheet_parts().get(sheet_name)
        if part is None or not letters:
            return set()
        if self._checks is not None:
            self._checks.check(part)  # inflated here only once it has passed the limits
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
                    end = buffer.rfind(b"</c>")
                    # a cell longer than the longest a formula cell can be is not carried on,
                    # so a sheet with no "</c>" costs one pass, not a growing copy per chunk
                    cut = max(end + 4 if end != -1 else 0, len(buffer) - _LONGEST_CELL)
                    if buffer.find(b"<f", 0, cut) != -1:
                        found.update(m.group(1).decode() for m in pattern.finditer(buffer, 0, cut))
                    carry = buffer[cut:]
        except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise WorkbookRefused(f"{self.path.name} is damaged: {exc}") from exc
        return found

    def _sheet_parts(self) -> dict[str, str]:
        """Read once: the workbook's list of sheets does not change while it is read."""
        if self._parts is None:
            self._parts = sheet_parts(self.path)
        return self._parts
