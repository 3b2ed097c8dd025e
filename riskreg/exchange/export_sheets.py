"""The exchange workbook's other sheets: Read me, Partners, Heat map (COUNTIFS over the
Risks sheet, so it follows a partner's edits) and Lists (the dropdowns' values and the band
matrix, hidden: it is the workbook's machinery and never prints).

Each sheet's page is set up before its first row (write-only mode writes the fit-to-page
flag with the first row); every text from the register goes through ``text_cell``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from riskreg.exchange.columns import ENUMS, RISK_COLUMNS
from riskreg.exchange.export_format import (
    Page,
    Styles,
    column_letter,
    letters_of,
    level_criteria,
    protect,
    set_up_page,
    text_cell,
)
from riskreg.records import ExchangeSnapshot
from riskreg.scoring import ScoringScheme

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

README_WRAP = 92
"""Characters per line of the Read me's text column, for the row heights it asks for."""


# -- Lists --------------------------------------------------------------------------------
def write_lists(
    sheet: WriteOnlyWorksheet, snapshot: ExchangeSnapshot, styles: Styles
) -> dict[str, str]:
    """One column per dropdown, the level labels and the band matrix; returns each list's
    absolute range. A level's dropdown offers ``4 - Likely``: the number and the label."""
    scheme = snapshot.info.scheme
    lists: dict[str, list[Any]] = {
        "Likelihood": [f"{lv.value} - {lv.label}" for lv in scheme.likelihood],
        "Likelihood label": [lv.label for lv in scheme.likelihood],
        "Impact": [f"{lv.value} - {lv.label}" for lv in scheme.impact],
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
    header: list[Any] = [text_cell(sheet, name, styles.label) for name in names]
    header += [None, text_cell(sheet, "Band (likelihood down, impact across)", styles.label)]
    sheet.append(header)
    depth = max(max((len(v) for v in lists.values()), default=0), len(scheme.likelihood))
    for row in range(depth):
        values: list[Any] = [
            text_cell(sheet, lists[name][row]) if row < len(lists[name]) else None for name in names
        ]
        values.append(None)
        if row < len(scheme.likelihood):
            values += [
                text_cell(sheet, scheme.band(row + 1, impact + 1).name)
                for impact in range(len(scheme.impact))
            ]
        sheet.append(values)
    ranges = {}
    for index, name in enumerate(names, start=1):
        if lists[name]:
            letter = column_letter(index)
            ranges[name] = f"Lists!${letter}$2:${letter}${len(lists[name]) + 1}"
    first, last = column_letter(band_first), column_letter(band_first + len(scheme.impact) - 1)
    ranges["Bands"] = f"Lists!${first}$2:${last}${len(scheme.likelihood) + 1}"
    protect(sheet)
    sheet.sheet_state = "hidden"  # machinery, never printed; dropdowns read hidden sheets
    return ranges


def define_names(book: Workbook, ranges: dict[str, str]) -> None:
    """``Bands`` (the matrix) and the level labels, which the formulas read by name."""
    from openpyxl.workbook.defined_name import DefinedName

    for name, source in (
        ("Bands", "Bands"),
        ("LikelihoodLabels", "Likelihood label"),
        ("ImpactLabels", "Impact label"),
    ):
        book.defined_names[name] = DefinedName(name, attr_text=ranges[source])


# -- Read me ------------------------------------------------------------------------------
def write_readme(
    sheet: WriteOnlyWorksheet,
    snapshot: ExchangeSnapshot,
    export_id: str,
    now: datetime,
    user: str,
    styles: Styles,
) -> None:
    from openpyxl.styles import Font

    info, scheme = snapshot.info, snapshot.info.scheme
    partners = {p.code: p.name for p in snapshot.partners}
    audience = (
        f"{snapshot.partner_code} – {partners.get(snapshot.partner_code, '')}"
        if snapshot.partner_code
        else "the whole partnership (every risk): the register keeper's own workbook"
    )
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = README_WRAP
    set_up_page(sheet, Page(landscape=False))
    written = 0

    def line(label: str = "", text: Any = "", *, bold: bool = False, size: int = 11) -> None:
        nonlocal written
        written += 1
        first = text_cell(sheet, label, styles.label)
        first.font = Font(bold=True, size=size)
        second = text_cell(sheet, text, styles.prose)
        second.font = Font(bold=bold, size=size)
        if isinstance(text, str) and len(text) > README_WRAP:
            lines = len(text) // README_WRAP + 1
            sheet.row_dimensions[written].height = lines * 15
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
        "(Actions). Grey cells are the register's own (ref, lead partner, scores, band, "
        "raised, id): an edit there is not applied, and the register keeper is told of it.",
        "Pick levels from the dropdown (4 - Likely), or type the number (4) or the label "
        "(Likely). Statuses, categories and the other lists have dropdowns too.",
        "Add a new risk or action on an empty row below the others, leaving Ref and Id "
        "empty: it comes in as a proposal (a Draft risk led by your organisation). A title "
        "is enough; fields left empty are listed for the keeper.",
        "Sort, filter, move and add columns as you like: the register finds its columns by "
        "their headers (keep the header names) and its rows by their Id and Ref.",
        "Do not delete rows to close a risk: set its Status to Closed. Deleted rows are "
        "reported to the register keeper, never deleted from the register. Keep the sheets "
        "(a renamed sheet is found by its headers).",
        "Save as .xlsx (Excel) or .ods (LibreOffice) and send the workbook back to the "
        "register keeper. Changes the register made meanwhile are kept; where both changed "
        "the same cell, the keeper chooses.",
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
    protect(sheet)


# -- Partners -----------------------------------------------------------------------------
def write_partners(sheet: WriteOnlyWorksheet, snapshot: ExchangeSnapshot, styles: Styles) -> None:
    for letter, width in zip("ABCD", (10, 40, 30, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    set_up_page(sheet, Page(landscape=False, title_rows="1:1"))
    headers = ("Code", "Name", "Contact", "Active")
    sheet.append([text_cell(sheet, h, styles.header) for h in headers])
    for p in snapshot.partners:
        sheet.append(
            [text_cell(sheet, v) for v in (p.code, p.name, p.contact, "yes" if p.active else "no")]
        )
    protect(sheet)


# -- Heat map -----------------------------------------------------------------------------
def write_heat_map(sheet: WriteOnlyWorksheet, scheme: ScoringScheme, styles: Styles) -> None:
    """Two grids (current and inherent) whose counts are COUNTIFS over the Risks sheet; a
    level cell counts whether it holds ``4``, ``4 - Likely`` or ``Likely``. One page."""
    from openpyxl.styles import Alignment, Font, PatternFill

    letters = letters_of(RISK_COLUMNS)
    status = f"Risks!${letters['status']}:${letters['status']}"
    kind = f"Risks!${letters['kind']}:${letters['kind']}"
    fills = {
        band.name: PatternFill("solid", fgColor="FF" + band.colour.lstrip("#").upper())
        for band in scheme.bands
    }
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.column_dimensions["A"].width = 22
    for index in range(len(scheme.impact)):
        sheet.column_dimensions[column_letter(index + 2)].width = 14
    set_up_page(sheet, Page(landscape=True, fit_height=True))

    written = 0

    def append(cells: list[Any], height: float | None = None) -> None:
        nonlocal written
        written += 1
        if height:
            sheet.row_dimensions[written].height = height
        sheet.append(cells)

    title = text_cell(sheet, "Heat map: open threats by likelihood and impact")
    title.font = Font(bold=True, size=14)
    append([title])
    append([text_cell(sheet, "Counts follow the Risks sheet as it is edited; closed risks and "
                             "opportunities (their own map is in the register's pack) are "
                             "left out.")])  # fmt: skip
    for basis in ("current", "inherent"):
        lik_col = f"Risks!${letters[basis + '_likelihood']}:${letters[basis + '_likelihood']}"
        imp_col = f"Risks!${letters[basis + '_impact']}:${letters[basis + '_impact']}"
        append([])
        heading = text_cell(sheet, f"{basis.capitalize()} position")
        heading.font = Font(bold=True, size=12)
        append([heading])
        for lik in range(len(scheme.likelihood), 0, -1):
            label = text_cell(sheet, f"{lik} – {scheme.likelihood[lik - 1].label}")
            label.font = styles.bold
            label.alignment = Alignment(vertical="center", wrap_text=True)
            row: list[Any] = [label]
            for imp in range(1, len(scheme.impact) + 1):
                row.append(_count_cell(
                    sheet, lik_col, level_criteria(lik, scheme.likelihood[lik - 1].label),
                    imp_col, level_criteria(imp, scheme.impact[imp - 1].label), status, kind,
                ))  # fmt: skip
                row[-1].fill = fills[scheme.band(lik, imp).name]
                row[-1].alignment = centred
            append(row, 32)
        axis: list[Any] = [text_cell(sheet, "Likelihood ↑ / Impact →")]
        for level in scheme.impact:
            cell = text_cell(sheet, f"{level.value} – {level.label}")
            cell.font = styles.bold
            cell.alignment = centred
            axis.append(cell)
        append(axis, 30)
    append([])
    key: list[Any] = [text_cell(sheet, "Bands")]
    for band in scheme.bands:
        cell = text_cell(sheet, band.name)
        cell.fill = fills[band.name]
        cell.alignment = centred
        key.append(cell)
    append(key)
    protect(sheet)


def _count_cell(
    sheet: WriteOnlyWorksheet,
    lik_col: str,
    lik_forms: tuple[str, ...],
    imp_col: str,
    imp_forms: tuple[str, ...],
    status: str,
    kind: str,
) -> Any:
    """The open threats in one cell (an opportunity's row is counted on no threat cell)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    terms = [
        f'COUNTIFS({lik_col},{lik},{imp_col},{imp},{status},"<>Closed",{kind},"<>Opportunity")'
        for lik in lik_forms
        for imp in imp_forms
    ]
    cell = WriteOnlyCell(sheet, "=" + "+".join(terms))
    cell.font = Font(bold=True, size=14)
    return cell
