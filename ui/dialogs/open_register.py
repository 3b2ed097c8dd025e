"""Open a register: a file on this computer or a network drive, or a database on a
PostgreSQL server (for partnerships that have outgrown a shared file)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from riskreg.locations import DEFAULT_PORT, SUFFIX, ServerAddress, server_address, server_url
from ui.views.fields import ErrorLabel


class OpenRegisterDialog(QDialog):
    def __init__(self, folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open register")
        self.setMinimumWidth(520)
        self._folder = folder
        self.tabs = QTabWidget()
        self.tabs.addTab(self._file_tab(), "File")
        self.tabs.addTab(self._server_tab(), "Server")
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _file_tab(self) -> QWidget:
        page = QWidget()
        self.path = QLineEdit()
        self.path.setPlaceholderText(f"a register file (*{SUFFIX})")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        note = QLabel("A register kept in one file, on this computer or a shared drive.")
        note.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(note)
        layout.addStretch(1)
        return page

    def _server_tab(self) -> QWidget:
        page = QWidget()
        self.host = QLineEdit(placeholderText="risks.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit(placeholderText="joint_register")
        self.user = QLineEdit(placeholderText="your login on the server")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("never stored; blank: from ~/.pgpass")
        form = QFormLayout(page)
        form.addRow("Server", self.host)
        form.addRow("Port", self.port)
        form.addRow("Database", self.database)
        form.addRow("Login", self.user)
        form.addRow("Password", self.password)
        note = QLabel(
            "A register on a PostgreSQL server: what your login may see and change is set "
            "by your partner's role on the server."
        )
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Open register", self.path.text() or self._folder,
            f"Risk registers (*{SUFFIX});;All files (*)",
        )  # fmt: skip
        if chosen:
            self.path.setText(chosen)

    def show_server(self, location: str, problem: str = "") -> None:
        """Fill the server tab from a URL (a recent register, a refused login)."""
        address = server_address(location)
        self.host.setText(address.host)
        self.port.setValue(address.port)
        self.database.setText(address.database)
        self.user.setText(address.user)
        self.tabs.setCurrentIndex(1)
        if problem:
            self._refuse(problem)
            self.password.setFocus()

    def location(self) -> str | None:
        """What to open, or None with the reason shown."""
        if self.tabs.currentIndex() == 0:
            text = self.path.text().strip()
            if not text:
                self._refuse("Choose a register file.")
                return None
            if not Path(text).expanduser().is_file():
                self._refuse(f"There is no file “{text}”.")
                return None
            return str(Path(text).expanduser())
        host, database = self.host.text().strip(), self.database.text().strip()
        if not host or not database:
            self._refuse("Name the server and the database.")
            return None
        address = ServerAddress(host, self.port.value(), database, self.user.text().strip())
        return server_url(address, self.password.text())

    def _refuse(self, message: str) -> None:
        self.error.show_message(message)

    def try_accept(self) -> bool:
        if self.location() is None:
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, folder: str = "", parent: QWidget | None = None, *, server: str = "",
            problem: str = "", on_server: bool = False) -> str | None:  # fmt: skip
        """The register chosen (a file or a server URL), or None; ``on_server`` opens on
        the Server tab (tests replace this seam)."""
        dialog = cls(folder, parent)
        if server:
            dialog.show_server(server, problem)
        elif on_server:
            dialog.tabs.setCurrentIndex(1)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.location()
        return None
