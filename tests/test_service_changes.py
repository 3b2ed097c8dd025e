"""Every write of the services announces what it changed, once, after its commit; another
user's commits arrive as the same ``Changes``, built by the same code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from riskreg.choices import ActionStatus, EscalationLevel
from riskreg.errors import ValidationError
from riskreg.records import ActionDraft, CategoryRecord, PartnerRecord, RiskDraft
from riskreg.scoring import ScoringScheme
from riskreg.service import Changes, RegisterService, open_service
from tests.conftest import BOB

Write = Callable[[RegisterService], object]


def _risk(service: RegisterService, title: str = "Supplier insolvency") -> str:
    return service.create_risk(RiskDraft(title, "CNCL", 4, 4)).uuid


def _action(service: RegisterService) -> tuple[str, str]:
    risk = _risk(service)
    action = service.add_action(risk, ActionDraft("Second supplier", "CNCL"))
    return risk, action.uuid


def _edit(field: str, value: object) -> Write:
    def write(service: RegisterService) -> object:
        risk = service.get_risk(_risk(service))
        return service.edit_risk(risk.uuid, risk.version, {field: value})

    return write


# (what the write is, the write, what its announcement must say)
CASES: list[tuple[str, Write, Callable[[Changes, RegisterService], bool]]] = [
    ("rename the register", lambda s: s.rename_register("New name"),
     lambda c, s: c.register and not c.risks and not c.reaches_every_risk),
    ("change the keeper", lambda s: s.set_keeper("APEX"), lambda c, s: c.register),
    ("add a partner", lambda s: s.add_partner(PartnerRecord("ARDN", "Arden", "#123456")),
     lambda c, s: c.partners == {"ARDN"} and c.reaches_every_risk),
    ("edit a partner", lambda s: s.edit_partner("APEX", name="Apex plc"),
     lambda c, s: c.partners == {"APEX"}),
    ("remove a partner", lambda s: s.remove_partner("AQUA"), lambda c, s: c.partners == {"AQUA"}),
    ("add a category", lambda s: s.add_category(CategoryRecord("Legal")),
     lambda c, s: c.categories == {"Legal"}),
    ("edit a category", lambda s: s.edit_category("Safety", CategoryRecord("Safety", "Open")),
     lambda c, s: c.categories == {"Safety"}),
    ("remove a category", lambda s: s.remove_category("Safety"),
     lambda c, s: c.categories == {"Safety"}),
    ("save a category with partner appetites",
     lambda s: s.save_category(None, CategoryRecord("Legal", "Open"), {"APEX": "Cautious"}),
     lambda c, s: c.categories == {"Legal"} and c.appetites),
    ("set a partner's appetite", lambda s: s.set_partner_appetite("APEX", "Safety", "Cautious"),
     lambda c, s: c.appetites and not c.categories),
    ("set the escalation period", lambda s: s.set_escalate_after(30), lambda c, s: c.register),
    ("change the scheme", lambda s: (_risk(s), s.change_scheme(ScoringScheme.sized(4, 4))),
     lambda c, s: c.scheme and c.reaches_every_risk),
    ("create a risk", lambda s: _risk(s),
     lambda c, s: len(c.risks) == 1 and c.created == c.risks and c.refs == {"R-001"}),
    ("create risks in bulk",
     lambda s: s.create_risks([RiskDraft("A", "CNCL", 2, 2), RiskDraft("B", "APEX", 3, 3)]),
     lambda c, s: len(c.risks) == 2 and c.refs == {"R-001", "R-002"}),
    ("edit a risk's owner", _edit("owner", "Jo"),
     lambda c, s: len(c.risks) == 1 and c.fields == {"owner"} and not c.created),
    ("edit a risk's split", _edit("shares", (("APEX", 40), ("CNCL", 60))),
     lambda c, s: c.fields == {"shares"}),
    ("mark a risk reviewed",
     lambda s: (r := s.get_risk(_risk(s)), s.mark_reviewed(r.uuid, r.version)),
     lambda c, s: c.fields == {"last_reviewed"}),  # raised today: the next review stays
    ("escalate a risk",
     lambda s: (r := s.get_risk(_risk(s)),
                s.escalate(r.uuid, r.version, EscalationLevel.JOINT_MANAGEMENT, "board")),
     lambda c, s: c.fields == {"escalation", "escalation_reason"}),
    ("add an action", lambda s: _action(s),
     lambda c, s: len(c.actions) == 1 and len(c.action_risks) == 1 and not c.risks),
    ("edit an action",
     lambda s: (lambda r, u: s.edit_action(u, 1, {"owner": "Sam"}))(*_action(s)),
     lambda c, s: c.fields == {"owner"} and len(c.action_risks) == 1),
    ("complete an action",
     lambda s: (lambda r, u: s.complete_action(u, 1))(*_action(s)),
     lambda c, s: "status" in c.fields and len(c.action_risks) == 1),
    ("record a joint review", lambda s: s.record_joint_review("Board", date(2026, 11, 1)),
     lambda c, s: c.reviews and not c.risks),
    ("import risks from another register",
     lambda s: s.import_risks([RiskDraft("Flood", "CNCL", 2, 5)], new_categories=["Weather"],
                              summary="Import", backup=False),
     lambda c, s: len(c.created) == 1 and c.categories == {"Weather"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "write", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_write_announces_what_it_changed_once_after_its_commit(
    service: RegisterService,
    register_location: str | Path,
    case: str,
    write: Write,
    expected: Callable[[Changes, RegisterService], bool],
) -> None:
    heard: list[Changes] = []
    other = open_service(register_location, BOB)  # another user, with its own connection
    try:
        unsubscribe = service.subscribe(heard.append)
        write(service)
        setup = heard[:-1]  # the case's own preparation writes come first
        last = heard[-1]
        revision = service.revision()
        assert last.revision == revision, "announced with the revision it committed"
        assert not last.outside
        assert expected(last, service), last
        # another user reading the change log gets the same announcement
        before = setup[-1].revision if setup else revision - 1
        seen = other.changed_since(before)
        assert seen.outside
        assert seen == last
        unsubscribe()
        service.rename_register("After")
        assert heard[-1] is last, "an unsubscribed listener hears nothing more"
    finally:
        other.close()


def test_a_refused_write_announces_nothing(service: RegisterService) -> None:
    heard: list[Changes] = []
    service.subscribe(heard.append)
    with pytest.raises(ValidationError):
        service.create_risk(RiskDraft("", "CNCL", 4, 4))
    assert heard == []


def test_a_service_for_another_actor_announces_to_the_same_listeners(
    service: RegisterService,
) -> None:
    heard: list[Changes] = []
    service.subscribe(heard.append)
    as_bob = service.with_actor(replace(BOB, partner_code="CNCL"))
    as_bob.rename_register("Renamed by Bob")
    assert len(heard) == 1 and heard[0].register


def test_other_users_changes_beyond_the_limit_are_everything(service: RegisterService) -> None:
    start = service.revision()
    service.create_risks([RiskDraft(f"Risk {n}", "CNCL", 2, 2) for n in range(30)])
    seen = service.changed_since(start, most=10)
    assert seen.everything and seen.reaches_every_risk and seen.outside


def test_an_action_announcement_names_its_risk(service: RegisterService) -> None:
    risk, action = _action(service)
    heard: list[Changes] = []
    service.subscribe(heard.append)
    service.edit_action(action, 1, {"status": ActionStatus.IN_PROGRESS})
    (changes,) = heard
    assert changes.action_risks == {risk} and changes.touches_risk(risk)
    assert changes.refs == {"R-001"}
