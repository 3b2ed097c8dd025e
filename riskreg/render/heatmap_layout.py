"""Where everything of a heat map goes, measured with the fonts of the device it is drawn on.

The grid takes whatever the caption, the axis labels and the legend leave: cells as large
as fit, square where the space allows (a wide tab gets wider cells, never taller ones).
Labels, titles and legend entries are measured and wrapped, never clipped; type sizes are
in points, so 9 pt on a laptop screen is 9 pt on paper, and never below ``MIN_POINTS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPaintDevice

from riskreg.scoring import Level, ScoringScheme

MIN_POINTS = 8.0
"""No text smaller than this, on screen or paper: a small cell shows fewer refs instead."""
MAX_WIDE = 2.0
"""A cell is at most this many times as wide as it is tall (wide tabs, landscape paper)."""
WRAP = Qt.TextFlag.TextWordWrap


def points_to_pixels(points: float, device: QPaintDevice) -> float:
    return points * max(1, device.logicalDpiY()) / 72.0


def base_points(rect: QRectF, device: QPaintDevice) -> float:
    """The map's body type size: 9 pt on a screen or an A4 page, growing with bigger
    pictures (A3, a slide) up to 14 pt, so a large map is not a sea of tiny text."""
    short_inches = min(rect.width(), rect.height()) / max(1, device.logicalDpiY())
    return max(9.0, min(14.0, short_inches * 1.45))


def font_of(base: QFont, points: float, *, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(MIN_POINTS, points))
    font.setBold(bold)
    return font


def band_abbreviations(names: Sequence[str]) -> tuple[str, ...]:
    """Short forms for band names too long for a small cell: the initials ("Very high" →
    "VH"), lengthened until every band's differs."""

    def short(name: str, length: int) -> str:
        words = name.split()
        if len(words) > 1:
            return (
                "".join(w[:length] for w in words).upper()
                if length == 1
                else (words[0][:length].capitalize() + "".join(w[:1].upper() for w in words[1:]))
            )
        return name[:length].capitalize()

    for length in range(1, max((len(n) for n in names), default=1) + 1):
        forms = tuple(short(n, length) for n in names)
        if len(set(forms)) == len(forms):
            return forms
    return tuple(str(i + 1) for i in range(len(names)))


@dataclass(frozen=True)
class MapFonts:
    """The fonts of one heat map, all at ``MIN_POINTS`` or more."""

    caption: QFont
    label: QFont
    title: QFont
    legend: QFont
    legend_bold: QFont
    band: QFont
    refs: QFont

    @classmethod
    def at(cls, base: QFont, points: float) -> MapFonts:
        return cls(
            caption=font_of(base, points * 1.15, bold=True),
            label=font_of(base, points * 0.95),
            title=font_of(base, points, bold=True),
            legend=font_of(base, points * 0.95),
            legend_bold=font_of(base, points * 0.95, bold=True),
            band=font_of(base, points * 0.9),
            refs=font_of(base, points * 0.9),
        )


@dataclass(frozen=True)
class LegendEntry:
    kind: str
    """"heading", "band" (with ``colour``), "outline", "arrow" or "note"."""
    text: str
    colour: str = ""
    band: str = ""
    """The band's name, for a band entry (its abbreviation is put before it when used); for
    an outline entry, the ``AppetiteState`` it keys."""


