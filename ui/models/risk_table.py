"""The register table's model: a list of ``RiskRecord`` rows and a declared column spec.

Sorting is done on the Python list with a key per column and a model reset, not through a
``QSortFilterProxyModel``: the proxy calls ``data()`` once per comparison, which takes
seconds at 100,000 rows where ``list.sort`` with a key takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from riskreg.acceptance import JudgedReason, accepted, day_text, judge, standing
from riskreg.choices import Proximity, RiskKind
from riskreg.governance import AppetiteJudgement, AppetiteState, appetite_reasons
from riskreg.heatmap import band_colours
from riskreg.records import RiskRecord, Shares
from riskreg.scoring import ScoringScheme
from riskreg.travel import Travel
from ui.plain import tip

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()
UUID_ROLE = Qt.ItemDataRole.UserRole + 1
REVIEW_SOON = timedelta(days=14)
ESCALATION_MARKS = {
    "Joint management team": "Escalated: JMT",
    "Senior executive responsible": "Escalated: senior executives",
}


@dataclass(frozen=True)
class TableContext:
    """What cells need beyond the record: the scheme, today, overdue actions, trends."""

    scheme: ScoringScheme
    today: date
    overdue: frozenset[str] = frozenset()
    trends: dict[str, int] = field(default_factory=dict)
    partnership_appetite: dict[str, str | None] = field(default_factory=dict)
    partner_appetite: dict[tuple[str, str], str] = field(default_factory=dict)
    travel: Travel | None = None
    """The direction of travel the trend column shows (``riskreg.travel``: since the latest
    joint review), and says in its header."""
    _judged: dict[str, tuple[RiskRecord, tuple[JudgedReason, ...], AppetiteJudgement]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Each risk's appetite judgement for this scheme, these appetites and today, kept with
    the record it judged (an edited risk is a new record, judged again): the flags column,
    its sort and the appetite filters ask for it on every row, at every keystroke."""

    def trend(self, record: RiskRecord) -> str:
        """ "▲ up", "▼ down", "= same", "new" (since the review), or nothing."""
        if self.travel is not None:
            return self.travel.arrow(record.uuid)
        direction = self.trends.get(record.uuid)
        return "" if direction is None else _TREND_ARROWS[direction]

    @property
    def trend_since(self) -> str:
        """ "since review of 12 Oct 2026", or "since the last change" before any review."""
        return self.travel.basis.label if self.travel is not None else "since the last change"

    def trend_header(self) -> str:
        """The trend column's header on two lines: "Trend since review / of 12 Oct 2026"."""
        label = self.trend_since
        head, of, tail = label.partition(" of ")
        if of:
            return f"Trend {head}\nof {tail}"
        return f"Trend since\n{label.removeprefix('since ')}"

    def review_due(self, record: RiskRecord) -> bool:
        """Its next review falls within the next fortnight, or has passed."""
        return (
            record.next_review is not None
            and record.next_review <= self.today + REVIEW_SOON
            and record.status.value != "Closed"
        )

    def review_overdue(self, record: RiskRecord) -> bool:
        return (
            record.next_review is not None
            and record.next_review < self.today
            and record.status.value != "Closed"
        )

    def judged(self, record: RiskRecord) -> tuple[JudgedReason, ...]:
        """Each appetite the risk is above, with what an acceptance does to it today
        (``riskreg.acceptance``)."""
        if not (self.partnership_appetite or self.partner_appetite):
            return ()
        return self._kept(record)[1]

    def appetite(self, record: RiskRecord) -> AppetiteJudgement:
        """Where the risk is above the appetite of the partnership or of a partner of it
        (a warning within tolerance, or a breach of it) and no acceptance covers it today."""
        if not (self.partnership_appetite or self.partner_appetite):
            return WITHIN
        return self._kept(record)[2]

    def _kept(
        self, record: RiskRecord
    ) -> tuple[RiskRecord, tuple[JudgedReason, ...], AppetiteJudgement]:
        kept = self._judged.get(record.uuid)
        if kept is not None and kept[0] is record:
            return kept
        findings = appetite_reasons(
            record, self.scheme, self.partnership_appetite, self.partner_appetite
        )
        judged = judge(findings, record.acceptances, self.today) if findings else ()
        kept = (record, judged, AppetiteJudgement(standing(judged)) if judged else WITHIN)
        self._judged[record.uuid] = kept
        return kept

    def accepted(self, record: RiskRecord) -> tuple[JudgedReason, ...]:
        """The appetites an acceptance covers today."""
        return accepted(self.judged(record)) if record.acceptances else ()

    def flags(self, record: RiskRecord) -> str:
        marks = []
        judged = self.judged(record)
        state = AppetiteJudgement(standing(judged)).state if judged else AppetiteState.WITHIN
        if state is not AppetiteState.WITHIN:
            marks.append(state.words)
        elif judged:  # every appetite accepted: until the first expiry
            until = min(j.accepted.expires_on for j in judged if j.accepted is not None)
            marks.append(f"Accepted until {day_text(until)}")
        if record.escalation.value != "Operational":
            marks.append(ESCALATION_MARKS.get(record.escalation.value, "Escalated"))
        if record.uuid in self.overdue:
            marks.append("Overdue action")
        if self.review_overdue(record):
            marks.append("Review overdue")
        elif self.review_due(record):
            marks.append("Review due")
        return " · ".join(marks)


