"""Open Import another register on a partner's register, at its step 4 (the proposed scale
mapping) or the step given, in a real window: ``../shared/tools/real-window --size 1366x768
--wait 25 --out docs/foreign-wizard-scales.png -- .venv/bin/python docs/wizard_on_screen.py
[STEP]``.

The register is a fresh demo register in a temporary folder; the workbook, written here,
is a partner's own register in the shape such registers have (a title block, Gross / Net
tiers, words, letters, a misspelt level and partner names).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

ROWS = [
    ["Aqua Vale Water — capital programme risk register"],
    ["Owner: Capital Delivery Board · reviewed monthly"],
    [],
    ["", "", "", "Gross", "", "Net", "", "", ""],
    ["Ref", "Risk", "Cause / Trigger", "Likelihood", "Severity", "Likelihood", "Severity",
     "Organisation", "Owner"],
    ["AV-01", "Reservoir dam seepage", "Ageing clay core", "Likely", "Catastrophic", "M", "H",
     "Aqua Vale", "Kim Patel"],
    ["AV-02", "Chlorine supply shortage", "Single supplier", "Possible", "Major", "L", "H",
     "Aqua Vale", "Lee Ward"],
    ["AV-03", "Telemetry outage", "Obsolete radios", "Almost certain", "Moderate", "VH", "M",
     "Wessex County Council", "Ash Jones"],
    ["AV-04", "Contractor insolvency", "Thin margins", "Unlikely", "Major", "Hgh", "VH",
     "Apex Civil Engineering", "Sam Reed"],
    ["AV-05", "Main burst under the A38", "Cast-iron main", "Rare", "Minor", "VL", "L",
     "Aqua Vale", "Kim Patel"],
]  # fmt: skip


def main() -> int:
    from openpyxl import Workbook
    from PySide6.QtWidgets import QApplication

    from riskreg.demo import build_demo
    from riskreg.records import Actor
    from ui.dialogs.foreign_wizard import ForeignImportWizard
    from ui.document import RegisterDocument

    app = QApplication(sys.argv)
    app.setApplicationName("Joint Risk Register")
    folder = Path(tempfile.mkdtemp(prefix="wizard-"))
    actor = Actor("Priya Shah", "AQUA", "GUI")
    service = build_demo(folder / "demo.riskreg", actor, today=date.today())
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Capital programme"
    for row in ROWS:
        sheet.append(row)
    sheet.merge_cells("D4:E4")
    sheet.merge_cells("F4:G4")
    workbook = folder / "Aqua Vale capital risks.xlsx"
    book.save(workbook)
    wizard = ForeignImportWizard(RegisterDocument(service), str(folder))
    wizard.file_page.path.setText(str(workbook))
    wizard.show()
    step = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    for _ in range(step - 1):
        wizard.next()
    return wizard.exec()


if __name__ == "__main__":
    raise SystemExit(main())
