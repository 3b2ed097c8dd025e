"""Render the README's screenshots offscreen: python docs/screenshots.py

Builds a fresh demo register in a temporary folder, so the pictures show what a new user
sees, and writes PNGs beside this file.
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
        from riskreg.demo import build_demo
        from riskreg.records import Actor
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

        dock = window.docks["editor"]
        dock.setFloating(True)
        dock.resize(600, 1250)
        app.processEvents()
        form = window.editor.form
        form.resize(580, form.sizeHint().height())
        form.grab().save(str(HERE / "risk-editor.png"))
        dock.setFloating(False)

        window.tabs.setCurrentWidget(window.heat_map)
        window.heat_map.arrows.setChecked(False)
        app.processEvents()
        window.grab().save(str(HERE / "heatmap-view.png"))
        window.tabs.setCurrentWidget(window.register_view)

        dialog = SchemeDialog(window.document, window)
        dialog.resize(900, 720)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(HERE / "scheme-dialog.png"))
        dialog.close()
        window.close()
        service = None
        from riskreg.cli import main as cli

        pdf = Path(tmp) / "heatmap.pdf"
        cli(["heatmap", str(Path(tmp) / "demo.riskreg"), str(pdf)])
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf),
                        str(HERE / "heatmap-printed")], check=False)  # fmt: skip
        pack = Path(tmp) / "pack.pdf"
        cli(["report", str(Path(tmp) / "demo.riskreg"), str(pack)])
        for page, name in ((1, "pack-cover"), (8, "pack-top-risks")):
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page),
                            "-singlefile", str(pack), str(HERE / name)], check=False)  # fmt: skip
    print("screenshots written to", HERE)


if __name__ == "__main__":
    main()
