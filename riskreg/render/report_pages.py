"""The meeting pack as a PDF: a cover with the summary and contents, the heat maps, and the
tables a board reads, laid out in full before the first page is painted.

Every page carries who it is for (the keeper's internal pack: "Internal — not for
circulation") and "Page x of y"; a section with nothing to report is one line on the
summary, not a page; tables are 9 pt with scores in their band's colour. The PDF names its
title, author and subject, and embeds its fonts. Painting reports its progress page by page
and may be cancelled: then no file is left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPaintDevice, QPainter, QPen

from riskreg.acceptance import day_text
from riskreg.audience import AudienceKind
from riskreg.choices import Proximity, RiskKind
from riskreg.governance import AppetiteState
from riskreg.heatmap import band_colours
from riskreg.progress import Progress, report
from riskreg.records import RiskRecord
from riskreg.render.exposure_painter import exposure_height, money, paint_exposure
from riskreg.render.files import atomic_output, finish_pdf, gui_application, pdf_writer
from riskreg.render.flow import INK, MUTED, RULE, Cell, Column, Flow, Styles, ink_on
from riskreg.render.pack_cover import Entry, cover_painter
from riskreg.render.pages import plan_heat_map_pages, plan_map_pair, without_ligatures
from riskreg.render.pdf_info import xmp_metadata
from riskreg.render.request import HeatMapRequest
from riskreg.report import MeetingPack
from riskreg.travel import BasisKind

RIGHT = Qt.AlignmentFlag.AlignRight


def write_meeting_pack(pack: MeetingPack, out: Path, *, progress: Progress | None = None) -> int:
    """Write the pack; returns the number of pages. ``progress`` is told (pages painted,
    pages) and may raise ``Cancelled``: the file is then not written."""
    gui_application()
    title = f"Meeting pack — {pack.register_name} — {pack.on:%d %b %Y}"
    subject = f"Partnership meeting pack, {pack.audience.marking}: {pack.audience.caption}"
    author = pack.author or pack.keeper
    with atomic_output(Path(out)) as path:
        writer = pdf_writer(path, paper="A4", orientation="landscape", title=title,
                            author=author)  # fmt: skip
        try:
            writer.setDocumentXmpMetadata(xmp_metadata(title, author, subject))
            pages = _paint(writer, pack, progress)
        finally:
            writer = None  # the writer closes its file; a cancelled one leaves none
        finish_pdf(path, subject)
    return pages


def _paint(writer: QPaintDevice, pack: MeetingPack, progress: Progress | None) -> int:
    from PySide6.QtGui import QPagedPaintDevice

    assert isinstance(writer, QPagedPaintDevice)
    base = without_ligatures(QFont())
    page = writer.pageLayout().paintRectPixels(writer.logicalDpiY())
    chrome = _Chrome(writer, QRectF(0, 0, page.width(), page.height()), base, pack)
    flow = Flow(writer, chrome.body, Styles.of(base))
    lay_out(flow, pack, base)
    painter = QPainter(writer)
    total = len(flow.pages)
    try:
        for number, sheet in enumerate(flow.pages, start=1):
            if number > 1:
                writer.newPage()
            painter.setFont(base)
            chrome.paint(painter, sheet.section, number, total)
            for op in sheet.ops:
                op(painter)
            report(progress, number, total)
    finally:
        painter.end()
    return total


class _Chrome:
    """Each page's header (register, section, who it is for) and footer (Page x of y)."""

    def __init__(self, device: QPaintDevice, rect: QRectF, base: QFont, pack: MeetingPack):
        self.rect = rect
        self.pack = pack
        self.font = QFont(Styles.of(base).small)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.marking = QFont(self.bold)
        self.marking.setPointSizeF(9.5)
        metrics = QFontMetricsF(self.marking, device)
        self.line = metrics.lineSpacing()
        self.unit = metrics.height()
        self.marking_w = metrics.horizontalAdvance(pack.audience.marking) + self.unit
        top = rect.top() + self.line + self.unit * 0.9
        self.body = QRectF(rect.left(), top, rect.width(),
                           rect.bottom() - self.line - self.unit * 0.9 - top)  # fmt: skip

    def paint(self, painter: QPainter, section: str, number: int, pages: int) -> None:
        r, pack = self.rect, self.pack
        audience = pack.audience
        colour = QColor("#b3261e") if audience.kind is AudienceKind.INTERNAL else INK
        header = QRectF(r.left(), r.top(), r.width() - self.marking_w, self.line)
        metrics = QFontMetricsF(self.font, painter.device())
        painter.setFont(self.font)
        painter.setPen(MUTED)
        text = f"{pack.register_name} — {section}" if section else pack.register_name
        painter.drawText(
            header,
            Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, header.width()),
        )
        painter.setFont(self.marking)
        painter.setPen(colour)
        painter.drawText(QRectF(r.right() - self.marking_w, r.top(), self.marking_w, self.line),
                         RIGHT, audience.marking)  # fmt: skip
        painter.setPen(QPen(RULE, max(1.0, self.unit * 0.08)))
        rule = r.top() + self.line + self.unit * 0.3
        painter.drawLine(QLineF(r.left(), rule, r.right(), rule))
        footer = QRectF(r.left(), r.bottom() - self.line, r.width(), self.line)
        painter.setFont(self.font)
        painter.setPen(MUTED)
        left = f"Meeting pack — {pack.on:%d %b %Y} — {audience.caption}"
        if audience.restricted:
            painter.setFont(self.bold)
            painter.setPen(colour)
            left = f"{audience.marking} — meeting pack — {pack.on:%d %b %Y}"
        painter.drawText(footer, Qt.AlignmentFlag.AlignLeft, left)
        painter.setFont(self.font)
        painter.setPen(MUTED)
        painter.drawText(footer, RIGHT, f"Page {number} of {pages}")


