"""Nothing changes under a wandering mouse: a combo box, spin box or date field takes the
mouse wheel only when it has the keyboard focus (clicked or tabbed into). Otherwise the
wheel scrolls what holds it, as the user meant. One application-wide event filter.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QComboBox, QAbstractSpinBox)


class WheelGuard(QObject):
    """Sends the wheel past unfocused value widgets to their parent (the scroll area)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no focus by wheel
            return False
        if kind != QEvent.Type.Wheel or not isinstance(watched, GUARDED):
            return False
        if watched.hasFocus():
            return False
        parent = watched.parentWidget()
        if isinstance(parent, QWidget):
            QCoreApplication.sendEvent(parent, event)
        return True  # the value stays as it was


def install_wheel_guard() -> WheelGuard:
    """Once per application (later calls return the same guard)."""
    app = QApplication.instance()
    assert app is not None, "a QApplication must exist first"
    existing = app.findChild(WheelGuard)
    if isinstance(existing, WheelGuard):
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
