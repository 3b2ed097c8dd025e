"""New rows of a returned workbook: proposals of risks (entered as Draft) and actions.

A row with no ref and no id proposes a risk if it has at least a title (an action if it
has a description and names its risk). What it leaves out is a **warning**, listed with
the proposal, never a refusal: the missing fields, and any value the import supplied (an
inherent level taken from the current one, the sender as lead). Only a value that cannot be
read, or that the register cannot take, is an **error**, and it holds back only its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from riskreg.choices import ActionStatus, RiskStatus
from riskreg.exchange.export_format import column_letter
from riskreg.exchange.findings import shown
from riskreg.exchange.planning import Planning
from riskreg.exchange.returned import Table, at
from riskreg.exchange.values import Unreadable, read
from riskreg.records import ActionDraft, RiskDraft, RiskRecord
from riskreg.validation import (
    ACTION_FIELDS,
    RISK_FIELDS,
    check_fields,
    check_risk_consistency,
    check_shares,
    settle_kind,
)

UNRATED_DRAFTS = not RISK_FIELDS["inherent_likelihood"].required
"""Whether the register's rules let a Draft be unrated (no scores until it is scored)."""
_SCORES = ("inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact")
_WANTED_RISK = ("owner", "category")
_WANTED_ACTION = ("owner", "due_date")


@dataclass(frozen=True, slots=True)
class PendingAction:
    """A new action row, decided once the risks new actions name are read, all together."""

    table: Table
    values: dict[str, Any]
    cell_of: dict[str, str]
    first_cell: str


def read_new_row(
    p: Planning, table: Table, row: list[Any], excel_row: int, entity: str, no_value: set[str]
) -> PendingAction | None:
    """The values of a new row, or None when one cannot be read (an error, for its row)."""
    values: dict[str, Any] = {}
    errors = 0
    for index, column in table.columns.items():
        if not (column.editable or column.kind in ("risk_ref", "partner")):
            continue
        cell = f"{column_letter(index + 1)}{excel_row}"
        if cell in no_value:
            p.error(table.canonical, cell, "", column.field,
                    f"{table.name}!{cell}: {column.header.lower()} is a formula with no saved "
                    "result; type the value instead")  # fmt: skip
            errors += 1
            continue
        try:
            value = read(column, at(row, index), p.scheme)
        except Unreadable as exc:
            p.error(table.canonical, cell, "", column.field, f"{table.name}!{cell}: {exc}")
            errors += 1
            continue
        if value is not None and value != "":
            values[column.field] = value
    if errors:
        return None
    cell_of = {c.field: f"{column_letter(i + 1)}{excel_row}" for i, c in table.columns.items()}
    first_cell = cell_of.get("title" if entity == "risk" else "description", f"A{excel_row}")
    return PendingAction(table, values, cell_of, first_cell)


def propose_risk(p: Planning, new: PendingAction) -> None:
    table, values, cell_of, first_cell = new.table, dict(new.values), new.cell_of, new.first_cell
    sheet, where = table.canonical, f"{table.name}!{first_cell}"
    title = values.get("title", "")
    if not title:
        p.error(sheet, first_cell, "", "title",
                f"{where}: a new risk needs a title; this row has values but none, so it was "
                "not read")  # fmt: skip
        return
    if title in p.imported[0]:
        p.notes.append(f"“{title}” ({where}) was created by an earlier import of this workbook "
                       "and is not proposed again")  # fmt: skip
        return
    warnings: list[str] = []
    lead = _lead(p, values.pop("lead_partner", None), warnings)
    typed_status = values.pop("status", None)
    if typed_status not in (None, RiskStatus.DRAFT):
        warnings.append(f"entered as Draft (the workbook says {typed_status.value})")
    _complete_scores(p, values, warnings)
    unrated = values.get("inherent_likelihood") is None or values.get("inherent_impact") is None
    if unrated and not UNRATED_DRAFTS:
        p.error(sheet, cell_of.get("inherent_likelihood", first_cell), "", "inherent_likelihood",
                f"{where}: new risk “{title}” needs a likelihood and an impact (inherent or "
                "current) before this register can hold it")  # fmt: skip
        return
    missing = [RISK_FIELDS[name].label.lower() for name in _WANTED_RISK if name not in values]
    if missing:
        warnings.insert(0, "not given: " + ", ".join(missing))
    values["status"] = RiskStatus.DRAFT
    values["lead_partner"] = lead
    shares = values.pop("shares", None)
    if shares is not None and shares == ((lead, 100),):
        shares = None
    settle_kind(values)
    draft_fields = {k: v for k, v in values.items() if k in RiskDraft.__dataclass_fields__}
    draft = RiskDraft(**draft_fields, shares=shares)
    # What the row does not give is a warning above, not a problem: only given values are
    # checked (an unrated draft's empty scores included, by the rules between fields).
    checked = {k: v for k, v in draft_fields.items() if k in RISK_FIELDS and v is not None}
    problems = [(pr.field, pr.message) for pr in check_fields(checked, RISK_FIELDS, p.ctx)]
    if shares is not None:
        problems += [(pr.field, pr.message) for pr in check_shares(shares, p.ctx)]
    problems += [(pr.field, pr.message) for pr in check_risk_consistency(checked)]
    for field_name, message in problems:
        cell = cell_of.get(field_name, first_cell)
        p.error(sheet, cell, "", field_name, f"{table.name}!{cell}: new risk: {message}")
    if problems:
        return
    p.add("new", sheet, first_cell, "", "title", None, title,
          f"new risk proposed by {p.sender}, entered as Draft: {title}", "", draft)  # fmt: skip
    if warnings:
        p.add("warning", sheet, first_cell, "", "draft", None, None,
              f"{where}: new risk “{title}”: " + "; ".join(warnings))  # fmt: skip


