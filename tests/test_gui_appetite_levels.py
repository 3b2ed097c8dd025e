"""The scheme dialog's appetite levels: each level's appetite and tolerance band chosen in
the dialog, refused beside the levels when out of order, kept in order when bands are added
or removed, and applied through the service; the heat map outlines a warning and a breach
differently, with a key for each."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from pytestqt.qtbot import QtBot

from riskreg.choices import AppetiteLevel
from riskreg.governance import AppetiteState
from tests.gui_helpers import wait_for_jobs
from ui.dialogs.scheme import SchemeDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(blank_window: MainWindow) -> MainWindow:
    return blank_window


def test_the_scheme_dialog_shows_each_levels_bands_and_applies_a_new_tolerance(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = window.document.service
    dialog = SchemeDialog(window.document, window)
    qtbot.addWidget(dialog)
    levels = dialog.appetite_levels
    cautious = AppetiteLevel.CAUTIOUS
    assert (levels.appetite[cautious].currentText(),
            levels.tolerance[cautious].currentText()) == ("Medium", "High")  # fmt: skip
    levels.set_choice(cautious, 1, 3)  # tolerance Very high
    assert levels.error.text() == ""
    monkeypatch.setattr(dialog, "confirm", lambda report: True)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    wait_for_jobs(qtbot, window.document)
    assert service.scheme().appetite_of("Cautious")[1].name == "Very high"
    assert window.document.settings is not None
    assert window.document.settings.scheme.appetite_bands[2] == (1, 3)


@pytest.mark.parametrize(("level", "pair", "words"), [
    (AppetiteLevel.CAUTIOUS, (2, 1), "Cautious: its tolerance must be at least its appetite"),
    (AppetiteLevel.MINIMAL, (2, 2), "Cautious: its appetite must be at least that of Minimal"),
])  # fmt: skip
def test_a_mapping_out_of_order_is_refused_beside_the_levels_and_nothing_is_written(
    qtbot: QtBot, window: MainWindow, register_path: Path, level: AppetiteLevel,
    pair: tuple[int, int], words: str,
) -> None:  # fmt: skip
    before = register_path.read_bytes()
    dialog = SchemeDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.appetite_levels.set_choice(level, *pair)
    assert dialog.appetite_levels.error.text() == words
    named = AppetiteLevel(words.split(":")[0])
    assert "#b3261e" in dialog.appetite_levels.tolerance[named].styleSheet()
    assert not dialog.try_apply()
    assert dialog.error.text() == ""  # said once, beside the levels
    assert register_path.read_bytes() == before


def test_removing_or_adding_a_band_keeps_the_levels_in_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = SchemeDialog(window.document, window)
    qtbot.addWidget(dialog)
    assert dialog.remove_band(1)  # Medium goes: its levels fall to Low, as its cells do
    assert dialog.appetite_levels.pairs() == ((0, 0), (0, 0), (0, 1), (1, 2), (2, 2))
    assert dialog.appetite_levels.problem() is None
    dialog.add_band()  # a new top band: each level keeps its relative position
    assert dialog.appetite_levels.pairs() == ((0, 0), (0, 0), (0, 2), (2, 3), (3, 3))
    assert dialog.scheme().appetite_bands == dialog.appetite_levels.pairs()
    assert [dialog.appetite_levels.tolerance[AppetiteLevel.EAGER].itemText(i)
            for i in range(4)] == ["Low", "High", "Very high", "Band 4"]  # fmt: skip


def test_the_heat_map_outlines_a_warning_dashed_and_a_breach_double_with_a_key_for_each(
    qtbot: QtBot, window: MainWindow
) -> None:
    from riskreg.heatmap import Basis
    from riskreg.render.heatmap_layout import outline_width
    from riskreg.render.heatmap_painter import legend_entries, paint_heat_map

    service = window.document.service
    heat = service.heat_map(Basis.CURRENT)
    outlines = {(5, 5): AppetiteState.BREACH, (3, 4): AppetiteState.WARNING}
    keys = [e.text for e in legend_entries(heat, outlined=outlines, arrows=(),
                                           arrows_label="") if e.kind == "outline"]  # fmt: skip
    assert keys == ["Above appetite", "Breach of tolerance"]
    image = QImage(900, 700, QImage.Format.Format_Grayscale8)  # greyscale: shape alone tells
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    geometry = paint_heat_map(painter, QRectF(0, 0, 900, 700), heat, outlined=outlines)
    painter.end()

    def dark_on_edge(cell: tuple[int, int]) -> float:
        """The share of dark pixels just inside the cell's left edge, top to bottom."""
        rect = geometry.cells[cell]
        x = round(rect.left() + outline_width(geometry.unit))  # the outline's middle
        ys = range(int(rect.top() + 8), int(rect.bottom() - 8))
        return sum(QColor(image.pixel(x, y)).lightness() < 60 for y in ys) / len(ys)

    assert dark_on_edge((5, 5)) > 0.9  # solid
    assert 0.2 < dark_on_edge((3, 4)) < 0.85  # dashed
