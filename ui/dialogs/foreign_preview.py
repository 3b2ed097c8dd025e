"""Step 5 of Import another register: what will be created, what was read, and the
duplicates the user may pick, before anything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel, QTableView, QTabWidget, QVBoxLayout, QWizard, QWizardPage

from riskreg.errors import RegisterError
from riskreg.exchange.foreign import ForeignPlan, plan_foreign
from riskreg.records import RiskDraft
from ui.models.base import text_item
from ui.words import plural

if TYPE_CHECKING:
    from ui.dialogs.foreign_wizard import ForeignImportWizard

FINDING_KINDS = {"warning": "Note", "read": "Read as", "skipped": "Left out"}
Role = Qt.ItemDataRole


def scores(likelihood: int | None, impact: int | None) -> str:
    return "unrated" if likelihood is None or impact is None else f"{likelihood}×{impact}"


def _view(model: QStandardItemModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ForeignImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("What will be created")
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e")
        self.risks = QStandardItemModel(0, 7, self)
        self.risks.setHorizontalHeaderLabels(["Cell", "Title", "Inherent", "Current", "Lead",
                                              "Owner", "Category"])  # fmt: skip
        self.findings = QStandardItemModel(0, 3, self)
        self.findings.setHorizontalHeaderLabels(["Cell", "", "What was read, and what was done"])
        self.duplicates = QStandardItemModel(0, 3, self)
        self.duplicates.setHorizontalHeaderLabels(["Bring in", "Title", "Already here"])
        self.problems = QStandardItemModel(0, 2, self)
        self.problems.setHorizontalHeaderLabels(["Cell", "Why it cannot come in"])
        self.risk_table = _view(self.risks)
        self.risk_table.setColumnWidth(0, 70)
        self.risk_table.setColumnWidth(1, 360)
        self.finding_table = _view(self.findings)
        self.finding_table.setColumnWidth(0, 80)
        self.finding_table.setColumnWidth(1, 70)
        self.duplicate_table = _view(self.duplicates)
        self.duplicate_table.setColumnWidth(0, 80)
        self.duplicate_table.setColumnWidth(1, 360)
        self.problem_table = _view(self.problems)
        self.problem_table.setColumnWidth(0, 80)
        self.tabs = QTabWidget()
        for view, name in ((self.risk_table, "risks"), (self.finding_table, "findings"),
                           (self.duplicate_table, "duplicates"),
                           (self.problem_table, "problems")):  # fmt: skip
            self.tabs.addTab(view, name)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem)
        self.duplicates.itemChanged.connect(self._picked)
        self._filling = False
        self.setFinalPage(True)

    def initializePage(self) -> None:
        self.show_plan()

    def show_plan(self) -> None:
        plan = self.wiz.plan
        assert plan is not None
        self._filling = True
        try:
            self.summary.setText(summary_text(plan))
            for model in (self.risks, self.findings, self.duplicates, self.problems):
                model.removeRows(0, model.rowCount())
            for item in plan.items:
                draft = item.draft
                if item.kind == "new" and isinstance(draft, RiskDraft):
                    self.risks.appendRow(_risk_row(item.cell, draft))
                elif item.kind in ("duplicate", "picked") and draft is not None:
                    pick = QStandardItem(item.cell)
                    pick.setCheckable(True)
                    pick.setEditable(False)
                    pick.setData(item.row, Role.UserRole)
                    picked = item.kind == "picked"
                    pick.setCheckState(Qt.CheckState.Checked if picked else Qt.CheckState.Unchecked)
                    self.duplicates.appendRow(
                        [pick, text_item(draft.title), text_item(item.message)]
                    )
                elif item.kind == "error":
                    self.problems.appendRow([text_item(item.cell), text_item(item.message)])
                else:
                    self.findings.appendRow([text_item(item.cell),
                                             text_item(FINDING_KINDS.get(item.kind, item.kind)),
                                             text_item(item.message)])  # fmt: skip
        finally:
            self._filling = False
        counts = (self.risks.rowCount(), self.findings.rowCount(), self.duplicates.rowCount(),
                  self.problems.rowCount())  # fmt: skip
        names = ("Risks to create", "What was read", "Already in the register", "Cannot come in")
        for tab, (name, count) in enumerate(zip(names, counts, strict=True)):
            self.tabs.setTabText(tab, f"{name} ({count})")
        new = plan.count("new")
        self.wiz.setButtonText(QWizard.WizardButton.FinishButton, f"Import {plural(new, 'risk')}")
        self.completeChanged.emit()

    def pick(self, row: int, wanted: bool = True) -> None:
        """Tick (or untick) a duplicate to bring it in (what the check box does)."""
        for index in range(self.duplicates.rowCount()):
            item = self.duplicates.item(index, 0)
            if item is not None and item.data(Role.UserRole) == row:
                item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
                return
        raise KeyError(row)

    def _picked(self, item: QStandardItem) -> None:
        """A duplicate ticked: the plan is made again with it brought in."""
        if self._filling or item.column() != 0:
            return
        wiz = self.wiz
        assert wiz.mapping is not None
        assert wiz.path is not None
        row = item.data(Role.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            wiz.mapping.picked.add(row)
        else:
            wiz.mapping.picked.discard(row)
        try:
            wiz.plan = plan_foreign(wiz.document.service, wiz.path, wiz.mapping,
                                    tables=wiz.tables)  # fmt: skip
        except RegisterError as exc:
            self.problem.setText(str(exc))
            return
        self.show_plan()

    def isComplete(self) -> bool:
        return bool(self.wiz.plan and self.wiz.plan.count("new"))


def _risk_row(where: str, draft: RiskDraft) -> list[QStandardItem]:
    return [text_item(where), text_item(draft.title),
            text_item(scores(draft.inherent_likelihood, draft.inherent_impact)),
            text_item(scores(draft.current_likelihood, draft.current_impact)),
            text_item(draft.lead_partner), text_item(draft.owner),
            text_item(draft.category or "")]  # fmt: skip


def summary_text(plan: ForeignPlan) -> str:
    """What Import will do, in plain words (the workbook's names shown as plain text)."""
    counts = plan.summary()
    mapping = plan.mapping
    layout = mapping.layout
    seen = ("Joint: seen by every partner" if mapping.visibility.value == "Joint"
            else "Internal: seen by its lead partner only")  # fmt: skip
    lines = [
        f"From sheet “{layout.sheet}” (header in row {layout.header_row + 1}): "
        f"{plural(counts['new'], 'risk')} will be created as {mapping.status.value} "
        f"({seen}), led by "
        f"{mapping.partner} unless the file names another partner, in one change set after "
        "a backup copy."
    ]
    if counts["unrated"]:
        lines.append(f"Unrated: {counts['unrated']} — they come in as Drafts with no scores, "
                     "to be scored in the register.")  # fmt: skip
    picked = len(mapping.picked)
    if counts["duplicate"] or picked:
        lines.append(f"{counts['duplicate']} rows match a risk already in the register and are "
                     f"left out unless you tick them ({picked} ticked).")  # fmt: skip
    if counts["error"]:
        lines.append(f"{counts['error']} rows cannot come in (see “Cannot come in”).")
    if plan.new_categories:
        lines.append(f"New categories: {', '.join(plan.new_categories)}.")
    lines += [f"• {note}" for note in plan.notes[1:]]
    return "\n".join(lines)