def _lead(p: Planning, typed: Any, warnings: list[str]) -> str:
    """A new risk is led by the partner who sends it; the keeper's own workbook (the whole
    register) may name another active partner."""
    if typed and p.everything and typed in p.ctx.active_partners:
        return str(typed)
    if typed and typed != p.sender:
        warnings.append(
            f"led by {p.sender}, who sends it (the workbook says {typed}; a lead is changed "
            "in the register)"
        )
    return p.sender


def _complete_scores(p: Planning, values: dict[str, Any], warnings: list[str]) -> None:
    """Inherent levels taken from the current ones where only those are given (and the
    current from the inherent, as for any new risk). A level given without its other axis
    cannot score a risk: the draft is unrated, and the level is kept in its description."""
    typed = {name: values[name] for name in _SCORES if name in values}
    guesses = []
    for axis in ("likelihood", "impact"):
        inherent, current = f"inherent_{axis}", f"current_{axis}"
        if inherent not in values and current in values:
            values[inherent] = values[current]
            guesses.append(f"inherent {axis} taken from the current one")
        elif inherent in values and current not in values:
            guesses.append(f"current {axis} taken from the inherent one")
    if "inherent_likelihood" in values and "inherent_impact" in values:
        warnings.extend(guesses)
        return
    if not UNRATED_DRAFTS:
        return
    absent = "impact" if "inherent_likelihood" in values else "likelihood"
    for name in _SCORES:
        values[name] = None
    if typed:
        kept = ", ".join(
            f"{RISK_FIELDS[name].label.lower()} {_level_text(p, name, level)}"
            for name, level in typed.items()
        )
        note = f"From the workbook, which gave no {absent}: {kept}."
        description = values.get("description", "")
        values["description"] = f"{description}\n\n{note}" if description else note
        warnings.append(f"unrated until scored in the register (no {absent}; {kept} kept in "
                        "its description)")  # fmt: skip
    else:
        warnings.append("unrated until scored in the register (no likelihood or impact given)")


def _level_text(p: Planning, name: str, value: int) -> str:
    levels = p.scheme.likelihood if name.endswith("likelihood") else p.scheme.impact
    return f"{value} – {levels[value - 1].label}" if 1 <= value <= len(levels) else str(value)


def propose_action(p: Planning, new: PendingAction, risk: RiskRecord | None) -> None:
    table, values, cell_of, first_cell = new.table, new.values, new.cell_of, new.first_cell
    sheet, where = table.canonical, f"{table.name}!{first_cell}"
    risk_ref = values.get("risk_ref")
    description = values.get("description", "")
    cell = cell_of.get("risk_ref", first_cell)
    if not description:
        p.error(sheet, first_cell, risk_ref or "", "description",
                f"{where}: a new action needs a description; this row has values but none, "
                "so it was not read")  # fmt: skip
        return
    if risk is None:
        p.error(sheet, cell, "", "risk_ref",
                f"{table.name}!{cell}: a new action needs the ref of its risk"
                + (f"; there is no risk {risk_ref}" if risk_ref else ""))  # fmt: skip
        return
    if (risk.uuid, description) in p.imported[1]:
        p.notes.append(
            f"the action “{description[:60]}” on {risk.ref} ({where}) was created by an "
            "earlier import of this workbook and is not proposed again"
        )
        return
    if not p.may_change(risk, "risk"):
        p.add("rejected", sheet, cell, risk.ref, "", None, description,
              f"{p.sender} may not add actions to {risk.ref}: it is neither led nor shared by "
              f"{p.sender}")  # fmt: skip
        return
    warnings = []
    typed_partner = values.get("partner")
    if typed_partner and typed_partner != p.sender:
        warnings.append(f"owned by {p.sender}, who sends it (the workbook says {typed_partner})")
    missing = [ACTION_FIELDS[n].label.lower() for n in _WANTED_ACTION if n not in values]
    if missing:
        warnings.insert(0, "not given: " + ", ".join(missing))
    draft_fields = {k: v for k, v in values.items() if k in ActionDraft.__dataclass_fields__}
    draft_fields["partner"] = p.sender
    draft_fields.setdefault("status", ActionStatus.NOT_STARTED)
    draft_fields.setdefault("progress", 0)
    draft = ActionDraft(**{"description": description, **draft_fields})
    problems = check_fields(draft_fields | {"description": description}, ACTION_FIELDS, p.ctx)
    for problem in problems:
        at_cell = cell_of.get(problem.field, first_cell)
        p.error(sheet, at_cell, "", problem.field,
                f"{table.name}!{at_cell}: new action: {problem.message}")  # fmt: skip
    if problems:
        return
    p.add("new", sheet, first_cell, risk.ref, "description", None, description,
          f"new action on {risk.ref} proposed by {p.sender}: {description}", risk.uuid,
          (risk.uuid, draft))  # fmt: skip
    if warnings:
        p.add("warning", sheet, first_cell, risk.ref, "draft", None, None,
              f"{where}: new action on {risk.ref} ({shown(description)}): "
              + "; ".join(warnings))  # fmt: skip
