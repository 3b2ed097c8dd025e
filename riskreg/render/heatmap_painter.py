"""One painter for the heat map: grid in band colours, axis labels from the scheme, per
cell its band, score, count and refs (or "+N more" when they truly do not fit), optional
movement arrows, a legend and a caption saying what is shown and for whom.

Band names are written in the cells (abbreviated only when a cell is too small, the legend
then says so), so a greyscale print still reads. Arrows are drawn under the text, which
sits on a halo of its cell's colour, and stop short of the counts they point at; appetite
outlines run along the cells' edges, clear of the text. Works on any QPaintDevice: a
widget, a QImage, a QPdfWriter or a QPrinter; sizes are points on that device.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPaintDevice, QPainter, QPen, QPolygonF

from riskreg.choices import RiskKind
from riskreg.governance import AppetiteState, Outlines
from riskreg.heatmap import HeatMap, Movement
from riskreg.render.heatmap_layout import (
    MIN_POINTS,
    WRAP,
    HeatMapLayout,
    LegendEntry,
    MapFonts,
    font_of,
    layout_heat_map,
    outline_width,
)

__all__ = [
    "MIN_POINTS",
    "CellText",
    "HeatMapLayout",
    "arrow_lines",
    "cell_texts",
    "fit_refs",
    "legend_entries",
    "map_caption",
    "paint_heat_map",
    "paint_legend",
]

INK = QColor("#202124")
HIGHLIGHT = QColor("#1a73e8")


def map_caption(heat: HeatMap, arrows: Sequence[Movement], arrows_label: str) -> str:
    """What the map shows, for whom and when, and what its arrows are; a map holding
    internal risks says first who may see it (a PNG has no page header to say so)."""
    caption = heat.caption()
    if arrows and arrows_label:
        caption += f" — arrows: {arrows_label}"
    audience = heat.filter.audience
    return f"{audience.marking} — {caption}" if audience.restricted else caption


def legend_entries(
    heat: HeatMap, *, outlined: Outlines, arrows: Sequence[Movement], arrows_label: str
) -> list[LegendEntry]:
    """The legend: each band with its score range, the outline and arrow keys when they
    are drawn, and how many risks the map holds."""
    scheme = heat.scheme
    ranges: dict[int, list[int]] = {}
    for lik in range(1, scheme.size[0] + 1):
        for imp in range(1, scheme.size[1] + 1):
            ranges.setdefault(scheme.band_index(lik, imp), []).append(lik * imp)
    opportunities = heat.filter.kind is RiskKind.OPPORTUNITY
    entries = [LegendEntry("heading", "Opportunity bands" if opportunities else "Bands")]
    colours = heat.colours
    for index, band in reversed(list(enumerate(scheme.bands))):
        scores = ranges.get(index)
        span = f"  {min(scores)}–{max(scores)}" if scores else ""
        entries.append(LegendEntry("band", band.name + span, colours[index], band.name))
    for state in sorted(set(outlined.values())):  # a key for each kind of outline drawn
        entries.append(LegendEntry("outline", state.words, band=state.name))
    if arrows:
        entries.append(LegendEntry("arrow", "Moved (from → to)"))
    total = heat.total
    noun = (
        ("opportunit" + ("ies" if total != 1 else "y"))
        if opportunities
        else ("risk" + "s" * (total != 1))
    )
    entries.append(LegendEntry("note", f"{total} {noun} shown"))
    if heat.unrated:  # drafts not yet scored have no cell: counted, not hidden
        entries.append(LegendEntry("note", f"Unrated: {len(heat.unrated)}"))
    return entries


def paint_heat_map(
    painter: QPainter,
    rect: QRectF,
    heat: HeatMap,
    *,
    arrows: Sequence[Movement] = (),
    highlight: tuple[int, int] | None = None,
    legend: bool = True,
    arrows_label: str = "",
    transposed: bool = False,
    outlined: Outlines | None = None,
    points: float | None = None,
) -> HeatMapLayout:
    """Draw the heat map into ``rect`` (device units) and return where everything is.

    ``outlined`` cells (those holding a risk above appetite) get a dashed edge, or a solid
    double one for a breach of tolerance; ``points`` fixes the body type size (default:
    from the picture's size)."""
    outlined = outlined or {}
    entries = (
        legend_entries(heat, outlined=outlined, arrows=arrows, arrows_label=arrows_label)
        if legend
        else []
    )
    geometry = layout_heat_map(
        rect, heat.scheme, painter.device(), caption=map_caption(heat, arrows, arrows_label),
        legend=entries, transposed=transposed, points=points, base_font=painter.font(),
    )  # fmt: skip
    paint_layout(painter, geometry, heat, arrows=arrows, highlight=highlight, outlined=outlined)
    return geometry


def paint_layout(
    painter: QPainter,
    geometry: HeatMapLayout,
    heat: HeatMap,
    *,
    arrows: Sequence[Movement] = (),
    highlight: tuple[int, int] | None = None,
    outlined: Outlines | None = None,
) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setPen(INK)
    painter.setFont(geometry.fonts.caption)
    painter.drawText(geometry.caption, Qt.AlignmentFlag.AlignLeft | WRAP, geometry.caption_text)
    texts = cell_texts(painter.device(), geometry, heat)
    _paint_cells(painter, geometry, heat)
    _paint_outlines(painter, geometry, outlined or {})
    if arrows:
        _paint_arrows(painter, geometry, arrows, texts)
    for cell, text in texts.items():
        _paint_cell_text(painter, geometry, heat, cell, text, halo=bool(arrows))
    _paint_axes(painter, geometry)
    _paint_legend(painter, geometry)
    if highlight in geometry.cells:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        width = outline_width(geometry.unit) * 1.6
        painter.setPen(QPen(HIGHLIGHT, width))
        half = width / 2
        painter.drawRect(geometry.cells[highlight].adjusted(half, half, -half, -half))
    painter.restore()


def _ink(background: str) -> QColor:
    colour = QColor(background)
    return QColor("#000000") if colour.lightness() > 110 else QColor("#ffffff")


def _paint_cells(painter: QPainter, geometry: HeatMapLayout, heat: HeatMap) -> None:
    painter.setPen(QPen(QColor("#ffffff"), max(1.0, geometry.unit * 0.12)))
    for (lik, imp), cell in geometry.cells.items():
        painter.setBrush(QColor(heat.colour(lik, imp)))
        painter.drawRect(cell)


def _paint_outlines(painter: QPainter, geometry: HeatMapLayout, outlined: Outlines) -> None:
    """Round each cell holding a risk above appetite, clear of its text: a dashed edge for
    a warning (within tolerance), a solid edge with a second line inside it for a breach of
    tolerance, told apart by shape alone (so in greyscale too)."""
    if not outlined:
        return
    width = outline_width(geometry.unit)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for cell, state in outlined.items():
        rect = geometry.cells.get(cell)
        if rect is not None:
            _outline(painter, rect.adjusted(width, width, -width, -width), width, state)


def _outline(painter: QPainter, rect: QRectF, width: float, state: AppetiteState) -> None:
    pen = QPen(INK, width)
    if state is AppetiteState.BREACH:
        painter.setPen(pen)
        painter.drawRect(rect)
        inner = width * 1.6
        painter.setPen(QPen(INK, width * 0.6))
        painter.drawRect(rect.adjusted(inner, inner, -inner, -inner))
    else:
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRect(rect)


@dataclass
class CellText:
    band: str
    band_box: QRectF
    score: str
    count: str = ""
    count_box: QRectF | None = None
    count_font: QFont | None = None
    ref_lines: tuple[str, ...] = ()
    ref_boxes: tuple[QRectF, ...] = ()

    def boxes(self) -> list[QRectF]:
        """Where the count and refs are drawn (arrows stop short of these)."""
        return ([self.count_box] if self.count_box is not None else []) + list(self.ref_boxes)


def cell_texts(
    device: QPaintDevice, geometry: HeatMapLayout, heat: HeatMap
) -> dict[tuple[int, int], CellText]:
    """What every cell says, and where (arrows are drawn round it)."""
    return {cell: _cell_text(device, geometry, heat, cell) for cell in geometry.cells}


def _cell_text(
    device: QPaintDevice, geometry: HeatMapLayout, heat: HeatMap, cell: tuple[int, int]
) -> CellText:
    """What one cell says and where: band and score on top, the count, then the refs."""
    scheme = heat.scheme
    unit = geometry.unit
    inset = outline_width(unit) * 2 + unit * 0.25
    rect = geometry.cells[cell]
    inner = rect.adjusted(inset, inset * 0.8, -inset, -inset * 0.8)
    index = scheme.band_index(*cell)
    name = geometry.abbreviations[index] if geometry.abbreviated else scheme.bands[index].name
    band_metrics = QFontMetricsF(geometry.fonts.band, device)
    band_box = QRectF(inner.left(), inner.top(), inner.width(), band_metrics.lineSpacing())
    score = str(cell[0] * cell[1])
    if band_metrics.horizontalAdvance(f"{name}  {score}") > inner.width():
        name = ""  # too narrow even for the initials: the score alone
    text = CellText(name, band_box, score)
    refs = heat.cells.get(cell, ())
    if not refs:
        return text
    cell_points = rect.height() / geometry.pixel
    count_points = max(geometry.points * 1.2, min(cell_points * 0.2, geometry.points * 2.4))
    count_font = font_of(geometry.fonts.band, count_points, bold=True)
    count_metrics = QFontMetricsF(count_font, device)
    count = str(len(refs))
    top = band_box.bottom()
    width = count_metrics.horizontalAdvance(count) + unit * 0.6
    count_box = QRectF(inner.center().x() - width / 2, top, width, count_metrics.height())
    text.count, text.count_box, text.count_font = count, count_box, count_font
    ref_metrics = QFontMetricsF(geometry.fonts.refs, device)
    line = ref_metrics.lineSpacing()
    room = inner.bottom() - count_box.bottom()
    lines = fit_refs(refs, inner.width(), max(0, int(room // line)), ref_metrics)
    boxes = []
    for number, words in enumerate(lines):
        line_w = ref_metrics.horizontalAdvance(words) + unit * 0.5
        boxes.append(QRectF(inner.center().x() - line_w / 2, count_box.bottom() + number * line,
                            line_w, line))  # fmt: skip
    text.ref_lines, text.ref_boxes = tuple(lines), tuple(boxes)
    return text


def fit_refs(refs: Sequence[str], width: float, lines: int, metrics: QFontMetricsF) -> list[str]:
    """The refs laid out in at most ``lines`` lines of ``width``, measured ref by ref; when
    they do not all fit, the last line ends with "+N more" for the rest."""
    if lines <= 0 or not refs:
        return []
    space = metrics.horizontalAdvance(" ")
    rows: list[list[str]] = []
    shown = 0
    while len(rows) < lines and shown < len(refs):
        row: list[str] = []
        used = 0.0
        while shown < len(refs):
            advance = metrics.horizontalAdvance(refs[shown])
            needed = advance if not row else used + space + advance
            if needed > width:
                break
            row.append(refs[shown])
            used = needed
            shown += 1
        if not row:
            break  # not even one ref fits on a line
        rows.append(row)
    if shown == len(refs):
        return [" ".join(row) for row in rows]
    last = rows.pop() if rows else []  # the last line makes room for "+N more"

    def with_more(row: list[str]) -> str:
        return " ".join([*row, f"+{len(refs) - shown} more"])

    while last and metrics.horizontalAdvance(with_more(last)) > width:
        last.pop()
        shown -= 1
    final = with_more(last)
    if metrics.horizontalAdvance(final) > width:
        final = f"+{len(refs) - shown}"
    return [*(" ".join(row) for row in rows), final]


def _paint_cell_text(
    painter: QPainter,
    geometry: HeatMapLayout,
    heat: HeatMap,
    cell: tuple[int, int],
    text: CellText,
    *,
    halo: bool,
) -> None:
    colour = heat.colour(*cell)
    ink = _ink(colour)
    painter.setFont(geometry.fonts.band)
    painter.setPen(ink)
    top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
    if text.band:
        painter.drawText(text.band_box, top_left, text.band)
    painter.drawText(text.band_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                     text.score)  # fmt: skip
    if text.count_box is None or text.count_font is None:
        return
    if halo:  # arrows run under the text: keep it readable on its own colour
        backdrop = QColor(colour)
        backdrop.setAlpha(225)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(backdrop)
        radius = geometry.unit * 0.3
        for box in text.boxes():
            painter.drawRoundedRect(box, radius, radius)
        painter.setPen(ink)
    centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
    painter.setFont(text.count_font)
    painter.drawText(text.count_box, centre, text.count)
    painter.setFont(geometry.fonts.refs)
    for line, box in zip(text.ref_lines, text.ref_boxes, strict=True):
        painter.drawText(box, centre, line)


def _leave(box: QRectF, start: QPointF, end: QPointF) -> float:
    """How far along start → end (0–1) the segment leaves ``box`` (0 if it starts outside)."""
    if not box.contains(start):
        return 0.0
    dx, dy = end.x() - start.x(), end.y() - start.y()
    limits = []
    if dx > 0:
        limits.append((box.right() - start.x()) / dx)
    elif dx < 0:
        limits.append((box.left() - start.x()) / dx)
    if dy > 0:
        limits.append((box.bottom() - start.y()) / dy)
    elif dy < 0:
        limits.append((box.top() - start.y()) / dy)
    return max(0.0, min([1.0, *limits]))


def _trim(boxes: Sequence[QRectF], start: QPointF, end: QPointF, margin: float) -> float:
    """How far along start → end the segment leaves the cell's text block."""
    if not boxes:
        return 0.0
    block = QRectF(boxes[0])
    for box in boxes[1:]:
        block = block.united(box)
    return _leave(block.adjusted(-margin, -margin, margin, margin), start, end)


def arrow_lines(
    geometry: HeatMapLayout, arrows: Sequence[Movement], texts: dict[tuple[int, int], CellText]
) -> list[tuple[QLineF, int]]:
    """One arrow per pair of cells, with how many risks made that move: from the edge of
    the start cell's text to the edge of the end cell's, so its head never covers a count
    (between cells too close for that, it starts under the start cell's halo)."""
    unit = geometry.unit
    cells = geometry.cells
    moves = Counter(
        (m.start, m.end) for m in arrows if m.start in cells and m.end in cells and m.start != m.end
    )
    head = unit * 0.9
    lines = []
    for (start, end), count in sorted(moves.items()):
        a, b = cells[start].center(), cells[end].center()
        if (end, start) in moves:  # two ways between the same cells: side by side
            normal = QLineF(a, b).normalVector().unitVector()
            shift = QPointF(normal.dx(), normal.dy()) * unit * 0.55
            a, b = a + shift, b + shift
        t0 = _trim(texts[start].boxes(), a, b, unit * 0.3)
        t1 = _trim(texts[end].boxes(), b, a, unit * 0.3)
        full = QLineF(a, b).length()
        if (1 - t0 - t1) * full < head * 2:
            t0 = 0.0
        if (1 - t0 - t1) * full < head * 2:
            t1 = 0.0
        lines.append((QLineF(a + (b - a) * t0, b + (a - b) * t1), count))
    return lines


def _paint_arrows(
    painter: QPainter,
    geometry: HeatMapLayout,
    arrows: Sequence[Movement],
    texts: dict[tuple[int, int], CellText],
) -> None:
    """The arrows, thicker (and "×N") where several risks made the same move."""
    unit = geometry.unit
    taken = [box for text in texts.values() for box in (text.band_box, *text.boxes())]
    for line, count in arrow_lines(geometry, arrows, texts):
        width = max(1.2, unit * 0.14) * (1 + min(count - 1, 4) * 0.35)
        _arrow(painter, line, width, unit * 0.9)
        if count > 1:
            _arrow_count(painter, geometry, line, f"×{count}", taken)


def _arrow(painter: QPainter, line: QLineF, width: float, head: float) -> None:
    if line.length() < 1:
        return
    angle = math.atan2(-line.dy(), line.dx())
    tip = line.p2()
    left = tip - QPointF(math.cos(angle - 0.45) * head, -math.sin(angle - 0.45) * head)
    right = tip - QPointF(math.cos(angle + 0.45) * head, -math.sin(angle + 0.45) * head)
    shaft = QLineF(line.p1(), tip - (tip - line.p1()) * (head * 0.6 / line.length()))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(255, 255, 255, 170), width + head * 0.3, Qt.PenStyle.SolidLine,
                        Qt.PenCapStyle.RoundCap))  # fmt: skip
    painter.drawLine(shaft)
    painter.drawPolygon(QPolygonF([tip, left, right]))
    painter.setPen(QPen(QColor(32, 33, 36, 215), width, Qt.PenStyle.SolidLine,
                        Qt.PenCapStyle.RoundCap))  # fmt: skip
    painter.drawLine(shaft)
    painter.setBrush(QColor(32, 33, 36, 215))
    painter.drawPolygon(QPolygonF([tip, left, right]))


def _arrow_count(
    painter: QPainter, geometry: HeatMapLayout, line: QLineF, text: str, taken: Sequence[QRectF]
) -> None:
    """ "×N" beside the arrow, where it covers no cell's text (else left out: the arrow's
    width still says several risks moved)."""
    metrics = QFontMetricsF(geometry.fonts.refs, painter.device())
    box = QRectF(0, 0, metrics.horizontalAdvance(text) + geometry.unit * 0.5, metrics.height())
    for t in (0.5, 0.38, 0.62, 0.28, 0.72):
        box.moveCenter(line.pointAt(t))
        if not any(box.intersects(other) for other in taken):
            break
    else:
        return
    painter.setFont(geometry.fonts.refs)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 230))
    painter.drawRoundedRect(box, geometry.unit * 0.3, geometry.unit * 0.3)
    painter.setPen(INK)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _paint_axes(painter: QPainter, geometry: HeatMapLayout) -> None:
    painter.setPen(INK)
    painter.setFont(geometry.fonts.label)
    for text, box in geometry.side_labels:
        painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | WRAP,
                         text)  # fmt: skip
    for text, box in geometry.bottom_labels:
        painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | WRAP,
                         text)  # fmt: skip
    key, key_box = geometry.axis_key
    if key:
        painter.drawText(key_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | WRAP,
                         key)  # fmt: skip
    painter.setFont(geometry.fonts.title)
    title, box = geometry.bottom_title
    painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, title)
    painter.save()
    painter.translate(geometry.side_title_origin)
    painter.rotate(-90)
    title, box = geometry.side_title
    painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, title)
    painter.restore()


