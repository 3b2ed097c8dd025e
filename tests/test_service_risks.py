"""Risks through the services: refs, defaults, validation, shares, locking, atomicity."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from riskreg.choices import RiskStatus, Visibility
from riskreg.errors import ConflictError, RuleError, ValidationError
from riskreg.records import RiskDraft
from riskreg.service import RegisterService, open_service
from tests.conftest import BOB, file_digest


def draft(title: str = "Supplier insolvency", lead: str = "CNCL", **kw: object) -> RiskDraft:
    return RiskDraft(title, lead, kw.pop("il", 4), kw.pop("ii", 4), **kw)  # type: ignore[arg-type]


def test_new_risks_get_sequential_refs_and_the_documented_defaults(
    service: RegisterService,
) -> None:
    first = service.create_risk(draft())
    second = service.create_risk(draft("Design late", "APEX", il=3, ii=2))
    assert (first.ref, second.ref) == ("R-001", "R-002")
    assert first.shares == (("CNCL", 100),)
    assert first.status is RiskStatus.OPEN and first.visibility is Visibility.JOINT
    assert (first.current_likelihood, first.current_impact) == (4, 4)  # current = inherent
    assert first.raised_on == service.today()
    # High band reviews quarterly by default (91 days)
    assert first.next_review == service.today() + timedelta(days=91)


def test_refs_are_never_reused_after_a_refused_create(service: RegisterService) -> None:
    service.create_risk(draft())
    with pytest.raises(ValidationError):
        service.create_risk(draft(title=""))
    third = service.create_risk(draft("Third"))
    assert third.ref == "R-002"
    service.close_risk(third.uuid, third.version)
    assert service.create_risk(draft("Fourth")).ref == "R-003"


def test_every_invalid_field_is_reported_by_name_at_once(service: RegisterService) -> None:
    with pytest.raises(ValidationError) as caught:
        service.create_risk(
            draft(title="x" * 301, lead="NOPE", il=6, category="Weather", cost_min=5, cost_likely=2)
        )
    fields = {p.field for p in caught.value.problems}
    assert {"title", "lead_partner", "inherent_likelihood", "category", "cost_likely"} <= fields
    message = str(caught.value)
    assert "Title is 301 characters long; the most it can hold is 300" in message
    assert "Inherent likelihood 6 is not one of 1–5 / Rare … Almost certain" in message


def test_a_refused_use_case_leaves_the_file_byte_for_byte_as_it_was(
    service: RegisterService, register_path: Path
) -> None:
    risk = service.create_risk(draft())
    before = file_digest(register_path)
    with pytest.raises(ValidationError):
        service.edit_risk(risk.uuid, risk.version, {"title": "New title", "current_impact": 0})
    with pytest.raises(ValidationError):
        service.create_risks([draft("ok"), draft("bad", lead="NOPE")])
    with pytest.raises(ConflictError):
        service.edit_risk(risk.uuid, risk.version + 5, {"title": "stale"})
    assert file_digest(register_path) == before
    assert service.get_risk(risk.uuid).title == "Supplier insolvency"


def test_a_second_user_editing_a_stale_risk_gets_a_conflict_not_an_overwrite(
    service: RegisterService, register_path: Path
) -> None:
    risk = service.create_risk(draft())
    other = open_service(register_path, BOB)
    try:
        seen_by_bob = other.get_risk(risk.uuid)
        service.edit_risk(risk.uuid, risk.version, {"current_likelihood": 2})
        with pytest.raises(ConflictError, match=r"R-001 was changed by alice .* Reload"):
            other.edit_risk(seen_by_bob.uuid, seen_by_bob.version, {"current_likelihood": 5})
        assert other.get_risk(risk.uuid).current_likelihood == 2
        fresh = other.get_risk(risk.uuid)
        assert other.edit_risk(fresh.uuid, fresh.version, {"owner": "Bob"}).owner == "Bob"
    finally:
        other.close()


def test_edits_bump_the_version_and_write_one_change_set_with_old_and_new(
    service: RegisterService,
) -> None:
    risk = service.create_risk(draft())
    revision = service.register_info().revision
    edited = service.edit_risk(
        risk.uuid, risk.version, {"current_likelihood": 2, "owner": "Jo", "title": risk.title}
    )
    assert edited.version == risk.version + 1
    assert service.register_info().revision == revision + 1
    last = [c for c in service.history(risk.uuid) if c.revision == revision + 1]
    assert {(c.field, c.old, c.new) for c in last} == {
        ("current_likelihood", "4", "2"),
        ("owner", "", "Jo"),
    }
    assert {(c.user, c.partner_code, c.source) for c in last} == {("alice", "CNCL", "test")}


def test_an_edit_that_changes_nothing_writes_nothing(service: RegisterService) -> None:
    risk = service.create_risk(draft())
    revision = service.register_info().revision
    same = service.edit_risk(risk.uuid, risk.version, {"title": risk.title})
    assert same.version == risk.version
    assert service.register_info().revision == revision


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ((("CNCL", 60), ("APEX", 30)), "add up to 90 %"),
        ((("CNCL", 60), ("CNCL", 40)), "only once"),
        ((("CNCL", 0), ("APEX", 100)), "whole 1–100 %"),
        ((("CNCL", 50), ("GHOST", 50)), "'GHOST' is not an active partner"),
        ((), "at least one partner"),
    ],
)
def test_shares_must_be_whole_percentages_of_real_partners_summing_to_100(
    service: RegisterService, shares: tuple[tuple[str, int], ...], message: str
) -> None:
    risk = service.create_risk(draft())
    with pytest.raises(ValidationError, match=message):
        service.set_shares(risk.uuid, risk.version, shares)
    assert service.get_risk(risk.uuid).shares == (("CNCL", 100),)


def test_a_split_is_stored_and_logged_and_bumps_the_version(service: RegisterService) -> None:
    risk = service.create_risk(draft())
    split = service.set_shares(risk.uuid, risk.version, (("CNCL", 60), ("APEX", 40)))
    assert split.shares == (("APEX", 40), ("CNCL", 60))
    assert split.version == risk.version + 1
    change = service.history(risk.uuid)[-1]
    assert (change.field, change.old, change.new) == ("shares", "CNCL 100%", "APEX 40% / CNCL 60%")


def test_the_default_split_follows_a_new_lead_but_an_agreed_split_stays(
    service: RegisterService,
) -> None:
    risk = service.create_risk(draft())
    moved = service.edit_risk(risk.uuid, risk.version, {"lead_partner": "APEX"})
    assert moved.shares == (("APEX", 100),)
    agreed = service.set_shares(moved.uuid, moved.version, (("APEX", 50), ("AQUA", 50)))
    within = service.edit_risk(agreed.uuid, agreed.version, {"lead_partner": "AQUA"})
    assert within.shares == (("APEX", 50), ("AQUA", 50))
    with pytest.raises(ValidationError, match="the lead partner CNCL must hold a share"):
        service.edit_risk(within.uuid, within.version, {"lead_partner": "CNCL"})


def test_exposure_per_partner_follows_the_split(service: RegisterService) -> None:
    risk = service.create_risk(
        draft(
            cost_min=10_000,
            cost_likely=50_000,
            cost_max=90_000,
            shares=(("APEX", 30), ("CNCL", 70)),
        )
    )
    assert risk.exposure_of("CNCL") == 35_000
    assert risk.exposure_of("APEX") == 15_000
    assert risk.exposure_of("AQUA") == 0


def test_a_closed_risk_keeps_its_history_refuses_edits_and_can_be_reopened(
    service: RegisterService,
) -> None:
    risk = service.create_risk(draft())
    closed = service.close_risk(risk.uuid, risk.version)
    assert closed.status is RiskStatus.CLOSED and closed.closed_on == service.today()
    with pytest.raises(RuleError, match="R-001 is closed; reopen it"):
        service.edit_risk(closed.uuid, closed.version, {"title": "changed"})
    reopened = service.reopen_risk(closed.uuid, closed.version)
    assert reopened.status is RiskStatus.OPEN and reopened.closed_on is None
    fields = [c.field for c in service.history(risk.uuid)]
    assert fields[0] == "*" and fields.count("status") == 2


def test_fields_that_are_not_editable_are_refused(service: RegisterService) -> None:
    risk = service.create_risk(draft())
    with pytest.raises(ValidationError, match="ref: is not a field that can be changed"):
        service.edit_risk(risk.uuid, risk.version, {"ref": "R-999"})


def test_target_needs_both_levels(service: RegisterService) -> None:
    with pytest.raises(ValidationError, match="both target likelihood and impact"):
        service.create_risk(draft(target_likelihood=2))


def test_bulk_create_keeps_order_and_numbers_actions(service: RegisterService) -> None:
    from riskreg.records import ActionDraft

    drafts = [
        draft(
            f"Risk {n}", actions=(ActionDraft(f"Do {n}a", "APEX"), ActionDraft(f"Do {n}b", "CNCL"))
        )
        for n in range(1, 6)
    ]
    uuids = service.create_risks(drafts)
    risks = service.list_risks()
    assert [r.uuid for r in risks] == uuids
    assert [r.title for r in risks] == [f"Risk {n}" for n in range(1, 6)]
    actions = service.list_actions()
    assert [a.ref for a in actions] == [f"A-{n:03d}" for n in range(1, 11)]
    assert [(a.risk_ref, a.description) for a in actions[:2]] == [
        ("R-001", "Do 1a"),
        ("R-001", "Do 1b"),
    ]


def test_dates_are_kept_as_dates(service: RegisterService) -> None:
    due = date(2027, 3, 31)
    risk = service.create_risk(draft(target_likelihood=2, target_impact=2, target_date=due))
    assert service.get_risk(risk.uuid).target_date == due
