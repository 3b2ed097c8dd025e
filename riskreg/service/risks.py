"""Risks and their actions: read, create, edit, close, complete."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from riskreg.choices import (
    ActionStatus,
    RiskStatus,
)
from riskreg.errors import (
    NotFound,
    RuleError,
)
from riskreg.records import (
    ActionDraft,
    ActionRecord,
    RiskDraft,
    RiskRecord,
    Shares,
)
from riskreg.service.queries import (
    overdue_in,
    select_actions,
    select_risks,
)
from riskreg.service.unit_of_work import (
    ServiceBase,
    collector_paused,
)
from riskreg.service.writes import (
    apply_action_changes,
    apply_risk_changes,
    insert_action,
    insert_risks,
)


class RiskUseCases(ServiceBase):
    """Risks and their actions: read, create, edit, close, complete."""

    # -- risks: reading -----------------------------------------------------------------
    def list_risks(self, *, first: int | None = None) -> list[RiskRecord]:
        """Every risk (or the ``first`` n), ordered by ref: three queries at any size."""
        with self._read() as s, collector_paused():
            return select_risks(s, None, first)

    def get_risk(self, uuid: str) -> RiskRecord:
        with self._read() as s:
            found = select_risks(s, uuid)
        if not found:
            raise NotFound(f"no risk with id {uuid} in this register")
        return found[0]

    def find_risk(self, ref: str) -> RiskRecord:
        with self._read() as s:
            found = select_risks(s, None, refs=[ref])
        if not found:
            raise NotFound(f"there is no risk {ref}")
        return found[0]

    # -- risks: writing -----------------------------------------------------------------
    def create_risk(self, draft: RiskDraft) -> RiskRecord:
        with self._write(f"New risk: {draft.title[:80]}") as w:
            (uuid,) = insert_risks(w, [draft], self.today())
            w.session.flush()
            return select_risks(w.session, uuid)[0]

    def create_risks(self, drafts: Sequence[RiskDraft], *, summary: str | None = None) -> list[str]:
        """Add many risks with their actions in one transaction: the bulk path of imports.

        Returns the new risks' uuids in the order of the drafts.
        """
        if not drafts:
            return []
        with self._write(summary or f"Add {len(drafts)} risks") as w:
            return insert_risks(w, drafts, self.today())

    def edit_risk(self, uuid: str, version: int, changes: Mapping[str, Any]) -> RiskRecord:
        """Change any fields of a risk (``shares`` included) if nobody else changed it first."""
        with self._write("Edit risk") as w:
            risk = w.load_risk(uuid)
            w.expect_version(risk, version)
            if risk.status is RiskStatus.CLOSED and set(changes) - {"status"}:
                raise RuleError(f"{risk.ref} is closed; reopen it before changing it")
            apply_risk_changes(w, risk, dict(changes), self.today())
            w.session.flush()
            return select_risks(w.session, uuid)[0]

    def set_shares(self, uuid: str, version: int, shares: Shares) -> RiskRecord:
        return self.edit_risk(uuid, version, {"shares": shares})

    def close_risk(self, uuid: str, version: int) -> RiskRecord:
        return self.edit_risk(uuid, version, {"status": RiskStatus.CLOSED})

    def reopen_risk(self, uuid: str, version: int) -> RiskRecord:
        return self.edit_risk(uuid, version, {"status": RiskStatus.OPEN})

    # -- actions ------------------------------------------------------------------------
    def list_actions(self, risk_uuid: str | None = None) -> list[ActionRecord]:
        with self._read() as s, collector_paused():
            return select_actions(s, risk_uuid=risk_uuid)

    def risks_with_overdue_actions(self, today: date | None = None) -> set[str]:
        """Uuids of risks that have an open action past its due date (one query)."""
        with self._read() as s:
            return overdue_in(s, today or self.today())

    def add_action(self, risk_uuid: str, draft: ActionDraft) -> ActionRecord:
        with self._write("Add action") as w:
            risk = w.load_risk(risk_uuid)
            action_uuid = insert_action(w, risk.id, draft, w.context())
            w.session.flush()
            return select_actions(w.session, action_uuid=action_uuid)[0]

    def edit_action(self, uuid: str, version: int, changes: Mapping[str, Any]) -> ActionRecord:
        with self._write("Edit action") as w:
            action = w.load_action(uuid)
            w.expect_version(action, version)
            apply_action_changes(w, action, dict(changes), self.today(), w.context())
            w.session.flush()
            return select_actions(w.session, action_uuid=uuid)[0]

    def complete_action(self, uuid: str, version: int, on: date | None = None) -> ActionRecord:
        return self.edit_action(
            uuid,
            version,
            {"status": ActionStatus.DONE, "progress": 100, "completed_on": on or self.today()},
        )
