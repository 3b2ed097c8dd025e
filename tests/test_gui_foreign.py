"""The Import another register wizard, page by page, on real workbooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from tests.foreign_workbooks import write
from tests.gui_helpers import wait_for_jobs
from tests.test_foreign import DATA, raid_log
from ui import actions as act
from ui.dialogs.foreign_wizard import ForeignImportWizard
from ui.document import RegisterDocument
from ui.main_window import MainWindow


@pytest.fixture
def wizard(qtbot: QtBot, demo_path: Path) -> ForeignImportWizard:
    document = RegisterDocument(open_service(demo_path, ALICE))
    wiz = ForeignImportWizard(document, str(demo_path.parent))
    qtbot.addWidget(wiz)
    wiz.show()
    return wiz


def column_row(wiz: ForeignImportWizard, header: str) -> int:
    model = wiz.columns_page.model
    return next(r for r in range(model.rowCount()) if model.index(r, 1).data() == header)


def test_the_wizard_walks_a_real_register_into_the_register(
    qtbot: QtBot, wizard: ForeignImportWizard, demo: RegisterService
) -> None:
    qtbot.keyClicks(wizard.file_page.path, str(DATA / "prince2_style_nchaulagai.xlsx"))
    wizard.next()
    page = wizard.layout_page
    assert wizard.currentPage() is page
    assert page.sheet.currentData() == "Issue Register" and page.row.value() == 1
    assert "14 columns recognised" in page.explanation.text()
    assert page.model.index(0, 1).data() == "Title"  # the header row, highlighted
    assert page.model.item(0, 1).background().color().name() == "#ffe08a"

    wizard.next()
    columns = wizard.columns_page
    assert columns.model.index(column_row(wizard, "Probability"), 2).data() == (
        "Current likelihood"
    )
    columns.set_field(column_row(wizard, "Event"), "description")  # the event, not the reply
    columns.set_field(column_row(wizard, "Description"), None)

    wizard.next()
    values = wizard.values_page
    levels = {values.model.index(r, 1).data(): r for r in range(values.model.rowCount())}
    assert values.model.index(levels["75% to 100%"], 3).data() == "5 – Almost certain"
    values.set_level(levels["20000"], 3)  # the user knows £20k is moderate for them
    values.partner.setCurrentIndex(values.partner.findData("AQUA"))
    assert values.leads.rowCount() == 0  # its owner cells are empty: AQUA leads them all

    wizard.next()
    preview = wizard.preview_page
    assert preview.risks.rowCount() == 3 and preview.problems.rowCount() == 0
    assert "3 risks" in preview.summary.text() and "AQUA" in preview.summary.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).text() == "Import 3 risks"
    before = len(demo.list_risks())
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_for_jobs(qtbot, wizard.document)
    risks = demo.list_risks()
    assert len(risks) == before + 3
    data_security = next(r for r in risks if r.title == "Data security")
    assert (data_security.lead_partner, data_security.current_impact) == ("AQUA", 3)
    assert data_security.description.startswith("Fear of being hacked\n\n(Imported from")


def test_an_empty_template_is_refused_on_the_first_page(wizard: ForeignImportWizard) -> None:
    wizard.file_page.path.setText(str(DATA / "empty_template_packt_risk_log.xlsx"))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert "holds no risks" in wizard.file_page.problem.text()


def test_a_file_that_is_not_a_spreadsheet_stays_on_the_first_page(
    wizard: ForeignImportWizard, tmp_path: Path
) -> None:
    path = tmp_path / "minutes.xlsx"
    path.write_text("minutes of the meeting")
    wizard.file_page.path.setText(str(path))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert "not an Excel workbook" in wizard.file_page.problem.text()


def test_a_saved_mapping_is_written_and_used_for_the_next_file(
    wizard: ForeignImportWizard, tmp_path: Path, qtbot: QtBot, demo_path: Path
) -> None:
    path = raid_log(tmp_path)
    wizard.file_page.path.setText(str(path))
    wizard.next()
    wizard.next()
    wizard.next()
    values = wizard.values_page
    values.raid.setCurrentIndex(values.raid.findData("category"))
    saved = tmp_path / "raid.json"
    values.save_mapping_to(saved)
    assert json.loads(saved.read_text())["raid"] == "category"

    again = ForeignImportWizard(RegisterDocument(open_service(demo_path, ALICE)), "")
    qtbot.addWidget(again)
    again.show()
    again.file_page.path.setText(str(path))
    again.file_page.mapping_path.setText(str(saved))
    again.next()
    again.next()
    again.next()
    assert again.values_page.raid.currentData() == "category"


def test_owners_in_the_file_can_be_given_their_partner(
    qtbot: QtBot, wizard: ForeignImportWizard, tmp_path: Path, demo: RegisterService
) -> None:
    wizard.file_page.path.setText(str(raid_log(tmp_path)))
    wizard.next()
    wizard.next()
    wizard.next()
    values = wizard.values_page
    owners = {values.leads.index(r, 0).data(): r for r in range(values.leads.rowCount())}
    assert set(owners) == {"Kim", "Lee", "Ash"}
    index = values.leads.index(owners["Kim"], 2)
    values.leads.setData(index, "ARDN", Qt.ItemDataRole.UserRole)
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_for_jobs(qtbot, wizard.document)
    assert demo.list_risks()[-1].lead_partner == "ARDN"


def test_file_menu_opens_the_wizard(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(window)
    asked: list[object] = []
    monkeypatch.setattr(ForeignImportWizard, "ask",
                        classmethod(lambda cls, *a, **k: asked.append(k) or 0))  # fmt: skip
    window.actions_by_id[act.IMPORT_FOREIGN].trigger()
    assert asked == [{"spreadsheet": None}]  # the menu's "checked" is no file name ("False")


def walk_to_values(wiz: ForeignImportWizard, path: Path) -> None:
    wiz.file_page.path.setText(str(path))
    wiz.next()
    wiz.next()
    wiz.next()
    assert wiz.currentPage() is wiz.values_page


def value_rows(wiz: ForeignImportWizard) -> dict[tuple[str, str], int]:
    model = wiz.values_page.model
    return {(model.index(r, 0).data(), model.index(r, 1).data()): r
            for r in range(model.rowCount())}  # fmt: skip


def test_the_proposed_scale_mapping_is_shown_and_what_needs_a_level_is_marked(
    qtbot: QtBot, wizard: ForeignImportWizard, tmp_path: Path, demo: RegisterService
) -> None:
    path = write(tmp_path / "letters.xlsx", [
        ["Ref", "Risk", "Likelihood", "Impact"],
        ["L1", "Cyber attack", "VH", "H"], ["L2", "Fuel price rise", "M", "L"],
        ["L3", "Staff strike", "Hgh", "M"], ["L4", "Meteor strike", "VL", "VH"],
    ])  # fmt: skip
    walk_to_values(wizard, path)
    page, rows = wizard.values_page, value_rows(wizard)
    model = page.model
    vh = rows[("Current likelihood", "VH")]
    assert model.index(vh, 3).data() == "5 – Almost certain"
    assert model.index(vh, 4).data() == "step 5 of 5 on Very low … Very high (English)"
    hgh = rows[("Current likelihood", "Hgh")]
    assert model.index(hgh, 3).data() == "— no level: unrated —"
    assert model.item(hgh, 1).background().color().name() == "#fde2e1"
    assert model.item(vh, 1).background().style() == Qt.BrushStyle.NoBrush
    assert page.needing.text() == ("1 value has no level: the risks holding them come in as "
                                   "unrated Drafts unless you choose one.")  # fmt: skip
    wizard.next()
    preview = wizard.preview_page
    shown = {preview.risks.index(r, 1).data(): preview.risks.index(r, 3).data()
             for r in range(preview.risks.rowCount())}  # fmt: skip
    assert shown == {"Cyber attack": "5×4", "Fuel price rise": "3×1", "Staff strike": "unrated",
                     "Meteor strike": "1×5"}  # fmt: skip
    assert "Unrated: 1 — they come in as Drafts with no scores" in preview.summary.text()
    assert preview.tabs.tabText(0) == "Risks to create (4)"

    wizard.back()
    page.set_level(hgh, 4)  # the user knows "Hgh" is their "High"
    assert page.needing.text() == "Every value has a level."
    wizard.next()
    shown = {preview.risks.index(r, 1).data(): preview.risks.index(r, 3).data()
             for r in range(preview.risks.rowCount())}  # fmt: skip
    assert shown["Staff strike"] == "4×2"  # impact M: step 2 of Low … Very high
    findings = [preview.findings.index(r, 2).data() for r in range(preview.findings.rowCount())]
    assert "“Hgh” read as 4 – Likely (chosen by you)" in findings
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_for_jobs(qtbot, wizard.document)
    strike = next(r for r in demo.list_risks() if r.title == "Staff strike")
    assert (strike.current_likelihood, strike.current_impact, strike.unrated) == (4, 2, False)


def test_duplicates_are_left_out_until_ticked(
    qtbot: QtBot, wizard: ForeignImportWizard, tmp_path: Path, demo: RegisterService
) -> None:
    here = demo.find_risk("R-003")
    path = write(tmp_path / "dup.xlsx", [
        ["Risk", "Likelihood", "Impact"], [here.title, 2, 2], ["A new one", 3, 3],
    ])  # fmt: skip
    walk_to_values(wizard, path)
    wizard.next()
    preview = wizard.preview_page
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert preview.duplicates.rowCount() == 1 and finish.text() == "Import 1 risk"
    assert preview.duplicates.index(0, 2).data() == (
        f"matches R-003 “{here.title}” already in this register (the same title): left out "
        "unless you pick it")  # fmt: skip
    assert preview.tabs.tabText(2) == "Already in the register (1)"
    preview.pick(2)
    assert finish.text() == "Import 2 risks" and preview.risks.rowCount() == 2
    assert preview.duplicates.item(0, 0).checkState() == Qt.CheckState.Checked
    before = len(demo.list_risks())
    finish.click()
    wait_for_jobs(qtbot, wizard.document)
    assert len(demo.list_risks()) == before + 2


def test_a_workbook_exported_from_this_register_is_refused_on_the_first_page(
    wizard: ForeignImportWizard, tmp_path: Path, demo: RegisterService
) -> None:
    from riskreg.exchange.export import export_register

    out = tmp_path / "all.xlsx"
    export_register(demo, out)
    wizard.file_page.path.setText(str(out))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert "use File ▸ Import returned workbook" in wizard.file_page.problem.text()


def test_text_from_the_workbook_is_shown_as_plain_text(
    wizard: ForeignImportWizard, tmp_path: Path
) -> None:
    path = write(tmp_path / "rich.xlsx", [
        ["Risk", "Likelihood", "Impact", "Organisation"],
        ["<b>Bold</b> risk", 2, 3, "<i>Acme</i> Ltd"],
    ], sheet="<b>Sheet")  # fmt: skip
    walk_to_values(wizard, path)
    wizard.next()
    preview = wizard.preview_page
    labels = (wizard.layout_page.explanation, preview.summary, preview.problem,
              wizard.file_page.problem)  # fmt: skip
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    assert "<b>Sheet" in wizard.layout_page.explanation.text()
    assert wizard.subTitleFormat() == Qt.TextFormat.PlainText


def test_a_pasted_copy_of_an_exchange_workbook_creates_only_the_rows_ticked(
    qtbot: QtBot, wizard: ForeignImportWizard, demo: RegisterService, tmp_path: Path
) -> None:
    """An exchange workbook's rows pasted into a fresh file (no hidden sheet, so it is not
    refused as this register's own export) would all be duplicates brought in here: each is
    left out, and only the one the user ticks is created."""
    from riskreg.exchange.export import export_register
    from tests.exchange_helpers import pasted_copy

    exported = tmp_path / "apex.xlsx"
    export_register(demo, exported, "APEX")
    copy = pasted_copy(exported, tmp_path / "pasted.xlsx")
    walk_to_values(wizard, copy)
    wizard.next()
    preview = wizard.preview_page
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    rows = len(demo.exchange_snapshot("APEX").risks)
    assert preview.duplicates.rowCount() == rows and not finish.isEnabled()
    first = preview.duplicates.item(0, 0)
    assert first.checkState() == Qt.CheckState.Unchecked
    preview.pick(first.data(Qt.ItemDataRole.UserRole))
    assert finish.isEnabled() and finish.text() == "Import 1 risk"
    before = len(demo.list_risks())
    finish.click()
    wait_for_jobs(qtbot, wizard.document)
    assert len(demo.list_risks()) == before + 1
