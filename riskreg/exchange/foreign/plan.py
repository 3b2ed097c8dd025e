"""What an import of another register would do, and doing it.

``plan_foreign`` reads the workbook, finds and maps the register (or takes the user's
mapping), turns every row into a finding, and checks each new risk as the register would,
without writing anything. Only a workbook with no risk table at all is refused (and one
exported from this very register, which has its own import); rows are never a reason to
refuse the rest. Risks that match one already in the register (by its ref, or by title)
are set apart as duplicates, left out unless the user picks them. ``apply_foreign`` writes
the new risks in one transaction as one change set, after a backup copy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskreg.exchange.export import EXCHANGE_SHEET, column_letter
from riskreg.exchange.foreign.build import Finding, RowBuilder
from riskreg.exchange.foreign.kinds import notes_on_signs
from riskreg.exchange.foreign.layout import ForeignRefused, Layout, analyse, collapse_marks
from riskreg.exchange.foreign.mapping import Mapping, proposed, table_named
from riskreg.exchange.foreign.rows import Skipped, data_rows, spans
from riskreg.exchange.reader import WorkbookRefused
from riskreg.exchange.scales import CHOSEN, MAPPED, text_of
from riskreg.exchange.sheets import Table, read_tables
from riskreg.exchange.vocabulary import alike, key
from riskreg.exchange.workbook import Workbook
from riskreg.progress import Progress
from riskreg.records import PartnerRecord, RiskDraft
from riskreg.validation import (
    RISK_FIELDS,
    Context,
    check_columns,
    check_risk_consistency,
    rating_problems,
)

if TYPE_CHECKING:
    from riskreg.service import RegisterService

KINDS = ("new", "duplicate", "picked", "warning", "read", "skipped", "error")
_OWN_REF = re.compile(r"^R-\d{3,}$")


@dataclass(frozen=True, slots=True)
class ForeignPlan:
    workbook: str
    mapping: Mapping
    items: tuple[Finding, ...]
    notes: tuple[str, ...]
    revision: int
    new_categories: tuple[str, ...] = ()

    @property
    def drafts(self) -> list[RiskDraft]:
        return [i.draft for i in self.items if i.kind == "new" and i.draft is not None]

    def count(self, kind: str) -> int:
        return sum(1 for item in self.items if item.kind == kind)

    @property
    def unrated(self) -> int:
        return sum(1 for d in self.drafts if d.current_likelihood is None)

    def summary(self) -> dict[str, int]:
        counts = {kind: self.count(kind) for kind in KINDS}
        counts["unrated"] = self.unrated
        return counts

    def report(self, *, applied: bool) -> dict[str, Any]:
        return {
            "workbook": self.workbook,
            "export_id": None,
            "sender": self.mapping.partner,
            "base_revision": self.revision,
            "applied": applied,
            "summary": self.summary(),
            "mapping": json.loads(self.mapping.to_json()),
            "notes": list(self.notes),
            "items": [item.as_json() for item in self.items],
        }


def read_workbook(path: Path) -> list[Table]:
    try:
        return read_tables(path)
    except WorkbookRefused as exc:
        raise ForeignRefused(str(exc)) from exc


def refuse_own_export(tables: Sequence[Table], register_uuid: str, name: str) -> None:
    """An exchange workbook of this register is merged, not brought in as new risks."""
    sheet = next((t for t in tables if t.name == EXCHANGE_SHEET), None)
    if sheet is None:
        return
    for row in sheet.rows[:20]:
        if len(row) > 1 and text_of(row[0]) == "register_uuid" and text_of(row[1]) == register_uuid:
            raise ForeignRefused(
                f"{name} was exported from this register (its hidden {EXCHANGE_SHEET} sheet "
                "says so), and bringing it in would copy every risk: use File ▸ Import "
                "returned workbook (python -m riskreg import) to merge a partner's edits"
            )


def plan_foreign(
    service: RegisterService,
    path: Path,
    mapping: Mapping | None = None,
    *,
    partner: str | None = None,
    tables: Sequence[Table] | None = None,
) -> ForeignPlan:
    """The risks a foreign workbook would add, and what was read in every cell."""
    tables = list(tables) if tables is not None else read_workbook(path)
    info = service.register_info()
    refuse_own_export(tables, info.uuid, path.name)
    partners = service.list_partners()
    codes = {p.code for p in partners if p.active}
    chosen = partner or (mapping.partner if mapping else "") or service.actor.partner_code
    chosen = chosen or info.keeper_code or ""
    if chosen not in codes:
        raise ForeignRefused(f"{chosen or 'no partner'} is not an active partner of this register")
    if mapping is None:
        mapping, rows, skipped = proposed(
            tables, analyse(tables, path.name), info.scheme, chosen, partners
        )
    else:
        if partner:
            mapping.partner = partner
        table = collapse_marks(table_named(tables, mapping.layout.sheet), mapping.layout.header_row)
        rows, skipped = data_rows(table, mapping.layout)
    layout = mapping.layout
    if not rows:
        raise no_risks(path.name, layout, skipped)
    uncached = _uncached(path, layout)
    categories = {key(c.name): c.name for c in service.list_categories()}
    known = set(categories.values())
    builder = RowBuilder(mapping, info.scheme, dict(categories), path.name, set(uncached))
    items: list[Finding] = []
    for row in rows:
        items.extend(builder.build(row))
    ctx = Context(info.scheme, frozenset(codes), frozenset(known | builder.new_categories))
    items = _checked(items, ctx, layout)
    items = _set_apart_duplicates(items, service, mapping)
    notes = [layout.explanation, *_missing_axes(layout)]
    notes += notes_on_signs([s for r in rows for s in r.signs], builder.headers, builder.letters)
    items += _skipped(skipped, layout)
    items += _uncached_findings(uncached, layout)
    items += _readings(builder, mapping)
    leads, lead_notes = _leads(builder, mapping, partners)
    items += leads
    notes += lead_notes
    wanted = {i.draft.category for i in items if i.kind == "new" and i.draft is not None}
    new_categories = tuple(sorted(c for c in wanted if c and c not in known))
    notes += _like_known(new_categories, known)
    return ForeignPlan(path.name, mapping, tuple(items), tuple(notes), info.revision,
                       new_categories)  # fmt: skip


def _like_known(new: Sequence[str], known: set[str]) -> list[str]:
    """A new category that looks like another form of one the register has is pointed
    out (the import makes it as it is written): two names for one kind of risk split the
    register's counts by category."""
    notes = []
    for category in new:
        other = alike(category, sorted(known))
        if other is not None:
            notes.append(
                f"the category “{category}” is new to the register, which has “{other}”: if "
                f"they are one, write “{other}” in the workbook's category column and "
                "import again; as it stands, the import adds “" + category + "”"
            )
    return notes


