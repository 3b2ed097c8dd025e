"""Text from a file, a workbook or a register, shown as it is: never as rich text.

Qt renders a label, a message box, a wizard's title or a tooltip as HTML when its text
looks like HTML (``Qt.AutoText``). Text from elsewhere — a register's titles and names, a
workbook's sheet names and cells, a file name, a review snapshot — may hold markup, and
``<img src="/dev/zero">`` in it would make Qt read that file to the end of memory (or, on
Windows, ``\\\\host\\share``). So every widget that shows such text is plain text
(``label``, ``plain``), a tooltip is handed over as escaped HTML (``tip``), and where the
application writes HTML itself every piece of such text is escaped (``escaped``).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QWidget


def label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label whose text is shown as written."""
    made = QLabel(text, parent)
    made.setTextFormat(Qt.TextFormat.PlainText)
    return made


def plain(*labels: QLabel) -> None:
    for each in labels:
        each.setTextFormat(Qt.TextFormat.PlainText)


def tip(text: str) -> str:
    """A tooltip showing ``text`` as written (tooltips are always rendered as rich text
    when they look like it, so the text goes as escaped HTML, wrapped to a sane width);
    empty stays empty (no tooltip)."""
    if not text:
        return ""
    return GuiQt.convertFromPlainText(text, GuiQt.WhiteSpaceMode.WhiteSpaceNormal)


def escaped(text: object) -> str:
    """A piece of text from elsewhere, fit to go into HTML the application writes."""
    return escape(str(text), quote=True)
