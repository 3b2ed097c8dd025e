"""Write the exchange workbook a partner edits in Excel or LibreOffice, and record it.

Sheets: ``Read me``, ``Risks``, ``Actions``, ``Partners``, ``Heat map`` (COUNTIFS over the
Risks sheet, so it follows a partner's edits), ``Lists`` (dropdown values and the band
matrix, hidden) and a very hidden ``_exchange`` sheet that names the export: the register's
id, the export id and a key only this workbook carries. The merge base (every exported
row's values) is kept by the register, written in the same transaction as the export log
entry (``riskreg.exchange.base``): nothing the workbook says about its base or its sender
is believed when it comes back.

openpyxl's write-only mode streams rows to the file, so memory stays flat at any size.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskreg.exchange import base as base_module
from riskreg.exchange.columns import ACTION_COLUMNS, RISK_COLUMNS
from riskreg.exchange.export_format import (
    Styles,
    column_letter,
    letters_of,
    text_cell,
)
from riskreg.exchange.export_rows import write_rows
from riskreg.exchange.export_sheets import (
    define_names,
    write_heat_map,
    write_lists,
    write_partners,
    write_readme,
)
from riskreg.progress import Progress, report
from riskreg.records import ExchangeSnapshot

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from riskreg.service import RegisterService

__all__ = [
    "EXCHANGE_SHEET",
    "FORMAT_VERSION",
    "ExportResult",
    "column_letter",
    "export_register",
    "letters_of",
    "write_workbook",
]

FORMAT_VERSION = "2"
"""The ``_exchange`` layout: 2 names the export and carries its key (the register holds the
base); 1 (exports before that) also carried the base. Import refuses versions it does not
know."""
EXCHANGE_SHEET = "_exchange"


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    export_id: str
    partner_code: str | None
    risks: int
    actions: int


def export_register(
    service: RegisterService,
    destination: Path,
    partner_code: str | None = None,
    *,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the workbook, record the export with its base, then move the workbook into
    place.

    The recipient is decided by the service: on a server, a partner's login exports for its
    own partner whatever was asked. The workbook is written beside its destination and moved
    into place once the register has recorded it, so a failed or cancelled export
    (``progress`` may raise ``Cancelled``) leaves no half file, and no workbook exists that
    the register does not know."""
    snapshot = service.exchange_snapshot(partner_code)
    export_id = str(uuidlib.uuid4())
    key, digest = base_module.new_key()
    partial = destination.with_name(destination.name + ".part")
    try:
        write_workbook(snapshot, partial, export_id, service.now(), service.actor.user,
                       progress=progress, key=key)  # fmt: skip
        service.record_export(
            export_id, snapshot.partner_code, snapshot.info.revision, destination.name,
            base=base_module.encode(snapshot), key_digest=digest,
        )  # fmt: skip
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)
    return ExportResult(
        destination, export_id, snapshot.partner_code, len(snapshot.risks), len(snapshot.actions)
    )


def write_workbook(
    snapshot: ExchangeSnapshot,
    destination: Path,
    export_id: str,
    now: datetime,
    user: str,
    *,
    progress: Progress | None = None,
    key: str = "",
) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    styles = Styles(book)
    scheme = snapshot.info.scheme
    readme = book.create_sheet("Read me")
    risks = book.create_sheet("Risks")
    actions = book.create_sheet("Actions")
    partners = book.create_sheet("Partners")
    heat = book.create_sheet("Heat map")
    lists = book.create_sheet("Lists")
    exchange = book.create_sheet(EXCHANGE_SHEET)
    try:
        list_ranges = write_lists(lists, snapshot, styles)
        define_names(book, list_ranges)
        write_readme(readme, snapshot, export_id, now, user, styles)
        total = len(snapshot.risks) + len(snapshot.actions)
        report(progress, 0, total)  # a Cancel pressed at once stops before the first row

        def counted(done: int) -> Callable[[int], None]:
            return lambda row: report(progress, done + row, total)

        write_rows(
            risks, RISK_COLUMNS, (_values(r, RISK_COLUMNS) for r in snapshot.risks),
            len(snapshot.risks), styles, list_ranges, scheme, counted(0),
        )  # fmt: skip
        write_rows(
            actions, ACTION_COLUMNS, (_values(a, ACTION_COLUMNS) for a in snapshot.actions),
            len(snapshot.actions), styles, list_ranges, scheme, counted(len(snapshot.risks)),
        )  # fmt: skip
        write_partners(partners, snapshot, styles)
        write_heat_map(heat, scheme, styles)
        _write_exchange(exchange, snapshot, export_id, now, key)
        exchange.sheet_state = "veryHidden"
        report(progress, total, total)  # the last moment to cancel: saving writes the file
        book.save(destination)
    except BaseException:
        _abandon(book)
        raise


def _abandon(book: Workbook) -> None:
    """A workbook not to be saved (cancelled, or failed): finish each write-only sheet's
    stream and remove its temporary file, so nothing is left half open on disk."""
    import contextlib
    import os

    for sheet in book.worksheets:
        writer = getattr(sheet, "_writer", None)  # openpyxl's stream of the sheet's XML
        if writer is None:
            continue
        with contextlib.suppress(OSError, ValueError):
            sheet.close()
        out = getattr(writer, "out", None)
        if isinstance(out, str) and os.path.exists(out):
            os.remove(out)


def _values(record: Any, columns: Any) -> dict[str, Any]:
    return {c.field: getattr(record, c.field, None) for c in columns}


def _write_exchange(
    sheet: WriteOnlyWorksheet, snapshot: ExchangeSnapshot, export_id: str, now: datetime,
    key: str,
) -> None:  # fmt: skip
    """What identifies the export, and the key that proves this is its workbook. The base
    is the register's (``export_base``), never the workbook's."""
    info = snapshot.info
    for name, value in (
        ("format", FORMAT_VERSION),
        ("register_uuid", info.uuid),
        ("export_id", export_id),
        ("schema_version", info.schema_version or ""),
        ("revision", str(info.revision)),
        ("partner", snapshot.partner_code or ""),
        ("exported_at", now.astimezone(UTC).isoformat()),
        ("key", key),
    ):
        sheet.append([text_cell(sheet, name), text_cell(sheet, value)])
    sheet.append(["#end"])
