"""The main window: menus from the action table, the register view, the status bar. Thin."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from riskreg.errors import RegisterError
from riskreg.service import RegisterService
from ui import actions as act
from ui.views.register_view import RegisterView


class MainWindow(QMainWindow):
    def __init__(self, service: RegisterService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.actions_by_id = act.create_actions(self)
        info = service.register_info()
        self.register_view = RegisterView(info.scheme, self)
        self.setCentralWidget(self.register_view)
        self._build_menus()
        self.refresh()
        self._restore_geometry()

    @property
    def service(self) -> RegisterService:
        return self._service

    def _build_menus(self) -> None:
        a = self.actions_by_id
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(a[act.OPEN])
        file_menu.addAction(a[act.RELOAD])
        file_menu.addSeparator()
        file_menu.addAction(a[act.QUIT])
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(a[act.FIND])
        a[act.OPEN].triggered.connect(self._choose_and_open)
        a[act.RELOAD].triggered.connect(self.refresh)
        a[act.QUIT].triggered.connect(self.close)
        a[act.FIND].triggered.connect(self.register_view.search.setFocus)

    def refresh(self) -> None:
        """Read the register again and show it as it is now."""
        info = self._service.register_info()
        self.register_view.set_risks(self._service.list_risks(), info.scheme)
        self.setWindowTitle(f"{info.name} — {info.location}")
        self.statusBar().showMessage(
            f"{info.risk_count:,} risks · {info.action_count:,} actions · revision {info.revision}"
        )

    def open_register(self, location: str) -> bool:
        from riskreg.service import open_service

        try:
            service = open_service(location, self._service.actor)
        except RegisterError as exc:
            self.show_error("Cannot open register", str(exc))
            return False
        self._service.close()
        self._service = service
        self.refresh()
        return True

    def show_error(self, title: str, message: str) -> None:
        """Tell the user why something was refused (tests replace this seam)."""
        QMessageBox.warning(self, title, message)

    def _choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open register", "", "Risk registers (*.riskreg);;All files (*)"
        )
        if path:
            self.open_register(path)

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        self._service.close()
        super().closeEvent(event)
