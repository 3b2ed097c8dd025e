"""Partners, categories and actions: the ownership rules of a joint register."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from riskreg.choices import ActionStatus
from riskreg.errors import ConflictError, RuleError, ValidationError
from riskreg.records import ActionDraft, CategoryRecord, PartnerRecord, RiskDraft
from riskreg.service import RegisterService


def test_a_partner_in_use_cannot_be_removed_and_the_reason_counts_the_uses(
    service: RegisterService,
) -> None:
    risk = service.create_risk(RiskDraft("Flooding", "APEX", 3, 3))
    service.set_shares(risk.uuid, risk.version, (("APEX", 50), ("AQUA", 50)))
    service.add_action(risk.uuid, ActionDraft("Pump hire", "AQUA"))
    with pytest.raises(
        RuleError, match=r"APEX cannot be removed: it leads 1 risk, holds a share of 1 risk"
    ):
        service.remove_partner("APEX")
    with pytest.raises(RuleError, match=r"holds a share of 1 risk, owns 1 action"):
        service.remove_partner("AQUA")
    with pytest.raises(RuleError, match="keeps this register"):
        service.remove_partner("CNCL")
    assert [p.code for p in service.list_partners()] == ["APEX", "AQUA", "CNCL"]


def test_an_unused_partner_can_be_removed_and_the_removal_is_logged(
    service: RegisterService,
) -> None:
    service.add_partner(PartnerRecord("ARDN", "Arden Design", "#7b3fa0"))
    service.remove_partner("ARDN")
    assert "ARDN" not in [p.code for p in service.list_partners()]
    changes = service.changes_between(service.now() - timedelta(minutes=1))
    assert [(c.entity_ref, c.old, c.new) for c in changes if c.entity_ref == "ARDN"] == [
        ("ARDN", None, "Arden Design"),
        ("ARDN", "Arden Design", None),
    ]


def test_partner_codes_are_unique_capitals(service: RegisterService) -> None:
    with pytest.raises(ValidationError, match="already a partner APEX"):
        service.add_partner(PartnerRecord("APEX", "Another Apex"))
    with pytest.raises(ValidationError, match="capitals"):
        service.add_partner(PartnerRecord("apex2", "Lower"))


def test_an_inactive_partner_cannot_lead_new_risks(service: RegisterService) -> None:
    service.edit_partner("AQUA", active=False)
    with pytest.raises(ValidationError, match="'AQUA' is not an active partner"):
        service.create_risk(RiskDraft("Leak", "AQUA", 2, 2))
    with pytest.raises(RuleError, match="keeps this register"):
        service.edit_partner("CNCL", active=False)


def test_a_category_in_use_cannot_be_removed_and_appetite_must_be_a_level(
    service: RegisterService,
) -> None:
    service.create_risk(RiskDraft("Overspend", "CNCL", 3, 3, category="Financial"))
    with pytest.raises(RuleError, match="used by 1 risk"):
        service.remove_category("Financial")
    with pytest.raises(ValidationError, match="'Extreme' is not an appetite level"):
        service.add_category(CategoryRecord("Weather", "Extreme"))
    with pytest.raises(ValidationError, match="'High' is not an appetite level"):
        service.add_category(CategoryRecord("Weather", "High"))  # a band, not a level
    service.add_category(CategoryRecord("Weather", "Open"))
    service.edit_category("Weather", CategoryRecord("Climate", "Cautious"))
    assert CategoryRecord("Climate", "Cautious") in service.list_categories()


def test_actions_are_added_edited_completed_and_known_overdue(service: RegisterService) -> None:
    risk = service.create_risk(RiskDraft("Flooding", "CNCL", 3, 3))
    yesterday = service.today() - timedelta(days=1)
    action = service.add_action(
        risk.uuid, ActionDraft("Clear gullies", "APEX", owner="Dan", due_date=yesterday)
    )
    assert (action.ref, action.risk_ref, action.partner) == ("A-001", "R-001", "APEX")
    assert action.is_overdue(service.today())
    started = service.edit_action(
        action.uuid, action.version, {"status": ActionStatus.IN_PROGRESS, "progress": 40}
    )
    assert started.progress == 40 and started.version == action.version + 1
    done = service.complete_action(started.uuid, started.version)
    assert done.status is ActionStatus.DONE and done.progress == 100
    assert done.completed_on == service.today()
    assert not done.is_overdue(service.today())
    fields = [c.field for c in service.history(risk.uuid) if c.entity == "action"]
    assert fields == ["*", "status", "progress", "status", "progress", "completed_on"]


def test_a_stale_action_edit_is_a_conflict(service: RegisterService) -> None:
    risk = service.create_risk(RiskDraft("Flooding", "CNCL", 3, 3))
    action = service.add_action(risk.uuid, ActionDraft("Clear gullies", "APEX"))
    service.edit_action(action.uuid, action.version, {"owner": "Dan"})
    with pytest.raises(ConflictError, match="A-001 was changed"):
        service.edit_action(action.uuid, action.version, {"owner": "Eve"})


def test_action_fields_are_validated(service: RegisterService) -> None:
    risk = service.create_risk(RiskDraft("Flooding", "CNCL", 3, 3))
    with pytest.raises(ValidationError) as caught:
        service.add_action(risk.uuid, ActionDraft("", "NOPE", progress=120))
    assert {p.field for p in caught.value.problems} == {"description", "partner", "progress"}
    action = service.add_action(risk.uuid, ActionDraft("Pump", "AQUA", due_date=date(2027, 1, 1)))
    with pytest.raises(ValidationError, match="Progress % must be a whole number from 0 to 100"):
        service.edit_action(action.uuid, action.version, {"progress": -1})
