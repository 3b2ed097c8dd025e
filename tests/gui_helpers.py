"""Helpers for GUI tests: a main window on a temporary register, and finding rows."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from ui.main_window import MainWindow
from ui.views.heatmap_view import HeatMapCanvas


def table_row(window: MainWindow, ref: str) -> int:
    model = window.register_view.model
    for row in range(model.rowCount()):
        if model.row(row).ref == ref:
            return row
    raise AssertionError(f"{ref} is not shown in the register table")


def cell_text(window: MainWindow, ref: str, column_key: str) -> str:
    model = window.register_view.model
    column = model.column_keys().index(column_key)
    return str(model.index(table_row(window, ref), column).data())


def shown_heat_map(window: MainWindow) -> HeatMapCanvas:
    """The heat-map tab raised and painted at a known size, so its cells can be clicked."""
    window.tabs.setCurrentWidget(window.heat_map)
    canvas = window.heat_map.canvas
    canvas.resize(900, 640)
    canvas.repaint()
    assert canvas.geometry_ is not None
    return canvas


def choose(combo: QComboBox, data: object) -> None:
    """Pick an entry by its data, as a user picking from the drop-down would."""
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
