"""File ▸ New register…: a partnership's register from nothing, page by page.

The partnership's name; its partners (code, name, colour, contact); the keeper and who you
are; the scoring scheme (a preset, or copied from another register); categories (the
Orange Book's examples, editable, or none) with the partnership's appetite in each; where
to save. Each page refuses what cannot be used beside its fields; Finish writes it all in
one transaction, and the register opens ready to use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from riskreg.choices import AppetiteLevel
from riskreg.errors import RegisterError
from riskreg.locations import SUFFIX
from riskreg.records import Actor, CategoryRecord, PartnerRecord
from riskreg.scoring import ScoringScheme
from riskreg.starter import ORANGE_BOOK_CATEGORIES, PRESETS, preset_scheme
from ui.geometry import fit_to_screen
from ui.views.fields import ErrorLabel, swatch

PALETTE = ("#1f5fa8", "#e07b00", "#138a8a", "#7b3fa0", "#5a7d1a", "#b03060", "#5d4037")
"""Colours given to partners in the order they are added (each can be changed)."""


@dataclass(frozen=True, slots=True)
class NewPartnership:
    """Everything the wizard gathered: what ``create_register`` is given."""

    path: Path
    name: str
    partners: tuple[PartnerRecord, ...]
    keeper: str
    actor: Actor
    scheme: ScoringScheme
    categories: tuple[CategoryRecord, ...]


def partner_problems(partner: PartnerRecord) -> list[str]:
    """What the register would refuse about a partner, said on the page."""
    from riskreg.service.writes import partner_problems as refused

    return [problem.message for problem in refused(partner)]


class NameAndPartnersPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The partnership and its partners")
        self.setSubTitle(
            "Name the partnership, then add each partner organisation: a short code (as in "
            "workbooks, e.g. CNCL), its name, a colour for the heat maps and a contact."
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Mendip Flood Resilience Partnership")
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["Code", "Name", "Colour", "Contact"])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(1, 260)
        self.table.doubleClicked.connect(self._clicked)
        self.add_button = QPushButton("Add partner")
        self.remove_button = QPushButton("Remove")
        self.error = ErrorLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Partnership", self.name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Partners (double-click a colour to change it):"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.add_button.clicked.connect(lambda: self.add_partner("", "", ""))
        self.remove_button.clicked.connect(self._remove)
        self.model.itemChanged.connect(self._item_changed)
        self.model.rowsInserted.connect(self._forget_problems)
        self.model.rowsRemoved.connect(self._forget_problems)
        self.name.textEdited.connect(self._forget_problems)

    def _forget_problems(self, *_: object) -> None:
        """A message about what is no longer so goes once the user changes the page."""
        self.error.show_message("")

    def _item_changed(self, item: QStandardItem) -> None:
        """A code typed in small letters is written in capitals, and the user told so."""
        text = item.text()
        if item.column() != 0 or text == text.strip().upper():
            self._forget_problems()
            return
        item.setText(text.strip().upper())  # itemChanged again: then nothing is left to say
        self.error.show_message(f"Partner codes are written in capitals: “{text.strip()}” "
                                f"is {text.strip().upper()}.")  # fmt: skip

    def add_partner(self, code: str, name: str, contact: str = "") -> None:
        colour = PALETTE[self.model.rowCount() % len(PALETTE)]
        swatch_item = QStandardItem(colour)
        swatch_item.setIcon(swatch(colour))
        swatch_item.setEditable(False)
        self.model.appendRow([QStandardItem(code), QStandardItem(name), swatch_item,
                              QStandardItem(contact)])  # fmt: skip

    def _remove(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            self.model.removeRow(row)

    def _clicked(self, _index: object) -> None:
        row, column = self.table.currentIndex().row(), self.table.currentIndex().column()
        if column == 2:
            item = self.model.item(row, 2)
            chosen = self.pick_colour(QColor(item.text()))
            if chosen is not None:
                item.setText(chosen)
                item.setIcon(swatch(chosen))

    def pick_colour(self, current: QColor) -> str | None:
        """Qt's colour dialog (tests replace this seam)."""
        chosen = QColorDialog.getColor(current, self, "Partner colour")
        return chosen.name() if chosen.isValid() else None

    def partners(self) -> list[PartnerRecord]:
        cell = self.model.item
        return [
            PartnerRecord(cell(r, 0).text().strip().upper(), cell(r, 1).text().strip(),
                          cell(r, 2).text().strip(), cell(r, 3).text().strip())
            for r in range(self.model.rowCount())
        ]  # fmt: skip

    def validatePage(self) -> bool:
        problems = []
        if not self.name.text().strip():
            problems.append("Give the partnership a name.")
        partners = self.partners()
        if not partners:
            problems.append("Add at least one partner.")
        codes = [p.code for p in partners]
        duplicated = sorted({c for c in codes if codes.count(c) > 1})
        if duplicated:
            problems.append(f"Each code once: {', '.join(duplicated)} is given twice.")
        for number, partner in enumerate(partners, start=1):
            problems += [f"Partner {number}: {m}" for m in partner_problems(partner)]
        self.error.show_message("\n".join(problems))
        return not problems


