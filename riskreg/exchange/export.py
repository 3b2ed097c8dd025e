"""Write the exchange workbook a partner edits in Excel or LibreOffice.

Sheets: ``Read me``, ``Risks``, ``Actions``, ``Partners``, ``Heat map`` (COUNTIFS over the
Risks sheet, so it follows a partner's edits), ``Lists`` (dropdown values and the band
matrix) and a very hidden ``_exchange`` sheet with the register's id, the export id and the
value of every editable cell as exported: the base of the three-way merge on import.

openpyxl's write-only mode streams rows to the file, so memory stays flat at any size.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskreg.exchange.columns import ACTION_COLUMNS, ENUMS, RISK_COLUMNS, Column
from riskreg.exchange.values import FORMULA_LEADS, base_text, cell_value
from riskreg.progress import STEP, Progress, report
from riskreg.records import ExchangeSnapshot
from riskreg.scoring import ScoringScheme

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from riskreg.service import RegisterService

FORMAT_VERSION = "1"
"""Bumped when the ``_exchange`` layout changes; import refuses versions it does not know."""
EXCHANGE_SHEET = "_exchange"
HEADER_FILL = "FF1F3A5F"
LOCKED_FILL = "FFECEFF3"
CELL_TEXT_LIMIT = 32_000
"""Characters per cell, under the 32,767 Excel and LibreOffice keep."""
LINE_HEIGHT = 15
MAX_LINES = 6
"""Rows grow to fit wrapped text up to this many lines; the rest is a click away."""
VALIDATED_ROWS = 5_000
"""Blank rows below the data that keep dropdowns and unlocked cells for new entries."""


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
    """Write the workbook, then record the export; the log entry names the partner.

    The workbook is written beside its destination and moved into place whole, so a
    failed or cancelled export (``progress`` may raise ``Cancelled``) leaves no half file
    and no entry in the export log."""
    snapshot = service.exchange_snapshot(partner_code)
    export_id = str(uuidlib.uuid4())
    partial = destination.with_name(destination.name + ".part")
    try:
        write_workbook(snapshot, partial, export_id, service.now(), service.actor.user,
                       progress=progress)  # fmt: skip
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)
    service.record_export(export_id, partner_code, snapshot.info.revision, destination.name)
    return ExportResult(
        destination, export_id, partner_code, len(snapshot.risks), len(snapshot.actions)
    )


def column_letter(index: int) -> str:
    """``1`` → ``A``, ``28`` → ``AB``."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def letters_of(columns: Sequence[Column]) -> dict[str, str]:
    return {c.field: column_letter(i) for i, c in enumerate(columns, start=1)}


def write_workbook(
    snapshot: ExchangeSnapshot,
    destination: Path,
    export_id: str,
    now: datetime,
    user: str,
    *,
    progress: Progress | None = None,
) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    styles = _Styles(book)
    scheme = snapshot.info.scheme
    readme = book.create_sheet("Read me")
    risks = book.create_sheet("Risks")
    actions = book.create_sheet("Actions")
    partners = book.create_sheet("Partners")
    heat = book.create_sheet("Heat map")
    lists = book.create_sheet("Lists")
    exchange = book.create_sheet(EXCHANGE_SHEET)
    try:
        list_ranges = _write_lists(lists, snapshot, styles)
        _define_names(book, list_ranges)
        _write_readme(readme, snapshot, export_id, now, user, styles)
        total = len(snapshot.risks) + len(snapshot.actions)
        report(progress, 0, total)  # a Cancel pressed at once stops before the first row

        def counted(done: int) -> Callable[[int], None]:
            return lambda row: report(progress, done + row, total)

        _write_rows(
            risks, RISK_COLUMNS, (_risk_values(r) for r in snapshot.risks), len(snapshot.risks),
            styles, list_ranges, scheme, counted(0),
        )  # fmt: skip
        _write_rows(
            actions, ACTION_COLUMNS, (_action_values(a) for a in snapshot.actions),
            len(snapshot.actions), styles, list_ranges, scheme, counted(len(snapshot.risks)),
        )  # fmt: skip
        _write_partners(partners, snapshot, styles)
        _write_heat_map(heat, scheme, styles, len(snapshot.risks))
        _write_exchange(exchange, snapshot, export_id, now)
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


# -- rows ---------------------------------------------------------------------------------
def _risk_values(risk: Any) -> dict[str, Any]:
    return {c.field: getattr(risk, c.field, None) for c in RISK_COLUMNS}


