"""The workbook's Type column: exported with a dropdown, edited with its response (each
checked against the other, errors naming sheet and cell), kept through a LibreOffice
re-save; a new row's opportunity response makes it an opportunity; the Heat map sheet
counts threats only."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from riskreg.choices import Response, RiskKind, RiskStatus
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import apply_import, plan_import
from riskreg.records import RiskRecord
from riskreg.service import RegisterService
from tests.exchange_helpers import add_row, cell_name, edit, libreoffice_resave


def apex_threat(service: RegisterService) -> RiskRecord:
    return next(r for r in service.list_risks() if r.lead_partner == "APEX"
                and r.status is RiskStatus.OPEN and r.kind is RiskKind.THREAT)  # fmt: skip


def column_of(path: Path, header: str) -> str:
    ws = load_workbook(path)["Risks"]
    for cell in ws[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise AssertionError(header)


def test_the_risks_sheet_has_a_type_column_with_a_dropdown(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "all.xlsx"
    export_register(demo, path, None)
    book = load_workbook(path)
    ws = book["Risks"]
    letter = column_of(path, "Type")
    types = {ws[f"{letter}{row}"].value for row in range(2, ws.max_row + 1)}
    assert types == {"Threat", "Opportunity"}
    covered = [v for v in ws.data_validations.dataValidation
               if any(str(r).startswith(letter) for r in v.sqref.ranges)]  # fmt: skip
    assert covered and covered[0].type == "list"
    heat = book["Heat map"]
    formulas = [c.value for row in heat.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=COUNTIFS")]  # fmt: skip
    assert formulas and all('"<>Opportunity"' in f for f in formulas)


def test_a_partner_turns_a_threat_into_an_opportunity_with_its_response(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "for APEX.xlsx"
    export_register(demo, path, "APEX")
    risk = apex_threat(demo)
    edit(path, "Risks", risk.ref, {"Type": "Opportunity", "Response": "Enhance"})
    resaved = libreoffice_resave(path, tmp_path / "calc")  # as a partner without Excel
    plan = plan_import(demo, resaved)
    assert sorted((i.kind, i.field, i.new) for i in plan.items) == [
        ("update", "kind", RiskKind.OPPORTUNITY),
        ("update", "response", Response.ENHANCE),
    ]
    apply_import(demo, plan, plan.accepted("clean"), backup=False)
    now = demo.get_risk(risk.uuid)
    assert (now.kind, now.response) == (RiskKind.OPPORTUNITY, Response.ENHANCE)
    assert {("kind", "Threat", "Opportunity")} <= {
        (c.field, c.old, c.new) for c in demo.history(risk.uuid)}  # fmt: skip


def test_a_type_the_response_does_not_fit_or_no_type_is_refused_naming_the_cell(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "for APEX.xlsx"
    export_register(demo, path, "APEX")
    risk = apex_threat(demo)
    before = demo.register_info().revision
    edit(path, "Risks", risk.ref, {"Type": "Opportunity"})  # the response stays Treat
    (error,) = [i for i in plan_import(demo, path).items if i.kind == "error"]
    type_cell = cell_name(path, "Risks", risk.ref, "Type")  # the cell the partner changed
    assert (error.kind, error.field, error.cell) == ("error", "response", type_cell)
    assert f"Risks!{type_cell}: Response 'Treat' does not fit an opportunity" in error.message
    assert "Exploit, Enhance, Share, Reject" in error.message
    edit(path, "Risks", risk.ref, {"Type": "Chance"})
    (bad,) = [i for i in plan_import(demo, path).items if i.kind == "error"]
    assert (bad.kind, bad.field, bad.cell) == ("error", "kind", type_cell)
    assert "Threat, Opportunity" in bad.message
    assert demo.register_info().revision == before


def test_a_new_row_with_an_opportunitys_response_is_proposed_as_an_opportunity(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "for APEX.xlsx"
    export_register(demo, path, "APEX")
    add_row(path, "Risks", {"Title": "Shared site compound", "Current likelihood": 3,
                            "Current impact": 3, "Response": "Share",
                            "Type": "Opportunity"})  # fmt: skip
    add_row(path, "Risks", {"Title": "Grant for cycle lanes", "Current likelihood": 2,
                            "Current impact": 4, "Response": "Exploit"})  # fmt: skip
    plan = plan_import(demo, path)
    proposed = {i.draft.title: i.draft for i in plan.items if i.kind == "new" and i.draft}
    compound = proposed["Shared site compound"]
    assert (compound.kind, compound.response) == (RiskKind.OPPORTUNITY, Response.SHARE)
    assert proposed["Grant for cycle lanes"].kind is RiskKind.OPPORTUNITY
