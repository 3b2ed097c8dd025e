"""Bring in a register this application did not write: find it, map it, preview it.

``analyse`` finds the sheet and header row that look most like a risk register (the most
known headers within the first rows, from any column, a group row above taken into
account) and matches each header to a field by the names in ``columns.FOREIGN_NAMES``;
``propose_mapping`` adds a level for every likelihood and impact value; ``plan_foreign``
turns the rows into new risks (or errors naming their cells) without writing anything;
``apply_foreign`` writes them in one transaction as one change set. A mapping is plain
JSON, so it can be corrected by the user and saved for the next file from the same partner.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskreg.choices import Proximity, Response, RiskStatus
from riskreg.errors import RegisterError
from riskreg.exchange.columns import FOREIGN_NAMES, fold
from riskreg.exchange.export import column_letter
from riskreg.exchange.importer import Item
from riskreg.exchange.reader import Workbook, WorkbookRefused
from riskreg.exchange.scales import ScaleChoice, propose, text_of
from riskreg.exchange.sheets import Table, read_tables
from riskreg.exchange.values import parse_date
from riskreg.progress import Progress
from riskreg.records import ActionDraft, RiskDraft
from riskreg.scoring import ScoringScheme
from riskreg.validation import RISK_FIELDS, Context, check_fields, check_risk_consistency

if TYPE_CHECKING:
    from riskreg.service import RegisterService

HEADER_SEARCH_ROWS = 30
MIN_FIELDS = 2
SCALE_FIELDS = ("inherent_likelihood", "inherent_impact", "current_likelihood",
                "current_impact", "target_likelihood", "target_impact")  # fmt: skip
RAID_KINDS = {"risk", "issue", "assumption", "dependency", "action", "decision", "opportunity"}
MAPPING_VERSION = 1


class ForeignRefused(RegisterError):
    """The file holds no register that can be brought in; the message says why."""


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    index: int
    header: str
    field: str | None
    confidence: float
    reason: str

    @property
    def letter(self) -> str:
        return column_letter(self.index + 1)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the register is in the workbook, and what each of its columns holds."""

    sheet: str
    header_row: int
    """0-based index of the label row; Excel's row number is one more."""
    columns: tuple[ColumnMatch, ...]
    explanation: str
    score: float = 0.0

    def index_of(self, field_name: str) -> int | None:
        for match in self.columns:
            if match.field == field_name:
                return match.index
        return None


@dataclass(slots=True)
class Mapping:
    """Everything the user can correct: columns, scale levels, partner, choices."""

    layout: Layout
    scales: dict[str, list[ScaleChoice]]
    partner: str
    status: RiskStatus = RiskStatus.DRAFT
    raid: str = "skip"
    """``skip`` leaves a RAID log's issues, assumptions and dependencies out; ``category``
    brings them in with their kind as the category."""
    keep_source_ids: bool = True
    leads: dict[str, str] = field(default_factory=dict)
    """Who leads each row: the text of the file's partner column (or, without one, of its
    owner column) → a partner code; a text not here, or mapped to "", takes ``partner``."""
    lead_counts: dict[str, int] = field(default_factory=dict)

    def level(self, field_name: str, value: Any) -> int | None:
        key = text_of(value)
        for choice in self.scales.get(field_name, ()):
            if choice.value == key:
                return choice.level
        return None

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": MAPPING_VERSION,
                "sheet": self.layout.sheet,
                "header_row": self.layout.header_row + 1,
                "columns": [
                    {"column": m.letter, "header": m.header, "field": m.field}
                    for m in self.layout.columns
                ],
                "scales": {
                    name: {c.value: c.level for c in choices}
                    for name, choices in self.scales.items()
                },
                "partner": self.partner,
                "status": self.status.value,
                "raid": self.raid,
                "keep_source_ids": self.keep_source_ids,
                "leads": self.leads,
            },
            indent=2,
            ensure_ascii=False,
        )


