"""File ▸ Import another register…: a partner's own spreadsheet, in five steps.

1. the file (and, optionally, a mapping saved from an earlier file of the same shape);
2. the sheet and header row, chosen automatically and explained, with a preview of the
   first rows and the header highlighted;
3. each column's field, with how sure the match is;
4. each likelihood and impact value's level, the partner that leads the risks, Draft or
   Open, what to do with a RAID log's other rows, and saving the mapping for next time;
5. the risks that will be created and every problem cell, then Import (one transaction,
   one change set, after a backup copy).

The rules are in ``riskreg.exchange.foreign``; the pages only show and collect choices.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from riskreg.errors import RegisterError
from riskreg.exchange.columns import FOREIGN_NAMES
from riskreg.exchange.export import column_letter
from riskreg.exchange.foreign import (
    SCALE_FIELDS,
    ForeignPlan,
    Layout,
    Mapping,
    analyse,
    collapse_marks,
    layout_at,
    load_mapping,
    plan_foreign,
    propose_mapping,
    read_workbook,
    require_rows,
)
from riskreg.exchange.scales import text_of
from riskreg.records import RiskStatus
from riskreg.scoring import ScoringScheme
from ui.document import RegisterDocument
from ui.geometry import fit_to_screen
from ui.models.base import text_item

PREVIEW_ROWS = 40
PREVIEW_COLUMNS = 30
NOT_IMPORTED = "(not imported)"
HEADER_BRUSH = QBrush(QColor("#ffe08a"))
FIELD_NAMES = {name: name.replace("_", " ").capitalize() for name in FOREIGN_NAMES}
FIELD_NAMES.update(source_id="Its own id (kept in the description)",
                   action="Mitigation (becomes an action)",
                   raid_type="RAID type (risk, issue, …)")  # fmt: skip
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


class ForeignImportWizard(QWizard):
    def __init__(
        self, document: RegisterDocument, folder: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import another register")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        fit_to_screen(self, 980, 640)
        self.document = document
        self.folder = folder
        self.scheme: ScoringScheme = document.service.scheme()
        self.path: Path | None = None
        self.tables: list[Any] = []
        self.layout_: Layout | None = None
        self.mapping: Mapping | None = None
        self.plan: ForeignPlan | None = None
        self.created: list[str] = []
        self.file_page = FilePage(self)
        self.layout_page = LayoutPage(self)
        self.columns_page = ColumnsPage(self)
        self.values_page = ValuesPage(self)
        self.preview_page = PreviewPage(self)
        for page in (self.file_page, self.layout_page, self.columns_page, self.values_page,
                     self.preview_page):  # fmt: skip
            self.addPage(page)

    def default_partner(self) -> str:
        service = self.document.service
        return service.actor.partner_code or service.register_info().keeper_code or ""

    def accept(self) -> None:
        """Import: the previewed risks in one transaction (after a backup copy), in the
        background; the wizard closes when they are in, or says why nothing was."""
        from riskreg.exchange.foreign import choose_existing

        if self.plan is None or self.document.busy:
            return
        finish = self.button(QWizard.WizardButton.FinishButton)
        finish.setEnabled(False)
        chosen = self.preview_page.chosen_existing()  # issue 18: duplicates ticked one by one
        plan = choose_existing(self.plan, chosen) if chosen else self.plan

        def imported(created: list[str]) -> None:
            self.created = created
            QWizard.accept(self)

        def refused(message: str) -> None:
            finish.setEnabled(True)
            self.preview_page.problem.setText(f"Nothing was imported: {message}")

        self.document.apply_foreign(plan, imported, refused=refused)

    @classmethod
    def ask(cls, document: RegisterDocument, folder: str, parent: QWidget | None = None) -> int:
        """The number of risks imported (0 if cancelled); tests replace this seam."""
        wizard = cls(document, folder, parent)
        wizard.exec()
        return len(wizard.created)


class FilePage(QWizardPage):
    def __init__(self, wizard: ForeignImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Which spreadsheet?")
        self.setSubTitle(
            "A partner's own risk register: .xlsx, .xlsm, .xls or .ods. Nothing is written "
            "until the last step."
        )
        self.path = QLineEdit()
        self.mapping_path = QLineEdit()
        self.mapping_path.setPlaceholderText("optional: a mapping saved from an earlier import")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e")
        browse, browse_mapping = QPushButton("Browse…"), QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        browse_mapping.clicked.connect(self._browse_mapping)
        form = QFormLayout(self)
        rows = (("Spreadsheet", self.path, browse),
                ("Saved mapping", self.mapping_path, browse_mapping))  # fmt: skip
        for label, edit, button in rows:
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(button)
            form.addRow(label, row)
        form.addRow(self.problem)
        self.path.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Spreadsheet", self.wiz.folder, "Spreadsheets (*.xlsx *.xlsm *.xls *.ods)"
        )
        if path:
            self.path.setText(path)

    def _browse_mapping(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Saved mapping", self.wiz.folder, "*.json")
        if path:
            self.mapping_path.setText(path)

    def validatePage(self) -> bool:
        wiz = self.wiz
        path = Path(self.path.text().strip())
        try:
            wiz.tables = read_workbook(path)
            if self.mapping_path.text().strip():
                text = Path(self.mapping_path.text().strip()).read_text(encoding="utf-8")
                partners = wiz.document.service.list_partners()
                wiz.mapping = load_mapping(text, wiz.tables, wiz.scheme, partners)
                wiz.layout_ = wiz.mapping.layout
            else:
                wiz.layout_ = analyse(wiz.tables, path.name)
                wiz.mapping = None
            require_rows(wiz.tables, wiz.layout_, path.name)
        except (RegisterError, OSError) as exc:
            self.problem.setText(str(exc))
            return False
        wiz.path = path
        self.problem.clear()
        return True


class LayoutPage(QWizardPage):
    def __init__(self, wizard: ForeignImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Where is the register?")
        self.setSubTitle("The sheet and header row that match the most known column names.")
        self.sheet = QComboBox()
        self.row = QSpinBox()
        self.row.setRange(1, 30)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(22)
        choose = QHBoxLayout()
        choose.addWidget(QLabel("Sheet"))
        choose.addWidget(self.sheet, 1)
        choose.addWidget(QLabel("Header row"))
        choose.addWidget(self.row)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        self.sheet.currentIndexChanged.connect(self._changed)
        self.row.valueChanged.connect(self._changed)
        self._filling = False

    def initializePage(self) -> None:
        wiz = self.wiz
        assert wiz.layout_ is not None
        self._filling = True
        self.sheet.clear()
        for table in wiz.tables:
            hidden = "" if table.visible else " (hidden)"
            self.sheet.addItem(f"{table.name}{hidden}", table.name)
        self.sheet.setCurrentIndex(max(self.sheet.findData(wiz.layout_.sheet), 0))
        self.row.setValue(wiz.layout_.header_row + 1)
        self._filling = False
        self._show(wiz.layout_)

    def _changed(self) -> None:
        if self._filling:
            return
        table = self._table()
        if table is None:
            return
        row = self.row.value() - 1
        self.wiz.layout_ = layout_at(collapse_marks(table, row), row)
        self.wiz.mapping = None  # the columns changed: propose anew
        self._show(self.wiz.layout_)

    def _table(self) -> Any:
        name = self.sheet.currentData()
        return next((t for t in self.wiz.tables if t.name == name), None)

    def _show(self, layout: Layout) -> None:
        self.explanation.setText(layout.explanation)
        table = self._table()
        self.model.clear()
        if table is None:
            return
        rows = table.rows[:PREVIEW_ROWS]
        width = min(max((len(r) for r in rows), default=0), PREVIEW_COLUMNS)
        self.model.setColumnCount(width)
        self.model.setHorizontalHeaderLabels([column_letter(i + 1) for i in range(width)])
        for index, row in enumerate(rows):
            cells = [text_item(text_of(row[c]) if c < len(row) else "") for c in range(width)]
            if index == layout.header_row:
                for cell in cells:
                    cell.setBackground(HEADER_BRUSH)
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
            self.model.appendRow(cells)
        self.model.setVerticalHeaderLabels([str(i + 1) for i in range(len(rows))])
        self.table.scrollTo(self.model.index(layout.header_row, 0))

    def validatePage(self) -> bool:
        fields = (
            {m.field for m in self.wiz.layout_.columns if m.field} if self.wiz.layout_ else set()
        )
        if not fields & {"title", "description"}:
            self.explanation.setText(
                "This row has no title or description column; choose the row that holds the "
                "column names."
            )
            return False
        return True


class ColumnsPage(QWizardPage):
    def __init__(self, wizard: ForeignImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("What does each column hold?")
        self.setSubTitle("Change a field where the match is wrong; columns left out are not "
                         "imported.")  # fmt: skip
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["Column", "Header", "Field", "Why"])
        self.table = QTableView()
        self.table.setModel(self.model)
        choices = [(NOT_IMPORTED, None)] + [(text, name) for name, text in FIELD_NAMES.items()]
        self.table.setItemDelegateForColumn(2, ChoiceDelegate(choices, self.table))
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 60)
        self.table.setColumnWidth(1, 260)
        self.table.setColumnWidth(2, 250)
        self.table.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)

    def initializePage(self) -> None:
        layout = self.wiz.layout_
        assert layout is not None
        self.model.removeRows(0, self.model.rowCount())
        for match in layout.columns:
            field = text_item(FIELD_NAMES.get(match.field or "", NOT_IMPORTED), editable=True)
            field.setData(match.field, Role.UserRole)
            sure = f"{match.confidence:.0%} — {match.reason}" if match.field else match.reason
            self.model.appendRow(
                [text_item(match.letter), text_item(match.header), field, text_item(sure)]
            )

    def set_field(self, row: int, field: str | None) -> None:
        """Choose a column's field (what the drop-down does; tests call it too)."""
        index = self.model.index(row, 2)
        self.model.setData(index, field, Role.UserRole)
        self.model.setData(index, FIELD_NAMES.get(field or "", NOT_IMPORTED), Role.DisplayRole)

    def validatePage(self) -> bool:
        wiz = self.wiz
        assert wiz.layout_ is not None
        chosen = [self.model.index(r, 2).data(Role.UserRole) for r in range(self.model.rowCount())]
        columns = tuple(
            replace(match, field=field) if field != match.field else match
            for match, field in zip(wiz.layout_.columns, chosen, strict=True)
        )
        if len({f for f in chosen if f}) != len([f for f in chosen if f]):
            self.setSubTitle("Two columns are given the same field; give each field one column.")
            return False
        changed = columns != wiz.layout_.columns
        wiz.layout_ = replace(wiz.layout_, columns=columns)
        if wiz.mapping is None or changed:
            wiz.mapping = propose_mapping(wiz.tables, wiz.layout_, wiz.scheme,
                                          wiz.default_partner(),
                                          wiz.document.service.list_partners())  # fmt: skip
        return True


