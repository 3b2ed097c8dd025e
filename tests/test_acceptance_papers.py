"""An acceptance outside appetite in the workbook (a read-only column whose edits are
reported, never applied), the meeting pack (who, why, until when) and the command line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from riskreg.cli import main
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import apply_import, plan_import
from riskreg.records import RiskRecord
from riskreg.report import gather_pack
from riskreg.service import RegisterService
from tests.exchange_helpers import edit

pytestmark = pytest.mark.usefixtures("qapp")  # the widgets' QApplication, made before any render


def accept_r013(demo: RegisterService) -> RiskRecord:
    """R-013 (CNCL leads; APEX and AQUA share) accepted for the partnership."""
    risk = demo.find_risk("R-013")
    until = demo.today() + timedelta(days=120)
    return demo.accept_risk(risk.uuid, risk.version, None, "J Smith",
                            "Contingency held by the council covers it", until)  # fmt: skip


def test_the_workbook_shows_an_acceptance_read_only_and_reports_an_edit_of_it(
    demo: RegisterService, tmp_path: Path
) -> None:
    risk = accept_r013(demo)
    path = tmp_path / "for APEX.xlsx"
    export_register(demo, path, "APEX")
    sheet = load_workbook(path)["Risks"]
    headers = [c.value for c in sheet[1]]
    column = headers.index("Accepted") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "R-013")
    cell = sheet.cell(row, column)
    until = risk.acceptances[0].expires_on.isoformat()
    assert cell.value == f"the partnership until {until} (J Smith)"
    assert cell.protection.locked  # like the other columns the register keeps
    owner_cell = sheet.cell(row, headers.index("Owner") + 1)
    assert cell.fill.fgColor.rgb != owner_cell.fill.fgColor.rgb  # greyed as read-only
    edit(path, "Risks", "R-013", {"Accepted": "APEX until 2099-01-01 (forged)"})
    plan = plan_import(demo, path)
    (item,) = [i for i in plan.items if i.field == "accepted"]
    assert item.kind == "ignored"
    assert "changed in the register, not the workbook" in item.message
    assert item.message.startswith(f"Risks!{cell.coordinate}")
    apply_import(demo, plan, plan.accepted("all"))
    assert demo.get_risk(risk.uuid).acceptances == risk.acceptances


def test_the_pack_lists_accepted_risks_with_who_why_and_until(
    demo: RegisterService, tmp_path: Path
) -> None:
    from riskreg.render.report_pages import write_meeting_pack

    risk = accept_r013(demo)
    pack = gather_pack(demo)
    assert risk.uuid not in {r.uuid for r, _ in pack.outside_appetite}
    assert [(r.ref, j.accepted.accepted_by) for r, j in pack.accepted if j.accepted] == [
        ("R-013", "J Smith")
    ]
    out = tmp_path / "pack.pdf"
    write_meeting_pack(pack, out)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    until = risk.acceptances[0].expires_on
    assert "Accepted risks" in text
    assert f"by J Smith on {risk.acceptances[0].accepted_on.day} " in text
    assert f"until {until.day} {until:%b %Y}" in text
    assert "Contingency held by the council covers it" in text
    # the cover's line: how many, and when the first stands again
    first = f"Accepted above appetite 1 risk; the first runs out on {until.day} {until:%b %Y}"
    assert first in text


def test_the_command_line_accepts_lists_withdraws_and_check_mentions_it(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = str(demo_path)
    assert main(["accept", register, "R-014", "--for", "partnership", "--by", "J Smith",
                 "--why", "Spring settlement", "--until", "2099-01-01"]) == 1  # fmt: skip
    assert "accept: expires_on: an acceptance lasts at most three years" in capsys.readouterr().err
    assert main(["accept", register, "R-014", "--for", "APEX", "--by", "J Smith",
                 "--why", "x", "--until", "2027-03-31"]) == 1  # fmt: skip
    assert "accept: scope: APEX neither leads nor shares R-014" in capsys.readouterr().err
    assert main(["accept", register, "R-014", "--for", "partnership", "--by", "J Smith",
                 "--why", "Spring settlement", "--until", "2027-03-31"]) == 0  # fmt: skip
    assert "R-014: accepted outside appetite for the partnership until 2027-03-31 (J Smith)" in (
        capsys.readouterr().out
    )
    assert main(["acceptances", register]) == 0
    assert "J Smith: Spring settlement" in capsys.readouterr().out
    assert main(["check", register]) == 0
    assert ("note: accepted outside appetite: R-014 for the partnership until 2027-03-31 "
            "(J Smith)") in capsys.readouterr().err  # fmt: skip
    assert main(["accept", register, "R-014", "--for", "partnership", "--withdraw"]) == 0
    assert main(["acceptances", register]) == 0
    assert "no risk is accepted outside appetite" in capsys.readouterr().out
