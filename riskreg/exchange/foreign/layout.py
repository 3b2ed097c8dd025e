"""Where a register is in a workbook and what each of its columns holds.

Every sheet (hidden ones too) and each of its first rows, from any column, is tried as the
label row; the row naming the most known fields wins. A header names a field by the
exchange workbook's names or the data file's (``exchange.vocabulary``), by a tier and an
axis ("Gross" + "Severity" → inherent impact, "Residual Likelihood" → current likelihood),
with or without a group row above (two-tier headers: Inherent / Residual, Gross / Net,
Before / After, Pre / Post, Current / Target), by its parts ("Cause / Trigger"), or by its
beginning. Where two columns claim one field the surer keeps it; two plain "Likelihood"
columns with no tier are read as inherent then current, in that order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from riskreg.errors import RegisterError
from riskreg.exchange.export import column_letter
from riskreg.exchange.scales import range_of, text_of
from riskreg.exchange.sheets import Table
from riskreg.exchange.vocabulary import Name, key, mark_key, vocabulary, words_key

HEADER_SEARCH_ROWS = 30
MIN_FIELDS = 2
SCALE_FIELDS = ("inherent_likelihood", "inherent_impact", "current_likelihood",
                "current_impact", "target_likelihood", "target_impact")  # fmt: skip
TITLE_SOURCES = frozenset({"title", "description", "asset"})
"""A row is a risk if one of these holds text: its title comes from the first there is."""
MANY_COLUMNS = frozenset({"keep", "ignored"})
"""Fields any number of columns may have (kept in the description; recognised, not read)."""
_PARENTHESES = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
_PARTS = re.compile(r"\s*(?:/|&|\+|,|;|\band\b|\bor\b)\s*", re.IGNORECASE)


class ForeignRefused(RegisterError):
    """The file holds no register that can be brought in; the message says why."""


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    index: int
    header: str
    field: str | None
    confidence: float
    reason: str
    stated: tuple[int, int] | None = None
    """A range the header states ("Likelihood (1-5)"): the scale its numbers are on."""

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

    def column(self, field_name: str) -> ColumnMatch | None:
        return next((m for m in self.columns if m.field == field_name), None)

    @property
    def fields(self) -> set[str]:
        return {m.field for m in self.columns if m.field}


# -- one header ---------------------------------------------------------------------------
_LABELS = {"keep": "text kept in the description", "source_id": "row's own id",
           "raid_type": "RAID kind"}  # fmt: skip


def _label(field: str) -> str:
    return _LABELS.get(field, field.replace("_", " "))


def _tier_and_axis(text: str) -> tuple[str | None, str | None, bool]:
    """The tier (inherent, current, target) and the axis (likelihood, impact, score) a text
    names, and whether nothing else is left over ("Residual Likelihood" → current,
    likelihood, True; "Inherent Likelihood Factor" → inherent, likelihood, False)."""
    words = words_key(text).split()
    tiers, axes = vocabulary().tiers, vocabulary().axes
    tier = axis = None
    used = [False] * len(words)
    for length in (3, 2, 1):  # longest phrases first: "pre mitigation" before "pre"
        for start in range(len(words) - length + 1):
            if any(used[start : start + length]):
                continue
            phrase = key(" ".join(words[start : start + length]))
            if tier is None and phrase in tiers:
                tier = tiers[phrase]
            elif axis is None and phrase in axes:
                axis = axes[phrase]
            else:
                continue
            used[start : start + length] = [True] * length
    return tier, axis, all(used) and bool(words)


def _field_of(tier: str | None, axis: str | None) -> str | None:
    if axis is None:
        return None
    if axis == "score":
        return "ignored" if tier else None
    return f"{tier or 'current'}_{axis}"


def match_header(label: Any, group: Any = "") -> tuple[str | None, float, str]:
    """The field a header names, how sure, and why; a group title above helps
    (``Inherent`` over ``Likelihood``, ``Gross`` over ``Severity``)."""
    text = " ".join(text_of(label).split())
    if not text or isinstance(label, int | float):
        return None, 0.0, ""
    names = vocabulary().names
    group_text = " ".join(text_of(group).split())
    if group_text and key(group_text) != key(text):
        found = names.get(key(f"{group_text} {text}"))
        if found and found.field in _SCORED_FIELDS:
            return found.field, 1.0, f"“{group_text}” + “{text}”: {_label(found.field)}"
        group_tier, group_axis, _ = _tier_and_axis(group_text)
        tier, axis, _ = _tier_and_axis(_PARENTHESES.sub(" ", text))
        field = _field_of(tier or group_tier, axis or group_axis)
        # The group gives the tier and the label the axis, or the other way round; a
        # title above the header ("Risk register 2026") gives neither.
        if field and ((group_tier and (axis or group_axis)) or (group_axis and tier)):
            return field, 1.0, f"“{group_text}” + “{text}”: {_label(field)}"
    stripped = _PARENTHESES.sub(" ", text).strip()
    for candidate in dict.fromkeys((text, stripped)):
        found = names.get(key(candidate))
        if found:
            return found.field, found.confidence, _because(text, found)
    inner = " ".join(re.findall(r"[(\[]([^)\]]*)[)\]]", text))
    tier, axis, whole = _tier_and_axis(f"{stripped} {inner}" if inner else stripped)
    field = _field_of(tier, axis)
    if field:
        sure = 0.9 if whole else 0.8
        return field, sure, f"“{text}” names {_label(field)}"
    parts = [p for p in _PARTS.split(stripped) if p]
    if len(parts) > 1:
        fields = {names[key(p)].field for p in parts if key(p) in names}
        if len(fields) == 1 and all(key(p) in names for p in parts):
            (field,) = fields
            return field, 0.85, f"“{text}”: each part names {_label(field)}"
    folded = key(stripped)
    for name, found in names.items():
        if len(name) >= 6 and folded.startswith(name) and found.field != "ignored":
            return found.field, 0.6, f"“{text}” begins with a name of the {_label(found.field)}"
    return None, 0.0, ""


_SCORED_FIELDS = frozenset(SCALE_FIELDS)


def _because(text: str, found: Name) -> str:
    if found.field == "ignored":
        return f"“{text}” is computed or kept by the other register: not imported"
    if found.field == "keep":
        return f"“{text}” is kept in each risk's description"
    return f"“{text}” is a name of the {_label(found.field)}"


# -- one header row -----------------------------------------------------------------------
def layout_at(table: Table, header_row: int) -> Layout:
    """The columns of ``table`` read with ``header_row`` as the labels (the user's choice)."""
    labels = table.rows[header_row] if header_row < len(table.rows) else []
    above = list(table.rows[header_row - 1]) if header_row > 0 else []
    group_row_used = sum(1 for v in above if text_of(v)) <= sum(1 for v in labels if text_of(v))
    above = _spread_groups(above, len(labels), labels, axes_only=True) if group_row_used else []
    matches: list[ColumnMatch] = []
    for index, label in enumerate(labels):
        group = above[index] if index < len(above) else ""
        target, confidence, reason = match_header(label, group)
        shown = " ".join(text_of(label).split())
        if shown and text_of(group) and key(text_of(group)) != key(shown):
            shown = f"{text_of(group)} / {shown}"
        if shown:
            stated = range_of(text_of(label)) if target in _SCORED_FIELDS else None
            matches.append(ColumnMatch(index, shown, target, confidence, reason, stated))
    matches = _pair_repeated_axes(matches)
    matches = _one_column_per_field(matches)
    fields = {m.field for m in matches if m.field}
    kept = fields - MANY_COLUMNS
    score = len(kept) + 0.5 * len(fields & MANY_COLUMNS)
    score += 1.5 if kept & TITLE_SOURCES else 0.0
    score -= 0.0 if table.visible else 0.5
    found = ", ".join(sorted(_label(f) for f in kept)) or "nothing"
    explanation = (
        f"Sheet “{table.name}”, header in row {header_row + 1}: {len(kept)} columns "
        f"recognised ({found})."
    )
    return Layout(table.name, header_row, tuple(matches), explanation, score)


def _spread_groups(
    above: list[Any], width: int, labels: Sequence[Any], *, axes_only: bool = False
) -> list[Any]:
    """A group title stands over the empty cells to its right until the next title, as a
    merged cell would (formats such as .ods come without their merges). With ``axes_only``
    it stands only over labels that name an axis ("Net" over "Likelihood", "Severity"),
    not over the "Owner" that follows the tier's columns."""
    spread = list(above) + [""] * max(0, width - len(above))
    current: Any = ""
    for index in range(width):
        label = labels[index] if index < len(labels) else ""
        if text_of(spread[index]):
            current = spread[index]
        elif current and text_of(label) and (not axes_only or _names_axis(label)):
            spread[index] = current
        else:
            current = ""
    return spread


def _names_axis(label: Any) -> bool:
    return _tier_and_axis(_PARENTHESES.sub(" ", text_of(label)))[1] is not None


def _pair_repeated_axes(matches: list[ColumnMatch]) -> list[ColumnMatch]:
    """Two plain "Likelihood" (or "Impact") columns and no inherent one: the first is the
    risk before its controls, the second after them."""
    out = list(matches)
    for axis in ("likelihood", "impact"):
        current = [i for i, m in enumerate(out) if m.field == f"current_{axis}"]
        if len(current) != 2 or any(m.field == f"inherent_{axis}" for m in out):
            continue
        first, second = (out[i] for i in current)
        if key(first.header) != key(second.header):
            continue
        out[current[0]] = replace(first, field=f"inherent_{axis}",
                                  reason=f"the first of two “{first.header}” columns: "
                                         f"inherent (before controls)")  # fmt: skip
        out[current[1]] = replace(second, reason=f"the second of two “{second.header}” "
                                                 "columns: current (after controls)")  # fmt: skip
    return out


def _one_column_per_field(matches: list[ColumnMatch]) -> list[ColumnMatch]:
    """Where two columns claim a field, the surer (then the first) keeps it."""
    best: dict[str, ColumnMatch] = {}
    for match in matches:
        if match.field is None or match.field in MANY_COLUMNS:
            continue
        held = best.get(match.field)
        if held is None or match.confidence > held.confidence:
            best[match.field] = match
    out = []
    for match in matches:
        if match.field is not None and match.field not in MANY_COLUMNS:
            kept = best[match.field]
            if kept is not match:
                match = replace(match, field=None, confidence=0.0,
                                reason=f"also looks like {_label(kept.field or '')}; "
                                       f"column {kept.letter} “{kept.header}” is used")  # fmt: skip
        out.append(match)
    return out


# -- every sheet ----------------------------------------------------------------------------
def collapse_marks(table: Table, header_row: int) -> Table:
    """Scales ticked with an ``X`` in one of several columns become one column of values.

    A group title above (``Likelihood`` over ``Rare | Unlikely | … | Almost certain``, or
    over ``1 | 2 | 3 | 4 | 5``) whose columns hold at most one mark per row is read as a
    single column holding, in each row, the label of the marked column.
    """
    if header_row == 0 or header_row >= len(table.rows):
        return table
    labels = table.rows[header_row]
    above = _spread_groups(list(table.rows[header_row - 1]), len(labels), labels)
    runs: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(above) + 1):
        if index == len(above) or text_of(above[index]) != text_of(above[start]):
            if index - start >= 3 and text_of(above[start]):
                runs.append((start, index))
            start = index
    if not runs:
        return table
    marks = vocabulary().marks
    rows: list[list[Any]] | None = None
    for first, end in runs:
        body = [r[first:end] for r in table.rows[header_row + 1 :]]
        ticked = [[mark_key(text_of(v)) for v in cells] for cells in body]
        if not any(any(t) for t in ticked):
            continue
        if not all(all(t == "" or t in marks for t in row) and sum(map(bool, row)) <= 1
                   for row in ticked):  # fmt: skip
            continue
        if rows is None:
            rows = [list(r) for r in table.rows]
        names = [text_of(labels[i]) if i < len(labels) else "" for i in range(first, end)]
        rows[header_row][first] = text_of(above[first])
        if first < len(rows[header_row - 1]):
            rows[header_row - 1][first] = ""
        for column in range(first + 1, end):
            rows[header_row][column] = ""
            if column < len(rows[header_row - 1]):
                rows[header_row - 1][column] = ""
        for row, row_marks in zip(rows[header_row + 1 :], ticked, strict=False):
            chosen = next((names[i] for i, mark in enumerate(row_marks) if mark), "")
            while len(row) < end:
                row.append("")
            row[first] = chosen
            for column in range(first + 1, end):
                row[column] = ""
    if rows is None:
        return table
    return Table(table.name, rows, table.visible, table.merged_across, table.hidden_rows)


