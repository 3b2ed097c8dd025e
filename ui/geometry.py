"""Windows and dialogs sized to the screen they open on (a 1024×768 laptop included)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

FRAME_ALLOWANCE = (16, 40)
"""Room left for the window manager's frame and title bar (width, height), in pixels."""


def screen_of(widget: QWidget) -> QScreen:
    """The screen a widget is (or will be) shown on: its parent's, else the primary."""
    parent = widget.parentWidget()
    window = parent.window() if parent is not None else widget
    return window.screen() or QGuiApplication.primaryScreen()


def available(widget: QWidget) -> QRect:
    """Where a top-level window may go on its screen, with its frame inside."""
    area = screen_of(widget).availableGeometry()
    fw, fh = FRAME_ALLOWANCE
    return area.adjusted(0, 0, -fw, -fh)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Open at the preferred size, or at what the screen allows (frame included); never
    larger than the screen, so its buttons are never below the edge."""
    area = available(widget)
    widget.resize(min(width, area.width()), min(height, area.height()))


def fits(widget: QWidget, geometry: QRect) -> bool:
    """Whether a saved frame geometry lies inside the screen the widget opens on."""
    area = screen_of(widget).availableGeometry()
    return area.contains(geometry)
