"""Read a returned exchange workbook and merge it with the register, three ways.

For every editable cell there are three values: the base (as exported, held by the
register for each export), the workbook's (as the partner left it) and the register's
(now). The workbook's ``_exchange`` sheet only names the export: its id, checked against
the export log, and a key only that export's workbook carries. Who sent it comes from the
export log, never from the file, and decides which rows they may change; its rows must be
that export's rows. See ``merge`` (existing rows), ``proposals`` (new rows), ``returned``
(finding the sheets, even renamed) and ``findings`` (what is reported).

``plan_import`` changes nothing; ``apply_import`` writes the accepted items as one change set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from riskreg.exchange import base as base_module
from riskreg.exchange.columns import ACTION_COLUMNS, RISK_COLUMNS
from riskreg.exchange.export import EXCHANGE_SHEET
from riskreg.exchange.findings import KINDS, ImportPlan, Item, Kind, display, workbook_order
from riskreg.exchange.merge import compare_sheet, editable_letters
from riskreg.exchange.planning import Planning
from riskreg.exchange.proposals import PendingAction, propose_action, propose_risk, read_new_row
from riskreg.exchange.reader import WorkbookRefused
from riskreg.exchange.returned import (
    CopyWithoutExport,
    Identity,
    ImportRefused,
    Table,
    at,
    locate,
    missing_columns,
    open_returned,
    plain,
    read_identity,
)
from riskreg.exchange.workbook import Workbook
from riskreg.progress import Progress
from riskreg.records import ActionDraft, ExchangeBatch, ExportEntry, RiskDraft
from riskreg.validation import Context

if TYPE_CHECKING:
    from riskreg.service import RegisterService

__all__ = [
    "KINDS",
    "CopyWithoutExport",
    "ImportPlan",
    "ImportRefused",
    "Item",
    "Kind",
    "apply_import",
    "batch_for",
    "display",
    "plan_import",
]
KNOWN_FORMATS = ("1", "2")


def plan_import(service: RegisterService, path: Path, *, by_ref: bool = False) -> ImportPlan:
    """Compare a returned workbook with the register; nothing is written.

    ``by_ref``: a workbook without its ``_exchange`` sheet (a copy pasted into a fresh
    workbook) whose rows carry this register's refs or ids is compared field by field with
    the register; without it, such a workbook is refused with ``CopyWithoutExport``.
    """
    book = open_returned(path)
    try:
        return _plan(service, book, by_ref)
    except WorkbookRefused as exc:  # a sheet that opened but cannot be read
        raise ImportRefused(str(exc)) from exc
    finally:
        book.close()


def _plan(service: RegisterService, book: Workbook, by_ref: bool) -> ImportPlan:
    name = book.path.name
    info = service.register_info()
    identity = read_identity(book)
    ctx = Context(
        info.scheme,
        frozenset(p.code for p in service.list_partners() if p.active),
        frozenset(c.name for c in service.list_categories()),
    )
    if identity is None:
        return _plan_by_ref(service, book, ctx, by_ref)
    if identity.get("register_uuid") != info.uuid:
        raise ImportRefused(
            f"{name} was exported from another register, not from {info.name}; it cannot be "
            "merged here"
        )
    if identity.get("format") not in KNOWN_FORMATS:
        raise ImportRefused(
            f"{name} was written by a newer version of the application (exchange format "
            f"{identity.get('format')!r}); update the application to import it"
        )
    export_id = identity.get("export_id")
    entry = service.export_entry(export_id) if export_id else None
    if entry is None:
        raise ImportRefused(
            f"{name} names an export ({export_id or 'none'}) this register never made; only "
            "workbooks exported from this register can be merged"
        )
    sender = entry.partner_code or info.keeper_code or ""
    p = Planning(service, info.scheme, ctx, sender, entry.partner_code is None, export_id)
    _read_ahead(book, "Risks")
    base = _base(p, book, identity, entry)
    if identity.get("partner") != (entry.partner_code or ""):
        claimed = identity.get("partner") or "the whole register"
        logged = entry.partner_code or "the whole register"
        p.notes.append(
            f"the workbook says it was exported for {claimed}; the export log says {logged}, "
            "which is what counts"
        )
    described = _described(entry)
    risks = locate(book, "Risks", RISK_COLUMNS, p.notes)
    _compare(p, book, risks, base.sheet("Risks"), "risk", described)
    del risks  # the Risks sheet (calamine's cells) and its base go before Actions is read
    base.sheets.pop("Risks", None)
    _read_ahead(book, "Actions")
    actions_base = _held_sheet(base, "Actions", name)  # decoded while calamine reads it
    actions = locate(book, "Actions", ACTION_COLUMNS, p.notes)
    _compare(p, book, actions, actions_base, "action", described)
    return _finished(p, name, entry.revision, info.revision)


def _read_ahead(book: Workbook, name: str) -> None:
    """Calamine reads the sheet in the background (without the GIL) while its formulas are
    scanned where the export put the editable columns (a sheet whose columns were moved is
    scanned again by the compare) and, for Risks, the Actions sheet is checked and the
    export's base decoded: the dry run's work overlaps instead of following one by one."""
    book.read_ahead(name)
    if name == "Risks":
        book.check_ahead("Actions")
    columns = RISK_COLUMNS if name == "Risks" else ACTION_COLUMNS
    book.formulas_without_values(name, editable_letters(dict(enumerate(columns))))


def _base(
    p: Planning, book: Workbook, identity: Identity, entry: ExportEntry
) -> base_module.ExportBase:
    """The export's base as the register holds it, once the workbook proves it is that
    export's (its key); an export older than held bases imports on the base it carries."""
    name = book.path.name
    held = p.service.export_base(entry.export_id)
    if held is None:
        if identity.legacy is None:
            raise ImportRefused(
                f"{name}: the register holds no record of what export {entry.export_id} "
                "contained, and the workbook carries none; export a fresh workbook"
            )
        since = p.service.bases_kept_since()
        if since is not None and entry.at >= since:  # made since bases were kept: not old
            raise ImportRefused(
                f"{name}: export {entry.export_id} was recorded on {entry.at:%d %b %Y}, after "
                "the register began keeping what each export contained, yet it holds no "
                "record of this one: the workbook's own base is not believed. Export a fresh "
                "workbook."
            )
        p.notes.append(
            f"{name} was exported on {entry.at:%d %b %Y} by an earlier version of the "
            "application, before the register kept what each export contained: its base "
            "(the values as exported) is read from the workbook itself and cannot be checked, "
            f"so a partner's change could hide a conflict. Its sender, {p.sender}, is from "
            "the export log. Export a fresh workbook for the next round."
        )
        return identity.legacy
    digest, content = held
    if not base_module.key_matches(identity.get("key"), digest):
        raise ImportRefused(
            f"{name} does not carry the key of export {entry.export_id} (made for "
            f"{entry.partner_code or 'the whole register'} on {entry.at:%d %b %Y}): its "
            f"hidden {EXCHANGE_SHEET} sheet was copied from another workbook or altered, so "
            "who sent it cannot be told. Nothing was imported; ask for the workbook as it "
            "was sent, or export a fresh one."
        )
    try:  # the Actions sheet's base is decoded once the Risks sheet is compared
        base = base_module.decode(content, only={"Risks"})
    except base_module.DamagedBase as exc:
        raise ImportRefused(f"{name}: {exc}; export a fresh workbook") from exc
    if identity.legacy is not None:
        _report_carried_base(p, identity.legacy, base, name)
    return base


