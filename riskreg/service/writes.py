"""Writes shared by the use cases: validated inserts and field changes, each logged."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from riskreg.belonging import action_owner_problem, belonging_problems
from riskreg.bulk import insert_rows, new_uuids
from riskreg.choices import (
    ActionStatus,
    EscalationLevel,
    RiskStatus,
    Visibility,
)
from riskreg.errors import (
    Problem,
    ValidationError,
)
from riskreg.governance import APPETITE_NAMES
from riskreg.model import (
    Action,
    Base,
    Risk,
    RiskShare,
)
from riskreg.records import (
    ActionDraft,
    CategoryRecord,
    PartnerRecord,
    RiskDraft,
    SchemeChangeReport,
    Shares,
)
from riskreg.scoring import SchemeError, ScoringScheme
from riskreg.server import kept_log
from riskreg.service.changes import CREATED
from riskreg.service.unit_of_work import (
    Work,
)
from riskreg.validation import (
    ACTION_FIELDS,
    RISK_FIELDS,
    Context,
    check_columns,
    check_fields,
    check_risk_consistency,
    check_shares,
    check_value,
    normalise_shares,
    plainly_valid,
    rating_problems,
    response_problems,
    text_problem,
)

_RISK_TABLE = Base.metadata.tables["risk"]
_ACTION_TABLE = Base.metadata.tables["action"]
_SHARE_TABLE = Base.metadata.tables["risk_share"]


def risk_ref(number: int) -> str:
    return f"R-{number:03d}"


def action_ref(number: int) -> str:
    return f"A-{number:03d}"


def partner_problems(partner: PartnerRecord) -> list[Problem]:
    problems = []
    code = partner.code
    if not code or len(code) > 12 or not all(c.isalnum() or c in "-_" for c in code):
        problems.append(
            Problem("code", f"partner code {code!r} must be 1–12 letters, digits, - or _")
        )
    if code != code.upper():
        problems.append(Problem("code", f"partner code {code!r} must be in capitals"))
    for field, label, text, required in (
        ("name", "The partner's name", partner.name, True),
        ("contact", "The partner's contact", partner.contact, False),
    ):
        message = text_problem(label, text, 200, required=required)
        if message:
            problems.append(Problem(field, message))
    colour = partner.colour
    if (
        len(colour) != 7
        or not colour.startswith("#")
        or not all(c in "0123456789abcdefABCDEF" for c in colour[1:])
    ):
        problems.append(Problem("colour", f"colour {colour!r} is not #rrggbb"))
    return problems


def partner_columns(partner: PartnerRecord) -> dict[str, Any]:
    return {
        "code": partner.code,
        "name": partner.name,
        "colour": partner.colour,
        "contact": partner.contact,
        "active": partner.active,
    }


def _action_draft_problems(draft: ActionDraft, ctx: Context, prefix: str) -> list[Problem]:
    problems = []
    for name, spec in ACTION_FIELDS.items():
        value = getattr(draft, name)
        if plainly_valid(spec, value, ctx):
            continue
        message = check_value(name, spec, value, ctx)
        if message:
            problems.append(Problem(prefix + name, message))
    return problems


_REVIEW_FIELDS = ("current_likelihood", "current_impact", "status", "next_review",
                  "last_reviewed", "raised_on")  # fmt: skip


def _review_values(columns: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    """Per draft, the values its review dates are judged by."""
    return [dict(zip(_REVIEW_FIELDS, row, strict=True))
            for row in zip(*(columns[name] for name in _REVIEW_FIELDS), strict=True)]  # fmt: skip


def _draft_columns(drafts: Sequence[RiskDraft], today: date) -> dict[str, list[Any]]:
    """The drafts' values field by field, with the documented defaults filled in."""
    columns = {name: [getattr(d, name) for d in drafts] for name in RISK_FIELDS}
    columns["raised_on"] = [v or today for v in columns["raised_on"]]
    columns["current_likelihood"] = [
        v if v is not None else d.inherent_likelihood
        for v, d in zip(columns["current_likelihood"], drafts, strict=True)
    ]
    columns["current_impact"] = [
        v if v is not None else d.inherent_impact
        for v, d in zip(columns["current_impact"], drafts, strict=True)
    ]
    return columns


_CONSISTENCY_FIELDS = ("target_likelihood", "target_impact", "cost_min", "cost_likely", "cost_max")


