"""Actions: those of the selected risk (add, edit, complete) and the register-wide list."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from riskreg.errors import ValidationError
from riskreg.records import ActionDraft, ActionRecord, Changes
from ui.dialogs.action_dialog import ActionDialog
from ui.document import RegisterDocument
from ui.models.action_table import ActionTableModel


def _action_table(model: ActionTableModel) -> QTableView:
    # The model sorts its own list: a proxy would call data() per comparison, which takes
    # seconds over the 200,000 actions of a large register.
    table = QTableView()
    table.setModel(model)
    table.setSortingEnabled(True)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    for column, width in enumerate((56, 56, 220, 56, 96, 130, 84, 64)):
        table.setColumnWidth(column, width)
    table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    return table


class RiskActionsView(QWidget):
    """The selected risk's actions with Add, Edit and Complete."""

    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._risk_uuid = ""
        self.model = ActionTableModel(self)
        self.table = _action_table(self.model)
        self.table.setColumnHidden(1, True)
        self.add_button = QPushButton("Add action…")
        self.edit_button = QPushButton("Edit…")
        self.complete_button = QPushButton("Complete")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.complete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_action)
        self.edit_button.clicked.connect(self.edit_selected)
        self.complete_button.clicked.connect(self.complete_selected)
        self.table.doubleClicked.connect(self.edit_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        document.sig_changed.connect(self._register_changed)
        self.show_risk("")

    def _register_changed(self, changes: Changes, _initiator: object) -> None:
        """Its risk's actions changed (or the partners they name): read them again."""
        uuid = self._risk_uuid
        if uuid and (uuid in changes.action_risks or changes.reaches_every_risk):
            self.refresh()

    def show_risk(self, uuid: str) -> None:
        self._risk_uuid = uuid
        if uuid:
            service = self._document.service
            self.model.set_rows(service.list_actions(uuid), service.today())
        else:  # nothing to ask the register (which may still be being opened)
            self.model.set_rows([], date.today())
        self._update_buttons()

    def refresh(self) -> None:
        self.show_risk(self._risk_uuid)

    def selected(self) -> ActionRecord | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row(index.row())

    def add_action(self) -> ActionRecord | None:
        if not self._risk_uuid:
            return None
        settings = self._document.settings
        assert settings is not None
        risk = self._document.service.get_risk(self._risk_uuid)
        values = ActionDialog.ask(list(settings.partners), None, self, risk=risk)
        if values is None:
            return None
        try:
            return self._document.add_action(self._risk_uuid, ActionDraft(**values))
        except ValidationError as exc:
            self._document.sig_error.emit("The action was not added", str(exc))
            return None

    def edit_selected(self) -> ActionRecord | None:
        action = self.selected()
        if action is None:
            return None
        settings = self._document.settings
        assert settings is not None
        values = ActionDialog.ask(list(settings.partners), action, self)
        if values is None:
            return None
        try:
            return self._document.edit_action(action, values)
        except ValidationError as exc:
            self._document.sig_error.emit(f"{action.ref} was not saved", str(exc))
            return None

    def complete_selected(self) -> ActionRecord | None:
        action = self.selected()
        if action is None or not action.is_open:
            return None
        return self._document.complete_action(action)

    def _update_buttons(self) -> None:
        action = self.selected()
        self.add_button.setEnabled(bool(self._risk_uuid))
        self.edit_button.setEnabled(action is not None)
        self.complete_button.setEnabled(action is not None and action.is_open)


class AllActionsView(QWidget):
    """Every action in the register, filterable by owning partner and "overdue"."""

    def __init__(self, document: RegisterDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._all: list[ActionRecord] = []
        self._stale = True
        self._shown = False
        self.model = ActionTableModel(self)
        self.table = _action_table(self.model)
        self.partner_filter = QComboBox()
        self.overdue_filter = QCheckBox("Overdue only")
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Partner"))
        bar.addWidget(self.partner_filter)
        bar.addWidget(self.overdue_filter)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.partner_filter.currentIndexChanged.connect(self._apply)
        self.overdue_filter.toggled.connect(self._apply)
        document.sig_changed.connect(self._register_changed)

    def _register_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.actions or changes.partners or changes.everything or changes.risks:
            self.refresh_if_shown()

    def refresh_if_shown(self) -> None:
        """Re-read now if the user can see this view, otherwise when it is next shown:
        a large register has hundreds of thousands of actions."""
        self._stale = True
        if self._shown:
            self.refresh()

    def set_shown(self, shown: bool) -> None:
        """Its dock became visible (its tab raised) or hidden."""
        self._shown = shown
        if shown and self._stale and self._document.is_open:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        service = self._document.service
        chosen = self.partner_filter.currentData()
        self.partner_filter.blockSignals(True)
        self.partner_filter.clear()
        self.partner_filter.addItem("(any)", "")
        settings = self._document.settings
        for partner in settings.partners if settings is not None else ():
            self.partner_filter.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.partner_filter.setCurrentIndex(max(0, self.partner_filter.findData(chosen or "")))
        self.partner_filter.blockSignals(False)
        self._all = service.list_actions()
        self._apply()

    def _apply(self) -> None:
        today = self._document.service.today()
        partner = self.partner_filter.currentData() or ""
        rows = [a for a in self._all if not partner or a.partner == partner]
        if self.overdue_filter.isChecked():
            rows = [a for a in rows if a.is_overdue(today)]
        self.model.set_rows(rows, today)
        self.count_label.setText(f"{len(rows):,} of {len(self._all):,} actions")
