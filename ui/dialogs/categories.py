"""Categories and the partnership's appetite in each (the highest band it accepts)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from riskreg.errors import RegisterError
from riskreg.records import CategoryRecord
from ui.document import RegisterDocument
from ui.views.fields import ErrorLabel


class CategoriesDialog(QDialog):
    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Categories")
        self._document = document
        self._categories: list[CategoryRecord] = []
        self._editing: str | None = None
        self.model = QStandardItemModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.name = QLineEdit()
        self.appetite = QComboBox()
        self.error = ErrorLabel()
        self.new_button = QPushButton("New")
        self.save_button = QPushButton("Save")
        self.remove_button = QPushButton("Remove")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Appetite", self.appetite)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.remove_button):
            buttons.addWidget(button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.error)
        right.addLayout(buttons)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)
        close.rejected.connect(self.reject)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.list.selectionModel().currentChanged.connect(self._selected)
        self.appetite.addItem("(not agreed)", "")
        for band in document.service.scheme().band_names:
            self.appetite.addItem(f"up to {band}", band)
        self.reload()
        self.start_new()
        self.resize(560, 320)

    def reload(self) -> None:
        self._categories = self._document.service.list_categories()
        self.model.clear()
        for category in self._categories:
            appetite = f"  (appetite: {category.appetite})" if category.appetite else ""
            item = QStandardItem(category.name + appetite)
            item.setData(category.name, Qt.ItemDataRole.UserRole)
            item.setEditable(False)
            self.model.appendRow(item)

    def start_new(self) -> None:
        self._editing = None
        self.list.clearSelection()
        self.name.clear()
        self.appetite.setCurrentIndex(0)
        self.error.show_message("")
        self.remove_button.setEnabled(False)

    def _selected(self) -> None:
        row = self.list.currentIndex().row()
        if 0 <= row < len(self._categories):
            category = self._categories[row]
            self._editing = category.name
            self.name.setText(category.name)
            self.appetite.setCurrentIndex(max(0, self.appetite.findData(category.appetite or "")))
            self.error.show_message("")
            self.remove_button.setEnabled(True)

    def save(self) -> bool:
        record = CategoryRecord(self.name.text().strip(), self.appetite.currentData() or None)
        service = self._document.service
        try:
            if self._editing is None:
                service.add_category(record)
            else:
                service.edit_category(self._editing, record)
        except RegisterError as exc:
            self.error.show_message(str(exc))
            return False
        self._document.changed()
        self.reload()
        self._editing = record.name
        return True

    def remove(self) -> bool:
        if self._editing is None:
            return False
        try:
            self._document.service.remove_category(self._editing)
        except RegisterError as exc:
            self.error.show_message(str(exc))
            return False
        self._document.changed()
        self.reload()
        self.start_new()
        return True

    @classmethod
    def ask(cls, document: RegisterDocument, parent: QWidget | None = None) -> None:
        cls(document, parent).exec()