class PeoplePage(QWizardPage):
    def __init__(self, wizard: NewPartnershipWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Who keeps the register, and who you are")
        self.setSubTitle(
            "The keeping partner holds the master register and sends workbooks to the "
            "others. Every change is recorded with your name and the partner you act for."
        )
        self.keeper = QComboBox()
        self.user = QLineEdit(wizard.user_name)
        self.acting_for = QComboBox()
        self.error = ErrorLabel()
        form = QFormLayout(self)
        form.addRow("Keeping partner", self.keeper)
        form.addRow("Your name", self.user)
        form.addRow("You act for", self.acting_for)
        form.addRow(self.error)

    def initializePage(self) -> None:
        partners = self.wiz.partners_page.partners()
        for combo in (self.keeper, self.acting_for):
            chosen = combo.currentData()
            combo.clear()
            for partner in partners:
                combo.addItem(f"{partner.code} – {partner.name}", partner.code)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))

    def validatePage(self) -> bool:
        if not self.user.text().strip():
            self.error.show_message("Give your name: it goes into every change you make.")
            return False
        self.error.show_message("")
        return True


class SchemePage(QWizardPage):
    def __init__(self, wizard: NewPartnershipWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("How risks are scored")
        self.setSubTitle(
            "A likelihood × impact matrix with its bands. Start from a preset (each can be "
            "changed later in Register ▸ Scoring scheme) or copy another register's."
        )
        self.choice = QButtonGroup(self)
        layout = QVBoxLayout(self)
        self.presets: dict[str, QRadioButton] = {}
        for key, text in PRESETS.items():
            button = QRadioButton(text)
            self.presets[key] = button
            self.choice.addButton(button)
            layout.addWidget(button)
        self.presets["5x5"].setChecked(True)
        self.copy_button = QRadioButton("Copy the scheme of another register file:")
        self.choice.addButton(self.copy_button)
        self.copy_path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.copy_path, 1)
        row.addWidget(browse)
        layout.addWidget(self.copy_button)
        layout.addLayout(row)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.copy_path.textEdited.connect(lambda _t: self.copy_button.setChecked(True))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Another register", self.wiz.folder,
                                              f"Risk registers (*{SUFFIX})")  # fmt: skip
        if path:
            self.copy_path.setText(path)
            self.copy_button.setChecked(True)

    def scheme(self) -> ScoringScheme:
        """The chosen scheme; raises RegisterError when a copied register cannot be read."""
        for key, button in self.presets.items():
            if button.isChecked():
                return preset_scheme(key)
        from riskreg.service import open_service

        source = open_service(Path(self.copy_path.text().strip()), self.wiz.actor(),
                              upgrade=False)  # fmt: skip
        try:
            return source.scheme()
        finally:
            source.close()

    def validatePage(self) -> bool:
        try:
            self.wiz.chosen_scheme = self.scheme()
        except (RegisterError, OSError) as exc:
            self.error.show_message(f"That register's scheme cannot be read: {exc}")
            return False
        self.error.show_message("")
        return True


