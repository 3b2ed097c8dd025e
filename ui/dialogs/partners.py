"""Partners: add, edit (name, colour, contact, active), remove when nothing depends on them.

Every change goes through the document (one undoable step each); a refusal is said beside
the fields. Enter saves the partner; the colour is picked from a swatch with Qt's colour
dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
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

from riskreg.errors import ValidationError
from riskreg.records import PartnerRecord
from ui.document import RegisterDocument
from ui.geometry import fit_to_screen
from ui.views.fields import ErrorLabel, swatch


class PartnersDialog(QDialog):
    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Partners")
        self._document = document
        self._partners: list[PartnerRecord] = []
        self.model = QStandardItemModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.code = QLineEdit()
        self.code.setMaxLength(12)
        self.name = QLineEdit()
        self.contact = QLineEdit()
        self.colour = QPushButton()
        self.colour.setToolTip("Choose the partner's colour")
        self._colour = "#607d8b"
        self.active = QCheckBox("Active (can lead risks and own actions)")
        self.error = ErrorLabel()
        self.new_button = QPushButton("New")
        self.save_button = QPushButton("Save")
        self.remove_button = QPushButton("Remove")
        form = QFormLayout()
        form.addRow("Code", self.code)
        form.addRow("Name", self.name)
        form.addRow("Contact", self.contact)
        form.addRow("Colour", self.colour)
        form.addRow("", self.active)
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
        body.addLayout(right, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)
        close.rejected.connect(self.reject)
        self.colour.clicked.connect(self._choose_colour)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.list.selectionModel().currentChanged.connect(self._selected)
        for button in (self.colour, self.new_button, self.remove_button):
            button.setAutoDefault(False)  # Enter in a field saves; it never opens a picker
        self.save_button.setDefault(True)
        self.reload()
        self.start_new()
        fit_to_screen(self, 680, 400)

    def reload(self) -> None:
        settings = self._document.settings
        self._partners = list(settings.partners) if settings is not None else []
        self.model.clear()
        for partner in self._partners:
            item = QStandardItem(
                f"{partner.code} – {partner.name}" + ("" if partner.active else " (inactive)")
            )
            item.setData(QColor(partner.colour), Qt.ItemDataRole.DecorationRole)
            item.setData(partner.code, Qt.ItemDataRole.UserRole)
            item.setEditable(False)
            self.model.appendRow(item)

    def select(self, code: str) -> None:
        for row, partner in enumerate(self._partners):
            if partner.code == code:
                self.list.setCurrentIndex(self.model.index(row, 0))

    def start_new(self) -> None:
        self.list.clearSelection()
        self.code.setEnabled(True)
        self.code.clear()
        self.name.clear()
        self.contact.clear()
        self.active.setChecked(True)
        self._set_colour("#607d8b")
        self.error.show_message("")
        self.remove_button.setEnabled(False)

    def _selected(self) -> None:
        row = self.list.currentIndex().row()
        if not 0 <= row < len(self._partners):
            return
        partner = self._partners[row]
        self.code.setText(partner.code)
        self.code.setEnabled(False)  # codes are the partners' names in workbooks: fixed
        self.name.setText(partner.name)
        self.contact.setText(partner.contact)
        self.active.setChecked(partner.active)
        self._set_colour(partner.colour)
        self.error.show_message("")
        self.remove_button.setEnabled(True)

    def save(self) -> bool:
        record = PartnerRecord(
            self.code.text().strip(),
            self.name.text().strip(),
            self._colour,
            self.contact.text().strip(),
            self.active.isChecked(),
        )
        tell = self.error.show_message
        try:
            if self.code.isEnabled():
                done = self._document.add_partner(record, refused=tell)
            else:
                done = self._document.edit_partner(
                    record.code, refused=tell, name=record.name, colour=record.colour,
                    contact=record.contact, active=record.active,
                )  # fmt: skip
        except ValidationError as exc:
            self.error.show_message(str(exc))
            return False
        if done is None:
            return False
        self.reload()
        self.select(record.code)
        return True

    def remove(self) -> bool:
        code = self.code.text().strip()
        if not self._document.remove_partner(code, refused=self.error.show_message):
            return False
        self.reload()
        self.start_new()
        return True

    def _choose_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._colour), self, "Partner colour")
        if colour.isValid():
            self._set_colour(colour.name())

    def _set_colour(self, colour: str) -> None:
        self._colour = colour
        self.colour.setIcon(swatch(colour))
        self.colour.setText(" Choose…")

    @classmethod
    def ask(cls, document: RegisterDocument, parent: QWidget | None = None) -> None:
        cls(document, parent).exec()
