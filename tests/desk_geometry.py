"""Opens the main window and each dialog on the only screen of this process (the test sets
it with the offscreen platform's configfile) and prints, as one JSON line, where each one
stands: tests/test_gui_desk.py checks that all of them fit.

    python tests/desk_geometry.py REGISTER
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _box(widget: QWidget) -> list[int]:
    """Where the widget and everything in it stands on the screen: its frame, and the far
    edges of its button boxes (which must be on the screen too)."""
    frame = widget.frameGeometry()
    right, bottom = frame.right(), frame.bottom()
    for buttons in widget.findChildren(QDialogButtonBox):
        if buttons.isVisibleTo(widget):
            corner = buttons.mapToGlobal(buttons.rect().bottomRight())
            right, bottom = max(right, corner.x()), max(bottom, corner.y())
    return [frame.x(), frame.y(), right - frame.x() + 1, bottom - frame.y() + 1]


def main(register: str) -> int:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("JointRiskRegisterDeskProbe")
    app = QApplication([])
    from riskreg.exchange.export import export_register
    from riskreg.exchange.importer import plan_import
    from riskreg.service import open_service
    from tests.conftest import ALICE
    from ui.dialogs.about import AboutDialog, about_facts
    from ui.dialogs.acceptance import AcceptanceDialog
    from ui.dialogs.action_dialog import ActionDialog
    from ui.dialogs.categories import CategoriesDialog
    from ui.dialogs.escalation import EscalationDialog
    from ui.dialogs.export_workbook import ExportDialog
    from ui.dialogs.foreign_wizard import ForeignImportWizard
    from ui.dialogs.import_preview import ImportPreviewDialog
    from ui.dialogs.new_risk import NewRiskDialog
    from ui.dialogs.open_register import OpenRegisterDialog
    from ui.dialogs.partners import PartnersDialog
    from ui.dialogs.preferences import PreferencesDialog
    from ui.dialogs.restore import RestoreDialog
    from ui.dialogs.reviews import RecordReviewDialog, ReviewsDialog
    from ui.dialogs.scheme import SchemeDialog
    from ui.dialogs.user_guide import UserGuideDialog
    from ui.main_window import MainWindow

    service = open_service(Path(register), ALICE)
    window = MainWindow(service)
    window.show()
    app.processEvents()
    screen = app.primaryScreen().availableGeometry()
    document = window.document
    settings = document.settings
    assert settings is not None
    partners = list(settings.partners)
    risk = service.find_risk("R-001")
    above = service.find_risk("R-014")  # above the partnership's appetite: one to accept
    folder = str(Path(register).parent)
    workbook = Path(tempfile.mkdtemp()) / "returned.xlsx"
    export_register(service, workbook, "APEX")
    service.record_joint_review("Board", date.today())
    makers: dict[str, Callable[[], QWidget]] = {
        "new risk": lambda: NewRiskDialog(document, window),
        "partners": lambda: PartnersDialog(document, window),
        "categories": lambda: CategoriesDialog(document, window),
        "scoring scheme": lambda: SchemeDialog(document, window),
        "preferences": lambda: PreferencesDialog(service.actor, partners, window,
                                                 backups=window.preferences.backup_policy),
        "record review": lambda: RecordReviewDialog(partners, service.list_risks(),
                                                    date.today(), window),
        "joint reviews": lambda: ReviewsDialog(document, window),
        "export workbook": lambda: ExportDialog(partners, folder, window),
        "import preview": lambda: ImportPreviewDialog(plan_import(service, workbook), window),
        "import another register": lambda: ForeignImportWizard(document, folder, window),
        "restore": lambda: RestoreDialog([], window),
        "open": lambda: OpenRegisterDialog(folder, window),
        "escalation": lambda: EscalationDialog(risk, window),
        "accept outside appetite": lambda: AcceptanceDialog(
            document, above, window.editor.judged(above), window),
        "new action": lambda: ActionDialog(partners, None, window, risk=risk),
        "about": lambda: AboutDialog(about_facts(service.location, folder), window),
        "user guide": lambda: UserGuideDialog(window),
        "print preview": lambda: window.print_register(),
    }  # fmt: skip
    boxes = {"main window": _box(window)}
    window.resize(window.minimumSizeHint())
    minimum = max(window.minimumWidth(), window.minimumSizeHint().width())
    window.showMaximized()
    app.processEvents()
    boxes["main window, maximised"] = _box(window)
    for name, make in makers.items():
        dialog = make()
        dialog.show()
        app.processEvents()
        boxes[name] = _box(dialog)
        dialog.close()
        app.processEvents()
    print(json.dumps({"screen": [screen.width(), screen.height()], "windows": boxes,
                      "minimum_width": minimum}))  # fmt: skip
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
