"""Steps 3 and 4 of Import another register: what each column holds, and how its values
fit this register (the proposed scale mapping, for the user to confirm or correct)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from riskreg.choices import Visibility
from riskreg.errors import RegisterError
from riskreg.exchange.foreign import FIELDS, SCALE_FIELDS, Mapping, plan_foreign, propose_mapping
from riskreg.exchange.scales import CHOSEN, SAME, ScaleChoice
from riskreg.records import RiskStatus
from ui.models.base import text_item

if TYPE_CHECKING:
    from ui.dialogs.foreign_wizard import ForeignImportWizard

NOT_IMPORTED = "(not imported)"
NO_LEVEL = "— no level: unrated —"
NEEDS_LEVEL = QBrush(QColor("#fde2e1"))
PLAIN_READING = QBrush(QColor("#6b6b6b"))
Role = Qt.ItemDataRole


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down of fixed choices for a cell; the cell keeps the choice's data."""

    def __init__(self, choices: list[tuple[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        for text, data in self.choices:
            combo.addItem(text, data)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(index.data(Role.UserRole))
        editor.setCurrentIndex(max(found, 0))

    def setModelData(
        self,
        editor: QWidget,
        model: Any,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Role.UserRole)
        model.setData(index, editor.currentText(), Role.DisplayRole)


class LevelDelegate(ChoiceDelegate):
    """The level drop-down of a scale value: the choices of its own axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([], parent)

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        self.choices = index.data(Role.UserRole + 1) or []
        return super().createEditor(parent, option, index)


def _attention(choice: ScaleChoice) -> tuple[int, int]:
    order = 0 if choice.level is None else (2 if choice.kind == SAME else 1)
    return order, choice.level or 0


def _table(model: QStandardItemModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.setWordWrap(False)
    return view


class ColumnsPage(QWizardPage):
    def __init__(self, wizard: ForeignImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("What does each column hold?")
        self.setSubTitle("Change a field where the match is wrong; columns left out are not "
                         "imported.")  # fmt: skip
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["Column", "Header", "Field", "Why"])
        self.table = _table(self.model)
        choices = [(NOT_IMPORTED, None)] + [(text, name) for name, text in FIELDS.items()]
        self.table.setItemDelegateForColumn(2, ChoiceDelegate(choices, self.table))
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 60)
        self.table.setColumnWidth(1, 260)
        self.table.setColumnWidth(2, 250)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)

    def initializePage(self) -> None:
        layout = self.wiz.layout_
        assert layout is not None
        self.model.removeRows(0, self.model.rowCount())
        for match in layout.columns:
            field = text_item(FIELDS.get(match.field or "", NOT_IMPORTED), editable=True)
            field.setData(match.field, Role.UserRole)
            sure = f"{match.confidence:.0%} — {match.reason}" if match.field else match.reason
            self.model.appendRow(
                [text_item(match.letter), text_item(match.header), field, text_item(sure)]
            )

    def set_field(self, row: int, field: str | None) -> None:
        """Choose a column's field (what the drop-down does; tests call it too)."""
        index = self.model.index(row, 2)
        self.model.setData(index, field, Role.UserRole)
        self.model.setData(index, FIELDS.get(field or "", NOT_IMPORTED), Role.DisplayRole)

    def validatePage(self) -> bool:
        wiz = self.wiz
        assert wiz.layout_ is not None
        chosen = [self.model.index(r, 2).data(Role.UserRole) for r in range(self.model.rowCount())]
        single = [f for f in chosen if f and f not in ("keep", "ignored")]
        if len(set(single)) != len(single):
            self.setSubTitle("Two columns are given the same field; give each field one column.")
            return False
        columns = tuple(
            replace(match, field=field) if field != match.field else match
            for match, field in zip(wiz.layout_.columns, chosen, strict=True)
        )
        changed = columns != wiz.layout_.columns
        wiz.layout_ = replace(wiz.layout_, columns=columns)
        if wiz.mapping is None or changed:
            wiz.mapping = propose_mapping(wiz.tables, wiz.layout_, wiz.scheme,
                                          wiz.default_partner(),
                                          wiz.document.service.list_partners())  # fmt: skip
            wiz.layout_ = wiz.mapping.layout
        return True


class ValuesPage(QWizardPage):
    def __init__(self, wizard: ForeignImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("How do its values fit this register?")
        self.setSubTitle("Each likelihood and impact value is given a level of this register's "
                         "scheme, and why; check them and correct any that are wrong.")  # fmt: skip
        self.partner = QComboBox()
        self.visibility = QComboBox()
        self.visibility.addItem("Their lead partner only, until the partnership takes them up "
                                "(Internal)", Visibility.INTERNAL.value)  # fmt: skip
        self.visibility.addItem("Every partner (Joint)", Visibility.JOINT.value)
        self.status = QComboBox()
        for status in (RiskStatus.DRAFT, RiskStatus.OPEN):
            self.status.addItem(status.value, status.value)
        self.raid = QComboBox()
        self.raid.addItem("Leave them out", "skip")
        self.raid.addItem("Bring them in, with their kind as the category", "category")
        self.keep_ids = QCheckBox("Keep the spreadsheet's own ids in each description")
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels(["Field", "Value in the file", "Rows", "Level",
                                              "Why"])  # fmt: skip
        self.table = _table(self.model)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 140)
        self.table.setColumnWidth(1, 170)
        self.table.setColumnWidth(2, 44)
        self.table.setColumnWidth(3, 170)
        self.table.setItemDelegateForColumn(3, LevelDelegate(self.table))
        self.needing = QLabel()
        self.needing.setWordWrap(True)
        self.leads = QStandardItemModel(0, 4, self)
        self.leads.setHorizontalHeaderLabels(["Partner or owner in the file", "Rows",
                                              "Lead partner", "How"])  # fmt: skip
        self.lead_table = _table(self.leads)
        self.lead_table.setColumnWidth(0, 240)
        self.lead_table.setColumnWidth(1, 44)
        self.lead_table.setColumnWidth(2, 240)
        self.lead_table.horizontalHeader().setStretchLastSection(True)
        self.save_button = QPushButton("Save this mapping…")
        self.save_button.clicked.connect(self._save)
        form = QFormLayout()
        form.addRow("Lead partner of the risks", self.partner)
        form.addRow("New risks are", self.status)
        form.addRow("Seen by", self.visibility)
        form.addRow("A RAID log's issues, assumptions and dependencies", self.raid)
        form.addRow(self.keep_ids)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.needing)
        layout.addWidget(QLabel("Who leads each risk (a name left to the lead partner above "
                                "takes that partner):"))  # fmt: skip
        layout.addWidget(self.lead_table, 1)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        self.model.dataChanged.connect(lambda *_: self._count_needing())

    def initializePage(self) -> None:
        wiz = self.wiz
        mapping = wiz.mapping
        assert mapping is not None
        partners = wiz.document.service.list_partners(active_only=True)
        self.partner.clear()
        for partner in partners:
            self.partner.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.partner.setCurrentIndex(max(self.partner.findData(mapping.partner), 0))
        self.status.setCurrentIndex(max(self.status.findData(mapping.status.value), 0))
        self.visibility.setCurrentIndex(max(self.visibility.findData(mapping.visibility.value), 0))
        self.raid.setCurrentIndex(max(self.raid.findData(mapping.raid), 0))
        self.keep_ids.setChecked(mapping.keep_source_ids)
        partner_choices = [("(the lead partner above)", "")] + [
            (f"{p.code} – {p.name}", p.code) for p in partners
        ]
        self.leads.removeRows(0, self.leads.rowCount())
        for text, rows in sorted(mapping.lead_counts.items()):
            code = mapping.leads.get(text, "")
            lead = text_item(next((t for t, c in partner_choices if c == code), ""), editable=True)
            lead.setData(code, Role.UserRole)
            how = mapping.lead_reasons.get(text, "") if code else "names no partner here"
            self.leads.appendRow([text_item(text), text_item(str(rows)), lead, text_item(how)])
        self.lead_table.setItemDelegateForColumn(2, ChoiceDelegate(partner_choices,
                                                                   self.lead_table))  # fmt: skip
        self.model.removeRows(0, self.model.rowCount())
        for name in SCALE_FIELDS:
            if name not in mapping.scales:
                continue
            axis = wiz.scheme.likelihood if name.endswith("likelihood") else wiz.scheme.impact
            choices = [(NO_LEVEL, None)] + [(lv.caption, lv.value) for lv in axis]
            # What needs the user first: no level, then read from another scale, then the
            # register's own labels and numbers (shown, but greyed).
            for choice in sorted(mapping.scales[name], key=_attention):
                level = text_item(next(t for t, v in choices if v == choice.level), editable=True)
                level.setData(choice.level, Role.UserRole)
                level.setData(choices, Role.UserRole + 1)
                value = text_item(choice.value or "(empty)")
                value.setData((name, choice.value), Role.UserRole)
                why = text_item(choice.reason)
                if choice.kind == SAME:
                    why.setForeground(PLAIN_READING)
                cells = [text_item(FIELDS[name]), value, text_item(str(choice.count)), level, why]
                self.model.appendRow(cells)
        self._count_needing()

    def _count_needing(self) -> None:
        """Values with no level are shaded, and counted: their risks come in unrated."""
        needing = 0
        for row in range(self.model.rowCount()):
            missing = self.model.index(row, 3).data(Role.UserRole) is None
            needing += missing
            brush = NEEDS_LEVEL if missing else QBrush()
            for column in range(self.model.columnCount()):
                item = self.model.item(row, column)
                if item is not None and item.background() != brush:
                    item.setBackground(brush)
        self.needing.setText(
            f"{needing} value{'s' * (needing != 1)} {'have' if needing != 1 else 'has'} no "
            "level: the risks holding them come in as unrated Drafts unless you choose one."
            if needing
            else "Every value has a level."
        )

    def set_level(self, row: int, level: int | None) -> None:
        """Choose a value's level (what the drop-down does; tests call it too)."""
        index = self.model.index(row, 3)
        choices = index.data(Role.UserRole + 1)
        self.model.setData(index, level, Role.UserRole)
        self.model.setData(index, next(t for t, v in choices if v == level), Role.DisplayRole)

    def _apply_choices(self) -> Mapping:
        mapping = self.wiz.mapping
        assert mapping is not None
        mapping.partner = self.partner.currentData()
        mapping.status = RiskStatus(self.status.currentData())
        mapping.visibility = Visibility(self.visibility.currentData())
        mapping.raid = self.raid.currentData()
        mapping.keep_source_ids = self.keep_ids.isChecked()
        for row in range(self.leads.rowCount()):
            text = self.leads.index(row, 0).data()
            code = self.leads.index(row, 2).data(Role.UserRole)
            if code and code != mapping.leads.get(text):
                mapping.leads[text] = code
                mapping.lead_reasons[text] = "chosen by you"
            elif not code:
                mapping.leads.pop(text, None)
        chosen = {
            self.model.index(row, 1).data(Role.UserRole): self.model.index(row, 3).data(
                Role.UserRole
            )
            for row in range(self.model.rowCount())
        }
        for name in [n for n in SCALE_FIELDS if n in mapping.scales]:
            updated = []
            for choice in mapping.scales[name]:
                level = chosen.get((name, choice.value), choice.level)
                if level != choice.level:
                    choice = replace(choice, level=level, reason="chosen by you", kind=CHOSEN)
                updated.append(choice)
            mapping.scales[name] = updated
        return mapping

    def save_mapping_to(self, path: Path) -> None:
        path.write_text(self._apply_choices().to_json(), encoding="utf-8")

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save mapping", self.wiz.folder, "*.json")
        if path:
            self.save_mapping_to(Path(path).with_suffix(".json"))

    def validatePage(self) -> bool:
        wiz = self.wiz
        mapping = self._apply_choices()
        assert wiz.path is not None
        try:
            wiz.plan = plan_foreign(wiz.document.service, wiz.path, mapping, tables=wiz.tables)
        except RegisterError as exc:
            self.setSubTitle(str(exc))
            return False
        return True
