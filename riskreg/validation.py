"""The rules a risk's and an action's fields must meet before anything is written.

Each check returns ``Problem`` objects naming the field, so the GUI can show the message
beside the field and the command line or the importer can prefix a sheet and cell. Text is
never shortened to fit: too long is a problem the user sees, not a silent cut.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from riskreg.choices import (
    ActionStatus,
    Proximity,
    Response,
    RiskKind,
    RiskStatus,
    Visibility,
    responses_for,
)
from riskreg.errors import Problem
from riskreg.records import Shares
from riskreg.scoring import ScoringScheme

LONG_TEXT = 20_000
"""UTF-16 units of a long text field: well inside a workbook cell's 32,767."""
UNKEEPABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML (so every workbook) cannot hold: refused at input, never altered later."""


CELL_UNITS = 32_767
"""The most a spreadsheet cell holds, in UTF-16 code units (Excel and LibreOffice cut the
rest on saving): every limit on text is counted in these units, so an emoji counts two."""


def utf16_units(text: str) -> int:
    """The length of ``text`` as spreadsheets count it: UTF-16 code units, in which a
    character beyond the basic plane (an emoji, many CJK extension characters) counts two."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def fits(text: str, most: int) -> bool:
    """``text`` is at most ``most`` UTF-16 units; decided from its length alone when it is
    short enough that even all-emoji text would fit."""
    return len(text) * 2 <= most or utf16_units(text) <= most


def too_long_message(label: str, text: str, most: int) -> str:
    units = utf16_units(text)
    counted = (
        f"{units:,} characters long as spreadsheets count them (an emoji or another "
        "character beyond the basic plane counts two)"
        if units != len(text)
        else f"{units:,} characters long"
    )
    return f"{label} is {counted}; the most it can hold is {most:,}"


def unkeepable_message(label: str, text: str) -> str | None:
    found = UNKEEPABLE.search(text)
    if found is None:
        return None
    return (
        f"{label} contains a control character (U+{ord(found.group()):04X}, often pasted from "
        "another program) that cannot be kept in a workbook; remove it"
    )


def text_problem(label: str, text: str, most: int, *, required: bool = False) -> str | None:
    """The message for a bad short text the register holds (a name, a label, a reason), or
    None: required and blank, longer than ``most`` UTF-16 units, or a control character."""
    if not isinstance(text, str):
        return f"{label} must be text"
    if required and not text.strip():
        return f"{label} is required"
    if not fits(text, most):
        return too_long_message(label, text, most)
    return unkeepable_message(label, text)


def scheme_text_problems(scheme: ScoringScheme) -> list[Problem]:
    """Every label, description and band name of a scheme a user gives: no control
    characters, lengths a workbook and the register's columns hold. Asked when a scheme is
    adopted, not when a stored one is read (a scheme written before this rule still opens)."""
    problems = []
    for axis, levels in (("likelihood", scheme.likelihood), ("impact", scheme.impact)):
        for level in levels:
            where = f"{axis} level {level.value}"
            for label, text, most in (
                (f"The label of {where}", level.label, 100),
                (f"The description of {where}", level.description, 1_000),
            ):
                message = text_problem(label, text, most)
                if message:
                    problems.append(Problem(f"{axis}_{level.value}", message))
    for band in scheme.bands:
        message = text_problem(f"Band name {band.name!r}", band.name, 40)
        if message:
            problems.append(Problem("bands", message))
    return problems


@dataclass(frozen=True, slots=True)
class FieldSpec:
    label: str
    kind: str  # text, longtext, enum, likelihood, impact, date, money, partner, category, percent
    required: bool = False
    max_length: int = LONG_TEXT
    enum_type: type[enum.Enum] | None = None


MOST_MONEY = 10**15
"""The largest amount a cost estimate holds: far beyond any partnership's, and well inside
what SQLite and PostgreSQL store as a whole number (a workbook's 1e308 is refused)."""

