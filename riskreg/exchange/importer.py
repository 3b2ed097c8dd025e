"""Read a returned exchange workbook and merge it with the register, three ways.

For every editable cell there are three values: the base (as exported, kept in the
workbook's ``_exchange`` sheet), the workbook's (as the partner left it) and the register's
(now). The partner changed a field when workbook ≠ base; the register changed it when
register ≠ base. One side changed → that side wins (an **update**, or nothing to do); both
changed to different values → a **conflict** for the user to decide. Who sent the workbook
comes from the register's export log, never from the file, and decides which rows they may
change (**rejected** otherwise). Rows without a ref are proposals (**new**); exported rows
gone from the workbook are **missing** and never deleted; unreadable values are **error**s
named by sheet and cell.

``plan_import`` changes nothing; ``apply_import`` writes the accepted items as one change set.
"""

from __future__ import annotations

import enum
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from riskreg.choices import ActionStatus, RiskStatus
from riskreg.errors import RegisterError
from riskreg.exchange.columns import ACTION_COLUMNS, RISK_COLUMNS, Column, fold
from riskreg.exchange.export import EXCHANGE_SHEET, FORMAT_VERSION, column_letter
from riskreg.exchange.reader import SheetData, Workbook, WorkbookRefused
from riskreg.exchange.values import (
    Unreadable,
    as_cell_reads,
    base_text,
    format_split,
    is_empty,
    read,
)
from riskreg.progress import Progress
from riskreg.records import ActionDraft, ActionRecord, ExchangeBatch, RiskDraft, RiskRecord
from riskreg.validation import (
    ACTION_FIELDS,
    RISK_FIELDS,
    Context,
    check_fields,
    check_risk_consistency,
    check_shares,
)

if TYPE_CHECKING:
    from riskreg.service import RegisterService

Kind = Literal["update", "conflict", "new", "missing", "rejected", "error"]
KINDS: tuple[Kind, ...] = ("update", "conflict", "new", "missing", "rejected", "error")
HEADER_SEARCH_ROWS = 10


class ImportRefused(RegisterError):
    """The workbook as a whole cannot be imported (not ours, unknown export, unreadable)."""


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
    uuid: str = ""
    """The row's register id (existing rows); new rows carry a ``draft`` instead."""
    draft: RiskDraft | tuple[str, ActionDraft] | None = None

    @property
    def applicable(self) -> bool:
        return self.kind in ("update", "conflict", "new")

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "sheet": self.sheet,
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

    def count(self, kind: Kind) -> int:
        return sum(1 for item in self.items if item.kind == kind)

    @property
    def summary(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in KINDS}

    def accepted(self, mode: Literal["all", "clean"]) -> list[Item]:
        wanted = ("update", "new", "conflict") if mode == "all" else ("update", "new")
        return [item for item in self.items if item.kind in wanted]

    def report(self, *, applied: bool) -> dict[str, Any]:
        return {
            "workbook": self.workbook,
            "export_id": self.export_id,
            "sender": self.sender,
            "base_revision": self.base_revision,
            "applied": applied,
            "summary": self.summary,
            "items": [item.as_json() for item in self.items],
        }

    def report_json(self, *, applied: bool) -> str:
        return json.dumps(self.report(applied=applied), indent=2, ensure_ascii=False)


# -- planning -----------------------------------------------------------------------------
def plan_import(service: RegisterService, path: Path) -> ImportPlan:
    """Compare a returned workbook with the register; nothing is written."""
    try:
        book = Workbook(path)
    except WorkbookRefused as exc:
        raise ImportRefused(str(exc)) from exc
    try:
        return _Planner(service, book).plan()
    except WorkbookRefused as exc:  # a sheet that opened but cannot be read
        raise ImportRefused(str(exc)) from exc
    finally:
        book.close()


@dataclass(slots=True)
class _Table:
    """A data sheet: which column index holds which field, and the rows below the header."""

    sheet: SheetData
    header_row: int  # 0-based
    columns: dict[int, Column]
    notes: list[str] = field(default_factory=list)

    def index_of(self, field_name: str) -> int | None:
        for index, column in self.columns.items():
            if column.field == field_name:
                return index
        return None


@dataclass(frozen=True, slots=True)
class _Bases:
    """One sheet's merge base: the exported fields, and each row's values in that order."""

    sheet: str
    fields: tuple[str, ...]
    rows: dict[str, str]
    """Each row's base values as the JSON text the export wrote; parsed when compared."""


