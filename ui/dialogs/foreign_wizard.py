"""File ▸ Import another register…: a partner's own spreadsheet, in five steps.

1. the file (and, optionally, a mapping saved from an earlier file of the same shape);
2. the sheet and header row, chosen automatically and explained, with a preview of the
   first rows and the header highlighted;
3. each column's field, with how sure the match is (``foreign_mapping_pages``);
4. each likelihood and impact value's level, proposed with its reason for the user to
   confirm, the partner that leads the risks, Draft or Open, what to do with a RAID log's
   other rows, and saving the mapping for next time (``foreign_mapping_pages``);
5. the risks that will be created (unrated ones marked), what was read in every cell, the
   duplicates to pick, then Import: one transaction, one change set, after a backup copy
   (``foreign_preview``).

The rules are in ``riskreg.exchange.foreign``; the pages only show and collect choices.
Text from the workbook is shown as plain text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from riskreg.errors import RegisterError
from riskreg.exchange.export import column_letter
from riskreg.exchange.foreign import (
    HEADER_SEARCH_ROWS,
    ForeignPlan,
    Layout,
    Mapping,
    analyse,
    collapse_marks,
    layout_at,
    load_mapping,
    read_workbook,
    refuse_own_export,
    require_rows,
)
from riskreg.exchange.scales import text_of
from riskreg.scoring import ScoringScheme
from ui.dialogs.foreign_mapping_pages import ColumnsPage, ValuesPage
from ui.dialogs.foreign_preview import PreviewPage
from ui.document import RegisterDocument
from ui.geometry import fit_to_screen
from ui.models.base import text_item

PREVIEW_ROWS = 40
PREVIEW_COLUMNS = 30
HEADER_BRUSH = QBrush(QColor("#ffe08a"))


def plain_label(text: str = "", *, error: bool = False) -> QLabel:
    """A wrapped label that shows text from a file as it is, never as rich text."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if error:
        label.setStyleSheet("color: #b3261e")
    return label


class ForeignImportWizard(QWizard):
    def __init__(
        self, document: RegisterDocument, folder: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import another register")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setTitleFormat(Qt.TextFormat.PlainText)
        self.setSubTitleFormat(Qt.TextFormat.PlainText)  # refusals quote the workbook
        fit_to_screen(self, 1080, 700)
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
        if self.plan is None or self.document.busy:
            return
        finish = self.button(QWizard.WizardButton.FinishButton)
        finish.setEnabled(False)

        def imported(created: list[str]) -> None:
            self.created = created
            QWizard.accept(self)

        def refused(message: str) -> None:
            finish.setEnabled(True)
            self.preview_page.problem.setText(f"Nothing was imported: {message}")

        self.document.apply_foreign(self.plan, imported, refused=refused)

    @classmethod
    def ask(
        cls, document: RegisterDocument, folder: str, parent: QWidget | None = None,
        *, spreadsheet: Path | None = None,
    ) -> int:  # fmt: skip
        """The number of risks imported (0 if cancelled); tests replace this seam."""
        wizard = cls(document, folder, parent)
        if spreadsheet is not None:  # chosen already (the welcome screen's way in)
            wizard.file_page.path.setText(str(spreadsheet))
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
        self.problem = plain_label(error=True)
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
        service = wiz.document.service
        try:
            wiz.tables = read_workbook(path)
            refuse_own_export(wiz.tables, service.register_info().uuid, path.name)
            if self.mapping_path.text().strip():
                text = Path(self.mapping_path.text().strip()).read_text(encoding="utf-8")
                partners = service.list_partners()
                wiz.mapping = load_mapping(text, wiz.tables, wiz.scheme, partners)
                wiz.layout_ = wiz.mapping.layout
            else:
                wiz.layout_ = analyse(wiz.tables, path.name)
                wiz.mapping = None
            require_rows(wiz.tables, wiz.layout_, path.name)
        except (RegisterError, OSError, UnicodeDecodeError) as exc:
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
        self.row.setRange(1, HEADER_SEARCH_ROWS)
        self.explanation = plain_label()
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
        fields = self.wiz.layout_.fields if self.wiz.layout_ else set()
        if not fields & {"title", "description", "asset"}:
            self.explanation.setText(
                "This row has no title, description or asset column; choose the row that "
                "holds the column names."
            )
            return False
        return True