def _draft_problems(
    drafts: Sequence[RiskDraft], columns: dict[str, list[Any]], ctx: Context
) -> list[Problem]:
    """Every problem of every draft, named ``risk N: field`` when there are several."""
    found = check_columns(columns, RISK_FIELDS, ctx) + rating_problems(columns)
    found += response_problems(columns["kind"], columns["response"])
    for index, draft in enumerate(drafts):
        if any(getattr(draft, name) is not None for name in _CONSISTENCY_FIELDS):
            found += [(index, p) for p in check_risk_consistency(
                {name: columns[name][index] for name in _CONSISTENCY_FIELDS}
            )]  # fmt: skip
        if draft.shares is not None:
            found += [(index, p) for p in check_shares(draft.shares, ctx)]
        partners = [(f"action {k}", a.partner) for k, a in enumerate(draft.actions, start=1)]
        found += [(index, problem) for problem in belonging_problems(
            draft.visibility, draft.lead_partner, draft.shares or ((draft.lead_partner, 100),),
            partners,
        )]  # fmt: skip
        if draft.escalation is not EscalationLevel.OPERATIONAL:
            reason = draft.escalation_reason
            message = (text_problem("The reason", reason, 2_000) if reason.strip()
                       else "give the reason it is escalated")  # fmt: skip
            if message:
                found.append((index, Problem("escalation_reason", message)))
    owners = [(i, n) for i, d in enumerate(drafts) for n in range(1, len(d.actions) + 1)]
    if owners:
        actions = [a for d in drafts for a in d.actions]
        action_columns = {name: [getattr(a, name) for a in actions] for name in ACTION_FIELDS}
        for position, problem in check_columns(action_columns, ACTION_FIELDS, ctx):
            index, number = owners[position]
            found.append((index, Problem(f"action {number}: {problem.field}", problem.message)))
    found.sort(key=lambda pair: pair[0])
    if len(drafts) == 1:
        return [problem for _, problem in found]
    return [Problem(f"risk {index + 1}: {p.field}", p.message) for index, p in found]


def insert_risks(w: Work, drafts: Sequence[RiskDraft], today: date) -> list[str]:
    ctx = w.context()
    columns = _draft_columns(drafts, today)
    problems = _draft_problems(drafts, columns, ctx)
    scheme = w.scheme
    for number, values in enumerate(_review_values(columns), start=1):
        found = review_dates_problems(values, today) or cadence_problems(scheme, values, today)
        for problem in found:
            named = problem.field if len(drafts) == 1 else f"risk {number}: {problem.field}"
            problems.append(Problem(named, problem.message))
    if problems:
        raise ValidationError(problems)
    partner_ids, category_ids = w.partner_ids, w.category_ids
    count = len(drafts)
    first = w.register.next_risk_number
    w.register.next_risk_number = first + count
    numbers = range(first, first + count)
    uuids = new_uuids(count)
    refs = [risk_ref(n) for n in numbers]
    next_reviews = []
    for lik, imp, given, reviewed, raised in zip(
        columns["current_likelihood"], columns["current_impact"], columns["next_review"],
        columns["last_reviewed"], columns["raised_on"], strict=True,
    ):  # fmt: skip
        if given is None:
            given = scheme.next_review(lik, imp, reviewed or raised)
        next_reviews.append(given)
    columns["next_review"] = next_reviews
    columns["category"] = [category_ids[c] if c is not None else None for c in columns["category"]]
    columns["lead_partner"] = [partner_ids[code] for code in columns["lead_partner"]]
    extra = {
        "uuid": uuids,
        "number": list(numbers),
        "ref": refs,
        "closed_on": [today if s is RiskStatus.CLOSED else None for s in columns["status"]],
        "escalation": [d.escalation for d in drafts],
        "version": [1] * count,
    }
    renamed = {"category": "category_id", "lead_partner": "lead_partner_id"}
    keys = [renamed.get(name, name) for name in columns] + list(extra)
    risk_rows = list(zip(*columns.values(), *extra.values(), strict=True))
    connection = w.session.connection()
    # executemany, then one query for the new ids by number: RETURNING with executemany
    # on SQLite falls back to a statement per row to keep the order.
    insert_rows(connection, _RISK_TABLE, keys, risk_rows)
    id_by_number = dict(
        w.session.execute(select(Risk.number, Risk.id).where(Risk.number >= first)).all()
    )
    share_rows: list[tuple[int, int, int]] = []
    action_rows: list[tuple[Any, ...]] = []
    action_uuids = iter(new_uuids(sum(len(d.actions) for d in drafts)))
    action_number = w.register.next_action_number
    for draft, number, risk_uuid, ref in zip(drafts, numbers, uuids, refs, strict=True):
        rid = id_by_number[number]
        shares = draft.shares or ((draft.lead_partner, 100),)
        share_rows.extend((rid, partner_ids[code], percent) for code, percent in shares)
        w.log("risk", risk_uuid, ref, CREATED, None, draft.title)
        if draft.escalation is not EscalationLevel.OPERATIONAL:
            w.log("risk", risk_uuid, ref, "escalation_reason", None, draft.escalation_reason)
        for action in draft.actions:
            action_uuid = next(action_uuids)
            action_rows.append(_action_row(action, action_uuid, action_number, rid, partner_ids))
            w.log(
                "action", action_uuid, action_ref(action_number), CREATED, None, action.description
            )  # as the server logs it (riskreg.server.triggers)
            w.action_risks[action_uuid] = (risk_uuid, ref)
            action_number += 1
    w.register.next_action_number = action_number
    insert_rows(connection, _SHARE_TABLE, ("risk_id", "partner_id", "percent"), share_rows)
    insert_rows(connection, _ACTION_TABLE, _ACTION_KEYS, action_rows)
    return uuids


