"""Text from a file, a workbook or a register is shown as it is, never as rich text.

Every text field of a register, a workbook's name, sheet name and cells, and a review's
frozen snapshot hold markup here; every label, message box, wizard title and tooltip of each
screen that shows them is read back as it would be rendered, and the markup must be there
as written. (Rendered as HTML, ``<img src="/dev/zero">`` in a sheet name or a snapshot made
Qt read /dev/zero without end: the last test runs those two in a process of their own, with
a time limit.)"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QToolTip,
    QWidget,
)
from pytestqt.qtbot import QtBot

from riskreg.records import (
    ActionDraft,
    Attendee,
    CategoryRecord,
    Decision,
    DecisionRecord,
    PartnerRecord,
    RiskDraft,
)
from riskreg.scoring import ScoringScheme
from riskreg.service import RegisterService, create_register, open_service
from tests.conftest import ALICE
from ui.main_window import MainWindow

MARK = "<b>zq<b>"
"""Shown as written it reads "<b>zq<b>"; rendered as HTML it would read "zq", in bold."""
ROOT = Path(__file__).resolve().parents[1]


def rendered(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """What the user reads: the text itself, or its HTML rendered, as Qt decides."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def shown_as_written(text: str) -> int:
    """Every "zq" the user reads is inside the markup as written; how many there are."""
    assert text.count("zq") == text.count(MARK), f"rendered as rich text: {text!r}"
    return text.count(MARK)


def index_tree(
    model: QAbstractItemModel, parent: QModelIndex | None = None
) -> Iterator[QModelIndex]:
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            yield index
            if column == 0 and model.rowCount(index) > 0:
                yield from index_tree(model, index)


def plain_everywhere(widgets: Iterable[QWidget]) -> int:
    """Read every label, tooltip and item tooltip under ``widgets`` as rendered, and every
    field, list and table cell (plain by nature); returns how many times the markup was
    seen (so a screen that never showed it fails the test)."""
    seen = 0
    for top in widgets:
        for widget in [top, *top.findChildren(QWidget)]:
            seen += _widget_texts(widget)
    return seen


def _widget_texts(widget: QWidget) -> int:
    seen = shown_as_written(rendered(widget.toolTip()))
    if isinstance(widget, QLabel):
        seen += shown_as_written(rendered(widget.text(), widget.textFormat()))
    elif isinstance(widget, QLineEdit):
        seen += shown_as_written(widget.text())
    elif isinstance(widget, QPlainTextEdit):
        seen += shown_as_written(widget.toPlainText())
    elif isinstance(widget, QComboBox):
        for i in range(widget.count()):
            seen += shown_as_written(widget.itemText(i))
            tip = widget.itemData(i, Qt.ItemDataRole.ToolTipRole)
            seen += shown_as_written(rendered(tip)) if isinstance(tip, str) else 0
    elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
        for index in index_tree(widget.model()):
            shown = index.data(Qt.ItemDataRole.DisplayRole)
            seen += shown_as_written(shown) if isinstance(shown, str) else 0
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            seen += shown_as_written(rendered(tip)) if isinstance(tip, str) else 0
    return seen


@pytest.fixture
def marked(tmp_path: Path) -> Iterator[RegisterService]:
    """A register with the markup in every text a user or a file can put there."""
    service = create_register(
        tmp_path / "marked.riskreg", ALICE, name=f"Alliance {MARK}",
        partners=[PartnerRecord("CNCL", f"Council {MARK}", "#1f5fa8", f"Jo {MARK}"),
                  PartnerRecord("APEX", f"Apex {MARK}", "#e07b00")],
        keeper="CNCL", categories=[CategoryRecord(f"Money {MARK}", "Averse")],
    )  # fmt: skip
    for n in range(3):
        risk = service.create_risk(RiskDraft(
            f"Flood {n} {MARK}", "CNCL", 5, 5, current_likelihood=5, current_impact=5,
            description=f"Described {MARK}", cause=f"Cause {MARK}", owner=f"Owner {MARK}",
            category=f"Money {MARK}"))  # fmt: skip
        service.add_action(risk.uuid, ActionDraft(f"Act {MARK}", "CNCL", owner=f"Al {MARK}"))
    first = service.list_risks()[0]
    service.edit_risk(first.uuid, first.version, {"title": f"Renamed {MARK}"})
    scheme = ScoringScheme.default()
    service.change_scheme(replace(
        scheme,
        likelihood=tuple(replace(lv, label=f"{lv.label} {MARK}", description=f"Often {MARK}")
                         for lv in scheme.likelihood),
        bands=tuple(replace(band, name=f"{band.name} {MARK}") for band in scheme.bands),
    ))  # fmt: skip
    decision = DecisionRecord(first.ref, Decision.ACCEPTED, f"ok {MARK}")
    service.record_joint_review(f"Board {MARK}", date(2026, 11, 1),
                                [Attendee("CNCL", f"Sam {MARK}")], [decision])  # fmt: skip
    yield service
    service.close()