# -- the pack, section by section -------------------------------------------------------
def lay_out(flow: Flow, pack: MeetingPack, base: QFont) -> None:
    """Lay down every page of the pack: cover, maps, then the tables flowing on."""
    contents: list[Entry] = []
    flow.whole_page(cover_painter(flow, pack, contents), "Summary")
    partner_maps = []
    for index, map_page in enumerate(pack.maps):
        key = f"map-{index}"
        request = HeatMapRequest(
            map_page.heat,
            map_page.arrows,
            map_page.heading,
            map_page.key,
            arrows_label=map_page.arrows_label,
            outlined=map_page.outlined,
            key_notes=map_page.key_notes,
            footnote=map_page.footnote,
        )
        contents.append(Entry(f"Heat map: {map_page.heading}", key))
        if map_page.kind == "partner":
            partner_maps.append((key, request))
            continue
        flow.start_section(key, map_page.heading)
        for body in plan_heat_map_pages(flow.device, flow.body, request, base):
            flow.whole_page(body, map_page.heading)
    for start in range(0, len(partner_maps), 2):
        pair = partner_maps[start : start + 2]
        for key, _ in pair:
            flow.start_section(key, "Heat maps by partner")
        body = plan_map_pair(flow.device, flow.body, [r for _, r in pair], base)
        flow.whole_page(body, "Heat maps by partner")
    _opportunities(flow, pack, base, contents)
    for key, title, build in _sections(pack):
        if build is None:
            continue
        contents.append(Entry(title, key))
        flow.start_section(key, title)
        build(flow)


def _opportunities(flow: Flow, pack: MeetingPack, base: QFont, contents: list[Entry]) -> None:
    """The opportunities' own section: their map (in the opportunity palette, with its key),
    then the top opportunities; a pack with none says so on the summary."""
    map_page = pack.opportunity_map
    if map_page is None:
        return
    title = "Opportunities"
    request = HeatMapRequest(map_page.heat, (), title, map_page.key,
                             footnote=map_page.footnote)  # fmt: skip
    contents.append(Entry("Opportunities: heat map and top opportunities", "opportunities"))
    flow.start_section("opportunities", title)
    for body in plan_heat_map_pages(flow.device, flow.body, request, base):
        flow.whole_page(body, title)
    if pack.top_opportunities:
        top = f"Top {len(pack.top_opportunities)} opportunities by current score"
        _top_table(flow, pack, top, pack.top_opportunities, "Response", opportunities=True)


