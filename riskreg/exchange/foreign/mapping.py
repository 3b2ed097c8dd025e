"""Everything the user can correct about an import: columns, scale levels, partners, choices.

``propose_mapping`` looks at the values under each column once the header is found: a
likelihood or impact column that holds sentences is the risk's consequence (or its notes),
not a scale, and the column beside it that also claimed the field is used; every distinct
likelihood and impact value gets a level (``exchange.scales``); the file's partner or
organisation column (or, without one, its owners) is matched to partners by code, name,
initials or a close name. A mapping is plain JSON, saved for the next file of the same shape.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from riskreg.choices import RiskStatus, Visibility
from riskreg.exchange.foreign.layout import (
    SCALE_FIELDS,
    ForeignRefused,
    Layout,
    collapse_marks,
    layout_at,
)
from riskreg.exchange.foreign.rows import Skipped, SourceRow, data_rows
from riskreg.exchange.scales import CHOSEN, ScaleChoice, is_prose, propose, text_of
from riskreg.exchange.sheets import Table
from riskreg.exchange.vocabulary import key, vocabulary, words_key
from riskreg.records import PartnerRecord
from riskreg.scoring import ScoringScheme

MAPPING_VERSION = 1
FIELDS: dict[str, str] = {
    "title": "Title", "description": "Description", "cause": "Cause",
    "consequence": "Consequence", "category": "Category", "status": "Status",
    "owner": "Owner", "lead_partner": "Lead partner", "response": "Response",
    "kind": "Type (threat or opportunity)",
    "controls": "Existing controls", "action": "Mitigation (becomes an action)",
    "inherent_likelihood": "Inherent likelihood", "inherent_impact": "Inherent impact",
    "current_likelihood": "Current likelihood", "current_impact": "Current impact",
    "target_likelihood": "Target likelihood", "target_impact": "Target impact",
    "target_date": "Target date", "proximity": "Proximity", "raised_on": "Raised",
    "last_reviewed": "Last reviewed", "next_review": "Next review",
    "cost_likely": "Cost exposure (most likely)",
    "source_id": "Its own id (kept in the description)",
    "raid_type": "RAID type (risk, issue, …)", "asset": "Asset (in the title and description)",
    "keep": "Kept in the description", "ignored": "Recognised, not imported",
}  # fmt: skip
"""The fields a column can be given, as the wizard names them."""
PROSE_SHARE = 0.5


@dataclass(slots=True)
class Mapping:
    """Everything the user can correct: columns, scale levels, partners, choices."""

    layout: Layout
    scales: dict[str, list[ScaleChoice]]
    partner: str
    status: RiskStatus = RiskStatus.DRAFT
    visibility: Visibility = Visibility.INTERNAL
    """Another register's risks are their lead partner's own until the partnership takes
    them up (made Joint): none reaches a joint paper unasked."""
    raid: str = "skip"
    """``skip`` leaves a RAID log's issues, assumptions and dependencies out; ``category``
    brings them in with their kind as the category."""
    keep_source_ids: bool = True
    leads: dict[str, str] = field(default_factory=dict)
    """Who leads each row: the text of the file's partner column (or, without one, of its
    owner column) → a partner code; a text not here takes ``partner`` (and is reported)."""
    lead_counts: dict[str, int] = field(default_factory=dict)
    lead_reasons: dict[str, str] = field(default_factory=dict)
    """Why a lead text was given its partner ("a close name"), for the report."""
    picked: set[int] = field(default_factory=set)
    """Excel rows the user chose to bring in although they match a risk already here."""

    def level(self, field_name: str, value: Any) -> int | None:
        choice = self.choice(field_name, value)
        return choice.level if choice else None

    def choice(self, field_name: str, value: Any) -> ScaleChoice | None:
        wanted = text_of(value)
        for choice in self.scales.get(field_name, ()):
            if choice.value == wanted:
                return choice
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
                "visibility": self.visibility.value,
                "raid": self.raid,
                "keep_source_ids": self.keep_source_ids,
                "leads": self.leads,
            },
            indent=2,
            ensure_ascii=False,
        )


def table_named(tables: Sequence[Table], name: str) -> Table:
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        raise ForeignRefused(f"the workbook has no sheet “{name}”")
    return table


def propose_mapping(
    tables: Sequence[Table],
    layout: Layout,
    scheme: ScoringScheme,
    partner: str,
    partners: Sequence[PartnerRecord] | None = None,
) -> Mapping:
    """A level for every scale value and a partner for every lead text, from the rows."""
    return proposed(tables, layout, scheme, partner, partners)[0]


def proposed(
    tables: Sequence[Table],
    layout: Layout,
    scheme: ScoringScheme,
    partner: str,
    partners: Sequence[PartnerRecord] | None = None,
) -> tuple[Mapping, list[SourceRow], Skipped]:
    """``propose_mapping``, with the rows it read (so a plan need not read them again)."""
    table = collapse_marks(table_named(tables, layout.sheet), layout.header_row)
    rows, skipped = data_rows(table, layout)
    refined = refine_layout(layout, rows)
    if refined is not layout:
        layout = refined
        rows, skipped = data_rows(table, layout)
    mapping = Mapping(layout, propose_scales(layout, rows, scheme), partner)
    propose_leads(mapping, rows, partners or [])
    return mapping, rows, skipped


def propose_scales(
    layout: Layout, rows: Sequence[SourceRow], scheme: ScoringScheme
) -> dict[str, list[ScaleChoice]]:
    scales: dict[str, list[ScaleChoice]] = {}
    for column in layout.columns:
        name = column.field
        if name not in SCALE_FIELDS:
            continue
        axis = "likelihood" if name.endswith("likelihood") else "impact"
        levels = scheme.likelihood if axis == "likelihood" else scheme.impact
        same_axis = [f for f in SCALE_FIELDS if f.endswith(axis) and f != name]
        other_axis = [f for f in SCALE_FIELDS if not f.endswith(axis)]
        scales[name] = propose(
            (r.values[name] for r in rows if name in r.values),
            levels,
            axis=axis,
            siblings=[r.values[f] for r in rows for f in same_axis if f in r.values],
            stated=column.stated,
            across=[r.values[f] for r in rows for f in other_axis if f in r.values],
        )
    return scales


def refine_layout(layout: Layout, rows: Sequence[SourceRow]) -> Layout:
    """Read what the columns hold: a scale column of sentences is the consequence (or kept
    in the description), and a column that lost the field to it takes it back."""
    columns = list(layout.columns)
    changed = False
    settled: set[int] = set()
    for position, column in enumerate(columns):
        if column.field not in SCALE_FIELDS or position in settled:
            continue
        texts = [text_of(r.values[column.field]) for r in rows if column.field in r.values]
        if not texts or sum(map(is_prose, texts)) < PROSE_SHARE * len(texts):
            continue
        claimed = column.field
        lost = f"also looks like {claimed.replace('_', ' ')};"
        rival = next(
            (i for i, m in enumerate(columns) if m.field is None and lost in m.reason), None
        )
        taken = {m.field for m in columns}
        to = "consequence" if claimed.endswith("impact") and "consequence" not in taken else "keep"
        columns[position] = replace(column, field=to, confidence=0.7, reason=(
            f"holds descriptions, not levels: read as {FIELDS[to].lower()}"))  # fmt: skip
        if rival is not None:
            why = f"column {column.letter} holds descriptions: this one is the {_label(claimed)}"
            columns[rival] = replace(columns[rival], field=claimed, confidence=0.7, reason=why)
            settled.add(rival)  # its values were not read under this field: take it as is
        changed = True
    if not changed:
        return layout
    return replace(layout, columns=tuple(columns))


def _label(name: str) -> str:
    return name.replace("_", " ")


# -- partners ---------------------------------------------------------------------------------
def lead_text(values: dict[str, Any]) -> str:
    """What says who leads a row: its partner column, else its owner."""
    return text_of(values.get("lead_partner") or values.get("owner") or "")


def _tokens(text: str) -> list[str]:
    suffixes = vocabulary().legal_suffixes
    return [w for w in words_key(text).split() if key(w) not in suffixes]


def match_partner(text: str, partners: Sequence[PartnerRecord]) -> tuple[str, str] | None:
    """(code, how) for a text naming one active partner: its code, its name, its initials,
    or a close name ("Aqua Vale" for "Aqua Vale Water plc"); None when none or several."""
    active = [p for p in partners if p.active]
    wanted = key(text)
    if not wanted:
        return None
    for partner in active:
        if wanted == key(partner.code):
            return partner.code, "its code"
    for partner in active:
        if wanted == key(partner.name):
            return partner.code, "its name"
    tokens = _tokens(text)
    if not tokens:
        return None
    close = []
    for partner in active:
        theirs = _tokens(partner.name)
        joined, their_joined = " ".join(tokens), " ".join(theirs)
        if not theirs:
            continue
        if tokens == theirs:
            close.append((partner.code, "its name without “plc”, “Ltd” …"))
        elif len(tokens) == 1 and len(theirs) > 1 and tokens[0] == "".join(w[0] for w in theirs):
            close.append((partner.code, "its initials"))
        elif set(tokens) < set(theirs) and (len(tokens) > 1 or len(tokens[0]) >= 5):
            close.append((partner.code, "a close name"))
        elif difflib.SequenceMatcher(None, joined, their_joined).ratio() >= 0.88:
            close.append((partner.code, "a close name (spelt differently)"))
    return close[0] if len(close) == 1 else None


def propose_leads(
    mapping: Mapping, rows: Sequence[SourceRow], partners: Sequence[PartnerRecord]
) -> None:
    """A partner for each distinct lead text that names one, with how it was matched."""
    counts: dict[str, int] = {}
    for row in rows:
        text = lead_text(row.values)
        if text:
            counts[text] = counts.get(text, 0) + 1
    mapping.lead_counts = counts
    for text in counts:
        if text in mapping.leads:
            continue
        found = match_partner(text, partners)
        if found:
            mapping.leads[text], mapping.lead_reasons[text] = found


# -- saved mappings ----------------------------------------------------------------------------
def load_mapping(
    text: str,
    tables: Sequence[Table],
    scheme: ScoringScheme,
    partners: Sequence[PartnerRecord] | None = None,
) -> Mapping:
    """A saved mapping applied to a new file of the same shape; checked against it."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ForeignRefused(f"the mapping file is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") != MAPPING_VERSION:
        raise ForeignRefused("the mapping file was written by another version of the application")
    table = next((t for t in tables if t.name == data.get("sheet")), None)
    if table is None:
        raise ForeignRefused(
            f"the workbook has no sheet “{data.get('sheet')}” named in the mapping"
        )
    try:
        header_row = int(data["header_row"]) - 1
    except (KeyError, TypeError, ValueError) as exc:
        raise ForeignRefused("the mapping file names no header row") from exc
    if not 0 <= header_row < len(table.rows):
        raise ForeignRefused(f"the mapping's header row {header_row + 1} is not in the sheet")
    layout = layout_at(collapse_marks(table, header_row), header_row)
    by_letter = {
        str(c.get("column")): c.get("field")
        for c in data.get("columns", [])
        if isinstance(c, dict) and (c.get("field") is None or c.get("field") in FIELDS)
    }
    columns = tuple(
        replace(m, field=by_letter[m.letter], confidence=1.0, reason="from the saved mapping")
        if m.letter in by_letter else m
        for m in layout.columns
    )  # fmt: skip
    layout = replace(layout, columns=columns)
    mapping = propose_mapping(tables, layout, scheme, str(data.get("partner", "")), partners)
    for name, levels in (data.get("scales") or {}).items():
        if name not in SCALE_FIELDS or not isinstance(levels, dict):
            continue
        axis = scheme.likelihood if name.endswith("likelihood") else scheme.impact
        known = {c.value: c for c in mapping.scales.get(name, [])}
        merged = []
        for value, level in levels.items():
            if level is not None and (not isinstance(level, int) or not 1 <= level <= len(axis)):
                raise ForeignRefused(
                    f"the mapping gives “{value}” the level {level!r}, which this register's "
                    f"scheme does not have (1–{len(axis)})"
                )
            choice = known.pop(value, ScaleChoice(value, None, "", 0))
            merged.append(replace(choice, level=level, reason="from the saved mapping",
                                  kind=CHOSEN))  # fmt: skip
        merged.extend(known.values())
        mapping.scales[name] = merged
    try:
        mapping.status = RiskStatus(data.get("status", RiskStatus.DRAFT.value))
    except ValueError as exc:
        raise ForeignRefused(f"the mapping's status {data.get('status')!r} is unknown") from exc
    try:
        mapping.visibility = Visibility(data.get("visibility", Visibility.INTERNAL.value))
    except ValueError as exc:
        raise ForeignRefused(
            f"the mapping's visibility {data.get('visibility')!r} is not Joint or Internal"
        ) from exc
    mapping.raid = "category" if data.get("raid") == "category" else "skip"
    mapping.keep_source_ids = bool(data.get("keep_source_ids", True))
    leads = data.get("leads") or {}
    if isinstance(leads, dict):
        mapping.leads.update({str(k): str(v) for k, v in leads.items() if v})
        for text in leads:
            mapping.lead_reasons[str(text)] = "from the saved mapping"
    return mapping
