"""Heat-map data: which risks sit in each likelihood × impact cell, and how they moved.

Pure Python: the service runs one grouped query and hands the rows here; the painter in
``riskreg.render`` and the GUI read the result. A heat map is a value: the scheme it was
drawn on, the basis, the filter, and per cell the refs of the risks in it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from riskreg.audience import Audience
from riskreg.choices import RiskKind, RiskStatus, Visibility
from riskreg.scoring import ScoringScheme


class Basis(enum.StrEnum):
    INHERENT = "inherent"
    CURRENT = "current"
    TARGET = "target"

    @property
    def label(self) -> str:
        return {"inherent": "Inherent risk", "current": "Current risk", "target": "Target risk"}[
            self.value
        ]


OPEN_STATUSES = frozenset({RiskStatus.DRAFT, RiskStatus.OPEN})

OPPORTUNITY_BLUES = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6",
                     "#2171b5", "#08519c", "#08306b")  # fmt: skip
"""ColorBrewer's sequential Blues, pale to strong: one hue whose lightness falls steadily,
so the bands stay in order in greyscale print and for every kind of colour blindness, and
never read as the threat map's traffic lights."""


def opportunity_colours(bands: int) -> tuple[str, ...]:
    """The opportunity map's colour of each band, lowest first: evenly spaced along the
    Blues, from the second-palest to the second-darkest (the palest is close to paper, the
    darkest to ink) while seven steps suffice, the whole palette for eight or nine."""
    if bands <= 1:
        return (OPPORTUNITY_BLUES[5],)
    first, last = (1, len(OPPORTUNITY_BLUES) - 2) if bands <= 7 else (0, len(OPPORTUNITY_BLUES) - 1)
    span = last - first
    return tuple(OPPORTUNITY_BLUES[first + round(i * span / (bands - 1))] for i in range(bands))


def band_colours(scheme: ScoringScheme, kind: RiskKind) -> tuple[str, ...]:
    """Each band's colour on a map of threats (the scheme's own) or of opportunities."""
    if kind is RiskKind.OPPORTUNITY:
        return opportunity_colours(len(scheme.bands))
    return tuple(band.colour for band in scheme.bands)


@dataclass(frozen=True)
class HeatFilter:
    """Which risks a heat map shows. A partner matches as lead or as share-holder.

    ``audience`` decides which Internal risks may appear at all (``riskreg.audience``): by
    default none, so a map made without thinking of its readers is one every partner may
    see."""

    partner: str | None = None
    category: str | None = None
    statuses: frozenset[RiskStatus] = OPEN_STATUSES
    visibility: Visibility | None = None
    audience: Audience = field(default_factory=Audience)
    kind: RiskKind = RiskKind.THREAT
    """Threats and opportunities are never on one map: the one's high band is bad news,
    the other's good."""

    @property
    def noun(self) -> str:
        return "opportunities" if self.kind is RiskKind.OPPORTUNITY else "threats"

    def caption(self) -> str:
        parts = [self.audience.caption]
        if self.partner:
            parts.append(f"partner {self.partner}")
        if self.category:
            parts.append(self.category)
        if self.statuses == OPEN_STATUSES:
            parts.append(f"open {self.noun}")
        elif len(self.statuses) == len(RiskStatus):
            parts.append(f"all {self.noun}")
        else:
            names = ", ".join(s.value.lower() for s in RiskStatus if s in self.statuses)
            parts.append(f"{names} {self.noun}")
        if self.visibility is not None:
            parts.append(f"{self.visibility.value.lower()} only")
        return " — ".join(parts)


@dataclass(frozen=True, slots=True)
class PlacedRisk:
    """A risk as a heat map shows it: in one cell, with what its key line needs."""

    ref: str
    number: int
    title: str
    lead_partner: str
    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True, slots=True)
class Movement:
    """A risk's move between two positions (e.g. inherent → current)."""

    ref: str
    start: tuple[int, int]
    end: tuple[int, int]


@dataclass(frozen=True)
class HeatMap:
    scheme: ScoringScheme
    basis: Basis
    filter: HeatFilter
    on: date
    cells: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    """Refs per (likelihood, impact), in ref order; empty cells are absent."""
    unrated: tuple[str, ...] = ()
    """Refs of the unrated drafts the filter holds: counted apart, in no cell."""

    def colour(self, likelihood: int, impact: int) -> str:
        """The cell's colour: its band's, in the threat or the opportunity palette."""
        return self.colours[self.scheme.band_index(likelihood, impact)]

    @property
    def colours(self) -> tuple[str, ...]:
        return band_colours(self.scheme, self.filter.kind)

    def count(self, likelihood: int, impact: int) -> int:
        return len(self.cells.get((likelihood, impact), ()))

    @property
    def total(self) -> int:
        return sum(len(refs) for refs in self.cells.values())

    def caption(self) -> str:
        text = f"{self.basis.label} — {self.filter.caption()} — {self.on:%d %b %Y}"
        return f"{text} — Unrated: {len(self.unrated)}" if self.unrated else text


def ref_number(ref: str) -> int:
    tail = ref.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


def _in_ref_order(refs: list[str]) -> list[str]:
    """Refs by number: "R-9" before "R-10". Refs that all start "R-" (the lowest and the
    highest do, so every one between does) sort so by length, then text: two sorts in C,
    a third of the time of a Python key per ref (a cell of a 100,000-risk map holds
    thousands)."""
    if refs and min(refs)[:2] == "R-" and max(refs)[:2] == "R-":
        refs.sort()
        refs.sort(key=len)
        return refs
    return sorted(refs, key=ref_number)


def build_heat_map(
    scheme: ScoringScheme,
    basis: Basis,
    heat_filter: HeatFilter,
    on: date,
    grouped: Iterable[tuple[int | None, int | None, str | None]],
) -> HeatMap:
    """From rows of (likelihood, impact, refs joined by spaces) — one per occupied cell.

    The row with no levels holds, for the inherent and current bases, the unrated drafts
    (a risk with no target is not unrated: it just has no target).
    """
    cells: dict[tuple[int, int], tuple[str, ...]] = {}
    unrated: list[str] = []
    for likelihood, impact, refs in grouped:
        if not refs:
            continue
        if likelihood is None or impact is None:
            if basis is not Basis.TARGET:
                unrated.extend(refs.split(" "))
            continue
        cells[(likelihood, impact)] = tuple(_in_ref_order(refs.split(" ")))
    return HeatMap(scheme, basis, heat_filter, on, cells, tuple(_in_ref_order(unrated)))


def movements(risks: Sequence[tuple[str, int, int, int, int]]) -> list[Movement]:
    """Moves of (ref, from L, from I, to L, to I) rows that changed cell."""
    return [
        Movement(ref, (l0, i0), (l1, i1)) for ref, l0, i0, l1, i1 in risks if (l0, i0) != (l1, i1)
    ]