def _action_values(action: Any) -> dict[str, Any]:
    return {c.field: getattr(action, c.field, None) for c in ACTION_COLUMNS}


class _Styles:
    """Named styles registered once: a per-cell style lookup is a name, not four objects."""

    def __init__(self, book: Workbook) -> None:
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection
        from openpyxl.styles.borders import Side

        thin = Side(style="thin", color="FFB8C2CC")
        grid = Border(left=thin, right=thin, top=thin, bottom=thin)

        def named(name: str, *, locked: bool, wrap: bool = False, **extra: Any) -> str:
            style = NamedStyle(name)
            style.protection = Protection(locked=locked)
            style.alignment = Alignment(vertical="top", wrap_text=wrap)
            style.border = grid
            for key, value in extra.items():
                setattr(style, key, value)
            book.add_named_style(style)
            return name

        locked_fill = PatternFill("solid", fgColor=LOCKED_FILL)
        self.header = named(
            "Exchange header", locked=True, wrap=True,
            font=Font(bold=True, color="FFFFFFFF"),
            fill=PatternFill("solid", fgColor=HEADER_FILL),
        )  # fmt: skip
        self.editable = named("Exchange editable", locked=False)
        self.editable_wrap = named("Exchange editable text", locked=False, wrap=True)
        self.editable_date = named(
            "Exchange editable date", locked=False, number_format="yyyy-mm-dd"
        )
        self.editable_money = named("Exchange editable money", locked=False, number_format="#,##0")
        self.locked = named("Exchange locked", locked=True, fill=locked_fill)
        self.locked_date = named(
            "Exchange locked date", locked=True, fill=locked_fill, number_format="yyyy-mm-dd"
        )
        self.title = "Title"
        self.bold = Font(bold=True)

    def for_column(self, column: Column) -> str:
        if not column.editable:
            return self.locked_date if column.kind == "date" else self.locked
        if column.kind == "date":
            return self.editable_date
        if column.kind == "money":
            return self.editable_money
        return self.editable_wrap if column.wrap else self.editable


def _write_rows(
    sheet: WriteOnlyWorksheet,
    columns: Sequence[Column],
    rows: Iterable[dict[str, Any]],
    count: int,
    styles: _Styles,
    list_ranges: dict[str, str],
    scheme: ScoringScheme,
    written: Callable[[int], None] | None = None,
) -> None:
    """The header and one row per record; ``written`` is told every ``STEP`` rows."""
    from openpyxl.cell import WriteOnlyCell

    letters = letters_of(columns)
    last = column_letter(len(columns))
    bottom = count + 1 + VALIDATED_ROWS
    _set_up_sheet(sheet, columns, styles, f"A1:{last}{count + 1}")
    _add_validations(sheet, columns, letters, bottom, list_ranges, scheme)
    _add_band_colours(sheet, columns, letters, bottom, scheme)
    header = [WriteOnlyCell(sheet, c.header) for c in columns]
    for cell in header:
        cell.style = styles.header
    sheet.row_dimensions[1].height = 2 * LINE_HEIGHT
    sheet.append(header)
    wrapped = [(c.field, max(int(c.width * 1.1), 1)) for c in columns if c.wrap]
    column_styles = [styles.for_column(c) for c in columns]
    formulas = [c.formula for c in columns]
    fields = [c.field for c in columns]
    plans = list(zip(columns, fields, column_styles, formulas, strict=True))
    for row_number, values in enumerate(rows, start=2):
        if written is not None and row_number % STEP == 0:
            written(row_number - 1)
        cells = []
        for column, field, style, formula in plans:
            if formula:
                value: Any = formula.format(row=row_number, **letters)
            else:
                value = cell_value(column, values[field])
            cell = WriteOnlyCell(sheet, value)
            cell.style = style
            if isinstance(value, str) and not formula and value.startswith(FORMULA_LEADS):
                cell.data_type = "s"  # typed text stays text, never a formula
                cell.quotePrefix = True
            cells.append(cell)
        lines = _lines_needed(values, wrapped)
        if lines > 1:  # spreadsheets do not size rows of wrapped text on opening
            sheet.row_dimensions[row_number].height = lines * LINE_HEIGHT
        sheet.append(cells)


