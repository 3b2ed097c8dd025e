"""Direction of travel: how each risk's current score has moved since the latest joint
review (before any review, since its own last score change).

One rule, read by the register table's trend column, the history panel, the heat map's
"since the review" arrows and every list of the meeting pack, so that none of them can
disagree: a risk that was 9 at the review, went to 16 and is now 12 is "up" everywhere.

Pure Python: the service reads the change log (``RegisterService.direction_of_travel``) and
folds it here. A risk's position at the basis is its current position with every later
change undone (the oldest "old" value of each field since then), which for a joint risk is
exactly what the review's frozen snapshot holds.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from riskreg.choices import RiskStatus

if TYPE_CHECKING:
    from riskreg.records import ReviewRecord

CREATED = "*"
"""The change log's field for "created" (``riskreg.service.changes.CREATED``)."""
LIKELIHOOD, IMPACT, STATUS = "current_likelihood", "current_impact", "status"

Position = tuple[int, int]
_V = TypeVar("_V")


class BasisKind(enum.StrEnum):
    REVIEW = "review"
    DATE = "date"
    LAST_CHANGE = "last change"


@dataclass(frozen=True, slots=True)
class TravelBasis:
    """What "since" means: a joint review, a chosen date, or each risk's last change."""

    kind: BasisKind
    on: date | None = None
    """The review's date, or the chosen date."""
    revision: int | None = None
    """For a review: the register's revision its snapshot froze (later changes count)."""
    title: str = ""
    fingerprint: str = ""

    @classmethod
    def since_review(cls, review: ReviewRecord) -> TravelBasis:
        return cls(BasisKind.REVIEW, review.held_on, review.revision, review.title,
                   review.fingerprint)  # fmt: skip

    @classmethod
    def since_date(cls, on: date) -> TravelBasis:
        return cls(BasisKind.DATE, on)

    @classmethod
    def last_change(cls) -> TravelBasis:
        return cls(BasisKind.LAST_CHANGE)

    @property
    def label(self) -> str:
        """ "since review of 12 Oct 2026", "since 02 Sep 2026", "since the last change"."""
        if self.kind is BasisKind.REVIEW and self.on is not None:
            return f"since review of {self.on:%d %b %Y}"
        if self.kind is BasisKind.DATE and self.on is not None:
            return f"since {self.on:%d %b %Y}"
        return "since the last change"

    @property
    def then_label(self) -> str:
        """The column heading for the score at the basis."""
        if self.kind is BasisKind.REVIEW and self.on is not None:
            return f"At the review ({self.on:%d %b %Y})"
        if self.kind is BasisKind.DATE and self.on is not None:
            return f"On {self.on:%d %b %Y}"
        return "Before the last change"


ARROWS = {1: "▲ up", -1: "▼ down", 0: "= same"}


@dataclass(frozen=True)
class Travel:
    """Each risk's move since the basis, by uuid.

    ``directions`` holds every risk whose current score changed since the basis (and that
    existed then): +1 up, -1 down, 0 back at the same score. A risk absent from it did not
    move (or, before any review, never moved). ``then`` is the position at the basis of
    every risk whose likelihood or impact changed since.
    """

    basis: TravelBasis
    directions: dict[str, int] = field(default_factory=dict)
    then: dict[str, Position] = field(default_factory=dict)
    new: frozenset[str] = frozenset()
    """Created since the basis: they have no position then."""
    closed: frozenset[str] = frozenset()
    """Closed since the basis, and closed still."""
    status_then: dict[str, RiskStatus] = field(default_factory=dict)
    """The status at the basis of every risk whose status changed since."""

    def direction(self, uuid: str) -> int | None:
        return self.directions.get(uuid)

    def arrow(self, uuid: str) -> str:
        """What a trend cell shows: "▲ up", "▼ down", "= same", "new", or nothing."""
        if uuid in self.new:
            return "new"
        direction = self.directions.get(uuid)
        return "" if direction is None else ARROWS[direction]

    def position_then(self, uuid: str, now: Position) -> Position | None:
        """Where the risk stood at the basis (None when it did not exist yet)."""
        if uuid in self.new:
            return None
        return self.then.get(uuid, now)

    def was_open(self, uuid: str, status_now: RiskStatus) -> bool:
        """Whether the risk existed and was open at the basis."""
        if uuid in self.new:
            return False
        return self.status_then.get(uuid, status_now) is not RiskStatus.CLOSED

    def merged(self, fresh: Travel, uuids: Iterable[str]) -> Travel:
        """This travel with the entries of ``uuids`` taken from ``fresh`` (read again for
        those risks alone, on the same basis)."""
        gone = set(uuids)

        def keep(mine: dict[str, _V], theirs: dict[str, _V]) -> dict[str, _V]:
            out = {u: v for u, v in mine.items() if u not in gone}
            out.update({u: v for u, v in theirs.items() if u in gone})
            return out

        return Travel(
            self.basis,
            keep(self.directions, fresh.directions),
            keep(self.then, fresh.then),
            frozenset((self.new - gone) | (fresh.new & gone)),
            frozenset((self.closed - gone) | (fresh.closed & gone)),
            keep(self.status_then, fresh.status_then),
        )

    def up(self) -> frozenset[str]:
        return frozenset(u for u, d in self.directions.items() if d > 0)

    def down(self) -> frozenset[str]:
        return frozenset(u for u, d in self.directions.items() if d < 0)


