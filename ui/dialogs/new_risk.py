"""New risk: the whole form in a dialog; the risk is created only when the input is valid."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QScrollArea, QVBoxLayout, QWidget

from riskreg.errors import ValidationError
from riskreg.records import RiskRecord
from ui.document import RegisterDocument
from ui.views.risk_form import RiskForm


class NewRiskDialog(QDialog):
    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New risk")
        self._document = document
        self.created: RiskRecord | None = None
        service = document.service
        self.form = RiskForm()
        self.form.set_choices(
            service.scheme(), service.list_partners(active_only=True), service.list_categories()
        )
        self.form.load(None, lead=service.actor.partner_code)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add risk")
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        self.resize(640, 820)

    def try_accept(self) -> None:
        """Create the risk; on bad input keep the dialog open with messages beside fields."""
        problems = self.form.local_problems()
        if problems:
            self.form.show_problems(problems)
            return
        try:
            self.created = self._document.create_risk(self.form.draft())
        except ValidationError as exc:
            self.form.show_problems(exc.problems)
            return
        if self.created is not None:
            self.accept()

    @classmethod
    def ask(cls, document: RegisterDocument, parent: QWidget | None = None) -> RiskRecord | None:
        """Show the dialog and return the created risk (tests replace this seam)."""
        dialog = cls(document, parent)
        dialog.exec()
        return dialog.created
