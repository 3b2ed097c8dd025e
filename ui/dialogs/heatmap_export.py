"""Export the heat map: one dialog for the format (a PDF of the printed pages, or a PNG of
the map alone for a slide), the paper (A4/A3) and its orientation, the PNG's width and
resolution, and where the file goes (``ui.confirm`` then names the file written, with
"Show in folder").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

PNG_WIDTHS = (600, 12_000)
PNG_DPIS = (72, 1_200)


@dataclass(frozen=True)
class ExportChoice:
    """What the user asked for."""

    path: Path
    paper: str = "A4"
    orientation: str = "landscape"
    width: int = 2400
    dpi: int = 200

    @property
    def is_png(self) -> bool:
        return self.path.suffix.lower() == ".png"


def safe_file_name(text: str) -> str:
    """A file name from a register's name: no path separators or characters Windows
    refuses, no leading dots, at most 120 characters."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text).strip(" .")
    return re.sub(r"\s+", " ", name)[:120] or "heat map"


class HeatMapExportDialog(QDialog):
    """Format, paper, orientation, PNG size and the file, with the size the PNG will be."""

    def __init__(
        self,
        suggested: Path,
        audience: str,
        png_height: Callable[[int, int], int],
        parent: QWidget | None = None,
        *,
        choice: ExportChoice | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export heat map")
        self._png_height = png_height
        previous = choice or ExportChoice(suggested)
        self.file_format = QComboBox()
        self.file_format.addItem("PDF — the printed pages (map, legend and key)", "pdf")
        self.file_format.addItem("PNG — the map alone, for a slide", "png")
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A3"])
        self.paper.setCurrentText(previous.paper)
        self.orientation = QComboBox()
        self.orientation.addItem("Landscape", "landscape")
        self.orientation.addItem("Portrait", "portrait")
        self.orientation.setCurrentIndex(self.orientation.findData(previous.orientation))
        self.png_width = QSpinBox()
        self.png_width.setRange(*PNG_WIDTHS)
        self.png_width.setSingleStep(100)
        self.png_width.setSuffix(" pixels wide")
        self.png_width.setValue(previous.width)
        self.png_dpi = QSpinBox()
        self.png_dpi.setRange(*PNG_DPIS)
        self.png_dpi.setSingleStep(25)
        self.png_dpi.setSuffix(" dots per inch")
        self.png_dpi.setValue(previous.dpi)
        self.size_note = QLabel()
        self.size_note.setTextFormat(Qt.TextFormat.PlainText)
        self.path = QLineEdit(str(suggested))
        self.browse = QPushButton("Browse…")
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.browse)
        self.audience = QLabel(audience)
        self.audience.setTextFormat(Qt.TextFormat.PlainText)
        self.audience.setWordWrap(True)
        form = QFormLayout()
        form.addRow("For", self.audience)
        form.addRow("Format", self.file_format)
        form.addRow("Paper", self.paper)
        form.addRow("Orientation", self.orientation)
        form.addRow("PNG width", self.png_width)
        form.addRow("PNG resolution", self.png_dpi)
        form.addRow("", self.size_note)
        form.addRow("Save as", where)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Export")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.browse.clicked.connect(self._browse)
        self.file_format.currentIndexChanged.connect(self._format_changed)
        self.png_width.valueChanged.connect(self._describe_png)
        self.png_dpi.valueChanged.connect(self._describe_png)
        self.path.textChanged.connect(self._enable)
        self.file_format.setCurrentIndex(1 if previous.is_png else 0)
        self._format_changed()

    @property
    def is_png(self) -> bool:
        return self.file_format.currentData() == "png"

    def _format_changed(self) -> None:
        png = self.is_png
        self.png_width.setEnabled(png)
        self.png_dpi.setEnabled(png)
        self.paper.setEnabled(not png)
        self.orientation.setEnabled(not png)
        text = self.path.text().strip()
        if text:
            self.path.setText(str(Path(text).with_suffix(".png" if png else ".pdf")))
        self._describe_png()

    def _describe_png(self) -> None:
        if not self.is_png:
            self.size_note.setText("A vector PDF: the map, its legend and the key of its risks.")
            return
        width, dpi = self.png_width.value(), self.png_dpi.value()
        height = self._png_height(width, dpi)
        self.size_note.setText(
            f"{width:,} × {height:,} pixels: {width / dpi:.1f} × {height / dpi:.1f} inches "
            f"at {dpi} dpi, the map alone (no page header or footer)."
        )

    def _enable(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(bool(self.path.text().strip()))

    def _browse(self) -> None:
        chosen = self.choose_file(self, self.path.text(), self.is_png)
        if chosen:
            self.path.setText(chosen)

    @staticmethod
    def choose_file(parent: QWidget, current: str, png: bool) -> str:
        """The file dialog (tests replace this seam)."""
        name, _ = QFileDialog.getSaveFileName(
            parent, "Export heat map", current, "PNG image (*.png)" if png else "PDF (*.pdf)"
        )
        return name

    def choice(self) -> ExportChoice:
        path = Path(self.path.text().strip()).expanduser()
        path = path.with_suffix(".png" if self.is_png else ".pdf")
        return ExportChoice(path, self.paper.currentText(), str(self.orientation.currentData()),
                            self.png_width.value(), self.png_dpi.value())  # fmt: skip

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        suggested: Path,
        audience: str,
        png_height: Callable[[int, int], int],
        choice: ExportChoice | None = None,
    ) -> ExportChoice | None:
        """Ask what to export and where (tests replace this seam)."""
        dialog = cls(suggested, audience, png_height, parent, choice=choice)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


def suggested_path(folder: str, register_name: str, on: date, png: bool = False) -> Path:
    base = Path(folder) if folder else Path.home()
    name = f"{safe_file_name(register_name)} — heat map {on:%Y-%m-%d}"
    return base / f"{name}.{'png' if png else 'pdf'}"
