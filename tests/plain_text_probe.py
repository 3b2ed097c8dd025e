"""Run by tests/test_gui_plain_text.py in a process of its own: the reviews dialog on a
snapshot holding ``<img src="/dev/zero">`` and the import wizard on a workbook whose sheet
is named ``<img src=&#47;dev&#47;zero>``. Rendered as rich text, Qt would read /dev/zero
without end; shown as written, both paint at once and the process prints its last line."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from PySide6.QtWidgets import QApplication

from riskreg.records import Actor, Attendee, PartnerRecord, RiskDraft
from riskreg.service import create_register
from ui.dialogs.foreign_wizard import ForeignImportWizard
from ui.dialogs.reviews import ReviewsDialog
from ui.document import RegisterDocument

ALICE = Actor(user="alice", partner_code="CNCL", source="test")
ZERO = '<img src="/dev/zero">'


def main(folder: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    path = folder / "probe.riskreg"
    service = create_register(path, ALICE, name="Probe", partners=[PartnerRecord("CNCL", "C")],
                              keeper="CNCL")  # fmt: skip
    service.create_risk(RiskDraft(f"Flood {ZERO}", "CNCL", 3, 3))
    service.record_joint_review(f"Board {ZERO}", date(2026, 11, 1), [Attendee("CNCL", ZERO)])
    with sqlite3.connect(path) as raw:
        (text,) = raw.execute("SELECT snapshot FROM review").fetchone()
        snapshot = json.loads(text)
        snapshot["meeting"]["held_on"] = ZERO
        snapshot["meeting"]["attendees"][0]["partner"] = ZERO
        raw.execute("UPDATE review SET snapshot = ?", (json.dumps(snapshot),))
    raw.close()
    document = RegisterDocument(service)
    reviews = ReviewsDialog(document)
    reviews.show()
    app.processEvents()
    reviews.grab()  # paints the rich-text meeting label
    book = Workbook()
    sheet = book.active
    sheet.title = "<img src=&#47;dev&#47;zero>"
    sheet.append(["Risk title", "Likelihood", "Impact"])
    sheet.append(["Landslip", "High", "Low"])
    workbook = folder / "theirs.xlsx"
    book.save(workbook)
    wizard = ForeignImportWizard(document)
    wizard.show()
    wizard.file_page.path.setText(str(workbook))
    wizard.next()
    app.processEvents()
    wizard.grab()
    assert wizard.currentPage() is wizard.layout_page, wizard.file_page.problem.text()
    print("reviews and wizard shown")
    reviews.close()
    wizard.close()
    service.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
