"""The scheme dialog's appetite levels: for each Orange Book level (Averse to Eager) the band
up to which a risk is within appetite and the band up to which it is within tolerance.

A mapping out of order (a level's appetite or tolerance below the level before it) or with
a tolerance below its appetite is refused here, beside the levels, naming the level; the
scheme's own rule (``riskreg.scoring.appetite_bands_problem``) decides, so the dialog, the
services and the server agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QWidget

from riskreg.choices import AppetiteLevel
from riskreg.scoring import AppetiteBands, appetite_bands_problem, remap_appetite_bands
from ui.views.fields import ErrorLabel

_ORDER = tuple(AppetiteLevel)


class AppetiteLevelsBox(QGroupBox):
    """A column per level, Averse to Eager: its appetite band above its tolerance band."""

    changed = Signal()

    def __init__(self, bands: Sequence[str], pairs: AppetiteBands,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__("Appetite levels: within appetite up to, within tolerance up to", parent)
        self._bands: tuple[str, ...] = tuple(bands)
        self._pairs: list[list[int]] = [list(pair) for pair in pairs]
        self.appetite: dict[AppetiteLevel, QComboBox] = {}
        self.tolerance: dict[AppetiteLevel, QComboBox] = {}
        self.error = ErrorLabel()
        """What is wrong with the mapping, beside it (empty: nothing)."""
        grid = QGridLayout(self)
        grid.addWidget(QLabel("Appetite"), 1, 0)
        grid.addWidget(QLabel("Tolerance"), 2, 0)
        for column, level in enumerate(_ORDER, start=1):
            grid.addWidget(QLabel(f"<b>{level.value}</b>"), 0, column)
            grid.setColumnStretch(column, 1)
            for row, (combos, which) in enumerate(((self.appetite, 0), (self.tolerance, 1)),
                                                  start=1):  # fmt: skip
                combo = QComboBox()
                combo.setAccessibleName(f"{level.value} {('appetite', 'tolerance')[which]}")
                combo.activated.connect(
                    lambda index, k=column - 1, w=which: self._chosen(k, w, index)
                )
                combos[level] = combo
                grid.addWidget(combo, row, column)
        grid.addWidget(self.error, 3, 0, 1, len(_ORDER) + 1)
        self._fill()

    # -- reading ------------------------------------------------------------------------
    def pairs(self) -> AppetiteBands:
        """The mapping as chosen (band indexes), in the levels' order."""
        return tuple((a, t) for a, t in self._pairs)

    def problem(self) -> str | None:
        return appetite_bands_problem(self.pairs(), len(self._bands))

    # -- editing ------------------------------------------------------------------------
    def set_choice(self, level: AppetiteLevel, appetite: int, tolerance: int) -> None:
        """Choose a level's bands (as the user does with the two choosers)."""
        k = _ORDER.index(level)
        self._pairs[k] = [appetite, tolerance]
        self._fill()
        self.changed.emit()

    def bands_changed(self, bands: Sequence[str], removed: int | None = None) -> None:
        """The scheme's bands changed: a removed band's levels go to the band below it (as
        its cells do); bands added or taken away otherwise carry the levels by relative
        position (``remap_appetite_bands``)."""
        bands = tuple(bands)
        if removed is not None:
            into = max(0, removed - 1)
            self._pairs = [[(into if b == removed else b - (b > removed)) for b in pair]
                           for pair in self._pairs]  # fmt: skip
        elif len(bands) != len(self._bands):
            moved = remap_appetite_bands(self.pairs(), len(self._bands), len(bands))
            self._pairs = [list(pair) for pair in moved]
        self._bands = bands
        self._fill()

    def _chosen(self, k: int, which: int, index: int) -> None:
        self._pairs[k][which] = index
        self._show_problem()
        self.changed.emit()

    def _fill(self) -> None:
        top = max(0, len(self._bands) - 1)
        self._pairs = [[min(a, top), min(t, top)] for a, t in self._pairs]
        for k, level in enumerate(_ORDER):
            for combos, which in ((self.appetite, 0), (self.tolerance, 1)):
                combo = combos[level]
                combo.blockSignals(True)
                combo.clear()
                combo.addItems(list(self._bands))
                combo.setCurrentIndex(self._pairs[k][which])
                combo.blockSignals(False)
        self._show_problem()

    def _show_problem(self) -> None:
        """Say what is wrong beside the levels and mark the level it names."""
        problem = self.problem()
        self.error.show_message(problem or "")
        named = next((lv for lv in _ORDER if problem and problem.startswith(f"{lv.value}:")),
                     None)  # fmt: skip
        for level in _ORDER:
            style = "QComboBox { border: 2px solid #b3261e; }" if level is named else ""
            self.appetite[level].setStyleSheet(style)
            self.tolerance[level].setStyleSheet(style)
