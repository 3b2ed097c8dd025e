"""A returned workbook's worksheet parts checked one by one, each just before it is read.

``check_archive`` inflates and measures every part before calamine opens a workbook. A
returned exchange workbook is read sheet by sheet, and calamine reads a sheet without
holding the GIL, so its sheets are checked one at a time instead: the next sheet's part is
checked while calamine reads the one before. What is checked does not change: the zip's
directory and every other part first, before calamine opens the file; then each worksheet
part, under the same size, ratio and whole-file limits and measured for its extent, before
calamine reads it. Calamine opens a workbook without reading its worksheets (it reads a
sheet's part when that sheet is asked for), so no part reaches it unchecked.
"""

from __future__ import annotations

import threading
from pathlib import Path

from riskreg.exchange.reader import (
    Extents,
    WorkbookRefused,
    check_expansion,
    check_sizes,
    measured,
    opened_archive,
    require_workbook,
    worksheet_meters,
)


class PartChecks:
    """Every part but the worksheets checked on creation; each worksheet by ``check``."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        with opened_archive(path) as archive:
            members = check_sizes(path.name, archive)
            require_workbook(path.name, members)
            self._pending = set(worksheet_meters(archive, members))
            # a part named twice: the one a read by name opens waits, the other is checked now
            others = [
                m
                for m in members
                if m.filename not in self._pending or archive.getinfo(m.filename) is not m
            ]
            self._total = check_expansion(path.name, archive, others)
        self._extents: Extents = {}

    def check(self, part: str) -> None:
        """Inflate and measure ``part`` if it is a worksheet not checked yet (else nothing:
        every other part was checked on creation)."""
        with self._lock:
            if part not in self._pending:
                return
            with opened_archive(self._path) as archive:
                try:  # the part a read by its name opens, as on creation
                    member = archive.getinfo(part)
                except KeyError:
                    raise WorkbookRefused(f"{self._path.name} changed while it was read") from None
                meters = worksheet_meters(archive, [member])
                self._total = check_expansion(
                    self._path.name, archive, [member], meters, self._total
                )
            self._pending.discard(part)
            self._extents.update(measured(meters))

    @property
    def extents(self) -> Extents:
        """The extents of the worksheets checked so far (those written the usual way)."""
        return self._extents
