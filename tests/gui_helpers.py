"""Helpers for GUI tests: a main window on a temporary register, and finding rows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
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


def another_user_sets_r003_owner_while_r001_is_edited(
    qtbot: object, window: MainWindow, another_user: Callable[[], None]
) -> None:
    """Type into R-001's editor, let ``another_user`` set R-003's owner to Bob elsewhere,
    and check the window brings that in without losing the typing or the selection."""
    editing = window.document.service.find_risk("R-001")
    window.register_view.select_uuid(editing.uuid)
    qtbot.keyClick(window.editor.form.title, Qt.Key.Key_End)  # the user clicks at the end  # type: ignore[attr-defined]
    qtbot.keyClicks(window.editor.form.title, " (being typed)")  # type: ignore[attr-defined]
    another_user()
    qtbot.waitUntil(window.check_outside_changes, timeout=5_000)  # type: ignore[attr-defined]
    assert "R-003" in window.outside_bar.label.text()
    assert cell_text(window, "R-003", "owner") == "Bob"
    assert window.editor.is_dirty
    assert window.editor.form.title.text().endswith("(being typed)")
    assert window.register_view.selected_uuid() == editing.uuid


def wait_for_jobs(qtbot: object, document: object, timeout: int = 30_000) -> None:
    """Until the document's background write (an import, a scheme change, an export) has
    finished and its result reached the GUI thread."""
    qtbot.waitUntil(lambda: not document.busy, timeout=timeout)  # type: ignore[attr-defined]