class ValuesPage(QWizardPage):
    def __init__(self, wizard: ForeignImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("How do its values fit this register?")
        self.setSubTitle("Each likelihood and impact value becomes a level of this register's "
                         "scheme; correct any that are wrong.")  # fmt: skip
        self.partner = QComboBox()
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
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 180)
        self.table.setColumnWidth(3, 170)
        self.table.verticalHeader().hide()
        self.leads = QStandardItemModel(0, 3, self)
        self.leads.setHorizontalHeaderLabels(["Partner or owner in the file", "Rows",
                                              "Lead partner"])  # fmt: skip
        self.lead_table = QTableView()
        self.lead_table.setModel(self.leads)
        self.lead_table.verticalHeader().hide()
        self.lead_table.setColumnWidth(0, 260)
        self.lead_table.horizontalHeader().setStretchLastSection(True)
        self.save_button = QPushButton("Save this mapping…")
        self.save_button.clicked.connect(self._save)
        form = QFormLayout()
        form.addRow("Lead partner of the risks", self.partner)
        form.addRow("New risks are", self.status)
        form.addRow("A RAID log's issues, assumptions and dependencies", self.raid)
        form.addRow(self.keep_ids)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("Who leads each risk (a name left to the lead partner above "
                                "takes that partner):"))  # fmt: skip
        layout.addWidget(self.lead_table, 1)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

    def initializePage(self) -> None:
        wiz = self.wiz
        mapping = wiz.mapping
        assert mapping is not None
        self.partner.clear()
        for partner in wiz.document.service.list_partners(active_only=True):
            self.partner.addItem(f"{partner.code} – {partner.name}", partner.code)
        self.partner.setCurrentIndex(max(self.partner.findData(mapping.partner), 0))
        self.status.setCurrentIndex(max(self.status.findData(mapping.status.value), 0))
        self.raid.setCurrentIndex(max(self.raid.findData(mapping.raid), 0))
        self.keep_ids.setChecked(mapping.keep_source_ids)
        partner_choices = [("(the lead partner above)", "")] + [
            (f"{p.code} – {p.name}", p.code)
            for p in wiz.document.service.list_partners(active_only=True)
        ]
        self.leads.removeRows(0, self.leads.rowCount())
        for text, rows in sorted(mapping.lead_counts.items()):
            code = mapping.leads.get(text, "")
            lead = text_item(next((t for t, c in partner_choices if c == code), ""), editable=True)
            lead.setData(code, Role.UserRole)
            self.leads.appendRow([text_item(text), text_item(str(rows)), lead])
        self.lead_table.setItemDelegateForColumn(2, ChoiceDelegate(partner_choices,
                                                                   self.lead_table))  # fmt: skip
        self.model.removeRows(0, self.model.rowCount())
        for name in SCALE_FIELDS:
            if name not in mapping.scales:
                continue
            axis = wiz.scheme.likelihood if name.endswith("likelihood") else wiz.scheme.impact
            choices = [("— no value —", None)] + [(lv.caption, lv.value) for lv in axis]
            column = 3
            for choice in mapping.scales[name]:
                level = text_item(next(t for t, v in choices if v == choice.level), editable=True)
                level.setData(choice.level, Role.UserRole)
                level.setData(choices, Role.UserRole + 1)
                shown = choice.value or "(empty)"
                count, why = text_item(str(choice.count)), text_item(choice.reason)
                self.model.appendRow(
                    [text_item(FIELD_NAMES[name]), text_item(shown), count, level, why]
                )
            self.table.setItemDelegateForColumn(column, _LevelDelegate(self.table))

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
        mapping.raid = self.raid.currentData()
        mapping.keep_source_ids = self.keep_ids.isChecked()
        for row in range(self.leads.rowCount()):
            text = self.leads.index(row, 0).data()
            code = self.leads.index(row, 2).data(Role.UserRole)
            if code:
                mapping.leads[text] = code
            else:
                mapping.leads.pop(text, None)
        position = 0
        for name in [n for n in SCALE_FIELDS if n in mapping.scales]:
            updated = []
            for choice in mapping.scales[name]:
                level = self.model.index(position, 3).data(Role.UserRole)
                reason = choice.reason if level == choice.level else "chosen by you"
                updated.append(replace(choice, level=level, reason=reason))
                position += 1
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


