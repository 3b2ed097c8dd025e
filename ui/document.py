"""The open register as the GUI sees it: the service, the undo stack, one change signal.

Every edit goes through here: the service makes the change, an undo command is pushed that
knows how to reverse it through the service, and ``sig_changed`` tells every view to re-read.
Views never call each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from riskreg.errors import RegisterError, ValidationError
from riskreg.records import (
    ActionDraft,
    ActionRecord,
    Actor,
    EscalationLevel,
    PartnerRecord,
    RiskDraft,
    RiskRecord,
)

if TYPE_CHECKING:
    from riskreg.service import RegisterService

T = TypeVar("T")


class RegisterDocument(QObject):
    sig_changed = Signal(object)
    """The register changed: the uuids of the risks whose rows changed (a frozenset), or
    None when anything may have changed (a reload, another register, partners)."""

    sig_error = Signal(str, str)
    """A use case was refused: a title and a plain-language message for the user."""

    sig_opened = Signal()
    """Another register was opened in this window."""

    def __init__(self, service: RegisterService | None, parent: QObject | None = None) -> None:
        """``service`` is None while the window shows a first look and the register is
        still being opened; ``attach`` hands it over."""
        super().__init__(parent)
        self._service = service
        self.undo_stack = QUndoStack(self)
        release = self._release = _Release(service)
        # a lambda holding the release: Qt keeps it, where a bound method would go with us
        self.destroyed.connect(lambda: release.close())

    @property
    def service(self) -> RegisterService:
        if self._service is None:
            raise RuntimeError("the register is still being opened")
        return self._service

    @property
    def is_open(self) -> bool:
        return self._service is not None

    def attach(self, service: RegisterService) -> None:
        """The register the first look showed is open now."""
        self._service = self._release.service = service

    def replace_service(self, service: RegisterService) -> None:
        self.service.close()
        self._service = self._release.service = service
        self.undo_stack.clear()
        self.sig_opened.emit()
        self.sig_changed.emit(None)

    def close(self) -> None:
        self._release.close()

    def replace_actor(self, actor: Actor) -> None:
        """Act as another user or partner from now on (Preferences)."""
        self._service = self._release.service = self.service.with_actor(actor)
        self.sig_changed.emit(None)

    def attempt(self, title: str, use_case: Callable[[], T]) -> T | None:
        """Run a use case; a refusal (other than invalid input) becomes ``sig_error``."""
        try:
            return use_case()
        except ValidationError:
            raise
        except RegisterError as exc:
            self.sig_error.emit(title, str(exc))
            return None

    # -- risks --------------------------------------------------------------------------
    def create_risk(self, draft: RiskDraft) -> RiskRecord | None:
        record = self.attempt("Cannot add the risk", lambda: self.service.create_risk(draft))
        if record is not None:
            self.sig_changed.emit(frozenset({record.uuid}))
        return record

    def edit_risk(self, record: RiskRecord, changes: Mapping[str, Any]) -> RiskRecord | None:
        """Save changes to a risk as one undoable step; raises ValidationError on bad input."""
        changes = {k: v for k, v in changes.items() if getattr(record, k) != v}
        if not changes:
            return record
        before = {k: getattr(record, k) for k in changes}
        updated = self.attempt(
            f"Cannot save {record.ref}",
            lambda: self.service.edit_risk(record.uuid, record.version, changes),
        )
        if updated is None:
            return None
        self.undo_stack.push(
            _EditCommand(self, "risk", record.uuid, before, dict(changes), updated.version,
                         f"Edit {record.ref} ({', '.join(_label(k) for k in changes)})",
                         record.uuid)
        )  # fmt: skip
        self.sig_changed.emit(frozenset({record.uuid}))
        return updated

    def mark_reviewed(self, record: RiskRecord) -> RiskRecord | None:
        """Reviewed today: the next review follows the band's cadence (an undoable edit)."""
        today = self.service.today()
        scheme = self.service.scheme()
        due = scheme.next_review(record.current_likelihood, record.current_impact, today)
        return self.edit_risk(record, {"last_reviewed": today, "next_review": due})

    def escalate(
        self, record: RiskRecord, level: EscalationLevel, reason: str
    ) -> RiskRecord | None:
        """Up or down the escalation ladder, with the reason; logged, not undone (a change
        back needs its own reason)."""
        updated = self.attempt(
            f"Cannot change the escalation of {record.ref}",
            lambda: self.service.escalate(record.uuid, record.version, level, reason),
        )
        if updated is not None:
            self.sig_changed.emit(frozenset({record.uuid}))
        return updated

    # -- actions ------------------------------------------------------------------------
    def add_action(self, risk_uuid: str, draft: ActionDraft) -> ActionRecord | None:
        action = self.attempt(
            "Cannot add the action", lambda: self.service.add_action(risk_uuid, draft)
        )
        if action is not None:
            self.sig_changed.emit(frozenset({risk_uuid}))
        return action

    def edit_action(self, action: ActionRecord, changes: Mapping[str, Any]) -> ActionRecord | None:
        changes = {k: v for k, v in changes.items() if getattr(action, k) != v}
        if not changes:
            return action
        updated = self.attempt(
            f"Cannot save {action.ref}",
            lambda: self.service.edit_action(action.uuid, action.version, changes),
        )
        if updated is None:
            return None
        # completing may also set progress and completion date: undo restores all of them
        touched = {k for k in ("status", "progress", "completed_on") if "status" in changes}
        fields = set(changes) | touched
        before = {k: getattr(action, k) for k in fields}
        after = {k: getattr(updated, k) for k in fields}
        self.undo_stack.push(
            _EditCommand(self, "action", action.uuid, before, after, updated.version,
                         f"Edit {action.ref} ({', '.join(_label(k) for k in sorted(fields))})",
                         action.risk_uuid)
        )  # fmt: skip
        self.sig_changed.emit(frozenset({action.risk_uuid}))
        return updated

    # -- partners -----------------------------------------------------------------------
    def edit_partner(self, code: str, **changes: Any) -> PartnerRecord | None:
        before = next((p for p in self.service.list_partners() if p.code == code), None)
        updated = self.attempt(
            f"Cannot change {code}", lambda: self.service.edit_partner(code, **changes)
        )
        if updated is None or before is None:
            return None
        self.undo_stack.push(
            _PartnerCommand(
                self, code, {k: getattr(before, k) for k in changes}, dict(changes), f"Edit {code}"
            )
        )
        self.sig_changed.emit(None)
        return updated

    def changed(self) -> None:
        """Tell the views that something outside the undo stack changed the register."""
        self.sig_changed.emit(None)