def candidate_layouts(tables: Sequence[Table]) -> list[Layout]:
    """Every plausible sheet and header row, best first (the wizard offers them all)."""
    found = []
    for table in tables:
        for row in range(min(HEADER_SEARCH_ROWS, len(table.rows))):
            if sum(1 for v in table.rows[row] if text_of(v)) < MIN_FIELDS:
                continue
            layout = layout_at(collapse_marks(table, row), row)
            kept = layout.fields - MANY_COLUMNS
            if len(layout.fields) >= MIN_FIELDS and kept & TITLE_SOURCES:
                found.append(layout)
    found.sort(key=lambda lay: -lay.score)
    return found


def analyse(tables: Sequence[Table], path_name: str) -> Layout:
    """The best layout, or a refusal saying what was looked for and what was found."""
    layouts = candidate_layouts(tables)
    if not layouts:
        raise ForeignRefused(_nothing_found(tables, path_name))
    best = layouts[0]
    others = [lay for lay in layouts[1:] if lay.sheet != best.sheet][:1]
    why = best.explanation
    if others:
        why += f" The next best was sheet “{others[0].sheet}” with fewer recognised columns."
    return replace(best, explanation=why)


def _nothing_found(tables: Sequence[Table], path_name: str) -> str:
    looked = (
        f"{path_name} holds no risk register. Looked for: a row within the first "
        f"{HEADER_SEARCH_ROWS} rows of any sheet naming a title column (Risk, Title, Name, "
        "Event, Threat, Hazard, Issue, Description, Asset …) and at least one other column "
        "of a register (likelihood, impact, owner, status …)."
    )
    if not tables:
        return f"{looked} Found: no sheet that holds cells."
    seen = []
    for table in tables[:6]:
        best: tuple[float, int, Layout] | None = None
        for row in range(min(HEADER_SEARCH_ROWS, len(table.rows))):
            if not any(text_of(v) for v in table.rows[row]):
                continue
            layout = layout_at(table, row)
            if best is None or layout.score > best[0]:
                best = (layout.score, row, layout)
        if best is None:
            seen.append(f"sheet “{table.name}”: empty")
            continue
        _, row, layout = best
        labels = [text_of(v) for v in table.rows[row] if text_of(v)][:6]
        shown = ", ".join(f"“{label[:30]}”" for label in labels)
        kept = sorted(_label(f) for f in layout.fields - MANY_COLUMNS)
        what = ", ".join(kept) if kept else "no column of a register"
        seen.append(f"sheet “{table.name}” row {row + 1} ({shown}): {what}")
    more = f" and {len(tables) - 6} more sheets" if len(tables) > 6 else ""
    return f"{looked} Found: " + "; ".join(seen) + more + "."