@dataclass(frozen=True, slots=True)
class ForeignPlan:
    workbook: str
    mapping: Mapping
    items: tuple[Item, ...]
    notes: tuple[str, ...]
    revision: int
    new_categories: tuple[str, ...] = ()

    @property
    def drafts(self) -> list[RiskDraft]:
        return [i.draft for i in self.items if i.kind == "new" and isinstance(i.draft, RiskDraft)]

    def count(self, kind: str) -> int:
        return sum(1 for item in self.items if item.kind == kind)

    def report(self, *, applied: bool) -> dict[str, Any]:
        return {
            "workbook": self.workbook,
            "export_id": None,
            "sender": self.mapping.partner,
            "base_revision": self.revision,
            "applied": applied,
            "summary": {
                "new": self.count("new"),
                "rejected": self.count("rejected"),
                "error": self.count("error"),
            },
            "mapping": json.loads(self.mapping.to_json()),
            "notes": list(self.notes),
            "items": [item.as_json() for item in self.items],
        }


# -- finding the register -----------------------------------------------------------------
_NAMES: dict[str, tuple[str, float]] = {}
for _field, _names in FOREIGN_NAMES.items():
    for _rank, _name in enumerate(_names):
        _NAMES.setdefault(fold(_name), (_field, 1.0 if _rank == 0 else 0.9))


def match_header(label: Any, group: Any = "") -> tuple[str | None, float, str]:
    """The field a header names, how sure, and why; a group title above helps
    (``Inherent`` over ``Likelihood``)."""
    text = " ".join(text_of(label).split())
    if not text or isinstance(label, int | float):
        return None, 0.0, ""
    group_text = text_of(group)
    if group_text and fold(group_text) != fold(text):
        found = _NAMES.get(fold(group_text + text))
        if found:
            return found[0], 1.0, f"“{group_text}” + “{text}”"
    found = _NAMES.get(fold(text))
    if found:
        return found[0], found[1], f"“{text}” is a name for {found[0].replace('_', ' ')}"
    folded = fold(text)
    for name, (target, _) in _NAMES.items():
        if len(name) >= 6 and folded.startswith(name):
            return target, 0.6, f"“{text}” begins with a name for {target.replace('_', ' ')}"
    return None, 0.0, ""


MARKS = {"x", "✓", "✔", "yes", "y", "1", "•", "*"}


def collapse_marks(table: Table, header_row: int) -> Table:
    """Scales ticked with an ``X`` in one of several columns become one column of values.

    A group title above (``Likelihood`` over ``Rare | Unlikely | … | Almost certain``, or
    over ``1 | 2 | 3 | 4 | 5``) whose columns hold at most one mark per row is read as a
    single column holding, in each row, the label of the marked column.
    """
    if header_row == 0 or header_row >= len(table.rows):
        return table
    above, labels = table.rows[header_row - 1], table.rows[header_row]
    runs: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(above) + 1):
        if index == len(above) or text_of(above[index]) != text_of(above[start]):
            if index - start >= 3 and text_of(above[start]):
                runs.append((start, index))
            start = index
    if not runs:
        return table
    rows = [list(r) for r in table.rows]
    for first, end in runs:
        body = [r[first:end] for r in rows[header_row + 1 :]]
        ticked = [[fold(text_of(v)) for v in cells] for cells in body]
        if not any(any(t) for t in ticked):
            continue
        if not all(all(t == "" or t in _FOLDED_MARKS for t in row) and sum(map(bool, row)) <= 1
                   for row in ticked):  # fmt: skip
            continue
        names = [text_of(labels[i]) if i < len(labels) else "" for i in range(first, end)]
        rows[header_row][first] = text_of(above[first])
        rows[header_row - 1][first] = ""
        for column in range(first + 1, end):
            rows[header_row][column] = ""
            rows[header_row - 1][column] = ""
        for row, marks in zip(rows[header_row + 1 :], ticked, strict=False):
            chosen = next((names[i] for i, mark in enumerate(marks) if mark), "")
            while len(row) < end:
                row.append("")
            row[first] = chosen
            for column in range(first + 1, end):
                row[column] = ""
    return Table(table.name, rows, table.visible, table.merged_across)