class _Release:
    """Closes the open register once: when the window closes, or when it is destroyed
    without closing (a plain object, so the call needs nothing of the dying window)."""

    def __init__(self, service: RegisterService | None) -> None:
        self.service = service

    def close(self) -> None:
        service, self.service = self.service, None
        if service is not None:
            service.close()


def _label(field: str) -> str:
    return field.replace("_", " ")


class _EditCommand(QUndoCommand):
    """Field changes of one risk or action; undo and redo go through the services."""

    def __init__(
        self,
        document: RegisterDocument,
        entity: str,
        uuid: str,
        before: dict[str, Any],
        after: dict[str, Any],
        version: int,
        text: str,
        risk_uuid: str,
    ) -> None:
        super().__init__(text)
        self._document = document
        self._risk_uuid = risk_uuid
        self._entity = entity
        self._uuid = uuid
        self._before = before
        self._after = after
        self._version = version
        self._applied = True  # the document already made the change before pushing

    def _apply(self, values: dict[str, Any], verb: str) -> None:
        service = self._document.service
        try:
            if self._entity == "risk":
                self._version = service.edit_risk(self._uuid, self._version, values).version
            else:
                self._version = service.edit_action(self._uuid, self._version, values).version
        except RegisterError as exc:
            self.setObsolete(True)
            self._document.sig_error.emit(f"Cannot {verb} “{self.text()}”", str(exc))
        self._document.sig_changed.emit(frozenset({self._risk_uuid}))

    def undo(self) -> None:
        self._apply(self._before, "undo")
        self._applied = False

    def redo(self) -> None:
        if self._applied:
            return
        self._apply(self._after, "redo")
        self._applied = True


class _PartnerCommand(QUndoCommand):
    def __init__(
        self,
        document: RegisterDocument,
        code: str,
        before: dict[str, Any],
        after: dict[str, Any],
        text: str,
    ) -> None:
        super().__init__(text)
        self._document = document
        self._code = code
        self._before = before
        self._after = after
        self._applied = True

    def _apply(self, values: dict[str, Any]) -> None:
        try:
            self._document.service.edit_partner(self._code, **values)
        except RegisterError as exc:
            self.setObsolete(True)
            self._document.sig_error.emit(f"Cannot undo “{self.text()}”", str(exc))
        self._document.sig_changed.emit(None)

    def undo(self) -> None:
        self._apply(self._before)
        self._applied = False

    def redo(self) -> None:
        if not self._applied:
            self._apply(self._after)
            self._applied = True