_ACTION_KEYS = (
    "uuid", "number", "ref", "risk_id", "description", "partner_id", "owner", "due_date",
    "status", "progress", "completed_on", "version",
)  # fmt: skip


def _action_row(
    draft: ActionDraft, action_uuid: str, number: int, risk_id: int, partner_ids: dict[str, int]
) -> tuple[Any, ...]:
    """One action's values in ``_ACTION_KEYS`` order."""
    progress = 100 if draft.status is ActionStatus.DONE else draft.progress
    return (
        action_uuid, number, action_ref(number), risk_id, draft.description,
        partner_ids[draft.partner], draft.owner, draft.due_date, draft.status, progress,
        draft.completed_on, 1,
    )  # fmt: skip


def apply_risk_changes(
    w: Work, risk: Risk, changes: dict[str, Any], today: date, ctx: Context | None = None
) -> None:
    ctx = ctx or w.context()
    codes = w.partner_codes
    categories = {cid: name for name, cid in w.category_ids.items()}
    shares_now: Shares = tuple(sorted((codes[s.partner_id], s.percent) for s in risk.shares))
    current = {name: getattr(risk, name) for name in RISK_FIELDS if hasattr(Risk, name)}
    current["category"] = categories.get(risk.category_id) if risk.category_id else None
    current["lead_partner"] = codes[risk.lead_partner_id]

    new_shares = changes.pop("shares", None)
    field_changes = {k: v for k, v in changes.items() if current.get(k, object()) != v}
    problems = check_fields(field_changes, RISK_FIELDS, ctx)
    if new_shares is not None:
        new_shares = normalise_shares(tuple(new_shares))
        if new_shares != shares_now:
            problems += check_shares(new_shares, ctx)
        else:
            new_shares = None
    after = {**current, **field_changes}
    problems += check_risk_consistency(after)
    problems += review_dates_problems(field_changes, today)
    if not problems and "next_review" in field_changes:
        problems += cadence_problems(w.scheme, after, today)
    if problems:
        raise ValidationError(problems)
    if "next_review" not in field_changes:
        sooner = next_review_for_band_change(w.scheme, current, after, today)
        if sooner is not None:
            field_changes["next_review"] = sooner  # logged below with the rest

    lead_moved = field_changes.get("lead_partner")
    if lead_moved and new_shares is None and shares_now == ((current["lead_partner"], 100),):
        new_shares = ((lead_moved, 100),)  # the default split follows the lead
    if new_shares is not None or {"visibility", "lead_partner"} & field_changes.keys():
        problems = belonging_problems(
            after["visibility"], after["lead_partner"], new_shares or shares_now,
            action_owners(w, risk.id) if after["visibility"] is Visibility.INTERNAL else (),
        )  # fmt: skip
        if problems:
            raise ValidationError(problems)
    status = field_changes.get("status")
    if status is RiskStatus.CLOSED:
        field_changes.setdefault("closed_on", today)
    elif status is not None and risk.status is RiskStatus.CLOSED:
        field_changes.setdefault("closed_on", None)

    for name, new in field_changes.items():
        old = current.get(name, getattr(risk, name, None))
        w.log("risk", risk.uuid, risk.ref, name, old, new)
        if name == "category":
            risk.category_id = w.category_ids[new] if new is not None else None
        elif name == "lead_partner":
            risk.lead_partner_id = w.partner_ids[new]
        else:
            setattr(risk, name, new)
    if new_shares is not None:
        w.log("risk", risk.uuid, risk.ref, "shares", shares_now, new_shares)
        wanted = {w.partner_ids[code]: percent for code, percent in new_shares}
        for share in list(risk.shares):
            if share.partner_id not in wanted:
                kept_log.remove_share(w.session, risk, share)
            else:
                share.percent = wanted.pop(share.partner_id)
        for partner_id, percent in wanted.items():
            risk.shares.append(RiskShare(partner_id=partner_id, percent=percent))
        if not field_changes:
            flag_modified(risk, "title")  # a change of split is a change of the risk
    try:
        w.session.flush()
    except IntegrityError as exc:  # pragma: no cover - validation should catch all of these
        raise ValidationError.single(
            "risk", f"the register refused the change: {exc.orig}"
        ) from exc


