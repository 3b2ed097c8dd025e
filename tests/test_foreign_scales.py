"""Scales mapped without asking where the meaning is plain: words in nine languages,
letters, numbers on any range, percentages, probabilities, bands, a modified Fibonacci,
X marks and level text with a number; each read proportionally onto the register's levels
and said once per value ("Register!B2: “VH” read as 5 – Almost certain …")."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from riskreg.exchange.columns import RISK_COLUMNS
from riskreg.exchange.foreign import plan_foreign
from riskreg.exchange.scales import propose, text_of
from riskreg.exchange.vocabulary import (
    EXCHANGE_FIELDS,
    key,
    markdown_scales,
    vocabulary,
    words_key,
)
from riskreg.scoring import ScoringScheme
from riskreg.service import RegisterService
from tests.foreign_workbooks import converted, letters_and_numbered_words, numbers_on, write

SCHEME = ScoringScheme.default()


def levels(values: list[Any], axis: str = "likelihood", **options: Any) -> list[int | None]:
    axis_levels = SCHEME.likelihood if axis == "likelihood" else SCHEME.impact
    chosen = {c.value: c.level for c in propose(values, axis_levels, axis=axis, **options)}
    return [chosen[text_of(v)] for v in values]


# -- words -----------------------------------------------------------------------------------
LANGUAGES = {
    "Welsh": (["Prin", "Annhebygol", "Posibl", "Tebygol", "Bron yn sicr"],
              ["Dibwys", "Bach", "Cymedrol", "Mawr", "Trychinebus"],
              ["Isel", "Canolig", "Uchel"]),
    "French": (["Rare", "Peu probable", "Possible", "Probable", "Presque certain"],
               ["Insignifiant", "Mineur", "Modéré", "Majeur", "Catastrophique"],
               ["Faible", "Moyen", "Élevé"]),
    "German": (["Selten", "Unwahrscheinlich", "Möglich", "Wahrscheinlich", "Fast sicher"],
               ["Unbedeutend", "Gering", "Moderat", "Erheblich", "Katastrophal"],
               ["Niedrig", "Mittel", "Hoch"]),
    "Spanish": (["Raro", "Improbable", "Posible", "Probable", "Casi seguro"],
                ["Insignificante", "Menor", "Moderado", "Mayor", "Catastrófico"],
                ["Baja", "Media", "Alta"]),
    "Italian": (["Raro", "Improbabile", "Possibile", "Probabile", "Quasi certo"],
                ["Insignificante", "Minore", "Moderato", "Maggiore", "Catastrofico"],
                ["Basso", "Medio", "Alto"]),
    "Dutch": (["Zelden", "Onwaarschijnlijk", "Mogelijk", "Waarschijnlijk", "Bijna zeker"],
              ["Onbeduidend", "Gering", "Matig", "Aanzienlijk", "Catastrofaal"],
              ["Laag", "Gemiddeld", "Hoog"]),
    "Polish": (["Rzadkie", "Mało prawdopodobne", "Możliwe", "Prawdopodobne", "Prawie pewne"],
               ["Nieistotny", "Niewielki", "Umiarkowany", "Poważny", "Katastrofalny"],
               ["Niski", "Średni", "Wysoki"]),
    "Russian": (["Редко", "Маловероятно", "Возможно", "Вероятно", "Почти наверняка"],
                ["Незначительное", "Малое", "Умеренное", "Значительное", "Катастрофическое"],
                ["Низкий", "Средний", "Высокий"]),
}  # fmt: skip


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_scale_words_in_another_language_are_read_onto_the_levels(language: str) -> None:
    likelihood, impact, three = LANGUAGES[language]
    assert levels(likelihood) == [1, 2, 3, 4, 5]
    assert levels(impact, "impact") == [1, 2, 3, 4, 5]
    assert levels(three, "impact") == [1, 3, 5]  # three steps: bottom, middle, top of five
    assert levels(list(reversed(three)), "likelihood") == [5, 3, 1]


def test_english_word_scales_letters_and_accents() -> None:
    assert levels(["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]) == [1, 2, 3, 4, 5]
    assert levels(["Insignificant", "Minor", "Moderate", "Major", "Catastrophic"],
                  "impact") == [1, 2, 3, 4, 5]  # fmt: skip
    assert levels(["Insignificant", "Extreme"], "impact") == [1, 5]
    assert levels(["Very low", "Low", "Medium", "High", "Very high"]) == [1, 2, 3, 4, 5]
    assert levels(["Low", "Medium", "High"]) == [1, 3, 5]
    assert levels(["Unlikely", "Likely"], "impact") == [None, None]  # not words of impact
    assert levels(["Improbable", "Probable"]) == [2, 4]  # French likelihood, two of five steps
    assert levels(["VL", "L", "M", "H", "VH"]) == [1, 2, 3, 4, 5]
    assert levels(["L", "M", "H"], "impact") == [1, 3, 5]
    assert levels(["l", "h", "vh"]) == [1, 4, 5]  # no VL: the four steps Low … Very high
    assert levels(["VL", "l", "h", "vh"]) == [1, 2, 4, 5]
    assert levels(["Uchel / High", "Isel / Low"]) == [5, 1]  # a bilingual register
    assert levels(["eleve", "FAIBLE", "  Moyen "], "impact") == [5, 1, 3]  # accents, case


def test_words_of_two_scales_of_one_axis_share_the_scale_of_the_column_beside() -> None:
    """Low alone is the bottom of Low / Medium / High; beside Very low it is step 2 of 5."""
    assert levels(["Low", "High"]) == [1, 5]
    assert levels(["Low", "High"], siblings=["Very low", "Very high"]) == [2, 4]


# -- numbers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 2, 1], [1, 3, 5, 3, 1]),
        ([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
        ([1, 25, 50, 75, 100], [1, 2, 3, 4, 5]),
        ([1, 2, 3, 5, 8, 13, 20, 40, 100], [1, 1, 2, 2, 3, 4, 4, 5, 5]),  # modified Fibonacci
        (["3 (High)", "4 - Likely", "1 – Rare"], [3, 4, 1]),
        ([0.04, 0.3, 0.65, 0.95], [1, 3, 4, 5]),  # probability decimals, the scheme's bands
        (["10%", "35 %", "90%"], [2, 3, 5]),
        (["0% to 25%", "75% to 100%"], [2, 5]),  # a band: its middle (12.5 %, 87.5 %)
    ],
)
def test_numbers_on_any_range_are_read_proportionally(
    values: list[Any], expected: list[int]
) -> None:
    assert levels(values) == expected


def test_a_range_in_the_header_and_the_other_axis_fix_the_scale() -> None:
    assert levels([1, 2, 3, 3, 1]) == [1, 3, 5, 5, 1]  # alone, 1–3 looks like a 3-step scale
    assert levels([2, 3]) == [2, 3]  # too few to tell: the register's own scale
    assert levels([1, 2, 3, 3, 1], stated=(1, 5)) == [1, 2, 3, 3, 1]  # "Likelihood (1-5)"
    assert levels([1, 2, 3, 4]) == [1, 2, 3, 4]  # they fit 1–5: taken to be on it
    assert levels([1, 2, 3, 4], stated=(1, 4)) == [1, 2, 4, 5]  # "Impact (1-4)"
    assert levels([1, 2, 3, 3, 1], across=[4, 5]) == [1, 2, 3, 3, 1]  # impacts reach 5
    assert levels([0, 2, 4], stated=(0, 4)) == [1, 3, 5]
    assert levels([7], stated=(1, 5)) == [5]
    assert levels([15_000, 20_000, 5_000], "impact") == [4, 5, 2]  # money: of the largest


def test_what_nothing_explains_is_left_for_the_user_with_the_reason() -> None:
    chosen = {c.value: (c.level, c.kind, c.reason)
              for c in propose(["Hgh", "n/a", "Loss of revenue and adverse press coverage"],
                               SCHEME.impact, axis="impact")}  # fmt: skip
    assert chosen == {
        "Hgh": (None, "unknown", "not a level of any known scale: choose one"),
        "n/a": (None, "none", "no value"),
        "Loss of revenue and adverse press coverage": (
            None,
            "prose",
            "a description, not a level: kept in the description",
        ),
    }


# -- through workbooks ------------------------------------------------------------------------
def test_letters_and_level_text_with_numbers_in_a_workbook(
    demo: RegisterService, tmp_path: Path
) -> None:
    plan = plan_foreign(demo, letters_and_numbered_words(tmp_path), partner="CNCL")
    assert [(d.title, d.inherent_likelihood, d.inherent_impact, d.current_likelihood,
             d.current_impact) for d in plan.drafts] == [
        ("Cyber attack", 5, 5, 3, 4), ("Fuel price rise", 3, 1, 2, 2), ("Staff strike", 1, 3, 1, 3),
    ]  # fmt: skip
    reads = [(i.where, i.message) for i in plan.items if i.kind == "read"]
    assert ("Register!B2", "“VH” read as 5 – Almost certain (step 5 of 5 on Very low … Very "
                           "high (English))") in reads  # fmt: skip
    assert ("Register!C2", "“H” read as 5 – Severe (step 3 of 3 on Low / Medium / High "
                           "(English))") in reads  # fmt: skip
    assert ("Register!B3", "“M” read as 3 – Possible (step 3 of 5 on Very low … Very high "
                           "(English))") in reads  # fmt: skip
    assert len(reads) == 6  # "3 (High)", "4 - Major" are on the register's own scale


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "xls"])
def test_words_of_each_language_through_a_workbook_in_each_format(
    demo: RegisterService, tmp_path: Path, suffix: str
) -> None:
    rows: list[list[Any]] = [["Risk", "Likelihood", "Impact"]]
    for language, (likelihood, impact, _) in LANGUAGES.items():
        rows += [[f"{language} {n + 1}", lik, imp]
                 for n, (lik, imp) in enumerate(zip(likelihood, impact, strict=True))]  # fmt: skip
    path = write(tmp_path / "languages.xlsx", rows)
    if suffix != "xlsx":
        path = converted(path, suffix, tmp_path)
    plan = plan_foreign(demo, path, partner="CNCL")
    got = {(d.title, d.current_likelihood, d.current_impact) for d in plan.drafts}
    assert got == {(f"{language} {n}", n, n) for language in LANGUAGES for n in range(1, 6)}
    assert plan.count("warning") == 0 and plan.unrated == 0


def test_numbers_fibonacci_and_percentages_through_workbooks(
    demo: RegisterService, tmp_path: Path
) -> None:
    fib = numbers_on(tmp_path, "fibonacci", [1, 3, 8, 20, 100], [2, 5, 13, 40, 100])
    plan = plan_foreign(demo, fib, partner="CNCL")
    assert [(d.current_likelihood, d.current_impact) for d in plan.drafts] == [
        (1, 1), (2, 2), (3, 4), (4, 5), (5, 5)]  # fmt: skip
    first = next(i for i in plan.items if i.kind == "read" and i.where == "Register!B5")
    assert first.message == ("“20” read as 4 – Likely (step 7 of 9 on the modified Fibonacci "
                             "scale 1 … 100)")  # fmt: skip
    percent = numbers_on(tmp_path, "percent", ["5%", "15%", "45%", "70%", "95%"],
                         [0.1, 0.3, 0.5, 0.7, 0.9])  # fmt: skip
    plan = plan_foreign(demo, percent, partner="CNCL")
    assert [(d.current_likelihood, d.current_impact) for d in plan.drafts] == [
        (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]  # fmt: skip
    ten = numbers_on(tmp_path, "ten", [1, 4, 7, 10], [2, 5, 8, 9])
    plan = plan_foreign(demo, ten, partner="CNCL")
    assert [(d.current_likelihood, d.current_impact) for d in plan.drafts] == [
        (1, 1), (2, 3), (4, 4), (5, 5)]  # fmt: skip


def test_a_scale_value_is_said_once_at_its_first_cell_with_how_many_more(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = numbers_on(tmp_path, "repeats", ["VH", "VH", "L", "VH"], ["H", "H", "M", "L"])
    plan = plan_foreign(demo, path, partner="CNCL")
    reads = [(i.where, i.message) for i in plan.items if i.kind == "read"]
    assert reads[:2] == [
        ("Register!B4", "“L” read as 1 – Rare (step 1 of 4 on Low … Very high (English))"),
        ("Register!B2", "“VH” read as 5 – Almost certain (step 4 of 4 on Low … Very high "
                        "(English)), and in 2 more cells"),
    ]  # fmt: skip


# -- the data file ----------------------------------------------------------------------------
def test_the_data_file_repeats_no_name_of_the_exchange_columns() -> None:
    """One source of truth per fact: a header the exchange workbook declares is not
    declared again in the data file (for the same field or for another)."""
    exchange = {}
    for column in RISK_COLUMNS:
        field = EXCHANGE_FIELDS.get(column.field, column.field)
        for name in (column.header, column.field, *column.synonyms):
            exchange[key(name)] = field
    repeated = [(field, name) for field, names in vocabulary().data_names.items()
                for name in names if key(name) in exchange]  # fmt: skip
    assert repeated == []
    seen: dict[str, str] = {}
    for field, names in vocabulary().data_names.items():
        for name in names:
            assert seen.setdefault(key(name), field) == field, (name, field, seen[key(name)])


def test_no_word_stands_on_two_steps_of_one_scale_and_every_language_is_there() -> None:
    for scale in vocabulary().scales:
        words = [words_key(w) for step in scale.steps for w in step]
        assert len(words) == len(set(words)), scale.name
    languages = {s.language for s in vocabulary().scales}
    assert languages >= {"English", "Welsh", "French", "German", "Spanish", "Italian", "Dutch",
                         "Polish", "Russian"}  # fmt: skip
    raw = json.loads(files("resources").joinpath("foreign_words.json").read_text("utf-8"))
    assert len(raw["scales"]) == len(vocabulary().scales)


def test_the_readme_lists_the_scales_the_data_file_holds() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert markdown_scales() in readme
