"""What a heat-map picture shows: the map, optional arrows, a title and the key's risks."""

from __future__ import annotations

from dataclasses import dataclass

from riskreg.heatmap import HeatMap, Movement, PlacedRisk


@dataclass(frozen=True)
class HeatMapRequest:
    heat: HeatMap
    arrows: tuple[Movement, ...] = ()
    title: str = ""
    key: tuple[PlacedRisk, ...] = ()
    """The risks listed beside the map (ref, title, lead partner, score)."""
    arrows_label: str = "inherent → current"
    """What the arrows show, for the caption."""
    transposed: bool = False
    """Impact up the side, likelihood along the bottom."""
    outlined: frozenset[tuple[int, int]] = frozenset()
    """Cells holding a risk outside appetite (dashed outline)."""