def scheme_report(
    old: ScoringScheme, new: ScoringScheme, levels: Sequence[tuple[int | None, int | None]]
) -> SchemeChangeReport:
    changing = moved = 0
    for lik, imp in levels:
        if lik is None or imp is None:
            continue  # an unrated draft: no level to move, no band to change
        nl, ni = old.remap_likelihood(lik, new), old.remap_impact(imp, new)
        moved += (nl, ni) != (lik, imp)
        changing += old.band(lik, imp).name != new.band(nl, ni).name
    return SchemeChangeReport(changing, moved, len(levels))


def review_dates_problems(values: Mapping[str, Any], today: date) -> list[Problem]:
    """A risk cannot have been reviewed after today."""
    reviewed = values.get("last_reviewed")
    if isinstance(reviewed, date) and reviewed > today:
        return [Problem("last_reviewed", f"Last reviewed {reviewed:%d %b %Y} is after today; "
                        "give the date the review took place")]  # fmt: skip
    return []


def latest_next_review(scheme: ScoringScheme, values: Mapping[str, Any], today: date) -> date:
    """``ScoringScheme.latest_next_review`` of a risk's values."""
    return scheme.latest_next_review(values.get("current_likelihood"),
                                     values.get("current_impact"), values.get("last_reviewed"),
                                     values.get("raised_on"), today)  # fmt: skip


def cadence_problems(
    scheme: ScoringScheme, values: Mapping[str, Any], today: date
) -> list[Problem]:
    """A next review later than the risk's band allows (a closed risk has none due)."""
    given = values.get("next_review")
    if not isinstance(given, date) or values.get("status") is RiskStatus.CLOSED:
        return []
    try:
        latest = latest_next_review(scheme, values, today)
        band = band_name(scheme, values.get("current_likelihood"), values.get("current_impact"))
    except (SchemeError, TypeError):  # a level outside the scheme: refused on its own
        return []
    if given <= latest:
        return []
    reviewed = values.get("last_reviewed")
    since = (f"the last review on {reviewed:%d %b %Y}" if reviewed
             else f"it was raised on {(values.get('raised_on') or today):%d %b %Y}")  # fmt: skip
    days = (latest - (reviewed or values.get("raised_on") or today)).days
    what = f"the {band} band" if band else "an unrated draft"
    return [Problem("next_review", f"Next review {given:%d %b %Y} is later than {what} allows: "
                    f"by {latest:%d %b %Y} at the latest ({days} days after {since})")]  # fmt: skip


def next_review_for_band_change(
    scheme: ScoringScheme, before: Mapping[str, Any], after: Mapping[str, Any], today: date
) -> date | None:
    """When the current band changes, the next review moves to the earlier of the date it
    has and the latest the new band allows (never later); None when it stays."""
    if after.get("status") is RiskStatus.CLOSED:
        return None
    old = band_name(scheme, before.get("current_likelihood"), before.get("current_impact"))
    new = band_name(scheme, after.get("current_likelihood"), after.get("current_impact"))
    if old == new:
        return None
    return redated(scheme, after, today)


