"""The exchange workbook's columns, declared once.

Export writes these columns in this order with these widths, validations and locks; import
finds them by header or synonym, wherever a partner moved them; the README's workbook table
is printed from here (``python -m riskreg.exchange.columns``); importing another register
recognises them too (the further names other registers use are data, in
``resources/foreign_words.json``). Change a column here and every one of those follows.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from riskreg.choices import ActionStatus, Proximity, Response, RiskKind, RiskStatus, Visibility
from riskreg.validation import ACTION_FIELDS, RISK_FIELDS, FieldSpec


@dataclass(frozen=True, slots=True)
class Column:
    """One workbook column.

    ``kind`` is a validation kind (text, longtext, enum, likelihood, impact, date, money,
    partner, category, percent) or one of the exchange's own: ``ref`` and ``uuid`` identify
    a row, ``shares`` is a split such as ``CNCL 60% / APEX 40%``, ``score`` and ``band`` are
    formulas the workbook computes, ``risk_ref`` names an action's risk.
    """

    header: str
    field: str
    kind: str
    width: float
    editable: bool
    synonyms: tuple[str, ...] = ()
    enum_type: type[enum.Enum] | None = None
    wrap: bool = False
    required: bool = False
    note: str = ""
    formula: str = ""
    """For computed columns: the formula, with ``{level:<field>}`` standing for the level
    that column's cell on the same row names (written out by the export)."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every header this column answers to, folded for matching."""
        return tuple(fold(name) for name in (self.header, self.field, *self.synonyms))

    @property
    def allowed(self) -> tuple[str, ...]:
        return tuple(str(m.value) for m in self.enum_type) if self.enum_type else ()


_NOT_ALNUM = re.compile(r"[\W_]+")
r"""What ``str.isalnum`` rejects (``\w`` is exactly the alphanumerics and ``_``)."""


def fold(header: str) -> str:
    """A header as compared: case, spaces, punctuation and a trailing ``%`` ignored.
    At C speed: a cell of a hostile workbook may hold 99 million characters."""
    return _NOT_ALNUM.sub("", header.casefold())


def _field(
    spec: FieldSpec,
    field: str,
    width: float,
    *,
    editable: bool = True,
    synonyms: tuple[str, ...] = (),
    wrap: bool = False,
    note: str = "",
) -> Column:
    """A column over one of the register's validated fields, labelled as the GUI labels it."""
    return Column(
        header=spec.label,
        field=field,
        kind=spec.kind,
        width=width,
        editable=editable,
        synonyms=synonyms,
        enum_type=spec.enum_type,
        wrap=wrap or spec.kind == "longtext",
        required=spec.required,
        note=note,
    )


R, A = RISK_FIELDS, ACTION_FIELDS

RISK_COLUMNS: tuple[Column, ...] = (
    # The key columns first: they are what a printed page of the sheet holds.
    Column("Ref", "ref", "ref", 8, False, ("Risk ref", "Risk ID", "ID", "Reference"),
           note="Leave empty on a new row: the register gives the ref."),
    _field(R["title"], "title", 34, synonyms=("Risk", "Risk title", "Name"), wrap=True),
    _field(R["status"], "status", 10, synonyms=("Risk status",)),
    _field(R["category"], "category", 14, synonyms=("Risk category",), wrap=True),
    _field(R["lead_partner"], "lead_partner", 8, editable=False,
           synonyms=("Lead", "Lead organisation", "Partner"),
           note="Who leads the risk; changed in the register, not the workbook."),
    _field(R["owner"], "owner", 16, synonyms=("Risk owner", "Responsible", "Owner name"),
           wrap=True),
    _field(R["current_likelihood"], "current_likelihood", 10,
           synonyms=("Likelihood", "Probability", "Residual likelihood", "Current L")),
    _field(R["current_impact"], "current_impact", 10,
           synonyms=("Impact", "Severity", "Consequence rating", "Residual impact")),
    Column("Current score", "current_score", "score", 8, False,
           formula="=IFERROR({level:current_likelihood}*{level:current_impact},\"\")"),
    Column("Current band", "current_band", "band", 10, False,
           formula="=IFERROR(INDEX(Bands,{level:current_likelihood},{level:current_impact}),\"\")"),
    _field(R["next_review"], "next_review", 11, synonyms=("Next review date",)),
    Column("Accepted", "accepted", "text", 26, False, wrap=True,
           note="Accepted outside appetite: for whom, until when, by whom (recorded in the "
                "register, not the workbook; an edit is reported, not applied)."),
    # The rest of the risk.
    _field(R["description"], "description", 48, synonyms=("Risk description", "Details")),
    _field(R["cause"], "cause", 32, synonyms=("Root cause", "Trigger", "Causes")),
    _field(R["consequence"], "consequence", 32, synonyms=("Effect", "Consequences")),
    Column("Shares", "shares", "shares", 22, True, ("Ownership split", "Split", "Share"),
           note="Partners and whole percentages making 100, e.g. CNCL 60% / APEX 40%."),
    _field(R["visibility"], "visibility", 11),
    _field(R["kind"], "kind", 12,
           synonyms=("Threat/Opportunity", "Threat or opportunity", "Risk or opportunity",
                     "Risk/Opportunity", "Threat/opportunity type"),
           note="Threat or Opportunity; an opportunity's response is Exploit, Enhance, Share "
                "or Reject."),
    _field(R["response"], "response", 12, synonyms=("Treatment", "Risk response"),
           note="A threat: Treat, Tolerate, Transfer or Terminate; an opportunity: Exploit, "
                "Enhance, Share or Reject."),
    _field(R["controls"], "controls", 40, synonyms=("Controls", "Current controls")),
    _field(R["inherent_likelihood"], "inherent_likelihood", 12,
           synonyms=("Inherent probability", "Inherent L", "Gross likelihood")),
    _field(R["inherent_impact"], "inherent_impact", 12,
           synonyms=("Inherent severity", "Inherent I", "Gross impact")),
    Column("Inherent score", "inherent_score", "score", 9, False,
           formula="=IFERROR({level:inherent_likelihood}*{level:inherent_impact},\"\")"),
    _field(R["target_likelihood"], "target_likelihood", 12),
    _field(R["target_impact"], "target_impact", 12),
    _field(R["target_date"], "target_date", 12),
    _field(R["proximity"], "proximity", 20),
    _field(R["cost_min"], "cost_min", 12, synonyms=("Cost min", "Minimum cost")),
    _field(R["cost_likely"], "cost_likely", 12, synonyms=("Cost", "Most likely cost")),
    _field(R["cost_max"], "cost_max", 12, synonyms=("Cost max", "Maximum cost")),
    _field(R["raised_on"], "raised_on", 12, editable=False, synonyms=("Date raised",),
           note="When the risk was raised; changed in the register, not the workbook."),
    _field(R["last_reviewed"], "last_reviewed", 12, synonyms=("Review date", "Reviewed")),
    Column("Id", "uuid", "uuid", 38, False, ("UUID",),
           note="The register's own id of the row; do not change it."),
)  # fmt: skip