RISK_FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec("Title", "text", required=True, max_length=300),
    "description": FieldSpec("Description", "longtext"),
    "cause": FieldSpec("Cause", "longtext"),
    "consequence": FieldSpec("Consequence", "longtext"),
    "category": FieldSpec("Category", "category"),
    "status": FieldSpec("Status", "enum", required=True, enum_type=RiskStatus),
    "lead_partner": FieldSpec("Lead partner", "partner", required=True),
    "owner": FieldSpec("Owner", "text", max_length=200),
    "visibility": FieldSpec("Visibility", "enum", required=True, enum_type=Visibility),
    "kind": FieldSpec("Type", "enum", required=True, enum_type=RiskKind),
    "response": FieldSpec("Response", "enum", required=True, enum_type=Response),
    "controls": FieldSpec("Existing controls", "longtext"),
    # Required of every risk but an unrated Draft: ``check_rating`` says so.
    "inherent_likelihood": FieldSpec("Inherent likelihood", "likelihood"),
    "inherent_impact": FieldSpec("Inherent impact", "impact"),
    "current_likelihood": FieldSpec("Current likelihood", "likelihood"),
    "current_impact": FieldSpec("Current impact", "impact"),
    "target_likelihood": FieldSpec("Target likelihood", "likelihood"),
    "target_impact": FieldSpec("Target impact", "impact"),
    "target_date": FieldSpec("Target date", "date"),
    "proximity": FieldSpec("Proximity", "enum", enum_type=Proximity),
    "cost_min": FieldSpec("Cost exposure (minimum)", "money"),
    "cost_likely": FieldSpec("Cost exposure (most likely)", "money"),
    "cost_max": FieldSpec("Cost exposure (maximum)", "money"),
    "raised_on": FieldSpec("Raised", "date", required=True),
    "last_reviewed": FieldSpec("Last reviewed", "date"),
    "next_review": FieldSpec("Next review", "date"),
}

ACTION_FIELDS: dict[str, FieldSpec] = {
    "description": FieldSpec("Description", "longtext", required=True),
    "partner": FieldSpec("Owning partner", "partner", required=True),
    "owner": FieldSpec("Owner", "text", max_length=200),
    "due_date": FieldSpec("Due date", "date"),
    "status": FieldSpec("Status", "enum", required=True, enum_type=ActionStatus),
    "progress": FieldSpec("Progress %", "percent", required=True),
    "completed_on": FieldSpec("Completed", "date"),
}


@dataclass(frozen=True, slots=True)
class Context:
    """What a value is checked against: the scheme and the register's partners and categories."""

    scheme: ScoringScheme
    active_partners: frozenset[str]
    categories: frozenset[str]


def check_value(name: str, spec: FieldSpec, value: Any, ctx: Context) -> str | None:
    """The message for one bad value, or None when it is fine."""
    if value is None or (isinstance(value, str) and not value.strip() and spec.kind != "longtext"):
        return f"{spec.label} is required" if spec.required else None
    kind = spec.kind
    if kind in ("text", "longtext"):
        if not isinstance(value, str):
            return f"{spec.label} must be text"
        if not fits(value, spec.max_length):
            return too_long_message(spec.label, value, spec.max_length)
        unkeepable = unkeepable_message(spec.label, value)
        if unkeepable:
            return unkeepable
        if spec.required and not value.strip():
            return f"{spec.label} is required"
        return None
    if kind == "enum":
        assert spec.enum_type is not None
        if not isinstance(value, spec.enum_type):
            allowed = ", ".join(str(m.value) for m in spec.enum_type)
            return f"{spec.label} {value!r} is not one of {allowed}"
        return None
    if kind in ("likelihood", "impact"):
        levels = ctx.scheme.likelihood if kind == "likelihood" else ctx.scheme.impact
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= len(levels):
            names = f"{levels[0].label} … {levels[-1].label}"
            return f"{spec.label} {value!r} is not one of 1–{len(levels)} / {names}"
        return None
    if kind == "date":
        return None if isinstance(value, date) else f"{spec.label} must be a date"
    if kind == "money":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"{spec.label} must be a whole amount of 0 or more"
        if value > MOST_MONEY:
            return f"{spec.label} must be at most {MOST_MONEY:,} (a thousand million million)"
        return None
    if kind == "percent":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            return f"{spec.label} must be a whole number from 0 to 100"
        return None
    if kind == "partner":
        if value not in ctx.active_partners:
            return f"{spec.label} {value!r} is not an active partner of this register"
        return None
    if kind == "category":
        if value not in ctx.categories:
            return f"{spec.label} {value!r} is not a category of this register"
        return None
    raise AssertionError(f"unknown field kind {kind}")


