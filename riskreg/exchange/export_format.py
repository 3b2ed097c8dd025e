"""How the exchange workbook writes a cell, a formula and a page, wherever it writes one.

Every text that reaches a cell passes ``text_cell`` (characters XML cannot hold shown as
control pictures, text past a cell's size cut with a visible mark, anything a spreadsheet
would take for a formula kept as text with a quote prefix); every user name that reaches a
formula passes ``quoted`` or ``criterion``; every visible sheet is given its paper, margins,
titles and scale by ``set_up_page`` before its first row is written (openpyxl's write-only
mode writes a sheet's properties with its first row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from riskreg.exchange.columns import Column
from riskreg.exchange.values import FORMULA_LEADS, shown_text, storable

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

HEADER_FILL = "FF1F3A5F"
LOCKED_FILL = "FFECEFF3"
A4 = 9
"""openpyxl's (and the OOXML standard's) paper size code for A4."""


def column_letter(index: int) -> str:
    """``1`` → ``A``, ``28`` → ``AB``."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def letters_of(columns: Sequence[Column]) -> dict[str, str]:
    return {c.field: column_letter(i) for i, c in enumerate(columns, start=1)}


# -- cells --------------------------------------------------------------------------------
def text_cell(sheet: WriteOnlyWorksheet, value: Any, style: str | None = None) -> WriteOnlyCell:
    """A cell for any value; text is always written as text, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = shown_text(value)
    cell = WriteOnlyCell(sheet, value)
    if style is not None:
        cell.style = style
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        cell.data_type = "s"  # typed text stays text, never a formula
        cell.quotePrefix = True
    return cell


# -- formulas -----------------------------------------------------------------------------
def quoted(text: str) -> str:
    """A formula's string literal for any text: quotes doubled, XML-safe."""
    return '"' + storable(text).replace('"', '""') + '"'


def criterion(text: str) -> str:
    """A COUNTIFS criterion matching cells equal to ``text`` (case aside) and nothing else:
    a leading ``=`` so that text such as ``>5`` is not taken as a comparison, and the
    wildcards ``* ? ~`` escaped (Excel and LibreOffice both read wildcards in .xlsx)."""
    escaped = "".join("~" + ch if ch in "*?~" else ch for ch in text)
    return quoted("=" + escaped)


def level_of(cell: str, labels: str) -> str:
    """The level a cell names, as a number: ``4``, ``4 - Likely`` (the dropdown's form) and
    ``Likely`` (a label, looked up in the defined name ``labels``) all give 4; anything else
    is an error value, which the formulas around it turn into an empty cell."""
    return f'IFERROR(VALUE(LEFT({cell},FIND(" ",{cell}&" ")-1)),MATCH(TRIM({cell}),{labels},0))'


def level_criteria(value: int, label: str) -> tuple[str, str, str]:
    """COUNTIFS criteria for the three ways a level cell may hold a level: the number
    (``"4"`` matches the number and the text 4 alike, where ``4`` would miss the text), the
    dropdown's ``4 - Likely`` (any text starting with the number and a space) and the label."""
    return (quoted(str(value)), quoted(f"{value} *"), criterion(label))


# -- styles -------------------------------------------------------------------------------
class Styles:
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
        self.label = named("Exchange label", locked=True, font=Font(bold=True))
        self.prose = named("Exchange prose", locked=True, wrap=True)
        self.bold = Font(bold=True)

    def for_column(self, column: Column) -> str:
        if not column.editable:
            return self.locked_date if column.kind == "date" else self.locked
        if column.kind == "date":
            return self.editable_date
        if column.kind == "money":
            return self.editable_money
        return self.editable_wrap if column.wrap else self.editable


# -- pages --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Page:
    """How one sheet prints: A4 always; orientation, fit and what repeats on every page."""

    landscape: bool
    fit_width: bool = True
    fit_height: bool = False
    title_rows: str | None = None
    """Rows repeated at the top of every page, e.g. ``1:1``."""


def set_up_page(sheet: WriteOnlyWorksheet, page: Page) -> None:
    """Paper, orientation, margins, scale and footer; called before the sheet's first row,
    since write-only mode writes the fit-to-page flag with the first row."""
    from openpyxl.worksheet.page import PageMargins

    setup = sheet.page_setup
    setup.paperSize = A4
    setup.orientation = "landscape" if page.landscape else "portrait"
    if page.fit_width or page.fit_height:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth = 1 if page.fit_width else 0
        setup.fitToHeight = 1 if page.fit_height else 0
    sheet.page_margins = PageMargins(
        left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3
    )
    sheet.print_options.horizontalCentered = page.fit_height
    if page.title_rows:
        sheet.print_title_rows = page.title_rows
    sheet.oddFooter.center.text = "&A – page &P of &N"
    sheet.oddFooter.center.size = 8


def protect(sheet: WriteOnlyWorksheet) -> None:
    """Sheets a partner reads but does not edit (Read me, Partners, Heat map, Lists): locked
    against slips. No password: a partner who must can lift it. The Risks and Actions sheets
    are not protected, so that they can be sorted and filtered (Excel cannot sort a
    protected range that holds locked cells)."""
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False
