"""Counts in words: "1 risk", "3 risks", "1 update", "1,200 actions"."""

from __future__ import annotations

IRREGULAR = {"is": "are", "was": "were", "has": "have", "category": "categories",
             "entry": "entries", "copy": "copies", "this": "these"}  # fmt: skip


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """The count and the noun in the right number, with thousands separators."""
    return f"{count:,} {noun if count == 1 else (plural_form or plural_of(noun))}"


def plural_of(noun: str) -> str:
    """The plural of a noun this application counts (its own words, not English at large)."""
    head, _, last = noun.rpartition(" ")
    word = IRREGULAR.get(last)
    if word is None:
        word = last + ("es" if last.endswith(("s", "x", "ch", "sh")) else "s")
    return f"{head} {word}" if head else word
