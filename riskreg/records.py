"""Plain frozen dataclasses the services hand out and take in.

The GUI, the command line and the exchange code see only these, never live ORM objects, so
nothing above the services can lazy-load, hold a session open, or write by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from riskreg.choices import (
    ActionStatus,
    Decision,
    EscalationLevel,
    Proximity,
    Response,
    RiskKind,
    RiskStatus,
    Visibility,
)
from riskreg.scoring import ScoringScheme
from riskreg.travel import Travel

Shares = tuple[tuple[str, int], ...]
"""Partner code and whole percent, ordered by partner code."""


def format_shares(shares: Shares) -> str:
    """``CNCL 60% / BUILD 40%``: the form used in the change log and in workbooks."""
    return " / ".join(f"{code} {percent}%" for code, percent in shares)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is making a change and from where; written into every change set."""

    user: str
    partner_code: str = ""
    source: str = "GUI"


@dataclass(frozen=True, slots=True)
class PartnerRecord:
    code: str
    name: str
    colour: str = "#607d8b"
    contact: str = ""
    active: bool = True


@dataclass(frozen=True, slots=True)
class CategoryRecord:
    name: str
    appetite: str | None = None
    """The partnership's ``AppetiteLevel`` in the category, if agreed (a level's bands are the
    scheme's ``appetite_bands``)."""


@dataclass(frozen=True, slots=True)
class RegisterInfo:
    uuid: str
    name: str
    keeper_code: str | None
    revision: int
    schema_version: str | None
    scheme: ScoringScheme
    location: str
    risk_count: int
    action_count: int


@dataclass(frozen=True, slots=True)
class AcceptanceRecord:
    """A risk outside appetite accepted for one scope, current (neither withdrawn nor
    replaced); it may have expired (``riskreg.acceptance`` judges it against a date)."""

    uuid: str
    scope: str | None
    """The partner code whose appetite it is accepted for; None: the partnership's."""
    accepted_by: str
    justification: str
    accepted_on: date
    expires_on: date
    version: int = 1

    @property
    def scope_name(self) -> str:
        return self.scope or "the partnership"

    @property
    def short(self) -> str:
        """``APEX until 2027-03-31 (J Smith)``: the workbook's and the command line's form."""
        return f"{self.scope_name} until {self.expires_on.isoformat()} ({self.accepted_by})"


class RiskRecord(NamedTuple):
    """Every field of a risk as the register holds it now.

    A named tuple rather than a frozen dataclass: a register of 100,000 risks is built in a
    third of the time (a frozen dataclass sets each of its 31 fields through a call).
    """

    uuid: str
    ref: str
    number: int
    title: str
    description: str
    cause: str
    consequence: str
    category: str | None
    status: RiskStatus
    lead_partner: str
    owner: str
    shares: Shares
    visibility: Visibility
    response: Response
    controls: str
    inherent_likelihood: int | None
    """``None`` (as are the other three scores) only on an unrated Draft."""
    inherent_impact: int | None
    current_likelihood: int | None
    current_impact: int | None
    target_likelihood: int | None
    target_impact: int | None
    target_date: date | None
    proximity: Proximity | None
    cost_min: int | None
    cost_likely: int | None
    cost_max: int | None
    raised_on: date
    last_reviewed: date | None
    next_review: date | None
    closed_on: date | None
    version: int
    # Scores are stored in the record, not computed on access, so that a table of 100,000
    # risks sorts by score with a C-level key (operator.attrgetter) instead of a Python call.
    inherent_score: int | None
    current_score: int | None
    target_score: int | None
    escalation: EscalationLevel = EscalationLevel.OPERATIONAL
    kind: RiskKind = RiskKind.THREAT
    """A threat or an opportunity: which responses it takes, which heat map it is on and
    whether appetite applies (threats only)."""
    acceptances: tuple[AcceptanceRecord, ...] = ()
    """Its current acceptances above appetite, by scope (the partnership first)."""

    @property
    def is_opportunity(self) -> bool:
        return self.kind is RiskKind.OPPORTUNITY

    @property
    def accepted(self) -> str:
        """Its current acceptances above appetite, as the workbook's read-only column
        shows them: ``the partnership until 2027-03-31 (J Smith); APEX until …``."""
        return "; ".join(a.short for a in self.acceptances)

    @property
    def unrated(self) -> bool:
        """A Draft not scored yet: it has no place on a heat map and sorts after the rest."""
        return self.current_score is None

    def share_of(self, partner_code: str) -> int:
        return dict(self.shares).get(partner_code, 0)

    def exposure_of(self, partner_code: str) -> int | None:
        """The partner's part of the most likely cost, in whole currency units."""
        if self.cost_likely is None:
            return None
        return round(self.cost_likely * self.share_of(partner_code) / 100)


