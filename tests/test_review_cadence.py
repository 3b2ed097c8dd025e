"""The review cadence follows the band: a risk whose band rises is due as soon as the new
band says, a review is never put later than its band allows, and a scheme or cadence change
brings every review forward that it must, in the same change set."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskreg.cli import main
from riskreg.errors import ValidationError
from riskreg.records import RiskDraft, RiskRecord
from riskreg.service import RegisterService
from tests.conftest import file_digest


def _latest(service: RegisterService, risk: RiskRecord) -> date:
    return service.scheme().latest_next_review(
        risk.current_likelihood, risk.current_impact, risk.last_reviewed, risk.raised_on,
        service.today(),
    )  # fmt: skip


def test_a_risk_raised_from_low_to_very_high_is_due_within_a_month(
    service: RegisterService,
) -> None:
    low = service.create_risk(RiskDraft("Quiet", "CNCL", 1, 1))
    assert low.raised_on is not None
    assert low.next_review == low.raised_on + timedelta(days=365)  # Low: yearly
    high = service.edit_risk(low.uuid, low.version,
                             {"current_likelihood": 5, "current_impact": 5})  # fmt: skip
    assert high.next_review == low.raised_on + timedelta(days=30)  # Very high: monthly
    changes = [c for c in service.history(low.uuid) if c.revision == service.revision()]
    assert {c.field for c in changes} == {"current_likelihood", "current_impact", "next_review"}


def test_the_cadence_counts_from_the_last_review_and_a_lower_band_keeps_the_date(
    service: RegisterService,
) -> None:
    today = service.today()
    risk = service.create_risk(RiskDraft("Middle", "CNCL", 3, 3,
                                         last_reviewed=today - timedelta(days=10)))  # fmt: skip
    assert risk.next_review == today - timedelta(days=10) + timedelta(days=182)  # Medium
    higher = service.edit_risk(risk.uuid, risk.version, {"current_likelihood": 4})  # 12 High
    assert higher.next_review == today - timedelta(days=10) + timedelta(days=91)
    lower = service.edit_risk(higher.uuid, higher.version, {"current_likelihood": 1})  # Low
    assert lower.next_review == higher.next_review  # never later on its own


def test_a_next_review_later_than_the_band_allows_is_refused_and_nothing_is_written(
    service: RegisterService, register_path: Path
) -> None:
    risk = service.create_risk(RiskDraft("High", "CNCL", 4, 4))  # High: 91 days
    assert risk.raised_on is not None
    before = file_digest(register_path)
    with pytest.raises(ValidationError) as refused:
        service.edit_risk(risk.uuid, risk.version,
                          {"next_review": risk.raised_on + timedelta(days=92)})  # fmt: skip
    (problem,) = refused.value.problems
    assert problem.field == "next_review"
    assert "later than the High band allows" in problem.message
    assert f"by {risk.raised_on + timedelta(days=91):%d %b %Y} at the latest" in problem.message
    assert file_digest(register_path) == before
    on_time = service.edit_risk(risk.uuid, risk.version,
                                {"next_review": risk.raised_on + timedelta(days=91)})  # fmt: skip
    assert on_time.next_review == risk.raised_on + timedelta(days=91)


def test_new_risks_with_a_late_next_review_are_refused_by_number(
    service: RegisterService,
) -> None:
    today = service.today()
    drafts = [RiskDraft("Fine", "CNCL", 5, 5, next_review=today + timedelta(days=30)),
              RiskDraft("Late", "CNCL", 5, 5, next_review=today + timedelta(days=31))]  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        service.create_risks(drafts)
    assert [p.field for p in refused.value.problems] == ["risk 2: next_review"]
    assert service.list_risks() == []


def test_shortening_a_band_cadence_brings_its_reviews_forward(service: RegisterService) -> None:
    risk = service.create_risk(RiskDraft("Medium", "CNCL", 3, 3))
    assert risk.raised_on is not None
    service.set_review_cadences({"Medium": 60})
    moved = service.get_risk(risk.uuid)
    assert moved.next_review == risk.raised_on + timedelta(days=60)
    assert any(c.field == "next_review" for c in service.history(risk.uuid))
    service.set_review_cadences({"Medium": 365})  # longer: the date it has stays
    assert service.get_risk(risk.uuid).next_review == moved.next_review


def test_check_names_a_risk_whose_next_review_is_later_than_its_band_allows(
    service: RegisterService, register_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    risk = service.create_risk(RiskDraft("Written elsewhere", "CNCL", 5, 5))
    service.close()
    with sqlite3.connect(register_path) as raw:  # as an older version, or another tool, left it
        raw.execute("UPDATE risk SET next_review = '2099-01-01' WHERE uuid = ?", (risk.uuid,))
    assert main(["check", str(register_path)]) == 0  # a warning, not a fault
    err = capsys.readouterr().err
    assert f"warning: next review later than the band allows on {risk.ref} (01 Jan 2099" in err


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("score"), st.integers(1, 5), st.integers(1, 5)),
        st.tuples(st.just("review"), st.integers(0, 400)),
        st.tuples(st.just("cadence"), st.sampled_from(["Low", "Medium", "High", "Very high"]),
                  st.integers(1, 400)),
    ),
    min_size=1, max_size=8,
)  # fmt: skip


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(1, 5), st.integers(1, 5), OPERATIONS)
def test_on_any_history_no_open_risk_is_reviewed_later_than_its_band_allows(
    service: RegisterService, likelihood: int, impact: int, operations: list[tuple]
) -> None:
    risk = service.create_risk(RiskDraft("Random", "CNCL", likelihood, impact))
    today = service.today()
    for operation in operations:
        risk = service.get_risk(risk.uuid)
        if operation[0] == "score":
            levels = {"current_likelihood": operation[1], "current_impact": operation[2]}
            service.edit_risk(risk.uuid, risk.version, levels)
        elif operation[0] == "review":
            service.mark_reviewed(risk.uuid, risk.version, today - timedelta(days=operation[1]))
        else:
            service.set_review_cadences({operation[1]: operation[2]})
        for every in service.list_risks():
            assert every.next_review is not None and every.next_review <= _latest(service, every)
