"""A foreign workbook's scale values onto the register's levels, with the reason for each.

Registers in the wild write likelihood and impact as numbers on their own range (1–3, 1–4,
1–5, 1–10, 1–100, a modified Fibonacci 1 … 100), as words on a known scale in one of several
languages (Rare … Almost certain, Low / Medium / High, Isel / Canolig / Uchel, Basso / Medio
/ Alto …), as letters (L / M / H, VL … VH), as "3 (High)" or "5 - Extreme", as percentages,
probability decimals or bands ("75% to 100%"), or impact as money. ``propose`` gives each
distinct value of a column a level of the register's scheme, proportionally: each step of
the source scale takes the level that holds its middle. The words are data
(``resources/foreign_words.json``); what nothing explains is left without a level, for the
user to choose (its risks come in unrated until then).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from riskreg.exchange.vocabulary import Scale, key, vocabulary, words_key
from riskreg.scoring import Level

_LEADING_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:[-–—:.)(]|\s|$)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_RANGE = re.compile(r"(\d+)\s*(?:-|–|—|to|…|\.\.)\s*(\d+)")
_NUMBER_PREFIX = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[-–—:.(]?\s*")
PROSE_CHARACTERS = 25
PROSE_WORDS = 4

# What kind of reading a choice is: only some are worth telling the user about.
SAME = "same"  # the scheme's own label, or a number on the register's own range
MAPPED = "mapped"  # read onto the register's levels from another scale
NONE = "none"  # deliberately no value ("n/a", "TBC")
PROSE = "prose"  # a description, not a level: kept in the description
UNKNOWN = "unknown"  # nothing explains it: the user chooses
CHOSEN = "chosen"  # chosen by the user, or by a saved mapping


@dataclass(frozen=True, slots=True)
class ScaleChoice:
    """One distinct workbook value and the level it becomes (None: no level)."""

    value: str
    level: int | None
    reason: str
    count: int = 0
    kind: str = UNKNOWN


def text_of(value: Any) -> str:
    """A cell as the mapping table shows it and as a saved mapping keys it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_prose(text: str) -> bool:
    """A sentence rather than a level ("Loss of revenue and adverse press coverage")."""
    return (
        len(text) >= PROSE_CHARACTERS
        and len(text.split()) >= PROSE_WORDS
        and not _LEADING_NUMBER.match(text)
    )


def range_of(header: str) -> tuple[int, int] | None:
    """The range a header states: ``Likelihood (1-5)``, ``Impact 1 to 4``."""
    found = _RANGE.search(header)
    if not found:
        return None
    low, high = int(found.group(1)), int(found.group(2))
    return (low, high) if 0 <= low < high <= 1000 else None


def propose(
    values: Iterable[Any],
    levels: Sequence[Level],
    *,
    axis: str,
    siblings: Iterable[Any] = (),
    stated: tuple[int, int] | None = None,
    across: Iterable[Any] = (),
) -> list[ScaleChoice]:
    """A level for every distinct value of a likelihood or impact column.

    ``siblings`` are the values of the other columns on the same axis (inherent, residual,
    target): they share one scale, so a residual column that never reaches 4 is not taken
    for a 1–3 scale, nor a column of "Low" alone for the low end of Very low … Very high.
    ``stated`` is a range the header gives ("Likelihood (1-5)"). ``across`` are the other
    axis's values: registers score both axes on one range, so likelihoods that never pass 3
    beside impacts that reach 5 are on 1–5, not 1–3.
    """
    own = _distinct(values)
    axis_values = dict(own)
    for text, (original, count) in _distinct(siblings).items():
        held = axis_values.get(text)
        axis_values[text] = (original, count + (held[1] if held else 0))
    reader = _Reader(levels, axis, axis_values, stated, _distinct(across))
    choices = []
    for text, (original, count) in own.items():
        level, reason, kind = reader.read(text, original)
        choices.append(ScaleChoice(text, level, reason, count, kind))
    # Lowest level first, the values with none at the end, where the user looks for them.
    choices.sort(key=lambda c: (c.level is None, c.level or 0, *_natural(c.value)))
    return choices


def _distinct(values: Iterable[Any]) -> dict[str, tuple[Any, int]]:
    """Each distinct value (as text) with the first cell holding it and how many do."""
    found: dict[str, tuple[Any, int]] = {}
    for value in values:
        text = text_of(value)
        held = found.get(text)
        found[text] = (value, 1) if held is None else (held[0], held[1] + 1)
    return found