_FOLDED_MARKS = {fold(mark) for mark in MARKS}


def layout_at(table: Table, header_row: int) -> Layout:
    """The columns of ``table`` read with ``header_row`` as the labels (the user's choice)."""
    labels = table.rows[header_row] if header_row < len(table.rows) else []
    above = list(table.rows[header_row - 1]) if header_row > 0 else []
    group_row_used = sum(1 for v in above if text_of(v)) < sum(1 for v in labels if text_of(v))
    if group_row_used:
        above = _spread_groups(above, len(labels))
    matches: list[ColumnMatch] = []
    for index, label in enumerate(labels):
        group = above[index] if group_row_used and index < len(above) else ""
        target, confidence, reason = match_header(label, group)
        shown = " ".join(text_of(label).split())
        if group and text_of(group) and fold(text_of(group)) != fold(shown):
            shown = f"{text_of(group)} / {shown}"
        if shown:
            matches.append(ColumnMatch(index, shown, target, confidence, reason))
    matches = _one_column_per_field(matches)
    fields = {m.field for m in matches if m.field}
    score = len(fields) + (1.5 if fields & {"title", "description"} else 0)
    score -= 0.0 if table.visible else 0.5
    found = ", ".join(sorted(f.replace("_", " ") for f in fields if f)) or "nothing"
    explanation = (
        f"Sheet “{table.name}”, header in row {header_row + 1}: {len(fields)} columns "
        f"recognised ({found})."
    )
    return Layout(table.name, header_row, tuple(matches), explanation, score)


def _spread_groups(above: list[Any], width: int) -> list[Any]:
    """A group title stands over the empty cells to its right until the next title, as a
    merged cell would (formats such as .ods come without their merges)."""
    spread = list(above) + [""] * max(0, width - len(above))
    current: Any = ""
    for index in range(width):
        if text_of(spread[index]):
            current = spread[index]
        elif current:
            spread[index] = current
    return spread


def _one_column_per_field(matches: list[ColumnMatch]) -> list[ColumnMatch]:
    """Where two columns claim a field, the surer (then the first) keeps it."""
    best: dict[str, ColumnMatch] = {}
    for match in matches:
        if match.field is None:
            continue
        held = best.get(match.field)
        if held is None or match.confidence > held.confidence:
            best[match.field] = match
    out = []
    for match in matches:
        if match.field is not None and best[match.field] is not match:
            kept = best[match.field]
            match = replace(match, field=None, confidence=0.0,
                            reason=f"also looks like {match.field.replace('_', ' ')}; "
                                   f"column {kept.letter} “{kept.header}” is used")  # fmt: skip
        out.append(match)
    # One generic likelihood / impact pair stands for both inherent and current.
    return out


def candidate_layouts(tables: Sequence[Table]) -> list[Layout]:
    """Every plausible sheet and header row, best first (the wizard offers them all)."""
    found = []
    for table in tables:
        for row in range(min(HEADER_SEARCH_ROWS, len(table.rows))):
            if sum(1 for v in table.rows[row] if text_of(v)) < MIN_FIELDS:
                continue
            layout = layout_at(collapse_marks(table, row), row)
            fields = {m.field for m in layout.columns if m.field}
            if len(fields) >= MIN_FIELDS and fields & {"title", "description"}:
                found.append(layout)
    found.sort(key=lambda lay: -lay.score)
    return found


def analyse(tables: Sequence[Table], path_name: str) -> Layout:
    layouts = candidate_layouts(tables)
    if not layouts:
        sheets = ", ".join(f"“{t.name}”" for t in tables) or "none"
        raise ForeignRefused(
            f"{path_name} holds no risk register: no sheet ({sheets}) has a header row with "
            "a title or description column and at least one other known column "
            "(likelihood, impact, owner, status …) within its first "
            f"{HEADER_SEARCH_ROWS} rows"
        )
    best = layouts[0]
    others = [lay for lay in layouts[1:] if lay.sheet != best.sheet][:1]
    why = best.explanation
    if others:
        why += f" The next best was sheet “{others[0].sheet}” with fewer recognised columns."
    return replace(best, explanation=why)


