"""A foreign workbook's scale values onto the register's levels.

Registers in the wild write likelihood and impact as numbers on their own range (1–3, 1–4,
1–10, 1–100), as words (Rare … Almost certain, Low / Medium / High), as "3 (High)" or
"5 - Extreme", as percentages or percentage bands ("75% to 100%"), or impact as money.
``propose`` turns the distinct values of a column into levels of the register's scheme,
with the reason for each, for the user to check and correct.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from riskreg.exchange.columns import fold
from riskreg.scoring import Level

# Ordered word scales seen in registers; a column whose words all sit on one of them is
# placed by position on it (first word → lowest level, last → highest).
WORD_SCALES: tuple[tuple[str, ...], ...] = (
    ("rare", "unlikely", "possible", "likely", "almost certain"),
    ("remote", "unlikely", "possible", "probable", "highly probable"),
    ("very unlikely", "unlikely", "possible", "likely", "very likely"),
    ("insignificant", "minor", "moderate", "major", "severe"),
    ("insignificant", "minor", "moderate", "major", "catastrophic"),
    ("insignificant", "minor", "moderate", "significant", "severe"),
    ("negligible", "minor", "moderate", "major", "severe"),
    ("negligible", "minor", "moderate", "major", "extreme"),
    ("negligible", "low", "medium", "high", "critical"),
    ("very low", "low", "medium", "high", "very high"),
    ("very low", "low", "moderate", "high", "very high"),
    ("low", "medium", "high", "very high"),
    ("low", "medium", "high"),
    ("low", "moderate", "high"),
    ("minor", "moderate", "major"),
)
UNSPECIFIED = {"", "unspecified", "n/a", "na", "none", "tbc", "tbd", "unknown", "-", "?"}
_LEADING_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:[-–—:.)(]|\s|$)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_PERCENT_BOUNDS_5 = (0.05, 0.20, 0.50, 0.80)
"""Upper bounds of the default likelihood levels 1–4 as probabilities (level 5 above)."""


@dataclass(frozen=True, slots=True)
class ScaleChoice:
    """One distinct workbook value and the level it becomes (None: left empty)."""

    value: str
    level: int | None
    reason: str
    count: int = 0


def text_of(value: Any) -> str:
    """A cell as the mapping table shows it and as a saved mapping keys it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def propose(
    values: Iterable[Any], levels: Sequence[Level], *, axis: str, siblings: Iterable[Any] = ()
) -> list[ScaleChoice]:
    """A level for every distinct value of a likelihood or impact column.

    ``siblings`` are the values of the other columns on the same axis (inherent, residual,
    target): they share one scale, so a residual column that never reaches 4 is not taken
    for a 1–3 scale.
    """
    counts: dict[str, int] = {}
    originals: dict[str, Any] = {}
    for value in values:
        key = text_of(value)
        counts[key] = counts.get(key, 0) + 1
        originals.setdefault(key, value)
    keys = sorted(counts, key=_natural)
    numbers = {k: _number(originals[k]) for k in keys}
    words = [k for k in keys if numbers[k] is None and fold(k) not in _FOLDED_UNSPECIFIED]
    scale = _word_scale([k for k in words if _label_level(k, levels) is None])
    numeric = [n for n in numbers.values() if n is not None]
    axis_numbers = numeric + [n for n in map(_number, siblings) if n is not None]
    source_top = _source_range(axis_numbers, len(levels))
    money = axis == "impact" and numeric and max(numeric) > 100
    choices = []
    for key in keys:
        level, reason = _choose(key, originals[key], numbers[key], levels, scale, source_top,
                                max(numeric) if money else None, axis)  # fmt: skip
        choices.append(ScaleChoice(key, level, reason, counts[key]))
    return choices


_FOLDED_UNSPECIFIED = {fold(word) for word in UNSPECIFIED}


