"""Nothing a partner did to a returned workbook is silently lost: sheets found by their
headers, a missing sheet a refusal, every note shown, edits to the register's own columns
reported, partial new rows proposed, errors holding back only their row, a pasted copy read
by ref, LibreOffice's own format and typed level labels read — each also after a
LibreOffice re-save where one applies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from riskreg.choices import RiskStatus
from riskreg.cli import main as cli
from riskreg.exchange.export import export_register
from riskreg.exchange.foreign import plan_foreign
from riskreg.exchange.importer import CopyWithoutExport, ImportRefused, apply_import, plan_import
from riskreg.exchange.proposals import UNRATED_DRAFTS
from riskreg.service import RegisterService
from tests.conftest import file_digest
from tests.exchange_helpers import (
    add_row,
    cell_name,
    delete_sheet,
    edit,
    libreoffice_convert,
    libreoffice_resave,
    pasted_copy,
    rename_sheet,
    sort_rows,
)
from tests.test_exchange import kinds, led_by


@pytest.fixture
def apex_workbook(demo: RegisterService, tmp_path: Path) -> Path:
    path = tmp_path / "for APEX.xlsx"
    export_register(demo, path, "APEX")
    return path


# -- sheets found by their headers ------------------------------------------------------------
def test_a_renamed_risks_sheet_is_found_by_its_headers_and_the_preview_says_so(
    demo: RegisterService, apex_workbook: Path, demo_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Owner": "Edited on a renamed sheet"})
    rename_sheet(apex_workbook, "Risks", "Risques (APEX)")
    for workbook in (apex_workbook, libreoffice_resave(apex_workbook, tmp_path / "calc")):
        plan = plan_import(demo, workbook)
        assert kinds(plan) == [("update", risk.ref, "owner")]
        assert plan.items[0].message == f"Owner: “{risk.owner}” → “Edited on a renamed sheet”"
        assert plan.notes == ("the Risks sheet was found under the name “Risques (APEX)” (by "
                              "its column headers)",)  # fmt: skip
    demo.close()
    assert cli(["import", str(demo_path), str(apex_workbook), "--dry-run"]) == 0
    assert "note      the Risks sheet was found under the name “Risques" in capsys.readouterr().out
    assert cli(["import", str(demo_path), str(apex_workbook), "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["notes"] == list(plan.notes) and report["summary"]["update"] == 1


@pytest.mark.parametrize("name", ["Acti\u202eons", "actions "])
def test_a_sheet_renamed_to_look_like_its_own_name_is_still_found_by_its_headers(
    name: str, demo: RegisterService, apex_workbook: Path
) -> None:
    """A name that folds to "actions" (a right-to-left override inside it, a trailing
    space) is not the sheet's name: it is found by its headers, never refused as missing."""
    rename_sheet(apex_workbook, "Actions", name)
    plan = plan_import(demo, apex_workbook)
    assert kinds(plan) == []
    assert plan.notes == (f"the Actions sheet was found under the name “{name}” (by its "
                          "column headers)",)  # fmt: skip


