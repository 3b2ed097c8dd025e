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
                        classmethod(lambda cls, *a: asked.append(a) or 0))  # fmt: skip
    window.actions_by_id[act.IMPORT_FOREIGN].trigger()
    assert len(asked) == 1


def test_rows_already_in_the_register_are_imported_only_when_ticked_one_by_one(
    qtbot: QtBot, wizard: ForeignImportWizard, demo: RegisterService, tmp_path: Path
) -> None:
    """An exchange workbook's rows pasted into a fresh file and brought in here would all be
    duplicates: they are listed unticked, and only the one the user ticks is created."""
    from riskreg.exchange.export import export_register
    from tests.exchange_helpers import pasted_copy

    exported = tmp_path / "apex.xlsx"
    export_register(demo, exported, "APEX")
    copy = pasted_copy(exported, tmp_path / "pasted.xlsx")
    qtbot.keyClicks(wizard.file_page.path, str(copy))
    for _ in range(4):
        wizard.next()
    preview = wizard.preview_page
    assert wizard.currentPage() is preview
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    rows = preview.risks.rowCount()
    assert rows == len(demo.exchange_snapshot("APEX").risks) and not finish.isEnabled()
    first = preview.risks.item(0, 0)
    assert first.isCheckable() and first.checkState() == Qt.CheckState.Unchecked
    assert preview.risks.item(0, 1).text().endswith("(already in the register)")
    first.setCheckState(Qt.CheckState.Checked)
    assert finish.isEnabled()
    before = len(demo.list_risks())
    finish.click()
    wait_for_jobs(qtbot, wizard.document)
    assert len(demo.list_risks()) == before + 1
