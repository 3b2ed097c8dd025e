"""The rows under a register's header that are risks, and the rows left out and why.

Blank rows are passed over; rows the workbook hides, totals rows, rows holding only an id,
a repeat of the header (printed registers repeat it on every page) and rows with no title,
description or asset (notes, legends, instructions) are left out and reported, by kind and
with their row numbers, so the user can see that nothing was dropped unseen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from riskreg.exchange.foreign.layout import TITLE_SOURCES, Layout
from riskreg.exchange.scales import text_of
from riskreg.exchange.sheets import Table
from riskreg.exchange.vocabulary import key, vocabulary, words_key

SKIP_KINDS = {
    "hidden": "hidden in the workbook",
    "total": "totals rows",
    "header": "repeats of the header row",
    "id only": "rows holding only an id",
    "note": "rows with no title, description or asset (notes, legends)",
}


@dataclass(frozen=True, slots=True)
class SourceRow:
    excel_row: int
    values: dict[str, Any]
    """Field → raw cell, for the mapped columns that hold something."""
    kept: tuple[tuple[str, Any], ...] = ()
    """(Header, cell) of the columns kept in the description, in column order."""
    signs: tuple[Any, ...] = ()
    """Signed impacts read as a threat or an opportunity (``foreign.kinds.SignRead``)."""


@dataclass(slots=True)
class Skipped:
    """Rows left out, by kind: Excel row numbers."""

    rows: dict[str, list[int]] = field(default_factory=dict)

    def add(self, kind: str, excel_row: int) -> None:
        self.rows.setdefault(kind, []).append(excel_row)

    def lines(self) -> list[tuple[str, list[int], str]]:
        """(kind, rows, message) per kind, in the order of ``SKIP_KINDS``."""
        out = []
        for kind, what in SKIP_KINDS.items():
            rows = self.rows.get(kind)
            if rows:
                label = "row" if len(rows) == 1 else "rows"
                out.append((kind, rows, f"{label} {spans(rows)}: {what}, left out"))
        return out


def spans(rows: Sequence[int]) -> str:
    """``3–5, 9, 12–14`` (at most eight runs, then "…")."""
    runs: list[tuple[int, int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    shown = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:8]]
    return ", ".join(shown) + (" …" if len(runs) > 8 else "")


def data_rows(table: Table, layout: Layout) -> tuple[list[SourceRow], Skipped]:
    """The rows below the header that are risks, and those left out (by kind)."""
    single = [(m.index, m.field) for m in layout.columns if m.field and m.field != "keep"
              and m.field != "ignored"]  # fmt: skip
    kept = [(m.index, m.header) for m in layout.columns if m.field == "keep"]
    header_keys = [key(text_of(v)) for v in table.rows[layout.header_row]] if (
        layout.header_row < len(table.rows)) else []  # fmt: skip
    totals = vocabulary().totals
    hidden = table.hidden_rows
    rows: list[SourceRow] = []
    skipped = Skipped()
    for index in range(layout.header_row + 1, len(table.rows)):
        cells = table.rows[index]
        if not any(text_of(v) for v in cells):
            continue
        excel_row = index + 1
        if index in hidden:
            skipped.add("hidden", excel_row)
            continue
        values = {f: cells[i] for i, f in single if i < len(cells) and text_of(cells[i])}
        if _is_total(cells, values, totals):
            skipped.add("total", excel_row)
            continue
        if header_keys and _repeats(header_keys, cells):
            skipped.add("header", excel_row)
            continue
        if not values.keys() & TITLE_SOURCES:
            only_id = set(values) == {"source_id"} and _looks_like_id(values["source_id"])
            skipped.add("id only" if only_id else "note", excel_row)
            continue
        extra = tuple((h, cells[i]) for i, h in kept if i < len(cells) and text_of(cells[i]))
        rows.append(SourceRow(excel_row, values, extra))
    from riskreg.exchange.foreign.kinds import read_signs  # it reads these rows' type

    return read_signs(rows), skipped


def _is_total(cells: Sequence[Any], values: dict[str, Any], totals: frozenset[str]) -> bool:
    """A row led by "Total", "Grand total (12)", "Sum:" … and nothing that reads as a risk
    beside it ("Total loss of power" is a risk)."""
    first = next((v for v in cells if isinstance(v, str) and v.strip()), "")
    if len(first) > 40:
        return False
    words = words_key(first).split()
    if not words or len(words) > 3 or "description" in values:
        return False
    return " ".join(words[:2]) in totals or words[0] in totals


def _repeats(header: Sequence[str], cells: Sequence[Any]) -> bool:
    """The header row again (printed registers repeat it on each page): at least three of
    its labels in their places, and nothing else (a merged cell may leave one empty)."""
    first = next((i for i, label in enumerate(header) if label), None)
    if first is None or first >= len(cells) or not isinstance(cells[first], str):
        return False
    if key(cells[first]) not in (header[first], ""):
        return False  # the common case, decided on one cell
    same = 0
    for label, cell in zip(header, cells, strict=False):
        text = key(text_of(cell))
        if not text:
            continue
        if text != label:
            return False
        same += 1
    return same >= 3


def _looks_like_id(value: Any) -> bool:
    """``R-12``, ``00232``, ``7``: not a sentence of notes that happens to sit in the id
    column ("Key: 1 = low, 5 = high")."""
    text = text_of(value)
    return len(text) <= 20 and len(text.split()) <= 2