# -- rows ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SourceRow:
    excel_row: int
    values: dict[str, Any]
    """Field → raw cell, for the mapped columns that hold something."""


def data_rows(table: Table, layout: Layout, notes: list[str]) -> list[SourceRow]:
    """The rows below the header that are risks; blank, totals, id-only and note rows are
    left out (and counted in ``notes``)."""
    mapped = [(m.index, m.field) for m in layout.columns if m.field]
    rows: list[SourceRow] = []
    skipped = {"total": 0, "id only": 0, "note": 0}
    for index in range(layout.header_row + 1, len(table.rows)):
        cells = table.rows[index]
        if not any(text_of(v) for v in cells):
            continue
        values = {f: cells[i] for i, f in mapped if i < len(cells) and text_of(cells[i])}
        first_text = next((text_of(v) for v in cells if isinstance(v, str) and v.strip()), "")
        if re.match(r"^(grand\s+)?totals?\b|^sum\b", first_text, re.IGNORECASE):
            skipped["total"] += 1
            continue
        if not (values.keys() & {"title", "description"}):
            if values and set(values) <= {"source_id"}:
                skipped["id only"] += 1
            else:
                skipped["note"] += 1
            continue
        rows.append(SourceRow(index + 1, values))
    for kind, count in skipped.items():
        if count:
            what = {"total": "totals rows", "id only": "rows holding only an id",
                    "note": "rows with no title or description (notes, legends)"}[kind]  # fmt: skip
            notes.append(f"{count} {what} left out")
    return rows


def propose_mapping(
    tables: Sequence[Table],
    layout: Layout,
    scheme: ScoringScheme,
    partner: str,
    partners: Sequence[Any] | None = None,
) -> Mapping:
    table = collapse_marks(next(t for t in tables if t.name == layout.sheet), layout.header_row)
    rows = data_rows(table, layout, [])
    scales: dict[str, list[ScaleChoice]] = {}
    for name in SCALE_FIELDS:
        if layout.index_of(name) is None:
            continue
        axis = "likelihood" if name.endswith("likelihood") else "impact"
        levels = scheme.likelihood if axis == "likelihood" else scheme.impact
        same_axis = [f for f in SCALE_FIELDS if f.endswith(axis) and f != name]
        scales[name] = propose(
            (r.values[name] for r in rows if name in r.values),
            levels,
            axis=axis,
            siblings=[r.values[f] for r in rows for f in same_axis if f in r.values],
        )
    mapping = Mapping(layout, scales, partner)
    propose_leads(mapping, rows, partners or [])
    return mapping


def lead_text(values: dict[str, Any]) -> str:
    """What says who leads a row: its partner column, else its owner."""
    return text_of(values.get("lead_partner") or values.get("owner") or "")


def propose_leads(mapping: Mapping, rows: Sequence[SourceRow], partners: Sequence[Any]) -> None:
    """A partner for each distinct lead text that names one (by code or name)."""
    by_name = {fold(p.code): p.code for p in partners if p.active}
    by_name.update({fold(p.name): p.code for p in partners if p.active})
    counts: dict[str, int] = {}
    for row in rows:
        text = lead_text(row.values)
        if text:
            counts[text] = counts.get(text, 0) + 1
    mapping.lead_counts = counts
    for text in counts:
        found = by_name.get(fold(text))
        if found and text not in mapping.leads:
            mapping.leads[text] = found


def _no_risks(name: str, layout: Layout) -> ForeignRefused:
    return ForeignRefused(
        f"{name} holds no risks: the header was found on sheet “{layout.sheet}” row "
        f"{layout.header_row + 1}, but no row below it has a title or description"
    )


def require_rows(tables: Sequence[Table], layout: Layout, name: str) -> int:
    """How many risk rows lie under the header; an empty template is refused at once."""
    table = next(t for t in tables if t.name == layout.sheet)
    count = len(data_rows(collapse_marks(table, layout.header_row), layout, []))
    if not count:
        raise _no_risks(name, layout)
    return count


