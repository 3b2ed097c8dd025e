"""What a new partnership starts from: scoring-scheme presets and the Orange Book's example
risk categories. Pure values, shared by the set-up wizard and ``riskreg init``."""

from __future__ import annotations

from riskreg.scoring import DEFAULT_BANDS, Level, ScoringScheme, derived_cells

ORANGE_BOOK_CATEGORIES = (
    "Strategy", "Governance", "Operations", "Legal", "Property", "Financial", "Commercial",
    "People", "Technology", "Information", "Security", "Project/Programme", "Reputational",
)  # fmt: skip
"""The example risk categories of HM Treasury's Orange Book (2020, Annex 4)."""

CATEGORY_SETS = {"orange-book": ORANGE_BOOK_CATEGORIES, "none": ()}

_FOUR_LIKELIHOOD = (
    Level(1, "Unlikely", "Less than 10 % within the year"),
    Level(2, "Possible", "10–40 % within the year"),
    Level(3, "Likely", "40–75 % within the year"),
    Level(4, "Very likely", "More than 75 % within the year"),
)
_FOUR_IMPACT = (
    Level(1, "Minor", "Absorbed within a partner"),
    Level(2, "Moderate", "Noticeable delay, cost or service effect across partners"),
    Level(3, "Major", "Serious harm to objectives, finances or reputation"),
    Level(4, "Severe", "Objectives of the partnership cannot be met"),
)
_THREE = (
    Level(1, "Low", ""),
    Level(2, "Medium", ""),
    Level(3, "High", ""),
)

PRESETS = {
    "5x5": "5 × 5: Rare … Almost certain, Negligible … Severe (the usual UK public-sector matrix)",
    "4x4": "4 × 4: Unlikely … Very likely, Minor … Severe",
    "3x3": "3 × 3: Low, Medium, High on both axes",
}
"""The schemes a new register can start from, with what each holds."""


def preset_scheme(name: str) -> ScoringScheme:
    """A preset by its name in ``PRESETS``; KeyError for any other."""
    if name == "5x5":
        return ScoringScheme.default()
    if name == "4x4":
        return ScoringScheme(_FOUR_LIKELIHOOD, _FOUR_IMPACT, DEFAULT_BANDS, derived_cells(4, 4),
                             name="4×4")  # fmt: skip
    if name == "3x3":
        three = tuple(Level(lv.value, lv.label, f"{lv.label} likelihood") for lv in _THREE)
        impacts = tuple(Level(lv.value, lv.label, f"{lv.label} impact") for lv in _THREE)
        return ScoringScheme(three, impacts, DEFAULT_BANDS, derived_cells(3, 3), name="3×3")
    raise KeyError(name)
