"""Build the demo register: a highways alliance of four partners with a year of history.

The content lives in ``resources/demo_register.json``; this module replays it through the
ordinary services with a clock set in the past, so that the change log, trends and
"changes since" are as real as a register that has been kept for a year.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from riskreg.choices import (
    ActionStatus,
    Decision,
    EscalationLevel,
    Proximity,
    Response,
    RiskKind,
    RiskStatus,
    Visibility,
)
from riskreg.records import (
    ActionDraft,
    Actor,
    Attendee,
    CategoryRecord,
    DecisionRecord,
    PartnerRecord,
    RiskDraft,
)
from riskreg.service import RegisterService, create_register

HISTORY_DAYS = 330
REVIEW_DAYS_AGO = 50
"""The partnership board's last joint review: trends and the meeting pack count from it."""


def load_demo_content() -> dict[str, Any]:
    text = files("resources").joinpath("demo_register.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _now() -> datetime:
    return datetime.now(UTC)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 30), tzinfo=UTC)


def build_demo(location: str | Path, actor: Actor, *, today: date | None = None) -> RegisterService:
    """Create ``location`` holding the demo partnership; dates are relative to ``today``."""
    data = load_demo_content()
    today = today or date.today()
    start = today - timedelta(days=HISTORY_DAYS)
    service = create_register(
        location,
        actor,
        name=data["name"],
        partners=[
            PartnerRecord(c, n, colour, contact) for c, n, colour, contact in data["partners"]
        ],
        keeper=data["keeper"],
        categories=[CategoryRecord(name, appetite) for name, appetite in data["categories"]],
        clock=lambda: _at(start),
    )
    events: list[tuple[int, int, dict[str, Any]]] = []  # (days ago, risk index, changes)
    created: dict[int, str] = {}  # risk index → uuid
    for index, risk in enumerate(data["risks"]):
        history = risk.get("was", [])
        first_l, first_i = (history[0][1], history[0][2]) if history else risk["cur"]
        raised_days_ago = (history[0][0] + 20) if history else HISTORY_DAYS - 10 - index * 5
        if risk.get("status") == "Draft":
            raised_days_ago = 12 + index % 5
        raised = today - timedelta(days=raised_days_ago)
        draft = RiskDraft(
            title=risk["title"],
            lead_partner=risk["lead"],
            shares=tuple(sorted(risk["shares"].items())) if "shares" in risk else None,
            category=risk["cat"],
            owner=risk["owner"],
            cause=risk["cause"],
            consequence=risk["cons"],
            description=f"{risk['cause']}. {risk['cons']}.",
            controls=risk["controls"],
            status=RiskStatus.DRAFT if risk.get("status") == "Draft" else RiskStatus.OPEN,
            visibility=Visibility(risk.get("vis", "Joint")),
            kind=RiskKind(risk.get("kind", "Threat")),
            response=Response(risk.get("resp", "Treat")),
            inherent_likelihood=risk["inh"][0],
            inherent_impact=risk["inh"][1],
            current_likelihood=first_l,
            current_impact=first_i,
            target_likelihood=risk["tgt"][0],
            target_impact=risk["tgt"][1],
            target_date=today + timedelta(days=120 + index * 7),
            proximity=Proximity(risk["prox"]) if "prox" in risk else None,
            cost_min=risk["cost"][0] if "cost" in risk else None,
            cost_likely=risk["cost"][1] if "cost" in risk else None,
            cost_max=risk["cost"][2] if "cost" in risk else None,
            raised_on=raised,
            last_reviewed=raised,
            actions=tuple(_action(a, today) for a in risk["actions"]),
        )
        if raised_days_ago < REVIEW_DAYS_AGO:  # raised after the joint review: made then
            events.append((raised_days_ago, index, {"create": draft}))
        else:
            record = service.with_clock(lambda raised=raised: _at(raised)).create_risk(draft)  # type: ignore[misc]
            created[index] = record.uuid
        for days_ago, lik, imp in history[1:]:
            events.append((days_ago, index, {"current_likelihood": lik, "current_impact": imp}))
        if history or (first_l, first_i) != tuple(risk["cur"]):
            last = min(20 + index % 15, history[-1][0] - 5 if history else 20)
            events.append(
                (
                    last,
                    index,
                    {"current_likelihood": risk["cur"][0], "current_impact": risk["cur"][1]},
                )
            )
        status = risk.get("status")
        if status == "Closed":
            events.append((40 + index % 20, index, {"status": RiskStatus.CLOSED}))
        if "escalation" in risk:  # up the ladder, with its reason
            events.append((25, index, {"escalate": tuple(risk["escalation"])}))
    scheme = service.scheme()
    reviewed = False
    for days_ago, index, changes in sorted(events, key=lambda e: (-e[0], e[1])):
        if not reviewed and days_ago < REVIEW_DAYS_AGO:
            _joint_review(service, today - timedelta(days=REVIEW_DAYS_AGO))
            reviewed = True
        day = today - timedelta(days=days_ago)
        at_day = service.with_clock(lambda day=day: _at(day))  # type: ignore[misc]
        if "create" in changes:
            created[index] = at_day.create_risk(changes["create"]).uuid
            continue
        uuid = created[index]
        record = at_day.get_risk(uuid)
        if "escalate" in changes:
            level, reason = changes["escalate"]
            at_day.escalate(uuid, record.version, EscalationLevel(level), reason)
            continue
        if "status" not in changes:  # a score change is made at a review
            band = scheme.band(changes["current_likelihood"], changes["current_impact"])
            next_review = day + timedelta(days=band.review_days)
            changes = {**changes, "last_reviewed": day, "next_review": next_review}
        at_day.edit_risk(uuid, record.version, changes)
    if not reviewed:
        _joint_review(service, today - timedelta(days=REVIEW_DAYS_AGO))
    return service.with_clock(_now)  # from here on the register is used today


def _joint_review(service: RegisterService, day: date) -> None:
    """The quarter's partnership board, as the demo's last joint review."""
    attendees = [
        Attendee("CNCL", "Priya Shah"),
        Attendee("APEX", "Dan Moss"),
        Attendee("AQUA", "Helen Orme"),
        Attendee("ARDN", "Sam Kaur"),
    ]
    decisions = [
        DecisionRecord("R-006", Decision.ACTION_AGREED, "BT Openreach dates to the director"),
        DecisionRecord("R-013", Decision.ACCEPTED, "Within the programme contingency"),
    ]
    at_day = service.with_clock(lambda: _at(day))
    at_day.record_joint_review("Q3 partnership board", day, attendees, decisions)


def _action(row: list[Any], today: date) -> ActionDraft:
    description, partner, owner, due_days, status, progress = row
    due = today + timedelta(days=due_days)
    action_status = ActionStatus(status)
    completed = None
    if action_status is ActionStatus.DONE:
        completed = min(due, today - timedelta(days=2))
    return ActionDraft(
        description=description,
        partner=partner,
        owner=owner,
        due_date=due,
        status=action_status,
        progress=progress,
        completed_on=completed,
    )