def no_risks(name: str, layout: Layout, skipped: Skipped | None = None) -> ForeignRefused:
    left = ""
    if skipped is not None and skipped.rows:
        left = "; " + "; ".join(message for _, _, message in skipped.lines())
    return ForeignRefused(
        f"{name} holds no risks: the header was found on sheet “{layout.sheet}” row "
        f"{layout.header_row + 1}, but no row below it has a title or description{left}"
    )


def require_rows(tables: Sequence[Table], layout: Layout, name: str) -> int:
    """How many risk rows lie under the header; an empty template is refused at once."""
    table = collapse_marks(table_named(tables, layout.sheet), layout.header_row)
    rows, skipped = data_rows(table, layout)
    if not rows:
        raise no_risks(name, layout, skipped)
    return len(rows)


# -- the parts of the report ------------------------------------------------------------------
def _missing_axes(layout: Layout) -> list[str]:
    fields = layout.fields
    missing = [axis for axis in ("likelihood", "impact")
               if not any(f.endswith(axis) and f != "ignored" for f in fields)]  # fmt: skip
    if not missing:
        return []
    return [f"No {' or '.join(missing)} column: every risk comes in as an unrated Draft, to be "
            "scored in the register"]  # fmt: skip


def _skipped(skipped: Skipped, layout: Layout) -> list[Finding]:
    letter = next((m.letter for m in layout.columns if m.field in ("title", "description")), "A")
    return [
        Finding("skipped", layout.sheet, f"{letter}{rows[0]}", "", "", message, row=rows[0])
        for kind, rows, message in skipped.lines()
    ]


