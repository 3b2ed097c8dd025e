"""The Risks and Actions sheets of the exchange workbook: one row per record, the editable
cells open, the register's own cells grey with a prompt saying an edit there is reported
and not applied, dropdowns for every enumerated column, scores and bands computed by
formulas and coloured by band.

Neither sheet is protected: partners sort, filter and add columns as in any spreadsheet
(Excel cannot sort a protected range holding locked cells); the import finds its columns by
header and reports edits to the grey ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from riskreg.exchange.columns import ENUMS, PRINTED, Column
from riskreg.exchange.export_format import (
    Page,
    Styles,
    column_letter,
    letters_of,
    level_of,
    quoted,
    set_up_page,
    text_cell,
)
from riskreg.exchange.values import cell_value, storable
from riskreg.progress import STEP
from riskreg.scoring import ScoringScheme
from riskreg.validation import utf16_units

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

LINE_HEIGHT = 15
MAX_LINES = 6
"""Rows grow to fit wrapped text up to this many lines; the rest is a click away."""
VALIDATED_ROWS = 5_000
"""Blank rows below the data that keep dropdowns for new entries."""
LABEL_NAMES = {"likelihood": "LikelihoodLabels", "impact": "ImpactLabels"}
"""Defined names of the level labels, for formulas that read ``Likely`` as 4."""
_LEVEL = re.compile(r"\{level:(\w+)\}")


def write_rows(
    sheet: WriteOnlyWorksheet,
    columns: Sequence[Column],
    rows: Iterable[dict[str, Any]],
    count: int,
    styles: Styles,
    list_ranges: dict[str, str],
    scheme: ScoringScheme,
    written: Callable[[int], None] | None = None,
) -> None:
    """The header and one row per record; ``written`` is told every ``STEP`` rows."""
    from openpyxl.cell import WriteOnlyCell

    letters = letters_of(columns)
    last = column_letter(len(columns))
    bottom = count + 1 + VALIDATED_ROWS
    _set_up_sheet(sheet, columns, count)
    _add_validations(sheet, columns, letters, bottom, list_ranges, scheme)
    _add_band_colours(sheet, columns, letters, bottom, scheme)
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    header = [text_cell(sheet, c.header, styles.header) for c in columns]
    sheet.row_dimensions[1].height = 2 * LINE_HEIGHT
    sheet.append(header)
    wrapped = [(c.field, max(int(c.width * 1.1), 1)) for c in columns if c.wrap]
    templates = {c.field: formula_template(c, columns) for c in columns if c.formula}
    plans = [
        (column, column.field, styles.for_column(column), templates.get(column.field, ""))
        for column in columns
    ]
    for row_number, values in enumerate(rows, start=2):
        if written is not None and row_number % STEP == 0:
            written(row_number - 1)
        cells = []
        for column, field, style, template in plans:
            if template:
                cell = WriteOnlyCell(sheet, template.replace("{row}", str(row_number)))
                cell.style = style
            else:
                cell = text_cell(sheet, cell_value(column, values[field]), style)
            cells.append(cell)
        lines = _lines_needed(values, wrapped)
        if lines > 1:  # spreadsheets do not size rows of wrapped text on opening
            sheet.row_dimensions[row_number].height = lines * LINE_HEIGHT
        sheet.append(cells)


def formula_template(column: Column, columns: Sequence[Column]) -> str:
    """A computed column's formula with ``{row}`` left for the row number: each
    ``{level:<field>}`` becomes the level that field's cell names (``4``, ``4 - Likely`` or
    ``Likely``)."""
    letters = letters_of(columns)
    kinds = {c.field: c.kind for c in columns}

    def level(match: re.Match[str]) -> str:
        field = match.group(1)
        return level_of(f"{letters[field]}{{row}}", LABEL_NAMES[kinds[field]])

    return _LEVEL.sub(level, column.formula)


def _lines_needed(values: dict[str, Any], wrapped: Sequence[tuple[str, int]]) -> int:
    """A row's height in lines: enough for its longest wrapped text, up to ``MAX_LINES``."""
    most = 1
    for field, per_line in wrapped:
        text = values[field]
        if isinstance(text, str) and (len(text) > per_line or "\n" in text):
            lines = sum(len(part) // per_line + 1 for part in text.split("\n"))
            most = max(most, lines)
    return min(most, MAX_LINES)


def _set_up_sheet(sheet: WriteOnlyWorksheet, columns: Sequence[Column], count: int) -> None:
    """Widths, frozen header and ref column, and the print setup: A4 landscape, the key
    columns fitted to the page width, the header row on every page."""
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    printed = PRINTED.get(sheet.title, len(columns))
    set_up_page(sheet, Page(landscape=True, title_rows="1:1"))
    sheet.print_area = f"A1:{column_letter(printed)}{count + 1}"


def _add_validations(
    sheet: WriteOnlyWorksheet,
    columns: Sequence[Column],
    letters: dict[str, str],
    bottom: int,
    list_ranges: dict[str, str],
    scheme: ScoringScheme,
) -> None:
    """A dropdown on every enumerated column; a level column's offers ``4 - Likely`` and
    takes any typed value (``4`` and ``Likely`` are read too; anything else is reported by
    the import, naming the cell). The register's own columns prompt that they are."""
    from openpyxl.worksheet.datavalidation import DataValidation

    for column in columns:
        letter = letters[column.field]
        if not column.editable:
            validation = DataValidation(
                showInputMessage=True,
                promptTitle=_short(column.header, 32),
                prompt=_short(_read_only_prompt(column), 255),
            )
        else:
            source = _list_source(column, list_ranges)
            if source is None:
                continue
            levels = (
                scheme.likelihood if column.kind == "likelihood"
                else scheme.impact if column.kind == "impact" else ()
            )  # fmt: skip
            if levels:
                prompt = (
                    f"Pick from the list, or type a number or a label (4, 4 - {levels[-1].label}"
                    f" or {levels[-1].label}): "
                    + " · ".join(f"{lv.value} {lv.label}" for lv in levels)
                )
            else:
                prompt = ""
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=not column.required,
                showErrorMessage=not levels,
                errorTitle=_short(column.header, 32),
                error=_short(f"Choose a value from the list for {column.header}.", 255),
                showInputMessage=bool(prompt),
                promptTitle=_short(column.header, 32),
                prompt=_short(prompt, 255),
            )
        validation.add(f"{letter}2:{letter}{bottom}")
        sheet.data_validations.append(validation)