def _lines_needed(values: dict[str, Any], wrapped: Sequence[tuple[str, int]]) -> int:
    """A row's height in lines: enough for its longest wrapped text, up to ``MAX_LINES``."""
    most = 1
    for field, per_line in wrapped:
        text = values[field]
        if isinstance(text, str) and (len(text) > per_line or "\n" in text):
            lines = sum(len(part) // per_line + 1 for part in text.split("\n"))
            most = max(most, lines)
    return min(most, MAX_LINES)


def _set_up_sheet(
    sheet: WriteOnlyWorksheet, columns: Sequence[Column], styles: _Styles, data_range: str
) -> None:
    from openpyxl.styles import Protection

    for index, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[column_letter(index)]
        dimension.width = column.width
        if column.editable or column.kind in ("ref", "risk_ref"):
            dimension.protection = Protection(locked=False)  # new rows below the data
    sheet.freeze_panes = "B2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.auto_filter.ref = data_range
    _protect(sheet)


def _protect(sheet: WriteOnlyWorksheet) -> None:
    """Locked cells stay put; sorting, filtering, resizing and new rows stay allowed.

    No password: protection guards against slips, and a partner who must can lift it.
    """
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False
    protection.insertRows = False
    protection.formatCells = False


def _add_validations(
    sheet: WriteOnlyWorksheet,
    columns: Sequence[Column],
    letters: dict[str, str],
    bottom: int,
    list_ranges: dict[str, str],
    scheme: ScoringScheme,
) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    for column in columns:
        if not column.editable:
            continue
        source = _list_source(column, list_ranges)
        if source is None:
            continue
        levels = (
            scheme.likelihood
            if column.kind == "likelihood"
            else scheme.impact
            if column.kind == "impact"
            else ()
        )
        prompt = " · ".join(f"{lv.value} {lv.label}" for lv in levels)
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle=column.header,
            error=f"Choose a value from the list for {column.header}.",
            showInputMessage=bool(prompt),
            promptTitle=column.header[:32],
            prompt=prompt[:255],
        )
        letter = letters[column.field]
        validation.add(f"{letter}2:{letter}{bottom}")
        sheet.data_validations.append(validation)


def _list_source(column: Column, list_ranges: dict[str, str]) -> str | None:
    if column.kind == "likelihood":
        return list_ranges["Likelihood"]
    if column.kind == "impact":
        return list_ranges["Impact"]
    if column.kind == "category":
        return list_ranges.get("Category")
    if column.kind == "partner":
        return list_ranges["Partner"]
    if column.kind == "enum":
        assert column.enum_type is not None
        for name, enum_type in ENUMS.items():
            if enum_type is column.enum_type:
                return list_ranges[name]
    return None


def _add_band_colours(
    sheet: WriteOnlyWorksheet,
    columns: Sequence[Column],
    letters: dict[str, str],
    bottom: int,
    scheme: ScoringScheme,
) -> None:
    """Score and band cells take their band's colour, and keep it as a partner edits."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    pairs = {
        "inherent_score": ("inherent_likelihood", "inherent_impact"),
        "current_score": ("current_likelihood", "current_impact"),
        "current_band": ("current_likelihood", "current_impact"),
    }
    for target, (lik, imp) in pairs.items():
        if target not in letters:
            continue
        cells = f"{letters[target]}2:{letters[target]}{bottom}"
        for band in scheme.bands:
            colour = "FF" + band.colour.lstrip("#").upper()
            rule = FormulaRule(
                formula=[
                    f'IFERROR(INDEX(Bands,${letters[lik]}2,${letters[imp]}2),"")="{band.name}"'
                ],
                fill=PatternFill("solid", bgColor=colour, fgColor=colour),
            )
            sheet.conditional_formatting.add(cells, rule)


# -- the other sheets ---------------------------------------------------------------------
def _write_lists(
    sheet: WriteOnlyWorksheet, snapshot: ExchangeSnapshot, styles: _Styles
) -> dict[str, str]:
    """One column per dropdown and the band matrix; returns each list's absolute range."""
    from openpyxl.cell import WriteOnlyCell

    scheme = snapshot.info.scheme
    lists: dict[str, list[Any]] = {
        "Likelihood": [lv.value for lv in scheme.likelihood],
        "Likelihood label": [lv.label for lv in scheme.likelihood],
        "Impact": [lv.value for lv in scheme.impact],
        "Impact label": [lv.label for lv in scheme.impact],
    }
    for name, enum_type in ENUMS.items():
        lists[name] = [str(m.value) for m in enum_type]
    lists["Partner"] = [p.code for p in snapshot.partners if p.active]
    lists["Category"] = [c.name for c in snapshot.categories]
    names = list(lists)
    band_first = len(names) + 2  # one empty column between the lists and the matrix
    sheet.column_dimensions[column_letter(band_first - 1)].width = 4
    for index in range(1, len(names) + 1):
        sheet.column_dimensions[column_letter(index)].width = 18
    header: list[Any] = [WriteOnlyCell(sheet, name) for name in names]
    header += [None, WriteOnlyCell(sheet, "Band (likelihood down, impact across)")]
    for cell in header:
        if cell is not None:
            cell.font = styles.bold
    sheet.append(header)
    depth = max(max((len(v) for v in lists.values()), default=0), len(scheme.likelihood))
    for row in range(depth):
        values: list[Any] = [
            _text_cell(sheet, lists[name][row]) if row < len(lists[name]) else None
            for name in names
        ]
        values.append(None)
        if row < len(scheme.likelihood):
            values += [
                scheme.band(row + 1, impact + 1).name for impact in range(len(scheme.impact))
            ]
        sheet.append(values)
    ranges = {}
    for index, name in enumerate(names, start=1):
        if lists[name]:
            letter = column_letter(index)
            ranges[name] = f"Lists!${letter}$2:${letter}${len(lists[name]) + 1}"
    first, last = column_letter(band_first), column_letter(band_first + len(scheme.impact) - 1)
    ranges["Bands"] = f"Lists!${first}$2:${last}${len(scheme.likelihood) + 1}"
    _protect(sheet)
    return ranges


