"""The meeting pack's first page: who it is for, what "since" means, the summary a board
reads first (risks by band now and at the review, what moved, what is above appetite or
breaches tolerance, overdue or escalated — including every section with nothing to report,
in one line each), the contents with page numbers, and the partners."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from riskreg.acceptance import day_text
from riskreg.audience import AudienceKind
from riskreg.render.exposure_painter import money, risks_word
from riskreg.render.flow import INK, MUTED, RULE, Flow, ink_on
from riskreg.render.heatmap_layout import WRAP
from riskreg.report import MeetingPack
from riskreg.travel import BasisKind

TINTS = {
    AudienceKind.JOINT: ("#e8f0e8", "#2e6b34"),
    AudienceKind.PARTNER: ("#e6eef9", "#1a4f8f"),
    AudienceKind.INTERNAL: ("#fbe9e7", "#b3261e"),
}


@dataclass(frozen=True)
class Entry:
    """A line of the contents: the section's title and the key of its first page."""

    title: str
    key: str


def basis_sentence(pack: MeetingPack) -> str:
    basis = pack.basis
    if basis.kind is BasisKind.REVIEW and pack.last_review is not None:
        review = pack.last_review
        return (
            f"Trends and changes are since the joint review “{review.title}” of "
            f"{review.held_on:%d %b %Y}, whose snapshot has the fingerprint "
            f"{review.fingerprint[:16]}… (the keeper can show it unchanged: Review ▸ Joint "
            "reviews ▸ Check fingerprints)."
        )
    if basis.kind is BasisKind.DATE:
        return f"Trends and changes are since {pack.since:%d %b %Y}, the date chosen for this pack."
    return (
        "No joint review is recorded yet: each risk's trend is since its last score change; "
        f"new and closed risks are counted since {pack.since:%d %b %Y}."
    )


def summary_lines(pack: MeetingPack) -> list[tuple[str, str]]:
    """The summary's figures as (label, text); a section with nothing to report is said
    here, and only here."""
    changes = pack.changes
    since = "Since the review" if pack.basis.kind is BasisKind.REVIEW else (
        f"Since {pack.since:%d %b %Y}" if pack.basis.kind is BasisKind.DATE
        else "At each risk's last change")  # fmt: skip
    lines = []
    if pack.basis.kind is BasisKind.LAST_CHANGE:
        lines.append((f"Since {pack.since:%d %b %Y}",
                      f"{len(changes.new)} new, {len(changes.closed)} closed"))  # fmt: skip
        lines.append((since, f"{len(changes.score_up)} score up, "
                             f"{len(changes.score_down)} score down"))  # fmt: skip
    else:
        lines.append((since, f"{len(changes.new)} new, {len(changes.closed)} closed, "
                             f"{len(changes.score_up)} score up, "
                             f"{len(changes.score_down)} score down"))  # fmt: skip
    warnings, breaches = pack.appetite_counts()
    accepted = len({r.uuid for r, _ in pack.accepted})
    first_expiry = min(
        (j.accepted.expires_on for _, j in pack.accepted if j.accepted), default=None
    )
    lines.append(("Breach of tolerance", risks_word(breaches) if breaches else "none"))
    lines.append(("Above appetite", f"{risks_word(warnings)} within tolerance"
                  if warnings else "none"))  # fmt: skip
    if accepted:  # the day the first of them stands again
        first = f"; the first runs out on {day_text(first_expiry)}" if first_expiry else ""
        lines.append(("Accepted above appetite", risks_word(accepted) + first))
    overdue = sum(len(v) for v in pack.overdue_by_partner.values())
    per = ", ".join(f"{code} {len(v)}" for code, v in pack.overdue_by_partner.items())
    lines.append(("Overdue actions", f"{overdue} ({per})" if overdue else "none"))
    lines.append(
        (
            "Escalated",
            f"{len(pack.escalated)}; proposed for escalation: {len(pack.proposals)}"
            if pack.escalated or pack.proposals
            else "none escalated or proposed",
        )
    )
    lines.append(("Reviews overdue", risks_word(len(pack.reviews_overdue))
                  if pack.reviews_overdue else "none overdue"))  # fmt: skip
    if pack.exposures:
        likely = sum(r.cost_likely or 0 for r in pack.risks_by_uuid.values()
                     if r.cost_likely is not None and r.status.value != "Closed")  # fmt: skip
        count = sum(1 for r in pack.risks_by_uuid.values()
                    if r.cost_likely is not None and r.status.value != "Closed")  # fmt: skip
        lines.append(("Cost exposure", f"{money(likely)} most likely, over {risks_word(count)}"))
    else:
        lines.append(("Cost exposure", "no open risk has a cost estimate"))
    shown = pack.opportunity_map.heat.total if pack.opportunity_map else 0
    lines.append(("Opportunities", f"{shown} open, on their own map and table" if shown
                  else "none open and scored"))  # fmt: skip
    if pack.unrated:
        lines.append(("Unrated", f"{len(pack.unrated)} draft{'s' * (len(pack.unrated) != 1)} "
                      "not yet scored (listed apart, on no heat map)"))  # fmt: skip
    if pack.quiet_partners:
        lines.append(("Partners' maps", f"none for {', '.join(pack.quiet_partners)}: "
                      "no open risk it leads or shares"))  # fmt: skip
    if not any(m.arrows for m in pack.maps):
        lines.append(("Movement", f"no risk moved {pack.basis.label}"))
    return lines