class _Reader:
    """The scale a column's values (and its siblings') were drawn from, and each value on it.

    It looks at each distinct value once (a register repeats a handful of levels).
    """

    def __init__(
        self,
        levels: Sequence[Level],
        axis: str,
        values: dict[str, tuple[Any, int]],
        stated: tuple[int, int] | None,
        across: dict[str, tuple[Any, int]] | None = None,
    ) -> None:
        self.levels = levels
        self.top = len(levels)
        self.axis = axis
        self.vocabulary = vocabulary()
        words = {
            words_key(_without_number(t))
            for t, (v, _) in values.items()
            if t and _number(v) is None and _probability(v) is None and not is_prose(t)
            and self._label(t) is None and key(t) not in self.vocabulary.unspecified
        }  # fmt: skip
        self.words = words
        self.scale = _best_scale(words, axis, self.vocabulary.scales)
        counted = [
            (n, c) for n, c in ((_number(v), c) for v, c in values.values()) if n is not None
        ]
        numbers = [n for n, _ in counted]
        self.money = axis == "impact" and bool(numbers) and max(numbers) > 100 and not stated
        self.money_top = max(numbers) if numbers else 0.0
        self.fibonacci = not stated and _is_fibonacci(numbers, self.vocabulary.fibonacci)
        beside = [(n, c) for n, c in ((_number(v), c) for v, c in (across or {}).values())
                  if n is not None and n <= 10]  # fmt: skip
        evidence = sum(c for _, c in counted) + sum(c for _, c in beside)
        highest = max([*numbers, *(n for n, _ in beside)], default=float(self.top))
        self.low, self.high = stated or (1, _source_range(highest, evidence, self.top))
        self.bounds = _probability_bounds(levels) if axis == "likelihood" else None

    def read(self, text: str, original: Any) -> tuple[int | None, str, str]:
        """(level, why, kind) for one distinct value."""
        if key(text) in self.vocabulary.unspecified:
            return None, "no value", NONE
        label = self._label(text)
        if label is not None:
            return label, f"the scheme's label “{self.levels[label - 1].label}”", SAME
        probability = _probability(original)
        if probability is not None:
            return self._probability_level(probability)
        number = _number(original)
        if number is not None:
            return self._number_level(number)
        if is_prose(text):
            return None, "a description, not a level: kept in the description", PROSE
        word = words_key(_without_number(text))
        # The column's own scale first; a word it lacks, on the scale that has it (a
        # bilingual register, or two partners' words in one column).
        having = [s for s in self.vocabulary.scales if word in s.position]
        for scale in (self.scale, _best_scale(self.words | {word}, self.axis, having)):
            position = scale.position.get(word) if scale is not None else None
            if scale is not None and position is not None:
                level = _step_level(position, len(scale.steps), self.top)
                return (level, f"step {position + 1} of {len(scale.steps)} on {scale.name} "
                               f"({scale.language})", MAPPED)  # fmt: skip
        parts = [p for p in re.split(r"\s*/\s*", text) if p]
        if len(parts) > 1:  # "Uchel / High"
            read = {self.read(p, p)[0] for p in parts}
            (agreed,) = read if len(read) == 1 else (None,)
            if agreed is not None:
                return agreed, f"each of “{text}” reads as level {agreed}", MAPPED
        return None, "not a level of any known scale: choose one", UNKNOWN

    def _label(self, text: str) -> int | None:
        """``Likely``, ``4 - Likely``, ``4 (Likely)``: the scheme's own labels."""
        wanted = key(_without_number(text))
        for level in self.levels:
            if wanted and key(level.label) == wanted:
                return level.value
        return None

    def _probability_level(self, probability: float) -> tuple[int | None, str, str]:
        if self.bounds is not None:
            level = 1 + sum(probability > bound for bound in self.bounds)
            described = self.levels[level - 1].description
            return level, f"probability {probability:.0%}: the scheme's “{described}”", MAPPED
        level = min(self.top, math.floor(probability * self.top) + 1)
        return level, f"{probability:.0%} of the way up the scale", MAPPED

    def _number_level(self, number: float) -> tuple[int | None, str, str]:
        if self.money:
            level = min(self.top, max(1, math.ceil(number / self.money_top * self.top)))
            return level, f"amount {number:,.0f} of at most {self.money_top:,.0f}", MAPPED
        if self.fibonacci:
            sequence = self.vocabulary.fibonacci
            position = min(range(len(sequence)), key=lambda i: abs(sequence[i] - number))
            level = _step_level(position, len(sequence), self.top)
            return (level, f"step {position + 1} of {len(sequence)} on the modified Fibonacci "
                           f"scale {sequence[0]} … {sequence[-1]}", MAPPED)  # fmt: skip
        if number < self.low or (number <= 0 and self.low >= 1):
            return (
                None,
                f"{_shown(number)} is below the scale ({self.low}–{self.high}): no value",
                NONE,
            )
        steps = self.high - self.low + 1
        level = _step_level(min(number, self.high) - self.low, steps, self.top)
        if number > self.high:
            return (
                level,
                f"{_shown(number)} is above its header's {self.low}–{self.high} scale: its top",
                MAPPED,
            )
        if (self.low, self.high) == (1, self.top) and number.is_integer():
            return level, f"{_shown(number)} on the register's own 1–{self.top} scale", SAME
        return level, f"{_shown(number)} on a {self.low}–{self.high} scale", MAPPED