def _text_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        cell.data_type = "s"
    return cell


def _define_names(book: Workbook, ranges: dict[str, str]) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    book.defined_names["Bands"] = DefinedName("Bands", attr_text=ranges["Bands"])


def _write_readme(
    sheet: WriteOnlyWorksheet,
    snapshot: ExchangeSnapshot,
    export_id: str,
    now: datetime,
    user: str,
    styles: _Styles,
) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    info, scheme = snapshot.info, snapshot.info.scheme
    partners = {p.code: p.name for p in snapshot.partners}
    audience = (
        f"{snapshot.partner_code} – {partners.get(snapshot.partner_code, '')}"
        if snapshot.partner_code
        else "the whole partnership (every risk)"
    )
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 90

    def line(label: str = "", text: Any = "", *, bold: bool = False, size: int = 11) -> None:
        first = WriteOnlyCell(sheet, label)
        first.font = Font(bold=True, size=size)
        second = _text_cell(sheet, text)
        second.font = Font(bold=bold, size=size)
        sheet.append([first, second])

    line(info.name, "", size=16)
    line("Joint risk register", "exchange workbook", bold=True)
    line()
    line("Exported for", audience)
    line("Exported", f"{now.astimezone(UTC):%d %B %Y %H:%M} UTC by {user}")
    line("Register revision", info.revision)
    line("Risks / actions", f"{len(snapshot.risks)} / {len(snapshot.actions)}")
    line("Export id", export_id)
    line()
    line("How to use it", "", bold=True)
    for text in (
        "Edit the white cells of the rows your organisation leads or shares (Risks) or owns "
        "(Actions). Grey cells are the register's own and are locked.",
        "Add a new risk or action on an empty row at the bottom, leaving Ref empty: it comes "
        "in as a proposal (a Draft risk led by your organisation).",
        "Do not delete rows to close a risk: set its Status to Closed. Deleted rows are "
        "reported to the register keeper, never deleted from the register.",
        "Columns may be moved, sorted or filtered, and extra columns added: the register finds "
        "its columns by their headers. Keep the header names.",
        "Send the saved workbook back to the register keeper. Changes the register made "
        "meanwhile are kept; where both changed the same cell, the keeper chooses.",
    ):
        line("•", text)
    line()
    line("Likelihood", "", bold=True)
    for level in scheme.likelihood:
        line(f"{level.value} – {level.label}", level.description)
    line()
    line("Impact", "", bold=True)
    for level in scheme.impact:
        line(f"{level.value} – {level.label}", level.description)
    line()
    line("Bands", "Score = likelihood × impact; the band of each cell is on the Heat map sheet")
    for band in scheme.bands:
        line(band.name, f"review at least every {band.review_days} days")
    _protect(sheet)


