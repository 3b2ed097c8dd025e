"""Dates and amounts as people type them, read the same way in the window and from a
workbook: 15/01/2027, 15/1/27, 2027-01-15, 15 Jan 2027; 600k, £1.2m, 1,200,000.

Pure functions: the window passes its locale's short date format as one more pattern.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%d %b %Y",
                "%d %B %Y", "%Y/%m/%d", "%b %Y", "%B %Y", "%d %b %y")  # fmt: skip
"""The UK forms first (day before month), then ISO and month names."""

_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000,
                "b": 1_000_000_000}  # fmt: skip
_MONEY = re.compile(r"^(?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?P<unit>k|m|mn|bn|b)?$")
MONEY_EXAMPLES = "e.g. 600000, 600k, £1.2m or 1,200,000"


def read_date(text: str, extra_formats: Sequence[str] = ()) -> date | None:
    """The date typed, or None when the text is not one (empty text is not a date
    either: the caller decides whether a field may be left blank)."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    for pattern in (*DATE_FORMATS, *extra_formats):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        return None


def read_money(text: str) -> int | None:
    """Whole currency units from "600k", "£1.2m", "1,200,000" or "£600,000.00"; None for
    blank. Raises ValueError (with a message for the user) for anything else."""
    cleaned = text.strip().lower().replace(" ", "")
    for symbol in ("£", "$", "€", "gbp", "eur", "usd"):
        cleaned = cleaned.removeprefix(symbol)
    if not cleaned:
        return None
    found = _MONEY.match(cleaned)
    if found is None or ("," in found["number"] and not _grouped(found["number"])):
        raise ValueError(f"“{text.strip()}” is not an amount ({MONEY_EXAMPLES})")
    try:
        amount = Decimal(found["number"].replace(",", "")) * _MULTIPLIERS[found["unit"] or ""]
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"“{text.strip()}” is not an amount ({MONEY_EXAMPLES})") from exc
    if amount != amount.to_integral_value():
        raise ValueError(f"“{text.strip()}” is not a whole amount; give pounds, not pence")
    return int(amount)


def _grouped(number: str) -> bool:
    """Thousands separators in their places (1,200,000), not anywhere (1,20,0)."""
    whole = number.split(".")[0]
    return re.fullmatch(r"\d{1,3}(,\d{3})+", whole) is not None


def money_text(value: int | None) -> str:
    """How an amount is shown in a field: 1,200,000."""
    return "" if value is None else f"{value:,}"
