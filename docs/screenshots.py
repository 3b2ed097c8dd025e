"""Render the README's screenshots offscreen: python docs/screenshots.py [opening]

Builds a fresh demo register in a temporary folder, so the pictures show what a new user
sees, and writes PNGs beside this file (``opening``: only the window at start-up).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent


def main() -> None:
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        if sys.argv[1:] == ["opening"]:
            opening_picture(app, Path(tmp))
            return
        if sys.argv[1:] == ["papers"]:
            paper_pictures(app, Path(tmp))
            return
        from riskreg.demo import build_demo
        from riskreg.records import Actor

        if sys.argv[1:] == ["wizard"]:  # only Import another register's pages
            build_demo(Path(tmp) / "demo.riskreg", Actor("Priya Shah", "CNCL", "GUI")).close()
            wizard_pictures(app, Path(tmp))
            return
        from ui.dialogs.scheme import SchemeDialog
        from ui.main_window import MainWindow

        service = build_demo(Path(tmp) / "demo.riskreg", Actor("Priya Shah", "CNCL", "GUI"))
        window = MainWindow(service)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        view = window.register_view
        view.select_uuid(service.find_risk("R-006").uuid)
        app.processEvents()
        window.grab().save(str(HERE / "register-window.png"))

        form = window.editor.form  # the whole form, not the part the window's pane shows
        form.resize(580, form.sizeHint().height())
        form.grab().save(str(HERE / "risk-editor.png"))
        window.resize(1366, 768)
        app.processEvents()

        dialog = SchemeDialog(window.document, window)
        dialog.resize(900, 720)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(HERE / "scheme-dialog.png"))
        dialog.close()
        window.close()
        service = None
        paper_pictures(app, Path(tmp))
        exchange_pictures(app, Path(tmp))
        wizard_pictures(app, Path(tmp))
        governance_pictures(app, Path(tmp))
        settings_pictures(app)
        opening_picture(app, Path(tmp))
    print("screenshots written to", HERE)


def paper_pictures(app: QApplication, tmp: Path) -> None:
    """The heat-map tab, its Export dialog, the printed heat map on A4 and on A3, the
    meeting pack's dialog and every page of the demo's joint pack (``papers``: only these)."""
    from riskreg.cli import main as cli
    from riskreg.demo import build_demo
    from riskreg.records import Actor
    from riskreg.render.files import png_size
    from ui.dialogs.heatmap_export import HeatMapExportDialog
    from ui.dialogs.meeting_pack import MeetingPackDialog
    from ui.main_window import MainWindow
    from ui.views.heatmap_view import SINCE_REVIEW

    location = tmp / "papers.riskreg"
    service = build_demo(location, Actor("Priya Shah", "CNCL", "GUI"))
    window = MainWindow(service)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    window.register_view.select_uuid(service.find_risk("R-006").uuid)
    app.processEvents()
    view = window.heat_map
    window.tabs.setCurrentWidget(view)
    view.arrows.setCurrentIndex(view.arrows.findData(SINCE_REVIEW))
    app.processEvents()  # the tab itself: docs/real_screenshots.py, in a real X server
    request = view.request()
    export = HeatMapExportDialog(Path.home() / "A38 alliance — heat map.png",
                                 request.heat.filter.audience.marking,
                                 lambda w, d: png_size(request, w, d)[1], window)  # fmt: skip
    export.file_format.setCurrentIndex(export.file_format.findData("png"))
    export.show()
    app.processEvents()
    export.grab().save(str(HERE / "heatmap-export.png"))
    export.close()
    pack_dialog = MeetingPackDialog(service.list_partners(), Path.home() / "A38 pack.pdf",
                                    service.latest_review_basis().label, window)  # fmt: skip
    pack_dialog.show()
    app.processEvents()
    pack_dialog.grab().save(str(HERE / "pack-dialog.png"))
    pack_dialog.close()
    window.close()
    service.close()
    for paper, resolution in (("A4", "70"), ("A3", "50")):
        pdf = tmp / f"heatmap {paper}.pdf"
        cli(["heatmap", str(location), str(pdf), "--paper", paper, "--since-review"])
        subprocess.run(["pdftoppm", "-png", "-r", resolution, str(pdf),
                        str(HERE / f"heatmap-{paper.lower()}")], check=True)  # fmt: skip
    cli(["heatmap", str(location), str(HERE / "heatmap-slide.png"), "--since-review",
         "--width", "1400", "--dpi", "140"])  # fmt: skip
    for old in HERE.glob("pack-page-*.png"):
        old.unlink()
    pack = tmp / "pack.pdf"
    cli(["report", str(location), str(pack)])
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pack), str(HERE / "pack-page")],
                   check=True)  # fmt: skip


def opening_picture(app: QApplication, tmp: Path) -> None:
    """The window at start-up: the first look shown while the register is being opened."""
    from riskreg.demo import build_demo
    from riskreg.first_look import look_at
    from riskreg.migrations import HEAD
    from riskreg.records import Actor
    from ui.main_window import MainWindow

    path = tmp / "opening.riskreg"
    build_demo(path, Actor("Priya Shah", "CNCL", "GUI")).close()
    look = look_at(path, HEAD, page=500, whole_up_to=5_000)
    assert look is not None
    window = MainWindow(first_look=look)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    window.grab().save(str(HERE / "opening.png"))
    window.close()


def settings_pictures(app: QApplication) -> None:
    """The Open dialog's Server tab and the Preferences with their backup choices."""
    from riskreg.backups import Policy
    from riskreg.records import Actor, PartnerRecord
    from ui.dialogs.open_register import OpenRegisterDialog
    from ui.dialogs.preferences import PreferencesDialog

    dialog = OpenRegisterDialog()
    dialog.show_server("postgresql+psycopg://jo.whitfield@risks.a38alliance.org:5432/a38_register")
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(HERE / "open-server.png"))
    dialog.close()
    partners = [PartnerRecord("CNCL", "Northshire County Council")]
    prefs = PreferencesDialog(Actor("Priya Shah", "CNCL"), partners,
                              backups=Policy(Path("/mnt/shared/register copies"), 60))  # fmt: skip
    prefs.show()
    app.processEvents()
    prefs.grab().save(str(HERE / "preferences.png"))
    prefs.close()


