"""Windows and dialogs sized to the screen they open on (a 1024×768 laptop included)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

FRAME_ALLOWANCE = (16, 40)
"""Room left for the window manager's frame and title bar (width, height), in pixels."""


def screen_of(widget: QWidget) -> QScreen:
    """The screen a widget is (or will be) shown on: its window's, else the primary.

    Asked of ``QGuiApplication.screenAt``, never ``QWidget.screen()``: PySide6 records the
    screen that method returns as a child of the widget, and destroys the screen with a
    window Python owns (the next window then crashes on a dangling screen).
    """
    parent = widget.parentWidget()
    window = parent.window() if parent is not None else widget
    centre = window.frameGeometry().center()
    return QGuiApplication.screenAt(centre) or QGuiApplication.primaryScreen()


def available(widget: QWidget) -> QRect:
    """Where a top-level window may go on its screen, with its frame inside."""
    area = screen_of(widget).availableGeometry()
    fw, fh = FRAME_ALLOWANCE
    return area.adjusted(0, 0, -fw, -fh)


def fit_to_screen(widget: QWidget, width: int, height: int, *, place: bool = False) -> None:
    """Open at the preferred size, or at what the screen allows (frame included); never
    larger than the screen, so its buttons are never below the edge. ``place``: also put
    it at the top left of the screen's free area (a main window the window manager might
    otherwise push partly below the edge)."""
    area = available(widget)
    fitted = QSize(min(width, area.width()), min(height, area.height()))
    widget.resize(fitted)
    if place:
        widget.move(area.topLeft())
    elif fitted != QSize(width, height):  # as large as the screen allows: centred on it
        widget.move(area.x() + (area.width() - fitted.width()) // 2,
                    area.y() + (area.height() - fitted.height()) // 2)  # fmt: skip


def keep_on_screen(widget: QWidget) -> None:
    """Once the window manager has framed and placed a window: moved back inside the
    screen's free area if its frame runs past an edge (a size restored from the last run is
    placed by the window manager a few pixels lower each time it adds its frame)."""
    area = screen_of(widget).availableGeometry()
    frame = widget.frameGeometry()
    if area.contains(frame):
        return
    if frame.width() > area.width() or frame.height() > area.height():
        fit_to_screen(widget, area.width(), area.height(), place=True)
        return
    x = min(max(frame.x(), area.x()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.y()), area.bottom() + 1 - frame.height())
    widget.move(x, y)


def fits(widget: QWidget, geometry: QRect) -> bool:
    """Whether a saved frame geometry lies inside the screen the widget opens on."""
    area = screen_of(widget).availableGeometry()
    return area.contains(geometry)
