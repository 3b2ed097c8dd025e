"""Scoring schemes: likelihood and impact levels, the band of every matrix cell, colours.

Pure Python, so that the services, the heat map, the workbook exchange and the command line
all score a risk the same way. A scheme is an immutable value; the register stores it as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property

from riskreg.choices import AppetiteLevel

MIN_LEVELS = 3
MAX_LEVELS = 10


class SchemeError(ValueError):
    """A scoring scheme that cannot be used (wrong size, missing band, bad colour)."""


@dataclass(frozen=True, slots=True)
class Level:
    """One step on the likelihood or impact axis, e.g. ``4 – Likely``."""

    value: int
    label: str
    description: str = ""

    @property
    def caption(self) -> str:
        return f"{self.value} – {self.label}"


@dataclass(frozen=True, slots=True)
class Band:
    """A named group of matrix cells sharing a colour and a review rhythm."""

    name: str
    colour: str
    review_days: int = 90


DEFAULT_LIKELIHOOD = (
    Level(1, "Rare", "Less than 5 % within the year"),
    Level(2, "Unlikely", "5–20 % within the year"),
    Level(3, "Possible", "20–50 % within the year"),
    Level(4, "Likely", "50–80 % within the year"),
    Level(5, "Almost certain", "More than 80 % within the year"),
)
DEFAULT_IMPACT = (
    Level(1, "Negligible", "No noticeable effect on the partnership's objectives"),
    Level(2, "Minor", "Small delay or cost, absorbed within a partner"),
    Level(3, "Moderate", "Noticeable delay, cost or service effect across partners"),
    Level(4, "Major", "Serious harm to objectives, finances or reputation"),
    Level(5, "Severe", "Objectives of the partnership cannot be met"),
)
DEFAULT_BANDS = (
    Band("Low", "#5cb85c", 365),
    Band("Medium", "#f0c419", 182),
    Band("High", "#f08a24", 91),
    Band("Very high", "#d9372b", 30),
)
# Upper bounds of each band as a share of the highest score (L_max × I_max). On 5×5 they
# give Low 1–4, Medium 5–9, High 10–16, Very high 20–25, the usual public-sector matrix.
DEFAULT_THRESHOLDS = (0.16, 0.36, 0.64, 1.0)


def _generic_levels(count: int) -> tuple[Level, ...]:
    return tuple(Level(v, f"Level {v}") for v in range(1, count + 1))


def derived_cells(
    n_likelihood: int, n_impact: int, thresholds: Sequence[float] = DEFAULT_THRESHOLDS
) -> tuple[tuple[int, ...], ...]:
    """Band index of every cell from L×I thresholds, for a scheme of any size."""
    top = n_likelihood * n_impact
    rows = []
    for lik in range(1, n_likelihood + 1):
        row = []
        for imp in range(1, n_impact + 1):
            share = lik * imp / top
            row.append(next(i for i, t in enumerate(thresholds) if share <= t + 1e-9))
        rows.append(tuple(row))
    return tuple(rows)


AppetiteBands = tuple[tuple[int, int], ...]
"""For each ``AppetiteLevel`` in order, its (appetite band, tolerance band) as band indexes."""

APPETITE_LEVELS = tuple(AppetiteLevel)


def default_appetite_bands(band_count: int) -> AppetiteBands:
    """The Orange Book levels on ``band_count`` bands: the tolerances step evenly from the
    lowest band (Averse) to the highest (Open and Eager), and each level's appetite is the
    tolerance of the level below it (Averse: the lowest band, Eager: the highest).

    On the four default bands: Averse Low/Low, Minimal Low/Medium, Cautious Medium/High,
    Open High/Very high, Eager Very high/Very high.
    """
    top = max(0, band_count - 1)
    tolerance = [min(top, int(k * top / 3 + 0.5)) for k in range(4)] + [top]
    appetite = [0, *tolerance[:3], top]
    return tuple(zip(appetite, tolerance, strict=True))


def remap_appetite_bands(bands: AppetiteBands, old_count: int, new_count: int) -> AppetiteBands:
    """Carry a mapping onto a scheme with another number of bands, each band keeping its
    relative position (as ``remap_level`` does for levels); order and appetite ≤ tolerance
    hold, since the move keeps order."""
    if old_count == new_count:
        return bands
    if old_count <= 1:
        return default_appetite_bands(new_count)
    return tuple(
        (remap_level(a + 1, old_count, new_count) - 1, remap_level(t + 1, old_count, new_count) - 1)
        for a, t in bands
    )


def appetite_bands_problem(bands: AppetiteBands, band_count: int) -> str | None:
    """Why a mapping of the levels onto the bands cannot be used (None: it can)."""
    if len(bands) != len(APPETITE_LEVELS):
        return f"give all {len(APPETITE_LEVELS)} appetite levels an appetite and a tolerance"
    for level, (appetite, tolerance) in zip(APPETITE_LEVELS, bands, strict=True):
        if not (0 <= appetite < band_count and 0 <= tolerance < band_count):
            return f"{level}: its appetite and tolerance must each be one of the bands"
        if appetite > tolerance:
            return f"{level}: its tolerance must be at least its appetite"
    for (lower, (a0, t0)), (higher, (a1, t1)) in zip(
        zip(APPETITE_LEVELS, bands, strict=True),
        zip(APPETITE_LEVELS[1:], bands[1:], strict=True),
        strict=False,
    ):
        if a1 < a0:
            return f"{higher}: its appetite must be at least that of {lower}"
        if t1 < t0:
            return f"{higher}: its tolerance must be at least that of {lower}"
    return None


@dataclass(frozen=True)
class ScoringScheme:
    """Levels on both axes, bands from lowest to highest, and the band index of each cell.

    ``cells[l - 1][i - 1]`` is the index into ``bands`` of likelihood ``l``, impact ``i``.
    """

    likelihood: tuple[Level, ...]
    impact: tuple[Level, ...]
    bands: tuple[Band, ...]
    cells: tuple[tuple[int, ...], ...]
    name: str = "Default 5×5"
    appetite_bands: AppetiteBands = ()
    """Each appetite level's (appetite, tolerance) band; empty: the defaults for the bands."""

    def __post_init__(self) -> None:
        if not self.appetite_bands:
            object.__setattr__(self, "appetite_bands", default_appetite_bands(len(self.bands)))
        self.validate()

    @classmethod
    def default(cls) -> ScoringScheme:
        return cls(DEFAULT_LIKELIHOOD, DEFAULT_IMPACT, DEFAULT_BANDS, derived_cells(5, 5))

    @classmethod
    def sized(cls, n_likelihood: int, n_impact: int) -> ScoringScheme:
        """A scheme of any allowed size, reusing the default labels where they fit."""
        lik = DEFAULT_LIKELIHOOD if n_likelihood == 5 else _generic_levels(n_likelihood)
        imp = DEFAULT_IMPACT if n_impact == 5 else _generic_levels(n_impact)
        return cls(
            lik,
            imp,
            DEFAULT_BANDS,
            derived_cells(n_likelihood, n_impact),
            name=f"{n_likelihood}×{n_impact}",
        )

    # -- rules --------------------------------------------------------------------------
    def validate(self) -> None:
        for axis, levels in (("likelihood", self.likelihood), ("impact", self.impact)):
            if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
                raise SchemeError(
                    f"{axis} needs {MIN_LEVELS} to {MAX_LEVELS} levels, not {len(levels)}"
                )
            if [lv.value for lv in levels] != list(range(1, len(levels) + 1)):
                raise SchemeError(f"{axis} levels must be numbered 1 to {len(levels)}")
            labels = [lv.label.strip().casefold() for lv in levels]
            if any(not lb for lb in labels):
                raise SchemeError(f"every {axis} level needs a label")
            if len(set(labels)) != len(labels):
                raise SchemeError(f"{axis} labels must differ from each other")
        if not self.bands:
            raise SchemeError("a scheme needs at least one band")
        names = [b.name.strip().casefold() for b in self.bands]
        if any(not n for n in names) or len(set(names)) != len(names):
            raise SchemeError("bands need distinct, non-empty names")
        for band in self.bands:
            if not _is_hex_colour(band.colour):
                raise SchemeError(f'band "{band.name}": colour {band.colour!r} is not #rrggbb')
            if band.review_days <= 0:
                raise SchemeError(f'band "{band.name}": review interval must be positive')
        if len(self.cells) != len(self.likelihood) or any(
            len(row) != len(self.impact) for row in self.cells
        ):
            raise SchemeError("the band matrix must have one cell for every likelihood × impact")
        if any(not 0 <= b < len(self.bands) for row in self.cells for b in row):
            raise SchemeError("every cell of the matrix must name one of the bands")
        problem = appetite_bands_problem(self.appetite_bands, len(self.bands))
        if problem:
            raise SchemeError(problem)

    @property
    def size(self) -> tuple[int, int]:
        return len(self.likelihood), len(self.impact)

    @property
    def max_score(self) -> int:
        return len(self.likelihood) * len(self.impact)

    def check_levels(self, likelihood: int, impact: int) -> None:
        if not 1 <= likelihood <= len(self.likelihood):
            raise SchemeError(f"likelihood {likelihood} is not one of 1–{len(self.likelihood)}")
        if not 1 <= impact <= len(self.impact):
            raise SchemeError(f"impact {impact} is not one of 1–{len(self.impact)}")

    @staticmethod
    def score(likelihood: int, impact: int) -> int:
        return likelihood * impact

    def band_index(self, likelihood: int, impact: int) -> int:
        self.check_levels(likelihood, impact)
        return self.cells[likelihood - 1][impact - 1]

    def band(self, likelihood: int, impact: int) -> Band:
        return self.bands[self.band_index(likelihood, impact)]

    def next_review(self, likelihood: int | None, impact: int | None, reviewed_on: date) -> date:
        """The review cadence: the next review falls its band's interval after this one.

        An unrated draft has no band; it is due for scoring at the shortest interval.
        """
        if likelihood is None or impact is None:
            return reviewed_on + timedelta(days=min(b.review_days for b in self.bands))
        return reviewed_on + timedelta(days=self.band(likelihood, impact).review_days)

    def latest_next_review(
        self,
        likelihood: int | None,
        impact: int | None,
        last_reviewed: date | None,
        raised_on: date | None,
        today: date,
    ) -> date:
        """The latest next review a risk's band allows: the band's interval after its last
        review or, never reviewed, after it was raised (an unrated draft: the shortest)."""
        return self.next_review(likelihood, impact, last_reviewed or raised_on or today)

    def band_or_none(self, likelihood: int | None, impact: int | None) -> Band | None:
        """The band of a pair of levels, or ``None`` for an unrated draft."""
        if likelihood is None or impact is None:
            return None
        return self.band(likelihood, impact)

    def band_named(self, name: str) -> Band:
        for band in self.bands:
            if band.name.casefold() == name.strip().casefold():
                return band
        raise SchemeError(f'"{name}" is not one of the bands: {", ".join(self.band_names)}')

    @cached_property
    def band_names(self) -> tuple[str, ...]:
        return tuple(b.name for b in self.bands)

    def with_cells(self, cells: tuple[tuple[int, ...], ...]) -> ScoringScheme:
        return replace(self, cells=cells)

    # -- appetite levels ----------------------------------------------------------------
    def appetite_of(self, level: str) -> tuple[Band, Band]:
        """A level's appetite band and tolerance band (KeyError: not a level)."""
        appetite, tolerance = self.appetite_bands[APPETITE_LEVELS.index(AppetiteLevel(level))]
        return self.bands[appetite], self.bands[tolerance]

    def appetite_caption(self, level: str) -> str:
        """ "Cautious — appetite Medium, tolerance High", what a level means here."""
        appetite, tolerance = self.appetite_of(level)
        return f"{level} — appetite {appetite.name}, tolerance {tolerance.name}"

    def with_bands(self, bands: tuple[Band, ...]) -> ScoringScheme:
        """Other bands, the appetite levels carried onto them by relative position."""
        moved = remap_appetite_bands(self.appetite_bands, len(self.bands), len(bands))
        return replace(self, bands=bands, appetite_bands=moved)

    # -- changing scheme ----------------------------------------------------------------
    def remap_likelihood(self, value: int, new: ScoringScheme) -> int:
        return remap_level(value, len(self.likelihood), len(new.likelihood))

    def remap_impact(self, value: int, new: ScoringScheme) -> int:
        return remap_level(value, len(self.impact), len(new.impact))

    # -- storage ------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "likelihood": [[lv.value, lv.label, lv.description] for lv in self.likelihood],
                "impact": [[lv.value, lv.label, lv.description] for lv in self.impact],
                "bands": [[b.name, b.colour, b.review_days] for b in self.bands],
                "cells": [list(row) for row in self.cells],
                "appetite": [list(pair) for pair in self.appetite_bands],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> ScoringScheme:
        try:
            data = json.loads(text)
            return cls(
                likelihood=tuple(Level(int(v), str(lb), str(d)) for v, lb, d in data["likelihood"]),
                impact=tuple(Level(int(v), str(lb), str(d)) for v, lb, d in data["impact"]),
                bands=tuple(Band(str(n), str(c), int(r)) for n, c, r in data["bands"]),
                cells=tuple(tuple(int(b) for b in row) for row in data["cells"]),
                name=str(data.get("name", "")),
                appetite_bands=_stored_appetite(data.get("appetite")),
            )
        except RecursionError as exc:  # "[[[[…" nested past what the parser follows
            raise SchemeError(
                "the stored scoring scheme cannot be read: it is nested too deeply to be a scheme"
            ) from exc
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, SchemeError):
                raise
            raise SchemeError(f"the stored scoring scheme cannot be read: {exc}") from exc


def _stored_appetite(stored: object) -> AppetiteBands:
    """The stored mapping; none (a scheme from before the levels): the defaults."""
    if stored is None:
        return ()

    def band(value: object) -> int:
        # 1.5, "2" or true are no band; 3e0 is the whole number 3, as PostgreSQL's jsonb
        # (and so the server's check) reads it
        if type(value) is float and value.is_integer():
            return int(value)
        if type(value) is not int:
            raise SchemeError(f"the stored appetite levels name {value!r}, which is no band")
        return value

    if not isinstance(stored, list):
        raise SchemeError("the stored appetite levels are not a list")
    return tuple((band(a), band(t)) for a, t in stored)


def remap_level(value: int, old_count: int, new_count: int) -> int:
    """Carry a level onto an axis of another length, keeping its relative position.

    The lowest level stays lowest and the highest stays highest, so a 5-point "Severe"
    becomes a 3-point "High" rather than being cut off.
    """
    if old_count == new_count:
        return value
    position = (value - 1) / (old_count - 1)
    return int(position * (new_count - 1) + 0.5) + 1


def _is_hex_colour(text: str) -> bool:
    return (
        len(text) == 7
        and text.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in text[1:])
    )