def exchange_pictures(app: QApplication, tmp: Path) -> None:
    """The exported workbook as LibreOffice prints it, and the preview of a returned one."""
    import shutil

    from openpyxl import load_workbook

    from riskreg.exchange.export import export_register
    from riskreg.exchange.importer import plan_import
    from riskreg.records import Actor
    from riskreg.service import open_service
    from ui.dialogs.import_preview import ImportPreviewDialog

    service = open_service(tmp / "demo.riskreg", Actor("Priya Shah", "CNCL", "GUI"))
    workbook = tmp / "risk register for APEX.xlsx"
    export_register(service, workbook, "APEX")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/lo", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp), str(workbook)],
                       check=True, capture_output=True, timeout=300)  # fmt: skip
        pdf = workbook.with_suffix(".pdf")
        # Page 1 of the Risks sheet as printed, whole, and the Heat map sheet's one page.
        for marks, name in ((("Ref", "R-001"), "workbook-risks"),
                            (("Heat map:", "Likely"), "workbook-heatmap")):  # fmt: skip
            page = _page_with(pdf, marks)
            subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(page), "-l", str(page),
                            "-singlefile", str(pdf), str(HERE / name)], check=True)  # fmt: skip

    # A returned workbook: APEX lowered a score, both sides changed an owner, a new risk,
    # and a change to a risk APEX has no part in.
    risks = service.list_risks()
    apex = [r for r in risks if r.lead_partner == "APEX" and r.status.value == "Open"]
    outsider = next(r for r in risks if r.share_of("APEX") == 0 and r.visibility.value == "Joint")
    service.edit_risk(apex[1].uuid, apex[1].version, {"owner": "J. Okafor (CNCL)"})
    book = load_workbook(workbook)
    sheet = book["Risks"]
    headers = [c.value for c in sheet[1]]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}

    def put(ref: str, header: str, value: object) -> None:
        sheet.cell(rows[ref], headers.index(header) + 1).value = value

    put(apex[0].ref, "Current likelihood", apex[0].current_likelihood % 5 + 1)
    put(apex[0].ref, "Existing controls", "Night closures with full barrier protection")
    put(apex[1].ref, "Owner", "M. Reid (APEX)")
    put(apex[2].ref, "Lead partner", "AQUA")  # the register's own column: reported
    put(outsider.ref, "Title", outsider.title + " (APEX view)")
    new_row = sheet.max_row + 1
    for header, value in (
        ("Title", "Crane hire rates rising"),
        ("Inherent likelihood", 3),
        ("Inherent impact", "Moderate"),
        ("Current likelihood", "Hgh"),
    ):
        sheet.cell(new_row, headers.index(header) + 1).value = value
    sheet.title = "Risks (APEX)"  # renamed by the partner: found by its headers
    book.save(workbook)
    dialog = ImportPreviewDialog(plan_import(service, workbook))
    dialog.resize(1150, 600)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(HERE / "import-preview.png"))
    dialog.close()
    service.close()