class _Planner:
    def __init__(self, service: RegisterService, book: Workbook) -> None:
        self.service = service
        self.book = book
        self.items: list[Item] = []
        self.notes: list[str] = []

    def plan(self) -> ImportPlan:
        service, book = self.service, self.book
        name = book.path.name
        meta, bases = self._exchange_sheet()
        info = service.register_info()
        if meta.get("register_uuid") != info.uuid:
            raise ImportRefused(
                f"{name} was exported from another register, not from {info.name}; "
                "it cannot be merged here"
            )
        if meta.get("format") != FORMAT_VERSION:
            raise ImportRefused(
                f"{name} was written by a newer version of the application (exchange format "
                f"{meta.get('format')!r}); update the application to import it"
            )
        export_id = meta.get("export_id", "")
        entry = service.export_entry(export_id)
        if entry is None:
            raise ImportRefused(
                f"{name} names an export ({export_id or 'none'}) this register never made; "
                "only workbooks exported from this register can be merged"
            )
        sender = entry.partner_code or info.keeper_code or ""
        self.scheme = info.scheme
        partners = service.list_partners()
        self.ctx = Context(
            info.scheme,
            frozenset(p.code for p in partners if p.active),
            frozenset(c.name for c in service.list_categories()),
        )
        self.sender = sender
        self.everything = entry.partner_code is None
        # Records only for the rows that differ from their base, read in slices after the
        # rows stream past: memory follows the edits, not the size of the register.
        self.export_id = export_id
        self._imported: tuple[set[str], set[tuple[str, str]]] | None = None
        self._refs: tuple[dict[str, str], dict[str, str]] | None = None
        self.new_actions: list[tuple[str, dict[str, Any], dict[str, str], str]] = []

        risk_table = self._table("Risks", RISK_COLUMNS)
        action_table = self._table("Actions", ACTION_COLUMNS)
        if risk_table is not None:
            self._compare_sheet(risk_table, bases.get("Risks"), "risk")
        if action_table is not None:
            self._compare_sheet(action_table, bases.get("Actions"), "action")
        if self.new_actions:
            wanted = sorted({values.get("risk_ref") or "" for _, values, _, _ in self.new_actions})
            risks = service.risks_among(refs=wanted)
            for sheet, values, cell_of, first_cell in self.new_actions:
                risk = risks.get(values.get("risk_ref") or "")
                self._new_action(sheet, values, cell_of, first_cell, risk)
        return ImportPlan(
            workbook=name,
            export_id=export_id,
            sender=sender,
            base_revision=entry.revision,
            register_revision=info.revision,
            items=tuple(sorted(self.items, key=_workbook_order)),
            notes=tuple(self.notes),
        )

    @property
    def imported(self) -> tuple[set[str], set[tuple[str, str]]]:
        """What earlier imports of this workbook created (read once, when a new row asks)."""
        if self._imported is None:
            self._imported = self.service.imported_from(self.export_id)
        return self._imported

    @property
    def refs(self) -> tuple[dict[str, str], dict[str, str]]:
        """Refs by uuid, read once and only if a row has a ref but lost its id."""
        if self._refs is None:
            self._refs = self.service.refs()
        return self._refs

    # -- the workbook's parts -----------------------------------------------------------
    def _exchange_sheet(self) -> tuple[dict[str, str], dict[str, _Bases]]:
        """The export's identity and, per sheet, each row's base values (raw, by position)."""
        sheet = self.book.sheet(EXCHANGE_SHEET)
        name = self.book.path.name
        if sheet is None:
            raise ImportRefused(
                f"{name} is not an exchange workbook of this application (it has no "
                f"{EXCHANGE_SHEET} sheet); to bring in another register use Import another "
                "register"
            )
        meta: dict[str, str] = {}
        bases: dict[str, _Bases] = {}
        current: _Bases | None = None
        for row in sheet.rows():
            if not row:
                continue
            first = row[0]
            if current is not None and first == current.sheet:
                pieces = row[2:]
                current.rows[_plain(row[1])] = (
                    pieces[0] if len(pieces) == 1 or pieces[1] == "" else _joined(pieces)
                )
            elif first == "#fields":
                named = _base_values(str(row[2])) if len(row) > 2 else None
                if named is None:
                    raise ImportRefused(
                        f"{name}: the hidden {EXCHANGE_SHEET} sheet is damaged (its list of "
                        f"fields for {row[1]} cannot be read); export a fresh workbook"
                    )
                fields = tuple(str(v) for v in named)
                current = bases[str(row[1])] = _Bases(str(row[1]), fields, {})
            elif first == "#end":
                break
            elif current is None and not is_empty(first):
                meta[str(first)] = _plain(row[1] if len(row) > 1 else "")
        return meta, bases

    def _table(self, name: str, columns: Sequence[Column]) -> _Table | None:
        sheet = self.book.sheet(name)
        if sheet is None:
            self.notes.append(f"the workbook has no {name} sheet; nothing of it was compared")
            return None
        by_name: dict[str, Column] = {}
        for column in columns:  # a column's own header wins over another's synonym
            by_name[fold(column.header)] = column
        for column in columns:
            for alias in column.names:
                by_name.setdefault(alias, column)
        best: tuple[int, int, dict[int, Column]] = (0, 0, {})
        for row_index, row in enumerate(sheet.head[:HEADER_SEARCH_ROWS]):
            found: dict[int, Column] = {}
            for col_index, value in enumerate(row):
                if isinstance(value, str) and value.strip():
                    match = by_name.get(fold(value))
                    if match is not None and match not in found.values():
                        found[col_index] = match
            if len(found) > best[0]:
                best = (len(found), row_index, found)
        count, header_row, found = best
        if count == 0:
            raise ImportRefused(f"{name}: no column headers of the register were found")
        table = _Table(sheet, header_row, found)
        if table.index_of("uuid") is None and table.index_of("ref") is None:
            raise ImportRefused(
                f"{name}: neither the Ref nor the Id column was found, so rows cannot be "
                "matched to the register"
            )
        return table

    # -- comparing ----------------------------------------------------------------------
    def _compare_sheet(self, table: _Table, bases: _Bases | None, entity: str) -> None:
        sheet_name = table.sheet.name
        fields = bases.fields if bases else ()
        base_rows = bases.rows if bases else {}
        position = {name: at for at, name in enumerate(fields)}
        checks = [
            (index, column, position[column.field])
            for index, column in table.columns.items()
            if column.editable and column.field in position
        ]
        letters = {column_letter(i + 1) for i, c in table.columns.items() if c.editable}
        no_value = self.book.formulas_without_values(sheet_name, letters)
        uuid_at, ref_at = table.index_of("uuid"), table.index_of("ref")
        uuid_by_ref: dict[str, str] | None = None  # built only if a row lacks its id
        seen: set[str] = set()
        differing: list[tuple[int, str, list[tuple[int, Column, Any, Any]]]] = []
        width = 1 + max((index for index, _, _ in checks), default=0)
        known = len(fields)
        for row_index, row in enumerate(table.sheet.rows()):
            if row_index <= table.header_row or not any(v != "" and v is not None for v in row):
                continue
            excel_row = row_index + 1
            uuid = _plain(_at(row, uuid_at))
            ref = _plain(_at(row, ref_at))
            if not uuid and ref:
                if uuid_by_ref is None:
                    refs = self.refs[0 if entity == "risk" else 1]
                    uuid_by_ref = {ref: uuid for uuid, ref in refs.items()}
                uuid = uuid_by_ref.get(ref, "")
            if not uuid and not ref:
                self._new_row(table, row, excel_row, entity, no_value)
                continue
            if uuid in seen:
                where = _cell(ref_at if ref_at is not None else uuid_at, excel_row)
                self._error(sheet_name, where, ref, "",
                            f"{sheet_name}!{where}: {ref or uuid} appears twice; the second "
                            "row was not read")  # fmt: skip
                continue
            seen.add(uuid)
            base_json = base_rows.get(uuid)
            base = _base_values(base_json) if base_json is not None else None
            if base_json is not None and base is None:
                where = _cell(ref_at if ref_at is not None else uuid_at, excel_row)
                self._error(sheet_name, where, ref, "",
                            f"{sheet_name}!{where}: the workbook's hidden copy of {ref or uuid} "
                            "as exported is damaged, so its edits cannot be told apart; export "
                            "a fresh workbook")  # fmt: skip
                continue
            if base is None:
                where = _cell(ref_at if ref_at is not None else uuid_at, excel_row)
                self._error(
                    sheet_name, where, ref, "",
                    f"{sheet_name}!{where}: {ref or uuid} was not in this workbook when it was "
                    "exported; add new rows with an empty Ref",
                )  # fmt: skip
                continue
            # The common case decided without a parse per cell: the cell as exported. A
            # formula without a result reads as empty, so such a workbook checks every cell.
            if len(row) < width or len(base) < known:
                row = row + [""] * (width - len(row))
                base = base + [""] * (known - len(base))
            candidates = [
                (index, column, base[at], row[index])
                for index, column, at in checks
                if no_value or not (row[index] == base[at] or _same(row[index], base[at]))
            ]
            if candidates:
                differing.append((excel_row, uuid, candidates))
        if differing:
            uuids = [uuid for _, uuid, _ in differing]
            records: dict[str, Any] = (
                self.service.risks_among(uuids)
                if entity == "risk"
                else self.service.actions_among(uuids)
            )
            for excel_row, uuid, candidates in differing:
                record = records.get(uuid)
                if record is None:
                    self._error(sheet_name, f"A{excel_row}", "", "",
                                f"{sheet_name}!A{excel_row}: {uuid} is no longer in the "
                                "register")  # fmt: skip
                    continue
                self._compare_row(sheet_name, candidates, excel_row, record, entity, no_value)
        gone = [uuid for uuid in base_rows if uuid not in seen]
        if gone:
            found: dict[str, Any] = (
                self.service.risks_among(gone)
                if entity == "risk"
                else self.service.actions_among(gone)
            )
            for uuid in gone:
                ref = found[uuid].ref if uuid in found else uuid
                self.items.append(Item(
                    "missing", sheet_name, "", ref, "", None, None,
                    f"{ref} is not in the workbook any more; it stays in the register "
                    "(close it there if it should go)", uuid,
                ))  # fmt: skip

    def _compare_row(
        self,
        sheet_name: str,
        candidates: list[tuple[int, Column, Any, Any]],
        excel_row: int,
        record: Any,
        entity: str,
        no_value: set[str],
    ) -> None:
        ref = record.ref
        allowed = self._may_change(record, entity)
        changed: list[tuple[Column, str, Any, Any, Any]] = []
        for index, column, base_value, raw in candidates:
            cell = f"{column_letter(index + 1)}{excel_row}"
            if cell in no_value:
                self._error(sheet_name, cell, ref, column.field,
                            f"{sheet_name}!{cell}: {column.header.lower()} is a formula with no "
                            "saved result; type the value instead")  # fmt: skip
                continue
            try:
                theirs = read(column, raw, self.scheme)
                was = read(column, base_value, self.scheme)
                if isinstance(was, str) and theirs == read(column, as_cell_reads(was), self.scheme):
                    continue  # the text as a cell gives it back: not an edit
            except Unreadable as exc:
                self._error(sheet_name, cell, ref, column.field, f"{sheet_name}!{cell}: {exc}")
                continue
            if theirs == was:
                continue
            ours = _register_value(record, column)
            if theirs == ours:
                continue  # the register already holds what the partner wrote
            changed.append((column, cell, theirs, was, ours))
        if not changed:
            return
        if not allowed:
            who = self.sender
            for column, cell, theirs, _was, ours in changed:
                self.items.append(Item(
                    "rejected", sheet_name, cell, ref, column.field, ours, theirs,
                    f"{who} may not change {ref}: " + (
                        "it is neither led nor shared by " + who if entity == "risk"
                        else "the action is owned by " + record.partner
                    ), record.uuid,
                ))  # fmt: skip
            return
        if entity == "risk" and record.status is RiskStatus.CLOSED:
            reopening = any(c.field == "status" for c, *_ in changed)
            if not reopening:
                for column, cell, theirs, _was, ours in changed:
                    self.items.append(Item(
                        "rejected", sheet_name, cell, ref, column.field, ours, theirs,
                        f"{ref} was closed in the register; it must be reopened there first",
                        record.uuid,
                    ))  # fmt: skip
                return
        problems = self._row_problems(record, entity, {c.field: t for c, _, t, *_ in changed})
        cells = {c.field: cell for c, cell, *_ in changed}
        for field_name, message in problems:
            cell = cells.get(field_name, cells[next(iter(cells))])
            self._error(sheet_name, cell, ref, field_name, f"{sheet_name}!{cell}: {message}")
        if problems:
            return
        for column, cell, theirs, was, ours in changed:
            if ours == was:
                self.items.append(Item(
                    "update", sheet_name, cell, ref, column.field, ours, theirs,
                    f"{column.header}: {_shown(ours)} → {_shown(theirs)}", record.uuid,
                ))  # fmt: skip
            else:
                self.items.append(Item(
                    "conflict", sheet_name, cell, ref, column.field, ours, theirs,
                    f"{column.header} changed on both sides since the export: the register "
                    f"has {_shown(ours)}, the workbook {_shown(theirs)} (was {_shown(was)})",
                    record.uuid,
                ))  # fmt: skip

    def _may_change(self, record: Any, entity: str) -> bool:
        if self.everything:
            return True
        if entity == "risk":
            return record.lead_partner == self.sender or record.share_of(self.sender) > 0
        return bool(record.partner == self.sender)

    def _row_problems(
        self, record: Any, entity: str, changes: dict[str, Any]
    ) -> list[tuple[str, str]]:
        specs = RISK_FIELDS if entity == "risk" else ACTION_FIELDS
        plain = {k: v for k, v in changes.items() if k != "shares"}
        found = [(p.field, p.message) for p in check_fields(plain, specs, self.ctx)]
        if entity == "risk":
            if "shares" in changes:
                found += [(p.field, p.message) for p in check_shares(changes["shares"], self.ctx)]
            merged = {name: getattr(record, name) for name in RISK_FIELDS} | plain
            found += [(p.field, p.message) for p in check_risk_consistency(merged)]
        return found

    # -- new rows -----------------------------------------------------------------------
    def _new_row(
        self, table: _Table, row: list[Any], excel_row: int, entity: str, no_value: set[str]
    ) -> None:
        sheet_name = table.sheet.name
        values: dict[str, Any] = {}
        errors = 0
        for index, column in table.columns.items():
            if not (column.editable or column.kind == "risk_ref"):
                continue
            cell = f"{column_letter(index + 1)}{excel_row}"
            if cell in no_value:
                self._error(sheet_name, cell, "", column.field,
                            f"{sheet_name}!{cell}: {column.header.lower()} is a formula with no "
                            "saved result; type the value instead")  # fmt: skip
                errors += 1
                continue
            try:
                value = read(column, _at(row, index), self.scheme)
            except Unreadable as exc:
                self._error(sheet_name, cell, "", column.field, f"{sheet_name}!{cell}: {exc}")
                errors += 1
                continue
            if value is not None and value != "":
                values[column.field] = value
        if errors:
            return
        cell_of = {c.field: f"{column_letter(i + 1)}{excel_row}" for i, c in table.columns.items()}
        first_cell = cell_of.get("title" if entity == "risk" else "description", f"A{excel_row}")
        if entity == "risk":
            self._new_risk(sheet_name, values, cell_of, first_cell)
        else:  # decided once the risks they name are read, all together
            self.new_actions.append((sheet_name, values, cell_of, first_cell))

    def _new_risk(
        self, sheet: str, values: dict[str, Any], cell_of: dict[str, str], first_cell: str
    ) -> None:
        title = values.get("title", "")
        if title in self.imported[0]:
            return  # created by an earlier import of this same workbook
        for required in ("title", "inherent_likelihood", "inherent_impact"):
            if required not in values:
                label = RISK_FIELDS[required].label
                cell = cell_of.get(required, first_cell)
                self._error(sheet, cell, "", required,
                            f"{sheet}!{cell}: a new risk needs a {label.lower()}")  # fmt: skip
                return
        values["status"] = RiskStatus.DRAFT
        values["lead_partner"] = self.sender
        shares = values.pop("shares", None)
        if shares is not None and shares == ((self.sender, 100),):
            shares = None
        draft_fields = {k: v for k, v in values.items() if k in RiskDraft.__dataclass_fields__}
        draft = RiskDraft(**draft_fields, shares=shares)
        plain = {k: v for k, v in draft_fields.items() if k in RISK_FIELDS}
        problems = [(p.field, p.message) for p in check_fields(plain, RISK_FIELDS, self.ctx)]
        if shares is not None:
            problems += [(p.field, p.message) for p in check_shares(shares, self.ctx)]
        problems += [(p.field, p.message) for p in check_risk_consistency(plain)]
        for field_name, message in problems:
            cell = cell_of.get(field_name, first_cell)
            self._error(sheet, cell, "", field_name, f"{sheet}!{cell}: new risk: {message}")
        if problems:
            return
        self.items.append(Item(
            "new", sheet, first_cell, "", "title", None, title,
            f"new risk proposed by {self.sender}, entered as Draft: {title}", "", draft,
        ))  # fmt: skip

    def _new_action(
        self,
        sheet: str,
        values: dict[str, Any],
        cell_of: dict[str, str],
        first_cell: str,
        risk: RiskRecord | None,
    ) -> None:
        risk_ref = values.get("risk_ref")
        description = values.get("description", "")
        cell = cell_of.get("risk_ref", first_cell)
        if risk is None:
            self._error(sheet, cell, "", "risk_ref",
                        f"{sheet}!{cell}: a new action needs the ref of its risk"
                        + (f"; there is no risk {risk_ref}" if risk_ref else ""))  # fmt: skip
            return
        if (risk.uuid, description) in self.imported[1]:
            return
        if not self._may_change(risk, "risk"):
            self.items.append(Item(
                "rejected", sheet, cell, risk.ref, "", None, description,
                f"{self.sender} may not add actions to {risk.ref}: it is neither led nor "
                f"shared by {self.sender}",
            ))  # fmt: skip
            return
        draft_fields = {k: v for k, v in values.items() if k in ActionDraft.__dataclass_fields__}
        draft_fields["partner"] = self.sender
        draft_fields.setdefault("status", ActionStatus.NOT_STARTED)
        draft_fields.setdefault("progress", 0)
        draft = ActionDraft(**{"description": description, **draft_fields})
        problems = check_fields(
            draft_fields | {"description": description}, ACTION_FIELDS, self.ctx
        )
        for problem in problems:
            where = cell_of.get(problem.field, first_cell)
            self._error(
                sheet, where, "", problem.field, f"{sheet}!{where}: new action: {problem.message}"
            )
        if problems:
            return
        self.items.append(Item(
            "new", sheet, first_cell, risk.ref, "description", None, description,
            f"new action on {risk.ref} proposed by {self.sender}: {description}", risk.uuid,
            (risk.uuid, draft),
        ))  # fmt: skip

    def _error(self, sheet: str, cell: str, ref: str, field_name: str, message: str) -> None:
        self.items.append(Item("error", sheet, cell, ref, field_name, None, None, message))


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
    return ExchangeBatch(
        expected_revision=plan.register_revision,
        summary=f"Import of {plan.workbook} from {plan.sender} (export {plan.export_id})",
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


# -- small helpers ------------------------------------------------------------------------
def _at(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _joined(pieces: list[Any]) -> str:
    """A long base row: its JSON continued over cells until the first empty one."""
    text = []
    for piece in pieces:
        if piece == "" or piece is None:
            break
        text.append(str(piece))
    return "".join(text)


def _base_values(text: str) -> list[Any] | None:
    """A row's exported values, or None if the ``_exchange`` cell was damaged."""
    try:
        values = json.loads(text)
    except (TypeError, ValueError):
        return None
    return values if isinstance(values, list) else None


def _workbook_order(item: Item) -> tuple[int, int, int]:
    """Findings in the order of the workbook: sheet, row, column; missing rows last."""
    sheet = 0 if item.sheet == "Risks" else 1
    digits = item.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    letters = item.cell[: len(item.cell) - len(digits)]
    column = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters)))
    return (sheet, int(digits) if digits else 1 << 30, column)