def redated(scheme: ScoringScheme, values: Mapping[str, Any], today: date) -> date | None:
    """The latest next review the band allows, when the risk's own is later (or missing);
    None when it may stay. A closed risk has no review due."""
    if values.get("status") is RiskStatus.CLOSED:
        return None
    latest = latest_next_review(scheme, values, today)
    has = values.get("next_review")
    return latest if has is None or has > latest else None


def band_name(scheme: ScoringScheme, likelihood: int | None, impact: int | None) -> str | None:
    """The band of a position, or None for an unrated draft (in no band)."""
    band = scheme.band_or_none(likelihood, impact)
    return band.name if band else None


def apply_action_changes(
    w: Work, action: Action, changes: dict[str, Any], today: date, ctx: Context
) -> None:
    problems = check_fields(changes, ACTION_FIELDS, ctx)
    # An owning partner that has since become inactive may stay on its action.
    if "partner" in changes and changes["partner"] == w.partner_codes[action.partner_id]:
        problems = [p for p in problems if p.field != "partner"]
    elif "partner" in changes and not problems:
        owner = owner_problem(w, action.risk_id, changes["partner"])
        if owner is not None:
            problems.append(owner)
    if problems:
        raise ValidationError(problems)
    if changes.get("status") is ActionStatus.DONE:
        changes.setdefault("progress", 100)
        changes.setdefault("completed_on", action.completed_on or today)
    elif "status" in changes and changes["status"] is not ActionStatus.DONE:
        changes.setdefault("completed_on", None)
    for name, new in changes.items():
        if name == "partner":
            old = w.partner_codes[action.partner_id]
            if old != new:
                w.log("action", action.uuid, action.ref, name, old, new)
                action.partner_id = w.partner_ids[new]
            continue
        old = getattr(action, name)
        if old != new:
            w.log("action", action.uuid, action.ref, name, old, new)
            setattr(action, name, new)


def action_owners(w: Work, risk_id: int) -> list[tuple[str, str]]:
    """The refs of a risk's actions and their owning partners."""
    rows = w.session.execute(select(Action.ref, Action.partner_id).where(Action.risk_id == risk_id))
    return [(ref, w.partner_codes[partner_id]) for ref, partner_id in rows]


def owner_problem(w: Work, risk_id: int, partner: str) -> Problem | None:
    """An action of an Internal risk is its lead partner's (``belonging``)."""
    ref, visibility, lead_id = w.session.execute(
        select(Risk.ref, Risk.visibility, Risk.lead_partner_id).where(Risk.id == risk_id)
    ).one()
    return action_owner_problem(visibility, w.partner_codes[lead_id], partner, ref)


def insert_action(w: Work, risk_id: int, draft: ActionDraft, ctx: Context) -> str:
    problems = _action_draft_problems(draft, ctx, "")
    owner = owner_problem(w, risk_id, draft.partner) if not problems else None
    if owner is not None:
        problems.append(owner)
    if problems:
        raise ValidationError(problems)
    number = w.register.next_action_number
    w.register.next_action_number += 1
    action_uuid = str(uuidlib.uuid4())
    insert_rows(
        w.session.connection(),
        _ACTION_TABLE,
        _ACTION_KEYS,
        [_action_row(draft, action_uuid, number, risk_id, w.partner_ids)],
    )
    w.log("action", action_uuid, action_ref(number), CREATED, None, draft.description)
    return action_uuid


def problems_about(ref: str, exc: ValidationError) -> ValidationError:
    return ValidationError([Problem(f"{ref}: {p.field}", p.message) for p in exc.problems])


def check_category(w: Work, category: CategoryRecord, existing: str | None) -> None:
    if not category.name.strip():
        raise ValidationError.single("name", "a category needs a name")
    message = text_problem("The category's name", category.name, 100)
    if message:
        raise ValidationError.single("name", message)
    if category.name != existing and category.name in w.category_ids:
        raise ValidationError.single("name", f"there is already a category {category.name!r}")
    if message := appetite_level_problem(category.appetite):
        raise ValidationError.single("appetite", message)


def appetite_level_problem(level: str | None) -> str | None:
    """Why an appetite is not one of the Orange Book's levels (None: it is, or is unset)."""
    if level is None or level in APPETITE_NAMES:
        return None
    return f"{level!r} is not an appetite level; choose one of " + ", ".join(APPETITE_NAMES)