def _sections(
    pack: MeetingPack,
) -> list[tuple[str, str, Callable[[Flow], None] | None]]:
    top = f"Top {len(pack.top_risks)} risks by current score"
    changes = _changes_title(pack)
    has_changes = bool(pack.changes.new or pack.changes.closed or pack.changes.score_up
                       or pack.changes.score_down or pack.since_review)  # fmt: skip
    overdue = sum(len(v) for v in pack.overdue_by_partner.values())
    return [
        ("top", top, (lambda f: _top_risks(f, pack, top)) if pack.top_risks else None),
        ("changes", changes, (lambda f: _changes(f, pack, changes)) if has_changes else None),
        ("unrated", f"Unrated: {len(pack.unrated)} drafts not yet scored (on no heat map)",
         (lambda f: _unrated(f, pack)) if pack.unrated else None),
        ("appetite", "Risks above appetite",
         (lambda f: _appetite(f, pack)) if pack.outside_appetite or pack.accepted else None),
        ("escalation", "Escalated risks, and risks proposed for escalation",
         (lambda f: _escalation(f, pack)) if pack.escalated or pack.proposals else None),
        ("actions", "Overdue actions by partner",
         (lambda f: _overdue(f, pack)) if overdue else None),
        ("reviews", "Reviews overdue",
         (lambda f: _reviews(f, pack)) if pack.reviews_overdue else None),
        ("exposure", "Exposure by partner",
         (lambda f: _exposure(f, pack)) if pack.exposures else None),
    ]  # fmt: skip


def _score(pack: MeetingPack, risk: RiskRecord) -> Cell:
    """The current score in its band's colour: the scheme's for a threat, the opportunity
    palette's for an opportunity (as on its map)."""
    lik, imp = risk.current_likelihood, risk.current_impact
    if lik is None or imp is None:
        return Cell("unrated")
    return _score_of(pack, risk.current_score, (lik, imp), risk.kind)


def _score_of(
    pack: MeetingPack,
    score: int | None,
    position: tuple[int, int] | None,
    kind: RiskKind = RiskKind.THREAT,
) -> Cell:
    if score is None or position is None:
        return Cell("—")
    index = pack.scheme.band_index(*position)
    name, colour = pack.scheme.bands[index].name, band_colours(pack.scheme, kind)[index]
    return Cell(f"{score} {name}", colour, ink_on(colour), True)


PROXIMITY_SHORT = {
    Proximity.IMMINENT: "within a month",
    Proximity.NEAR: "within 6 months",
    Proximity.YEAR: "within 12 months",
    Proximity.LATER: "beyond 12 months",
}
"""When a risk could happen, in the few words a top-risks column holds."""


def _top_risks(flow: Flow, pack: MeetingPack, title: str) -> None:
    _top_table(flow, pack, title, pack.top_risks, "Existing controls")


def _top_table(
    flow: Flow,
    pack: MeetingPack,
    title: str,
    ranked: tuple[tuple[RiskRecord, int], ...],
    fourth: str,
    *,
    opportunities: bool = False,
) -> None:
    """The top risks (or opportunities, whose response says what is done with them where a
    threat's controls would)."""
    trend_header = f"Trend {pack.basis.label}"
    columns = [
        Column("Ref", 0.055),
        Column("Opportunity" if opportunities else "Risk", 0.19),
        Column("Lead", 0.05),
        Column("Owner", 0.085),
        Column("Score", 0.085),
        Column(trend_header, 0.085),
        Column("When", 0.08),
        Column(fourth, 0.165),
        Column("Next action (owner, due)", 0.205),
    ]
    rows = []
    for risk, _ in ranked:
        action = pack.next_actions.get(risk.uuid)
        if action is None:
            next_action = "No open action"
        else:
            due = f"due {action.due_date:%d %b %Y}" if action.due_date else "no due date"
            late = " — overdue" if action.due_date and action.due_date < pack.on else ""
            next_action = (f"{action.ref} {action.description} ({action.partner}, "
                           f"{action.owner or 'no owner'}, {due}{late})")  # fmt: skip
        rows.append([Cell(risk.ref, bold=True), Cell(risk.title), Cell(risk.lead_partner),
                     Cell(risk.owner), _score(pack, risk), Cell(pack.trend(risk)),
                     Cell(PROXIMITY_SHORT[risk.proximity] if risk.proximity else "not said"),
                     Cell(risk.response.value if opportunities else risk.controls or "—"),
                     Cell(next_action)])  # fmt: skip
    what = ("Opportunities only, in their own palette." if opportunities else
            "Threats only: opportunities have their own section.")  # fmt: skip
    flow.table(title, columns, rows,
               note=f"Trend: the change of the current score {pack.basis.label}"
                    + ("" if pack.basis.kind is BasisKind.LAST_CHANGE
                       else ", the same rule as the register's trend column")
                    + ". " + what)  # fmt: skip