def read_workbook(path: Path) -> list[Table]:
    try:
        return read_tables(path)
    except WorkbookRefused as exc:
        raise ForeignRefused(str(exc)) from exc


# -- planning -----------------------------------------------------------------------------
_STATUS_WORDS = {
    RiskStatus.OPEN: ("open", "active", "live", "current", "ongoing", "new", "identified",
                      "in progress", "monitor", "monitoring", "mitigate"),
    RiskStatus.CLOSED: ("closed", "resolved", "done", "retired", "complete", "completed",
                        "expired", "inactive"),
    RiskStatus.ESCALATED: ("escalated", "escalate"),
    RiskStatus.DRAFT: ("draft", "proposed", "candidate"),
}  # fmt: skip
_RESPONSE_WORDS = {
    Response.TREAT: ("treat", "mitigate", "reduce", "control", "manage"),
    Response.TOLERATE: ("tolerate", "accept", "retain", "monitor"),
    Response.TRANSFER: ("transfer", "share", "insure", "outsource"),
    Response.TERMINATE: ("terminate", "avoid", "eliminate", "stop"),
    Response.EXPLOIT: ("exploit", "enhance", "take"),
}
_PROXIMITY_WORDS = (
    (Proximity.IMMINENT, ("imminent", "this month", "now", "immediate", "within a month",
                          "next month", "this week")),
    (Proximity.NEAR, ("next 3 months", "next 6 months", "within 6 months", "this quarter",
                      "next quarter", "short term", "3 months", "6 months")),
    (Proximity.YEAR, ("within 12 months", "this year", "next year", "12 months",
                      "medium term", "within a year")),
    (Proximity.LATER, ("far away", "beyond 12 months", "later", "long term", "beyond")),
)  # fmt: skip


def _word_choice(text: str, table: dict[Any, tuple[str, ...]]) -> Any:
    wanted = " ".join(text.casefold().split())
    for member, words in table.items():
        if wanted in words or fold(wanted) == fold(str(getattr(member, "value", ""))):
            return member
    return None


def _proximity(text: str) -> Proximity | None:
    wanted = " ".join(text.casefold().split())
    for member, words in _PROXIMITY_WORDS:
        if wanted in words or fold(wanted) == fold(member.value) or any(w in wanted for w in words):
            return member
    return None


def plan_foreign(
    service: RegisterService,
    path: Path,
    mapping: Mapping | None = None,
    *,
    partner: str | None = None,
    tables: Sequence[Table] | None = None,
) -> ForeignPlan:
    """The risks a foreign workbook would add, and every cell that cannot be read."""
    tables = list(tables) if tables is not None else read_workbook(path)
    info = service.register_info()
    partners = service.list_partners()
    codes = {p.code for p in partners if p.active}
    chosen = partner or (mapping.partner if mapping else "") or service.actor.partner_code
    chosen = chosen or info.keeper_code or ""
    if chosen not in codes:
        raise ForeignRefused(f"{chosen or 'no partner'} is not an active partner of this register")
    if mapping is None:
        layout = analyse(tables, path.name)
        mapping = propose_mapping(tables, layout, info.scheme, chosen, partners)
    elif partner:
        mapping.partner = partner
    table = next((t for t in tables if t.name == mapping.layout.sheet), None)
    if table is None:
        raise ForeignRefused(f"{path.name} has no sheet “{mapping.layout.sheet}”")
    table = collapse_marks(table, mapping.layout.header_row)
    notes: list[str] = []
    rows = data_rows(table, mapping.layout, notes)
    if not rows:
        raise _no_risks(path.name, mapping.layout)
    categories = {fold(c.name): c.name for c in service.list_categories()}
    builder = _Builder(mapping, info.scheme, categories, partners, path.name)
    items: list[Item] = []
    for row in rows:
        items.extend(builder.build(row, table.name))
    builder.finish()
    notes.extend(builder.notes)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _warn_uncached(path, mapping.layout, table.name, notes)
    ctx = Context(
        info.scheme, frozenset(codes), frozenset(categories.values()) | builder.new_categories
    )
    items = [_checked(item, ctx, mapping.layout, table.name) for item in items]
    own_ids = {r.excel_row: text_of(r.values.get("source_id", "")) for r in rows}  # issue 18
    items = refuse_existing(service, items, own_ids)  # issue 18
    known = set(categories.values())
    wanted = {i.draft.category for i in items if isinstance(i.draft, RiskDraft) and i.kind == "new"}
    new_categories = tuple(sorted(c for c in wanted if c and c not in known))
    return ForeignPlan(path.name, mapping, tuple(items), tuple(notes), info.revision,
                       new_categories)  # fmt: skip