WITHIN = AppetiteJudgement(())

SortKeyFactory = Callable[[TableContext], Callable[[RiskRecord], Any]]


@dataclass(frozen=True, slots=True)
class Column:
    """One column: header, how a row shows, how it sorts (numbers and dates as such)."""

    key: str
    header: str
    display: Callable[[RiskRecord, TableContext], str]
    sort_key: SortKeyFactory
    """Gives the sort key for the current context (trends and flags depend on it)."""
    score_of: Callable[[RiskRecord], tuple[int, int] | None] | None = None
    align_right: bool = False
    width: int = 100
    unrated_last: str = ""
    """A score attribute that is ``None`` on an unrated draft: such rows sort after the
    rest whichever way the column is sorted (in ref order)."""


def _date(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _score(lik: int | None, imp: int | None) -> str:
    return "" if lik is None or imp is None else f"{lik * imp}  ({lik}×{imp})"


UNRATED = "unrated"


def _rating(lik: int | None, imp: int | None) -> str:
    """An inherent or current score; only an unrated draft has none."""
    return UNRATED if lik is None or imp is None else f"{lik * imp}  ({lik}×{imp})"


def _levels(lik: int | None, imp: int | None) -> tuple[int, int] | None:
    return None if lik is None or imp is None else (lik, imp)


def shares_text(shares: Shares, lead: str) -> str:
    """Lead first, then larger shares first: ``CNCL 60% / APEX 40%``."""
    ordered = sorted(shares, key=lambda s: (s[0] != lead, -s[1], s[0]))
    return " / ".join(f"{code} {percent}%" for code, percent in ordered)


_TREND_ARROWS = {1: "▲ up", -1: "▼ down", 0: "= same"}
PROXIMITY_RANK: dict[Proximity | None, int] = {p: n for n, p in enumerate(Proximity)}
"""Soonest first; a risk with no proximity after every other."""
PROXIMITY_RANK[None] = len(Proximity)
_LAST_DAY = date.max


def _attrs(*names: str) -> SortKeyFactory:
    """Sort by record fields with a C-level key: no Python call per row."""
    getter = attrgetter(*names)
    return lambda context: getter


def _by(key: Callable[[RiskRecord], Any]) -> SortKeyFactory:
    return lambda context: key


COLUMNS: tuple[Column, ...] = (
    Column("ref", "Ref", lambda r, c: r.ref, _attrs("number"), width=64),
    Column("title", "Title", lambda r, c: r.title, _by(lambda r: r.title.casefold()), width=250),
    Column("current", "Current", lambda r, c: _rating(r.current_likelihood, r.current_impact),
           _attrs("current_score", "current_likelihood"),
           score_of=lambda r: _levels(r.current_likelihood, r.current_impact),
           align_right=True, width=82, unrated_last="current_score"),
    Column("trend", "Trend", lambda r, c: c.trend(r),
           lambda c: lambda r: c.trends.get(r.uuid, 0), width=112),
    Column("status", "Status", lambda r, c: r.status.value, _attrs("status"), width=78),
    Column("lead", "Lead", lambda r, c: r.lead_partner, _attrs("lead_partner"), width=56),
    Column("category", "Category", lambda r, c: r.category or "",
           _by(lambda r: r.category or ""), width=150),
    Column("shares", "Shares", lambda r, c: shares_text(r.shares, r.lead_partner),
           _by(lambda r: (-len(r.shares), r.shares)), width=150),
    Column("owner", "Owner", lambda r, c: r.owner, _by(lambda r: r.owner.casefold()), width=100),
    Column("inherent", "Inherent",
           lambda r, c: _rating(r.inherent_likelihood, r.inherent_impact),
           _attrs("inherent_score", "inherent_likelihood"),
           score_of=lambda r: _levels(r.inherent_likelihood, r.inherent_impact),
           align_right=True, width=82, unrated_last="inherent_score"),
    Column("target", "Target", lambda r, c: _score(r.target_likelihood, r.target_impact),
           _by(lambda r: (r.target_score or 0, r.target_likelihood or 0)),
           score_of=lambda r: (
               None if r.target_likelihood is None or r.target_impact is None
               else (r.target_likelihood, r.target_impact)
           ),
           align_right=True, width=82),
    Column("response", "Response", lambda r, c: r.response.value, _attrs("response"), width=78),
    Column("visibility", "Visibility", lambda r, c: r.visibility.value, _attrs("visibility"),
           width=70),
    Column("next_review", "Next review", lambda r, c: _date(r.next_review),
           _by(lambda r: r.next_review or _LAST_DAY), width=92),
    Column("flags", "Flags", lambda r, c: c.flags(r), lambda c: c.flags, width=170),
    # Columns added later go at the end, so a saved header state keeps its meaning (Qt
    # restores sections by position and appends new ones); DEFAULT_ORDER places them.
    Column("proximity", "Proximity", lambda r, c: r.proximity.value if r.proximity else "",
           _by(lambda r: PROXIMITY_RANK[r.proximity]), width=150),
    Column("kind", "Type", lambda r, c: r.kind.value, _attrs("kind"), width=90),
)  # fmt: skip

DEFAULT_ORDER = ("ref", "title", "kind", "current", "trend", "status", "lead", "category", "shares",
                 "owner", "inherent", "target", "response", "visibility", "proximity",
                 "next_review", "flags")  # fmt: skip
"""Where the columns stand until the user drags them."""


class RiskTableModel(QAbstractTableModel):
    """Rows of the register; cells as the user reads them, scores in their band colour."""

    def __init__(self, context: TableContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RiskRecord] = []
        self._context = context
        self._columns = COLUMNS
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None
        self._brushes: dict[tuple[RiskKind, int], tuple[QBrush, QBrush]] = {}
        self._flag_brush = QBrush(QColor("#b3261e"))
        self._warning_brush = QBrush(QColor("#8a5a00"))
        """Amber (dark enough to read on white): above appetite, within tolerance."""
        self._bold = QFont()
        self._bold.setBold(True)
        self._build_brushes()

    # -- loading ------------------------------------------------------------------------
    @property
    def context(self) -> TableContext:
        return self._context

    def set_rows(self, rows: Sequence[RiskRecord], context: TableContext | None = None) -> None:
        self.beginResetModel()
        try:
            if context is not None:
                self._context = context
                self._build_brushes()
            self._rows = list(rows)
            if self._sorted_by is not None:
                self._sort_rows(*self._sorted_by)
        finally:
            self.endResetModel()

    def row(self, row: int) -> RiskRecord:
        return self._rows[row]

    def row_of(self, uuid: str) -> int | None:
        for number, record in enumerate(self._rows):
            if record.uuid == uuid:
                return number
        return None

    def column_keys(self) -> list[str]:
        return [c.key for c in self._columns]

    def column_headers(self) -> list[str]:
        return [c.header for c in self._columns]

    def default_width(self, column: int) -> int:
        return self._columns[column].width

    def _build_brushes(self) -> None:
        """Score cells in their band's colour: the scheme's for a threat, the opportunity
        palette's for an opportunity (as on the maps)."""
        self._brushes = {}
        for kind in RiskKind:
            for index, hex_colour in enumerate(band_colours(self._context.scheme, kind)):
                colour = QColor(hex_colour)
                text = QColor("#000000") if colour.lightness() > 110 else QColor("#ffffff")
                self._brushes[(kind, index)] = (QBrush(colour), QBrush(text))

    # -- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns)
        if (role == Qt.ItemDataRole.ToolTipRole and horizontal
                and self._columns[section].key == "trend"):  # fmt: skip
            return (f"Direction of travel: how the current score moved "
                    f"{self._context.trend_since}.")  # fmt: skip
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if horizontal:
            column = self._columns[section]
            if column.key == "trend":  # says what the trend is measured from
                return self._context.trend_header()
            return column.header
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(record, self._context)
        if role == UUID_ROLE:
            return record.uuid
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "title":
                return tip(record.description or record.title)  # as written, never as HTML
            if column.key == "flags":
                reasons = [j.text for j in self._context.judged(record)]
                return tip("\n".join(reasons)) if reasons else None
            if column.score_of is not None:
                levels = column.score_of(record)
                if levels is not None:
                    scheme = self._context.scheme
                    band = scheme.band(*levels).name
                    return tip(
                        f"{band}: likelihood {scheme.likelihood[levels[0] - 1].caption}, "
                        f"impact {scheme.impact[levels[1] - 1].caption}"
                    )
            return None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            if column.key == "flags" and role == Qt.ItemDataRole.ForegroundRole:
                state = self._context.appetite(record).state
                return self._warning_brush if state is AppetiteState.WARNING else self._flag_brush
            if column.score_of is None:
                return None
            levels = column.score_of(record)
            if levels is None:
                return None
            try:
                band_index = self._context.scheme.band_index(*levels)
                background, foreground = self._brushes[(record.kind, band_index)]
            except ValueError:
                return None
            return background if role == Qt.ItemDataRole.BackgroundRole else foreground
        if role == Qt.ItemDataRole.FontRole and column.key == "current":
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.beginResetModel()
        try:
            self._sort_rows(column, order)
            self._sorted_by = (column, order)
        finally:
            self.endResetModel()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        spec = self._columns[column]
        key = spec.sort_key(self._context)
        reverse = order == Qt.SortOrder.DescendingOrder
        if not spec.unrated_last:
            self._rows.sort(key=key, reverse=reverse)
            return
        # None does not compare with a score: unrated rows are set apart (one pass, no
        # Python call per row) and follow the sorted rest in ref order.
        rows = self._rows
        scores = list(map(attrgetter(spec.unrated_last), rows))
        if None not in scores:
            rows.sort(key=key, reverse=reverse)
            return
        rated = [r for r, s in zip(rows, scores, strict=True) if s is not None]
        unrated = [r for r, s in zip(rows, scores, strict=True) if s is None]
        rated.sort(key=key, reverse=reverse)
        unrated.sort(key=attrgetter("number"))
        self._rows = rated + unrated
