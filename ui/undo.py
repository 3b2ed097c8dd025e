"""Undo steps: each reverses a write that was already made, through the document's one
write path (so an undo is checked, logged and announced like any change).

A step holds what it needs to go either way: for a row, the fields before and after and
the row version its last write left; for a category, the record and the partners'
appetites before and after. A step whose undo or redo is refused (someone changed the row
since) says why and leaves the stack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from riskreg.errors import ValidationError

if TYPE_CHECKING:
    from riskreg.records import CategoryRecord, EscalationLevel, PartnerRecord
    from riskreg.service import RegisterService
    from ui.document import RegisterDocument

Write = Callable[["RegisterService"], object]


def succeeded(call: Callable[[], object]) -> bool:
    """Run a use case that returns nothing; True once it has run (the document's ``run``
    answers None for a refusal, so a write must answer something)."""
    call()
    return True


class _Step(QUndoCommand):
    """A write already made: the first redo (QUndoStack.push) does nothing."""

    def __init__(self, document: RegisterDocument, text: str) -> None:
        # the undo menu's text after the newline: an "&" in a name is no mnemonic there
        super().__init__(f"{text}\n{text.replace('&', '&&')}")
        self._document = document
        self._pushed = False

    def undo(self) -> None:
        self._apply(self.undo_write(), "undo")

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self._apply(self.redo_write(), "redo")

    def undo_write(self) -> Write:
        raise NotImplementedError

    def redo_write(self) -> Write:
        raise NotImplementedError

    def _apply(self, write: Write, verb: str) -> None:
        title = f"Cannot {verb} “{self.text()}”"
        try:
            done = self._document.run(title, write)
        except ValidationError as exc:
            self._document.sig_error.emit(title, str(exc))
            done = None
        if done is None:
            self.setObsolete(True)  # the stack drops a step that can no longer be replayed


class RowStep(_Step):
    """Field changes of one risk or action, by version: a row changed by someone else
    since is not overwritten (the undo is refused with the reason)."""

    def __init__(
        self,
        document: RegisterDocument,
        text: str,
        entity: str,
        uuid: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        version: int,
    ) -> None:
        super().__init__(document, text)
        self._entity = entity
        self._uuid = uuid
        self._before = dict(before)
        self._after = dict(after)
        self._version = version

    def undo_write(self) -> Write:
        return self._write(self._before)

    def redo_write(self) -> Write:
        return self._write(self._after)

    def _write(self, values: dict[str, Any]) -> Write:
        def write(service: RegisterService) -> object:
            if self._entity == "risk":
                record: Any = service.edit_risk(self._uuid, self._version, values)
            else:
                record = service.edit_action(self._uuid, self._version, values)
            self._version = record.version
            return record

        return write


class AcceptanceStep(_Step):
    """An acceptance outside appetite recorded (undone by withdrawing it), or withdrawn
    (``withdrawn``: undone by recording it again on the same terms). The risk's next
    review, brought forward to the expiry, stays where the acceptance put it."""

    def __init__(
        self,
        document: RegisterDocument,
        text: str,
        uuid: str,
        scope: str | None,
        terms: tuple[str, str, date],
        *,
        withdrawn: bool = False,
    ) -> None:
        super().__init__(document, text)
        self._uuid = uuid
        self._scope = scope
        self._terms = terms
        self._withdrawn = withdrawn

    def undo_write(self) -> Write:
        return self._record if self._withdrawn else self._withdraw

    def redo_write(self) -> Write:
        return self._withdraw if self._withdrawn else self._record

    def _record(self, service: RegisterService) -> object:
        risk = service.get_risk(self._uuid)
        return service.accept_risk(self._uuid, risk.version, self._scope, *self._terms)

    def _withdraw(self, service: RegisterService) -> object:
        return service.withdraw_acceptance(self._uuid, self._scope)


class EscalationStep(_Step):
    """A move on the escalation ladder; undone by moving back, with the reason logged."""

    def __init__(
        self,
        document: RegisterDocument,
        text: str,
        uuid: str,
        levels: tuple[EscalationLevel, EscalationLevel],
        reason: str,
        version: int,
    ) -> None:
        super().__init__(document, text)
        self._uuid = uuid
        self._levels = levels
        self._reason = reason
        self._version = version

    def undo_write(self) -> Write:
        return self._move(self._levels[0], f"undone: {self._reason}")

    def redo_write(self) -> Write:
        return self._move(self._levels[1], self._reason)

    def _move(self, level: EscalationLevel, reason: str) -> Write:
        def write(service: RegisterService) -> object:
            record = service.escalate(self._uuid, self._version, level, reason)
            self._version = record.version
            return record

        return write


class PartnerStep(_Step):
    """A partner's fields (name, colour, contact, active) before and after."""

    def __init__(
        self,
        document: RegisterDocument,
        text: str,
        code: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
    ) -> None:
        super().__init__(document, text)
        self._code = code
        self._before = dict(before)
        self._after = dict(after)

    def undo_write(self) -> Write:
        return lambda service: service.edit_partner(self._code, **self._before)

    def redo_write(self) -> Write:
        return lambda service: service.edit_partner(self._code, **self._after)