def _warn_uncached(path: Path, layout: Layout, sheet: str, notes: list[str]) -> None:
    letters = {m.letter for m in layout.columns if m.field}
    try:
        book = Workbook(path)
    except WorkbookRefused:
        return
    try:
        empty = book.formulas_without_values(sheet, letters)
    except WorkbookRefused as exc:  # calamine read the cells; the file's own parts did not
        notes.append(
            f"{exc}; cells holding a formula with no saved result (if any) were read as "
            "empty. Open and save the file in Excel or LibreOffice and import it again to "
            "be sure"
        )
        return
    finally:
        book.close()
    if empty:
        shown = ", ".join(sorted(empty)[:8]) + (" …" if len(empty) > 8 else "")
        notes.append(
            f"{len(empty)} cells hold a formula with no saved result and were read as empty "
            f"({shown}); open and save the file in Excel or LibreOffice to fill them"
        )


class _Builder:
    """One source row → a draft risk, or errors naming the cells that stop it."""

    def __init__(
        self,
        mapping: Mapping,
        scheme: ScoringScheme,
        categories: dict[str, str],
        partners: Sequence[Any],
        workbook: str,
    ) -> None:
        self.mapping = mapping
        self.scheme = scheme
        self.categories = categories
        self.partner_by_name = {fold(p.code): p.code for p in partners if p.active}
        self.partner_by_name.update({fold(p.name): p.code for p in partners if p.active})
        self.workbook = workbook
        self.new_categories: set[str] = set()
        self.notes: list[str] = []
        self._raid_left = 0
        self.letters = {m.field: m.letter for m in mapping.layout.columns if m.field}

    def cell(self, name: str, row: SourceRow) -> str:
        return f"{self.letters.get(name, 'A')}{row.excel_row}"

    def build(self, row: SourceRow, sheet: str) -> list[Item]:
        v = row.values
        errors: list[Item] = []

        def error(name: str, message: str) -> None:
            where = self.cell(name, row)
            errors.append(Item("error", sheet, where, "", name, None, text_of(v.get(name)),
                               f"{sheet}!{where}: {message}"))  # fmt: skip

        raid = fold(text_of(v.get("raid_type", "")))
        category_text = text_of(v.get("category", ""))
        if not raid and fold(category_text) in RAID_KINDS:  # a RAID log's kind as "Type"
            raid, category_text = fold(category_text), ""
        if raid and raid != "risk":
            if self.mapping.raid == "skip":
                self._raid_left += 1
                return []
            category_text = raid.capitalize()
        levels: dict[str, int | None] = {}
        for name in SCALE_FIELDS:
            if name in v:
                level = self.mapping.level(name, v[name])
                if level is None:
                    error(name, f"{name.replace('_', ' ')} “{text_of(v[name])}” has no level in "
                                "the mapping; choose one")  # fmt: skip
                levels[name] = level
        inherent = (levels.get("inherent_likelihood"), levels.get("inherent_impact"))
        current = (levels.get("current_likelihood"), levels.get("current_impact"))
        if inherent == (None, None):
            inherent = current  # one pair of ratings: the risk as it stands
        if current == (None, None):
            current = inherent
        if None in inherent and not errors:
            missing = "inherent_likelihood" if inherent[0] is None else "inherent_impact"
            source = missing if missing in v else missing.replace("inherent", "current")
            error(source, f"{source.split('_')[-1]} is empty; a risk needs a likelihood "
                          "and an impact")  # fmt: skip
        title = text_of(v.get("title", ""))
        description = text_of(v.get("description", ""))
        if not title:
            title = _first_sentence(description)
        lead = self._lead(v)
        status = self.mapping.status
        if "status" in v:
            found = _word_choice(text_of(v["status"]), _STATUS_WORDS)
            if found is RiskStatus.CLOSED:
                status = RiskStatus.CLOSED
        response = Response.TREAT
        if "response" in v:
            response = _word_choice(text_of(v["response"]), _RESPONSE_WORDS) or Response.TREAT
        proximity = _proximity(text_of(v["proximity"])) if "proximity" in v else None
        dates: dict[str, date | None] = {}
        for name in ("raised_on", "last_reviewed", "next_review", "target_date"):
            if name in v:
                found_date = parse_date(v[name])
                if found_date is None:
                    error(name, f"{name.replace('_', ' ')} “{text_of(v[name])}” is not a date")
                dates[name] = found_date
        category = None
        if category_text:
            category = self.categories.get(fold(category_text))
            if category is None:
                category = category_text
                self.new_categories.add(category_text)
        cost = None
        if "cost_likely" in v:
            try:
                cost = round(float(text_of(v["cost_likely"]).replace(",", "").lstrip("£$€")))
            except ValueError:
                error("cost_likely", f"cost “{text_of(v['cost_likely'])}” is not an amount")
        if errors:
            return errors
        if self.mapping.keep_source_ids and "source_id" in v:
            description = (description + "\n\n" if description else "") + (
                f"(Imported from {self.workbook}, where it was {text_of(v['source_id'])}.)"
            )
        actions: tuple[ActionDraft, ...] = ()
        if "action" in v:
            actions = (ActionDraft(text_of(v["action"]), lead),)
        assert None not in inherent
        assert None not in current
        draft = RiskDraft(
            title=title,
            lead_partner=lead,
            inherent_likelihood=inherent[0],  # type: ignore[arg-type]
            inherent_impact=inherent[1],  # type: ignore[arg-type]
            current_likelihood=current[0],
            current_impact=current[1],
            description=description,
            cause=text_of(v.get("cause", "")),
            consequence=text_of(v.get("consequence", "")),
            category=category,
            status=status,
            owner=text_of(v.get("owner", "")),
            response=response,
            controls=text_of(v.get("controls", "")),
            target_likelihood=levels.get("target_likelihood"),
            target_impact=levels.get("target_impact"),
            target_date=dates.get("target_date"),
            proximity=proximity,
            cost_likely=cost,
            raised_on=dates.get("raised_on"),
            last_reviewed=dates.get("last_reviewed"),
            next_review=dates.get("next_review"),
            actions=actions,
        )
        where = self.cell("title" if "title" in v else "description", row)
        return [Item("new", sheet, where, "", "title", None, title,
                     f"new risk from row {row.excel_row}: {title}", "", draft)]  # fmt: skip

    def _lead(self, values: dict[str, Any]) -> str:
        return self.mapping.leads.get(lead_text(values)) or self.mapping.partner

    def finish(self) -> None:
        if self._raid_left:
            self.notes.append(
                f"{self._raid_left} issues, assumptions or dependencies of the RAID log were "
                "left out (choose “bring them in as a category” to keep them)"
            )