def _changes_title(pack: MeetingPack) -> str:
    review = pack.last_review
    if pack.basis.kind is BasisKind.REVIEW and review is not None:
        return (f"Changes since the joint review “{review.title}” of {review.held_on:%d %b %Y}"
                f" (snapshot {review.fingerprint[:16]}…)")  # fmt: skip
    if pack.basis.kind is BasisKind.DATE:
        return f"Changes since {pack.since:%d %b %Y}"
    return f"Changes since {pack.since:%d %b %Y} (scores: each risk's last change)"


def _changes(flow: Flow, pack: MeetingPack, title: str) -> None:
    by_ref = {r.ref: r for r in pack.risks_by_uuid.values()}
    then_header = pack.basis.then_label
    columns = [Column("Ref", 0.06), Column("Risk", 0.34), Column("What changed", 0.16),
               Column(then_header, 0.2), Column("Now", 0.24)]  # fmt: skip
    rows: list[list[Cell]] = []
    travel = pack.travel
    for what, refs in (("New", pack.changes.new), ("Closed", pack.changes.closed),
                       ("Score up", pack.changes.score_up),
                       ("Score down", pack.changes.score_down)):  # fmt: skip
        for ref in refs:
            risk = by_ref[ref]
            lik, imp = risk.current_likelihood, risk.current_impact
            then_position = (
                None if lik is None or imp is None else travel.position_then(risk.uuid, (lik, imp))
            )
            then_score = pack.score_then(risk)
            then = Cell("not in the register") if what == "New" else (
                _score_of(pack, then_score, then_position))  # fmt: skip
            now = Cell("Closed") if what == "Closed" else _score(pack, risk)
            rows.append([Cell(ref, bold=True), Cell(risk.title), Cell(what), then, now])
    for change in pack.since_review:
        known = by_ref.get(change.ref)
        rows.append([Cell(change.ref, bold=True), Cell(known.title if known else ""),
                     Cell(change.what.capitalize()), Cell(change.then or "—"),
                     Cell(change.now or "—")])  # fmt: skip
    flow.table(title, columns, rows)


def _unrated(flow: Flow, pack: MeetingPack) -> None:
    columns = [Column("Ref", 0.06), Column("Risk", 0.5), Column("Lead", 0.08),
               Column("Owner", 0.2), Column("Raised", 0.16)]  # fmt: skip
    rows = [[Cell(r.ref, bold=True), Cell(r.title), Cell(r.lead_partner), Cell(r.owner),
             Cell(f"{r.raised_on:%d %b %Y}")] for r in pack.unrated]  # fmt: skip
    flow.table(f"Unrated: {len(pack.unrated)} drafts not yet scored (on no heat map)", columns,
               rows)  # fmt: skip


def _appetite(flow: Flow, pack: MeetingPack) -> None:
    """Breaches of tolerance first, then risks above appetite within tolerance."""
    columns = [Column("Ref", 0.06), Column("Risk", 0.27), Column("Lead", 0.06),
               Column("Score", 0.09), Column("State", 0.13), Column("Why", 0.39)]  # fmt: skip
    ordered = sorted(pack.outside_appetite, key=lambda item: -item[1].state)
    rows = [[Cell(r.ref, bold=True), Cell(r.title), Cell(r.lead_partner), _score(pack, r),
             Cell(judged.state.words, bold=judged.state is AppetiteState.BREACH),
             Cell("; ".join(judged.reasons))] for r, judged in ordered]  # fmt: skip
    if rows:
        warnings, breaches = pack.appetite_counts()
        flow.table(f"Risks above appetite: {breaches} breaching tolerance, {warnings} above "
                   "appetite within tolerance", columns, rows)  # fmt: skip
    if pack.accepted:
        _accepted(flow, pack)


def _accepted(flow: Flow, pack: MeetingPack) -> None:
    """Risks above appetite that the partnership or a partner has accepted: for whom, by
    whom, until when and why (each until its expiry, when it stands again)."""
    columns = [Column("Ref", 0.06), Column("Risk", 0.2), Column("For", 0.1),
               Column("Accepted", 0.2), Column("Justification (as given)", 0.24),
               Column("Above appetite (the register's finding)", 0.2)]  # fmt: skip
    rows = []
    for r, j in pack.accepted:
        a = j.accepted
        assert a is not None
        rows.append([Cell(r.ref, bold=True), Cell(r.title), Cell(a.scope_name),
                     Cell(f"by {a.accepted_by} on {day_text(a.accepted_on)}, until "
                          f"{day_text(a.expires_on)}"),
                     Cell(a.justification),
                     Cell(f"{j.finding.state.words}: {j.reason}")])  # fmt: skip
    flow.table("Accepted risks (above appetite, accepted until the date shown)", columns, rows)