class AddPartnerStep(_Step):
    """A new partner; undone by removing it again (refused once it is in use)."""

    def __init__(self, document: RegisterDocument, text: str, partner: PartnerRecord) -> None:
        super().__init__(document, text)
        self._partner = partner

    def undo_write(self) -> Write:
        return lambda service: succeeded(lambda: service.remove_partner(self._partner.code))

    def redo_write(self) -> Write:
        return lambda service: service.add_partner(self._partner)


class RemovePartnerStep(AddPartnerStep):
    """A partner removed (it held nothing); undone by adding it back."""

    def undo_write(self) -> Write:
        return super().redo_write()

    def redo_write(self) -> Write:
        return super().undo_write()


class CategoryStep(_Step):
    """A category saved with its partners' appetites; ``before`` None: it was new."""

    def __init__(
        self,
        document: RegisterDocument,
        text: str,
        before: tuple[CategoryRecord, Mapping[str, str | None]] | None,
        after: tuple[CategoryRecord, Mapping[str, str | None]],
    ) -> None:
        super().__init__(document, text)
        self._before = before
        self._after = after

    def undo_write(self) -> Write:
        now = self._after[0].name
        if self._before is None:
            return lambda service: succeeded(lambda: service.remove_category(now))
        record, appetites = self._before
        return lambda service: service.save_category(now, record, appetites)

    def redo_write(self) -> Write:
        editing = self._before[0].name if self._before is not None else None
        record, appetites = self._after
        return lambda service: service.save_category(editing, record, appetites)


class RemoveCategoryStep(_Step):
    """A category removed (no risk used it); undone by adding it back with its
    partners' appetites."""

    def __init__(
        self,
        document: RegisterDocument,
        text: str,
        category: CategoryRecord,
        appetites: Mapping[str, str | None],
    ) -> None:
        super().__init__(document, text)
        self._category = category
        self._appetites = dict(appetites)

    def undo_write(self) -> Write:
        return lambda service: service.save_category(None, self._category, self._appetites)

    def redo_write(self) -> Write:
        name = self._category.name
        return lambda service: succeeded(lambda: service.remove_category(name))


class SettingStep(_Step):
    """One of the register's own settings (name, keeper, escalation period)."""

    def __init__(
        self,
        document: RegisterDocument,
        text: str,
        apply: Callable[[RegisterService, Any], object],
        before: Any,
        after: Any,
    ) -> None:
        super().__init__(document, text)
        self._apply_value = apply
        self._before = before
        self._after = after

    def undo_write(self) -> Write:
        return lambda service: succeeded(lambda: self._apply_value(service, self._before))

    def redo_write(self) -> Write:
        return lambda service: succeeded(lambda: self._apply_value(service, self._after))
