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
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from riskreg.records import AcceptanceRecord

if TYPE_CHECKING:
    from riskreg.governance import AppetiteFinding

Scope = str | None
"""A partner code, or None for the partnership as a whole."""


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
    """One appetite finding on one day: standing, accepted, or standing again after expiry."""

    finding: AppetiteFinding
    """Whose appetite, warning or breach, and why (``riskreg.governance.appetite_reasons``)."""
    accepted: AcceptanceRecord | None = None
    """The acceptance that covers it today."""
    expired: AcceptanceRecord | None = None
    """The acceptance that covered it until it lapsed (the finding stands again)."""

    @property
    def scope(self) -> Scope:
        return self.finding.scope

    @property
    def reason(self) -> str:
        return self.finding.reason

    @property
    def stands(self) -> bool:
        """Above appetite and not accepted today: a warning or a breach."""
        return self.accepted is None

    @property
    def text(self) -> str:
        if self.accepted is not None:
            a = self.accepted
            # the reason names the scope: "High: above appetite of APEX (…)"
            return f"accepted until {day_text(a.expires_on)} ({a.accepted_by}): {self.reason}"
        if self.expired is not None:
            return f"{self.reason}; acceptance expired on {day_text(self.expired.expires_on)}"
        return self.reason


def judge(
    findings: Sequence[AppetiteFinding], acceptances: Iterable[AcceptanceRecord], today: date
) -> tuple[JudgedReason, ...]:
    """Each finding with what the risk's current acceptance for its scope does to it today:
    accepted until its expiry date (inclusive), or standing (with the lapsed acceptance
    named). An acceptance whose scope has no finding now does nothing."""
    by_scope = {a.scope: a for a in acceptances}
    judged = []
    for finding in findings:
        acceptance = by_scope.get(finding.scope)
        if acceptance is None:
            judged.append(JudgedReason(finding))
        elif not honoured(acceptance.accepted_on, acceptance.expires_on, today):
            judged.append(JudgedReason(finding))  # never written by the rules: ``check`` says
        elif today <= acceptance.expires_on:
            judged.append(JudgedReason(finding, accepted=acceptance))
        else:
            judged.append(JudgedReason(finding, expired=acceptance))
    return tuple(judged)


def honoured(accepted_on: date, expires_on: date, today: date) -> bool:
    """Whether an acceptance is one the rules could have recorded: made by today, expiring
    after its day and at most three years after it. One that is not (from another tool, or
    a register file edited by hand: "until 2999") covers nothing."""
    return accepted_on <= today and accepted_on < expires_on <= accepted_on + LONGEST


def standing(judged: Iterable[JudgedReason]) -> tuple[AppetiteFinding, ...]:
    """The findings that stand today, a lapsed acceptance named in their reason, as the
    flags, filters, outlines and escalation count them."""
    return tuple(
        replace(j.finding, reason=j.text) if j.expired is not None else j.finding
        for j in judged
        if j.stands
    )


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
