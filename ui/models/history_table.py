"""A risk's change log as a readable timeline: when, who, from where, what, old → new."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt

from riskreg.records import ChangeRecord
from ui.models.base import Index, ListTableModel
from ui.plain import tip

HEADERS = ("When", "Who", "From", "What", "Change")

FIELD_LABELS = {
    "*": "created",
    "kind": "type",
    "current_likelihood": "current likelihood",
    "current_impact": "current impact",
    "inherent_likelihood": "inherent likelihood",
    "inherent_impact": "inherent impact",
    "target_likelihood": "target likelihood",
    "target_impact": "target impact",
    "lead_partner": "lead partner",
    "next_review": "next review",
    "last_reviewed": "last reviewed",
    "completed_on": "completed",
    "due_date": "due date",
    "cost_likely": "cost (most likely)",
    "cost_min": "cost (minimum)",
    "cost_max": "cost (maximum)",
    "target_date": "target date",
    "raised_on": "raised",
    "closed_on": "closed on",
}


DATE_FIELDS = frozenset({"next_review", "last_reviewed", "completed_on", "due_date",
                         "target_date", "raised_on", "closed_on"})  # fmt: skip
MONEY_FIELDS = frozenset({"cost_likely", "cost_min", "cost_max"})


def shown(field: str, value: str | None) -> str:
    """A logged value as the form shows it: 15 Jan 2027 (not 2027-01-15), £1,200,000;
    what cannot be read so is shown as it was written."""
    if value in (None, ""):
        return "—"
    assert value is not None
    if field in DATE_FIELDS:
        try:
            return f"{date.fromisoformat(value):%d %b %Y}"
        except ValueError:
            return value
    if field in MONEY_FIELDS:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return value
        return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,}"
    return value


def describe(change: ChangeRecord) -> tuple[str, str]:
    """('R-004 current likelihood', '3 → 4') in words a meeting can read."""
    what = f"{change.entity_ref} {FIELD_LABELS.get(change.field, change.field.replace('_', ' '))}"
    if change.field == "*":
        if change.old is None:
            return what, change.new or ""
        return f"{change.entity_ref} removed", change.old or ""
    if change.field.partition(":")[0] == "acceptance":  # whole sentences (riskreg.acceptance)
        if change.old is None:
            return f"{change.entity_ref} accepted outside appetite", change.new or ""
        done = "withdrawn" if (change.new or "").startswith("Withdrawn") else "replaced"
        return f"{change.entity_ref} acceptance {done}", f"{change.new} (was: {change.old})"
    return what, f"{shown(change.field, change.old)} → {shown(change.field, change.new)}"


class HistoryModel(ListTableModel[ChangeRecord]):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ChangeRecord] = []

    def set_rows(self, rows: Sequence[ChangeRecord]) -> None:
        self.beginResetModel()
        try:
            self._rows = list(reversed(rows))  # newest first
        finally:
            self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        change = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            local = change.at.replace(tzinfo=UTC).astimezone()
            who = f"{change.user} ({change.partner_code})" if change.partner_code else change.user
            if change.login and change.login != change.user:  # the login the server knows
                who += f" · login {change.login}"
            what, how = describe(change)
            return (local.strftime("%d %b %Y %H:%M"), who, change.source, what, how)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(f"revision {change.revision}: {change.summary}")  # as written
        return None
