"""Excel exchange: a partner's workbook goes out, comes back edited, and merges cleanly."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from riskreg.choices import RiskStatus, Visibility
from riskreg.cli import main as cli
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import ImportRefused, apply_import, plan_import
from riskreg.records import RiskRecord
from riskreg.service import RegisterService
from tests.conftest import file_digest
from tests.exchange_helpers import (
    add_row,
    cell_name,
    delete_row,
    edit,
    libreoffice_resave,
    reorder_with_extra_column,
)


def led_by(service: RegisterService, partner: str) -> RiskRecord:
    return next(
        r for r in service.list_risks()
        if r.lead_partner == partner and r.status is RiskStatus.OPEN
    )  # fmt: skip


def not_touching(service: RegisterService, partner: str) -> RiskRecord:
    return next(
        r for r in service.list_risks()
        if r.share_of(partner) == 0 and r.lead_partner != partner
        and r.visibility is Visibility.JOINT and r.status is RiskStatus.OPEN
    )  # fmt: skip


@pytest.fixture
def apex_workbook(demo: RegisterService, tmp_path: Path) -> Path:
    path = tmp_path / "for APEX.xlsx"
    export_register(demo, path, "APEX")
    return path


def kinds(plan: object) -> list[tuple[str, str, str]]:
    return [(i.kind, i.ref, i.field) for i in plan.items]  # type: ignore[attr-defined]


# -- round trips ----------------------------------------------------------------------------
def test_an_untouched_workbook_imports_as_no_change(demo: RegisterService, tmp_path: Path) -> None:
    for partner in (None, "APEX", "AQUA"):
        path = tmp_path / f"{partner}.xlsx"
        export_register(demo, path, partner)
        plan = plan_import(demo, path)
        assert plan.items == (), (partner, kinds(plan))


def test_a_workbook_resaved_by_libreoffice_imports_as_no_change(
    demo: RegisterService, apex_workbook: Path, tmp_path: Path
) -> None:
    resaved = libreoffice_resave(apex_workbook, tmp_path / "calc")
    book = load_workbook(resaved)
    assert "_exchange" in book.sheetnames  # LibreOffice keeps it (as hidden)
    plan = plan_import(demo, resaved)
    assert plan.items == (), kinds(plan)


def test_long_texts_round_trip_whole(demo: RegisterService, tmp_path: Path) -> None:
    risk = led_by(demo, "APEX")
    long_text = "Ground conditions vary along the route. " * 490  # 19,600 characters
    demo.edit_risk(risk.uuid, risk.version, {"description": long_text, "controls": long_text})
    path = tmp_path / "long.xlsx"
    export_register(demo, path, "APEX")
    assert plan_import(demo, path).items == ()
    edit(path, "Risks", risk.ref, {"Existing controls": long_text + " Checked weekly."})
    (item,) = plan_import(demo, path).items
    assert (item.kind, item.field, item.new) == (
        "update",
        "controls",
        long_text + " Checked weekly.",
    )


# -- each kind of finding -------------------------------------------------------------------
def test_a_changed_score_in_a_row_the_sender_leads_is_an_update(
    demo: RegisterService, apex_workbook: Path, demo_path: Path
) -> None:
    risk = led_by(demo, "APEX")
    new_level = 5 if risk.current_likelihood != 5 else 4
    edit(apex_workbook, "Risks", risk.ref, {"Current likelihood": f"{new_level} - x"})
    plan = plan_import(demo, apex_workbook)
    assert [i.kind for i in plan.items] == ["error"]  # "5 - x" names no level
    edit(apex_workbook, "Risks", risk.ref, {"Current likelihood": new_level})

    plan = plan_import(demo, apex_workbook)
    assert kinds(plan) == [("update", risk.ref, "current_likelihood")]
    item = plan.items[0]
    assert (item.old, item.new) == (risk.current_likelihood, new_level)
    assert item.cell == cell_name(apex_workbook, "Risks", risk.ref, "Current likelihood")

    apply_import(demo, plan, plan.accepted("clean"))
    assert demo.get_risk(risk.uuid).current_likelihood == new_level
    history = next(c for c in reversed(demo.history(risk.uuid)) if c.field != "next_review")
    assert history.field == "current_likelihood" and history.partner_code == "CNCL"
    assert "for APEX.xlsx" in history.summary and "from APEX" in history.summary
    backups = list(demo_path.parent.glob("* backups/*before import.riskreg"))
    assert len(backups) == 1

    before = file_digest(demo_path)
    again = plan_import(demo, apex_workbook)
    assert again.items == ()
    apply_import(demo, again, again.accepted("all"))
    assert file_digest(demo_path) == before  # the same workbook twice changes nothing


def test_a_field_changed_on_both_sides_is_a_conflict_the_user_decides(
    demo: RegisterService, apex_workbook: Path
) -> None:
    risk = led_by(demo, "APEX")
    demo.edit_risk(risk.uuid, risk.version, {"owner": "Keeper's choice"})
    edit(apex_workbook, "Risks", risk.ref, {"Owner": "Partner's choice", "Cause": "Wet winter"})

    plan = plan_import(demo, apex_workbook)
    assert sorted(kinds(plan)) == [("conflict", risk.ref, "owner"), ("update", risk.ref, "cause")]
    conflict = next(i for i in plan.items if i.kind == "conflict")
    assert (conflict.old, conflict.new) == ("Keeper's choice", "Partner's choice")

    apply_import(demo, plan, plan.accepted("clean"))
    kept = demo.get_risk(risk.uuid)
    assert (kept.owner, kept.cause) == ("Keeper's choice", "Wet winter")

    plan = plan_import(demo, apex_workbook)
    assert kinds(plan) == [("conflict", risk.ref, "owner")]
    apply_import(demo, plan, plan.accepted("all"))
    assert demo.get_risk(risk.uuid).owner == "Partner's choice"


def test_a_change_to_another_partners_risk_is_rejected(
    demo: RegisterService, apex_workbook: Path, demo_path: Path
) -> None:
    risk = not_touching(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Title": "Taken over by APEX"})
    plan = plan_import(demo, apex_workbook)
    assert kinds(plan) == [("rejected", risk.ref, "title")]
    assert "APEX may not change" in plan.items[0].message
    before = file_digest(demo_path)
    apply_import(demo, plan, plan.accepted("all"))
    assert file_digest(demo_path) == before
    assert demo.get_risk(risk.uuid).title == risk.title


def test_a_new_row_without_a_ref_is_a_draft_led_by_the_sender(
    demo: RegisterService, apex_workbook: Path
) -> None:
    add_row(apex_workbook, "Risks", {
        "Title": "Bridge bearings delayed", "Inherent likelihood": "Likely",
        "Inherent impact": "4 - Major", "Category": "Programme & delivery",
        "Cost exposure (most likely)": "£25,000",
    })  # fmt: skip
    plan = plan_import(demo, apex_workbook)
    assert kinds(plan) == [("new", "", "title"), ("warning", "", "draft")]
    assert "not given: owner" in plan.items[1].message  # what the row leaves out is said
    count = len(demo.list_risks())
    apply_import(demo, plan, plan.accepted("clean"))
    created = demo.list_risks()[-1]
    assert len(demo.list_risks()) == count + 1
    assert (created.title, created.status, created.lead_partner) == (
        "Bridge bearings delayed", RiskStatus.DRAFT, "APEX",
    )  # fmt: skip
    assert (created.inherent_likelihood, created.inherent_impact, created.cost_likely) == (
        4, 4, 25_000,
    )  # fmt: skip
    assert plan_import(demo, apex_workbook).items == ()  # not proposed a second time


def test_a_new_action_row_belongs_to_the_sender(demo: RegisterService, apex_workbook: Path) -> None:
    risk = led_by(demo, "APEX")
    add_row(apex_workbook, "Actions", {
        "Risk": risk.ref, "Description": "Order spare bearings", "Due date": "2027-01-31",
    })  # fmt: skip
    plan = plan_import(demo, apex_workbook)
    assert kinds(plan) == [("new", risk.ref, "description"), ("warning", risk.ref, "draft")]
    assert "not given: owner" in plan.items[1].message
    apply_import(demo, plan, plan.accepted("clean"))
    action = demo.list_actions(risk.uuid)[-1]
    assert (action.description, action.partner, str(action.due_date)) == (
        "Order spare bearings", "APEX", "2027-01-31",
    )  # fmt: skip
    assert plan_import(demo, apex_workbook).items == ()


def test_a_deleted_row_is_reported_missing_and_kept(
    demo: RegisterService, apex_workbook: Path
) -> None:
    risk = led_by(demo, "APEX")
    delete_row(apex_workbook, "Risks", risk.ref)
    plan = plan_import(demo, apex_workbook)
    assert kinds(plan) == [("missing", risk.ref, "")]
    apply_import(demo, plan, plan.accepted("all"))
    assert demo.get_risk(risk.uuid).title == risk.title


def test_columns_moved_and_an_extra_column_do_not_matter(
    demo: RegisterService, apex_workbook: Path
) -> None:
    reorder_with_extra_column(apex_workbook, "Risks")
    assert plan_import(demo, apex_workbook).items == ()
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Existing controls": "Weekly inspection"})
    assert kinds(plan_import(demo, apex_workbook)) == [("update", risk.ref, "controls")]


def test_a_row_whose_id_was_cleared_is_matched_by_its_ref(
    demo: RegisterService, apex_workbook: Path
) -> None:
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Id": None, "Owner": "Found by ref"})
    plan = plan_import(demo, apex_workbook)
    assert sorted(kinds(plan)) == [("ignored", risk.ref, "uuid"), ("update", risk.ref, "owner")]
    assert "matched by its ref" in next(i for i in plan.items if i.kind == "ignored").message


def test_an_unreadable_likelihood_is_an_error_naming_its_cell(
    demo: RegisterService, apex_workbook: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Current likelihood": "Hgh", "Owner": "New owner"})
    cell = cell_name(apex_workbook, "Risks", risk.ref, "Current likelihood")
    plan = plan_import(demo, apex_workbook)
    error = next(i for i in plan.items if i.kind == "error")
    assert error.message == (
        f"Risks!{cell}: current likelihood “Hgh” is not one of 1–5 / Rare … Almost certain"
    )
    before = file_digest(demo_path)
    demo.close()
    assert cli(["import", str(demo_path), str(apex_workbook)]) == 1
    assert file_digest(demo_path) == before
    captured = capsys.readouterr()
    assert f"Risks!{cell}" in captured.out and "nothing was changed" in captured.err


def test_a_title_that_looks_like_a_formula_stays_text_both_ways(
    demo: RegisterService, apex_workbook: Path, tmp_path: Path
) -> None:
    formula = '=HYPERLINK("http://x","y")'
    add_row(apex_workbook, "Risks", {
        "Title": formula, "Inherent likelihood": 2, "Inherent impact": 3,
    }, as_text=True)  # fmt: skip
    plan = plan_import(demo, apex_workbook)
    assert [(i.kind, i.new) for i in plan.items] == [("new", formula), ("warning", None)]
    apply_import(demo, plan, plan.accepted("clean"))
    assert demo.list_risks()[-1].title == formula

    again = tmp_path / "again.xlsx"
    export_register(demo, again)
    ws = load_workbook(again)["Risks"]
    cell = next(c for c in ws["B"] if c.value == formula)
    assert cell.data_type == "s" and cell.quotePrefix  # text, never a formula
    with zipfile.ZipFile(again) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>HYPERLINK" not in sheet_xml


def test_a_formula_typed_by_a_script_without_a_result_is_an_error(
    demo: RegisterService, apex_workbook: Path
) -> None:
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Owner": "=A1"})  # openpyxl saves no result
    plan = plan_import(demo, apex_workbook)
    assert [i.kind for i in plan.items] == ["error"]
    assert "formula with no saved result" in plan.items[0].message


# -- refusals -------------------------------------------------------------------------------
def test_a_workbook_of_another_register_is_refused(
    demo: RegisterService, service: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "other.xlsx"
    export_register(service, path)
    with pytest.raises(ImportRefused, match="exported from another register"):
        plan_import(demo, path)


def test_a_workbook_with_an_unknown_export_id_is_refused(
    demo: RegisterService, apex_workbook: Path
) -> None:
    book = load_workbook(apex_workbook)
    exchange = book["_exchange"]
    for row in exchange.iter_rows():
        if row[0].value == "export_id":
            row[1].value = "00000000-0000-0000-0000-000000000000"
    book.save(apex_workbook)
    with pytest.raises(ImportRefused, match="never made"):
        plan_import(demo, apex_workbook)


def test_who_the_sender_is_comes_from_the_export_log_not_the_workbook(
    demo: RegisterService, apex_workbook: Path
) -> None:
    book = load_workbook(apex_workbook)
    for row in book["_exchange"].iter_rows():
        if row[0].value == "partner":
            row[1].value = "CNCL"  # a partner pretending to be the keeper
    book.save(apex_workbook)
    risk = not_touching(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Title": "Changed"})
    assert kinds(plan_import(demo, apex_workbook)) == [("rejected", risk.ref, "title")]


# -- partner exports and the command line ---------------------------------------------------
def test_a_partner_export_leaves_out_internal_risks_it_does_not_lead(
    demo: RegisterService, tmp_path: Path
) -> None:
    owners: dict[str, set[str]] = {}
    for action in demo.list_actions():
        owners.setdefault(action.risk_uuid, set()).add(action.partner)
    risk = next(r for r in demo.list_risks()  # one its lead partner alone holds
                if r.visibility is Visibility.JOINT and r.lead_partner != "APEX"
                and r.shares == ((r.lead_partner, 100),)
                and owners.get(r.uuid, set()) <= {r.lead_partner})  # fmt: skip
    demo.edit_risk(risk.uuid, risk.version, {"visibility": Visibility.INTERNAL})
    path = tmp_path / "apex.xlsx"
    result = export_register(demo, path, "APEX")
    book = load_workbook(path)
    everything = " ".join(
        str(cell.value) for ws in book.worksheets for row in ws.iter_rows() for cell in row
    )
    assert risk.uuid not in everything and risk.title not in everything
    visible = [
        r for r in demo.list_risks()
        if r.visibility is Visibility.JOINT or r.lead_partner == "APEX"
    ]  # fmt: skip
    assert result.risks == len(visible) < len(demo.list_risks())
    entry = demo.export_entry(result.export_id)
    assert entry is not None and entry.partner_code == "APEX"


def test_the_exported_workbook_is_usable_in_excel(demo: RegisterService, tmp_path: Path) -> None:
    path = tmp_path / "all.xlsx"
    export_register(demo, path, "APEX")
    book = load_workbook(path)
    assert book.sheetnames == [
        "Read me", "Risks", "Actions", "Partners", "Heat map", "Lists", "_exchange",
    ]  # fmt: skip
    assert book["_exchange"].sheet_state == "veryHidden"
    risks = book["Risks"]
    assert risks.freeze_panes == "B2" and risks.print_title_rows == "$1:$1"
    # Not protected, so that partners can sort and filter; the register's own columns are
    # grey, with a prompt saying an edit there is reported, not applied.
    assert risks.page_setup.orientation == "landscape" and not risks.protection.sheet
    headers = [c.value for c in risks[1]]
    ref_cell, title_cell = risks.cell(2, 1), risks.cell(2, headers.index("Title") + 1)
    assert ref_cell.protection.locked and not title_cell.protection.locked
    assert ref_cell.fill.fgColor.rgb == "FFECEFF3" and title_cell.fill.fgColor.rgb != "FFECEFF3"
    validations = risks.data_validations.dataValidation
    prompts = {str(dv.sqref).split(":")[0]: dv.prompt for dv in validations}
    assert "reported" in prompts["A2"]
    validated = {str(dv.sqref).split(":")[0] for dv in risks.data_validations.dataValidation}
    enumerated = ("Status", "Visibility", "Response", "Proximity", "Category",
                  "Current likelihood", "Current impact")  # fmt: skip
    for header in enumerated:
        letter = risks.cell(1, headers.index(header) + 1).column_letter
        assert f"{letter}2" in validated, header
    assert len(risks.conditional_formatting) >= 3
    heat = book["Heat map"]
    formulas = [c.value for row in heat.iter_rows() for c in row if str(c.value).startswith("=")]
    assert len(formulas) == 2 * 25 and all("COUNTIFS(Risks!" in f for f in formulas)


def test_import_json_report_for_scripts(
    demo: RegisterService, apex_workbook: Path, demo_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Current impact": 1})
    demo.close()
    assert cli(["import", str(demo_path), str(apex_workbook), "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sender"] == "APEX" and report["applied"] is False
    assert report["summary"] == {
        "update": 1, "conflict": 0, "differs": 0, "new": 0, "missing": 0, "rejected": 0,
        "ignored": 0, "held": 0, "warning": 0, "error": 0,
    }  # fmt: skip
    assert report["notes"] == [] and report["by_ref"] is False
    (item,) = report["items"]
    assert (item["kind"], item["sheet"], item["ref"], item["field"], item["new"]) == (
        "update", "Risks", risk.ref, "current_impact", 1,
    )  # fmt: skip
    assert cli(["import", str(demo_path), str(apex_workbook), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] is True


def test_export_command_writes_the_workbook(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "aqua.xlsx"
    assert cli(["export", str(demo_path), str(out), "--partner", "AQUA"]) == 0
    assert load_workbook(out)["_exchange"]["B6"].value == "AQUA"
    assert cli(["export", str(demo_path), str(out), "--partner", "NOPE"]) == 1
    assert cli(["export", str(demo_path), str(tmp_path / "x.csv")]) == 2
