"""What a heat-map picture shows: the map, optional arrows, a title and the key's risks."""

from __future__ import annotations

from dataclasses import dataclass, field

from riskreg.governance import Outlines
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
    outlined: Outlines = field(default_factory=dict)
    """Cells holding a risk above appetite: dashed for a warning, solid for a breach."""
    key_notes: dict[str, str] = field(default_factory=dict)
    """A note put before a risk's title in the key, by ref (e.g. its move: "▲ from 9")."""
    footnote: str = ""
    """A last line for the legend (e.g. where the titles of the map's risks are listed)."""
