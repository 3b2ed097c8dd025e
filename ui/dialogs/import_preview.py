"""The preview of a returned workbook: every finding grouped by risk, old → new, with a tick
for each change the user accepts. Conflicts show both sides and start unticked (the register
keeps its value unless the user takes the workbook's); errors, rejected and missing rows are
listed with their cells and cannot be ticked.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from riskreg.exchange.importer import ImportPlan, Item, display
from ui.geometry import fit_to_screen
from ui.models.base import text_item
from ui.plain import escaped, tip

KIND_LABELS = {
    "update": "Update",
    "conflict": "Conflict",
    "new": "New",
    "missing": "Missing",
    "rejected": "Rejected",
    "error": "Error",
}
KIND_COLOURS = {
    "update": "#2e7d32",
    "conflict": "#e65100",
    "new": "#1565c0",
    "missing": "#6d6d6d",
    "rejected": "#8e24aa",
    "error": "#c62828",
}
COLUMNS = ("Change", "Cell", "Field", "Register now", "Workbook", "Details")
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1


class ImportPreviewDialog(QDialog):
    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"Import {plan.workbook}")
        fit_to_screen(self, 1100, 620)
        counts = " · ".join(f"{n} {kind}" for kind, n in plan.summary.items() if n)
        self.heading = QLabel(
            f"<b>{escaped(plan.workbook)}</b> returned by <b>{escaped(plan.sender)}</b> — "
            f"exported at revision {plan.base_revision}, the register is now at revision "
            f"{plan.register_revision}.<br>"
            f"{escaped(counts or 'No changes: the workbook matches the register.')}"
        )
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self._checkable: list[QStandardItem] = []
        self._fill(plan.items)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.expandAll()
        top = self.model.invisibleRootItem().index()
        for group_row in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(group_row, top, True)  # group titles run across
        header = self.tree.header()
        for column, width in enumerate((120, 70, 130, 170, 170)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.selection_label = QLabel()
        self.all_button = QPushButton("Accept &all (workbook wins conflicts)")
        self.clean_button = QPushButton("Only &clean changes")
        self.none_button = QPushButton("Tick &none")
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton(
            "Apply ticked", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.all_button.clicked.connect(self.tick_all)
        self.clean_button.clicked.connect(self.tick_clean)
        self.none_button.clicked.connect(self.tick_none)
        self.model.itemChanged.connect(self._update_count)
        row = QHBoxLayout()
        for button in (self.all_button, self.clean_button, self.none_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.selection_label)
        note = QLabel(
            "Applying first saves a backup copy of the register beside it, then writes the "
            "ticked changes as one change set naming this workbook."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._update_count()

    # -- the tree -----------------------------------------------------------------------
    def _fill(self, items: Sequence[Item]) -> None:
        groups: dict[str, QStandardItem] = {}
        root = self.model.invisibleRootItem()
        for item in items:
            title = self._group_title(item)
            group = groups.get(title)
            if group is None:
                group = QStandardItem(title)
                group.setEditable(False)
                font = group.font()
                font.setBold(True)
                group.setFont(font)
                groups[title] = group
                root.appendRow([group] + [text_item("") for _ in COLUMNS[1:]])
            group.appendRow(self._row(item))

    @staticmethod
    def _group_title(item: Item) -> str:
        if item.kind == "error" and not item.ref:
            return f"Problems on {item.sheet}"
        if item.kind == "new" and item.sheet == "Risks":
            return "New risks (as Draft)"
        prefix = "Risk" if item.sheet == "Risks" else "Action"
        if item.kind == "new":
            prefix = "New actions on"
        return f"{prefix} {item.ref}" if item.ref else item.sheet

    def _row(self, item: Item) -> list[QStandardItem]:
        kind = QStandardItem(KIND_LABELS[item.kind])
        kind.setEditable(False)
        kind.setForeground(QBrush(QColor(KIND_COLOURS[item.kind])))
        kind.setData(item, ITEM_ROLE)
        if item.applicable:
            kind.setCheckable(True)
            kind.setCheckState(
                Qt.CheckState.Unchecked if item.kind == "conflict" else Qt.CheckState.Checked
            )
            if item.kind == "conflict":
                kind.setToolTip("Tick to take the workbook's value; unticked keeps the register's")
            self._checkable.append(kind)
        where = f"{item.sheet}!{item.cell}" if item.cell else item.sheet
        values = ("" if item.kind in ("new", "missing", "error") else display(item.old),
                  display(item.new) if item.kind not in ("missing", "error") else "")  # fmt: skip
        details = text_item(item.message)
        details.setToolTip(tip(item.message))  # the workbook's text as written, never HTML
        ours, theirs = text_item(values[0]), text_item(values[1])
        ours.setToolTip(tip(values[0]))
        theirs.setToolTip(tip(values[1]))
        return [kind, text_item(where), text_item(item.field.replace("_", " ")),
                ours, theirs, details]  # fmt: skip

    # -- choices ------------------------------------------------------------------------
    def _set_ticks(self, wanted: set[str]) -> None:
        for cell in self._checkable:
            item: Item = cell.data(ITEM_ROLE)
            state = Qt.CheckState.Checked if item.kind in wanted else Qt.CheckState.Unchecked
            cell.setCheckState(state)

    def tick_all(self) -> None:
        self._set_ticks({"update", "new", "conflict"})

    def tick_clean(self) -> None:
        self._set_ticks({"update", "new"})

    def tick_none(self) -> None:
        self._set_ticks(set())

    def accepted_items(self) -> list[Item]:
        return [
            cell.data(ITEM_ROLE)
            for cell in self._checkable
            if cell.checkState() == Qt.CheckState.Checked
        ]

    def _update_count(self, *_: object) -> None:
        ticked = len(self.accepted_items())
        self.selection_label.setText(f"{ticked} of {len(self._checkable)} changes ticked")
        self.apply_button.setEnabled(ticked > 0)

    @classmethod
    def ask(cls, plan: ImportPlan, parent: QWidget | None = None) -> list[Item] | None:
        """The items the user accepted, or None if cancelled (tests replace this seam)."""
        dialog = cls(plan, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.accepted_items()
        return None
