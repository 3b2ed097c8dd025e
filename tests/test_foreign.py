"""Bringing in registers this application did not write: real workbooks from elsewhere and
the other shapes found in the wild."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from riskreg.choices import Proximity, RiskStatus
from riskreg.cli import main as cli
from riskreg.exchange.foreign import (
    ForeignPlan,
    ForeignRefused,
    apply_foreign,
    load_mapping,
    plan_foreign,
    read_workbook,
)
from riskreg.records import CategoryRecord, RiskDraft
from riskreg.service import RegisterService
from tests.conftest import file_digest
from tests.exchange_helpers import libreoffice_resave

DATA = Path(__file__).parent / "data" / "foreign"


def drafts(plan: ForeignPlan) -> list[RiskDraft]:
    return plan.drafts


def fields_of(plan: ForeignPlan) -> dict[str, str | None]:
    return {m.header: m.field for m in plan.mapping.layout.columns}


# -- the real workbooks ---------------------------------------------------------------------
def test_a_new_category_like_one_the_register_has_is_pointed_out_not_merged(
    demo: RegisterService,
) -> None:
    """The template's "Strategic" beside the Orange Book's "Strategy": said in the plan's
    notes, and still made as written (the import does not decide that they are one)."""
    demo.add_category(CategoryRecord("Strategy"))
    plan = plan_foreign(demo, DATA / "erm_template_tomchong.xlsx", partner="APEX")
    (note,) = [n for n in plan.notes if "is new to the register" in n]
    assert "the category “Strategic” is new to the register, which has “Strategy”" in note
    assert plan.new_categories == ("Strategic",)
    demo.edit_category("Strategy", CategoryRecord("Governance"))  # nothing like it any more
    plan = plan_foreign(demo, DATA / "erm_template_tomchong.xlsx", partner="APEX")
    assert not [n for n in plan.notes if "is new to the register" in n]


def test_erm_template_one_risk_with_its_scales_owner_and_category(
    demo: RegisterService,
) -> None:
    plan = plan_foreign(demo, DATA / "erm_template_tomchong.xlsx", partner="APEX")
    layout = plan.mapping.layout
    assert (layout.sheet, layout.header_row + 1) == ("Sheet1", 6)
    (risk,) = drafts(plan)
    assert risk.title.startswith("Changing customer preferences")
    assert (risk.inherent_likelihood, risk.inherent_impact) == (1, 4)  # "1 - Rare", "4 - Major"
    assert (risk.current_likelihood, risk.current_impact) == (2, 3)  # residual pair
    assert (risk.owner, risk.category, risk.lead_partner) == ("Firstname Lastname", "Strategic",
                                                              "APEX")  # fmt: skip
    assert risk.status is RiskStatus.DRAFT
    assert "where it was 00232" in risk.description
    assert "Generative AI" in risk.cause and risk.actions[0].partner == "APEX"
    # the duplicated "Inherent Likelihood Factor" headers are noticed, not mapped twice
    factor = [m for m in layout.columns if m.header == "Inherent Likelihood Factor"]
    assert [m.field for m in factor] == [None, None] and "also looks like" in factor[0].reason
    assert [i.kind for i in plan.items] == ["new", "skipped"]  # all read on its own scale
    (notes,) = [i for i in plan.items if i.kind == "skipped"]  # the notes below the data
    assert (notes.where, notes.message) == (
        "Sheet1!F10", "rows 10, 12–21: rows with no title, description or asset (notes, "
        "legends), left out")  # fmt: skip

    apply_foreign(demo, plan)
    created = demo.list_risks()[-1]
    assert created.title == risk.title and created.category == "Strategic"
    assert "Strategic" in {c.name for c in demo.list_categories()}
    assert demo.history(created.uuid)[0].source.startswith("import of erm_template")


def test_jira_risk_log_uses_the_visible_register_not_its_export_sheet(
    demo: RegisterService,
) -> None:
    plan = plan_foreign(demo, DATA / "jira_risklog_bks07.xlsx", partner="CNCL")
    assert plan.mapping.layout.sheet == "RiskLog"
    assert plan.mapping.layout.header_row == 1  # below the group row
    (risk,) = drafts(plan)
    assert (risk.title, risk.current_likelihood, risk.current_impact) == ("Example Risk", 3, 2)
    assert risk.raised_on == date(2022, 2, 5)
    assert fields_of(plan)["Risk Assessment / Severity"] is None
    # its owner cell is a formula (an XLOOKUP) saved without its result: said once
    assert [(i.kind, i.where, i.message) for i in plan.items if i.kind != "new"] == [
        ("warning", "RiskLog!E3", "1 cell of “Responsibles / Owner” (row 3) holds a formula "
                                  "with no saved result: read as empty. Open and save the file "
                                  "in Excel or LibreOffice to fill them")]  # fmt: skip


def test_prince2_issue_register_probability_bands_money_and_proximity(
    demo: RegisterService,
) -> None:
    plan = plan_foreign(demo, DATA / "prince2_style_nchaulagai.xlsx", partner="AQUA")
    assert plan.mapping.layout.sheet == "Issue Register"
    risks = drafts(plan)
    assert [r.title for r in risks] == [
        "Text recognication", "Data security", "Stealing vehicle information",
    ]  # fmt: skip
    assert [r.current_likelihood for r in risks] == [5, 4, 4]  # 75–100 % → 5, 50–75 % → 4
    assert [r.current_impact for r in risks] == [4, 5, 4]  # money, relative to the largest
    assert risks[0].proximity is Proximity.IMMINENT and risks[1].proximity is Proximity.NEAR
    assert [(i.where, i.message) for i in plan.items if i.kind == "skipped"] == [
        ("Issue Register!B5", "rows 5–7: rows holding only an id, left out")]  # fmt: skip
    scale = {c.value: c.reason for c in plan.mapping.scales["current_likelihood"]}
    assert "probability 88%" in scale["75% to 100%"]
    assert [(i.where, i.message) for i in plan.items if i.kind == "read"] == [
        ("Issue Register!N3", "“50% to 75%” read as 4 – Likely (probability 62%: the scheme's "
                              "“50–80 % within the year”), and in 1 more cell"),
        ("Issue Register!N2", "“75% to 100%” read as 5 – Almost certain (probability 88%: the "
                              "scheme's “More than 80 % within the year”)"),
        ("Issue Register!O2", "“15000” read as 4 – Major (amount 15,000 of at most 20,000), "
                              "and in 1 more cell"),
        ("Issue Register!O3", "“20000” read as 5 – Severe (amount 20,000 of at most 20,000)"),
    ]  # fmt: skip
    assert plan.count("warning") == plan.count("error") == plan.unrated == 0


def test_an_empty_template_is_refused_as_empty(demo: RegisterService, demo_path: Path) -> None:
    before = file_digest(demo_path)
    with pytest.raises(ForeignRefused, match="holds no risks"):
        plan_foreign(demo, DATA / "empty_template_packt_risk_log.xlsx")
    assert file_digest(demo_path) == before


# -- other shapes ---------------------------------------------------------------------------
def save(tmp_path: Path, name: str, rows: list[list[Any]], merges: tuple[str, ...] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Register"
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    path = tmp_path / name
    book.save(path)
    return path


def two_row_header(tmp_path: Path) -> Path:
    return save(tmp_path, "two-row.xlsx", [
        ["Wessex Water — risk register 2026"],
        ["Printed for the board"],
        [],
        ["", "", "", "Inherent", "", "Residual", ""],
        ["Ref", "Risk", "Category", "Likelihood", "Impact", "Likelihood", "Impact"],
        ["W1", "Reservoir dam seepage", "Assets", 4, 5, 2, 5],
        ["W2", "Chlorine supply shortage", None, 3, 4, 3, 3],
        ["W3", "Telemetry outage", "Digital", 2, 3, 1, 3],
        [],
        ["Total", "", "", 9, 12, 6, 11],
    ], merges=("D4:E4", "F4:G4", "C6:C7"))  # fmt: skip


def test_a_two_row_header_with_title_block_totals_and_merged_cells(
    demo: RegisterService, tmp_path: Path
) -> None:
    plan = plan_foreign(demo, two_row_header(tmp_path), partner="AQUA")
    assert plan.mapping.layout.header_row + 1 == 5
    risks = drafts(plan)
    assert [r.title for r in risks] == ["Reservoir dam seepage", "Chlorine supply shortage",
                                        "Telemetry outage"]  # fmt: skip
    assert [(r.inherent_likelihood, r.inherent_impact, r.current_likelihood, r.current_impact)
            for r in risks] == [(4, 5, 2, 5), (3, 4, 3, 3), (2, 3, 1, 3)]  # fmt: skip
    assert [r.category for r in risks] == ["Assets", "Assets", "Digital"]  # carried down
    assert [(i.where, i.message) for i in plan.items if i.kind == "skipped"] == [
        ("Register!B10", "row 10: totals rows, left out")]  # fmt: skip


def test_a_scale_ticked_with_an_x_in_one_of_five_columns(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = save(tmp_path, "x-marks.xlsx", [
        ["", "", "Likelihood", "", "", "", "", "Impact"],
        ["ID", "Risk description", "Rare", "Unlikely", "Possible", "Likely", "Almost certain",
         "Impact"],
        [1, "Flooding of the depot", "", "", "X", "", "", "Major"],
        [2, "Loss of key staff", "", "", "", "x", "", "Moderate"],
    ], merges=("C1:G1",))  # fmt: skip
    plan = plan_foreign(demo, path, partner="CNCL")
    assert [(r.current_likelihood, r.current_impact) for r in drafts(plan)] == [(3, 4), (4, 3)]
    assert drafts(plan)[0].title == "Flooding of the depot"  # from the description


def raid_log(tmp_path: Path) -> Path:
    return save(tmp_path, "raid.xlsx", [
        ["ID", "Type", "Title", "Probability", "Impact", "Owner"],
        ["R1", "Risk", "Contractor insolvency", "High", "High", "Kim"],
        ["I1", "Issue", "Late steel delivery", "", "Medium", "Lee"],
        ["A1", "Assumption", "Planning consent by May", "Medium", "High", "Kim"],
        ["D1", "Dependency", "Network Rail possession", "Low", "High", "Ash"],
    ])  # fmt: skip


def test_a_raid_log_brings_in_its_risks_and_by_choice_the_rest_as_categories(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = raid_log(tmp_path)
    plan = plan_foreign(demo, path, partner="APEX")
    assert [r.title for r in drafts(plan)] == ["Contractor insolvency"]
    assert (drafts(plan)[0].current_likelihood, drafts(plan)[0].current_impact) == (5, 5)
    assert [(i.where, i.message.split(",")[0]) for i in plan.items if i.kind == "skipped"] == [
        ("Register!B3", "a RAID log's issue"), ("Register!B4", "a RAID log's assumption"),
        ("Register!B5", "a RAID log's dependency")]  # fmt: skip

    mapping = plan.mapping
    mapping.raid = "category"
    everything = plan_foreign(demo, path, mapping)
    assert everything.count("error") == 0  # the issue's empty likelihood refuses nothing
    (empty,) = [i for i in everything.items if i.kind == "warning"]
    assert empty.cell == "D3" and "likelihood is empty" in empty.message  # the issue's
    assert empty.message.endswith("the risk comes in as an unrated Draft")
    assert [r.category for r in drafts(everything)] == [None, "Issue", "Assumption",
                                                        "Dependency"]  # fmt: skip
    issue = drafts(everything)[1]
    assert (issue.title, issue.current_likelihood, issue.inherent_impact) == (
        "Late steel delivery", None, None)  # fmt: skip
    assert set(everything.new_categories) == {"Issue", "Assumption", "Dependency"}


def test_words_in_another_language_mapped_by_hand_and_the_mapping_reused(
    demo: RegisterService, tmp_path: Path
) -> None:
    rows = [["Rischio", "Probabilità", "Impatto"],
            ["Frana sulla strada", "Alto", "Medio"],
            ["Ritardo fornitore", "Basso", "Alto"]]  # fmt: skip
    path = save(tmp_path, "italiano.xlsx", rows)
    with pytest.raises(ForeignRefused, match="no risk register"):
        plan_foreign(demo, path)  # no header it knows
    mapping = {
        "version": 1, "sheet": "Register", "header_row": 1,
        "columns": [{"column": "A", "field": "title"},
                    {"column": "B", "field": "current_likelihood"},
                    {"column": "C", "field": "current_impact"}],
        "scales": {"current_likelihood": {"Basso": 2, "Medio": 3, "Alto": 4},
                   "current_impact": {"Basso": 2, "Medio": 3, "Alto": 4}},
        "partner": "ARDN", "status": "Open",
    }  # fmt: skip
    tables = read_workbook(path)
    plan = plan_foreign(demo, path, load_mapping(json.dumps(mapping), tables, demo.scheme()),
                        tables=tables)  # fmt: skip
    assert [(r.title, r.current_likelihood, r.current_impact, r.status, r.lead_partner)
            for r in drafts(plan)] == [
        ("Frana sulla strada", 4, 3, RiskStatus.OPEN, "ARDN"),
        ("Ritardo fornitore", 2, 4, RiskStatus.OPEN, "ARDN"),
    ]  # fmt: skip
    saved = tmp_path / "italiano.json"
    saved.write_text(plan.mapping.to_json())
    again = load_mapping(saved.read_text(), tables, demo.scheme())
    assert again.level("current_likelihood", "Alto") == 4


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_legacy_xls_and_opendocument_read_as_the_xlsx_they_came_from(
    demo: RegisterService, tmp_path: Path, suffix: str
) -> None:
    source = two_row_header(tmp_path)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        libreoffice_resave(source, tmp_path)  # fails in CI, skips elsewhere
    out = tmp_path / "converted"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", suffix, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    converted = out / f"two-row.{suffix}"
    expected = [(r.title, r.inherent_likelihood, r.inherent_impact, r.current_likelihood,
                 r.current_impact, r.category)
                for r in drafts(plan_foreign(demo, source, partner="AQUA"))]  # fmt: skip
    found = [(r.title, r.inherent_likelihood, r.inherent_impact, r.current_likelihood,
              r.current_impact, r.category)
             for r in drafts(plan_foreign(demo, converted, partner="AQUA"))]  # fmt: skip
    # calamine reads no merges from .ods; the sheet's own XML gives them, so the merged
    # category is carried down there too
    assert found == expected and len(found) == 3
    assert [r[-1] for r in found] == ["Assets", "Assets", "Digital"]


def test_a_partner_column_decides_who_leads_each_risk(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = save(tmp_path, "joint.xlsx", [
        ["Risk", "Likelihood", "Impact", "Organisation", "Owner"],
        ["Bridge joint failure", 3, 4, "APEX", "Sam"],
        ["Water main burst", 2, 5, "Aqua Vale Water plc", "Kim"],
        ["Consultant capacity", 3, 3, "Somebody Else Ltd", "Jo"],
    ])  # fmt: skip
    plan = plan_foreign(demo, path, partner="CNCL")
    assert [r.lead_partner for r in drafts(plan)] == ["APEX", "AQUA", "CNCL"]
    assert plan.mapping.lead_counts == {"APEX": 1, "Aqua Vale Water plc": 1,
                                        "Somebody Else Ltd": 1}  # fmt: skip
    plan.mapping.leads["Somebody Else Ltd"] = "ARDN"  # the user names the partner
    again = plan_foreign(demo, path, plan.mapping)
    assert drafts(again)[2].lead_partner == "ARDN"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    demo: RegisterService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("riskreg.exchange.sheets.MAX_FILE_BYTES", 10_000)
    with pytest.raises(ForeignRefused, match="the most a register import reads"):
        plan_foreign(demo, DATA / "erm_template_tomchong.xlsx")


# -- refusals and the command line ----------------------------------------------------------
def test_files_that_hold_no_register_are_refused_plainly(
    demo: RegisterService, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.xlsx"
    notes.write_bytes(b"not a spreadsheet at all")
    with pytest.raises(ForeignRefused, match="not an Excel workbook"):
        plan_foreign(demo, notes)
    encrypted = tmp_path / "secret.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode(
        "utf-16-le") + b"\x00" * 512)  # fmt: skip
    with pytest.raises(ForeignRefused, match="password-protected"):
        plan_foreign(demo, encrypted)
    budget = save(tmp_path, "budget.xlsx", [["Month", "Spend"], ["Jan", 100], ["Feb", 120]])
    with pytest.raises(ForeignRefused, match="holds no risk register"):
        plan_foreign(demo, budget)
    with pytest.raises(ForeignRefused, match=r"reads \.xlsx"):
        plan_foreign(demo, tmp_path / "register.csv")


def test_import_foreign_command_reports_json_and_imports(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = DATA / "prince2_style_nchaulagai.xlsx"
    mapping = tmp_path / "prince2.json"
    args = ["import-foreign", str(demo_path), str(workbook), "--partner", "APEX"]
    assert cli([*args, "--dry-run", "--json", "--save-mapping", str(mapping)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {"new": 3, "error": 0, "duplicate": 0, "picked": 0,
                                 "warning": 0, "read": 4, "skipped": 1, "unrated": 0}  # fmt: skip
    assert report["applied"] is False
    assert report["items"][0]["kind"] == "new" and report["sender"] == "APEX"
    assert json.loads(mapping.read_text())["sheet"] == "Issue Register"
    assert cli([*args, "--mapping", str(mapping), "--status", "Open"]) == 0
    assert "3 new risks for APEX" in capsys.readouterr().out
    empty = DATA / "empty_template_packt_risk_log.xlsx"
    assert cli(["import-foreign", str(demo_path), str(empty)]) == 1
    assert "holds no risks" in capsys.readouterr().err


def test_another_registers_risks_come_in_internal_to_their_lead_until_made_joint(
    demo: RegisterService, tmp_path: Path, demo_path: Path
) -> None:
    """A spreadsheet brought in holds placeholder text and unreviewed drafts: none of it
    reaches a joint paper until the partnership takes it up (or the import says Joint)."""
    from riskreg.choices import Visibility
    from riskreg.exchange.foreign import apply_foreign, plan_foreign
    from riskreg.service import open_service
    from tests.conftest import ALICE
    from tests.foreign_workbooks import write

    path = write(tmp_path / "theirs.xlsx", [["Risk", "Likelihood", "Impact"],
                                            ["Flood on the access road", 3, 3]])  # fmt: skip
    plan = plan_foreign(demo, path, partner="APEX")
    assert plan.mapping.visibility is Visibility.INTERNAL
    (uuid,) = apply_foreign(demo, plan)
    assert demo.get_risk(uuid).visibility is Visibility.INTERNAL
    joint = write(tmp_path / "joint.xlsx", [["Risk", "Likelihood", "Impact"],
                                            ["Bridge bearing delay", 2, 3]])  # fmt: skip
    demo.close()
    args = ["import-foreign", str(demo_path), str(joint), "--partner", "APEX"]
    assert cli([*args, "--visibility", "Joint"]) == 0
    after = open_service(demo_path, ALICE)
    try:
        made = next(r for r in after.list_risks() if r.title == "Bridge bearing delay")
        assert made.visibility is Visibility.JOINT
    finally:
        after.close()