def _escalation(flow: Flow, pack: MeetingPack) -> None:
    columns = [Column("Ref", 0.06), Column("Risk", 0.34), Column("Lead", 0.06),
               Column("Score", 0.1), Column("Escalation", 0.44)]  # fmt: skip
    rows = [[Cell(r.ref, bold=True), Cell(r.title), Cell(r.lead_partner), _score(pack, r),
             Cell(r.escalation.value)] for r in pack.escalated]  # fmt: skip
    rows += [[Cell(r.ref, bold=True), Cell(r.title), Cell(r.lead_partner), _score(pack, r),
              Cell(f"Proposed: {why}")] for r, why in pack.proposals]  # fmt: skip
    flow.table("Escalated risks, and risks proposed for escalation", columns, rows)


def _overdue(flow: Flow, pack: MeetingPack) -> None:
    columns = [Column("Partner", 0.07), Column("Action", 0.06), Column("Risk", 0.06),
               Column("Description", 0.43), Column("Owner", 0.13), Column("Due", 0.12),
               Column("Days late", 0.13)]  # fmt: skip
    rows = []
    for partner, actions in pack.overdue_by_partner.items():
        for a in actions:
            late = (pack.on - a.due_date).days if a.due_date else 0
            rows.append([Cell(partner, bold=True), Cell(a.ref), Cell(a.risk_ref),
                         Cell(a.description), Cell(a.owner),
                         Cell(a.due_date.strftime("%d %b %Y") if a.due_date else ""),
                         Cell(f"{late} day{'s' * (late != 1)}")])  # fmt: skip
    flow.table("Overdue actions by partner", columns, rows)


def _reviews(flow: Flow, pack: MeetingPack) -> None:
    columns = [
        Column("Ref", 0.06),
        Column("Risk", 0.4),
        Column("Lead", 0.06),
        Column("Owner", 0.14),
        Column("Score", 0.12),
        Column("Next review was due", 0.22),
    ]
    rows = [[Cell(r.ref, bold=True), Cell(r.title), Cell(r.lead_partner), Cell(r.owner),
             _score(pack, r), Cell(r.next_review.strftime("%d %b %Y") if r.next_review else "")]
            for r in pack.reviews_overdue]  # fmt: skip
    flow.table("Reviews overdue", columns, rows)


def _exposure(flow: Flow, pack: MeetingPack) -> None:
    colours = {p.code: p.colour for p in pack.partners}
    height = exposure_height(flow.device, len(pack.exposures))
    flow.text("Exposure by partner", flow.styles.heading, keep=height,
              after=flow.unit * 0.4)  # fmt: skip
    flow.place(height, lambda p, r: paint_exposure(p, r, pack.exposures, colours, title=""))
    flow.space(flow.unit * 0.6)
    columns = [Column("Partner", 0.1), Column("Risks", 0.08), Column("Minimum", 0.12, RIGHT),
               Column("Most likely", 0.12, RIGHT), Column("Maximum", 0.12, RIGHT),
               Column("Estimates used", 0.46)]  # fmt: skip
    rows = []
    for e in pack.exposures:
        notes = []
        if e.without_minimum:
            notes.append(f"no minimum for {', '.join(e.without_minimum)}: most likely used")
        if e.without_maximum:
            notes.append(f"no maximum for {', '.join(e.without_maximum)}: most likely used")
        rows.append([Cell(e.partner, bold=True), Cell(str(e.risks)), Cell(money(e.minimum)),
                     Cell(money(e.likely)), Cell(money(e.maximum)),
                     Cell("; ".join(notes) or "each risk's own minimum and maximum")])  # fmt: skip
    flow.table("Exposure by partner: the figures", columns, rows,
               note="Each partner's share of a risk's cost follows its share of the risk. Where "
                    "a risk has no minimum or maximum cost, its most likely cost stands in for "
                    "it, as the last column says.")  # fmt: skip


__all__ = ["INK", "write_meeting_pack"]
