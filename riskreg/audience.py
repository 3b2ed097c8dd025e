"""Who a printed heat map or meeting pack is for, and so which risks it may show.

A pack goes to a partnership board: every partner may see the joint risks, but an Internal
risk belongs to its lead partner alone. So every paper (and PDF, and PNG) names its
audience, and the one rule here decides what it holds:

- *joint* (the default): the joint risks only — what every partner may see;
- *partner P*: the joint risks and P's own Internal risks (for P's own people);
- *internal* (the keeper's view): every risk, each page marked "Internal — not for
  circulation".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from riskreg.choices import Visibility

INTERNAL_MARKING = "Internal — not for circulation"


class AudienceKind(enum.StrEnum):
    JOINT = "joint"
    PARTNER = "partner"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class Audience:
    """Who will see the paper; ``partner`` is set for a partner's own pack."""

    kind: AudienceKind = AudienceKind.JOINT
    partner: str | None = None

    def __post_init__(self) -> None:
        if (self.kind is AudienceKind.PARTNER) != bool(self.partner):
            raise ValueError("a partner audience names its partner, and only it does")

    @classmethod
    def joint(cls) -> Audience:
        return cls()

    @classmethod
    def for_partner(cls, code: str) -> Audience:
        return cls(AudienceKind.PARTNER, code)

    @classmethod
    def internal(cls) -> Audience:
        return cls(AudienceKind.INTERNAL)

    @classmethod
    def parse(cls, text: str) -> Audience:
        """``joint``, ``internal`` or a partner code (as the command line takes it)."""
        word = text.strip()
        if word.casefold() == "joint":
            return cls.joint()
        if word.casefold() == "internal":
            return cls.internal()
        return cls.for_partner(word.upper())

    @property
    def token(self) -> str:
        """The inverse of ``parse``."""
        return self.partner if self.partner else self.kind.value

    def admits(self, visibility: Visibility, lead_partner: str) -> bool:
        """Whether a risk of this visibility and lead may appear on this audience's paper."""
        if self.kind is AudienceKind.INTERNAL or visibility is Visibility.JOINT:
            return True
        return self.kind is AudienceKind.PARTNER and lead_partner == self.partner

    @property
    def caption(self) -> str:
        """What the risks shown are, for a heat map's caption."""
        if self.kind is AudienceKind.JOINT:
            return "joint risks"
        if self.kind is AudienceKind.PARTNER:
            return f"joint risks and {self.partner}'s internal risks"
        return "every risk, joint and internal"

    @property
    def marking(self) -> str:
        """The line on every page saying who may read it."""
        if self.kind is AudienceKind.JOINT:
            return "Joint risks — for every partner"
        if self.kind is AudienceKind.PARTNER:
            return f"For {self.partner} only — holds {self.partner}'s internal risks"
        return INTERNAL_MARKING

    @property
    def restricted(self) -> bool:
        """The paper holds Internal risks (so must not go to every partner)."""
        return self.kind is not AudienceKind.JOINT

    def describe(self, partner_names: dict[str, str] | None = None) -> str:
        """For a pack's cover: who it is for, in a sentence."""
        if self.kind is AudienceKind.JOINT:
            return (
                "Every partner may see this: it holds the joint risks only, none of a "
                "partner's internal risks."
            )
        if self.kind is AudienceKind.PARTNER:
            name = (partner_names or {}).get(self.partner or "", "")
            who = f"{name} ({self.partner})" if name else str(self.partner)
            return (
                f"For {who} only: the joint risks and {self.partner}'s own internal risks. "
                "Not for other partners."
            )
        return "The keeper's internal view: every risk, joint and internal. Not for circulation."
