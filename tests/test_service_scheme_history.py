"""Scheme changes re-band every risk; trends and 'changes since' read the change log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from riskreg.choices import RiskStatus
from riskreg.records import RiskDraft
from riskreg.scoring import ScoringScheme
from riskreg.service import RegisterService


def test_a_new_scheme_is_previewed_then_applied_moving_levels_and_logging_bands(
    service: RegisterService,
) -> None:
    high = service.create_risk(RiskDraft("High one", "CNCL", 5, 5))
    low = service.create_risk(RiskDraft("Low one", "CNCL", 1, 1))
    new = ScoringScheme.sized(3, 3)
    preview = service.preview_scheme(new)
    assert preview.total_risks == 2
    report = service.change_scheme(new)
    assert report == preview
    assert service.scheme() == new
    moved = service.get_risk(high.uuid)
    assert (moved.current_likelihood, moved.current_impact) == (3, 3)
    assert moved.version == high.version + 1
    assert service.get_risk(low.uuid).version == low.version  # 1×1 stays 1×1
    history = {(c.field, c.old, c.new) for c in service.history(high.uuid)}
    assert ("current_likelihood", "5", "3") in history
    scheme_change = service.changes_between(service.now() - timedelta(minutes=1))[-1]
    assert scheme_change.field == "scheme" and scheme_change.entity == "register"


def test_rebanding_with_the_same_size_changes_bands_not_levels(service: RegisterService) -> None:
    risk = service.create_risk(RiskDraft("Middle", "CNCL", 3, 3))  # Medium on the default
    default = ScoringScheme.default()
    stricter = default.with_cells(tuple(tuple(min(b + 1, 3) for b in row) for row in default.cells))
    assert service.preview_scheme(stricter).risks_changing_band == 1
    service.change_scheme(stricter)
    band_changes = [c for c in service.history(risk.uuid) if c.field == "band"]
    assert [(c.old, c.new) for c in band_changes] == [("Medium", "High")]
    after = service.get_risk(risk.uuid)
    assert (after.current_likelihood, after.current_impact) == (3, 3)  # levels stay
    # ... and its next review comes forward to the High band's 91 days, in the same change
    assert risk.raised_on is not None and after.next_review == risk.raised_on + timedelta(91)
    redated = [c for c in service.history(risk.uuid) if c.field == "next_review"]
    assert [c.revision for c in redated] == [band_changes[0].revision]


def _at(moment: datetime):  # type: ignore[no-untyped-def]
    return lambda: moment


def test_trend_shows_the_direction_of_the_last_score_change(service: RegisterService) -> None:
    up = service.create_risk(RiskDraft("Going up", "CNCL", 3, 3))
    down = service.create_risk(RiskDraft("Going down", "CNCL", 3, 3))
    still = service.create_risk(RiskDraft("Unchanged", "CNCL", 3, 3))
    service.edit_risk(up.uuid, up.version, {"current_likelihood": 4})
    edited = service.edit_risk(down.uuid, down.version, {"current_impact": 4})
    service.edit_risk(edited.uuid, edited.version, {"current_impact": 2})
    trends = service.trends()
    assert trends == {up.uuid: 1, down.uuid: -1}
    assert still.uuid not in trends  # never moved: no trend yet


def test_changes_since_a_meeting_lists_new_closed_and_score_moves(service: RegisterService) -> None:
    meeting = datetime(2026, 6, 1, tzinfo=UTC)
    before = service.with_clock(_at(meeting - timedelta(days=30)))
    after = service.with_clock(_at(meeting + timedelta(days=10)))
    old_up = before.create_risk(RiskDraft("Up", "CNCL", 2, 2))
    old_down = before.create_risk(RiskDraft("Down", "CNCL", 4, 4))
    old_closed = before.create_risk(RiskDraft("Closed", "CNCL", 2, 2))
    back_and_forth = before.create_risk(RiskDraft("Same again", "CNCL", 2, 2))
    after.edit_risk(old_up.uuid, old_up.version, {"current_likelihood": 4})
    after.edit_risk(old_down.uuid, old_down.version, {"current_impact": 1})
    after.close_risk(old_closed.uuid, old_closed.version)
    moved = after.edit_risk(back_and_forth.uuid, back_and_forth.version, {"current_likelihood": 5})
    after.edit_risk(moved.uuid, moved.version, {"current_likelihood": 2})
    new = after.create_risk(RiskDraft("New", "CNCL", 3, 3))

    summary = service.changes_since(meeting)
    assert summary.new == (new.ref,)
    assert summary.closed == (old_closed.ref,)
    assert summary.score_up == (old_up.ref,)
    assert summary.score_down == (old_down.ref,)
    assert service.get_risk(old_closed.uuid).status is RiskStatus.CLOSED
