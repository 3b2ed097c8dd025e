"""Register ▸ Settings…: the partnership's name, the keeping partner, how often each band
is reviewed, and the escalation period. Each change goes through the services as its own
undoable step (on a server only the keeping partner may make them, as the server says)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from riskreg.errors import ValidationError
from ui.document import RegisterDocument
from ui.geometry import fit_to_screen
from ui.views.fields import ErrorLabel


class RegisterSettingsDialog(QDialog):
    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Register settings")
        self._document = document
        settings = document.settings
        assert settings is not None
        info = settings.info
        self.name = QLineEdit(info.name)
        self.keeper = QComboBox()
        for partner in settings.partners:
            if partner.active:
                self.keeper.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.keeper.setCurrentIndex(max(0, self.keeper.findData(info.keeper_code)))
        self.cadence: dict[str, QSpinBox] = {}
        cadences = QGroupBox("Review every (days), by current band")
        cadence_form = QFormLayout(cadences)
        for band in settings.scheme.bands:
            spin = QSpinBox()
            spin.setRange(1, 3_650)
            spin.setValue(band.review_days)
            spin.setSuffix(" days")
            self.cadence[band.name] = spin
            cadence_form.addRow(band.name, spin)
        self.escalate_after = QSpinBox()
        self.escalate_after.setRange(1, 3_650)
        self.escalate_after.setSuffix(" days")
        self.escalate_after.setValue(document.service.escalate_after())
        self.error = ErrorLabel()
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        form = QFormLayout()
        form.addRow("Partnership", self.name)
        form.addRow("Keeping partner", self.keeper)
        form.addRow("Propose escalation after", self.escalate_after)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(cadences)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        fit_to_screen(self, 520, 440)

    def save(self) -> bool:
        """What changed, each as its own step; a refusal is said here."""
        document = self._document
        settings = document.settings
        assert settings is not None
        tell = self.error.show_message
        tell("")
        name = self.name.text().strip()
        try:
            if name != settings.info.name and not document.rename_register(name, refused=tell):
                return False
            keeper = self.keeper.currentData()
            moved = bool(keeper) and keeper != settings.info.keeper_code
            if moved and not document.set_keeper(keeper, refused=tell):
                return False
            days = {band: spin.value() for band, spin in self.cadence.items()}
            held = {band.name: band.review_days for band in settings.scheme.bands}
            if days != held and not document.set_review_cadences(days, refused=tell):
                return False
            if not document.set_escalate_after(self.escalate_after.value(), refused=tell):
                return False
        except ValidationError as exc:
            tell(str(exc))
            return False
        return True

    @classmethod
    def ask(cls, document: RegisterDocument, parent: QWidget | None = None) -> None:
        cls(document, parent).exec()
