"""What one import plan knows while it reads a workbook: the register's rules, the sender
the export log names, and the findings so far; shared by the merge of existing rows and the
proposals of new ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from riskreg.exchange.findings import Item, Kind
from riskreg.scoring import ScoringScheme
from riskreg.validation import Context

if TYPE_CHECKING:
    from riskreg.service import RegisterService


@dataclass(slots=True)
class Planning:
    service: RegisterService
    scheme: ScoringScheme
    ctx: Context
    sender: str
    """The partner the export log says the workbook was made for (the keeper for a
    whole-register export); never what the workbook says."""
    everything: bool
    """A whole-register export (or a copy read by ref): no row is out of the sender's reach."""
    export_id: str
    by_ref: bool = False
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheet_names: dict[str, str] = field(default_factory=dict)
    """``Risks`` / ``Actions`` → the sheet's name in the workbook, where it differs."""
    _imported: tuple[set[str], set[tuple[str, str]]] | None = None
    _refs: tuple[dict[str, str], dict[str, str]] | None = None
    _owners: dict[str, list[tuple[str, str]]] | None = None

    def add(
        self, kind: Kind, sheet: str, cell: str, ref: str, field_name: str, old: Any, new: Any,
        message: str, uuid: str = "", draft: Any = None,
    ) -> None:  # fmt: skip
        self.items.append(Item(kind, sheet, cell, ref, field_name, old, new, message, uuid, draft))

    def error(self, sheet: str, cell: str, ref: str, field_name: str, message: str) -> None:
        self.items.append(Item("error", sheet, cell, ref, field_name, None, None, message))

    @property
    def imported(self) -> tuple[set[str], set[tuple[str, str]]]:
        """What earlier imports of this workbook created (read once, when a new row asks)."""
        if self._imported is None:
            self._imported = (
                self.service.imported_from(self.export_id) if self.export_id else (set(), set())
            )
        return self._imported

    @property
    def refs(self) -> tuple[dict[str, str], dict[str, str]]:
        """Refs of every risk and action by uuid, read once, only if a row needs them."""
        if self._refs is None:
            self._refs = self.service.refs()
        return self._refs

    def action_owners(self, risk_uuid: str) -> list[tuple[str, str]]:
        """A risk's actions (ref, owning partner); every risk's read once, if a row asks."""
        if self._owners is None:
            self._owners = {}
            for action in self.service.list_actions():
                self._owners.setdefault(action.risk_uuid, []).append((action.ref, action.partner))
        return self._owners.get(risk_uuid, [])

    def may_change(self, record: Any, entity: str) -> bool:
        if self.everything:
            return True
        if entity == "risk":
            return record.lead_partner == self.sender or record.share_of(self.sender) > 0
        return bool(record.partner == self.sender)
