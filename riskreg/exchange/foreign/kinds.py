"""Threats and opportunities in another register: how its rows say which they are.

Registers say it in one of four ways, all read here: a type column ("Type", "Threat /
Opportunity": Threat, Opportunity, Upside, +, − …); a category or RAID kind "Opportunity";
an opportunity's response (Exploit, Enhance …); or the sign of the impact — either
opportunities recorded as negative impacts (−3), or, where the column also writes a plus
(+3 / −3), the PMBOK's positive and negative risks. A signed impact comes in as its
absolute value with the type it stood for, and the plan says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from riskreg.choices import Response, RiskKind, responses_for
from riskreg.exchange.foreign.rows import SourceRow
from riskreg.exchange.scales import text_of
from riskreg.exchange.vocabulary import key, sign_key, vocabulary

IMPACTS = ("inherent_impact", "current_impact", "target_impact")
_SIGNED = re.compile(r"^\s*([+\-\u2212])\s*(\d+(?:\.\d+)?)\s*$")
NEGATIVE, PLUS_MINUS = "negative", "plus-minus"
"""The two sign conventions: negative impacts are opportunities; or + opportunity, − threat."""

COUNTERPART = {
    Response.TREAT: Response.ENHANCE, Response.TOLERATE: Response.REJECT,
    Response.TRANSFER: Response.SHARE, Response.TERMINATE: Response.EXPLOIT,
}  # fmt: skip
"""PRINCE2's pairs: reduce ↔ enhance, accept ↔ reject, transfer ↔ share, avoid ↔ exploit."""
COUNTERPART.update({o: t for t, o in list(COUNTERPART.items())})


@dataclass(frozen=True, slots=True)
class SignRead:
    """One signed impact read as a type: the field, the cell as written, what it gave."""

    field: str
    written: str
    kind: RiskKind
    convention: str


def _signed(value: Any) -> tuple[int, int | float, bool] | None:
    """(sign, absolute value, written with an explicit sign) of a signed number, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value == 0:
            return None
        absolute = abs(value)
        return (-1 if value < 0 else 1, int(absolute) if float(absolute).is_integer() else
                absolute, False)  # fmt: skip
    if isinstance(value, str):
        found = _SIGNED.match(value)
        if found is None:
            return None
        number = float(found.group(2))
        shown: int | float = int(number) if number.is_integer() else number
        return (1 if found.group(1) == "+" else -1, shown, True)
    return None


def read_signs(rows: Sequence[SourceRow]) -> list[SourceRow]:
    """The rows with each signed impact made absolute and the type it stood for noted
    (``SourceRow.signs``); a column with no negative value is left as it is."""
    conventions: dict[str, str] = {}
    for name in IMPACTS:
        signs = [s for row in rows if (s := _signed(row.values.get(name))) is not None]
        if not any(sign < 0 for sign, _, _ in signs):
            continue
        plus = any(sign > 0 and explicit for sign, _, explicit in signs)
        conventions[name] = PLUS_MINUS if plus else NEGATIVE
    if not conventions:
        return list(rows)
    out = []
    for row in rows:
        values, reads = dict(row.values), list(row.signs)
        for name, convention in conventions.items():
            found = _signed(values.get(name))
            if found is None:
                continue
            sign, absolute, explicit = found
            if sign > 0 and not (explicit and convention == PLUS_MINUS):
                continue  # a plain positive impact: no sign to read
            opportunity = sign < 0 if convention == NEGATIVE else sign > 0
            kind = RiskKind.OPPORTUNITY if opportunity else RiskKind.THREAT
            reads.append(SignRead(name, text_of(values[name]), kind, convention))
            values[name] = absolute
        out.append(replace(row, values=values, signs=tuple(reads)))
    return out


def kind_word(text: str) -> RiskKind | None:
    """What a type cell says: Threat, Opportunity, Upside, +, − … or None."""
    return vocabulary().kind.get(sign_key(text)) if text.strip() else None


def says_opportunity(text: str) -> bool:
    """A category (or RAID kind) that says opportunity ("Opportunity", "Upside"; a letter
    or a sign alone is no category's word)."""
    folded = key(text)
    return len(folded) > 3 and vocabulary().kind.get(folded) is RiskKind.OPPORTUNITY


def response_word(text: str, kind: RiskKind | None) -> tuple[Response | None, RiskKind | None]:
    """The response a word names and the type it belongs to, looked up first among the
    responses of ``kind`` (so "share" is Share for an opportunity, Transfer for a threat)."""
    words = vocabulary()
    wanted = key(text)
    first = key(text.split()[0]) if text.split() else ""
    tables = [(RiskKind.THREAT, words.response), (RiskKind.OPPORTUNITY, words.opportunity_response)]
    if kind is RiskKind.OPPORTUNITY:
        tables.reverse()
    for probe in (wanted, first):
        for table_kind, table in tables:
            found = table.get(probe)
            if found is not None:
                return found, table_kind
    return None, None


def fitting(response: Response, kind: RiskKind) -> Response:
    """The response for ``kind``: itself, or its PRINCE2 counterpart."""
    return response if response in responses_for(kind) else COUNTERPART[response]


def notes_on_signs(reads: Sequence[SignRead], headers: dict[str, str],
                   letters: dict[str, str]) -> list[str]:  # fmt: skip
    """One line per signed column for the plan's notes."""
    lines = []
    for name in IMPACTS:
        mine = [r for r in reads if r.field == name]
        if not mine:
            continue
        where = f"{headers.get(name, name)} (column {letters.get(name, '?')})"
        opportunities = sum(r.kind is RiskKind.OPPORTUNITY for r in mine)
        rows = "1 row" if opportunities == 1 else f"{opportunities} rows"
        if mine[0].convention == NEGATIVE:
            lines.append(f"{where} records opportunities as negative impacts: {rows} come in as "
                         "opportunities, each with the impact's absolute value")  # fmt: skip
        else:
            lines.append(
                f"{where} signs its impacts (+ an opportunity, − a threat): {rows} "
                "come in as opportunities, every impact at its absolute value"
            )
    return lines