def _uncached(path: Path, layout: Layout) -> list[str]:
    """Cells of mapped columns holding a formula with no saved result (.xlsx, .xlsm)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    letters = {m.letter for m in layout.columns if m.field and m.field != "ignored"}
    try:
        book = Workbook(path)
    except WorkbookRefused:
        return []
    first = layout.header_row + 2  # the first Excel row under the header
    try:
        found = book.formulas_without_values(layout.sheet, letters)
    except WorkbookRefused:
        return []
    finally:
        book.close()
    return sorted((c for c in found if int(c.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) >= first),
                  key=lambda c: (len(c), c))  # fmt: skip


def _uncached_findings(cells: Sequence[str], layout: Layout) -> list[Finding]:
    """One finding per column, not one per row: a script wrote the formulas, not Excel."""
    by_letter: dict[str, list[int]] = {}
    for cell in cells:
        letters = cell.rstrip("0123456789")
        by_letter.setdefault(letters, []).append(int(cell[len(letters) :]))
    out = []
    for match in layout.columns:
        rows = sorted(by_letter.get(match.letter, []))
        if not rows or match.field is None:
            continue
        scored = match.field.endswith(("likelihood", "impact"))
        consequence = (" and their risks come in as unrated Drafts (unless another column "
                       "scores them)") if scored else ""  # fmt: skip
        where = f"{match.letter}{rows[0]}" + (f":{match.letter}{rows[-1]}" if len(rows) > 1 else "")
        many = len(rows) != 1
        cells = f"{len(rows)} cells" if many else "1 cell"
        out.append(Finding(
            "warning", layout.sheet, where, match.field, "",
            f"{cells} of “{match.header}” (row{'s' * many} {spans(rows)}) hold{'s' * (not many)} "
            f"a formula with no saved result: read as empty{consequence}. Open and save the "
            "file in Excel or LibreOffice to fill them", row=rows[0],
        ))  # fmt: skip
    return out


def _readings(builder: RowBuilder, mapping: Mapping) -> list[Finding]:
    """How each value read from another scale became a level: once per distinct value, at
    the first cell holding it ("Risks!E6: 'VH' read as 5 – Almost certain")."""
    out = []
    for name, choices in mapping.scales.items():
        levels = builder.scheme.likelihood if name.endswith("likelihood") else builder.scheme.impact
        for choice in choices:
            cell = builder.first_cell.get((name, choice.value))
            if cell is None or choice.level is None or choice.kind not in (MAPPED, CHOSEN):
                continue
            more = choice.count - 1
            also = f", and in {more} more cell{'s' * (more != 1)}" if more > 0 else ""
            out.append(Finding(
                "read", mapping.layout.sheet, cell, name, choice.value,
                f"“{choice.value}” read as {levels[choice.level - 1].caption} "
                f"({choice.reason}){also}",
            ))  # fmt: skip
    return out


def _leads(
    builder: RowBuilder, mapping: Mapping, partners: Sequence[PartnerRecord]
) -> tuple[list[Finding], list[str]]:
    """Who leads the rows: each name read as a partner is reported, and no row goes to the
    chosen lead partner without a word."""
    names = {p.code: p.name for p in partners}
    by_column = "lead_partner" in mapping.layout.fields
    out: list[Finding] = []
    unmatched = []
    for text, count in mapping.lead_counts.items():
        cell = builder.lead_cells.get(text)
        if cell is None:
            continue
        rows = f"{count} row{'s' * (count != 1)}"
        code = mapping.leads.get(text)
        if code:
            how = mapping.lead_reasons.get(text, "chosen by you")
            out.append(Finding("read", mapping.layout.sheet, cell, "lead_partner", text,
                               f"“{text}” read as {code} – {names.get(code, code)} ({how}), "
                               f"{rows}"))  # fmt: skip
        elif by_column:
            out.append(Finding("warning", mapping.layout.sheet, cell, "lead_partner", text,
                               f"“{text}” names no partner of this register: its {rows} "
                               f"{'are' if count != 1 else 'is'} led by {mapping.partner} "
                               "(give it its partner in step 4, or --mapping)"))  # fmt: skip
        else:
            unmatched.append(text)
    notes = []
    if unmatched:
        shown = ", ".join(unmatched[:5]) + (" …" if len(unmatched) > 5 else "")
        notes.append(f"No partner or organisation column: the risks of owners who name no "
                     f"partner ({shown}) are led by {mapping.partner}")  # fmt: skip
    elif not mapping.lead_counts:
        notes.append(f"No partner or organisation column (nor any owner): every risk is led "
                     f"by {mapping.partner}")  # fmt: skip
    return out, notes


_CHECKED = tuple(
    name for name in RISK_FIELDS if name not in ("raised_on", "cost_min", "cost_max", "visibility")
)
_CONSISTENCY = ("target_likelihood", "target_impact", "cost_likely")


def _checked(items: list[Finding], ctx: Context, layout: Layout) -> list[Finding]:
    """A draft the register would still refuse becomes an error naming the cell. Checked
    field by field over all the drafts at once (the service's bulk rules), so a register of
    100,000 rows costs no Python call per value."""
    positions = [n for n, item in enumerate(items) if item.kind == "new" and item.draft]
    drafts = [items[n].draft for n in positions]
    columns = {name: [getattr(d, name) for d in drafts] for name in _CHECKED}
    found = check_columns(columns, RISK_FIELDS, ctx) + rating_problems(columns)
    for index, draft in enumerate(drafts):
        assert draft is not None
        if any(getattr(draft, name) is not None for name in _CONSISTENCY):
            values = {name: getattr(draft, name) for name in _CONSISTENCY}
            found += [(index, p) for p in check_risk_consistency(values)]
    out = list(items)
    for index, problem in sorted(found, key=lambda pair: pair[0]):
        item = out[positions[index]]
        if item.kind == "error":
            continue  # one error a row: the first problem
        column = layout.index_of(problem.field)
        letter = column_letter(column + 1) if column is not None else item.cell.rstrip("0123456789")
        out[positions[index]] = Finding("error", item.sheet, f"{letter}{item.row}", problem.field,
                                        item.value, f"{problem.message}: this row cannot come in",
                                        row=item.row)  # fmt: skip
    return out


def _set_apart_duplicates(
    items: list[Finding], service: RegisterService, mapping: Mapping
) -> list[Finding]:
    """A row whose ref or title is already in the register is left out unless picked."""
    existing = service.list_risks()
    by_ref = {r.ref: r for r in existing}
    by_title = {key(r.title): r for r in existing}
    out = []
    for item in items:
        draft = item.draft
        if item.kind != "new" or draft is None:
            out.append(item)
            continue
        ref = item.source_id
        found = by_ref.get(ref) if ref and _OWN_REF.match(ref) else None
        why = "the same ref"
        if found is None:
            found, why = by_title.get(key(draft.title)), "the same title"
        if found is None:
            out.append(item)
            continue
        what = f"matches {found.ref} “{found.title}” already in this register ({why})"
        if item.row in mapping.picked:
            out.append(item)
            out.append(replace(item, kind="picked", message=f"{what}: brought in as you chose"))
        else:
            out.append(replace(item, kind="duplicate",
                               message=f"{what}: left out unless you pick it"))  # fmt: skip
    return out


# -- applying -------------------------------------------------------------------------------
def apply_foreign(
    service: RegisterService, plan: ForeignPlan, *, progress: Progress | None = None
) -> list[str]:
    """Write the plan's new risks (and any new categories) as one change set, after the
    service's backup copy; the uuids."""
    drafts = plan.drafts
    if not drafts:
        return []
    actor = replace(service.actor, source=f"import of {plan.workbook}"[:300])
    return service.with_actor(actor).import_risks(
        drafts,
        new_categories=plan.new_categories,
        summary=f"Import of {plan.workbook} (another register): {len(drafts)} risks",
        expected_revision=plan.revision,
        progress=progress,
    )