class CategoriesPage(QWizardPage):
    def __init__(self, wizard: NewPartnershipWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Categories and the partnership's appetite")
        self.setSubTitle(
            "Risks are grouped by category. The appetite is the Orange Book level the "
            "partnership holds in a category (each shown with its appetite and tolerance "
            "bands): a risk above appetite is a warning, above tolerance a breach. Edit the "
            "names as you like."
        )
        self.starter = QComboBox()
        self.starter.addItem("The Orange Book's example categories", "orange-book")
        self.starter.addItem("None yet (add them later)", "none")
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["Category", "Appetite level (appetite, tolerance)"])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 240)
        self.add_button = QPushButton("Add category")
        self.remove_button = QPushButton("Remove")
        self.error = ErrorLabel()
        top = QFormLayout()
        top.addRow("Start from", self.starter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.starter.currentIndexChanged.connect(self._fill)
        self.add_button.clicked.connect(lambda: self._add("New category"))
        self.remove_button.clicked.connect(self._remove)
        self._appetites: list[QComboBox] = []

    def initializePage(self) -> None:
        self._fill()

    def _fill(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self._appetites = []
        names = ORANGE_BOOK_CATEGORIES if self.starter.currentData() == "orange-book" else ()
        for name in names:
            self._add(name)

    def _add(self, name: str) -> None:
        self.model.appendRow([QStandardItem(name), QStandardItem("")])
        combo = QComboBox()
        combo.addItem("(not agreed)", "")
        scheme = self.wiz.chosen_scheme
        for level in AppetiteLevel:
            combo.addItem(scheme.appetite_caption(level), level.value)
        self._appetites.append(combo)
        self.table.setIndexWidget(self.model.index(self.model.rowCount() - 1, 1), combo)

    def _remove(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            self.model.removeRow(row)
            self._appetites.pop(row)

    def set_appetite(self, name: str, level: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row, 0).text() == name:
                combo = self._appetites[row]
                combo.setCurrentIndex(max(0, combo.findData(level)))

    def categories(self) -> list[CategoryRecord]:
        return [
            CategoryRecord(self.model.item(r, 0).text().strip(),
                           self._appetites[r].currentData() or None)
            for r in range(self.model.rowCount())
        ]  # fmt: skip

    def validatePage(self) -> bool:
        names = [c.name for c in self.categories()]
        problems = []
        if any(not n for n in names):
            problems.append("A category needs a name (or remove its row).")
        twice = sorted({n for n in names if n and names.count(n) > 1})
        if twice:
            problems.append(f"Each category once: {', '.join(twice)} is given twice.")
        if any(len(n) > 100 for n in names):
            problems.append("A category name can be at most 100 characters.")
        self.error.show_message("\n".join(problems))
        return not problems


class SavePage(QWizardPage):
    def __init__(self, wizard: NewPartnershipWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Where to keep the register")
        self.setSubTitle(
            "One file holds the whole register. Keep it on your own drive (a network share "
            "is not safe for a register several people write; see the README)."
        )
        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.error = ErrorLabel()
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Save as", row)
        form.addRow(self.error)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        if not self.path.text():
            name = self.wiz.partners_page.name.text().strip() or "partnership"
            safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in name).strip()
            self.path.setText(str(Path(self.wiz.folder) / f"{safe or 'partnership'}{SUFFIX}"))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the register as", self.path.text(),
                                              f"Risk registers (*{SUFFIX})")  # fmt: skip
        if path:
            self.path.setText(path)

    def chosen(self) -> Path:
        path = Path(self.path.text().strip()).expanduser()
        return path if path.suffix == SUFFIX else path.with_suffix(SUFFIX)

    def validatePage(self) -> bool:
        text = self.path.text().strip()
        path = self.chosen()
        if not text:
            message = "Choose where to save the register."
        elif path.exists():
            message = f"{path} already exists; choose another name (nothing was changed)."
        elif not path.parent.is_dir():
            message = f"The folder {path.parent} does not exist."
        else:
            self.error.show_message("")
            return True
        self.error.show_message(message)
        return False


class NewPartnershipWizard(QWizard):
    def __init__(self, folder: str, user_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New partnership register")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setTitleFormat(Qt.TextFormat.PlainText)
        self.setSubTitleFormat(Qt.TextFormat.PlainText)
        self.folder = folder
        self.user_name = user_name
        self.chosen_scheme = preset_scheme("5x5")
        self.result_value: NewPartnership | None = None
        self.partners_page = NameAndPartnersPage()
        self.people_page = PeoplePage(self)
        self.scheme_page = SchemePage(self)
        self.categories_page = CategoriesPage(self)
        self.save_page = SavePage(self)
        for page in (self.partners_page, self.people_page, self.scheme_page,
                     self.categories_page, self.save_page):  # fmt: skip
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Create the register")
        fit_to_screen(self, 860, 620)

    def actor(self) -> Actor:
        code = self.people_page.acting_for.currentData() or ""
        return Actor(self.people_page.user.text().strip() or self.user_name, code, "GUI")

    def accept(self) -> None:
        partners = tuple(self.partners_page.partners())
        self.result_value = NewPartnership(
            path=self.save_page.chosen(),
            name=self.partners_page.name.text().strip(),
            partners=partners,
            keeper=self.people_page.keeper.currentData() or partners[0].code,
            actor=self.actor(),
            scheme=self.chosen_scheme,
            categories=tuple(self.categories_page.categories()),
        )
        super().accept()

    @classmethod
    def ask(
        cls, folder: str, user_name: str, parent: QWidget | None = None
    ) -> NewPartnership | None:
        """What the user set up, or None if cancelled (tests replace this seam)."""
        wizard = cls(folder, user_name, parent)
        wizard.exec()
        return wizard.result_value