def cover_painter(
    flow: Flow, pack: MeetingPack, contents: Sequence[Entry]
) -> Callable[[QPainter, QRectF], None]:
    """Paints the cover; the contents' page numbers are read when it is painted (after the
    whole pack has been laid out)."""
    s = flow.styles

    def paint(painter: QPainter, body: QRectF) -> None:
        u = flow.unit
        left = QRectF(body.left(), body.top(), body.width() * 0.56, body.height())
        right = QRectF(left.right() + u * 2, body.top(), body.right() - left.right() - u * 2,
                       body.height())  # fmt: skip
        y = _text(painter, flow, left, left.top(), pack.register_name, s.title)
        y = _text(painter, flow, left, y + u * 0.3,
                  f"Partnership meeting pack — {pack.on:%d %B %Y}", s.subtitle)  # fmt: skip
        y = _audience_box(painter, flow, pack, left, y + u)
        y = _text(painter, flow, left, y + u * 0.8, basis_sentence(pack), s.body)
        y = _text(painter, flow, left, y + u * 1.2, "Summary", s.heading)
        y = _band_table(painter, flow, pack, left, y + u * 0.3)
        label_w = left.width() * 0.3
        for label, text in summary_lines(pack):
            height = max(flow.height_of(label, s.bold, label_w - u),
                         flow.height_of(text, s.body, left.width() - label_w))  # fmt: skip
            painter.setPen(INK)
            painter.setFont(s.bold)
            painter.drawText(QRectF(left.left(), y, label_w - u, height),
                             Qt.AlignmentFlag.AlignLeft | WRAP, label)  # fmt: skip
            painter.setFont(s.body)
            painter.drawText(QRectF(left.left() + label_w, y, left.width() - label_w, height),
                             Qt.AlignmentFlag.AlignLeft | WRAP, text)  # fmt: skip
            y += height + u * 0.25
        y = _text(painter, flow, right, right.top(), "Contents", s.heading) + u * 0.3
        number_w = flow.metrics(s.body).horizontalAdvance("Page 000")
        for entry in contents:
            page = flow.starts.get(entry.key)
            height = flow.height_of(entry.title, s.body, right.width() - number_w - u)
            painter.setFont(s.body)
            painter.setPen(INK)
            painter.drawText(QRectF(right.left(), y, right.width() - number_w - u, height),
                             Qt.AlignmentFlag.AlignLeft | WRAP, entry.title)  # fmt: skip
            painter.drawText(QRectF(right.right() - number_w, y, number_w, height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                             f"{page}" if page else "")  # fmt: skip
            y += height + u * 0.3
        y = _text(painter, flow, right, y + u * 1.2, "Partners", s.heading) + u * 0.3
        for partner in pack.partners:
            name = f"{partner.code}  {partner.name}"
            if partner.name == pack.keeper:
                name += " (keeps the register)"
            height = flow.height_of(name, s.body, right.width() - u * 1.8)
            if y + height > right.bottom():
                break
            painter.fillRect(QRectF(right.left(), y + u * 0.15, u * 1.1, u * 1.1),
                             QColor(partner.colour))  # fmt: skip
            painter.setPen(INK)
            painter.setFont(s.body)
            painter.drawText(QRectF(right.left() + u * 1.8, y, right.width() - u * 1.8, height),
                             Qt.AlignmentFlag.AlignLeft | WRAP, name)  # fmt: skip
            y += height + u * 0.3

    return paint


def _text(painter: QPainter, flow: Flow, column: QRectF, y: float, text: str, font: QFont) -> float:
    height = flow.height_of(text, font, column.width())
    painter.setFont(font)
    painter.setPen(INK)
    painter.drawText(QRectF(column.left(), y, column.width(), height),
                     Qt.AlignmentFlag.AlignLeft | WRAP, text)  # fmt: skip
    return y + height


def _audience_box(
    painter: QPainter, flow: Flow, pack: MeetingPack, column: QRectF, y: float
) -> float:
    s, u = flow.styles, flow.unit
    audience = pack.audience
    fill, edge = TINTS[audience.kind]
    names = {p.code: p.name for p in pack.partners}
    text = audience.describe(names)
    inner_w = column.width() - u * 1.6
    heading_h = flow.height_of(audience.marking, s.bold, inner_w)
    text_h = flow.height_of(text, s.body, inner_w)
    box = QRectF(column.left(), y, column.width(), heading_h + text_h + u * 1.2)
    painter.fillRect(box, QColor(fill))
    painter.setPen(QPen(QColor(edge), max(1.0, u * 0.15)))
    painter.drawRect(box)
    painter.setFont(s.bold)
    painter.setPen(QColor(edge))
    painter.drawText(QRectF(box.left() + u * 0.8, y + u * 0.5, inner_w, heading_h),
                     Qt.AlignmentFlag.AlignLeft | WRAP, audience.marking)  # fmt: skip
    painter.setFont(s.body)
    painter.setPen(INK)
    painter.drawText(QRectF(box.left() + u * 0.8, y + u * 0.5 + heading_h, inner_w, text_h),
                     Qt.AlignmentFlag.AlignLeft | WRAP, text)  # fmt: skip
    return box.bottom()


def _band_table(
    painter: QPainter, flow: Flow, pack: MeetingPack, column: QRectF, y: float
) -> float:
    """Open risks by band, now and at the basis (highest band first), and their totals."""
    s, u = flow.styles, flow.unit
    show_then = pack.basis.kind is not BasisKind.LAST_CHANGE
    then_label = pack.basis.then_label if show_then else ""
    headers = ["Band", "Now", then_label] if show_then else ["Band", "Now"]
    widths = [0.34, 0.16, 0.4] if show_then else [0.34, 0.16]
    rows: list[tuple[list[str], str]] = [
        ([b.band, str(b.now), str(b.then)] if show_then else [b.band, str(b.now)], b.colour)
        for b in pack.band_counts
    ]
    totals = [str(sum(b.now for b in pack.band_counts)), str(sum(b.then for b in pack.band_counts))]
    rows.append((["All open risks", *totals[: len(headers) - 1]], ""))
    line = flow.metrics(s.table).lineSpacing()
    header_h = max(flow.height_of(h, s.table_bold, w * column.width() - u) for h, w in
                   zip(headers, widths, strict=True)) + u * 0.5  # fmt: skip
    x_of = [column.left()]
    for w in widths[:-1]:
        x_of.append(x_of[-1] + w * column.width())
    painter.setFont(s.table_bold)
    painter.setPen(INK)
    for text, x, w in zip(headers, x_of, widths, strict=True):
        painter.drawText(QRectF(x + u * 0.3, y, w * column.width() - u * 0.6, header_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom | WRAP,
                         text)  # fmt: skip
    y += header_h
    width = sum(widths) * column.width()
    for cells, colour in rows:
        height = line + u * 0.5
        if colour:
            painter.fillRect(QRectF(x_of[0], y + 1, widths[0] * column.width() - u * 0.3,
                                    height - 2), QColor(colour))  # fmt: skip
        for index, (text, x, w) in enumerate(zip(cells, x_of, widths, strict=True)):
            painter.setFont(s.table_bold if not colour or index == 0 else s.table)
            painter.setPen(QColor(ink_on(colour)) if colour and index == 0 else INK)
            painter.drawText(
                QRectF(x + u * 0.3, y, w * column.width() - u * 0.6, height),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        painter.setPen(QPen(RULE, max(1.0, u * 0.06)))
        painter.drawLine(QLineF(column.left(), y + height, column.left() + width, y + height))
        y += height
    painter.setPen(MUTED)
    return y + u * 0.6
