"""The words other registers use, read once from ``resources/foreign_words.json``.

Header names come from two places, each fact once: the exchange workbook's own headers and
synonyms (``exchange.columns``, which export and import also read) and the further names
seen in other registers (the data file). Scale words, tiers (Inherent / Residual, Gross /
Net …), status, response and proximity words, RAID kinds and the rest are data, so a new
language or a new template's wording is an edit of the file, not of the code.
``python -m riskreg.exchange.vocabulary`` prints the README's list of scales.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from riskreg.choices import Proximity, Response, RiskKind, RiskStatus
from riskreg.exchange.columns import RISK_COLUMNS, fold

EXCHANGE_FIELDS = {"ref": "source_id", "uuid": "ignored", "shares": "ignored",
                   "visibility": "ignored", "inherent_score": "ignored",
                   "current_score": "ignored", "current_band": "ignored",
                   "accepted": "ignored"}  # fmt: skip
"""Exchange columns that mean something else in another register: its ``Ref`` is that
register's own id, kept in the description; computed and register-only columns are
recognised (they help find the header) but not imported."""

TIERS = ("inherent", "current", "target")
AXES = ("likelihood", "impact", "score")


@functools.lru_cache(maxsize=1 << 16)
def sign_key(text: str) -> str:
    """A type word as compared: ``key``, except that a lone sign (``+``, ``-``, ``−``,
    ``+ve``) keeps its sign, since it is the whole of what the cell says."""
    stripped = text.strip().casefold().replace("\u2212", "-")
    if stripped[:1] in ("+", "-") and len(stripped) <= 3:
        return stripped
    return key(text)


def key(text: str) -> str:
    """A word or header as compared: case, accents, spaces and punctuation ignored.

    Cached: a register repeats its statuses, categories and levels in every row.
    """
    if text.isascii():
        return fold(text)
    decomposed = unicodedata.normalize("NFKD", text)
    return fold("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@functools.lru_cache(maxsize=1 << 16)
def words_key(text: str) -> str:
    """Like ``key`` but keeping word boundaries, for scale words (``very low``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("-", " "))
    plain = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(plain.split())


def mark_key(text: str) -> str:
    """A tick as compared: ``X``, ``x ``, ``✓`` (symbols are kept, unlike in ``key``)."""
    return text.strip().casefold()


@dataclass(frozen=True, slots=True)
class Name:
    """What one header names, and how sure that is."""

    field: str
    confidence: float
    source: str
    """``exchange`` (the exchange workbook's own names) or ``data`` (the data file)."""


@dataclass(frozen=True)
class Scale:
    """An ordered word scale: each step's words, lowest first."""

    name: str
    axis: str
    """``likelihood``, ``impact`` or ``any``."""
    language: str
    steps: tuple[tuple[str, ...], ...]

    @functools.cached_property
    def position(self) -> dict[str, int]:
        return {words_key(w): i for i, words in enumerate(self.steps) for w in words}


@dataclass(frozen=True)
class Vocabulary:
    names: dict[str, Name]
    title_with_asset: frozenset[str]
    tiers: dict[str, str]
    axes: dict[str, str]
    scales: tuple[Scale, ...]
    fibonacci: tuple[int, ...]
    marks: frozenset[str]
    unspecified: frozenset[str]
    totals: frozenset[str]
    status: dict[str, RiskStatus]
    escalated: frozenset[str]
    """Status words saying a risk is escalated: a level of the ladder here, not a status."""
    response: dict[str, Response]
    """A threat's response words."""
    opportunity_response: dict[str, Response]
    """An opportunity's (PRINCE2's Exploit, Enhance, Share, Reject)."""
    kind: dict[str, RiskKind]
    """Words a type column says threat or opportunity with (signs included, as written)."""
    proximity: dict[str, Proximity]
    raid: dict[str, str]
    legal_suffixes: frozenset[str]
    data_names: dict[str, tuple[str, ...]]
    """The data file's own names per field (tests check they repeat nothing)."""


def _names(data: dict[str, list[str]]) -> dict[str, Name]:
    names: dict[str, Name] = {}
    for column in RISK_COLUMNS:
        field = EXCHANGE_FIELDS.get(column.field, column.field)
        names.setdefault(key(column.header), Name(field, 1.0, "exchange"))
        for rank, synonym in enumerate(column.synonyms):  # the first is the likeliest
            names.setdefault(key(synonym), Name(field, round(0.95 - rank * 0.01, 3), "exchange"))
        names.setdefault(key(column.field), Name(field, 0.95, "exchange"))
    for field, words in data.items():
        for rank, word in enumerate(words):  # earlier names are preferred (Risk name > Issue)
            names.setdefault(key(word), Name(field, round(0.9 - rank * 0.005, 3), "data"))
    return names


def _words(mapping: dict[str, list[str]], kind: Any) -> dict[str, Any]:
    return {key(word): kind(value) for value, words in mapping.items() for word in words}


@functools.cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (read once per process)."""
    data = json.loads(files("resources").joinpath("foreign_words.json").read_text("utf-8"))
    return Vocabulary(
        names=_names(data["fields"]),
        title_with_asset=frozenset(key(w) for w in data["title_with_asset"]),
        tiers={key(w): tier for tier, words in data["tiers"].items() for w in words},
        axes={key(w): axis for axis, words in data["axes"].items() for w in words},
        scales=tuple(
            Scale(s["name"], s["axis"], s["language"], tuple(tuple(step) for step in s["steps"]))
            for s in data["scales"]
        ),
        fibonacci=tuple(data["fibonacci"]),
        marks=frozenset(mark_key(w) for w in data["marks"]),
        unspecified=frozenset(key(w) for w in data["unspecified"]),
        totals=frozenset(words_key(w) for w in data["totals"]),
        status=_words(data["status"], RiskStatus),
        escalated=frozenset(key(w) for w in data["escalated"]),
        response=_words(data["response"], Response),
        opportunity_response=_words(data["opportunity_response"], Response),
        kind={
            sign_key(word): RiskKind(value)
            for value, words in data["kind"].items()
            for word in words
        },
        proximity=_words(data["proximity"], Proximity),
        raid={key(word): kind for kind, words in data["raid"].items() for word in words},
        legal_suffixes=frozenset(key(w) for w in data["legal_suffixes"]),
        data_names={field: tuple(words) for field, words in data["fields"].items()},
    )


def markdown_scales() -> str:
    """The README's list of the word scales read without asking, by language."""
    by_language: dict[str, list[str]] = {}
    for scale in vocabulary().scales:
        by_language.setdefault(scale.language, []).append(
            " / ".join(step[0] for step in scale.steps)
        )
    return "\n".join(
        f"- **{language}**: " + "; ".join(scales) for language, scales in by_language.items()
    )


if __name__ == "__main__":
    print(markdown_scales())


def alike(name: str, others: Iterable[str]) -> str | None:
    """Another name that looks like another form of ``name`` ("Strategy" for "Strategic",
    "Financial" for "Finance"): they share a beginning of at least five letters and three
    quarters of the shorter one. A suggestion only: it never decides."""
    mine = key(name)
    for other in others:
        theirs = key(other)
        if theirs == mine:
            continue
        shortest = min(len(mine), len(theirs))
        differ = (i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b)
        shared = next(differ, shortest)
        if shared >= 5 and shared >= 0.75 * shortest:
            return other
    return None