@dataclass(frozen=True, slots=True)
class ActionDraft:
    description: str
    partner: str
    owner: str = ""
    due_date: date | None = None
    status: ActionStatus = ActionStatus.NOT_STARTED
    progress: int = 0
    completed_on: date | None = None


@dataclass(frozen=True, slots=True)
class RiskDraft:
    """A new risk as the user typed it; defaults follow DESIGN.md (100 % to the lead).

    A Draft may leave all four scores ``None`` (unrated); current defaults to inherent.
    """

    title: str
    lead_partner: str
    inherent_likelihood: int | None
    inherent_impact: int | None
    current_likelihood: int | None = None
    current_impact: int | None = None
    description: str = ""
    cause: str = ""
    consequence: str = ""
    category: str | None = None
    status: RiskStatus = RiskStatus.OPEN
    owner: str = ""
    shares: Shares | None = None
    visibility: Visibility = Visibility.JOINT
    response: Response = Response.TREAT
    controls: str = ""
    target_likelihood: int | None = None
    target_impact: int | None = None
    target_date: date | None = None
    proximity: Proximity | None = None
    cost_min: int | None = None
    cost_likely: int | None = None
    cost_max: int | None = None
    raised_on: date | None = None
    last_reviewed: date | None = None
    next_review: date | None = None
    actions: tuple[ActionDraft, ...] = field(default=())
    escalation: EscalationLevel = EscalationLevel.OPERATIONAL
    """A risk brought in already escalated (another register's "Escalated") starts up the
    ladder; like every escalation, only with a reason."""
    escalation_reason: str = ""
    kind: RiskKind = RiskKind.THREAT
    """An opportunity takes Exploit, Enhance, Share or Reject as its response."""


class ActionRecord(NamedTuple):
    uuid: str
    ref: str
    number: int
    risk_uuid: str
    risk_ref: str
    description: str
    partner: str
    owner: str
    due_date: date | None
    status: ActionStatus
    progress: int
    completed_on: date | None
    version: int

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """One field change with the change set it belongs to."""

    revision: int
    at: datetime
    user: str
    partner_code: str
    source: str
    summary: str
    entity: str
    entity_ref: str
    field: str
    old: str | None
    new: str | None
    login: str = ""
    """The database login, for a register on a server."""


@dataclass(frozen=True, slots=True)
class SchemeChangeReport:
    """What a new scoring scheme does to the register, shown before the user confirms."""

    risks_changing_band: int
    risks_with_levels_moved: int
    total_risks: int


@dataclass(frozen=True, slots=True)
class ChangesSummary:
    """What changed since a date: the 'since the last meeting' section of a pack."""

    since: datetime
    new: tuple[str, ...]
    closed: tuple[str, ...]
    score_up: tuple[str, ...]
    score_down: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExchangeSnapshot:
    """What an exchange workbook holds, read in one transaction so the rows agree."""

    info: RegisterInfo
    partners: tuple[PartnerRecord, ...]
    categories: tuple[CategoryRecord, ...]
    risks: list[RiskRecord]
    actions: list[ActionRecord]
    partner_code: str | None
    """The partner the export is for; ``None`` for the whole register."""


@dataclass(frozen=True, slots=True)
class ExportEntry:
    """The register's record of one exported workbook: the importer trusts this."""

    export_id: str
    partner_code: str | None
    at: datetime
    revision: int
    file_name: str
    user: str


