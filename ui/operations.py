"""The writes the window makes, each through the document's one write path with the undo
step that reverses it, or saying why there is none.

Creating a risk or an action is not undone (refs are never reused: close the risk or cancel
the action instead); an import or a scheme change clears the undo history (it moves risks
wholesale); a joint review and an export leave it as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskreg.records import (
    ActionDraft,
    ActionRecord,
    Attendee,
    CategoryRecord,
    DecisionRecord,
    EscalationLevel,
    PartnerRecord,
    ReviewRecord,
    RiskDraft,
    RiskRecord,
)
from ui import undo
from ui.undo import succeeded

if TYPE_CHECKING:
    from riskreg.audience import Audience
    from riskreg.exchange.export import ExportResult
    from riskreg.exchange.foreign import ForeignPlan
    from riskreg.exchange.importer import ImportPlan, Item
    from riskreg.records import RegisterSettings, SchemeChangeReport
    from riskreg.scoring import ScoringScheme
    from ui.document import RegisterDocument
    from ui.jobs import WriteJob


Refused = Callable[[str], None] | None
"""Where a dialog shows a refusal beside its fields (None: the window's message box)."""


def label(field: str) -> str:
    return field.replace("_", " ")


class DocumentEdits:
    """The document's named writes (mixed into ``RegisterDocument``)."""

    settings: RegisterSettings | None

    def _doc(self) -> RegisterDocument:
        return self  # type: ignore[return-value]

    # -- risks --------------------------------------------------------------------------
    def create_risk(self, draft: RiskDraft, *, initiator: object = None) -> RiskRecord | None:
        """A new risk (not undone: refs are never reused; close it instead)."""
        return self._doc().run("Cannot add the risk", lambda s: s.create_risk(draft),
                               initiator=initiator)  # fmt: skip

    def edit_risk(
        self, record: RiskRecord, changes: Mapping[str, Any], *, initiator: object = None
    ) -> RiskRecord | None:
        """Save changes to a risk as one undoable step; raises ValidationError on bad input."""
        changes = {k: v for k, v in changes.items() if getattr(record, k) != v}
        if not changes:
            return record
        before = {k: getattr(record, k) for k in changes}
        text = f"Edit {record.ref} ({', '.join(label(k) for k in changes)})"
        doc = self._doc()
        return doc.run(
            f"Cannot save {record.ref}",
            lambda s: s.edit_risk(record.uuid, record.version, changes),
            undo=lambda updated: undo.RowStep(doc, text, "risk", record.uuid, before, changes,
                                              updated.version),
            initiator=initiator,
        )  # fmt: skip

    def mark_reviewed(self, record: RiskRecord, *, initiator: object = None) -> RiskRecord | None:
        """Reviewed today: the next review follows the band's cadence (the service's rule)."""
        fields = ("last_reviewed", "next_review")
        doc = self._doc()
        return doc.run(
            f"Cannot record the review of {record.ref}",
            lambda s: s.mark_reviewed(record.uuid, record.version),
            undo=lambda updated: undo.RowStep(
                doc, f"Review of {record.ref}", "risk", record.uuid,
                {f: getattr(record, f) for f in fields},
                {f: getattr(updated, f) for f in fields}, updated.version,
            ),
            initiator=initiator,
        )  # fmt: skip

    def escalate(
        self, record: RiskRecord, level: EscalationLevel, reason: str, *, initiator: object = None
    ) -> RiskRecord | None:
        """Up or down the escalation ladder, with the reason; undone by moving back."""
        doc = self._doc()
        return doc.run(
            f"Cannot change the escalation of {record.ref}",
            lambda s: s.escalate(record.uuid, record.version, level, reason),
            undo=lambda updated: undo.EscalationStep(
                doc, f"Escalation of {record.ref} to {level.value}", record.uuid,
                (record.escalation, level), reason, updated.version,
            ),
            initiator=initiator,
        )  # fmt: skip

    def accept_risk(
        self,
        record: RiskRecord,
        scope: str | None,
        accepted_by: str,
        justification: str,
        expires_on: date,
        *,
        refused: Refused = None,
        initiator: object = None,
    ) -> RiskRecord | None:
        """Accept a risk outside the appetite of ``scope`` until ``expires_on``; undone by
        withdrawing it. Raises ValidationError beside the field."""
        doc = self._doc()
        terms = (accepted_by, justification, expires_on)
        return doc.run(
            f"Cannot accept {record.ref}",
            lambda s: s.accept_risk(record.uuid, record.version, scope, *terms),
            undo=lambda _: undo.AcceptanceStep(
                doc, f"Accept {record.ref} for {scope or 'the partnership'}", record.uuid,
                scope, terms,
            ),
            refused=refused,
            initiator=initiator,
        )  # fmt: skip

    def withdraw_acceptance(
        self,
        record: RiskRecord,
        scope: str | None,
        *,
        refused: Refused = None,
        initiator: object = None,
    ) -> RiskRecord | None:
        """Withdraw a risk's acceptance for ``scope``; undone by recording it again (until
        the same date, if that is still to come)."""
        held = next((a for a in record.acceptances if a.scope == scope), None)
        doc = self._doc()
        return doc.run(
            f"Cannot withdraw the acceptance of {record.ref}",
            lambda s: s.withdraw_acceptance(record.uuid, scope),
            undo=lambda _: None if held is None else undo.AcceptanceStep(
                doc, f"Withdraw the acceptance of {record.ref}", record.uuid, scope,
                (held.accepted_by, held.justification, held.expires_on), withdrawn=True,
            ),
            refused=refused,
            initiator=initiator,
        )  # fmt: skip

    # -- actions ------------------------------------------------------------------------
    def add_action(self, risk_uuid: str, draft: ActionDraft) -> ActionRecord | None:
        """A new action (not undone: refs are never reused; cancel it instead)."""
        return self._doc().run("Cannot add the action",
                               lambda s: s.add_action(risk_uuid, draft))  # fmt: skip

    def edit_action(self, action: ActionRecord, changes: Mapping[str, Any]) -> ActionRecord | None:
        changes = {k: v for k, v in changes.items() if getattr(action, k) != v}
        if not changes:
            return action
        return self._action_step(
            action, lambda s: s.edit_action(action.uuid, action.version, changes), set(changes)
        )

    def complete_action(self, action: ActionRecord) -> ActionRecord | None:
        """Done today, progress 100 % (the service's rule, as on the command line)."""
        return self._action_step(
            action, lambda s: s.complete_action(action.uuid, action.version), {"status"}
        )

    def _action_step(
        self, action: ActionRecord, write: Callable[[Any], ActionRecord], fields: set[str]
    ) -> ActionRecord | None:
        if "status" in fields:  # completing also sets progress and the completion date
            fields |= {"progress", "completed_on"}
        shown = sorted(fields)
        doc = self._doc()
        return doc.run(
            f"Cannot save {action.ref}",
            write,
            undo=lambda updated: undo.RowStep(
                doc, f"Edit {action.ref} ({', '.join(label(k) for k in shown)})", "action",
                action.uuid, {k: getattr(action, k) for k in shown},
                {k: getattr(updated, k) for k in shown}, updated.version,
            ),
        )  # fmt: skip

    # -- partners and categories --------------------------------------------------------
    def edit_partner(
        self, code: str, *, refused: Refused = None, **changes: Any
    ) -> PartnerRecord | None:
        before = self._partner(code)
        if before is None:
            return None
        old = {k: getattr(before, k) for k in changes}
        doc = self._doc()
        return doc.run(
            f"Cannot change {code}",
            lambda s: s.edit_partner(code, **changes),
            undo=lambda _: undo.PartnerStep(doc, f"Edit {code}", code, old, changes),
            refused=refused,
        )

    def add_partner(
        self, partner: PartnerRecord, *, refused: Refused = None
    ) -> PartnerRecord | None:
        doc = self._doc()
        return doc.run(
            f"Cannot add {partner.code}",
            lambda s: s.add_partner(partner),
            undo=lambda added: undo.AddPartnerStep(doc, f"Add partner {partner.code}", added),
            refused=refused,
        )

    def remove_partner(self, code: str, *, refused: Refused = None) -> bool:
        """Remove a partner that holds nothing (the service says why not otherwise)."""
        before = self._partner(code)
        if before is None:
            return False
        doc = self._doc()
        return bool(
            doc.run(
                f"Cannot remove {code}",
                lambda s: succeeded(lambda: s.remove_partner(code)),
                undo=lambda _: undo.RemovePartnerStep(doc, f"Remove partner {code}", before),
                refused=refused,
            )
        )

    def save_category(
        self,
        editing: str | None,
        category: CategoryRecord,
        partner_appetites: Mapping[str, str | None],
        *,
        refused: Refused = None,
    ) -> CategoryRecord | None:
        """A category and its partners' appetites, as one step; raises ValidationError."""
        settings = self.settings
        assert settings is not None
        before = None
        if editing is not None:
            old = next((c for c in settings.categories if c.name == editing), None)
            if old is not None:
                before = (old, settings.appetites_of(editing))
        wanted = dict(partner_appetites)
        verb = "Add" if editing is None else "Edit"
        doc = self._doc()
        return doc.run(
            f"The category {category.name} was not saved",
            lambda s: s.save_category(editing, category, wanted),
            undo=lambda saved: undo.CategoryStep(
                doc, f"{verb} category {category.name}", before, (saved, wanted)
            ),
            refused=refused,
        )

    def remove_category(self, name: str, *, refused: Refused = None) -> bool:
        settings = self.settings
        assert settings is not None
        record = next((c for c in settings.categories if c.name == name), None)
        if record is None:
            return False
        held = {code: level for code, level in settings.appetites_of(name).items() if level}
        doc = self._doc()
        return bool(
            doc.run(
                f"The category {name} was not removed",
                lambda s: succeeded(lambda: s.remove_category(name)),
                undo=lambda _: undo.RemoveCategoryStep(doc, f"Remove category {name}",
                                                       record, held),
                refused=refused,
            )
        )  # fmt: skip

    def set_escalate_after(self, days: int, *, refused: Refused = None) -> bool:
        doc = self._doc()
        before = doc.service.escalate_after()
        if before == days:
            return True
        return bool(
            doc.run(
                "The escalation period was not changed",
                lambda s: succeeded(lambda: s.set_escalate_after(days)),
                undo=lambda _: undo.SettingStep(
                    doc, f"Escalation period {days} days",
                    lambda s, value: s.set_escalate_after(value), before, days,
                ),
                refused=refused,
            )
        )  # fmt: skip

    def rename_register(self, name: str, *, refused: Refused = None) -> bool:
        settings = self.settings
        assert settings is not None
        before = settings.info.name
        doc = self._doc()
        return bool(
            doc.run(
                "The register was not renamed",
                lambda s: succeeded(lambda: s.rename_register(name)),
                undo=lambda _: undo.SettingStep(
                    doc, f"Rename to {name}", lambda s, value: s.rename_register(value),
                    before, name,
                ),
                refused=refused,
            )
        )  # fmt: skip

    def set_keeper(self, code: str, *, refused: Refused = None) -> bool:
        settings = self.settings
        assert settings is not None
        before = settings.info.keeper_code
        doc = self._doc()
        return bool(
            doc.run(
                "The keeper was not changed",
                lambda s: succeeded(lambda: s.set_keeper(code)),
                undo=(None if before is None else lambda _: undo.SettingStep(
                    doc, f"Keeper {code}", lambda s, value: s.set_keeper(value), before, code,
                )),
                refused=refused,
            )
        )  # fmt: skip

    def set_review_cadences(self, days: Mapping[str, int], *, refused: Refused = None) -> bool:
        """How often each band is reviewed; undone by setting the intervals back."""
        settings = self.settings
        assert settings is not None
        before = {band.name: band.review_days for band in settings.scheme.bands}
        wanted = dict(days)
        doc = self._doc()
        return bool(
            doc.run(
                "The review intervals were not changed",
                lambda s: succeeded(lambda: s.set_review_cadences(wanted)),
                undo=lambda _: undo.SettingStep(
                    doc, "Review intervals", lambda s, value: s.set_review_cadences(value),
                    before, wanted,
                ),
                refused=refused,
            )
        )  # fmt: skip

    def _partner(self, code: str) -> PartnerRecord | None:
        settings = self.settings
        return next((p for p in settings.partners if p.code == code), None) if settings else None

    # -- joint governance ---------------------------------------------------------------
    def record_joint_review(
        self,
        title: str,
        held_on: date,
        attendees: tuple[Attendee, ...],
        decisions: tuple[DecisionRecord, ...],
    ) -> ReviewRecord | None:
        """A meeting record with its frozen snapshot (not undone: it is the record of what
        the meeting saw)."""
        return self._doc().run(
            "The review was not recorded",
            lambda s: s.record_joint_review(title, held_on, attendees, decisions),
        )

    # -- long writes, in the background -------------------------------------------------
    def change_scheme(
        self,
        new: ScoringScheme,
        done: Callable[[SchemeChangeReport], object] | None = None,
        *,
        refused: Refused = None,
    ) -> WriteJob | None:
        """Adopt a new scoring scheme (the service backs the register up first). Not
        undone: the undo history is cleared, its levels belong to the old scheme."""
        from ui.document import History

        return self._doc().run_in_background(
            "Changing the scoring scheme",
            lambda s, progress: s.change_scheme(new, progress=progress),
            done=done, history=History.CLEARED, failure_title="The scheme was not changed",
            refused=refused,
        )  # fmt: skip

    def apply_import(
        self, plan: ImportPlan, accepted: list[Item], done: Callable[[int], object] | None = None
    ) -> WriteJob | None:
        """A returned workbook's accepted changes, as one change set (after a backup)."""
        from riskreg.exchange.importer import apply_import
        from ui.document import History

        return self._doc().run_in_background(
            f"Importing {plan.workbook}",
            lambda s, progress: apply_import(s, plan, accepted, progress=progress),
            done=done, history=History.CLEARED, failure_title="Nothing was imported",
        )  # fmt: skip

    def apply_foreign(
        self,
        plan: ForeignPlan,
        done: Callable[[list[str]], object] | None = None,
        *,
        refused: Refused = None,
    ) -> WriteJob | None:
        """Another register's risks as new risks, in one change set (after a backup)."""
        from riskreg.exchange.foreign import apply_foreign
        from ui.document import History

        return self._doc().run_in_background(
            f"Importing {plan.workbook}",
            lambda s, progress: apply_foreign(s, plan, progress=progress),
            done=done, history=History.CLEARED, failure_title="Nothing was imported",
            refused=refused,
        )  # fmt: skip

    def export_workbook(
        self, path: Path, partner: str | None, done: Callable[[ExportResult], object]
    ) -> WriteJob | None:
        """The exchange workbook, written whole or not at all, and its export-log entry."""
        from riskreg.exchange.export import export_register

        return self._doc().run_in_background(
            f"Exporting {path.name}",
            lambda s, progress: export_register(s, path, partner, progress=progress),
            done=done, failure_title="The workbook was not exported",
        )  # fmt: skip

    def write_meeting_pack(
        self,
        path: Path,
        since: date | None,
        done: Callable[[int], object],
        audience: Audience | None = None,
    ) -> WriteJob | None:
        """The meeting pack PDF for ``audience`` (default: joint risks only); it changes
        nothing, but takes a while: progress is pages painted of pages, and Cancel leaves
        no file."""

        def write(service: Any, progress: Any) -> int:
            from riskreg.render.report_pages import write_meeting_pack
            from riskreg.report import gather_pack

            return write_meeting_pack(gather_pack(service, since, audience), path,
                                      progress=progress)  # fmt: skip

        return self._doc().run_in_background(
            f"Writing {path.name}",
            write,
            done=done,
            failure_title="The meeting pack was not written",
        )

    def save_copy(self, path: Path, done: Callable[[Path], object]) -> WriteJob | None:
        """A consistent copy of the register file (SQLite's online backup)."""
        return self._doc().run_in_background(
            f"Saving a copy as {path.name}",
            lambda s, progress: s.backup_to(path, progress=progress),
            done=done, failure_title="The copy was not saved",
        )  # fmt: skip