@pytest.fixture
def window(qtbot: QtBot, marked: RegisterService) -> MainWindow:
    assert marked.path is not None
    made = MainWindow(open_service(marked.path, ALICE))
    qtbot.addWidget(made)
    made.show()
    return made


def test_the_register_window_shows_the_registers_text_as_written(
    qtbot: QtBot, window: MainWindow
) -> None:
    risk = window.document.service.list_risks()[0]
    window.register_view.select_uuid(risk.uuid)
    qtbot.waitUntil(lambda: window.editor.form.title.text() == risk.title)
    window.outside_bar.show_change(9, f"R-001 {MARK}")
    seen = plain_everywhere([window])
    assert seen >= 10, seen  # the table's tooltips, the editor, history, actions, the bar
    window.tabs.setCurrentWidget(window.heat_map)
    qtbot.waitUntil(lambda: window.heat_map.canvas.isVisible())
    canvas = window.heat_map.canvas
    canvas.repaint()
    qtbot.waitUntil(lambda: canvas.geometry_ is not None)
    cell = next(c for c in ((5, 5), (1, 1)) if canvas.titles_in(c))
    point = next(QPoint(x, y) for x in range(0, canvas.width(), 4)
                 for y in range(0, canvas.height(), 4)
                 if canvas.cell_at(QPointF(x, y)) == cell)  # fmt: skip
    canvas.event(QHelpEvent(QHelpEvent.Type.ToolTip, point, canvas.mapToGlobal(point)))
    assert shown_as_written(rendered(QToolTip.text())) >= 1


def test_every_dialog_shows_the_registers_text_as_written(
    qtbot: QtBot, window: MainWindow, marked: RegisterService
) -> None:
    from ui.dialogs.action_dialog import ActionDialog
    from ui.dialogs.categories import CategoriesDialog
    from ui.dialogs.escalation import EscalationDialog
    from ui.dialogs.export_workbook import ExportDialog
    from ui.dialogs.new_risk import NewRiskDialog
    from ui.dialogs.partners import PartnersDialog
    from ui.dialogs.reviews import RecordReviewDialog, ReviewsDialog
    from ui.dialogs.scheme import SchemeDialog

    document, service = window.document, window.document.service
    risk = service.list_risks()[0]
    dialogs = [
        PartnersDialog(document), CategoriesDialog(document), SchemeDialog(document),
        EscalationDialog(risk), NewRiskDialog(document),
        ActionDialog(service.list_partners(), service.list_actions()[0]),
        ExportDialog(service.list_partners(), ""),
        RecordReviewDialog(service.list_partners(), service.list_risks(), date(2026, 11, 27)),
        ReviewsDialog(document),
    ]  # fmt: skip
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
    seen = {type(dialog).__name__: plain_everywhere([dialog]) for dialog in dialogs}
    assert all(n >= 1 for n in seen.values()), seen  # each showed the register's text


def test_a_tampered_review_snapshot_is_shown_as_written(
    qtbot: QtBot, window: MainWindow, marked: RegisterService
) -> None:
    """The snapshot is the file's text: every field of it, not only the title."""
    from ui.dialogs.reviews import ReviewsDialog

    assert marked.path is not None
    with sqlite3.connect(marked.path) as raw:
        (text,) = raw.execute("SELECT snapshot FROM review").fetchone()
        snapshot: dict[str, Any] = json.loads(text)
        snapshot["meeting"]["held_on"] = MARK
        snapshot["meeting"]["attendees"][0]["partner"] = MARK
        snapshot["register"]["revision"] = MARK
        for risk in snapshot["risks"]:
            risk.update(ref=MARK, lead=MARK, band=MARK, current=[MARK, 10**9])
        raw.execute("UPDATE review SET snapshot = ?", (json.dumps(snapshot),))
    raw.close()
    dialog = ReviewsDialog(window.document)
    qtbot.addWidget(dialog)
    dialog.show()
    assert shown_as_written(rendered(dialog.meeting.text(), dialog.meeting.textFormat())) >= 3
    html = dialog.snapshot_html(0)
    document = QTextDocument()
    document.setHtml(html)
    assert shown_as_written(document.toPlainText()) >= 4  # the printed snapshot as well
    assert "?" in document.toPlainText()  # a score of "x" × 10⁹ is not computed