@dataclass(frozen=True)
class HeatMapLayout:
    """Where everything goes: the cells for hit-testing and drawing, every label's box."""

    caption: QRectF
    caption_text: str
    grid: QRectF
    cells: dict[tuple[int, int], QRectF]
    legend: QRectF
    legend_boxes: tuple[tuple[LegendEntry, QRectF, QRectF], ...]
    """Each legend entry with its swatch box and its text box."""
    side_labels: tuple[tuple[str, QRectF], ...]
    bottom_labels: tuple[tuple[str, QRectF], ...]
    side_title: tuple[str, QRectF]
    """The rotated title's box in the painter's rotated frame (see ``side_title_origin``)."""
    side_title_origin: QPointF
    bottom_title: tuple[str, QRectF]
    fonts: MapFonts
    points: float
    """The body type size in points."""
    pixel: float
    """One point in device units."""
    abbreviated: bool
    """Cells show band names abbreviated (the legend says so)."""
    abbreviations: tuple[str, ...]
    used: QRectF
    """The bounding box of everything drawn (a picture of the map alone is cut to it)."""
    transposed: bool = False
    axis_key: tuple[str, QRectF] = ("", QRectF())
    """In a map too small for the levels' names, the numbers under and beside the cells are
    explained here: "Likelihood: 1 Rare · 2 Unlikely … Impact: 1 Negligible …"."""

    @property
    def unit(self) -> float:
        """The body type size in device units (a measure for gaps and line widths)."""
        return self.points * self.pixel

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        for cell, rect in self.cells.items():
            if rect.contains(point):
                return cell
        return None


def _wrapped_height(metrics: QFontMetricsF, width: float, text: str) -> float:
    if not text:
        return 0.0
    box = metrics.boundingRect(QRectF(0, 0, max(1.0, width), 1e6), WRAP, text)
    return box.height()


def _widest_word(metrics: QFontMetricsF, text: str) -> float:
    return max((metrics.horizontalAdvance(word) for word in text.split()), default=0.0)


def layout_heat_map(
    rect: QRectF,
    scheme: ScoringScheme,
    device: QPaintDevice,
    *,
    caption: str = "",
    legend: Sequence[LegendEntry] | None = None,
    transposed: bool = False,
    points: float | None = None,
    base_font: QFont | None = None,
    legend_beside: bool | None = None,
) -> HeatMapLayout:
    """Measure and place the caption, axis labels, titles, legend and grid in ``rect``.

    The legend goes beside the grid, or under it when that leaves bigger cells (a portrait
    page, a narrow window). Band names go whole into the cells when the cells are wide
    enough for every band's name, else abbreviated (and the legend says so)."""
    points = points if points is not None else base_points(rect, device)
    fonts = MapFonts.at(base_font or QFont(), points)
    pixel = points_to_pixels(1.0, device)
    entries = list(legend or ())
    names = scheme.band_names
    abbreviations = band_abbreviations(names)

    def place(shown: Sequence[LegendEntry]) -> _Placement:
        """Levels named beside and under the cells if they fit there, else numbered."""
        full = _place(rect, scheme, device, fonts, points, pixel, caption, shown, transposed,
                      legend_beside)  # fmt: skip
        if full.labels_fit:
            return full
        return _place(rect, scheme, device, fonts, points, pixel, caption, shown, transposed,
                      legend_beside, compact=True)  # fmt: skip

    first = place(entries)
    band_metrics = QFontMetricsF(fonts.band, device)
    top_score = f"  {scheme.max_score}"
    inner = first.inner_width
    fits = all(band_metrics.horizontalAdvance(n + top_score) <= inner for n in names)
    if fits or not entries:
        return first.finish(abbreviated=not fits, abbreviations=abbreviations)
    return place(abbreviated_legend(entries, scheme)).finish(
        abbreviated=True, abbreviations=abbreviations
    )


def abbreviated_legend(entries: Sequence[LegendEntry], scheme: ScoringScheme) -> list[LegendEntry]:
    """The legend of a map whose cells abbreviate band names: each band entry starts with
    its short form, and a note says why."""
    names = scheme.band_names
    abbreviations = band_abbreviations(names)
    noted = [
        LegendEntry(e.kind, f"{abbreviations[names.index(e.band)]}  {e.text}", e.colour, e.band)
        if e.band in names
        else e
        for e in entries
    ]
    noted.append(LegendEntry("note", "Small cells: band names abbreviated."))
    return noted


LegendBoxes = list[tuple[LegendEntry, QRectF, QRectF]]


