"""Warnings about a band matrix that misleads (Cox 2008, "What's wrong with risk matrices?").

A risk matrix colours cells that stand for quantitative risk, roughly likelihood × impact.
Cox names three properties a matrix must keep for its colours to tell the truth, and each
warning here names the cells that break one:

- **weak consistency**: no cell of the highest band has a lower L×I than a cell of the
  lowest band (else a "very high" risk is smaller than a "low" one);
- **betweenness**: a step of one level (up or across) never jumps from the lowest band to
  the highest: a small change of risk passes through a middle band (with three or more);
- **consistent colouring**: cells of equal L×I are in one band. With L×I scoring this can
  always be kept (banding by score does), so each split is a warning.

One more, so obvious that Cox takes it for granted: a cell higher in likelihood or impact
is never in a lower band than the one below or left of it (**order**).

Pure functions over a ``ScoringScheme``; the scheme dialog and ``check`` show the same
sentences. The default schemes pass every check (tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from riskreg.scoring import ScoringScheme

MOST_CELLS_NAMED = 4
"""Cell pairs named in one warning; the rest are counted."""


@dataclass(frozen=True, slots=True)
class MatrixWarning:
    rule: str
    """``weak consistency``, ``betweenness``, ``consistent colouring`` or ``order``."""
    message: str
    cells: tuple[tuple[int, int], ...]
    """Every (likelihood, impact) the warning is about, for a dialog to outline."""


def matrix_warnings(scheme: ScoringScheme) -> list[MatrixWarning]:
    """Every way the scheme's band matrix misleads, each naming its cells."""
    return [
        warning
        for warning in (
            _weak_consistency(scheme),
            _betweenness(scheme),
            _consistent_colouring(scheme),
            _order(scheme),
        )
        if warning is not None
    ]


def cell_name(scheme: ScoringScheme, cell: tuple[int, int]) -> str:
    """'L2×I5 (10, Very high)'."""
    lik, imp = cell
    return f"L{lik}×I{imp} ({lik * imp}, {scheme.band(lik, imp).name})"


def _cells(scheme: ScoringScheme) -> list[tuple[int, int]]:
    n_l, n_i = scheme.size
    return [(lik, imp) for lik in range(1, n_l + 1) for imp in range(1, n_i + 1)]


def _pairs_text(
    scheme: ScoringScheme, pairs: Sequence[tuple[tuple[int, int], tuple[int, int]]], joint: str
) -> str:
    named = [f"{cell_name(scheme, a)} {joint} {cell_name(scheme, b)}"
             for a, b in pairs[:MOST_CELLS_NAMED]]  # fmt: skip
    more = len(pairs) - MOST_CELLS_NAMED
    return "; ".join(named) + (f"; and {more} more" if more > 0 else "")


def _warning(
    scheme: ScoringScheme,
    rule: str,
    lead: str,
    pairs: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    joint: str,
) -> MatrixWarning | None:
    if not pairs:
        return None
    cells = tuple(sorted({cell for pair in pairs for cell in pair}))
    return MatrixWarning(rule, f"{lead}: {_pairs_text(scheme, pairs, joint)}", cells)


def _weak_consistency(scheme: ScoringScheme) -> MatrixWarning | None:
    top, bottom = len(scheme.bands) - 1, 0
    if top == bottom:
        return None
    cells = _cells(scheme)
    highest = [c for c in cells if scheme.band_index(*c) == top]
    lowest = [c for c in cells if scheme.band_index(*c) == bottom]
    pairs = [(h, lo) for h in highest for lo in lowest if h[0] * h[1] < lo[0] * lo[1]]
    pairs.sort(key=lambda pair: pair[0][0] * pair[0][1] - pair[1][0] * pair[1][1])  # widest
    return _warning(
        scheme, "weak consistency",
        f"Weak consistency: a cell of the highest band ({scheme.bands[top].name}) scores "
        f"less than a cell of the lowest ({scheme.bands[bottom].name})",
        pairs, "scores less than",
    )  # fmt: skip


def _betweenness(scheme: ScoringScheme) -> MatrixWarning | None:
    top = len(scheme.bands) - 1
    if top < 2:  # with two bands every edge between them is such a step
        return None
    pairs = [(cell, step) for cell, step in _steps(scheme)
             if {scheme.band_index(*cell), scheme.band_index(*step)} == {0, top}]  # fmt: skip
    return _warning(
        scheme, "betweenness",
        f"Betweenness: one step of likelihood or impact jumps from {scheme.bands[0].name} to "
        f"{scheme.bands[top].name} with no band between",
        pairs, "next to",
    )  # fmt: skip


def _consistent_colouring(scheme: ScoringScheme) -> MatrixWarning | None:
    by_score: dict[int, list[tuple[int, int]]] = {}
    for cell in _cells(scheme):
        by_score.setdefault(cell[0] * cell[1], []).append(cell)
    pairs = []
    for same in by_score.values():
        first = same[0]
        pairs += [(first, other) for other in same[1:]
                  if scheme.band_index(*other) != scheme.band_index(*first)]  # fmt: skip
    return _warning(
        scheme, "consistent colouring",
        "Consistent colouring: cells of equal score are in different bands (banding by "
        "score keeps them together)",
        pairs, "but",
    )  # fmt: skip


def _steps(scheme: ScoringScheme) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Every cell with the cell one level above it and the one a level to its right."""
    n_l, n_i = scheme.size
    return [
        ((lik, imp), step)
        for lik, imp in _cells(scheme)
        for step in ((lik + 1, imp), (lik, imp + 1))
        if step[0] <= n_l and step[1] <= n_i
    ]


def _order(scheme: ScoringScheme) -> MatrixWarning | None:
    pairs = [(step, cell) for cell, step in _steps(scheme)
             if scheme.band_index(*step) < scheme.band_index(*cell)]  # fmt: skip
    return _warning(
        scheme, "order",
        "Order: a cell with more likelihood or impact is in a lower band than its neighbour",
        pairs, "is in a lower band than",
    )  # fmt: skip