@pytest.mark.parametrize("sheet", ["Risks", "Actions"])
def test_a_deleted_sheet_is_a_refusal_naming_it_never_no_changes(
    sheet: str, demo_path: Path, demo: RegisterService, apex_workbook: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Owner": "An edit that must not be lost"})
    delete_sheet(apex_workbook, sheet)
    resaved = libreoffice_resave(apex_workbook, tmp_path / "calc")
    for workbook in (apex_workbook, resaved):
        with pytest.raises(ImportRefused, match=f"has no {sheet} sheet") as refused:
            plan_import(demo, workbook)
        assert "nothing was imported" in str(refused.value)
    before = file_digest(demo_path)
    demo.close()
    assert cli(["import", str(demo_path), str(resaved)]) == 1
    assert f"has no {sheet} sheet" in capsys.readouterr().err
    assert cli(["import", str(demo_path), str(apex_workbook), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["applied"] is False and f"has no {sheet} sheet" in report["refused"]
    assert file_digest(demo_path) == before


def test_a_sheet_whose_header_row_was_overwritten_is_refused(
    demo: RegisterService, apex_workbook: Path
) -> None:
    book = load_workbook(apex_workbook)
    for cell in book["Risks"][1]:
        cell.value = f"col {cell.column}"
    book.save(apex_workbook)
    with pytest.raises(ImportRefused, match="a sheet named Risks is there but has not its headers"):
        plan_import(demo, apex_workbook)


def test_a_deleted_column_is_a_note_not_silence(demo: RegisterService, apex_workbook: Path) -> None:
    book = load_workbook(apex_workbook)
    sheet = book["Risks"]
    owner = next(c.column for c in sheet[1] if c.value == "Owner")
    sheet.delete_cols(owner)
    book.save(apex_workbook)
    plan = plan_import(demo, apex_workbook)
    assert "the Risks sheet has no “Owner” column, so nothing of it was compared" in plan.notes


# -- ids, refs and the register's own columns ------------------------------------------------
def test_an_edited_id_is_matched_by_ref_with_a_finding(
    demo: RegisterService, apex_workbook: Path
) -> None:
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Id": "typed over by mistake", "Cause": "Frost"})
    plan = plan_import(demo, apex_workbook)
    assert sorted(kinds(plan)) == [("ignored", risk.ref, "uuid"), ("update", risk.ref, "cause")]
    finding = next(i for i in plan.items if i.kind == "ignored")
    assert "the Id of" in finding.message and "changed in the workbook" in finding.message
    apply_import(demo, plan, plan.accepted("clean"))
    assert demo.get_risk(risk.uuid).cause == "Frost"


def test_a_row_whose_id_and_ref_were_both_edited_is_refused_naming_it(
    demo: RegisterService, apex_workbook: Path
) -> None:
    risk = led_by(demo, "APEX")
    cell = cell_name(apex_workbook, "Risks", risk.ref, "Ref")
    edit(apex_workbook, "Risks", risk.ref, {"Id": "x", "Ref": "R-9999"})
    with pytest.raises(ImportRefused, match="holds rows that were not in export") as refused:
        plan_import(demo, apex_workbook)
    assert f"Risks!{cell} R-9999" in str(refused.value)


def test_edits_to_the_registers_own_columns_are_reported_never_applied(
    demo: RegisterService, apex_workbook: Path, demo_path: Path, tmp_path: Path
) -> None:
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {
        "Lead partner": "AQUA", "Raised": "2020-01-01", "Ref": "R-777",
        "Current score": 99, "Current band": "Tiny",
    })  # fmt: skip
    for workbook in (apex_workbook, libreoffice_resave(apex_workbook, tmp_path / "calc")):
        plan = plan_import(demo, workbook)
        fields = sorted(i.field for i in plan.items if i.kind == "ignored" and i.ref == risk.ref)
        assert fields == ["current_band", "current_score", "lead_partner", "raised_on", "ref"]
        assert {i.kind for i in plan.items} == {"ignored"}
        lead = next(i for i in plan.items if i.field == "lead_partner")
        assert "changed in the register, not the workbook" in lead.message
        score = next(i for i in plan.items if i.field == "current_score")
        assert "computed" in score.message and "“99”" in score.message
    before = file_digest(demo_path)
    apply_import(demo, plan, plan.accepted("all"))
    assert file_digest(demo_path) == before


def test_a_level_edited_in_libreoffice_recomputes_its_score_and_is_no_finding(
    demo_path: Path, demo: RegisterService, apex_workbook: Path, tmp_path: Path
) -> None:
    risk = led_by(demo, "APEX")
    new_level = 1 if risk.current_likelihood != 1 else 2
    edit(apex_workbook, "Risks", risk.ref, {"Current likelihood": new_level})
    resaved = libreoffice_resave(apex_workbook, tmp_path / "calc")
    score = _cached(resaved, risk.ref, "Current score")
    assert score == new_level * risk.current_impact  # computed by LibreOffice
    assert kinds(plan_import(demo, resaved)) == [("update", risk.ref, "current_likelihood")]


def _cached(path: Path, ref: str, header: str) -> object:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Risks").to_python()
    column = rows[0].index(header)
    return next(row[column] for row in rows[1:] if row[0] == ref)


# -- new rows and errors -------------------------------------------------------------------
def test_a_new_row_with_a_title_lead_and_likelihood_only_is_a_proposal(
    demo: RegisterService, apex_workbook: Path
) -> None:
    add_row(apex_workbook, "Risks", {
        "Title": "Utility strike near the culvert", "Lead partner": "APEX",
        "Current likelihood": "4 - Likely",
    })  # fmt: skip
    plan = plan_import(demo, apex_workbook)
    if UNRATED_DRAFTS:  # the register holds unrated drafts: the row comes in as one
        assert kinds(plan) == [("new", "", "title"), ("warning", "", "draft")]
        warning = plan.items[1].message
        assert "unrated" in warning and "current likelihood 4 – Likely" in warning
        apply_import(demo, plan, plan.accepted("clean"))
        created = demo.list_risks()[-1]
        assert created.status is RiskStatus.DRAFT and "4 – Likely" in created.description
    else:  # a risk needs both axes: the row, and only the row, is held back
        assert kinds(plan) == [("error", "", "inherent_likelihood")]
        assert "needs a likelihood and an impact" in plan.items[0].message


def test_a_new_row_with_current_levels_only_takes_them_as_inherent_too(
    demo: RegisterService, apex_workbook: Path
) -> None:
    add_row(apex_workbook, "Risks", {
        "Title": "Night possession cancelled", "Current likelihood": "Possible",
        "Current impact": 4, "Status": "Open",
    })  # fmt: skip
    plan = plan_import(demo, apex_workbook)
    assert kinds(plan) == [("new", "", "title"), ("warning", "", "draft")]
    warning = plan.items[1].message
    for said in ("not given: owner, category", "entered as Draft (the workbook says Open)",
                 "inherent likelihood taken from the current one"):  # fmt: skip
        assert said in warning
    apply_import(demo, plan, plan.accepted("clean"))
    created = demo.list_risks()[-1]
    assert (created.title, created.status, created.lead_partner) == (
        "Night possession cancelled", RiskStatus.DRAFT, "APEX",
    )  # fmt: skip
    assert (created.inherent_likelihood, created.inherent_impact) == (3, 4)


def test_an_error_holds_back_only_its_row_and_skip_errors_applies_the_rest(
    demo_path: Path, demo: RegisterService, apex_workbook: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    first, second = [r for r in demo.list_risks() if r.lead_partner == "APEX"][:2]
    edit(apex_workbook, "Risks", first.ref, {"Current impact": "Hgh", "Owner": "Held back"})
    edit(apex_workbook, "Risks", second.ref, {"Owner": "Applied"})
    plan = plan_import(demo, apex_workbook)
    assert sorted(kinds(plan)) == [("error", first.ref, "current_impact"),
                                   ("held", first.ref, "owner"),
                                   ("update", second.ref, "owner")]  # fmt: skip
    held = next(i for i in plan.items if i.kind == "held")
    assert "held back: this row has an error" in held.message and not held.applicable
    before = file_digest(demo_path)
    demo.close()
    assert cli(["import", str(demo_path), str(apex_workbook)]) == 1  # stop on errors
    assert file_digest(demo_path) == before
    assert "--skip-errors" in capsys.readouterr().err
    assert cli(["import", str(demo_path), str(apex_workbook), "--skip-errors"]) == 0
    assert "their rows were left as they are" in capsys.readouterr().err
    from riskreg.service import open_service
    from tests.conftest import ALICE

    after = open_service(demo_path, ALICE)
    try:
        assert after.get_risk(second.uuid).owner == "Applied"
        assert after.get_risk(first.uuid).owner == first.owner
        assert after.get_risk(first.uuid).current_impact == first.current_impact
    finally:
        after.close()


# -- sorting, filtering, LibreOffice's own format, typed labels ------------------------------
def test_partners_can_sort_and_filter_without_unprotecting_anything(
    demo_path: Path, demo: RegisterService, apex_workbook: Path, tmp_path: Path
) -> None:
    book = load_workbook(apex_workbook)
    for name in ("Risks", "Actions"):
        assert not book[name].protection.sheet and book[name].auto_filter.ref
    sort_rows(apex_workbook, "Risks", "Title", reverse=True)
    sort_rows(apex_workbook, "Actions", "Owner")
    for workbook in (apex_workbook, libreoffice_resave(apex_workbook, tmp_path / "calc")):
        assert plan_import(demo, workbook).items == ()
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Owner": "After a sort"})
    assert kinds(plan_import(demo, apex_workbook)) == [("update", risk.ref, "owner")]


def test_a_workbook_returned_in_libreoffices_own_format_imports_like_an_xlsx(
    demo_path: Path, demo: RegisterService, apex_workbook: Path, tmp_path: Path
) -> None:
    untouched = libreoffice_convert(apex_workbook, tmp_path / "ods", "ods", ".ods")
    assert plan_import(demo, untouched).items == ()
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Owner": "Saved as .ods", "Current impact": 1})
    add_row(apex_workbook, "Risks", {"Title": "Proposed in LibreOffice", "Inherent likelihood": 2,
                                     "Inherent impact": 2, "Owner": "J. Smith",
                                     "Category": "Programme & delivery"})  # fmt: skip
    returned = libreoffice_convert(apex_workbook, tmp_path / "ods2", "ods", ".ods")
    plan = plan_import(demo, returned)
    assert sorted(kinds(plan)) == [
        ("new", "", "title"), ("update", risk.ref, "current_impact"),
        ("update", risk.ref, "owner"), ("warning", "", "draft"),
    ]  # fmt: skip
    apply_import(demo, plan, plan.accepted("clean"))
    assert demo.get_risk(risk.uuid).owner == "Saved as .ods"
    assert demo.list_risks()[-1].title == "Proposed in LibreOffice"


def test_level_cells_take_a_number_a_numbered_label_or_a_label(
    demo_path: Path, demo: RegisterService, apex_workbook: Path, tmp_path: Path
) -> None:
    scheme = demo.scheme()
    chosen = [r for r in demo.list_risks() if r.lead_partner == "APEX"
              and r.status is not RiskStatus.CLOSED and r.current_likelihood != 4][:3]  # fmt: skip
    typed = ["4", "4 - Likely", "Likely"]
    for risk, text in zip(chosen, typed, strict=True):
        edit(apex_workbook, "Risks", risk.ref, {"Current likelihood": text})
    book = load_workbook(apex_workbook)
    sheet = book["Risks"]
    letter = next(c.column_letter for c in sheet[1] if c.value == "Current likelihood")
    validation = next(v for v in sheet.data_validations.dataValidation
                      if str(v.sqref).startswith(f"{letter}2"))  # fmt: skip
    assert validation.type == "list" and not validation.showErrorMessage  # typed text kept
    lists = book["Lists"]
    source = validation.formula1.split("!")[1].replace("$", "")
    offered = [c.value for row in lists[source] for c in row]
    assert offered == [f"{lv.value} - {lv.label}" for lv in scheme.likelihood]
    resaved = libreoffice_resave(apex_workbook, tmp_path / "calc")
    for workbook in (apex_workbook, resaved):
        plan = plan_import(demo, workbook)
        assert sorted(kinds(plan)) == sorted(("update", r.ref, "current_likelihood")
                                             for r in chosen)  # fmt: skip
        assert {i.new for i in plan.items} == {4}
    for risk in chosen:  # LibreOffice reads each form as 4 for the score and the band
        assert _cached(resaved, risk.ref, "Current score") == 4 * risk.current_impact
        band = scheme.band(4, risk.current_impact).name
        assert _cached(resaved, risk.ref, "Current band") == band
    _heat_map_counts_follow_the_edits(demo, resaved, chosen)


def _heat_map_counts_follow_the_edits(demo: RegisterService, resaved: Path, chosen: list) -> None:  # type: ignore[type-arg]
    """Every count of the Heat map sheet's current grid, as LibreOffice computed it, is the
    register's threats' with the edited risks moved to likelihood 4."""
    scheme = demo.scheme()
    moved = {r.uuid for r in chosen}
    expected: dict[tuple[int, int], int] = {}
    for risk in demo.exchange_snapshot("APEX").risks:
        if risk.status is RiskStatus.CLOSED or risk.kind.value == "Opportunity":
            continue
        lik = 4 if risk.uuid in moved else risk.current_likelihood
        expected[(lik, risk.current_impact)] = expected.get((lik, risk.current_impact), 0) + 1
    rows = CalamineWorkbook.from_path(str(resaved)).get_sheet_by_name("Heat map").to_python()
    start = next(i for i, row in enumerate(rows) if row[0] == "Current position") + 1
    top = len(scheme.likelihood)
    for offset, lik in enumerate(range(top, 0, -1)):
        counts = rows[start + offset][1 : len(scheme.impact) + 1]
        assert counts == [float(expected.get((lik, imp), 0)) for imp in
                          range(1, len(scheme.impact) + 1)], lik  # fmt: skip


# -- a copy without its export ---------------------------------------------------------------
def test_a_copy_pasted_into_a_fresh_workbook_is_read_by_ref_never_as_new_risks(
    demo_path: Path, demo: RegisterService, apex_workbook: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    risk = led_by(demo, "APEX")
    edit(apex_workbook, "Risks", risk.ref, {"Owner": "Typed in the copy"})
    copy = pasted_copy(apex_workbook, tmp_path / "pasted.xlsx")
    with pytest.raises(CopyWithoutExport, match="can be imported by ref"):
        plan_import(demo, copy)
    plan = plan_import(demo, copy, by_ref=True)
    assert plan.by_ref and kinds(plan) == [("differs", risk.ref, "owner")]
    assert plan.accepted("clean") == []  # there is no base: nothing is ticked for the user
    assert any("no _exchange sheet" in note for note in plan.notes)
    foreign = plan_foreign(demo, copy, partner="APEX")  # and Import another register
    assert foreign.count("new") == 0 and foreign.count("duplicate") == len(
        demo.exchange_snapshot("APEX").risks
    )
    assert "already in this register (the same ref)" in foreign.items[0].message
    demo.close()
    assert cli(["import", str(demo_path), str(copy)]) == 1
    assert "--by-ref" in capsys.readouterr().err
    assert cli(["import", str(demo_path), str(copy), "--by-ref", "--accept", "all"]) == 0
    from riskreg.service import open_service
    from tests.conftest import ALICE

    after = open_service(demo_path, ALICE)
    try:
        assert after.get_risk(risk.uuid).owner == "Typed in the copy"
        assert len(after.list_risks()) == 44  # no duplicate
    finally:
        after.close()


def test_import_another_register_takes_a_row_already_held_only_when_chosen(
    demo: RegisterService, apex_workbook: Path, tmp_path: Path
) -> None:
    copy = pasted_copy(apex_workbook, tmp_path / "pasted.xlsx")
    plan = plan_foreign(demo, copy, partner="APEX")
    duplicates = [i for i in plan.items if i.kind == "duplicate"]
    assert duplicates and all("left out unless you pick it" in i.message for i in duplicates)
    assert plan.drafts == []
    plan.mapping.picked = {duplicates[0].row}
    chosen = plan_foreign(demo, copy, plan.mapping)
    first = duplicates[0].draft
    assert first is not None and [d.title for d in chosen.drafts] == [first.title]


def test_a_formula_without_a_saved_result_in_an_ods_is_an_error_not_an_empty_cell(
    demo_path: Path, demo: RegisterService, apex_workbook: Path, tmp_path: Path
) -> None:
    """LibreOffice saves every result; a script writing .ods may not, and calamine would
    read such a cell as empty — a cleared owner, to the merge."""
    import re
    import zipfile

    risk = led_by(demo, "APEX")
    ods = libreoffice_convert(apex_workbook, tmp_path / "ods", "ods", ".ods")
    scripted = tmp_path / "scripted.ods"
    with zipfile.ZipFile(ods) as source, zipfile.ZipFile(scripted, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                cell = re.escape(risk.owner.encode())
                data, count = re.subn(
                    rb'<table:table-cell([^>]*?) office:value-type="string" '
                    rb'calcext:value-type="string"><text:p>' + cell + rb"</text:p>"
                    rb"</table:table-cell>",
                    rb'<table:table-cell\1 table:formula="of:=[.A1]"/>', data, count=1,
                )  # fmt: skip
                assert count == 1
            target.writestr(info, data)
    plan = plan_import(demo, scripted)
    assert kinds(plan) == [("error", risk.ref, "owner")]
    where = cell_name(apex_workbook, "Risks", risk.ref, "Owner")
    assert plan.items[0].message == (
        f"Risks!{where}: owner is a formula with no saved result; type the value instead"
    )


def test_where_drafts_may_be_unrated_a_lone_level_is_kept_in_the_description(
    demo: RegisterService, apex_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan a register with unrated drafts makes of the row above (planned only: this
    schema cannot hold an unrated risk until drafts may be unrated)."""
    from riskreg.exchange import proposals

    monkeypatch.setattr(proposals, "UNRATED_DRAFTS", True)
    add_row(apex_workbook, "Risks", {
        "Title": "Utility strike near the culvert", "Lead partner": "AQUA",
        "Current likelihood": "4 - Likely", "Description": "Found on the survey.",
    })  # fmt: skip
    plan = plan_import(demo, apex_workbook)
    assert kinds(plan) == [("new", "", "title"), ("warning", "", "draft")]
    draft = plan.items[0].draft
    assert draft is not None and not isinstance(draft, tuple)
    scores = (draft.inherent_likelihood, draft.inherent_impact, draft.current_likelihood,
              draft.current_impact)  # fmt: skip
    assert scores == (None, None, None, None) and draft.lead_partner == "APEX"
    assert draft.description == (
        "Found on the survey.\n\nFrom the workbook, which gave no impact: current likelihood "
        "4 – Likely."
    )
    warning = plan.items[1].message
    assert "led by APEX, who sends it (the workbook says AQUA" in warning
    assert "unrated until scored in the register (no impact" in warning
