"""New risk: the whole form in a dialog; the risk is created only when the input is valid."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QScrollArea, QVBoxLayout, QWidget

from riskreg.errors import Problem, ValidationError
from riskreg.records import RiskRecord
from ui.dialog_keys import enter_never_accepts
from ui.document import RegisterDocument
from ui.geometry import fit_to_screen
from ui.views.risk_form import RiskForm, reveal_first_message


class NewRiskDialog(QDialog):
    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New risk")
        self._document = document
        self.created: RiskRecord | None = None
        settings = document.settings
        assert settings is not None
        self.form = RiskForm()
        active = [p for p in settings.partners if p.active]
        self.form.set_choices(settings.scheme, active, settings.categories)
        self.form.load(None, lead=document.service.actor.partner_code)
        self.scroll_area = scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        enter_never_accepts(self, self.buttons, self.ok_button)  # a risk is made for good
        # as wide as the form at its narrowest beside the scroll bar: never cut at the side
        margins = layout.contentsMargins()
        room = (scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth()
                + margins.left() + margins.right() + 8)  # fmt: skip
        fit_to_screen(self, max(640, self.form.minimumSizeHint().width() + room), 820)

    def try_accept(self) -> None:
        """Create the risk; on bad input keep the dialog open with messages beside fields."""
        problems = self.form.local_problems()
        if problems:
            self._show_problems(problems)
            return
        try:
            self.created = self._document.create_risk(self.form.draft())
        except ValidationError as exc:
            self._show_problems(exc.problems)
            return
        if self.created is not None:
            self.accept()

    def _show_problems(self, problems: Sequence[Problem]) -> None:
        """Beside their fields, the first scrolled into view: a refusal is never out of
        sight (below the screen, "Add risk" seemed to do nothing)."""
        self.form.show_problems(problems)
        reveal_first_message(self.form, self.scroll_area)

    @classmethod
    def ask(cls, document: RegisterDocument, parent: QWidget | None = None) -> RiskRecord | None:
        """Show the dialog and return the created risk (tests replace this seam)."""
        dialog = cls(document, parent)
        dialog.exec()
        return dialog.created