def _checked(item: Item, ctx: Context, layout: Layout, sheet: str) -> Item:
    """A draft the register would refuse becomes an error naming the cell."""
    draft = item.draft
    if not isinstance(draft, RiskDraft):
        return item
    values = {name: getattr(draft, name) for name in RISK_FIELDS if hasattr(draft, name)}
    values = {k: v for k, v in values.items() if v is not None and k not in ("raised_on",)}
    problems = check_fields(values, RISK_FIELDS, ctx) + check_risk_consistency(values)
    if not problems:
        return item
    problem = problems[0]
    row = re.sub(r"^[A-Z]+", "", item.cell)
    index = layout.index_of(problem.field)
    where = f"{column_letter(index + 1)}{row}" if index is not None else item.cell
    return Item("error", sheet, where, "", problem.field, None, None,
                f"{sheet}!{where}: {problem.message}")  # fmt: skip


# -- issue 18: rows the register already holds (begin) ----------------------------------
def refuse_existing(
    service: RegisterService, items: Sequence[Item], own_ids: dict[int, str]
) -> list[Item]:
    """New risks whose title, or whose own id in the file, is already a risk of this
    register become **rejected** (not imported) unless chosen one by one: a copy of an
    exchange workbook brought in here would otherwise make every row a duplicate."""
    risks = service.list_risks()
    by_title = {fold(r.title): r.ref for r in risks}
    refs = {r.ref for r in risks}
    checked = []
    for item in items:
        draft = item.draft
        if item.kind != "new" or not isinstance(draft, RiskDraft):
            checked.append(item)
            continue
        own = own_ids.get(int(re.sub(r"^[A-Z]+", "", item.cell) or 0), "").strip()
        if own in refs:
            why = f"its id in the file, {own}, is a risk of this register"
        elif fold(draft.title) in by_title:
            why = f"the register has a risk of that title, {by_title[fold(draft.title)]}"
        else:
            checked.append(item)
            continue
        checked.append(replace(item, kind="rejected", message=(
            f"{item.sheet}!{item.cell}: “{draft.title}” is not imported: {why}. Choose it "
            "to import it all the same (Import exchange workbook, or by ref, updates a risk "
            "the register holds)"
        )))  # fmt: skip
    return checked


