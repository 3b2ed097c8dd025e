"""The fixed lists a field of the register chooses from (status, response, …).

Kept apart from the ORM classes so that the records, the window and the first look at a
register can name them without importing SQLAlchemy (a third of a second at start-up).
Stored by value, so a register file reads the same in any SQLite browser.
"""

from __future__ import annotations

import enum


class RiskStatus(enum.StrEnum):
    """Where a risk is in its life. How far it is escalated is its ``EscalationLevel`` alone
    (schema 0008 moved the old status "Escalated" onto the ladder)."""

    DRAFT = "Draft"
    OPEN = "Open"
    CLOSED = "Closed"


class Visibility(enum.StrEnum):
    JOINT = "Joint"
    INTERNAL = "Internal"


class RiskKind(enum.StrEnum):
    """A threat harms the partnership's objectives; an opportunity would further them."""

    THREAT = "Threat"
    OPPORTUNITY = "Opportunity"


class Response(enum.StrEnum):
    """The four Ts for a threat; PRINCE2's Exploit, Enhance, Share and Reject for an
    opportunity (``responses_for``)."""

    TREAT = "Treat"
    TOLERATE = "Tolerate"
    TRANSFER = "Transfer"
    TERMINATE = "Terminate"
    EXPLOIT = "Exploit"
    ENHANCE = "Enhance"
    SHARE = "Share"
    REJECT = "Reject"


THREAT_RESPONSES = (Response.TREAT, Response.TOLERATE, Response.TRANSFER, Response.TERMINATE)
OPPORTUNITY_RESPONSES = (Response.EXPLOIT, Response.ENHANCE, Response.SHARE, Response.REJECT)


def responses_for(kind: RiskKind) -> tuple[Response, ...]:
    """The responses a risk of this kind may take."""
    return OPPORTUNITY_RESPONSES if kind is RiskKind.OPPORTUNITY else THREAT_RESPONSES


class Proximity(enum.StrEnum):
    """When the risk could happen: drives urgency beside the score."""

    IMMINENT = "Imminent (within a month)"
    NEAR = "Within 6 months"
    YEAR = "Within 12 months"
    LATER = "Beyond 12 months"


class ActionStatus(enum.StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    DONE = "Done"
    CANCELLED = "Cancelled"


class EscalationLevel(enum.StrEnum):
    """The route from the working level to each partner's senior executive (ISO 44001)."""

    OPERATIONAL = "Operational"
    JOINT_MANAGEMENT = "Joint management team"
    SENIOR_EXECUTIVE = "Senior executive responsible"


class Decision(enum.StrEnum):
    """What a joint review decided about a risk it discussed."""

    ACCEPTED = "Accepted"
    ESCALATED = "Escalated"
    CLOSED = "Closed"
    ACTION_AGREED = "Action agreed"


class AppetiteLevel(enum.StrEnum):
    """How much risk a partnership or partner is prepared to take in a category, in the
    Orange Book's words, from least to most (``ScoringScheme.appetite_levels`` gives each its
    appetite and tolerance band)."""

    AVERSE = "Averse"
    MINIMAL = "Minimal"
    CAUTIOUS = "Cautious"
    OPEN = "Open"
    EAGER = "Eager"