def place_legend(
    entries: Sequence[LegendEntry],
    left: float,
    top: float,
    width: float,
    device: QPaintDevice,
    fonts: MapFonts,
    unit: float,
) -> tuple[LegendBoxes, float]:
    """The legend as a column ``width`` wide from (left, top): each entry's swatch and
    wrapped text; returns the boxes and the height used."""
    metrics = QFontMetricsF(fonts.legend, device)
    gap = unit * 0.8
    swatch = unit * 1.3
    text_w = max(1.0, width - swatch - gap * 0.6)
    boxes: LegendBoxes = []
    y = top
    for entry in entries:
        height = max(swatch, _wrapped_height(metrics, text_w, entry.text))
        boxes.append((entry, QRectF(left, y, swatch, swatch),
                      QRectF(left + swatch + gap * 0.6, y, text_w, height)))  # fmt: skip
        y += height + gap * 0.45
    return boxes, y - top


@dataclass
class _Placement:
    rect: QRectF
    caption: QRectF
    caption_text: str
    grid: QRectF
    cells: dict[tuple[int, int], QRectF]
    legend: QRectF
    legend_boxes: list[tuple[LegendEntry, QRectF, QRectF]]
    side_labels: list[tuple[str, QRectF]]
    bottom_labels: list[tuple[str, QRectF]]
    side_title: tuple[str, QRectF]
    side_title_origin: QPointF
    bottom_title: tuple[str, QRectF]
    fonts: MapFonts
    points: float
    pixel: float
    transposed: bool
    inner_width: float
    axis_key: tuple[str, QRectF]
    labels_fit: bool
    """Every level's name fits whole beside or under its cell."""

    def finish(self, *, abbreviated: bool, abbreviations: tuple[str, ...]) -> HeatMapLayout:
        used = QRectF(self.caption)
        for box in (self.grid, *(b for _, b in self.bottom_labels),
                    *(b for _, b in self.side_labels), self.bottom_title[1]):  # fmt: skip
            used = used.united(box)
        if self.axis_key[0]:
            used = used.united(self.axis_key[1])
        for _, swatch, text in self.legend_boxes:
            used = used.united(swatch).united(text)
        title_w = self.side_title[1].height()
        used = used.united(QRectF(self.side_title_origin.x() - title_w, self.grid.top(), title_w,
                                  self.grid.height()))  # fmt: skip
        return HeatMapLayout(
            self.caption, self.caption_text, self.grid, self.cells, self.legend,
            tuple(self.legend_boxes), tuple(self.side_labels), tuple(self.bottom_labels),
            self.side_title, self.side_title_origin, self.bottom_title, self.fonts,
            self.points, self.pixel, abbreviated, abbreviations, used.intersected(self.rect),
            self.transposed, self.axis_key,
        )  # fmt: skip