def _same(cell: Any, base: Any) -> bool:
    """The cell still holds its exported value, in any form a spreadsheet saves it in."""
    if cell == base:
        return True
    kind = type(cell)
    if kind is float:
        return cell.is_integer() and str(int(cell)) == base
    if kind is date:
        return bool(cell.isoformat() == base)
    if kind is datetime:
        return not (cell.hour or cell.minute or cell.second) and cell.date().isoformat() == base
    if kind is str and type(base) is str:
        return cell == as_cell_reads(base)
    return False


def _cell(index: int | None, excel_row: int) -> str:
    return f"{column_letter((index or 0) + 1)}{excel_row}"


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _register_value(record: RiskRecord | ActionRecord, column: Column) -> Any:
    value = getattr(record, column.field)
    if column.kind in ("text", "longtext") and value is None:
        return ""
    return value


def display(value: Any) -> str:
    """A value as the preview and the messages show it: a split as text, a date as ISO."""
    if value is None:
        return ""
    return format_split(value) if isinstance(value, tuple) else base_text(_ANY, value)


def _shown(value: Any) -> str:
    text = display(value)
    if not text:
        return "(empty)"
    return f"“{text}”" if len(text) <= 60 else f"“{text[:60]}…”"


_ANY = Column("", "", "text", 0, False)


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