class _LevelDelegate(ChoiceDelegate):
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


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ForeignImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("What will be created")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e")
        self.risks = QStandardItemModel(0, 6, self)
        self.risks.setHorizontalHeaderLabels(["Cell", "Title", "Inherent", "Current", "Owner",
                                              "Category"])  # fmt: skip
        self.risks.itemChanged.connect(lambda *_: self.completeChanged.emit())  # issue 18
        self.problems = QStandardItemModel(0, 2, self)
        self.problems.setHorizontalHeaderLabels(["Cell", "Problem"])
        self.risk_table, self.problem_table = QTableView(), QTableView()
        for view, model in ((self.risk_table, self.risks), (self.problem_table, self.problems)):
            view.setModel(model)
            view.verticalHeader().hide()
            view.horizontalHeader().setStretchLastSection(True)
        self.risk_table.setColumnWidth(1, 380)
        self.problem_table.setColumnWidth(0, 110)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.risk_table, 3)
        layout.addWidget(QLabel("Problems (these rows are not imported):"))
        layout.addWidget(self.problem_table, 1)
        layout.addWidget(self.problem)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        plan = self.wiz.plan
        assert plan is not None
        new, errors = plan.count("new"), plan.count("error")
        mapping = plan.mapping
        notes = "".join(f"<br>• {note}" for note in plan.notes)
        categories = (f"<br>New categories: {', '.join(plan.new_categories)}."
                      if plan.new_categories else "")  # fmt: skip
        self.summary.setText(
            f"<b>{new} risks</b> will be created as <b>{mapping.status.value}</b>, led by "
            f"<b>{mapping.partner}</b>, in one change set after a backup copy; "
            f"<b>{errors}</b> rows have problems.{categories}{notes}"
        )
        self.risks.removeRows(0, self.risks.rowCount())
        self.problems.removeRows(0, self.problems.rowCount())
        for item in plan.items:
            if item.kind in ("new", "rejected") and item.draft is not None:
                d: Any = item.draft
                cell = text_item(item.cell)
                if item.kind == "rejected":  # issue 18: already in the register; tick to take
                    cell.setCheckable(True)
                    cell.setCheckState(Qt.CheckState.Unchecked)
                    cell.setToolTip("Already in the register; tick to import it all the same")
                title = d.title if item.kind == "new" else f"{d.title} (already in the register)"
                self.risks.appendRow([cell, text_item(title),
                                      text_item(f"{d.inherent_likelihood}×{d.inherent_impact}"),
                                      text_item(f"{d.current_likelihood}×{d.current_impact}"),
                                      text_item(d.owner), text_item(d.category or "")])  # fmt: skip
            elif item.kind == "error":
                self.problems.appendRow([text_item(f"{item.sheet}!{item.cell}"),
                                         text_item(item.message.split(": ", 1)[-1])])  # fmt: skip
        self.wiz.setButtonText(QWizard.WizardButton.FinishButton, f"Import {new} risks")

    def chosen_existing(self) -> list[str]:
        """Cells of rows already in the register that the user ticked to import anyway."""
        return [
            self.risks.item(row, 0).text()
            for row in range(self.risks.rowCount())
            if self.risks.item(row, 0).checkState() == Qt.CheckState.Checked
        ]

    def isComplete(self) -> bool:
        return bool(self.wiz.plan and (self.wiz.plan.count("new") or self.chosen_existing()))