@dataclass(frozen=True, slots=True)
class ExchangeBatch:
    """The accepted changes of one workbook, written as one change set."""

    expected_revision: int
    summary: str
    risk_edits: tuple[tuple[str, dict[str, object]], ...] = ()
    action_edits: tuple[tuple[str, dict[str, object]], ...] = ()
    new_risks: tuple[RiskDraft, ...] = ()
    new_actions: tuple[tuple[str, ActionDraft], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.risk_edits or self.action_edits or self.new_risks or self.new_actions)

    @property
    def size(self) -> int:
        """Rows the batch writes: what its progress counts."""
        return (
            len(self.risk_edits) + len(self.action_edits)
            + len(self.new_risks) + len(self.new_actions)
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Attendee:
    partner_code: str
    name: str


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    ref: str
    decision: Decision
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """A recorded joint review; ``snapshot`` is its canonical JSON, as stored."""

    id: int
    uuid: str
    title: str
    held_on: date
    recorded_at: datetime
    user: str
    revision: int
    fingerprint: str
    snapshot: str


@dataclass(frozen=True, slots=True)
class Verification:
    review_id: int
    stored: str
    computed: str

    @property
    def matches(self) -> bool:
        return self.stored == self.computed


@dataclass(frozen=True, slots=True)
class RegisterSettings:
    """The register's own settings as the window keeps them: name, scheme and keeper (in
    ``info``), partners, categories and appetites. Read again when a change reaches them."""

    info: RegisterInfo
    partners: tuple[PartnerRecord, ...]
    categories: tuple[CategoryRecord, ...]
    partnership_appetite: dict[str, str | None]
    """The partnership's appetite level per category."""
    partner_appetite: dict[tuple[str, str], str]
    """(partner code, category) → that partner's appetite level, where it accepts less."""

    @property
    def scheme(self) -> ScoringScheme:
        return self.info.scheme

    def appetites_of(self, category: str) -> dict[str, str | None]:
        """Each partner's own appetite in one category (None: as the partnership)."""
        return {p.code: self.partner_appetite.get((p.code, category)) for p in self.partners}


@dataclass(frozen=True, slots=True)
class RegisterOverview:
    """Everything the register window shows at first, read in one transaction."""

    settings: RegisterSettings
    risks: list[RiskRecord]
    """Every risk, or the first page of a large register."""
    overdue: frozenset[str]
    """Risks with an open action past its due date."""
    trends: dict[str, int]
    """Direction of travel per risk (+1, -1, 0); risks with none left out."""
    today: date
    travel: Travel | None = None
    """The direction of travel itself: what it counts from (the latest joint review), the
    risks new since, where each moved risk stood (``riskreg.travel``)."""


@dataclass(frozen=True, slots=True)
class RowsUpdate:
    """Some risks as they are now, with their flags and trends: what a change touched."""

    risks: dict[str, RiskRecord]
    """By uuid; a uuid asked for but missing is gone (or no longer visible)."""
    overdue: frozenset[str]
    trends: dict[str, int]
    travel: Travel | None = None
    """The direction of travel of these risks."""


@dataclass(frozen=True, slots=True)
class RiskHistory:
    """One risk with its change log and direction of travel, read together."""

    risk: RiskRecord
    changes: list[ChangeRecord]
    trend: int | None
    """+1 up, -1 down, 0 back where it was, None for no change of score yet."""
    travel: Travel | None = None
    """The direction of travel of this risk: since what, and where it stood then."""


@dataclass(frozen=True)
class Changes:
    """The register's rows and settings that one commit (or a span of commits) changed."""

    revision: int
    """The register's revision after the change."""
    risks: frozenset[str] = frozenset()
    """Risks whose own row changed (fields, shares, escalation) or that were created."""
    actions: frozenset[str] = frozenset()
    """Actions that changed or were created."""
    action_risks: frozenset[str] = frozenset()
    """The risks those actions belong to."""
    created: frozenset[str] = frozenset()
    """Risks and actions created."""
    fields: frozenset[str] = frozenset()
    """The risk and action fields touched (``CREATED`` for a creation)."""
    refs: frozenset[str] = frozenset()
    """The refs of the risks touched (their own rows or their actions), for messages."""
    partners: frozenset[str] = frozenset()
    """Codes of partners added, edited or removed."""
    categories: frozenset[str] = frozenset()
    """Names of categories added, edited or removed."""
    appetites: bool = False
    """A partner's appetite for a category changed."""
    scheme: bool = False
    """The scoring scheme changed (every risk may have moved band)."""
    register: bool = False
    """The register's own settings changed: name, keeper, escalation period."""
    reviews: bool = False
    """A joint review was recorded."""
    everything: bool = False
    """Anything may have changed: another register, a restore, a reload, or more than can
    be said row by row."""
    outside: bool = field(default=False, compare=False)
    """Made by another user or program (read from the change log), not by this window."""

    @property
    def touched_risks(self) -> frozenset[str]:
        """Risks whose row in the register table may show something new."""
        return self.risks | self.action_risks

    @property
    def reaches_every_risk(self) -> bool:
        """Whether every risk's row may look different (its band, partner or category
        names, appetite flags, its trend when a joint review moves what trends count
        from), so a view of all risks reads them all again."""
        return (
            self.everything
            or self.scheme
            or bool(self.partners)
            or bool(self.categories)
            or self.appetites
            or self.reviews
        )

    def touches_risk(self, uuid: str) -> bool:
        return self.reaches_every_risk or uuid in self.risks or uuid in self.action_risks

    @classmethod
    def of_everything(cls, revision: int, *, outside: bool = False) -> Changes:
        return cls(revision=revision, everything=True, outside=outside)