def test_the_import_preview_shows_the_workbook_and_its_cells_as_written(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from riskreg.exchange.export import export_register
    from riskreg.exchange.importer import plan_import
    from tests.exchange_helpers import edit
    from ui.dialogs.import_preview import ImportPreviewDialog

    service = window.document.service
    workbook = tmp_path / f"returned {MARK}.xlsx"
    export_register(service, workbook, "CNCL")
    risk = service.list_risks()[0]
    edit(workbook, "Risks", risk.ref, {"Owner": f"New owner {MARK}", "Current likelihood": MARK})
    plan = plan_import(service, workbook)
    dialog = ImportPreviewDialog(plan)
    qtbot.addWidget(dialog)
    dialog.show()
    assert shown_as_written(rendered(dialog.heading.text(), dialog.heading.textFormat())) == 1
    assert plain_everywhere([dialog]) >= 3  # the name, and the values' tooltips


def test_the_foreign_import_wizard_shows_the_workbooks_sheet_names_and_cells_as_written(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    from ui.dialogs.foreign_wizard import ForeignImportWizard

    book = Workbook()
    sheet = book.active
    sheet.title = f"Risks {MARK}"
    sheet.append(["Risk title", "Description", "Likelihood", "Impact", "Risk owner"])
    sheet.append([f"Landslip {MARK}", f"Wet {MARK}", "High", "Low", f"Kim {MARK}"])
    sheet.append(["Wildfire", "Dry", f"Medium {MARK}", "High", "Lee"])
    path = tmp_path / f"theirs {MARK}.xlsx"
    book.save(path)

    wizard = ForeignImportWizard(window.document)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    assert wizard.currentPage() is wizard.layout_page
    assert plain_everywhere([wizard]) >= 1  # "Sheet “Risks <b>zq<b>”, header in row 1 …"
    for _ in range(3):
        wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    assert plain_everywhere([wizard]) >= 1
    problem = wizard.file_page.problem
    problem.setText(f"{path.name} cannot be read")
    assert shown_as_written(rendered(problem.text(), problem.textFormat())) == 1
    wizard.layout_page.setSubTitle(f"sheet {MARK}")
    assert shown_as_written(wizard.layout_page.subTitle()) == 1
    assert wizard.subTitleFormat() == Qt.TextFormat.PlainText


def test_every_message_quoting_a_file_is_plain_text(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refusals, reports, questions and the way back offered for a refused file."""
    from riskreg.errors import UntrustedRegister
    from ui import app as app_module
    from ui import register_safety
    from ui.errors import show_refusal
    from ui.exchange import ExchangeCommands

    seen: list[int] = []

    def answered(box: QMessageBox) -> int:
        seen.append(plain_everywhere([box]))
        return int(QMessageBox.StandardButton.No)

    monkeypatch.setattr(QMessageBox, "exec", answered)
    boxes = [
        show_refusal(window, "Cannot open register", f"{tmp_path}/{MARK}.riskreg is damaged"),
        register_safety.tell(window, "Nothing was opened", f"{MARK}.riskreg: refused"),
        register_safety.show_notes(window, [f"{MARK}.riskreg is on a network share (NFS)."]),
    ]
    for box in boxes:
        assert box is not None
        qtbot.addWidget(box)
        seen.append(plain_everywhere([box]))
    app_module.tell_cannot_open(f"{MARK}.riskreg is not a register file")
    ExchangeCommands(window.document, window.preferences, window).report(
        "Register imported", f"from {MARK}.xlsx"
    )  # a non-blocking box: found under the window
    reported = [b for b in window.findChildren(QMessageBox) if f"from {MARK}.xlsx" in b.text()]
    assert len(reported) == 1
    seen.append(plain_everywhere(reported))
    window.offer_restore([f"risk R-001 {MARK}"], type("Latest", (), {
        "taken_at": date(2026, 11, 1), "risks": 3})())  # fmt: skip
    target = tmp_path / f"{MARK}.riskreg"
    target.write_bytes(b"")
    offer = register_safety.WayBack(target, "Refused", str(UntrustedRegister(
        f"{target} holds objects the application did not make: trigger {MARK}")),
        (register_safety.CLEAN_COPY,))  # fmt: skip
    register_safety.ask(window, offer)
    assert len(seen) == 7 and all(n >= 1 for n in seen), seen


def test_img_markup_pointing_at_dev_zero_does_not_hang_the_reviews_or_the_wizard(
    tmp_path: Path,
) -> None:
    """The two reported hangs, in a process of their own that must finish in a minute."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "tests.plain_text_probe", str(tmp_path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env=environment)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "reviews and wizard shown"
