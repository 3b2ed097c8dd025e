"""Whose a risk is: one rule for every writer (the services, the workbook's merge, the
server's triggers mirror it) and every reader (filters, heat maps, packs).

A Joint risk is held by the partners of its split, the lead among them with more than 0 %.
An Internal risk belongs to its lead partner alone: no other partner holds a share of it or
owns one of its actions, so nothing a partner may not see is "its" risk anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from riskreg.choices import Visibility
from riskreg.errors import Problem
from riskreg.records import Shares


def holders_of(visibility: Visibility, lead: str, shares: Shares) -> set[str]:
    """The partners a risk is "of" (its filter, map and pack page): its lead and, for a
    Joint risk, the partners of its split. An older register's share in an Internal risk
    makes no partner a holder of it."""
    if visibility is Visibility.INTERNAL:
        return {lead}
    return {lead, *(code for code, _ in shares)}


def lead_share_problem(lead: str, shares: Shares) -> Problem | None:
    """The lead partner holds part of every risk it leads."""
    if any(code == lead and percent > 0 for code, percent in shares):
        return None
    return Problem("shares", f"the lead partner {lead} must hold a share of the risk "
                             "(more than 0 %): give it part of the split, or choose another "
                             "lead")  # fmt: skip


def internal_share_problem(visibility: Visibility, lead: str, shares: Shares) -> Problem | None:
    """Other partners' shares in an Internal risk."""
    if visibility is not Visibility.INTERNAL:
        return None
    others = sorted(code for code, _ in shares if code != lead)
    if not others:
        return None
    return Problem("shares", f"an Internal risk belongs to its lead partner alone: "
                             f"{', '.join(others)} cannot hold a share of it (make the risk "
                             "Joint to share it)")  # fmt: skip


def internal_action_problem(
    visibility: Visibility, lead: str, owners: Sequence[tuple[str, str]], field: str = "visibility"
) -> Problem | None:
    """Actions of an Internal risk owned by other partners (``owners``: ref, partner)."""
    if visibility is not Visibility.INTERNAL:
        return None
    others = [f"{ref} ({code})" for ref, code in owners if code != lead]
    if not others:
        return None
    return Problem(field, f"an Internal risk belongs to its lead partner alone, but "
                          f"{', '.join(others)} {'is' if len(others) == 1 else 'are'} owned by "
                          f"another partner: make the risk Joint, or give "
                          f"{'it' if len(others) == 1 else 'them'} to {lead}")  # fmt: skip


def action_owner_problem(
    visibility: Visibility, lead: str, partner: str, risk_ref: str
) -> Problem | None:
    """A new or re-owned action of an Internal risk is its lead partner's."""
    if visibility is not Visibility.INTERNAL or partner == lead:
        return None
    return Problem("partner", f"{risk_ref} is Internal to {lead}: only {lead} owns its actions "
                              f"(make the risk Joint for {partner} to own one)")  # fmt: skip


def belonging_problems(
    visibility: Visibility, lead: str, shares: Shares, owners: Sequence[tuple[str, str]] = ()
) -> list[Problem]:
    """Every breach of the rule by a risk's visibility, lead, split and action owners."""
    found = (
        lead_share_problem(lead, shares),
        internal_share_problem(visibility, lead, shares),
        internal_action_problem(visibility, lead, owners),
    )
    return [problem for problem in found if problem is not None]
