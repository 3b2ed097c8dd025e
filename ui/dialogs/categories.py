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
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from riskreg.errors import RegisterError
from riskreg.records import CategoryRecord
from ui import plain
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
        form.addRow(QLabel("A partner that accepts less in this category:"))
        self.partner_appetite: dict[str, QComboBox] = {}
        bands = document.service.scheme().band_names
        for partner in document.service.list_partners(active_only=True):
            combo = QComboBox()
            combo.addItem("(as the partnership)", "")
            for band in bands:
                combo.addItem(f"up to {band}", band)
            self.partner_appetite[partner.code] = combo
            form.addRow(plain.label(partner.code), combo)  # the code as written
        self.escalate_after = QSpinBox()
        self.escalate_after.setRange(1, 3650)
        self.escalate_after.setSuffix(" days")
        self.escalate_after.setValue(document.service.escalate_after())
        self.escalate_after.setToolTip(
            "A risk outside appetite, or in the top band, for longer than this is proposed "
            "for escalation (for every category)"
        )
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
        period = QHBoxLayout()
        period.addWidget(QLabel("Propose escalation after"))
        period.addWidget(self.escalate_after)
        period.addWidget(QLabel("outside appetite or in the top band"))
        period.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addLayout(period)
        layout.addWidget(close)
        self.escalate_after.editingFinished.connect(self.save_escalation_period)
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
        self.resize(620, 420)

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
        for combo in self.partner_appetite.values():
            combo.setCurrentIndex(0)
        self.error.show_message("")
        self.remove_button.setEnabled(False)

    def _selected(self) -> None:
        row = self.list.currentIndex().row()
        if 0 <= row < len(self._categories):
            category = self._categories[row]
            self._editing = category.name
            self.name.setText(category.name)
            self.appetite.setCurrentIndex(max(0, self.appetite.findData(category.appetite or "")))
            _, partners = self._document.service.appetites()
            for code, combo in self.partner_appetite.items():
                combo.setCurrentIndex(
                    max(0, combo.findData(partners.get((code, category.name), "")))
                )
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
            _, held = service.appetites()
            for code, combo in self.partner_appetite.items():
                wanted = combo.currentData() or None
                if held.get((code, record.name)) != wanted:
                    service.set_partner_appetite(code, record.name, wanted)
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

    def save_escalation_period(self) -> None:
        service = self._document.service
        days = self.escalate_after.value()
        if days == service.escalate_after():
            return
        try:
            service.set_escalate_after(days)
        except RegisterError as exc:
            self.error.show_message(str(exc))
            return
        self._document.changed()

    @classmethod
    def ask(cls, document: RegisterDocument, parent: QWidget | None = None) -> None:
        cls(document, parent).exec()
