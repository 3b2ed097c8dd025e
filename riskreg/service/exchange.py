"""What the Excel exchange reads and writes: snapshots, the export log, imports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from riskreg import backups
from riskreg.choices import (
    RiskStatus,
    Visibility,
)
from riskreg.errors import (
    ConflictError,
    NotFound,
    RuleError,
    ValidationError,
)
from riskreg.model import (
    Action,
    Category,
    Change,
    ChangeSet,
    ExportBase,
    ExportLog,
    Partner,
    Risk,
)
from riskreg.progress import STEP, Progress
from riskreg.progress import report as report_progress
from riskreg.records import (
    ActionRecord,
    CategoryRecord,
    ExchangeBatch,
    ExchangeSnapshot,
    ExportEntry,
    RiskDraft,
    RiskRecord,
)
from riskreg.service.changes import CREATED
from riskreg.service.queries import (
    in_chunks,
    naive_utc,
    partner_records,
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
    check_category,
    insert_action,
    insert_risks,
    problems_about,
)


class ExchangeUseCases(ServiceBase):
    """What the Excel exchange reads and writes: snapshots, the export log, imports."""

    # -- Excel exchange -----------------------------------------------------------------
    def exchange_snapshot(self, partner_code: str | None = None) -> ExchangeSnapshot:
        """The rows an exchange workbook holds, for one partner or the whole register.

        A partner's export leaves out every Internal risk that partner does not lead, and
        the actions of those risks: what is not in the workbook cannot leak from it.
        """
        with self._read() as s, collector_paused():
            known = set(s.scalars(select(Partner.code)).all())
            if partner_code is not None and partner_code not in known:
                raise NotFound(f"there is no partner {partner_code} in this register")
            partner_code = self._recipient(s, partner_code)
            info = self._info(s)
            partners = tuple(partner_records(s))
            categories = tuple(
                CategoryRecord(name, appetite)
                for name, appetite in s.execute(
                    select(Category.name, Category.appetite).order_by(Category.name)
                ).all()
            )
            risks = select_risks(s, None)
            if partner_code is not None:
                internal, code = Visibility.INTERNAL, partner_code
                risks = [r for r in risks if r.visibility is not internal or r.lead_partner == code]
            kept = {r.uuid for r in risks}
            actions = [a for a in select_actions(s) if a.risk_uuid in kept]
            return ExchangeSnapshot(info, partners, categories, risks, actions, partner_code)

    def _recipient(self, s: Session, partner_code: str | None) -> str | None:
        """Who an export is for. On a server whose partner rules bind the login, a login of
        a partner other than the keeper exports for its own partner only: asked for the
        whole register it gets its partner's workbook, and the export log says so (else the
        import would take a workbook made through a partner's login for the keeper's)."""
        if self.login is None:
            return partner_code
        if not s.execute(sql_text("SELECT row_security_active('risk')")).scalar():
            return partner_code
        if s.execute(sql_text("SELECT riskreg_is_keeper()")).scalar():
            return partner_code
        mine = list(
            s.scalars(
                sql_text(
                    "SELECT code FROM partner WHERE id IN (SELECT riskreg_my_partners()) "
                    "ORDER BY code"
                )
            )
        )
        if partner_code in mine:
            return partner_code
        if partner_code is None and len(mine) == 1:
            return mine[0]
        raise RuleError(
            f"the login {self.login} exports for {' or '.join(mine) or 'no partner'} only "
            f"(the server's partner rules){': choose one' if len(mine) > 1 else ''}"
        )

    def record_export(
        self,
        export_id: str,
        partner_code: str | None,
        revision: int,
        file_name: str,
        *,
        base: bytes,
        key_digest: str,
    ) -> None:
        """Remember who a workbook was made for and what it held (its merge base, and the
        digest of the key only it carries), in one transaction: the import trusts these,
        never the file."""
        with self._write("Export") as w:
            if self._recipient(w.session, partner_code) != partner_code:
                raise RuleError(f"the login {self.login} cannot record an export for the keeper")
            partner_id = w.partner_ids[partner_code] if partner_code else None
            w.session.add(
                ExportLog(
                    export_id=export_id,
                    partner_id=partner_id,
                    at=naive_utc(self.now()),
                    revision=revision,
                    file_name=file_name[:500],
                    user=self.actor.user[:200],
                )
            )
            w.session.flush()
            w.session.add(ExportBase(export_id=export_id, key_digest=key_digest, content=base))

    def export_base(self, export_id: str) -> tuple[str, bytes] | None:
        """The key digest and the held base of one export; None for an export made before
        the register held bases (or one the login may not read, on a server)."""
        with self._read() as s:
            row = s.execute(
                select(ExportBase.key_digest, ExportBase.content).where(
                    ExportBase.export_id == export_id
                )
            ).first()
        return (row[0], bytes(row[1])) if row else None

    def bases_kept_since(self) -> datetime | None:
        """When the earliest export whose base the register holds was made (None before
        any): an export made since then without a held base is no export of an older
        version's, whatever its workbook carries."""
        with self._read() as s:
            return s.scalar(
                select(func.min(ExportLog.at)).join(
                    ExportBase, ExportBase.export_id == ExportLog.export_id
                )
            )

    def export_entry(self, export_id: str) -> ExportEntry | None:
        with self._read() as s:
            row = s.execute(
                select(
                    ExportLog.export_id, Partner.code, ExportLog.at, ExportLog.revision,
                    ExportLog.file_name, ExportLog.user,
                )
                .outerjoin(Partner, Partner.id == ExportLog.partner_id)
                .where(ExportLog.export_id == export_id)
            ).first()  # fmt: skip
        return ExportEntry(*row) if row else None

    def refs(self) -> tuple[dict[str, str], dict[str, str]]:
        """Ref of every risk and of every action by uuid: enough to match workbook rows
        without reading whole records."""
        with self._read() as s, collector_paused():
            risks: dict[str, str] = dict(s.execute(select(Risk.uuid, Risk.ref)).all())
            actions: dict[str, str] = dict(s.execute(select(Action.uuid, Action.ref)).all())
        return risks, actions

    def risks_among(
        self, uuids: Sequence[str] = (), *, refs: Sequence[str] = ()
    ) -> dict[str, RiskRecord]:
        """Some risks by uuid or by ref, keyed as asked; read in slices, never one by one."""
        with self._read() as s, collector_paused():
            if refs:
                return {r.ref: r for r in select_risks(s, None, refs=refs)}
            return {r.uuid: r for r in select_risks(s, None, among=uuids)}

    def actions_among(self, uuids: Sequence[str]) -> dict[str, ActionRecord]:
        with self._read() as s, collector_paused():
            return {a.uuid: a for a in select_actions(s, among=uuids)}

    def imported_from(self, export_id: str) -> tuple[set[str], set[tuple[str, str]]]:
        """What earlier imports of one workbook created: risk titles, (risk, action text).

        Importing the same workbook twice must not propose its new rows twice.
        """
        marker = f"(export {export_id})"
        with self._read() as s:
            sets = select(ChangeSet.id).where(ChangeSet.summary.contains(marker))
            created = (
                select(Change.entity, Change.entity_uuid)
                .where(Change.change_set_id.in_(sets), Change.field == CREATED)
            )  # fmt: skip
            rows = s.execute(created).all()
            risk_ids = [u for entity, u in rows if entity == "risk"]
            action_ids = [u for entity, u in rows if entity == "action"]
            titles = {
                title
                for chunk in in_chunks(risk_ids)
                for title in s.scalars(select(Risk.title).where(Risk.uuid.in_(chunk)))
            }
            actions: set[tuple[str, str]] = set()
            for chunk in in_chunks(action_ids):
                query = (
                    select(Risk.uuid, Action.description)
                    .join(Risk, Risk.id == Action.risk_id)
                    .where(Action.uuid.in_(chunk))
                )
                actions.update((u, d) for u, d in s.execute(query).all())
        return titles, actions

    def import_risks(
        self,
        drafts: Sequence[RiskDraft],
        *,
        new_categories: Sequence[str] = (),
        summary: str,
        expected_revision: int | None = None,
        backup: bool = True,
        progress: Progress | None = None,
    ) -> list[str]:
        """New risks from another register, with the categories they bring, as one change
        set; refused whole if the register moved on since the preview. A backup copy of
        the register is taken first (on a file)."""
        if backup and drafts:
            backups.take(self, "before import")
        report_progress(progress, 0, len(drafts))
        with self._write(summary) as w:
            if expected_revision is not None and w.register.revision != expected_revision:
                raise ConflictError(
                    f"the register changed since the preview (revision {expected_revision} → "
                    f"{w.register.revision}); preview the workbook again"
                )
            for name in new_categories:
                if name not in w.category_ids:
                    check_category(w, CategoryRecord(name), None)
                    category = Category(name=name, appetite=None)
                    w.session.add(category)
                    w.session.flush()
                    w.category_ids[name] = category.id
                    w.log("category", name, name, CREATED, None, name)
            created = insert_risks(w, drafts, self.today())
            report_progress(progress, len(drafts), len(drafts))
            return created

    def apply_exchange(
        self, batch: ExchangeBatch, *, backup: bool = True, progress: Progress | None = None
    ) -> int:
        """Write a workbook's accepted changes as one change set; returns the new revision.

        A backup copy of the register is taken first (on a file). Refused whole, with
        nothing written, if the register moved on since the preview the user accepted, or
        if any change breaks a rule; ``progress`` hears how many rows are done and may
        cancel, which also writes nothing.
        """
        if batch.empty:
            return self.register_info().revision
        if backup:
            backups.take(self, "before import")
        today = self.today()
        with self._write(batch.summary) as w:
            if w.register.revision != batch.expected_revision:
                raise ConflictError(
                    f"the register changed since this workbook was previewed (revision "
                    f"{batch.expected_revision} → {w.register.revision}); preview it again"
                )
            ctx = w.context()
            total = batch.size
            if batch.risk_edits:
                risks = w.load_many(Risk, [uuid for uuid, _ in batch.risk_edits])
                for done, (uuid, changes) in enumerate(batch.risk_edits):
                    if done % STEP == 0:
                        report_progress(progress, done, total)
                    risk = risks.get(uuid)
                    if risk is None:
                        raise NotFound(f"a risk in the workbook (id {uuid}) is no longer here")
                    if risk.status is RiskStatus.CLOSED and set(changes) - {"status"}:
                        raise RuleError(f"{risk.ref} is closed; reopen it before changing it")
                    try:
                        apply_risk_changes(w, risk, dict(changes), today, ctx)
                    except ValidationError as exc:
                        raise problems_about(risk.ref, exc) from exc
            if batch.action_edits:
                actions = w.load_many(Action, [uuid for uuid, _ in batch.action_edits])
                start = len(batch.risk_edits)
                for done, (uuid, changes) in enumerate(batch.action_edits, start=start):
                    if done % STEP == 0:
                        report_progress(progress, done, total)
                    action = actions.get(uuid)
                    if action is None:
                        raise NotFound(f"an action in the workbook (id {uuid}) is no longer here")
                    try:
                        apply_action_changes(w, action, dict(changes), today, ctx)
                    except ValidationError as exc:
                        raise problems_about(action.ref, exc) from exc
            if batch.new_risks:
                report_progress(progress, len(batch.risk_edits) + len(batch.action_edits), total)
                insert_risks(w, batch.new_risks, today)
            if batch.new_actions:
                wanted = list({uuid for uuid, _ in batch.new_actions})
                risk_ids = {
                    uuid: rid
                    for chunk in in_chunks(wanted)
                    for uuid, rid in w.session.execute(
                        select(Risk.uuid, Risk.id).where(Risk.uuid.in_(chunk))
                    ).all()
                }
                for risk_uuid, draft in batch.new_actions:
                    insert_action(w, risk_ids[risk_uuid], draft, ctx)
            w.session.flush()
            report_progress(progress, total, total)
        return w.announcement.revision if w.announcement else batch.expected_revision
