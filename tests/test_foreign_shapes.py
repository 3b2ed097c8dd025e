"""Registers in every shape the issue lists come in whole: each test names the exact risks,
their scores and every finding (what was read, in which cell, and what was done)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskreg.choices import Proximity, RiskStatus
from riskreg.cli import main as cli
from riskreg.exchange.export import export_register
from riskreg.exchange.foreign import ForeignPlan, ForeignRefused, apply_foreign, plan_foreign
from riskreg.service import RegisterService
from tests.conftest import file_digest
from tests.foreign_workbooks import (
    TIER_PAIRS,
    converted,
    deep_header,
    flat_register,
    header_under_categories,
    hidden_totals_notes,
    partners_and_duplicates,
    prose_in_levels,
    prose_without_rating,
    raid_log,
    two_tier,
    unrated_rows,
    write,
    x_marks,
)

Scores = tuple[str, int | None, int | None, int | None, int | None]


def scores(plan: ForeignPlan) -> list[Scores]:
    return [(d.title, d.inherent_likelihood, d.inherent_impact, d.current_likelihood,
             d.current_impact) for d in plan.drafts]  # fmt: skip


def findings(plan: ForeignPlan, *kinds: str) -> list[tuple[str, str, str]]:
    wanted = kinds or ("duplicate", "picked", "warning", "read", "skipped", "error")
    return [(i.kind, i.where, i.message) for i in plan.items if i.kind in wanted]


def test_the_simplest_flat_register_takes_its_titles_from_asset_and_threat(
    demo: RegisterService, tmp_path: Path
) -> None:
    plan = plan_foreign(demo, flat_register(tmp_path), partner="APEX")
    assert scores(plan) == [
        ("Customer database: SQL injection", 4, 5, 4, 5),
        ("Laptops: Theft", 3, 3, 3, 3),
        ("Email: Phishing", 5, 4, 5, 4),
    ]
    assert findings(plan) == []  # 1–5 on a 1–5 register: nothing to tell
    fields = {m.header: m.field for m in plan.mapping.layout.columns}
    assert fields == {
        "Risk ID": "source_id", "Asset": "asset", "Threat": "title", "Vulnerability": "cause",
        "Likelihood (1-5)": "current_likelihood", "Impact (1-5)": "current_impact",
        "Risk Score": "ignored", "Risk Level": "ignored", "Mitigation": "action",
    }  # fmt: skip
    first = plan.drafts[0]
    assert first.cause == "Unpatched web framework"
    assert first.actions[0].description == "Patch monthly; web application firewall"
    assert first.description == "(Imported from flat.xlsx, where it was IS-01.)"
    assert (
        plan.notes[1]
        == "No partner or organisation column (nor any owner): every risk is led by APEX"
    )


def test_a_header_in_row_2_under_merged_categories_from_column_c(
    demo: RegisterService, tmp_path: Path
) -> None:
    plan = plan_foreign(demo, header_under_categories(tmp_path), partner="CNCL")
    layout = plan.mapping.layout
    assert (layout.header_row + 1, layout.columns[0].letter) == (2, "C")
    assert scores(plan) == [("Bridge bearing failure", 4, 4, 4, 4),
                            ("Traffic management breach", 3, 5, 3, 5)]  # fmt: skip
    assert [d.cause for d in plan.drafts] == ["Corrosion from road salt", "Drivers ignore signs"]
    assert [d.proximity for d in plan.drafts] == [Proximity.YEAR, Proximity.IMMINENT]
    assert [d.owner for d in plan.drafts] == ["Sam Reed", "Dan Moss"]
    assert findings(plan) == [("read", "Register!G4", "“Catastrophic” read as 5 – Severe (step "
                               "5 of 5 on Insignificant … Catastrophic (English))")]  # fmt: skip
    assert plan.notes[1] == ("No partner or organisation column: the risks of owners who name "
                             "no partner (Sam Reed, Dan Moss) are led by CNCL")  # fmt: skip


def test_a_header_deep_in_the_sheet_starting_in_column_d(
    demo: RegisterService, tmp_path: Path
) -> None:
    plan = plan_foreign(demo, deep_header(tmp_path), partner="CNCL")
    assert (plan.mapping.layout.header_row + 1, plan.mapping.layout.columns[0].letter) == (17, "D")
    assert scores(plan) == [("Server room flood", 2, 4, 2, 4),
                            ("Key supplier insolvency", 3, 3, 3, 3)]  # fmt: skip


@pytest.mark.parametrize("tiers", list(TIER_PAIRS))
@pytest.mark.parametrize("axis", [("Likelihood", "Impact"), ("Probability", "Severity"),
                                  ("L", "I")])  # fmt: skip
def test_two_tier_headers_are_paired_by_their_group(
    demo: RegisterService, tmp_path: Path, tiers: str, axis: tuple[str, str]
) -> None:
    first, second = TIER_PAIRS[tiers]
    plan = plan_foreign(demo, two_tier(tmp_path, first, second, axis), partner="AQUA")
    fields = [m.field for m in plan.mapping.layout.columns][2:]
    if tiers == "Current / Target":
        assert fields == ["current_likelihood", "current_impact", "target_likelihood",
                          "target_impact"]  # fmt: skip
        assert scores(plan) == [("Pump station failure", 4, 5, 4, 5),
                                ("Chemical dosing error", 3, 4, 3, 4)]  # fmt: skip
        assert [(d.target_likelihood, d.target_impact) for d in plan.drafts] == [(2, 4), (1, 4)]
    else:
        assert fields == ["inherent_likelihood", "inherent_impact", "current_likelihood",
                          "current_impact"]  # fmt: skip
        assert scores(plan) == [("Pump station failure", 4, 5, 2, 4),
                                ("Chemical dosing error", 3, 4, 1, 4)]  # fmt: skip
    assert plan.mapping.layout.columns[3].header == f"{first} / {axis[1]}"
    assert findings(plan) == []


def test_two_plain_likelihood_columns_are_inherent_then_current(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = write(tmp_path / "repeated.xlsx", [
        ["Risk", "Likelihood", "Impact", "Controls", "Likelihood", "Impact"],
        ["Landslip on the A38 cutting", 4, 5, "Monitoring", 2, 5],
    ])  # fmt: skip
    plan = plan_foreign(demo, path, partner="CNCL")
    assert scores(plan) == [("Landslip on the A38 cutting", 4, 5, 2, 5)]
    reasons = [m.reason for m in plan.mapping.layout.columns]
    assert reasons[1] == "the first of two “Likelihood” columns: inherent (before controls)"
    assert reasons[4] == "the second of two “Likelihood” columns: current (after controls)"


def test_hidden_rows_totals_repeated_headers_and_notes_are_left_out_and_said(
    demo: RegisterService, tmp_path: Path
) -> None:
    plan = plan_foreign(demo, hidden_totals_notes(tmp_path), partner="CNCL")
    assert scores(plan) == [("Asbestos in the old depot", 3, 4, 3, 4),
                            ("Contractor insolvency", 3, 5, 3, 5),
                            ("Flooding of the compound", 2, 4, 2, 4)]  # fmt: skip
    # the merged category cell is carried down to the row under it (and the hidden one)
    assert [d.category for d in plan.drafts] == ["Health & safety", "Health & safety",
                                                 "Environmental"]  # fmt: skip
    assert findings(plan) == [
        ("skipped", "Register!B3", "row 3: hidden in the workbook, left out"),
        ("skipped", "Register!B7", "row 7: totals rows, left out"),
        ("skipped", "Register!B5", "row 5: repeats of the header row, left out"),
        ("skipped", "Register!B9", "rows 9–10: rows with no title, description or asset "
                                   "(notes, legends), left out"),
    ]  # fmt: skip


def test_hidden_rows_of_an_opendocument_sheet_are_left_out_too(
    demo: RegisterService, tmp_path: Path
) -> None:
    ods = converted(hidden_totals_notes(tmp_path), "ods", tmp_path)
    plan = plan_foreign(demo, ods, partner="CNCL")
    titles = ["Asbestos in the old depot", "Contractor insolvency", "Flooding of the compound"]
    assert [d.title for d in plan.drafts] == titles
    assert ("skipped", "Register!B3", "row 3: hidden in the workbook, left out") in findings(plan)


def test_a_raid_log_reports_each_row_it_leaves_out(demo: RegisterService, tmp_path: Path) -> None:
    plan = plan_foreign(demo, raid_log(tmp_path), partner="APEX")
    assert scores(plan) == [("Contractor insolvency", 5, 5, 5, 5)]
    choice = "left out (choose “bring them in, with their kind as the category” to keep it)"
    assert findings(plan, "skipped") == [
        ("skipped", "Register!B3", f"a RAID log's issue, not a risk: {choice}"),
        ("skipped", "Register!B4", f"a RAID log's assumption, not a risk: {choice}"),
        ("skipped", "Register!B5", f"a RAID log's dependency, not a risk: {choice}"),
    ]


def test_sentences_in_an_impact_column_are_the_consequence_and_the_rating_is_used(
    demo: RegisterService, tmp_path: Path
) -> None:
    plan = plan_foreign(demo, prose_in_levels(tmp_path), partner="CNCL")
    assert scores(plan) == [("Data centre outage", 4, 4, 4, 4), ("Payroll error", 1, 3, 1, 3)]
    assert [d.consequence for d in plan.drafts] == [
        "Loss of every online service for a day or more",
        "Staff paid late and a complaint to the regulator",
    ]
    columns = {m.header: (m.field, m.reason) for m in plan.mapping.layout.columns}
    assert columns["Impact"] == ("consequence",
                                 "holds descriptions, not levels: read as consequence")  # fmt: skip
    assert columns["Impact rating"] == (
        "current_impact",
        "column C holds descriptions: this one is the current impact",
    )


def test_a_sentence_where_a_level_belongs_is_kept_and_the_risk_comes_in_unrated(
    demo: RegisterService, tmp_path: Path
) -> None:
    plan = plan_foreign(demo, prose_without_rating(tmp_path), partner="CNCL")
    # half of the impact column is sentences: the column is kept as text, not read as levels
    assert scores(plan) == [("Data centre outage", None, None, None, None),
                            ("Payroll error", None, None, None, None)]  # fmt: skip
    assert [d.status for d in plan.drafts] == [RiskStatus.DRAFT, RiskStatus.DRAFT]
    assert plan.drafts[0].description == (
        "Likelihood: Likely\nImpact: Loss of every online service for a day or more"
    )
    assert plan.notes[1] == ("No impact column: every risk comes in as an unrated Draft, to be "
                             "scored in the register")  # fmt: skip


def test_rows_that_cannot_be_scored_come_in_as_unrated_drafts_with_a_finding_each(
    demo: RegisterService, tmp_path: Path, demo_path: Path
) -> None:
    plan = plan_foreign(demo, unrated_rows(tmp_path), partner="APEX")
    assert scores(plan) == [
        ("Scored risk", 3, 4, 3, 4), ("Impact left empty", None, None, None, None),
        ("To be assessed", None, None, None, None), ("Misspelt level", None, None, None, None),
        ("Formula from a script", None, None, None, None),
        ("Another formula", None, None, None, None),
    ]  # fmt: skip
    assert {d.status for d in plan.drafts} == {RiskStatus.DRAFT}
    unrated = "the risk comes in as an unrated Draft"
    assert findings(plan) == [
        ("warning", "Register!E3", f"current impact is empty; {unrated}"),
        ("warning", "Register!D4", f"current likelihood “TBC” gives no value; {unrated}"),
        ("warning", "Register!E4", f"current impact “TBC” gives no value; {unrated}"),
        ("warning", "Register!C4", "“Closed”: the risk comes in as a Draft, since only a Draft "
                                   "may be unrated; the text is kept in the description"),
        ("warning", "Register!D5", "current likelihood “Hgh” has no level in the mapping "
                                   "(choose one, or score the risk later); the text is kept in "
                                   f"the description; {unrated}"),
        # the uncached formulas: once for the column, not once per row
        ("warning", "Register!E6:E7", "2 cells of “Impact” (rows 6–7) hold a formula with no "
                                      "saved result: read as empty and their risks come in as "
                                      "unrated Drafts (unless another column scores them). Open "
                                      "and save the file in Excel or LibreOffice to fill them"),
    ]  # fmt: skip
    misspelt = plan.drafts[3]
    assert misspelt.description == (
        "Likelihood: Hgh\nImpact: 2\n\n(Imported from unrated.xlsx, where it was U4.)"
    )
    assert plan.drafts[2].description.startswith("Status: Closed\n\n")
    assert plan.summary()["unrated"] == 5

    uuids = apply_foreign(demo, plan)
    created = [demo.get_risk(u) for u in uuids]
    assert [r.unrated for r in created] == [False, True, True, True, True, True]
    from riskreg.audience import Audience
    from riskreg.heatmap import Basis, HeatFilter

    keepers = HeatFilter(audience=Audience.internal())  # they come in Internal to APEX
    assert demo.heat_map(Basis.CURRENT, keepers).unrated[-5:] == (
        tuple(r.ref for r in created[1:]))  # fmt: skip


def test_x_marks_in_level_sub_columns_become_levels(demo: RegisterService, tmp_path: Path) -> None:
    plan = plan_foreign(demo, x_marks(tmp_path), partner="CNCL")
    assert scores(plan) == [("Flooding of the depot", 3, 4, 3, 4),
                            ("Loss of key staff", 4, 3, 4, 3),
                            ("Not yet assessed", None, None, None, None)]  # fmt: skip
    assert findings(plan) == [
        ("warning", "Register!C5", "current likelihood is empty; the risk comes in as an "
                                   "unrated Draft"),
        ("warning", "Register!H5", "current impact is empty; the risk comes in as an unrated "
                                   "Draft"),
    ]  # fmt: skip


def test_partners_are_matched_by_code_name_initials_or_close_name_and_never_silently(
    demo: RegisterService, tmp_path: Path
) -> None:
    plan = plan_foreign(demo, partners_and_duplicates(tmp_path), partner="APEX")
    assert [(d.title, d.lead_partner) for d in plan.drafts] == [
        ("Bridge joint failure", "APEX"), ("Water main burst", "AQUA"),
        ("Consultant capacity", "APEX"), ("Design freeze slips", "CNCL"),
    ]  # fmt: skip
    assert findings(plan, "read", "warning") == [
        ("read", "Register!E2", "“APEX” read as APEX – Apex Civil Engineering Ltd (its code), "
                                "1 row"),
        ("read", "Register!E3", "“Aqua Vale” read as AQUA – Aqua Vale Water plc (a close "
                                "name), 1 row"),
        ("warning", "Register!E4", "“Somebody Else Ltd” names no partner of this register: its "
                                   "1 row is led by APEX (give it its partner in step 4, or "
                                   "--mapping)"),
        ("read", "Register!E5", "“WCC” read as CNCL – Wessex County Council (its initials), "
                                "1 row"),
        ("read", "Register!E6", "“CNCL” read as CNCL – Wessex County Council (its code), 1 row"),
    ]  # fmt: skip


def test_rows_already_in_the_register_are_left_out_unless_picked(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = partners_and_duplicates(tmp_path)
    plan = plan_foreign(demo, path, partner="APEX")
    here = demo.find_risk("R-002")
    assert findings(plan, "duplicate") == [
        ("duplicate", "Register!B6", f"matches R-002 “{here.title}” already in this register "
                                     "(the same ref): left out unless you pick it")]  # fmt: skip
    assert len(plan.drafts) == 4
    apply_foreign(demo, plan)
    again = plan_foreign(demo, path, partner="APEX")  # the same file a second time
    assert again.drafts == [] and again.count("duplicate") == 5
    assert {i.message.split(" already")[0] for i in again.items if i.kind == "duplicate"} >= {
        "matches R-045 “Bridge joint failure”"}  # fmt: skip
    again.mapping.picked.add(3)
    picked = plan_foreign(demo, path, again.mapping)
    assert [d.title for d in picked.drafts] == ["Water main burst"]
    assert findings(picked, "picked") == [
        ("picked", "Register!B3", "matches R-046 “Water main burst” already in this register "
                                  "(the same title): brought in as you chose")]  # fmt: skip


def test_a_workbook_exported_from_this_register_is_refused_as_such(
    demo: RegisterService, demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "for APEX.xlsx"
    export_register(demo, out, "APEX")
    before = file_digest(demo_path)
    with pytest.raises(ForeignRefused, match="every risk: use File ▸ Import returned workbook"):
        plan_foreign(demo, out, partner="APEX")
    assert cli(["import-foreign", str(demo_path), str(out)]) == 1
    assert file_digest(demo_path) == before


def test_a_workbook_with_no_risk_table_says_what_was_looked_for_and_found(
    demo: RegisterService, tmp_path: Path
) -> None:
    staff = {"Staff": [["Name", "Team"], ["Kim", "Design"]]}
    path = write(tmp_path / "budget.xlsx", [["Month", "Spend", "Forecast"], ["Jan", 100, 90]],
                 sheet="Budget", others=staff)  # fmt: skip
    with pytest.raises(ForeignRefused) as refused:
        plan_foreign(demo, path)
    assert str(refused.value) == (
        "budget.xlsx holds no risk register. Looked for: a row within the first 30 rows of any "
        "sheet naming a title column (Risk, Title, Name, Event, Threat, Hazard, Issue, "
        "Description, Asset …) and at least one other column of a register (likelihood, "
        "impact, owner, status …). Found: sheet “Staff” row 1 (“Name”, “Team”): title; sheet "
        "“Budget” row 1 (“Month”, “Spend”, “Forecast”): no column of a register."
    )


def test_cli_prints_each_finding_with_its_cell_once(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = unrated_rows(tmp_path)
    assert cli(["import-foreign", str(demo_path), str(path), "--partner", "APEX",
                "--dry-run"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("warning   Register!E3"))
    assert line == ("warning   Register!E3: current impact is empty; the risk comes in as an "
                    "unrated Draft")  # fmt: skip
    assert "Register!E3: Register!E3" not in out and out.count("Register!E3") == 1
    assert out.rstrip().endswith("unrated.xlsx: 6 new risks for APEX (5 unrated), 0 duplicates "
                                 "left out, 0 errors — nothing written")  # fmt: skip
    assert cli(["import-foreign", str(demo_path), str(path), "--partner", "APEX",
                "--json"]) == 0  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert report["applied"] is True and report["summary"]["unrated"] == 5
    assert {"kind": "warning", "sheet": "Register", "cell": "E3", "ref": "",
            "field": "current_impact", "old": None, "new": None,
            "message": "current impact is empty; the risk comes in as an unrated Draft",
            } in report["items"]  # fmt: skip


TITLE_ORDER = ["Title", "Risk", "Name", "Event", "Threat", "Hazard", "Issue"]


@pytest.mark.parametrize("best", range(len(TITLE_ORDER) + 1))
def test_the_title_comes_from_the_best_column_there_is(
    demo: RegisterService, tmp_path: Path, best: int
) -> None:
    present = TITLE_ORDER[best:]
    headers = [*reversed(present), "Description", "Likelihood", "Impact"]  # the worst first
    row = [*(f"from {h}" for h in reversed(present)), "From the description. More.", 2, 3]
    plan = plan_foreign(demo, write(tmp_path / "titles.xlsx", [headers, row]), partner="CNCL")
    (draft,) = plan.drafts
    expected = f"from {present[0]}" if present else "From the description."
    assert (draft.title, draft.current_likelihood, draft.current_impact) == (expected, 2, 3)
    used = [m.header for m in plan.mapping.layout.columns if m.field == "title"]
    assert used == present[:1]


def test_a_row_that_cannot_come_in_is_left_out_and_the_others_come_in(
    demo: RegisterService, demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "long.xlsx", [
        ["Risk", "Description", "Likelihood", "Impact"],
        ["Fine risk", "Short.", 2, 3],
        ["Huge risk", "x" * 20_001, 3, 3],
    ])  # fmt: skip
    plan = plan_foreign(demo, path, partner="CNCL")
    assert [d.title for d in plan.drafts] == ["Fine risk"]
    assert findings(plan, "error") == [
        ("error", "Register!B3", "Description is 20,001 characters long; the most it can hold "
                                 "is 20,000: this row cannot come in")]  # fmt: skip
    before = len(demo.list_risks())
    assert cli(["import-foreign", str(demo_path), str(path), "--partner", "CNCL"]) == 0
    assert "1 row(s) cannot come in and were left out" in capsys.readouterr().err
    assert [r.title for r in demo.list_risks()[before:]] == ["Fine risk"]
