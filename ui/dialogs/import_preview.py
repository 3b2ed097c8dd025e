"""The preview of a returned workbook: every finding grouped by risk, old → new, with a tick
for each change the user accepts, and every note the import made about the workbook as a
whole (a sheet found under another name, a missing column, an old export).

Conflicts (and, for a copy read by ref, every difference) show both sides and start
unticked: the register keeps its value unless the user takes the workbook's. Errors, held
back, rejected, ignored and missing rows and warnings are listed with their cells and cannot
be ticked. Everything from the workbook — its file name, cells, sheet names — is shown as
plain text, never as rich text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from riskreg.exchange.findings import TICKED, ImportPlan, Item, display
from ui.geometry import fit_to_screen
from ui.models.base import text_item
from ui.plain import tip

KIND_LABELS = {
    "update": "Update",
    "conflict": "Conflict",
    "differs": "Differs",
    "new": "New",
    "missing": "Missing",
    "rejected": "Rejected",
    "ignored": "Not applied",
    "held": "Held back",
    "warning": "Warning",
    "error": "Error",
}
KIND_COLOURS = {
    "update": "#2e7d32",
    "conflict": "#e65100",
    "differs": "#e65100",
    "new": "#1565c0",
    "missing": "#6d6d6d",
    "rejected": "#8e24aa",
    "ignored": "#6d4c41",
    "held": "#6d6d6d",
    "warning": "#9e6a00",
    "error": "#c62828",
}
COLUMNS = ("Change", "Cell", "Field", "Register now", "Workbook", "Details")
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
NOTES_LINES = 4
"""Lines of notes shown before the box scrolls (a 768-pixel-high screen keeps the tree)."""


class ImportPreviewDialog(QDialog):
    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"Import {plan.workbook}")
        fit_to_screen(self, 1100, 640)
        self.heading = QLabel(self._heading_text(plan))
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        counts = " · ".join(f"{n} {KIND_LABELS[kind].lower()}" for kind, n in
                            plan.summary.items() if n)  # fmt: skip
        self.counts = QLabel(counts or "No changes: the workbook matches the register.")
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.counts.setWordWrap(True)
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setPlainText("\n".join(f"• {note}" for note in plan.notes))
        lines = self.notes.fontMetrics().lineSpacing()
        self.notes.setMaximumHeight(lines * min(NOTES_LINES, len(plan.notes) + 1) + 12)
        self.notes.setVisible(bool(plan.notes))
        self.notes_label = QLabel(f"Notes on the workbook ({len(plan.notes)}):")
        self.notes_label.setVisible(bool(plan.notes))
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
        places = [item.where for item in plan.items[:500]]
        cell_width = max([90, *(self.fontMetrics().horizontalAdvance(p) + 16 for p in places)])
        for column, width in enumerate((135, min(cell_width, 240), 120, 150, 150)):
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
        layout.addWidget(self.counts)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.notes)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._update_count()

    @staticmethod
    def _heading_text(plan: ImportPlan) -> str:
        if plan.by_ref:
            return (
                f"{plan.workbook} — a copy without its export, read by ref and compared "
                f"with the register now (revision {plan.register_revision})."
            )
        return (
            f"{plan.workbook} returned by {plan.sender} — exported at revision "
            f"{plan.base_revision}, the register is now at revision {plan.register_revision}."
        )

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
                font = QFont(group.font())
                font.setBold(True)
                group.setFont(font)
                groups[title] = group
                root.appendRow([group] + [text_item("") for _ in COLUMNS[1:]])
            group.appendRow(self._row(item))

    @staticmethod
    def _group_title(item: Item) -> str:
        about_new = item.kind == "new" or item.field == "draft"
        if about_new and item.sheet == "Risks":
            return "New risks (as Draft)"
        if about_new:
            return f"New actions on {item.ref}" if item.ref else "New actions"
        if item.kind in ("error", "warning") and not item.ref:
            return f"Problems on {item.sheet}"
        prefix = "Risk" if item.sheet == "Risks" else "Action"
        return f"{prefix} {item.ref}" if item.ref else item.sheet

    def _row(self, item: Item) -> list[QStandardItem]:
        kind = QStandardItem(KIND_LABELS[item.kind])
        kind.setEditable(False)
        kind.setForeground(QBrush(QColor(KIND_COLOURS[item.kind])))
        kind.setData(item, ITEM_ROLE)
        if item.applicable:
            kind.setCheckable(True)
            ticked = item.kind in TICKED
            kind.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            if not ticked:
                kind.setToolTip("Tick to take the workbook's value; unticked keeps the register's")
            self._checkable.append(kind)
        where = item.where
        no_values = ("new", "missing", "error", "warning")
        values = ("" if item.kind in no_values else shown_value(item.old),
                  shown_value(item.new) if item.kind not in ("missing", "error", "warning")
                  else "")  # fmt: skip
        details = text_item(item.message.removeprefix(f"{where}: "))  # the cell is shown
        details.setToolTip(tip(item.message))
        ours, theirs = text_item(values[0]), text_item(values[1])
        ours.setToolTip(tip(values[0]))
        theirs.setToolTip(tip(values[1]))
        field = "" if item.field == "draft" else item.field.replace("_", " ")
        place = text_item(where)
        place.setToolTip(tip(where))
        return [kind, place, text_item(field), ours, theirs, details]

    # -- choices ------------------------------------------------------------------------
    def _set_ticks(self, wanted: set[str]) -> None:
        for cell in self._checkable:
            item: Item = cell.data(ITEM_ROLE)
            state = Qt.CheckState.Checked if item.kind in wanted else Qt.CheckState.Unchecked
            cell.setCheckState(state)

    def tick_all(self) -> None:
        self._set_ticks({"update", "new", "conflict", "differs"})

    def tick_clean(self) -> None:
        self._set_ticks(set(TICKED))

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


def shown_value(value: Any) -> str:
    """A value as the preview's reader reads it: a date as "31 Mar 2027", as the rest of
    the window writes dates (the command line's ``--json`` keeps ISO for programs)."""
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    return display(value)
