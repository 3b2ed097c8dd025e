"""Scoring schemes: the matrix every score, band and colour comes from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskreg.scoring import (
    MAX_LEVELS,
    MIN_LEVELS,
    Band,
    SchemeError,
    ScoringScheme,
    remap_level,
)

sizes = st.integers(MIN_LEVELS, MAX_LEVELS)


def test_default_scheme_is_five_by_five_with_four_named_bands() -> None:
    scheme = ScoringScheme.default()
    assert scheme.size == (5, 5)
    assert scheme.band_names == ("Low", "Medium", "High", "Very high")
    assert scheme.likelihood[3].caption == "4 – Likely"
    assert "50–80 %" in scheme.likelihood[3].description


@pytest.mark.parametrize(
    ("likelihood", "impact", "band"),
    [(1, 1, "Low"), (2, 2, "Low"), (1, 5, "Medium"), (3, 3, "Medium"), (2, 5, "High"),
     (4, 4, "High"), (4, 5, "Very high"), (5, 5, "Very high")],
)  # fmt: skip
def test_default_bands_follow_the_usual_public_sector_matrix(
    likelihood: int, impact: int, band: str
) -> None:
    scheme = ScoringScheme.default()
    assert scheme.band(likelihood, impact).name == band
    assert scheme.score(likelihood, impact) == likelihood * impact


@given(sizes, sizes)
def test_every_size_from_3_to_10_bands_every_cell_and_rises_with_score(n_l: int, n_i: int) -> None:
    scheme = ScoringScheme.sized(n_l, n_i)
    assert scheme.band(1, 1).name == "Low"
    assert scheme.band(n_l, n_i).name == "Very high"
    for lik in range(1, n_l + 1):
        for imp in range(1, n_i + 1):
            here = scheme.band_index(lik, imp)
            if lik < n_l:
                assert scheme.band_index(lik + 1, imp) >= here
            if imp < n_i:
                assert scheme.band_index(lik, imp + 1) >= here


@given(sizes, sizes)
def test_a_scheme_survives_storage_unchanged(n_l: int, n_i: int) -> None:
    scheme = ScoringScheme.sized(n_l, n_i)
    assert ScoringScheme.from_json(scheme.to_json()) == scheme


@pytest.mark.parametrize("size", [2, 11])
def test_schemes_outside_3_to_10_levels_are_refused(size: int) -> None:
    with pytest.raises(SchemeError, match="3 to 10 levels"):
        ScoringScheme.sized(size, 5)


def test_a_cell_pointing_at_no_band_is_refused() -> None:
    scheme = ScoringScheme.default()
    cells = tuple(tuple(9 for _ in row) for row in scheme.cells)
    with pytest.raises(SchemeError, match="every cell"):
        scheme.with_cells(cells)


def test_bad_band_colour_and_duplicate_labels_are_refused() -> None:
    default = ScoringScheme.default()
    with pytest.raises(SchemeError, match="#rrggbb"):
        ScoringScheme(default.likelihood, default.impact, (Band("Low", "green"),),
                      tuple(tuple(0 for _ in r) for r in default.cells))  # fmt: skip
    doubled = (default.likelihood[0], *default.likelihood[:4])
    with pytest.raises(SchemeError):
        ScoringScheme(doubled, default.impact, default.bands, default.cells)


def test_out_of_range_levels_name_the_allowed_range() -> None:
    with pytest.raises(SchemeError, match="likelihood 6 is not one of 1–5"):
        ScoringScheme.default().band(6, 1)


@given(sizes, sizes, st.data())
def test_remapping_keeps_the_ends_and_the_order(old: int, new: int, data: st.DataObject) -> None:
    assert remap_level(1, old, new) == 1
    assert remap_level(old, old, new) == new
    a = data.draw(st.integers(1, old))
    b = data.draw(st.integers(a, old))
    assert 1 <= remap_level(a, old, new) <= remap_level(b, old, new) <= new
