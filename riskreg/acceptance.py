"""Acceptance outside appetite, judged: which of a risk's appetite reasons are accepted on a
given day, until when and by whom, and which stand (an acceptance that has lapsed stands as
a breach again, saying so).

The one seam between appetite and acceptance: appetite says *why* a risk is outside (one
reason per scope: the partnership, or a partner that leads or shares it); this module says
what an acceptance does to each reason. Pure functions, so the window, the pack, the
workbook, escalation and the command line agree. The texts the change log holds for an
acceptance are written here too, and the server's trigger writes the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from riskreg.records import AcceptanceRecord

Scope = str | None
"""A partner code, or None for the partnership as a whole."""

ScopedReason = tuple[Scope, str]
"""One reason a risk is outside appetite, with the scope whose appetite it exceeds."""

LONGEST = timedelta(days=3 * 365 + 1)
"""An acceptance lasts at most three years (a year is the usual review horizon of a public
body's risk appetite statement; three covers a medium-term financial plan)."""

MOST_JUSTIFICATION = 4_000
"""A justification is a paragraph or two, not a report."""

ACCEPTANCE_FIELD = "acceptance"
"""The change-log field (on the risk) of every record, replacement and withdrawal for the
partnership; ``acceptance:APEX`` for a partner's (``acceptance_field``)."""


def acceptance_field(scope: Scope) -> str:
    """One field per scope, so that two acceptances of one risk made in one transaction
    are two entries of its history (the server logs a field once per transaction)."""
    return ACCEPTANCE_FIELD if scope is None else f"{ACCEPTANCE_FIELD}:{scope}"


def day_text(day: date) -> str:
    """``31 Mar 2027``, as the window and the pack say a date."""
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True, slots=True)
class JudgedReason:
    """One appetite reason on one day: standing, accepted, or standing again after expiry."""

    scope: Scope
    reason: str
    """``outside appetite of APEX: High > Medium (Financial)``"""
    accepted: AcceptanceRecord | None = None
    """The acceptance that covers it today."""
    expired: AcceptanceRecord | None = None
    """The acceptance that covered it until it lapsed (the reason stands again)."""

    @property
    def stands(self) -> bool:
        """Outside appetite and not accepted today: a breach."""
        return self.accepted is None

    @property
    def text(self) -> str:
        if self.accepted is not None:
            a = self.accepted
            # the reason names the scope: "outside appetite of APEX: High > Medium (…)"
            return f"accepted until {day_text(a.expires_on)} ({a.accepted_by}): {self.reason}"
        if self.expired is not None:
            return f"{self.reason}; acceptance expired on {day_text(self.expired.expires_on)}"
        return self.reason


def judge(
    reasons: Sequence[ScopedReason], acceptances: Iterable[AcceptanceRecord], today: date
) -> tuple[JudgedReason, ...]:
    """Each reason with what the risk's current acceptance for its scope does to it today:
    accepted until its expiry date (inclusive), or standing (with the lapsed acceptance
    named). An acceptance whose scope has no reason now does nothing."""
    by_scope = {a.scope: a for a in acceptances}
    judged = []
    for scope, reason in reasons:
        acceptance = by_scope.get(scope)
        if acceptance is None:
            judged.append(JudgedReason(scope, reason))
        elif today <= acceptance.expires_on:
            judged.append(JudgedReason(scope, reason, accepted=acceptance))
        else:
            judged.append(JudgedReason(scope, reason, expired=acceptance))
    return tuple(judged)


def standing(judged: Iterable[JudgedReason]) -> tuple[str, ...]:
    """The texts of the reasons that stand (a breach), as the flags and filters show them."""
    return tuple(j.text for j in judged if j.stands)


def accepted(judged: Iterable[JudgedReason]) -> tuple[JudgedReason, ...]:
    return tuple(j for j in judged if j.accepted is not None)


def short_text(acceptance: AcceptanceRecord) -> str:
    """``APEX until 2027-03-31 (J Smith)``: the workbook's and the command line's form."""
    return acceptance.short


def recorded_text(scope_name: str, accepted_by: str, expires_on: date, why: str) -> str:
    """The change log's words for a new acceptance (the server's trigger writes the same)."""
    return f"Accepted for {scope_name} by {accepted_by} until {expires_on.isoformat()}: {why}"


def withdrawn_text(scope_name: str, on: date) -> str:
    """The change log's words for an acceptance withdrawn or replaced."""
    return f"Withdrawn for {scope_name} on {on.isoformat()}"


def expiry_problem(expires_on: date, today: date) -> str | None:
    """Why an expiry date cannot be recorded today, or None."""
    if expires_on <= today:
        return "the expiry date must be after today"
    if expires_on > today + LONGEST:
        return (f"an acceptance lasts at most three years: expire it on or before "
                f"{day_text(today + LONGEST)}, then review and accept again")  # fmt: skip
    return None