def _held_sheet(base: base_module.ExportBase, sheet: str, name: str) -> base_module.SheetBase:
    """A sheet's base, decoded from the register's record when first asked for."""
    try:
        return base.sheet(sheet)
    except base_module.DamagedBase as exc:
        raise ImportRefused(f"{name}: {exc}; export a fresh workbook") from exc


def _report_carried_base(
    p: Planning, carried: base_module.ExportBase, held: base_module.ExportBase, name: str
) -> None:
    """A base in the workbook where the register holds its own: never used; every row it
    gives differently is reported."""
    for sheet_name, sheet in carried.sheets.items():
        ours = _held_sheet(held, sheet_name, name)
        position = {field_name: i for i, field_name in enumerate(ours.fields)}
        for uuid in sheet.rows:
            theirs, mine = sheet.values(uuid), ours.values(uuid) if uuid in ours.rows else None
            if mine is None:
                differ = True
            else:
                differ = any(
                    field_name in position
                    and (
                        theirs is None
                        or i >= len(theirs)
                        or str(theirs[i]) != str(mine[position[field_name]])
                    )
                    for i, field_name in enumerate(sheet.fields)
                )
            if differ:
                ref = next((r for r, u in ours.refs.items() if u == uuid), uuid)
                p.add("ignored", sheet_name, "", ref, "", None, None,
                      f"the workbook's hidden copy of {ref} as exported differs from the "
                      "register's record of this export; the register's is used",
                      uuid)  # fmt: skip
    p.notes.append(
        f"the workbook carries a base of its own in its {EXCHANGE_SHEET} sheet; it is not "
        "used: the register's record of the export is"
    )


