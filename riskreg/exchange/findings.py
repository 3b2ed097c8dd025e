"""What an import finds: one ``Item`` per finding, gathered in an ``ImportPlan``.

Kinds, in the order the summary lists them:

- **update**: the workbook changed a field nobody else did (applied unless unticked);
- **conflict**: changed on both sides, differently (the register keeps its value unless the
  user takes the workbook's);
- **differs**: a copy without its export, read by ref: the workbook and the register differ
  and there is no base to say who changed it (unticked);
- **new**: a row with no ref, a proposed risk (Draft) or action;
- **missing**: an exported row gone from the workbook (never deleted);
- **rejected**: a change the sender may not make (the export log says who the sender is);
- **ignored**: an edit the workbook cannot make — a column the register keeps (ref, lead
  partner, scores, band, raised, id), a text too long for a cell — or a part of the
  workbook that was not believed (a base that differs from the register's);
- **held**: a change held back because its row has an error;
- **warning**: something a new row leaves out, or a guess made for it;
- **error**: a value that cannot be read, named by sheet and cell; it blocks its own row.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from riskreg.exchange.values import format_split, storable
from riskreg.records import ActionDraft, RiskDraft

Kind = Literal[
    "update", "conflict", "differs", "new", "missing", "rejected", "ignored", "held",
    "warning", "error",
]  # fmt: skip
KINDS: tuple[Kind, ...] = (
    "update", "conflict", "differs", "new", "missing", "rejected", "ignored", "held",
    "warning", "error",
)  # fmt: skip
APPLICABLE: frozenset[str] = frozenset({"update", "conflict", "differs", "new"})
TICKED: frozenset[str] = frozenset({"update", "new"})
"""Applicable kinds ticked at first (and taken by ``--accept clean``)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One finding of the comparison, shown in the preview and in the JSON report."""

    kind: Kind
    sheet: str
    cell: str
    ref: str
    field: str
    old: Any
    new: Any
    message: str
    """Says where (``Risks!G14``, under the sheet's name in the workbook) and what; a
    ``field`` of ``draft`` marks a warning about a proposed new row."""
    uuid: str = ""
    """The row's register id (existing rows); new rows carry a ``draft`` instead."""
    draft: RiskDraft | tuple[str, ActionDraft] | None = None
    sheet_name: str = ""
    """The sheet's name in the workbook, where a partner renamed it (``sheet`` is always
    ``Risks`` or ``Actions``)."""

    @property
    def applicable(self) -> bool:
        return self.kind in APPLICABLE

    @property
    def where(self) -> str:
        """The cell under the sheet's name in the workbook (``Risques!G14`` for a renamed
        sheet), or the sheet alone for a finding about a whole row that is not there."""
        sheet = self.sheet_name or self.sheet
        return f"{sheet}!{self.cell}" if self.cell else sheet

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "sheet": self.sheet,
            "sheet_name": self.sheet_name or self.sheet,
            "cell": self.cell,
            "ref": self.ref,
            "field": self.field,
            "old": _json_value(self.old),
            "new": _json_value(self.new),
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ImportPlan:
    workbook: str
    export_id: str
    sender: str
    base_revision: int
    register_revision: int
    items: tuple[Item, ...]
    notes: tuple[str, ...] = ()
    """Everything the import noticed about the workbook as a whole (a sheet found under
    another name, a column missing, an old export): shown wherever the findings are."""
    by_ref: bool = False
    """A copy without its export, compared field by field with the register (no base)."""

    def count(self, kind: Kind) -> int:
        return sum(1 for item in self.items if item.kind == kind)

    @property
    def summary(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in KINDS}

    def accepted(self, mode: Literal["all", "clean"]) -> list[Item]:
        """``clean``: updates and new rows; ``all``: every applicable item."""
        wanted = APPLICABLE if mode == "all" else TICKED
        return [item for item in self.items if item.kind in wanted]

    def report(self, *, applied: bool) -> dict[str, Any]:
        return {
            "workbook": self.workbook,
            "export_id": self.export_id,
            "sender": self.sender,
            "base_revision": self.base_revision,
            "by_ref": self.by_ref,
            "applied": applied,
            "notes": list(self.notes),
            "summary": self.summary,
            "items": [item.as_json() for item in self.items],
        }

    def report_json(self, *, applied: bool) -> str:
        return json.dumps(self.report(applied=applied), indent=2, ensure_ascii=False)


def display(value: Any) -> str:
    """A value as the preview and the messages show it: a split as text, a date as ISO."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return format_split(value)
    return storable(str(value))


def shown(value: Any) -> str:
    text = display(value)
    if not text:
        return "(empty)"
    return f"“{text}”" if len(text) <= 60 else f"“{text[:60]}…”"


def workbook_order(item: Item) -> tuple[int, int, int]:
    """Findings in the order of the workbook: sheet, row, column; missing rows last."""
    sheet = 0 if item.sheet == "Risks" else 1
    digits = item.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    letters = item.cell[: len(item.cell) - len(digits)]
    column = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters)))
    return (sheet, int(digits) if digits else 1 << 30, column)


def _json_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if value is None or isinstance(value, int | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return format_split(value)
    return str(value)