def choose_existing(plan: ForeignPlan, cells: Sequence[str]) -> ForeignPlan:
    """The plan with the rejected rows at ``cells`` chosen after all, one by one."""
    wanted = set(cells)
    items = tuple(
        replace(i, kind="new", message=f"new risk (chosen): {i.new}")
        if i.kind == "rejected" and i.cell in wanted and isinstance(i.draft, RiskDraft)
        else i
        for i in plan.items
    )
    return replace(plan, items=items)


# -- issue 18 (end) -----------------------------------------------------------------------


def _first_sentence(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0]
    return first if len(first) <= 300 else first[:297].rstrip() + "…"


# -- applying and saved mappings ----------------------------------------------------------
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


def load_mapping(
    text: str,
    tables: Sequence[Table],
    scheme: ScoringScheme,
    partners: Sequence[Any] | None = None,
) -> Mapping:
    """A saved mapping applied to a new file of the same shape; checked against it."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ForeignRefused(f"the mapping file is not valid JSON: {exc}") from exc
    if data.get("version") != MAPPING_VERSION:
        raise ForeignRefused("the mapping file was written by another version of the application")
    table = next((t for t in tables if t.name == data.get("sheet")), None)
    if table is None:
        raise ForeignRefused(
            f"the workbook has no sheet “{data.get('sheet')}” named in the mapping"
        )
    header_row = int(data["header_row"]) - 1
    layout = layout_at(collapse_marks(table, header_row), header_row)
    by_letter = {c["column"]: c.get("field") for c in data.get("columns", [])}
    columns = tuple(
        replace(m, field=by_letter.get(m.letter, m.field), confidence=1.0,
                reason="from the saved mapping")
        if m.letter in by_letter else m
        for m in layout.columns
    )  # fmt: skip
    layout = replace(layout, columns=columns)
    mapping = propose_mapping(tables, layout, scheme, str(data.get("partner", "")), partners)
    for name, levels in (data.get("scales") or {}).items():
        known = {c.value: c for c in mapping.scales.get(name, [])}
        merged = []
        for value, level in levels.items():
            choice = known.pop(value, ScaleChoice(value, None, "", 0))
            merged.append(replace(choice, level=level, reason="from the saved mapping"))
        merged.extend(known.values())
        mapping.scales[name] = merged
    mapping.status = RiskStatus(data.get("status", RiskStatus.DRAFT.value))
    mapping.raid = data.get("raid", "skip")
    mapping.keep_source_ids = bool(data.get("keep_source_ids", True))
    mapping.leads.update({k: v for k, v in (data.get("leads") or {}).items() if v})
    return mapping