def _described(entry: ExportEntry) -> str:
    audience = f"made for {entry.partner_code}" if entry.partner_code else "of the whole register"
    return f"export {entry.export_id} ({audience} on {entry.at:%d %b %Y})"


def _compare(
    p: Planning,
    book: Workbook,
    table: Table,
    sheet_base: base_module.SheetBase | None,
    entity: str,
    described: str = "",
) -> None:
    columns = RISK_COLUMNS if entity == "risk" else ACTION_COLUMNS
    if table.name != table.canonical:
        p.sheet_names[table.canonical] = table.name
    for header in missing_columns(table, columns):
        p.notes.append(
            f"the {table.canonical} sheet has no “{header}” column, so nothing of it was compared"
        )
    pending: list[PendingAction] = []

    def new_row(row: list[object], excel_row: int, no_value: set[str]) -> None:
        if p.by_ref:
            p.add("warning", table.canonical, f"A{excel_row}", "", "", None, None,
                  f"{table.name}!A{excel_row}: a row without a ref in a copy without its "
                  "export was not read (a copy cannot tell a new row from one imported "
                  "before); add it in the register, or in a workbook exported from it")  # fmt: skip
            return
        read = read_new_row(p, table, list(row), excel_row, entity, no_value)
        if read is None:
            return
        if entity == "risk":
            propose_risk(p, read)
        else:
            pending.append(read)

    compare_sheet(p, book, table, sheet_base, entity, new_row, described)
    if pending:  # new actions, decided once the risks they name are read, all together
        wanted = sorted({str(new.values.get("risk_ref") or "") for new in pending})
        risks = p.service.risks_among(refs=wanted)
        for new in pending:
            propose_action(p, new, risks.get(str(new.values.get("risk_ref") or "")))