def _choose(
    key: str,
    original: Any,
    number: float | None,
    levels: Sequence[Level],
    scale: tuple[str, ...] | None,
    source_top: int,
    money_top: float | None,
    axis: str,
) -> tuple[int | None, str]:
    top = len(levels)
    if fold(key) in _FOLDED_UNSPECIFIED:
        return None, "no value"
    label = _label_level(key, levels)
    if label is not None:
        return label, f"the scheme's label “{levels[label - 1].label}”"
    percent = _probability(original)
    if percent is not None and axis == "likelihood":
        level = _level_for_probability(percent, top)
        return level, f"probability {percent:.0%} → level {level}"
    if number is not None:
        if money_top:
            level = max(1, math.ceil(number / money_top * top))
            return level, f"amount {number:,.0f} of at most {money_top:,.0f} → level {level}"
        if number <= 0:
            return None, "zero: no value"
        level = 1 + round((number - 1) / max(source_top - 1, 1) * (top - 1))
        level = min(max(level, 1), top)
        return level, f"{_shown(number)} on a 1–{source_top} scale → level {level}"
    if scale is not None:
        position = scale.index(fold_words(key)) / (len(scale) - 1)
        level = 1 + round(position * (top - 1))
        return level, f"“{key}” on the scale {' / '.join(scale)} → level {level}"
    return None, "not recognised: choose a level"


def fold_words(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def _label_level(key: str, levels: Sequence[Level]) -> int | None:
    """``Likely``, ``4 - Likely``, ``4 (Likely)``: the scheme's own labels."""
    wanted = fold(re.sub(r"^\s*\d+(\.\d+)?\s*[-–—:.(]?\s*", "", key).rstrip(")"))
    for level in levels:
        if wanted and fold(level.label) == wanted:
            return level.value
    return None


def _word_scale(words: Sequence[str]) -> tuple[str, ...] | None:
    """The known word scale holding every word of a column (after any leading number)."""
    wanted = {fold_words(_strip_number(w)) for w in words}
    if not wanted:
        return None
    # The shortest scale holding them all: Low / Medium / High is a three-step scale, not
    # the middle of Very low … Very high.
    for scale in sorted(WORD_SCALES, key=len):
        if wanted <= set(scale):
            return scale
    return None


def _strip_number(text: str) -> str:
    return re.sub(r"^\s*\d+(\.\d+)?\s*[-–—:.(]?\s*", "", text).rstrip(") ").strip() or text


def _number(value: Any) -> float | None:
    """The number in ``4``, ``4.0``, ``"4"``, ``"3 (High)"``, ``"5 - Extreme"``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        if "%" in value:
            return None
        match = _LEADING_NUMBER.match(value)
        if match:
            return float(match.group(1))
        try:
            return float(value.replace(",", "").lstrip("£$€"))
        except ValueError:
            return None
    return None


def _probability(value: Any) -> float | None:
    """``75%``, ``0.75`` or a band ``75% to 100%`` (its middle) as a probability."""
    if isinstance(value, float) and 0 < value < 1:
        return value
    if isinstance(value, str):
        found = [float(n) / 100 for n in _PERCENT.findall(value)]
        if found:
            return sum(found) / len(found)
    return None


def _level_for_probability(probability: float, top: int) -> int:
    if top == 5:
        return 1 + sum(probability > bound for bound in _PERCENT_BOUNDS_5)
    return min(top, 1 + int(probability * top))


def _source_range(numbers: Sequence[float], levels: int) -> int:
    """The scale the numbers were drawn from: 1–3 if none is above 3, the register's own
    size if they fit in it (a 1–5 register whose risks never reached 5 is still 1–5), else
    the smallest usual range (1–6, 1–10, 1–100) that holds them all."""
    highest = max(numbers, default=levels)
    if highest <= 3:
        return 3
    if highest <= levels:
        return levels
    for top in (4, 5, 6, 10, 100):
        if highest <= top:
            return top
    return int(highest)


def _natural(key: str) -> tuple[float, str]:
    number = _number(key)
    return (number if number is not None else math.inf, key.casefold())


def _shown(number: float) -> str:
    return str(int(number)) if number.is_integer() else f"{number:g}"