NowRow = tuple[int | None, int | None, RiskStatus]
"""A risk's current likelihood, impact (``None`` for an unrated draft) and status."""


def _sign(now: Position, then: Position) -> int:
    score_now, score_then = now[0] * now[1], then[0] * then[1]
    return (score_now > score_then) - (score_now < score_then)


def fold_since(
    basis: TravelBasis,
    later: Iterable[tuple[str, str, str | None]],
    now: Mapping[str, NowRow],
) -> Travel:
    """From the change log's (uuid, field, old) entries after the basis, oldest first, and
    the risks as they are now: each risk's state at the basis is the oldest old value of
    each field since (or its value now, when the field did not change)."""
    created: set[str] = set()
    first_old: dict[str, dict[str, str | None]] = {}
    for uuid, name, old in later:
        if name == CREATED:
            created.add(uuid)
        else:
            first_old.setdefault(uuid, {}).setdefault(name, old)
    directions: dict[str, int] = {}
    then: dict[str, Position] = {}
    status_then: dict[str, RiskStatus] = {}
    closed: set[str] = set()
    for uuid, olds in first_old.items():
        current = now.get(uuid)
        if current is None or uuid in created:
            continue  # gone (or out of sight), or new since
        lik, imp, status = current
        if (LIKELIHOOD in olds or IMPACT in olds) and lik is not None and imp is not None:
            position = (_level(olds.get(LIKELIHOOD, lik), lik), _level(olds.get(IMPACT, imp), imp))
            directions[uuid] = _sign((lik, imp), position)
            if position != (lik, imp):
                then[uuid] = position
        if STATUS in olds:
            old_status = _status(olds[STATUS], status)
            status_then[uuid] = old_status
            if status is RiskStatus.CLOSED and old_status is not RiskStatus.CLOSED:
                closed.add(uuid)
    return Travel(basis, directions, then, frozenset(created & now.keys()), frozenset(closed),
                  status_then)  # fmt: skip


def fold_last_change(
    newest_first: Iterable[tuple[str, int, str, str | None]],
    now: Mapping[str, NowRow],
) -> Travel:
    """Before any joint review: from the change log's (uuid, change set, field, old)
    entries of the current score, newest first, each risk's last change set that moved its
    score is undone on its values now."""
    latest_set: dict[str, int] = {}
    before: dict[str, dict[str, str | None]] = {}
    for uuid, set_id, name, old in newest_first:
        if latest_set.setdefault(uuid, set_id) == set_id:
            before.setdefault(uuid, {})[name] = old
    directions: dict[str, int] = {}
    then: dict[str, Position] = {}
    for uuid, olds in before.items():
        current = now.get(uuid)
        if current is None:
            continue
        lik, imp, _ = current
        if lik is None or imp is None or all(old is None for old in olds.values()):
            continue  # unrated now, or the score was set, not changed (no value before)
        position = (_level(olds.get(LIKELIHOOD, lik), lik), _level(olds.get(IMPACT, imp), imp))
        directions[uuid] = _sign((lik, imp), position)
        if position != (lik, imp):
            then[uuid] = position
    return Travel(TravelBasis.last_change(), directions, then)


def _level(old: str | int | None, now: int) -> int:
    """The level a change log entry held (its value now where it held none: a draft was
    rated since)."""
    if old is None:
        return now
    try:
        return int(old)
    except ValueError:
        return now


def _status(old: str | None, now: RiskStatus) -> RiskStatus:
    try:
        return RiskStatus(old) if old is not None else now
    except ValueError:
        return now
