"""Which risks the register table shows: free text plus partner, category, status, band,
"review due" and "has overdue actions", combined. Pure Python over prepared columns so a
keystroke filters 100,000 risks in milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from riskreg.records import RiskRecord
from ui.models.risk_table import TableContext


@dataclass(frozen=True)
class RiskFilter:
    text: str = ""
    partner: str | None = None
    category: str | None = None
    status: str | None = None
    band: str | None = None
    review_due: bool = False
    overdue_actions: bool = False
    cell: tuple[int, int] | None = None
    """A current likelihood × impact cell (a click on the heat map)."""

    @property
    def is_empty(self) -> bool:
        return self == RiskFilter()


class PreparedRisks:
    """The rows with what filtering needs computed once per load, not once per keystroke."""

    def __init__(self, rows: Sequence[RiskRecord], context: TableContext) -> None:
        self.rows = list(rows)
        self.context = context
        self.search_keys = [
            f"{r.ref}\n{r.title}\n{r.description}\n{r.owner}".casefold() for r in self.rows
        ]
        cells = context.scheme.cells
        names = context.scheme.band_names
        self.bands = [names[cells[r.current_likelihood - 1][r.current_impact - 1]]
                      if r.current_likelihood <= len(cells)
                      and r.current_impact <= len(cells[0]) else "" for r in self.rows]  # fmt: skip

    def apply(self, wanted: RiskFilter) -> list[RiskRecord]:
        if wanted.is_empty:
            return self.rows
        picked: Sequence[int] = range(len(self.rows))
        needle = wanted.text.strip().casefold()
        rows, keys = self.rows, self.search_keys
        if needle:
            picked = [i for i in picked if needle in keys[i]]
        if wanted.partner:
            code = wanted.partner
            picked = [
                i for i in picked
                if rows[i].lead_partner == code or any(c == code for c, _ in rows[i].shares)
            ]  # fmt: skip
        if wanted.category:
            picked = [i for i in picked if rows[i].category == wanted.category]
        if wanted.status:
            picked = [i for i in picked if rows[i].status.value == wanted.status]
        if wanted.band:
            bands = self.bands
            picked = [i for i in picked if bands[i] == wanted.band]
        if wanted.cell:
            lik, imp = wanted.cell
            picked = [
                i for i in picked
                if rows[i].current_likelihood == lik and rows[i].current_impact == imp
            ]  # fmt: skip
        if wanted.review_due:
            due = self.context.review_due
            picked = [i for i in picked if due(rows[i])]
        if wanted.overdue_actions:
            overdue = self.context.overdue
            picked = [i for i in picked if rows[i].uuid in overdue]
        return [rows[i] for i in picked]
