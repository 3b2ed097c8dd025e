"""Bring in a register this application did not write: find it, map it, preview it, import it.

One job per module: ``layout`` finds the sheet and header row and what each column holds;
``rows`` picks the rows that are risks; ``mapping`` holds what the user can correct (columns,
scale levels, partners) and proposes it from the values; ``build`` turns a row into a new
risk and its findings; ``plan`` puts the report together and ``apply_foreign`` writes it.
The words it knows are data (``resources/foreign_words.json``, read by
``exchange.vocabulary``); the scales are read by ``exchange.scales``.
"""

from riskreg.exchange.foreign.build import Finding
from riskreg.exchange.foreign.layout import (
    HEADER_SEARCH_ROWS,
    SCALE_FIELDS,
    ColumnMatch,
    ForeignRefused,
    Layout,
    analyse,
    candidate_layouts,
    collapse_marks,
    layout_at,
    match_header,
)
from riskreg.exchange.foreign.mapping import (
    FIELDS,
    MAPPING_VERSION,
    Mapping,
    load_mapping,
    match_partner,
    propose_mapping,
)
from riskreg.exchange.foreign.plan import (
    KINDS,
    ForeignPlan,
    apply_foreign,
    plan_foreign,
    read_workbook,
    refuse_own_export,
    require_rows,
)

__all__ = [
    "FIELDS", "HEADER_SEARCH_ROWS", "KINDS", "MAPPING_VERSION", "SCALE_FIELDS", "ColumnMatch",
    "Finding", "ForeignPlan", "ForeignRefused", "Layout", "Mapping", "analyse", "apply_foreign",
    "candidate_layouts", "collapse_marks", "layout_at", "load_mapping", "match_header",
    "match_partner", "plan_foreign", "propose_mapping", "read_workbook", "refuse_own_export",
    "require_rows",
]  # fmt: skip