def wizard_pictures(app: QApplication, tmp: Path) -> None:
    """Each page of Import another register, on a real register from elsewhere."""
    from riskreg.records import Actor
    from riskreg.service import open_service
    from ui.dialogs.foreign_wizard import ForeignImportWizard
    from ui.document import RegisterDocument

    workbook = HERE.parent / "tests" / "data" / "foreign" / "prince2_style_nchaulagai.xlsx"
    service = open_service(tmp / "demo.riskreg", Actor("Priya Shah", "APEX", "GUI"))
    wizard = ForeignImportWizard(RegisterDocument(service), str(workbook.parent))
    wizard.resize(1080, 680)
    wizard.show()
    wizard.file_page.path.setText(str(workbook))
    for number in range(1, 6):
        app.processEvents()
        wizard.grab().save(str(HERE / f"foreign-wizard-{number}.png"))
        wizard.next()
    wizard.close()
    service.close()


def governance_pictures(app: QApplication, tmp: Path) -> None:
    """The review dialog, a review compared with now, and the exposure chart."""
    from datetime import timedelta

    from riskreg.choices import Decision
    from riskreg.records import Actor, Attendee, DecisionRecord
    from riskreg.service import open_service
    from ui.dialogs.reviews import RecordReviewDialog, ReviewsDialog
    from ui.document import RegisterDocument
    from ui.main_window import MainWindow

    service = open_service(tmp / "demo.riskreg", Actor("Priya Shah", "CNCL", "GUI"))
    today = service.today()
    dialog = RecordReviewDialog(service.list_partners(), service.list_risks(), today)
    dialog.title.setText("Q4 partnership board")
    for code, name in (("CNCL", "Priya Shah"), ("APEX", "Dan Moss"), ("AQUA", "Helen Orme")):
        dialog.attendee_partner.setCurrentIndex(dialog.attendee_partner.findData(code))
        dialog.attendee_name.setText(name)
        dialog.add_attendee()
    for ref, decision, note in (("R-001", "Escalated", "to the senior executives"),
                                ("R-006", "Action agreed", "weekly utilities forum")):  # fmt: skip
        dialog.decision_risk.setCurrentIndex(dialog.decision_risk.findData(ref))
        dialog.decision.setCurrentText(decision)
        dialog.decision_note.setText(note)
        dialog.add_decision()
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(HERE / "review-dialog.png"))
    dialog.close()

    service.record_joint_review(
        "Q3 partnership board", today - timedelta(days=60),
        [Attendee("CNCL", "Priya Shah"), Attendee("APEX", "Dan Moss")],
        [DecisionRecord("R-001", Decision.ACCEPTED), DecisionRecord("R-006", Decision.ESCALATED)],
    )  # fmt: skip
    for ref, changes in (("R-001", {"current_likelihood": 3, "owner": "Rob Field"}),
                         ("R-009", {"current_impact": 5})):  # fmt: skip
        risk = service.find_risk(ref)
        service.edit_risk(risk.uuid, risk.version, changes)
    reviews = ReviewsDialog(RegisterDocument(service))
    reviews.resize(1150, 640)
    reviews.verify_all()
    reviews.tabs.setCurrentIndex(1)
    reviews.show()
    app.processEvents()
    reviews.grab().save(str(HERE / "review-comparison.png"))
    reviews.close()

    window = MainWindow(service)
    window.resize(1366, 768)
    window.show()
    window.tabs.setCurrentWidget(window.exposure)
    app.processEvents()
    window.grab().save(str(HERE / "exposure-view.png"))
    window.close()


def _page_with(pdf: Path, marks: tuple[str, str]) -> int:
    """The first page of a PDF whose text starts with one mark and holds the other."""
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines() if line.startswith("Pages:")))  # fmt: skip
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
        if text.lstrip().startswith(marks[0]) and marks[1] in text:
            return page
    raise LookupError(f"no page starts with {marks[0]!r} and holds {marks[1]!r}")


if __name__ == "__main__":
    main()
