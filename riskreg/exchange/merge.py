"""The three-way merge of a returned sheet's existing rows.

Each workbook row is matched to a row of the export by its Id, else by its Ref (an edited
Id is reported); a row that is neither is not of this export, and the workbook is refused
naming it. Each cell is compared with the export's base (held by the register) and with the
register now: changed in the workbook only → **update**; on both sides, differently →
**conflict**; in a column the register keeps (ref, lead partner, scores, band, raised) →
**ignored**, said, never silently dropped. An unreadable value is an **error** that holds
back the rest of its row (**held**). With no base (a copy read by ref) every difference is
offered, unticked (**differs**).

Records are read only for rows that differ from their base, in slices after the rows
stream past: memory follows the edits, not the size of the register.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from itertools import compress
from operator import itemgetter, ne
from typing import Any

from riskreg.belonging import belonging_problems
from riskreg.choices import RiskStatus
from riskreg.exchange.base import SheetBase
from riskreg.exchange.columns import Column
from riskreg.exchange.export_format import column_letter
from riskreg.exchange.findings import Item, shown
from riskreg.exchange.planning import Planning
from riskreg.exchange.returned import ImportRefused, Table, at, plain
from riskreg.exchange.values import CUT_BASE, Unreadable, as_cell_reads, read, shown_text
from riskreg.exchange.workbook import Workbook
from riskreg.validation import (
    ACTION_FIELDS,
    RISK_FIELDS,
    check_fields,
    check_risk_consistency,
    check_shares,
)

NewRow = Callable[[list[Any], int, set[str]], None]
"""Called with a row that has neither Id nor Ref (a proposal), its Excel row number and
the cells whose formulas have no saved result."""
FOREIGN_SHOWN = 12
LEAD_ONLY = frozenset({"visibility", "shares"})
"""Whose a risk is: only its lead partner (or the keeper's whole-register workbook) changes
it; a share-holder's workbook may change the rest of the row."""
_COMPUTED = ("score", "band")
_LEVELS = {
    "inherent_score": ("inherent_likelihood", "inherent_impact"),
    "current_score": ("current_likelihood", "current_impact"),
    "current_band": ("current_likelihood", "current_impact"),
}


def editable_letters(columns: Mapping[int, Column]) -> set[str]:
    """The letters of the editable columns, by 0-based column index."""
    return {column_letter(i + 1) for i, c in columns.items() if c.editable}


def compare_sheet(
    p: Planning,
    book: Workbook,
    table: Table,
    sheet_base: SheetBase | None,
    entity: str,
    new_row: NewRow,
    describe_export: str = "",
) -> None:
    """Every row of one data sheet against its base (``None``: a copy read by ref)."""
    by_ref = sheet_base is None
    fields = sheet_base.fields if sheet_base else ()
    position = {name: i for i, name in enumerate(fields)}
    checks = [
        (index, column, position.get(column.field, -1))
        for index, column in sorted(table.columns.items())
        if column.kind != "uuid" and (column.field in position if not by_ref else column.editable)
    ]
    no_value = book.formulas_without_values(table.name, editable_letters(table.columns))
    # Each check's cell and base place, and how its cells are told unchanged without a
    # call: computed cells read empty without a saved result; dates read as dates.
    quick = [
        (
            index,
            place,
            column.kind in _COMPUTED,
            column.kind == "date",
            no_value and column.editable,
        )
        for index, column, place in checks
    ]
    uuid_at, ref_at = table.index_of("uuid"), table.index_of("ref")
    rows = sheet_base.rows if sheet_base else {}
    refs_by_uuid = p.refs[0 if entity == "risk" else 1] if by_ref else {}
    seen: set[str] = set()
    foreign: list[str] = []
    pending: list[tuple[int, list[Any], str, str]] = []
    """Rows whose Id is not the export's: matched by Ref once every row's Id is known."""
    differing: list[tuple[int, str, list[tuple[int, Column, Any, Any]], list[Any]]] = []
    width = 1 + max((index for index, _, _ in checks), default=0)
    known = len(fields)
    known_rows = refs_by_uuid if by_ref else rows

    def where_of(excel_row: int) -> str:
        return f"{table.name}!{_cell(ref_at if ref_at is not None else uuid_at, excel_row)}"

    cells_of = _picker([index for index, *_ in quick])
    exported_of = _picker([place for _, place, *_ in quick])
    every = range(len(quick))
    always = any(check[4] for check in quick)

    def take(excel_row: int, row: list[Any], uuid: str, ref_cell: str) -> None:
        """One workbook row matched to the export's row ``uuid``."""
        if uuid in seen:
            p.error(table.canonical, _cell(ref_at if ref_at is not None else uuid_at, excel_row),
                    ref_cell, "", f"{where_of(excel_row)}: {ref_cell or uuid} appears twice; "
                    "the second row was not read")  # fmt: skip
            return
        seen.add(uuid)
        if by_ref:
            row = row + [""] * (width - len(row)) if len(row) < width else row
            differing.append((excel_row, uuid, [(i, c, None, row[i]) for i, c, _ in checks], row))
            return
        assert sheet_base is not None
        base = sheet_base.values(uuid)
        if base is None:
            p.error(table.canonical, _cell(ref_at if ref_at is not None else uuid_at, excel_row),
                    ref_cell, "", f"{where_of(excel_row)}: the workbook's hidden copy of "
                    f"{ref_cell or uuid} "
                    "as exported is damaged, so its edits cannot be told apart; export a "
                    "fresh workbook")  # fmt: skip
            return
        # The common case decided without a parse per cell: the cell as exported, the
        # cells equal to their base set aside in C. A formula without a result reads as
        # empty, so such a workbook checks every editable cell.
        if len(row) < width or len(base) < known:
            row = row + [""] * (width - len(row))
            base = base + [""] * (known - len(base))
        cells, exported = cells_of(row), exported_of(base)
        changed = []
        for n in every if always else compress(every, map(ne, cells, exported)):
            _, _, computed, dated, check_always = quick[n]
            cell, was = cells[n], exported[n]
            if check_always or not (
                cell == was
                or (computed and (cell == "" or cell is None))
                or (dated and type(cell) is date and cell.isoformat() == was)
                or _same(cell, was)
            ):
                changed.append(n)
        if changed:
            candidates = [(checks[n][0], checks[n][1], exported[n], cells[n]) for n in changed]
            differing.append((excel_row, uuid, candidates, row))

    for row_index, row in enumerate(table.sheet.rows()):
        if row_index <= table.header_row or row.count("") + row.count(None) == len(row):
            continue  # a blank row (counted in C: a sheet may hold thousands of them)
        excel_row = row_index + 1
        # plain(at(row, …)), without two calls per cell for the usual text cell
        width_of_row = len(row)
        uuid_cell = row[uuid_at] if uuid_at is not None and uuid_at < width_of_row else None
        uuid_cell = uuid_cell.strip() if type(uuid_cell) is str else plain(uuid_cell)
        ref_cell = row[ref_at] if ref_at is not None and ref_at < width_of_row else None
        ref_cell = ref_cell.strip() if type(ref_cell) is str else plain(ref_cell)
        if not uuid_cell and not ref_cell:
            new_row(row, excel_row, no_value)
        elif uuid_cell in known_rows:
            take(excel_row, row, uuid_cell, ref_cell)
        else:
            pending.append((excel_row, row, uuid_cell, ref_cell))
    if pending:  # an edited Id: the row is the export's row of its Ref, if that row's own
        # Id is nowhere else in the workbook (a row of another export or register is not)
        uuid_by_ref = _refs_of(p, sheet_base, refs_by_uuid, entity)
        for excel_row, row, uuid_cell, ref_cell in pending:
            found = uuid_by_ref.get(ref_cell) if ref_cell else None
            if found is None or found in seen:
                if by_ref:
                    p.add("warning", table.canonical, _cell(ref_at, excel_row), ref_cell, "",
                          None, None, f"{where_of(excel_row)}: {ref_cell or uuid_cell} is not a "
                          "row of this register; the row was not read")  # fmt: skip
                else:
                    foreign.append(f"{where_of(excel_row)} {ref_cell or 'id ' + uuid_cell[:13]}")
                continue
            if uuid_at is not None:
                id_cell = _cell(uuid_at, excel_row)
                p.add("ignored", table.canonical, id_cell, ref_cell, "uuid", found, uuid_cell,
                      f"{table.name}!{id_cell}: the Id of {ref_cell} was "
                      f"{'changed' if uuid_cell else 'cleared'} in the workbook; the row was "
                      f"matched by its ref {ref_cell} (an Id is the register's own and is not "
                      "changed by a workbook)", found)  # fmt: skip
            take(excel_row, row, found, ref_cell)
    if foreign:
        shown_rows = ", ".join(foreign[:FOREIGN_SHOWN])
        more = f" and {len(foreign) - FOREIGN_SHOWN:,} more" if len(foreign) > FOREIGN_SHOWN else ""
        raise ImportRefused(
            f"{book.path.name} holds rows that were not in {describe_export or 'its export'}: "
            f"{shown_rows}{more}. A workbook's rows must be the rows exported to it; these "
            "are rows of another export or another register, so nothing was imported. Add "
            "new risks and actions on empty rows, with no Ref and no Id."
        )
    if differing:
        uuids = [uuid for _, uuid, _, _ in differing]
        records: dict[str, Any] = (
            p.service.risks_among(uuids) if entity == "risk" else p.service.actions_among(uuids)
        )
        for excel_row, uuid, candidates, row in differing:
            record = records.get(uuid)
            if record is None:
                where = f"{table.name}!A{excel_row}"
                p.error(table.canonical, f"A{excel_row}", "", "",
                        f"{where}: {uuid} is no longer in the register")  # fmt: skip
                continue
            compare_row(p, table, candidates, excel_row, record, entity, no_value, row, by_ref)
    if by_ref:
        return
    gone = [uuid for uuid in rows if uuid not in seen]
    if gone:
        found_records: dict[str, Any] = (
            p.service.risks_among(gone) if entity == "risk" else p.service.actions_among(gone)
        )
        for uuid in gone:
            ref = found_records[uuid].ref if uuid in found_records else uuid
            p.add("missing", table.canonical, "", ref, "", None, None,
                  f"{ref} is not in the workbook any more; it stays in the register (close it "
                  "there if it should go)", uuid)  # fmt: skip


def _refs_of(
    p: Planning, sheet_base: SheetBase | None, refs_by_uuid: dict[str, str], entity: str
) -> dict[str, str]:
    """Ref → uuid for the rows a workbook row may be: the export's (the register's refs of a
    legacy base's rows), or every row of the register for a copy read by ref."""
    if sheet_base is None:
        return {ref: uuid for uuid, ref in refs_by_uuid.items()}
    if sheet_base.refs:
        return sheet_base.refs
    register = p.refs[0 if entity == "risk" else 1]
    return {ref: uuid for uuid, ref in register.items() if uuid in sheet_base.rows}


def compare_row(
    p: Planning,
    table: Table,
    candidates: list[tuple[int, Column, Any, Any]],
    excel_row: int,
    record: Any,
    entity: str,
    no_value: set[str],
    row: list[Any],
    by_ref: bool = False,
) -> None:
    sheet, name, ref = table.canonical, table.name, record.ref
    changed: list[tuple[Column, str, Any, Any, Any]] = []
    errors: list[Item] = []
    ignored: list[Item] = []
    for index, column, base_value, raw in candidates:
        cell = f"{column_letter(index + 1)}{excel_row}"
        where = f"{name}!{cell}"
        if column.kind in _COMPUTED:
            message = _computed_edit(p, table, column, raw, row)
            if message:
                ignored.append(Item("ignored", sheet, cell, ref, column.field, None, raw,
                                    f"{where}: {message}", record.uuid))  # fmt: skip
            continue
        if cell in no_value:
            errors.append(Item("error", sheet, cell, ref, column.field, None, None,
                               f"{where}: {column.header.lower()} is a formula with no saved "
                               "result; type the value instead"))  # fmt: skip
            continue
        try:
            theirs = read(column, raw, p.scheme)
            was = None if by_ref else read(column, base_value, p.scheme)
        except Unreadable as exc:
            if column.editable:
                errors.append(Item("error", sheet, cell, ref, column.field, None, None,
                                   f"{where}: {exc}"))  # fmt: skip
            else:
                ignored.append(_ignored(sheet, cell, where, record, column, raw))
            continue
        ours = _register_value(record, column)
        if was == CUT_BASE:
            if theirs != read(column, shown_text(ours or ""), p.scheme):
                ignored.append(Item(
                    "ignored", sheet, cell, ref, column.field, None, None,
                    f"{where}: {column.header} of {ref} is longer than a spreadsheet cell "
                    "holds, so the workbook showed only its start; an edit of it is not "
                    "applied (change it in the register)", record.uuid,
                ))  # fmt: skip
            continue
        if by_ref:
            was = ours
            if isinstance(ours, str) and theirs == read(column, as_cell_reads(ours), p.scheme):
                continue
        elif isinstance(was, str) and theirs == read(column, as_cell_reads(was), p.scheme):
            continue  # the text as a cell gives it back: not an edit
        if theirs == was and not by_ref:
            continue
        if theirs == ours:
            continue  # the register already holds what the workbook says
        if not column.editable:
            ignored.append(_ignored(sheet, cell, where, record, column, theirs, ours))
            continue
        changed.append((column, cell, theirs, was, ours))
    p.items.extend(ignored)
    if not changed and not errors:
        return
    if not errors and not p.may_change(record, entity):
        who = p.sender
        for column, cell, theirs, _was, ours in changed:
            p.add("rejected", sheet, cell, ref, column.field, ours, theirs,
                  f"{who} may not change {ref}: " + (
                      "it is neither led nor shared by " + who if entity == "risk"
                      else "the action is owned by " + record.partner
                  ), record.uuid)  # fmt: skip
        return
    if entity == "risk" and not p.everything and record.lead_partner != p.sender:
        lead_only = [c for c in changed if c[0].field in LEAD_ONLY]
        for column, cell, theirs, _was, ours in lead_only:  # a share-holder's word stops here
            p.add("rejected", sheet, cell, ref, column.field, ours, theirs,
                  f"{p.sender} may not change the {column.header.lower()} of {ref}: only its "
                  f"lead partner, {record.lead_partner}, does", record.uuid)  # fmt: skip
        changed = [c for c in changed if c[0].field not in LEAD_ONLY]
        if not changed and not errors:
            return
    reopening = any(c.field == "status" for c, *_ in changed)
    if entity == "risk" and record.status is RiskStatus.CLOSED and not errors and not reopening:
        for column, cell, theirs, _was, ours in changed:
            p.add("rejected", sheet, cell, ref, column.field, ours, theirs,
                  f"{ref} was closed in the register; it must be reopened there first",
                  record.uuid)  # fmt: skip
        return
    if not errors:
        cells = {c.field: cell for c, cell, *_ in changed}
        for field_name, message in _row_problems(p, record, entity, changed):
            cell = cells.get(field_name, cells[next(iter(cells))])
            errors.append(Item("error", sheet, cell, ref, field_name, None, None,
                               f"{name}!{cell}: {message}"))  # fmt: skip
    if errors:
        p.items.extend(errors)
        first = f"{name}!{errors[0].cell}"
        wrong = {(e.cell, e.field) for e in errors}
        for column, cell, theirs, _was, ours in changed:
            if (cell, column.field) in wrong:
                continue  # the error itself says what this cell holds
            p.add("held", sheet, cell, ref, column.field, ours, theirs,
                  f"{column.header}: {shown(ours)} → {shown(theirs)}, held back: this row has "
                  f"an error ({first}); correct it and import again", record.uuid)  # fmt: skip
        return
    for column, cell, theirs, was, ours in changed:
        if by_ref:
            p.add("differs", sheet, cell, ref, column.field, ours, theirs,
                  f"{column.header}: the register has {shown(ours)}, the workbook "
                  f"{shown(theirs)} (a copy without its export: which is newer cannot be "
                  "told; tick to take the workbook's)", record.uuid)  # fmt: skip
        elif ours == was:
            p.add(
                "update",
                sheet,
                cell,
                ref,
                column.field,
                ours,
                theirs,
                f"{column.header}: {shown(ours)} → {shown(theirs)}",
                record.uuid,
            )
        else:
            p.add("conflict", sheet, cell, ref, column.field, ours, theirs,
                  f"{column.header} changed on both sides since the export: the register has "
                  f"{shown(ours)}, the workbook {shown(theirs)} (was {shown(was)})",
                  record.uuid)  # fmt: skip


def _ignored(
    sheet: str, cell: str, where: str, record: Any, column: Column, theirs: Any,
    ours: Any = None,
) -> Item:  # fmt: skip
    what = {
        "ref": "refs are given by the register (the row was matched by its Id)",
        "risk_ref": "an action's risk is changed in the register, not the workbook",
    }.get(column.kind, f"the {column.header.lower()} is changed in the register, not the workbook")
    return Item(
        "ignored", sheet, cell, record.ref, column.field, ours, theirs,
        f"{where}: {column.header} of {record.ref} was changed to {shown(theirs)} in the "
        f"workbook; {what}, so this is not applied", record.uuid,
    )  # fmt: skip


def _computed_edit(p: Planning, table: Table, column: Column, raw: Any, row: list[Any]) -> str:
    """Why a computed cell's value is not the one its levels give ("" when it is, or when
    the levels cannot be read: they are reported on their own)."""
    if raw in ("", None):
        return ""
    levels = []
    for field_name in _LEVELS[column.field]:
        index = table.index_of(field_name)
        level_column = table.columns.get(index) if index is not None else None
        if level_column is None:
            return ""
        try:
            level = read(level_column, at(row, index), p.scheme)
        except Unreadable:
            return ""
        if level is None:
            return ""
        levels.append(level)
    lik, imp = levels
    if column.kind == "score":
        expected: Any = lik * imp
        given: Any = raw
        if isinstance(raw, str):
            try:
                given = float(raw.strip())
            except ValueError:
                given = raw
        if isinstance(given, int | float) and not isinstance(given, bool) and given == expected:
            return ""
    else:
        expected = p.scheme.band(lik, imp).name
        if isinstance(raw, str) and raw.strip().casefold() == expected.casefold():
            return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return (
        f"{column.header} shows {shown(raw)}, but its likelihood and impact give "
        f"{shown(expected)}: it is computed from them, so an edit of it is not applied "
        "(change the likelihood or impact instead)"
    )


def _row_problems(
    p: Planning, record: Any, entity: str, changed: list[tuple[Column, str, Any, Any, Any]]
) -> list[tuple[str, str]]:
    changes = {c.field: theirs for c, _, theirs, *_ in changed}
    specs = RISK_FIELDS if entity == "risk" else ACTION_FIELDS
    plain_changes = {k: v for k, v in changes.items() if k != "shares"}
    found = [(pr.field, pr.message) for pr in check_fields(plain_changes, specs, p.ctx)]
    if entity == "risk":
        if "shares" in changes:
            found += [(pr.field, pr.message) for pr in check_shares(changes["shares"], p.ctx)]
        merged = {name: getattr(record, name) for name in RISK_FIELDS} | plain_changes
        found += [(pr.field, pr.message) for pr in check_risk_consistency(merged)]
        if not found and LEAD_ONLY & changes.keys():  # whose the risk is (riskreg.belonging)
            shares = changes.get("shares", record.shares)
            found += [(pr.field, pr.message) for pr in belonging_problems(
                merged["visibility"], merged["lead_partner"], shares, p.action_owners(record.uuid)
            )]  # fmt: skip
    return found


def _same(cell: Any, base: Any) -> bool:
    """The cell still holds its exported value, in any form a spreadsheet saves it in."""
    if cell == base:
        return True
    kind = type(cell)
    if kind is float:
        return cell.is_integer() and str(int(cell)) == base
    if kind is int:
        return str(cell) == base
    if kind is date:
        return bool(cell.isoformat() == base)
    if kind is datetime:
        return not (cell.hour or cell.minute or cell.second) and cell.date().isoformat() == base
    if kind is str and type(base) is str:
        return cell == as_cell_reads(base)
    return False


def _picker(indices: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """The values at ``indices`` as a tuple, picked in C."""
    if len(indices) == 1:
        only = indices[0]
        return lambda values: (values[only],)
    if not indices:
        return lambda values: ()
    return itemgetter(*indices)


def _cell(index: int | None, excel_row: int) -> str:
    return f"{column_letter((index or 0) + 1)}{excel_row}"


def _register_value(record: Any, column: Column) -> Any:
    value = getattr(record, column.field)
    if column.kind in ("text", "longtext") and value is None:
        return ""
    return value