def _step_level(position: float, steps: int, top: int) -> int:
    """The level holding the middle of a source step: each of ``steps`` equal shares of the
    range lands where its centre falls on 1 … ``top`` (3 steps on 5 levels: 1, 3, 5)."""
    return max(1, min(top, math.floor((position + 0.5) * top / steps) + 1))


def _best_scale(words: set[str], axis: str, scales: Sequence[Scale]) -> Scale | None:
    """The known scale holding the most of the words, the shortest on a tie (Low / Medium
    / High is a three-step scale, not the middle of Very low … Very high)."""
    if not words:
        return None
    best: tuple[int, int, int] | None = None
    chosen = None
    for order, scale in enumerate(scales):
        if scale.axis not in (axis, "any"):
            continue
        covered = len(words & scale.position.keys())
        if not covered:
            continue
        rank = (-covered, len(scale.steps), order)
        if best is None or rank < best:
            best, chosen = rank, scale
    return chosen


def _without_number(text: str) -> str:
    return _NUMBER_PREFIX.sub("", text).rstrip(") ").strip() or text


def _number(value: Any) -> float | None:
    """The number in ``4``, ``4.0``, ``"4"``, ``"3 (High)"``, ``"5 - Extreme"``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        if "%" in value:
            return None
        match = _LEADING_NUMBER.match(value)
        if match:
            return float(match.group(1).replace(",", "."))
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
        if found and all(0 <= p <= 1 for p in found):
            return sum(found) / len(found)
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if 0 < number < 1 else None
    return None


def _probability_bounds(levels: Sequence[Level]) -> tuple[float, ...] | None:
    """Upper bounds of levels 1 … n-1 as the scheme's own descriptions state them ("Less
    than 5 %", "5–20 %" …), if every one of them does; else None (read proportionally)."""
    bounds = []
    for level in levels[:-1]:
        found = [float(n) for n in _PERCENT_NUMBER.findall(level.description)]
        if not found:
            return None
        bounds.append(max(found) / 100)
    if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
        return None
    return tuple(bounds)


_PERCENT_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?=\s*%|\s*[–-]\s*\d+(?:\.\d+)?\s*%)")
"""A number in a percentage or percentage range: both 5 and 20 in "5–20 %"."""


def _is_fibonacci(numbers: Sequence[float], sequence: Sequence[int]) -> bool:
    """Estimates on the modified Fibonacci scale (1, 2, 3, 5, 8, 13, 20, 40, 100): every value
    on it, at least three different ones, one of them past the usual 1–5 or 1–10."""
    distinct = set(numbers)
    return (
        len(distinct) >= 3
        and distinct <= set(map(float, sequence))
        and max(distinct) >= 13
        and not {4.0, 6.0, 7.0, 9.0, 10.0} & distinct
    )


THREE_STEP_EVIDENCE = 5
"""Values it takes to read a column that never passes 3 as a 1–3 scale: fewer could be a
small 1–5 register whose risks are all low."""


def _source_range(highest: float, evidence: int, levels: int) -> int:
    """The scale numbers up to ``highest`` were drawn from: 1–3 if none of enough values
    (``evidence``) is above 3, the register's own size if they fit in it (a 1–5 register
    whose risks never reached 5 is still 1–5), else the smallest usual range (1–4, 1–5,
    1–6, 1–10, 1–100) holding them."""
    if highest <= 3 and evidence >= THREE_STEP_EVIDENCE:
        return 3
    if highest <= levels:
        return levels
    for top in (4, 5, 6, 10, 100):
        if highest <= top:
            return top
    return math.ceil(highest)


def _natural(text: str) -> tuple[float, str]:
    number = _number(text)
    return (number if number is not None else math.inf, text.casefold())


def _shown(number: float) -> str:
    return str(int(number)) if number.is_integer() else f"{number:g}"
