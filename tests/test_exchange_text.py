"""Text that survives every spreadsheet: lengths counted as spreadsheets count them (UTF-16
units), control characters refused at input in every text field the register holds and
shown as pictures for data written before, every user text written as text, and every user
name that reaches a formula escaped."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from riskreg.choices import EscalationLevel
from riskreg.errors import ValidationError
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import apply_import, plan_import
from riskreg.exchange.values import CELL_TEXT_LIMIT
from riskreg.records import (
    ActionDraft,
    Attendee,
    CategoryRecord,
    DecisionRecord,
    PartnerRecord,
    RiskDraft,
)
from riskreg.scoring import Band, Level, ScoringScheme
from riskreg.service import RegisterService, create_register
from riskreg.validation import utf16_units
from tests.conftest import ALICE
from tests.exchange_helpers import cell_name, edit, libreoffice_resave
from tests.test_exchange import kinds
from tests.test_text_fidelity import OUR_FORMULAS

EMOJI = "🚧"


# -- lengths as spreadsheets count them ----------------------------------------------------
def test_17000_emoji_are_refused_at_input_as_a_spreadsheet_could_not_keep_them(
    service: RegisterService,
) -> None:
    with pytest.raises(ValidationError) as refused:
        service.create_risk(RiskDraft("Long", "CNCL", 3, 3, description=EMOJI * 17_000))
    (problem,) = refused.value.problems
    assert problem.field == "description"
    assert "34,000 characters long as spreadsheets count them" in problem.message
    assert "20,000" in problem.message
    with pytest.raises(ValidationError, match="as spreadsheets count them"):
        service.create_risk(RiskDraft(EMOJI * 151, "CNCL", 3, 3))  # 302 of a title's 300
    kept = service.create_risk(RiskDraft(EMOJI * 150, "CNCL", 3, 3,
                                         description=EMOJI * 10_000))  # fmt: skip
    assert utf16_units(kept.description) == 20_000


def test_emoji_text_at_the_limit_survives_export_and_a_libreoffice_resave_whole(
    register_path: Path, service: RegisterService, tmp_path: Path
) -> None:
    risk = service.create_risk(RiskDraft("Emoji", "CNCL", 3, 3, description=EMOJI * 10_000))
    path = tmp_path / "emoji.xlsx"
    export_register(service, path)
    for workbook in (path, libreoffice_resave(path, tmp_path / "calc")):
        assert plan_import(service, workbook).items == ()
    edit(path, "Risks", risk.ref, {"Description": EMOJI * 17_000})
    cell = cell_name(path, "Risks", risk.ref, "Description")
    plan = plan_import(service, path)
    assert kinds(plan) == [("error", risk.ref, "description")]
    assert plan.items[0].message.startswith(f"Risks!{cell}: Description is 34,000 characters")


def test_text_written_before_too_long_for_a_cell_goes_out_cut_and_is_never_taken_back_cut(
    register_path: Path, service: RegisterService, tmp_path: Path
) -> None:
    risk = service.create_risk(RiskDraft("Old long text", "CNCL", 3, 3))
    whole = EMOJI * 20_000  # 40,000 units: allowed when lengths were counted in code points
    with sqlite3.connect(register_path) as db:
        db.execute("UPDATE risk SET description = ? WHERE uuid = ?", (whole, risk.uuid))
    path = tmp_path / "long.xlsx"
    export_register(service, path)
    shown = load_workbook(path)["Risks"][cell_name(path, "Risks", risk.ref, "Description")].value
    assert utf16_units(shown) <= CELL_TEXT_LIMIT and "the register holds all 40,000" in shown
    resaved = libreoffice_resave(path, tmp_path / "calc")
    for workbook in (path, resaved):
        assert plan_import(service, workbook).items == ()
    edit(path, "Risks", risk.ref, {"Description": shown + " and a partner's addition"})
    plan = plan_import(service, path)
    assert kinds(plan) == [("ignored", risk.ref, "description")]
    assert "longer than a spreadsheet cell holds" in plan.items[0].message
    apply_import(service, plan, plan.accepted("all"))
    assert service.get_risk(risk.uuid).description == whole


# -- control characters ------------------------------------------------------------------
BAD = "Pasted\x0bfrom Word"


def _attempts(service: RegisterService) -> dict[str, Callable[[], object]]:
    risk = service.create_risk(RiskDraft("Clean", "CNCL", 3, 3))
    scheme = service.scheme()
    relabelled = dataclasses.replace(scheme, likelihood=(Level(1, BAD), *scheme.likelihood[1:]))
    described = dataclasses.replace(
        scheme, impact=(Level(1, "Negligible", BAD), *scheme.impact[1:])
    )
    renamed_band = dataclasses.replace(scheme, bands=(Band(BAD, "#5cb85c", 365), *scheme.bands[1:]))
    return {
        "register name": lambda: service.rename_register(BAD),
        "partner name": lambda: service.add_partner(PartnerRecord("NEWP", BAD)),
        "partner contact": lambda: service.edit_partner("APEX", contact=BAD),
        "category": lambda: service.add_category(CategoryRecord(BAD)),
        "category renamed": lambda: service.edit_category("Financial", CategoryRecord(BAD)),
        "likelihood label": lambda: service.change_scheme(relabelled),
        "impact description": lambda: service.change_scheme(described),
        "band name": lambda: service.change_scheme(renamed_band),
        "action description": lambda: service.add_action(risk.uuid, ActionDraft(BAD, "CNCL")),
        "action owner": lambda: service.add_action(
            risk.uuid, ActionDraft("Fine", "CNCL", owner=BAD)
        ),
        "risk owner": lambda: service.edit_risk(risk.uuid, risk.version, {"owner": BAD}),
        "review title": lambda: service.record_joint_review(BAD, date(2026, 11, 1)),
        "review attendee": lambda: service.record_joint_review(
            "Board", date(2026, 11, 1), [Attendee("CNCL", BAD)]
        ),
        "review note": lambda: service.record_joint_review(
            "Board", date(2026, 11, 1), decisions=[DecisionRecord(risk.ref, _decision(), BAD)]
        ),
        "escalation reason": lambda: service.escalate(
            risk.uuid, risk.version, EscalationLevel.JOINT_MANAGEMENT, BAD
        ),
    }


def _decision() -> object:
    from riskreg.choices import Decision

    return next(iter(Decision))


def test_a_control_character_is_refused_in_every_text_field_naming_it(
    service: RegisterService,
) -> None:
    before = service.register_info().revision
    for what, attempt in _attempts(service).items():
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert any("U+000B" in p.message for p in refused.value.problems), what
        assert all(p.field for p in refused.value.problems), what
    assert service.register_info().revision == before + 1  # only the clean risk was made


def test_a_new_register_with_a_control_character_anywhere_is_refused(tmp_path: Path) -> None:
    default = ScoringScheme.default()
    cases = {
        "name": {"name": BAD},
        "partner": {"partners": [PartnerRecord("CNCL", BAD)]},
        "category": {"categories": [CategoryRecord(BAD)]},
        "scheme": {"scheme": dataclasses.replace(
            default, bands=(Band(BAD, "#5cb85c"), *default.bands[1:])
        )},
    }  # fmt: skip
    for what, options in cases.items():
        arguments: dict[str, object] = {"name": "Alliance", **options}
        with pytest.raises(ValidationError, match="U\\+000B"):
            create_register(tmp_path / f"{what}.riskreg", ALICE, **arguments)  # type: ignore[arg-type]
        assert not (tmp_path / f"{what}.riskreg").exists(), what


def test_control_characters_written_before_are_exported_as_pictures_not_a_crash(
    register_path: Path, service: RegisterService, tmp_path: Path
) -> None:
    risk = service.create_risk(RiskDraft("Clean", "CNCL", 3, 3))
    service.add_action(risk.uuid, ActionDraft("Clean", "CNCL"))
    scheme = json.loads(service.register_info().scheme.to_json())
    scheme["bands"][3][0] = "Very\x0bhigh"
    scheme["likelihood"][0][1] = "Rare\x07"
    with sqlite3.connect(register_path) as db:  # as a register from before the rule holds it
        db.execute("UPDATE register SET name = 'Alliance\x0c', scheme_json = ?",
                   (json.dumps(scheme),))  # fmt: skip
        db.execute("UPDATE partner SET name = 'Apex\x01', contact = 'jo\x1f@apex' "
                   "WHERE code = 'APEX'")  # fmt: skip
        db.execute("UPDATE category SET name = 'Fin\x02ancial' WHERE name = 'Financial'")
        db.execute("UPDATE action SET description = 'Bell\x07', owner = 'Tab\x0b'")
    path = tmp_path / "old.xlsx"
    for partner in (None, "APEX"):
        export_register(service, path, partner)
        texts = {str(c.value) for ws in load_workbook(path).worksheets
                 for row in ws.iter_rows() for c in row if c.value is not None}  # fmt: skip
        for shown in (
            "Alliance␌",
            "Apex␁",
            "jo␟@apex",
            "Fin␂ancial",
            "Bell␇",
            "Very␋high",
            "Rare␇",
        ):
            assert any(shown in text for text in texts), (partner, shown)
    assert plan_import(service, path).items == ()


# -- quotes and "=" in every name that reaches a formula or a cell ---------------------------
def test_quotes_and_formula_signs_in_names_stay_text_and_keep_formulas_whole(
    register_path: Path, tmp_path: Path
) -> None:
    default = ScoringScheme.default()
    scheme = dataclasses.replace(
        default,
        likelihood=(*default.likelihood[:3], Level(4, '=Likely "4"', "+50%"),
                    default.likelihood[4]),
        bands=(Band("=Low", "#5cb85c"), Band('Medium "amber"', "#f0c419"),
               Band("@High", "#f08a24"), Band('Very "high"', "#d9372b")),
    )  # fmt: skip
    name = '=HYPERLINK("http://x","Alliance")'
    service = create_register(
        register_path, ALICE, name=name, keeper="CNCL", scheme=scheme,
        partners=[PartnerRecord("CNCL", '="Council"', contact="+44 20 7946 0000"),
                  PartnerRecord("APEX", "-Apex", contact="@apex")],
        categories=[CategoryRecord('=Cat "q"')],
    )  # fmt: skip
    try:
        top = service.create_risk(RiskDraft("Top", "CNCL", 5, 5, category='=Cat "q"'))
        likely = service.create_risk(RiskDraft("Likely", "APEX", 4, 3))
        path = tmp_path / "names.xlsx"
        export_register(service, path)
        book = load_workbook(path)
        user_texts = {name, '="Council"', "+44 20 7946 0000", "-Apex", "@apex", '=Cat "q"',
                      '=Likely "4"', "=Low", 'Medium "amber"', "@High", 'Very "high"'}  # fmt: skip
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert OUR_FORMULAS.match(str(cell.value)), (sheet.title, cell.value)
                    elif isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
        found = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
        assert user_texts <= found
        rules = [r.formula[0] for cf in book["Risks"].conditional_formatting for r in cf.rules]
        assert any(r.endswith('="Very ""high"""') for r in rules)
        assert any(r.endswith('="=Low"') for r in rules)

        resaved = libreoffice_resave(path, tmp_path / "calc")
        calc = CalamineWorkbook.from_path(str(resaved))
        readme = calc.get_sheet_by_name("Read me").to_python()
        assert readme[0][0] == name  # text, not a formula LibreOffice computed
        risks = calc.get_sheet_by_name("Risks").to_python()
        band = risks[0].index("Current band")
        bands = {row[0]: row[band] for row in risks[1:] if row[0]}
        assert bands == {top.ref: 'Very "high"', likely.ref: "@High"}
        heat = calc.get_sheet_by_name("Heat map").to_python()
        counts = [v for row in heat for v in row[1:] if isinstance(v, float)]
        assert len(counts) == 50 and sum(counts) == 4  # two risks on each of two grids
        errors = [v for ws in ("Read me", "Risks", "Heat map", "Partners")
                  for row in calc.get_sheet_by_name(ws).to_python() for v in row
                  if isinstance(v, str) and re.fullmatch(r"#[A-Z/0!?]+|Err:\d+", v)]  # fmt: skip
        assert errors == []
        assert plan_import(service, resaved).items == ()
    finally:
        service.close()