def _place(
    rect: QRectF,
    scheme: ScoringScheme,
    device: QPaintDevice,
    fonts: MapFonts,
    points: float,
    pixel: float,
    caption: str,
    entries: Sequence[LegendEntry],
    transposed: bool,
    force_beside: bool | None,
    compact: bool = False,
) -> _Placement:
    """``compact``: the levels are numbered beside and under the cells and named in a key
    under the map (for a map too small for their names)."""
    unit = points * pixel
    gap = unit * 0.8
    n_rows, n_columns = scheme.size if not transposed else tuple(reversed(scheme.size))
    side_levels, bottom_levels = (
        (scheme.impact, scheme.likelihood) if transposed else (scheme.likelihood, scheme.impact)
    )
    side_name, bottom_name = ("Impact", "Likelihood") if transposed else ("Likelihood", "Impact")
    caption_metrics = QFontMetricsF(fonts.caption, device)
    label_metrics = QFontMetricsF(fonts.label, device)
    title_metrics = QFontMetricsF(fonts.title, device)
    legend_metrics = QFontMetricsF(fonts.legend, device)

    caption_h = _wrapped_height(caption_metrics, rect.width(), caption)
    caption_box = QRectF(rect.left(), rect.top(), rect.width(), caption_h)
    top = caption_box.bottom() + (gap if caption else 0.0)

    def named(levels: Sequence[Level]) -> list[str]:
        return [str(level.value) if compact else level.caption for level in levels]

    key_text = ""
    key_h = 0.0
    if compact:
        key_text = "   ".join(
            f"{name}: " + " · ".join(f"{lv.value} {lv.label}" for lv in levels)
            for name, levels in ((side_name, side_levels), (bottom_name, bottom_levels))
        )
        key_h = _wrapped_height(label_metrics, rect.width(), key_text) + gap * 0.4
    side_texts = named(list(reversed(side_levels)))
    natural = max(label_metrics.horizontalAdvance(t) for t in side_texts)
    widest_word = max(_widest_word(label_metrics, t) for t in side_texts)
    side_w = max(widest_word, min(natural, rect.width() * 0.16)) + gap * 0.5
    title_h = title_metrics.height()
    side_title_w = title_h + gap * 0.5

    swatch = unit * 1.3
    legend_w = 0.0
    if entries:
        widest = max(legend_metrics.horizontalAdvance(e.text) for e in entries)
        words = max(_widest_word(legend_metrics, e.text) for e in entries)
        legend_w = swatch + gap * 0.6 + max(words, min(widest, rect.width() * 0.24)) + 2 * pixel

    bottom_texts = named(bottom_levels)

    def bottom_height(cell_w: float) -> float:
        return max(_wrapped_height(label_metrics, cell_w - gap * 0.3, text)
                   for text in bottom_texts)  # fmt: skip

    def cells_for(legend_beside: bool, bottom_h: float) -> tuple[float, float]:
        avail_w = rect.width() - side_title_w - side_w - gap
        avail_h = rect.bottom() - top - gap * 0.4 - bottom_h - gap * 0.4 - title_h - key_h
        if entries and legend_beside:
            avail_w -= legend_w + gap * 1.5
        elif entries:
            avail_h -= legend_below_h + gap
        cell_h = max(1.0, avail_h / n_rows)
        cell_w = max(1.0, min(avail_w / n_columns, cell_h * MAX_WIDE))
        return cell_w, min(cell_h, cell_w)

    columns = max(1, int(rect.width() // max(1.0, legend_w + gap)))

    def legend_rows(x: float, y: float) -> tuple[list[tuple[LegendEntry, QRectF, QRectF]], float]:
        """The legend under the grid: ``columns`` columns, read down then across, so the
        bands stay in order."""
        column_w = rect.width() / columns
        text_w = min(legend_w, column_w - gap)
        per_column = -(-len(entries) // columns)
        boxes: list[tuple[LegendEntry, QRectF, QRectF]] = []
        height = 0.0
        for column in range(columns):
            chunk = entries[column * per_column : (column + 1) * per_column]
            placed, used = place_legend(chunk, x + column * column_w, y, text_w, device, fonts,
                                        unit)  # fmt: skip
            boxes.extend(placed)
            height = max(height, used)
        return boxes, height

    legend_below_h = legend_rows(0.0, 0.0)[1] if entries else 0.0
    estimate = label_metrics.lineSpacing() * 2
    beside = cells_for(True, estimate)
    below = cells_for(False, estimate)
    column_h = place_legend(entries, 0.0, 0.0, legend_w, device, fonts, unit)[1]
    beside_fits = column_h <= rect.bottom() - top
    legend_beside = (
        force_beside
        if force_beside is not None
        else not entries or (beside_fits and beside[1] >= below[1] * 0.98)
    )
    cell_w, cell_h = beside if legend_beside else below
    bottom_h = bottom_height(cell_w)
    if bottom_h > estimate:  # long level names wrap onto more lines: make room for them
        cell_w, cell_h = cells_for(legend_beside, bottom_h)
        bottom_h = bottom_height(cell_w)

    grid_w, grid_h = cell_w * n_columns, cell_h * n_rows
    block_w = (
        side_title_w
        + side_w
        + gap
        + grid_w
        + ((legend_w + gap * 1.5) if entries and legend_beside else 0.0)
    )
    left = rect.left() + max(0.0, (rect.width() - block_w) / 2)
    grid = QRectF(left + side_title_w + side_w + gap, top, grid_w, grid_h)
    cells: dict[tuple[int, int], QRectF] = {}
    for lik in range(1, scheme.size[0] + 1):
        for imp in range(1, scheme.size[1] + 1):
            row, column = (imp, lik) if transposed else (lik, imp)
            cells[(lik, imp)] = QRectF(grid.left() + (column - 1) * cell_w,
                                       grid.bottom() - row * cell_h, cell_w, cell_h)  # fmt: skip

    side_labels = []
    for level, text in zip(side_levels, named(side_levels), strict=True):
        cell = cells[(1, level.value)] if transposed else cells[(level.value, 1)]
        side_labels.append((text, QRectF(grid.left() - gap - side_w, cell.top(), side_w,
                                         cell.height())))  # fmt: skip
    bottom_labels = []
    for level, text in zip(bottom_levels, bottom_texts, strict=True):
        cell = cells[(level.value, 1)] if transposed else cells[(1, level.value)]
        box = QRectF(cell.left() + gap * 0.15, grid.bottom() + gap * 0.4, cell.width() - gap * 0.3,
                     bottom_h)  # fmt: skip
        bottom_labels.append((text, box))
    bottom_title_box = QRectF(grid.left(), grid.bottom() + gap * 0.8 + bottom_h, grid.width(),
                              title_h)  # fmt: skip
    key_box = QRectF(rect.left(), bottom_title_box.bottom() + gap * 0.4, rect.width(),
                     key_h - gap * 0.4)  # fmt: skip
    labels_fit = all(
        label_metrics.boundingRect(QRectF(0, 0, box.width(), 1e6), WRAP, text).width()
        <= box.width() + 0.01
        for text, box in bottom_labels
    ) and all(
        _wrapped_height(label_metrics, box.width(), text) <= box.height() + 0.01
        for text, box in side_labels
    )
    origin = QPointF(grid.left() - gap - side_w - gap * 0.5, grid.center().y())
    side_title_box = QRectF(-grid.height() / 2, -title_h, grid.height(), title_h)

    legend_boxes: list[tuple[LegendEntry, QRectF, QRectF]] = []
    if entries and legend_beside:
        legend_boxes, height = place_legend(entries, grid.right() + gap * 1.5, grid.top(),
                                            legend_w, device, fonts, unit)  # fmt: skip
        legend_rect = QRectF(grid.right() + gap * 1.5, grid.top(), legend_w, height)
    elif entries:
        below_top = (key_box.bottom() if compact else bottom_title_box.bottom()) + gap
        legend_boxes, height = legend_rows(rect.left(), below_top)
        legend_rect = QRectF(rect.left(), below_top, rect.width(), height)
    else:
        legend_rect = QRectF(grid.right(), grid.top(), 0, 0)

    inset = _text_inset(unit)
    return _Placement(
        rect, caption_box, caption, grid, cells, legend_rect, legend_boxes, side_labels,
        bottom_labels, (f"{side_name} →", side_title_box), origin,
        (f"{bottom_name} →", bottom_title_box), fonts, points,
        pixel, transposed, cell_w - 2 * inset, (key_text, key_box), labels_fit,
    )  # fmt: skip


def outline_width(unit: float) -> float:
    """The dashed appetite outline's pen width."""
    return max(1.5, unit * 0.2)


def _text_inset(unit: float) -> float:
    """Text in a cell keeps clear of the outline drawn along its edge."""
    return outline_width(unit) * 2 + unit * 0.25