def plainly_valid(spec: FieldSpec, value: Any, ctx: Context) -> bool:
    """A quick yes for ordinary values; anything else goes to ``check_value`` for its message."""
    if value is None:
        return not spec.required
    kind = spec.kind
    value_type = type(value)
    if kind == "longtext" or kind == "text":
        return (
            value_type is str
            and fits(value, spec.max_length)
            and (not spec.required or bool(value.strip()))
            and UNKEEPABLE.search(value) is None
        )
    if kind == "enum":
        return value_type is spec.enum_type
    if kind == "likelihood":
        return value_type is int and 1 <= value <= len(ctx.scheme.likelihood)
    if kind == "impact":
        return value_type is int and 1 <= value <= len(ctx.scheme.impact)
    if kind == "date":
        return value_type is date
    if kind == "partner":
        return value in ctx.active_partners
    if kind == "category":
        return value in ctx.categories
    if kind == "money":
        return value_type is int and 0 <= value <= MOST_MONEY
    if kind == "percent":
        return value_type is int and 0 <= value <= 100
    return False


def _failing(spec: FieldSpec, column: Sequence[Any], ctx: Context) -> list[int]:
    """Indices of values in one column that are not plainly valid (a comprehension a field)."""
    kind = spec.kind
    if kind in ("text", "longtext"):
        most, half = spec.max_length, spec.max_length // 2
        bad = UNKEEPABLE.search
        if spec.required:
            return [
                i for i, v in enumerate(column)
                if not (type(v) is str and (len(v) <= half or fits(v, most)) and v.strip()
                        and not bad(v))
            ]  # fmt: skip
        return [
            i for i, v in enumerate(column)
            if v is not None
            and not (type(v) is str and (len(v) <= half or fits(v, most)) and not bad(v))
        ]  # fmt: skip
    if kind in ("likelihood", "impact"):
        top = len(ctx.scheme.likelihood if kind == "likelihood" else ctx.scheme.impact)
        return [
            i for i, v in enumerate(column)
            if not (type(v) is int and 1 <= v <= top) and (v is not None or spec.required)
        ]  # fmt: skip
    if kind == "enum":
        wanted = spec.enum_type
        return [
            i for i, v in enumerate(column)
            if type(v) is not wanted and (v is not None or spec.required)
        ]  # fmt: skip
    if kind == "date":
        return [
            i for i, v in enumerate(column)
            if type(v) is not date and (v is not None or spec.required)
        ]  # fmt: skip
    return [i for i, v in enumerate(column) if not plainly_valid(spec, v, ctx)]


def check_columns(
    columns: Mapping[str, Sequence[Any]], specs: Mapping[str, FieldSpec], ctx: Context
) -> list[tuple[int, Problem]]:
    """Validate many rows at once, field by field; returns (row index, problem) pairs.

    The bulk path of imports and large registers: one comprehension per field instead of
    a function call per value, with ``check_value`` asked only about the values that fail.
    """
    found = []
    for name, column in columns.items():
        spec = specs[name]
        for index in _failing(spec, column, ctx):
            message = check_value(name, spec, column[index], ctx)
            if message:
                found.append((index, Problem(name, message)))
    found.sort(key=lambda pair: pair[0])
    return found


def check_fields(
    values: Mapping[str, Any], specs: Mapping[str, FieldSpec], ctx: Context
) -> list[Problem]:
    problems = []
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            problems.append(Problem(name, "is not a field that can be changed"))
            continue
        if plainly_valid(spec, value, ctx):
            continue  # the common case, decided without a call per value
        message = check_value(name, spec, value, ctx)
        if message:
            problems.append(Problem(name, message))
    return problems


def check_shares(shares: Shares, ctx: Context) -> list[Problem]:
    """Whole percentages, each partner once, each above 0, summing to exactly 100."""
    problems = []
    codes = [code for code, _ in shares]
    if not shares:
        problems.append(Problem("shares", "at least one partner must hold the risk"))
    if len(set(codes)) != len(codes):
        problems.append(Problem("shares", "each partner may appear only once"))
    for code, percent in shares:
        if code not in ctx.active_partners:
            problems.append(Problem("shares", f"{code!r} is not an active partner"))
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 < percent <= 100:
            problems.append(Problem("shares", f"{code}: {percent!r} must be a whole 1–100 %"))
    total = sum(p for _, p in shares if isinstance(p, int))
    if shares and total != 100:
        problems.append(Problem("shares", f"shares add up to {total} %, they must make 100 %"))
    return problems


SCORE_FIELDS = ("inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact")
"""The scores every risk needs, except a Draft, which may leave all four empty (unrated)."""


