"""Categories and the partnership's appetite level in each (Averse to Eager, each shown
with the appetite and tolerance bands the scheme gives it), and the partners that accept
less.

Saving a category with its partners' appetites is one undoable step (one change set). A
partner may only accept less than the partnership, so it is offered only the lower levels.
Enter saves the category; nothing typed is dropped by a key.
"""

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

from riskreg.errors import ValidationError
from riskreg.governance import APPETITE_NAMES
from riskreg.records import CategoryRecord
from ui import plain
from ui.document import RegisterDocument
from ui.geometry import fit_to_screen
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
        settings = document.settings
        assert settings is not None
        self._scheme = settings.scheme
        self._levels = APPETITE_NAMES
        for partner in settings.partners:
            if partner.active:
                combo = QComboBox()
                self.partner_appetite[partner.code] = combo
                form.addRow(plain.label(partner.code), combo)  # the code as written
        self.escalate_after = QSpinBox()
        self.escalate_after.setRange(1, 3650)
        self.escalate_after.setSuffix(" days")
        self.escalate_after.setValue(document.service.escalate_after())
        self.escalate_after.setToolTip(
            "A risk breaching tolerance, or in the top band, for longer than this is proposed "
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
        period.addWidget(QLabel("breaching tolerance or in the top band"))
        period.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addLayout(period)
        layout.addWidget(close)
        self.escalate_after.editingFinished.connect(self.save_escalation_period)
        close.rejected.connect(self.reject)
        for button in (self.new_button, self.remove_button):
            button.setAutoDefault(False)  # Enter in the name saves it, never closes
        for other in close.buttons():
            if isinstance(other, QPushButton):
                other.setAutoDefault(False)
        self.save_button.setDefault(True)
        self.appetite.currentIndexChanged.connect(self._offer_partner_levels)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.list.selectionModel().currentChanged.connect(self._selected)
        self.appetite.addItem("(not agreed)", "")
        for level in self._levels:
            self.appetite.addItem(self._scheme.appetite_caption(level), level)
        self.appetite.setToolTip(
            "Within appetite up to the appetite band; above it but within "
            "tolerance is a warning; above tolerance, a breach. The "
            "scheme (Settings ▸ Scoring scheme) sets each level's bands."
        )
        self._offer_partner_levels()
        self.reload()
        self.start_new()
        fit_to_screen(self, 660, 460)

    def _offer_partner_levels(self) -> None:
        """A partner accepts less than the partnership: only the levels below its appetite
        (every level while the partnership has none agreed)."""
        chosen = self.appetite.currentData() or ""
        top = self._levels.index(chosen) if chosen in self._levels else len(self._levels)
        for combo in self.partner_appetite.values():
            held = combo.currentData() or ""
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("(as the partnership)", "")
            for level in self._levels[:top]:
                combo.addItem(self._scheme.appetite_caption(level), level)
            combo.setCurrentIndex(max(0, combo.findData(held)))
            combo.blockSignals(False)

    def reload(self) -> None:
        settings = self._document.settings
        self._categories = list(settings.categories) if settings is not None else []
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

    def select(self, name: str) -> None:
        """Show one category in the form (as clicking it in the list does)."""
        for row, category in enumerate(self._categories):
            if category.name == name:
                self.list.setCurrentIndex(self.model.index(row, 0))
                self._selected()
                return

    def _selected(self) -> None:
        row = self.list.currentIndex().row()
        if 0 <= row < len(self._categories):
            category = self._categories[row]
            self._editing = category.name
            self.name.setText(category.name)
            self.appetite.setCurrentIndex(max(0, self.appetite.findData(category.appetite or "")))
            settings = self._document.settings
            held = settings.appetites_of(category.name) if settings is not None else {}
            for code, combo in self.partner_appetite.items():
                combo.setCurrentIndex(max(0, combo.findData(held.get(code) or "")))
            self.error.show_message("")
            self.remove_button.setEnabled(True)

    def save(self) -> bool:
        """The category and its partners' appetites, as one step."""
        record = CategoryRecord(self.name.text().strip(), self.appetite.currentData() or None)
        appetites = {code: combo.currentData() or None
                     for code, combo in self.partner_appetite.items()}  # fmt: skip
        try:
            saved = self._document.save_category(self._editing, record, appetites,
                                                 refused=self.error.show_message)  # fmt: skip
        except ValidationError as exc:
            self.error.show_message(str(exc))
            return False
        if saved is None:
            return False
        self.reload()
        self.select(record.name)  # stay on the category just saved
        self.error.show_done(f"Saved {record.name}.")
        return True

    def remove(self) -> bool:
        if self._editing is None:
            return False
        if not self._document.remove_category(self._editing, refused=self.error.show_message):
            return False
        self.reload()
        self.start_new()
        return True

    def save_escalation_period(self) -> None:
        self._document.set_escalate_after(self.escalate_after.value(),
                                          refused=self.error.show_message)  # fmt: skip

    @classmethod
    def ask(cls, document: RegisterDocument, parent: QWidget | None = None) -> None:
        cls(document, parent).exec()