def _write_partners(sheet: WriteOnlyWorksheet, snapshot: ExchangeSnapshot, styles: _Styles) -> None:
    from openpyxl.cell import WriteOnlyCell

    for letter, width in zip("ABCD", (10, 40, 30, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    header = [WriteOnlyCell(sheet, h) for h in ("Code", "Name", "Contact", "Active")]
    for cell in header:
        cell.style = styles.header
    sheet.append(header)
    for p in snapshot.partners:
        sheet.append([_text_cell(sheet, v) for v in (p.code, p.name, p.contact)] + [
            "yes" if p.active else "no"
        ])  # fmt: skip
    sheet.freeze_panes = "A2"
    _protect(sheet)


def _write_heat_map(
    sheet: WriteOnlyWorksheet, scheme: ScoringScheme, styles: _Styles, risk_count: int
) -> None:
    """Two grids (current and inherent) whose counts are COUNTIFS over the Risks sheet."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    letters = letters_of(RISK_COLUMNS)
    status = f"Risks!${letters['status']}:${letters['status']}"
    fills = {
        band.name: PatternFill("solid", fgColor="FF" + band.colour.lstrip("#").upper())
        for band in scheme.bands
    }
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.column_dimensions["A"].width = 22
    for index in range(len(scheme.impact)):
        sheet.column_dimensions[column_letter(index + 2)].width = 14

    written = 0

    def append(cells: list[Any], height: float | None = None) -> None:
        nonlocal written
        written += 1
        if height:
            sheet.row_dimensions[written].height = height
        sheet.append(cells)

    title = WriteOnlyCell(sheet, "Heat map: open risks by likelihood and impact")
    title.font = Font(bold=True, size=14)
    append([title])
    note = WriteOnlyCell(
        sheet, "Counts follow the Risks sheet as it is edited; closed risks are left out."
    )
    append([note])
    for basis in ("current", "inherent"):
        lik_col = f"Risks!${letters[basis + '_likelihood']}:${letters[basis + '_likelihood']}"
        imp_col = f"Risks!${letters[basis + '_impact']}:${letters[basis + '_impact']}"
        append([])
        heading = WriteOnlyCell(sheet, f"{basis.capitalize()} position")
        heading.font = Font(bold=True, size=12)
        append([heading])
        for lik in range(len(scheme.likelihood), 0, -1):
            label = WriteOnlyCell(sheet, f"{lik} – {scheme.likelihood[lik - 1].label}")
            label.font = styles.bold
            label.alignment = Alignment(vertical="center")
            row: list[Any] = [label]
            for imp in range(1, len(scheme.impact) + 1):
                formula = f'=COUNTIFS({lik_col},{lik},{imp_col},{imp},{status},"<>Closed")'
                cell = WriteOnlyCell(sheet, formula)
                cell.fill = fills[scheme.band(lik, imp).name]
                cell.alignment = centred
                cell.font = Font(bold=True, size=14)
                row.append(cell)
            append(row, 32)
        axis: list[Any] = [WriteOnlyCell(sheet, "Likelihood ↑ / Impact →")]
        for level in scheme.impact:
            cell = WriteOnlyCell(sheet, f"{level.value} – {level.label}")
            cell.font = styles.bold
            cell.alignment = centred
            axis.append(cell)
        append(axis)
    append([])
    key: list[Any] = [WriteOnlyCell(sheet, "Bands")]
    for band in scheme.bands:
        cell = WriteOnlyCell(sheet, band.name)
        cell.fill = fills[band.name]
        cell.alignment = centred
        key.append(cell)
    append(key)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(sheet)


def _write_exchange(
    sheet: WriteOnlyWorksheet, snapshot: ExchangeSnapshot, export_id: str, now: datetime
) -> None:
    """Identity first, then every exported row's editable values: the merge base.

    A row's values are one JSON list of texts (in the order of the ``#fields`` row), split
    over further cells past a cell's 32,767-character limit: one cell a row instead of
    one a field keeps the import's memory to the size of the text.
    """
    info = snapshot.info
    for key, value in (
        ("format", FORMAT_VERSION),
        ("register_uuid", info.uuid),
        ("export_id", export_id),
        ("schema_version", info.schema_version or ""),
        ("revision", str(info.revision)),
        ("partner", snapshot.partner_code or ""),
        ("exported_at", now.astimezone(UTC).isoformat()),
    ):
        sheet.append([key, value])
    for name, columns, rows in (
        ("Risks", RISK_COLUMNS, snapshot.risks),
        ("Actions", ACTION_COLUMNS, snapshot.actions),
    ):
        editable = [c for c in columns if c.editable]
        # One cell for the field names too: a sheet's stored width is its widest row, and a
        # reader holds every row at that width.
        sheet.append(["#fields", name, json.dumps([c.field for c in editable])])
        for record in rows:
            values = [base_text(c, getattr(record, c.field)) for c in editable]
            text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
            pieces = [text[i : i + CELL_TEXT_LIMIT] for i in range(0, len(text), CELL_TEXT_LIMIT)]
            sheet.append([name, record.uuid, *pieces])
    sheet.append(["#end"])