def _paint_legend(painter: QPainter, geometry: HeatMapLayout) -> None:
    paint_legend(painter, geometry.legend_boxes, geometry.fonts, geometry.unit)


def paint_legend(
    painter: QPainter,
    boxes: Sequence[tuple[LegendEntry, QRectF, QRectF]],
    fonts: MapFonts,
    unit: float,
) -> None:
    """The legend's entries where ``place_legend`` (or the map's layout) put them."""
    for entry, swatch, box in boxes:
        if entry.kind in ("heading", "note"):
            box = QRectF(swatch.left(), box.top(), box.right() - swatch.left(), box.height())
        painter.setFont(fonts.legend_bold if entry.kind == "heading" else fonts.legend)
        if entry.kind == "band":
            painter.setPen(QPen(QColor("#5f6368"), max(0.5, unit * 0.05)))
            painter.setBrush(QColor(entry.colour))
            painter.drawRect(swatch)
        elif entry.kind == "outline":
            painter.setBrush(Qt.BrushStyle.NoBrush)
            state = AppetiteState[entry.band] if entry.band else AppetiteState.WARNING
            _outline(painter, swatch.adjusted(1, 1, -1, -1), outline_width(unit) * 0.8, state)
        elif entry.kind == "arrow":
            middle = swatch.center().y()
            _arrow(painter, QLineF(swatch.left(), middle, swatch.right(), middle),
                   max(1.2, unit * 0.14), unit * 0.6)  # fmt: skip
        painter.setPen(INK)
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | WRAP
                         if box.height() <= swatch.height() * 1.01
                         else Qt.AlignmentFlag.AlignLeft | WRAP, entry.text)  # fmt: skip
