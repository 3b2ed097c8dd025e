"""A band matrix that misleads is named, cell by cell (Cox 2008): in the scheme dialog, in
the question before it is applied, and by ``check``; the default schemes pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from riskreg.cli import main
from riskreg.matrix_checks import MOST_CELLS_NAMED, matrix_warnings
from riskreg.records import SchemeChangeReport
from riskreg.scoring import MAX_LEVELS, MIN_LEVELS, ScoringScheme, derived_cells
from riskreg.service import RegisterService
from ui.main_window import MainWindow


def _with(scheme: ScoringScheme, **cells: int) -> ScoringScheme:
    """The scheme with cells moved: ``L2I5=3`` puts likelihood 2, impact 5 in band 3."""
    rows = [list(row) for row in scheme.cells]
    for name, band in cells.items():
        lik, imp = name[1:].split("I")
        rows[int(lik) - 1][int(imp) - 1] = band
    return scheme.with_cells(tuple(tuple(row) for row in rows))


@pytest.mark.parametrize("n_likelihood", range(MIN_LEVELS, MAX_LEVELS + 1))
@pytest.mark.parametrize("n_impact", range(MIN_LEVELS, MAX_LEVELS + 1))
def test_every_default_scheme_passes_every_check(n_likelihood: int, n_impact: int) -> None:
    assert matrix_warnings(ScoringScheme.sized(n_likelihood, n_impact)) == []


def test_a_very_high_cell_scoring_less_than_a_low_one_breaks_weak_consistency() -> None:
    scheme = _with(ScoringScheme.default(), L2I5=3, L4I4=0)
    rules = {w.rule: w for w in matrix_warnings(scheme)}
    weak = rules["weak consistency"]
    assert "L2×I5 (10, Very high) scores less than L4×I4 (16, Low)" in weak.message
    assert {(2, 5), (4, 4)} <= set(weak.cells)


def test_a_step_from_the_lowest_band_to_the_highest_breaks_betweenness() -> None:
    scheme = _with(ScoringScheme.default(), L4I4=0)
    between = {w.rule: w for w in matrix_warnings(scheme)}["betweenness"]
    assert "L4×I4 (16, Low) next to L5×I4 (20, Very high)" in between.message
    assert "L4×I4 (16, Low) next to L4×I5 (20, Very high)" in between.message


def test_equal_scores_in_different_bands_break_consistent_colouring() -> None:
    scheme = _with(ScoringScheme.default(), L2I5=3)  # 10 here, but L5×I2 (10) is High
    found = {w.rule: w for w in matrix_warnings(scheme)}
    assert "L2×I5 (10, Very high) but L5×I2 (10, High)" in found["consistent colouring"].message
    assert "weak consistency" not in found  # no Low cell scores more than 10


def test_a_cell_in_a_lower_band_than_the_one_below_it_breaks_the_order() -> None:
    scheme = _with(ScoringScheme.default(), L3I3=0)  # 9 among its Medium neighbours
    order = {w.rule: w for w in matrix_warnings(scheme)}["order"]
    assert "L3×I4 (12, High)" not in order.message
    assert "L3×I3 (9, Low) is in a lower band than L2×I3 (6, Medium)" in order.message


def test_a_long_list_of_cells_is_counted_not_written_out() -> None:
    scheme = ScoringScheme.default()
    reversed_bands = tuple(tuple(3 - b for b in row) for row in scheme.cells)
    order = {w.rule: w for w in matrix_warnings(scheme.with_cells(reversed_bands))}["order"]
    assert len(re.findall(r"L\d×I\d", order.message)) == 2 * MOST_CELLS_NAMED
    assert order.message.endswith("; and 16 more")


@given(
    st.integers(MIN_LEVELS, MAX_LEVELS),
    st.integers(MIN_LEVELS, MAX_LEVELS),
    st.lists(st.floats(0.01, 0.99), min_size=3, max_size=3, unique=True),
)
def test_any_banding_by_score_keeps_order_colouring_and_weak_consistency(
    n_likelihood: int, n_impact: int, cuts: list[float]
) -> None:
    thresholds = (*sorted(cuts), 1.0)
    scheme = ScoringScheme.sized(n_likelihood, n_impact).with_cells(
        derived_cells(n_likelihood, n_impact, thresholds)
    )
    rules = {w.rule for w in matrix_warnings(scheme)}
    assert not rules & {"weak consistency", "consistent colouring", "order"}


@given(st.data())
def test_every_named_cell_is_in_the_matrix_and_a_clean_matrix_keeps_the_rules(
    data: st.DataObject,
) -> None:
    n_l = data.draw(st.integers(MIN_LEVELS, 6))
    n_i = data.draw(st.integers(MIN_LEVELS, 6))
    cells = tuple(tuple(data.draw(st.integers(0, 3)) for _ in range(n_i)) for _ in range(n_l))
    scheme = ScoringScheme.sized(n_l, n_i).with_cells(cells)
    found = matrix_warnings(scheme)
    for warning in found:
        assert all(1 <= lik <= n_l and 1 <= imp <= n_i for lik, imp in warning.cells)
    if not found:  # brute force: what each rule forbids is absent
        band = {(lk, im): cells[lk - 1][im - 1] for lk in range(1, n_l + 1)
                for im in range(1, n_i + 1)}  # fmt: skip
        for (lk, im), b in band.items():
            for other, ob in band.items():
                if lk * im == other[0] * other[1]:
                    assert b == ob
            for step in ((lk + 1, im), (lk, im + 1)):
                if step in band:
                    assert band[step] >= b
        assert all({band[c], band[s]} != {0, 3} for c in band
                   for s in ((c[0] + 1, c[1]), (c[0], c[1] + 1)) if s in band)  # fmt: skip


def test_check_warns_of_a_misleading_matrix_and_still_passes(
    service: RegisterService, register_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service.change_scheme(_with(service.scheme(), L2I5=3, L4I4=0), backup=False)
    service.close()
    assert main(["check", str(register_path)]) == 0
    err = capsys.readouterr().err
    assert "warning: scoring matrix: Weak consistency" in err
    assert "L2×I5 (10, Very high) scores less than L4×I4 (16, Low)" in err
    assert "warning: scoring matrix: Betweenness" in err


def test_the_scheme_dialog_names_the_cells_and_asks_before_applying_a_misleading_matrix(
    qtbot: QtBot, blank_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.scheme import SchemeDialog, describe

    dialog = SchemeDialog(blank_window.document, blank_window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.matrix_warning.isVisible()
    dialog.set_cell(4, 4, 0)
    assert dialog.cell_combos[(4, 4)].currentText() == "Low"
    assert dialog.matrix_warning.isVisible()
    assert "L4×I4 (16, Low) next to L5×I4 (20, Very high)" in dialog.matrix_warning.text()
    assert "dashed" in dialog.cell_combos[(4, 4)].styleSheet()
    assert "dashed" not in dialog.cell_combos[(1, 1)].styleSheet()
    asked: list[str] = []

    def say_no(report: SchemeChangeReport) -> bool:
        asked.append(describe(report, dialog.warnings()))
        return False

    monkeypatch.setattr(dialog, "confirm", say_no)
    assert not dialog.try_apply()
    assert asked == [
        "The matrix has 2 warnings (see the dialog): betweenness; order. Apply it all the "
        "same?\n\nThere are no risks yet: the new scheme applies to the risks you add."
    ]
    dialog.derive_cells()  # band by score again: nothing to warn of
    assert not dialog.matrix_warning.isVisible()
    assert "dashed" not in dialog.cell_combos[(4, 4)].styleSheet()