ACTION_COLUMNS: tuple[Column, ...] = (
    Column("Ref", "ref", "ref", 9, False, ("Action ref", "Action ID"),
           note="Leave empty on a new row: the register gives the ref."),
    Column("Risk", "risk_ref", "risk_ref", 9, False, ("Risk ref",), required=True,
           note="The ref of the risk the action mitigates (on a new row, type it)."),
    _field(A["description"], "description", 50, synonyms=("Action", "Mitigation")),
    _field(A["partner"], "partner", 12, editable=False,
           synonyms=("Owner partner", "Partner"),
           note="Who owns the action; a new row belongs to the partner who sends it."),
    _field(A["owner"], "owner", 20, synonyms=("Action owner", "Responsible")),
    _field(A["due_date"], "due_date", 12, synonyms=("Due", "Deadline", "Target date")),
    _field(A["status"], "status", 13, synonyms=("Action status",)),
    _field(A["progress"], "progress", 10, synonyms=("Progress", "% complete")),
    _field(A["completed_on"], "completed_on", 12, synonyms=("Completed on", "Done on")),
    Column("Id", "uuid", "uuid", 38, False, ("UUID",),
           note="The register's own id of the row; do not change it."),
)  # fmt: skip

SHEETS: dict[str, tuple[Column, ...]] = {"Risks": RISK_COLUMNS, "Actions": ACTION_COLUMNS}

PRINTED: dict[str, int] = {"Risks": 11, "Actions": 9}
"""How many leading columns of each sheet its print area holds: on A4 landscape they fit
the page's width at a legible scale (the rest of a row is on screen, not on paper)."""

SIGNATURE: dict[str, tuple[str, ...]] = {
    "Risks": ("ref", "title", "lead_partner", "current_likelihood", "current_impact", "uuid"),
    "Actions": ("ref", "risk_ref", "description", "partner", "due_date", "uuid"),
}
"""Columns whose headers mark a sheet as the Risks or the Actions sheet, whatever its name:
a returned sheet is recognised when it holds most of them under their own headers."""

ENUMS: dict[str, type[enum.Enum]] = {
    "Status": RiskStatus,
    "Visibility": Visibility,
    "Type": RiskKind,
    "Response": Response,
    "Proximity": Proximity,
    "Action status": ActionStatus,
}


def editable_fields(columns: tuple[Column, ...]) -> tuple[str, ...]:
    """Fields a partner may change in an existing row."""
    return tuple(c.field for c in columns if c.editable)


def base_fields(columns: tuple[Column, ...]) -> tuple[str, ...]:
    """Fields an export keeps as its base: the editable ones, merged three ways, and the
    register's own (ref, lead, scores, dates), whose edits in a workbook are reported."""
    return tuple(c.field for c in columns if c.kind != "uuid")


def markdown_table() -> str:
    """The README's workbook table, so the documentation cannot drift from the code."""
    lines = ["| Sheet | Column | Editable | Also recognised as | Notes |", "|---|---|---|---|---|"]
    for sheet, columns in SHEETS.items():
        for c in columns:
            values = ", ".join(c.allowed)
            notes = c.note or (f"One of: {values}" if values else "")
            if c.kind in ("likelihood", "impact"):
                notes = "A level of the scheme: `4`, `4 - Likely` or `Likely`"
            elif c.kind == "date":
                notes = "A date cell, or text such as 2026-03-31 or 31/03/2026"
            elif c.kind in ("score", "band"):
                notes = "Computed in the workbook; an edit is reported, not applied"
            synonyms = ", ".join(c.synonyms)
            editable = "yes" if c.editable else ("new rows" if c.kind == "risk_ref" else "no")
            lines.append(f"| {sheet} | {c.header} | {editable} | {synonyms} | {notes} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