def check_rating(values: Mapping[str, Any]) -> list[Problem]:
    """Only a Draft may be unrated, and then wholly: all four scores or none.

    A current pair that is absent (not given as ``None``) follows the inherent pair, as a
    new risk's does; a pair given as ``None`` is empty.
    """
    if "current_likelihood" not in values and "current_impact" not in values:
        values = {**values, "current_likelihood": values.get("inherent_likelihood"),
                  "current_impact": values.get("inherent_impact")}  # fmt: skip
    missing = [name for name in SCORE_FIELDS if values.get(name) is None]
    if not missing:
        return []
    status = values.get("status")
    if status is RiskStatus.DRAFT:
        if len(missing) == len(SCORE_FIELDS):
            return []
        label = RISK_FIELDS[missing[0]].label
        return [Problem(missing[0], f"{label} is empty: give the inherent and current "
                                    "likelihood and impact, or leave all four empty (an "
                                    "unrated draft)")]  # fmt: skip
    label = RISK_FIELDS[missing[0]].label
    what = f"An {status.value.lower()} risk" if isinstance(status, RiskStatus) else "A risk"
    return [Problem(missing[0], f"{label} is required: {what} needs its inherent and current "
                                "scores; only a Draft may be unrated")]  # fmt: skip


def rating_problems(columns: Mapping[str, Sequence[Any]]) -> list[tuple[int, Problem]]:
    """``check_rating`` over many rows at once: one comprehension finds the rows with an
    empty score, and only those are asked about."""
    scores = [columns[name] for name in SCORE_FIELDS]
    gaps = [i for i, row in enumerate(zip(*scores, strict=True)) if None in row]
    statuses = columns["status"]
    return [
        (i, problem)
        for i in gaps
        for problem in check_rating(
            {"status": statuses[i], **{n: columns[n][i] for n in SCORE_FIELDS}}
        )
    ]


def check_risk_consistency(values: Mapping[str, Any]) -> list[Problem]:
    """Rules between fields of one risk, on its complete set of values."""
    problems = check_rating(values) if "status" in values else []
    tl, ti = values.get("target_likelihood"), values.get("target_impact")
    if (tl is None) != (ti is None):
        field_name = "target_impact" if ti is None else "target_likelihood"
        problems.append(Problem(field_name, "give both target likelihood and impact, or neither"))
    low, likely, high = values.get("cost_min"), values.get("cost_likely"), values.get("cost_max")
    given = [v for v in (low, likely, high) if isinstance(v, int)]
    if given != sorted(given):
        problems.append(
            Problem("cost_likely", "cost exposure must run minimum ≤ most likely ≤ maximum")
        )
    if (low is not None or high is not None) and likely is None:
        problems.append(Problem("cost_likely", "give a most likely cost with the range"))
    mismatch = response_problem(values.get("kind"), values.get("response"))
    if mismatch is not None:
        problems.append(mismatch)
    return problems


def settle_kind(values: dict[str, Any]) -> None:
    """A row from elsewhere that gives only one of type and response: the other follows
    (an opportunity's response makes an opportunity; an opportunity with no response is to
    be exploited; a threat with none, treated), so neither default contradicts it."""
    kind, response = values.get("kind"), values.get("response")
    if kind is None and isinstance(response, Response):
        values["kind"] = next(k for k in RiskKind if response in responses_for(k))
    elif isinstance(kind, RiskKind) and response is None:
        values["response"] = responses_for(kind)[0]


def response_problem(kind: Any, response: Any) -> Problem | None:
    """A threat takes one of the four Ts, an opportunity one of PRINCE2's Exploit, Enhance,
    Share or Reject: any other pairing is refused beside the Response field."""
    if not isinstance(kind, RiskKind) or not isinstance(response, Response):
        return None  # the field's own check says what is wrong with it
    allowed = responses_for(kind)
    if response in allowed:
        return None
    names = ", ".join(r.value for r in allowed)
    a_kind = "an opportunity" if kind is RiskKind.OPPORTUNITY else "a threat"
    return Problem(
        "response", f"Response {response.value!r} does not fit {a_kind}: {a_kind} takes {names}"
    )


_ALLOWED_PAIRS = frozenset((k, r) for k in RiskKind for r in responses_for(k))


def response_problems(kinds: Sequence[Any], responses: Sequence[Any]) -> list[tuple[int, Problem]]:
    """``response_problem`` over many rows: one comprehension finds the mismatched pairs."""
    pairs = _ALLOWED_PAIRS
    found = []
    for index, (kind, response) in enumerate(zip(kinds, responses, strict=True)):
        if (kind, response) not in pairs:
            problem = response_problem(kind, response)
            if problem is not None:
                found.append((index, problem))
    return found


def normalise_shares(shares: Shares) -> Shares:
    return tuple(sorted(shares))
