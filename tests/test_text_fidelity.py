"""Text a register holds leaves in a workbook and comes back exactly; the only formulas in
an exported workbook are the application's own; what XML cannot hold is refused at input."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from riskreg.errors import ValidationError
from riskreg.exchange.columns import RISK_COLUMNS
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import plan_import
from riskreg.exchange.values import as_cell_reads, read
from riskreg.exchange.workbook import Workbook
from riskreg.records import PartnerRecord, RiskDraft
from riskreg.service import RegisterService, create_register
from tests.conftest import ALICE

# The level a cell names (4, "4 - Likely" or "Likely"), a COUNTIFS criterion for one of
# those forms, and a heat-map count over the three forms of each axis.
_LEVEL = (r'IFERROR\(VALUE\(LEFT\([A-Z]+\d+,FIND\(" ",[A-Z]+\d+&" "\)-1\)\),'
          r"MATCH\(TRIM\([A-Z]+\d+\),(?:Likelihood|Impact)Labels,0\)\)")  # fmt: skip
_CRITERION = r'(?:"\d+"|"\d+ \*"|"=(?:[^"]|"")*")'
_COUNT = (rf"COUNTIFS\(Risks!\$[A-Z]+:\$[A-Z]+,{_CRITERION},Risks!\$[A-Z]+:\$[A-Z]+,"
          rf'{_CRITERION},Risks!\$[A-Z]+:\$[A-Z]+,"<>Closed",'
          rf'Risks!\$[A-Z]+:\$[A-Z]+,"<>Opportunity"\)')  # fmt: skip
OUR_FORMULAS = re.compile(
    rf'^=(?:IFERROR\({_LEVEL}\*{_LEVEL},""\)'  # a score
    rf'|IFERROR\(INDEX\(Bands,{_LEVEL},{_LEVEL}\),""\)'  # a band
    rf"|{_COUNT}(?:\+{_COUNT})*)$"  # a heat-map count
)
keepable = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="".join(map(chr, [*range(9), 11, 12, *range(14, 32)])) + "\ufffe\uffff",
)
texts = st.one_of(
    st.text(alphabet=keepable, max_size=60),
    st.sampled_from(
        [
            "=1+1",
            '=HYPERLINK("http://x","y")',
            "+44 20",
            "-5",
            "@SUM(A1)",
            "\tindented",
            "\rreturn",
            "line\r\nbreak",
            "שלום عالم",
            "🚧👷‍♀️",
            "  spaces  ",
            "ÆØÅ ß ﬁ",
            "0042",
            "1e5",
            "TRUE",
        ]
    ),
)
titles = texts.filter(lambda t: bool(t.strip()) and len(t) <= 300)


def test_a_control_character_is_refused_at_input_naming_the_field(
    service: RegisterService,
) -> None:
    with pytest.raises(ValidationError) as refused:
        service.create_risk(RiskDraft("Pasted\x0bfrom Word", "CNCL", 3, 3))
    (problem,) = refused.value.problems
    assert problem.field == "title" and "U+000B" in problem.message
    risk = service.create_risk(RiskDraft("Clean", "CNCL", 3, 3))
    with pytest.raises(ValidationError, match=r"U\+0007"):
        service.edit_risk(risk.uuid, risk.version, {"description": "bell\x07"})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.tuples(titles, texts, texts, texts), min_size=1, max_size=6))
def test_any_text_survives_export_and_import_and_no_formula_but_ours_is_written(
    values: list[tuple[str, str, str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        service = create_register(
            Path(tmp) / "t.riskreg", ALICE, name="Fidelity",
            partners=[PartnerRecord("CNCL", "Council")], keeper="CNCL",
        )  # fmt: skip
        drafts = [RiskDraft(title, "CNCL", 2, 3, description=description, owner=owner[:200],
                            controls=controls)
                  for title, description, owner, controls in values]  # fmt: skip
        service.create_risks(drafts)
        path = Path(tmp) / "out.xlsx"
        export_register(service, path)

        book = load_workbook(path)
        formulas = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                    if c.data_type == "f"]  # fmt: skip
        assert formulas and all(OUR_FORMULAS.match(str(f)) for f in formulas), [
            f for f in formulas if not OUR_FORMULAS.match(str(f))
        ]

        reader = Workbook(path)
        sheet = reader.sheet("Risks")
        assert sheet is not None
        rows = list(sheet.rows())
        reader.close()
        header = rows[0]
        columns = {c.field: c for c in RISK_COLUMNS}
        for record, row in zip(service.list_risks(), rows[1:], strict=False):
            for name in ("title", "description", "owner", "controls"):
                cell = row[header.index(columns[name].header)]
                kept = read(columns[name], cell, service.scheme())
                stored = getattr(record, name)
                # A cell keeps a carriage return as a line break and reads blank when it holds
                # only spaces: the only rewrites, which the merge knows, so they are never
                # taken for edits and the register keeps its text as it was.
                assert kept == as_cell_reads(stored), (name, stored)
        before = [(r.title, r.description, r.owner, r.controls) for r in service.list_risks()]
        plan = plan_import(service, path)
        assert plan.items == ()
        assert [(r.title, r.description, r.owner, r.controls)
                for r in service.list_risks()] == before  # fmt: skip
        service.close()