def _read_only_prompt(column: Column) -> str:
    if column.kind in ("score", "band"):
        return "Computed from likelihood and impact. An edit here is reported, not applied."
    if column.kind == "uuid":
        return "The register's own id of the row. Leave it: an edited id is matched by Ref."
    if column.kind in ("ref", "risk_ref"):
        return "Given by the register; leave empty on a new row. An edit is reported."
    return f"{column.header} is changed in the register, not the workbook: an edit is reported."


def _short(text: str, most: int) -> str:
    """Prompt text within Excel's limit (counted in UTF-16 units), XML-safe."""
    text = storable(text)
    if utf16_units(text) <= most:
        return text
    return text.encode("utf-16-le")[: 2 * (most - 1)].decode("utf-16-le", "ignore") + "…"


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
    """Score and band cells take their band's colour, and keep it as a partner edits: an
    opportunity's in the opportunity palette (its rules come first, so they win)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    from riskreg.heatmap import opportunity_colours

    blues = opportunity_colours(len(scheme.bands))

    pairs = {
        "inherent_score": ("inherent_likelihood", "inherent_impact"),
        "current_score": ("current_likelihood", "current_impact"),
        "current_band": ("current_likelihood", "current_impact"),
    }
    for target, (lik, imp) in pairs.items():
        if target not in letters:
            continue
        cells = f"{letters[target]}2:{letters[target]}{bottom}"
        band = (
            f"IFERROR(INDEX(Bands,{level_of(f'${letters[lik]}2', LABEL_NAMES['likelihood'])},"
            f'{level_of(f"${letters[imp]}2", LABEL_NAMES["impact"])}),"")'
        )
        if "kind" in letters:
            for each, blue in zip(scheme.bands, blues, strict=True):
                colour = "FF" + blue.lstrip("#").upper()
                sheet.conditional_formatting.add(cells, FormulaRule(
                    formula=[f'AND(${letters["kind"]}2="Opportunity",{band}={quoted(each.name)})'],
                    fill=PatternFill("solid", bgColor=colour, fgColor=colour), stopIfTrue=True,
                ))  # fmt: skip
        for each in scheme.bands:
            colour = "FF" + each.colour.lstrip("#").upper()
            rule = FormulaRule(
                formula=[f"{band}={quoted(each.name)}"],
                fill=PatternFill("solid", bgColor=colour, fgColor=colour),
            )
            sheet.conditional_formatting.add(cells, rule)
