"""Cell values to register values and back, the same way for every column.

A partner's Excel or LibreOffice writes a level as ``4``, ``4.0``, ``"4 - Likely"`` or
``"Likely"``, a date as a date cell or as text, a split as ``CNCL 60% / APEX 40%``. ``read``
turns any of them into the register's value or says, in words, why it cannot; ``base_text``
turns a register value into the text kept in the ``_exchange`` sheet, which ``read`` reads
back to the same value.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from riskreg.choices import RiskStatus
from riskreg.exchange.columns import Column, fold
from riskreg.records import Shares
from riskreg.scoring import Level, ScoringScheme
from riskreg.typed_values import DATE_FORMATS
from riskreg.validation import fits, utf16_units

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these would be taken as a formula by a spreadsheet."""

_DATE_FORMATS = DATE_FORMATS  # one list of the forms people type (riskreg.typed_values)
_SHARE_PART = re.compile(r"^\s*([A-Za-z0-9_.&-]+)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*%?\s*$")
_LEVEL_TEXT = re.compile(r"^\s*(\d+(?:\.0+)?)\s*(?:[-–—:(]\s*(.*?)\)?)?\s*$")


_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def storable(text: str) -> str:
    """Text a workbook can hold: characters XML forbids (pasted control codes) are shown as
    their Unicode control pictures (U+2400…) instead of being dropped or failing the export."""
    if _XML_FORBIDDEN.search(text) is None:
        return text
    return _XML_FORBIDDEN.sub(
        lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 32 else "\ufffd", text
    )


CELL_TEXT_LIMIT = 32_000
"""UTF-16 units a cell is given, under the 32,767 Excel and LibreOffice keep (they cut the
rest on saving, counting in UTF-16 units: an emoji counts two)."""
CUT_BASE = "\x00cut"
"""The base of a field whose text was too long for a cell and went out cut: no register
text holds a NUL, so no cell can equal it, and any edit of such a cell is reported."""


def fit_cell(text: str) -> str | None:
    """None if ``text`` fits a cell; else its start, cut at a character boundary, with a
    visible mark saying that the register holds the whole text (written before the register
    counted lengths as spreadsheets do; new text is refused at input past 20,000 units)."""
    if fits(text, CELL_TEXT_LIMIT):
        return None
    mark = (
        f" … [cut here: the register holds all {utf16_units(text):,} characters of this "
        "text; change it in the register]"
    )
    room = CELL_TEXT_LIMIT - utf16_units(mark)
    head = text.encode("utf-16-le")[: 2 * room].decode("utf-16-le", errors="ignore")
    return head + mark


def shown_text(text: str) -> str:
    """Text as a cell holds it: XML-safe, and cut with a mark if past a cell's size."""
    safe = storable(text)
    cut = fit_cell(safe)
    return safe if cut is None else cut


class Unreadable(ValueError):
    """A cell whose value cannot be read as its column's type; the message says why."""


def as_cell_reads(text: str) -> str:
    """Text as it reads back from a workbook cell: XML turns a carriage return into a line
    break, and a cell of nothing but spaces reads as empty. The merge compares a cell with
    its exported text in this form, so these rewrites are never taken for edits."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "" if not text.strip(" \t\n") else text


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read(column: Column, value: Any, scheme: ScoringScheme) -> Any:
    """The register's value for one cell of ``column`` (``None`` or ``""`` when empty)."""
    kind = column.kind
    if kind in ("text", "longtext", "partner", "category", "ref", "uuid", "risk_ref"):
        return _text(value, kind)
    if is_empty(value):
        return None
    if kind in ("likelihood", "impact"):
        levels = scheme.likelihood if kind == "likelihood" else scheme.impact
        return _level(value, levels, column.header)
    if kind == "enum":
        assert column.enum_type is not None
        return _enum(value, column.enum_type, column.header)
    if kind == "date":
        return _date(value, column.header)
    if kind in ("money", "percent"):
        return _whole(value, column.header, percent=kind == "percent")
    if kind == "shares":
        return read_shares(value)
    raise AssertionError(f"{column.header} is not read from a workbook")


def base_text(column: Column, value: Any) -> str:
    """The text ``_exchange`` keeps for a value; ``read`` gives the value back."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if column.kind == "shares":
        return format_split(value)
    text = storable(str(value))
    return text if fit_cell(text) is None else CUT_BASE


_NUMBERS = frozenset({"likelihood", "impact", "money", "percent", "score"})


def held_value(column: Column, value: Any) -> Any:
    """What the register's record of an export keeps for a value: a whole number as a
    number (a cell reads back as 3.0, which equals 3 without a parse), the rest as
    ``base_text``."""
    if type(value) is int and column.kind in _NUMBERS:
        return value
    return base_text(column, value)


def cell_value(column: Column, value: Any) -> Any:
    """What an exported cell holds: numbers and dates as such, everything else as text."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if column.kind == "shares":
        return format_split(value)
    if isinstance(value, str):
        return shown_text(value)
    return value