def _plan_by_ref(
    service: RegisterService, book: Workbook, ctx: Context, by_ref: bool
) -> ImportPlan:
    """A workbook with no ``_exchange`` sheet: a copy of an exchange workbook (its rows carry
    this register's refs or ids) may be read by ref; anything else belongs to Import
    another register."""
    name = book.path.name
    info = service.register_info()
    notes: list[str] = []
    try:
        risks = locate(book, "Risks", RISK_COLUMNS, notes)
    except ImportRefused:
        risks = None
    ours = _rows_of_register(service, risks) if risks is not None else 0
    if not ours:
        raise ImportRefused(
            f"{name} is not an exchange workbook of this application (it has no "
            f"{EXCHANGE_SHEET} sheet, and no rows with this register's refs); to bring in "
            "another register use Import another register"
        )
    if not by_ref:
        raise CopyWithoutExport(
            f"{name} has no {EXCHANGE_SHEET} sheet, but {ours:,} of its rows carry this "
            "register's refs: it looks like a copy of an exchange workbook pasted into a "
            "fresh one. It can be imported by ref: every field that differs from the register "
            "is offered as an unticked change (there is no base to say who changed what), "
            "and no row becomes a new risk."
        )
    assert risks is not None
    p = Planning(service, info.scheme, ctx, service.actor.partner_code or info.keeper_code or "",
                 True, "", by_ref=True, notes=notes)  # fmt: skip
    p.notes.append(
        f"{name} has no {EXCHANGE_SHEET} sheet: read by ref, each field compared with the "
        "register now (no base, so every difference is offered unticked); the register's "
        "own columns (lead partner, scores, raised) are not compared, and rows absent from "
        "the copy are not reported"
    )
    _compare(p, book, risks, None, "risk")
    try:
        actions = locate(book, "Actions", ACTION_COLUMNS, [])
    except ImportRefused:
        p.notes.append(f"{name} has no Actions sheet; only risks were compared")
    else:
        _compare(p, book, actions, None, "action")
    return _finished(p, name, info.revision, info.revision)


def _rows_of_register(service: RegisterService, table: Table) -> int:
    """How many of the sheet's first rows carry this register's refs or ids."""
    risk_refs = service.refs()[0]
    refs = set(risk_refs.values())
    uuid_at, ref_at = table.index_of("uuid"), table.index_of("ref")
    count = 0
    for row_index, row in enumerate(table.sheet.head):
        if row_index <= table.header_row:
            continue
        if plain(at(row, uuid_at)) in risk_refs or plain(at(row, ref_at)) in refs:
            count += 1
    return count


def _finished(p: Planning, name: str, base_revision: int, register_revision: int) -> ImportPlan:
    def _named(item: Item) -> Item:
        renamed = p.sheet_names.get(item.sheet)
        return replace(item, sheet_name=renamed) if renamed else item

    return ImportPlan(
        workbook=name,
        export_id=p.export_id,
        sender=p.sender,
        base_revision=base_revision,
        register_revision=register_revision,
        items=tuple(sorted(map(_named, p.items), key=workbook_order)),
        notes=tuple(p.notes),
        by_ref=p.by_ref,
    )


# -- applying -----------------------------------------------------------------------------
def batch_for(plan: ImportPlan, items: Iterable[Item]) -> ExchangeBatch:
    """The service's batch for the items the user accepted."""
    risk_edits: dict[str, dict[str, object]] = defaultdict(dict)
    action_edits: dict[str, dict[str, object]] = defaultdict(dict)
    new_risks: list[RiskDraft] = []
    new_actions: list[tuple[str, ActionDraft]] = []
    for item in items:
        if not item.applicable:
            continue
        if item.kind == "new":
            if isinstance(item.draft, RiskDraft):
                new_risks.append(item.draft)
            elif item.draft is not None:
                new_actions.append(item.draft)
            continue
        edits = risk_edits if item.sheet == "Risks" else action_edits
        edits[item.uuid][item.field] = item.new
    summary = (
        f"Import of {plan.workbook} by ref (a copy without its export)"
        if plan.by_ref
        else f"Import of {plan.workbook} from {plan.sender} (export {plan.export_id})"
    )
    return ExchangeBatch(
        expected_revision=plan.register_revision,
        summary=summary,
        risk_edits=tuple(risk_edits.items()),
        action_edits=tuple(action_edits.items()),
        new_risks=tuple(new_risks),
        new_actions=tuple(new_actions),
    )


def apply_import(
    service: RegisterService,
    plan: ImportPlan,
    items: Iterable[Item],
    *,
    backup: bool = True,
    progress: Progress | None = None,
) -> int:
    """Write the accepted items as one change set (the service backs the register up
    first); the new revision."""
    batch = batch_for(plan, items)
    if batch.empty:
        return plan.register_revision
    source = replace(service.actor, source=f"import of {plan.workbook}"[:300])
    return service.with_actor(source).apply_exchange(batch, backup=backup, progress=progress)