def format_split(shares: Shares) -> str:
    return " / ".join(f"{code} {percent}%" for code, percent in shares)


def read_shares(value: Any) -> Shares:
    """``CNCL 60% / APEX 40%``, ``CNCL:60, APEX:40`` or ``CNCL 100%``, ordered by code."""
    if not isinstance(value, str):
        raise Unreadable(f"{value!r} is not a split such as CNCL 60% / APEX 40%")
    parts = [p for p in re.split(r"[/;,\n]", value) if p.strip()]
    shares: list[tuple[str, int]] = []
    for part in parts:
        match = _SHARE_PART.match(part)
        if not match:
            raise Unreadable(f"{part.strip()!r} is not a partner and a percentage like CNCL 60%")
        percent = float(match.group(2))
        if percent != int(percent):
            raise Unreadable(f"{part.strip()!r}: shares are whole percentages")
        shares.append((match.group(1).upper(), int(percent)))
    if not shares:
        raise Unreadable("the split is empty; give at least the lead partner, e.g. CNCL 100%")
    return tuple(sorted(shares))


def _text(value: Any, kind: str) -> str | None:
    if value is None:
        return "" if kind in ("text", "longtext") else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column, e.g. an owner's extension
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    if kind in ("text", "longtext"):
        return text
    text = text.strip()
    return text or None


def _level(value: Any, levels: Sequence[Level], header: str) -> int:
    top = len(levels)
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = int(value) if float(value).is_integer() else None
    elif isinstance(value, str):
        match = _LEVEL_TEXT.match(value)
        if match:
            number = int(float(match.group(1)))
            label = match.group(2)
            named = levels[number - 1].label if 1 <= number <= top else ""
            if label and fold(label) != fold(named):
                raise Unreadable(
                    f"{header.lower()} {value!r}: {number} is "
                    f"{_caption(levels, number)}, not {label!r}"
                )
        else:
            by_label = {fold(level.label): level.value for level in levels}
            number = by_label.get(fold(value))
    if number is None or not 1 <= number <= top:
        raise Unreadable(
            f"{header.lower()} {_shown(value)} is not one of 1–{top} / "
            f"{levels[0].label} … {levels[-1].label}"
        )
    return number


def _caption(levels: Sequence[Level], number: int) -> str:
    return f"“{levels[number - 1].label}”" if 1 <= number <= len(levels) else "not a level"


def _enum(value: Any, enum_type: type[enum.Enum], header: str) -> enum.Enum:
    if isinstance(value, str):
        wanted = fold(value)
        for member in enum_type:
            if fold(str(member.value)) == wanted or fold(member.name) == wanted:
                return member
        # "Imminent" for "Imminent (within a month)": a unique leading word is enough
        starts = [m for m in enum_type if fold(str(m.value)).startswith(wanted) and wanted]
        if len(starts) == 1:
            return starts[0]
    allowed = ", ".join(str(m.value) for m in enum_type)
    if enum_type is RiskStatus and isinstance(value, str) and fold(value) == "escalated":
        raise Unreadable(f"{header.lower()} “Escalated” is no longer a status: a risk is "
                         "escalated on its escalation ladder, with a reason (the risk editor's "
                         f"Escalation…); a status is one of {allowed}")  # fmt: skip
    raise Unreadable(f"{header.lower()} {_shown(value)} is not one of {allowed}")


def _date(value: Any, header: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        raise Unreadable(
            f"{header.lower()} holds a time of day, not a date (a workbook cannot hold a date "
            "before 1900; type such a date as text, e.g. 1899-12-31)"
        )
    found = parse_date(value)
    if found is None:
        raise Unreadable(f"{header.lower()} {_shown(value)} is not a date (e.g. 2026-03-31)")
    return found


def parse_date(value: Any) -> date | None:
    """A date cell, or date text in the forms people type (2026-03-31, 31/03/2026, 31 Mar
    2026, Mar 2026); None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _whole(value: Any, header: str, *, percent: bool) -> int:
    number: float | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = float(value)
        if percent and 0 < number <= 1 and not number.is_integer():
            number *= 100  # a cell formatted as a percentage holds 0.4 for 40 %
    elif isinstance(value, str):
        text = value.strip().replace(",", "").lstrip("£$€").rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            number = None
    if number is None or not number.is_integer():
        what = "a whole percentage" if percent else "a whole amount"
        raise Unreadable(f"{header.lower()} {_shown(value)} is not {what}")
    return int(number)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"“{value if len(value) <= 40 else value[:40] + '…'}”"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)
