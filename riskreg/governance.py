"""Joint governance on records: appetite breaches, review snapshots and their fingerprints,
what changed since a review, and each partner's share of the exposure.

Pure functions over the records the services hand out, so the GUI, the pack and the command
line get the same answers, and the snapshot's canonical form has one definition.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from riskreg.acceptance import JudgedReason, Scope, judge, standing
from riskreg.belonging import holders_of
from riskreg.choices import AppetiteLevel, RiskKind, RiskStatus, Visibility
from riskreg.records import (
    ActionRecord,
    Attendee,
    DecisionRecord,
    PartnerRecord,
    RiskRecord,
)
from riskreg.scoring import ScoringScheme

SNAPSHOT_FORMAT = 1
APPETITE_NAMES: tuple[str, ...] = tuple(level.value for level in AppetiteLevel)


# -- appetite -----------------------------------------------------------------------------
class AppetiteState(enum.IntEnum):
    """Where a risk stands against an appetite level, worst last (so ``max`` is the worst)."""

    WITHIN = 0
    WARNING = 1
    """Above appetite, within tolerance."""
    BREACH = 2
    """Above tolerance."""

    @property
    def words(self) -> str:
        return _STATE_WORDS[self]


_STATE_WORDS = {
    AppetiteState.WITHIN: "Within appetite",
    AppetiteState.WARNING: "Above appetite",
    AppetiteState.BREACH: "Breach of tolerance",
}


@dataclass(frozen=True, slots=True)
class AppetiteFinding:
    """One appetite a risk is above: whose (``scope``), how far (warning or breach) and
    why, in words."""

    state: AppetiteState
    reason: str
    """ "High: above appetite of APEX (Cautious: Medium), within tolerance (High) —
    Financial", or "Very high: breach of tolerance of APEX (…)"."""
    scope: Scope = None
    """Whose appetite: None for the partnership's, else the partner's code (what an
    acceptance is recorded for)."""


@dataclass(frozen=True, slots=True)
class AppetiteJudgement:
    """A risk's findings that stand today (above an appetite and not accepted), and the
    worst of them."""

    findings: tuple[AppetiteFinding, ...]

    @property
    def state(self) -> AppetiteState:
        return max((f.state for f in self.findings), default=AppetiteState.WITHIN)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(f.reason for f in self.findings)


Outlines = dict[tuple[int, int], AppetiteState]
"""Heat-map cells holding a risk above appetite (likelihood, impact) → the worst state there."""


def appetite_breaches(
    risks: Iterable[RiskRecord],
    scheme: ScoringScheme,
    partnership: Mapping[str, str | None],
    partners: Mapping[tuple[str, str], str],
    today: date,
) -> dict[str, AppetiteJudgement]:
    """Each open risk above an appetite and not accepted on ``today``, by uuid: the
    partnership's for its category, and that of every partner that leads or shares it
    (``appetite_reasons``), less the findings an acceptance covers (``riskreg.acceptance``);
    a lapsed acceptance's finding stands again, saying so."""
    out: dict[str, AppetiteJudgement] = {}
    for risk in risks:
        findings = appetite_reasons(risk, scheme, partnership, partners)
        if findings and risk.acceptances:
            findings = standing(judge(findings, risk.acceptances, today))
        if findings:
            out[risk.uuid] = AppetiteJudgement(findings)
    return out


def appetite_acceptances(
    risks: Iterable[RiskRecord],
    scheme: ScoringScheme,
    partnership: Mapping[str, str | None],
    partners: Mapping[tuple[str, str], str],
    today: date,
) -> list[tuple[RiskRecord, JudgedReason]]:
    """The findings that acceptances cover today, risk by risk (for the pack and ``check``)."""
    out: list[tuple[RiskRecord, JudgedReason]] = []
    for risk in risks:
        if not risk.acceptances:
            continue
        findings = appetite_reasons(risk, scheme, partnership, partners)
        out.extend((risk, j) for j in judge(findings, risk.acceptances, today) if j.accepted)
    return out


def appetite_reasons(
    risk: RiskRecord,
    scheme: ScoringScheme,
    partnership: Mapping[str, str | None],
    partners: Mapping[tuple[str, str], str],
) -> tuple[AppetiteFinding, ...]:
    """Where one risk is above appetite, whether or not it is accepted (empty when it is
    within every one, or is closed): the one evaluation the table, the editor, the maps,
    the pack, acceptance and escalation share.

    ``partnership`` maps category → the partnership's appetite level; ``partners`` maps
    (partner code, category) → the level that partner holds. A band above a level's
    appetite band but within its tolerance band is a warning; above the tolerance, a breach.
    Appetite is for threats: an opportunity is never above it.
    """
    if risk.kind is RiskKind.OPPORTUNITY:
        return ()
    if risk.status is RiskStatus.CLOSED or risk.category is None or risk.unrated:
        return ()
    try:
        rank = scheme.band_index(risk.current_likelihood or 0, risk.current_impact or 0)
    except (IndexError, ValueError):
        return ()
    findings = []
    agreed = partnership.get(risk.category)
    found = _finding(scheme, rank, None, agreed, risk.category)
    if found:
        findings.append(found)
    if partners:
        holders = holders_of(risk.visibility, risk.lead_partner, risk.shares)
        for code in sorted(holders):
            found = _finding(scheme, rank, code, partners.get((code, risk.category)),
                             risk.category)  # fmt: skip
            if found:
                findings.append(found)
    return tuple(findings)


def _finding(
    scheme: ScoringScheme, rank: int, scope: Scope, level: str | None, category: str
) -> AppetiteFinding | None:
    if level not in APPETITE_NAMES:
        return None
    appetite, tolerance = scheme.appetite_bands[APPETITE_NAMES.index(level)]
    if rank <= appetite:
        return None
    whose = "the partnership" if scope is None else scope
    band, appetite_name = scheme.bands[rank].name, scheme.bands[appetite].name
    tolerance_name = scheme.bands[tolerance].name
    if rank <= tolerance:
        return AppetiteFinding(
            AppetiteState.WARNING,
            f"{band}: above appetite of {whose} ({level}: {appetite_name}), within tolerance "
            f"({tolerance_name}) — {category}",
            scope,
        )
    return AppetiteFinding(
        AppetiteState.BREACH,
        f"{band}: breach of tolerance of {whose} ({level}: appetite {appetite_name}, "
        f"tolerance {tolerance_name}) — {category}",
        scope,
    )


# -- snapshots ----------------------------------------------------------------------------
def canonical(document: Any) -> str:
    """The one text of a document: keys sorted, no spaces, UTF-8 characters as themselves.

    The same content gives the same text on every machine, in every locale and time zone,
    so its SHA-256 is a fingerprint partners can compare.
    """
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_document(
    *,
    register: Mapping[str, Any],
    scheme: ScoringScheme,
    partners: Sequence[PartnerRecord],
    risks: Iterable[RiskRecord],
    actions: Iterable[ActionRecord],
    title: str,
    held_on: date,
    recorded_at: datetime,
    attendees: Sequence[Attendee],
    decisions: Sequence[DecisionRecord],
) -> dict[str, Any]:
    """The register as a joint review saw it: every joint risk that is not closed, with its
    scores and band, owners, shares and actions, and the meeting's record."""
    joint = [
        r for r in risks if r.visibility is Visibility.JOINT and r.status is not RiskStatus.CLOSED
    ]
    kept = {r.uuid for r in joint}
    by_risk: dict[str, list[dict[str, Any]]] = {}
    for action in actions:
        if action.risk_uuid in kept:
            by_risk.setdefault(action.risk_uuid, []).append({
                "ref": action.ref, "description": action.description,
                "partner": action.partner, "owner": action.owner,
                "due": _iso(action.due_date), "status": action.status.value,
                "progress": action.progress,
            })  # fmt: skip
    return {
        "format": SNAPSHOT_FORMAT,
        "register": dict(register),
        "meeting": {
            "title": title,
            "held_on": held_on.isoformat(),
            "recorded_at": recorded_at.isoformat(timespec="seconds"),
            "attendees": [{"partner": a.partner_code, "name": a.name} for a in attendees],
            "decisions": [
                {"ref": d.ref, "decision": d.decision.value, "note": d.note} for d in decisions
            ],
        },
        "scheme": _snapshot_scheme(scheme),
        "partners": [{"code": p.code, "name": p.name} for p in partners],
        "risks": [_risk_entry(r, scheme, by_risk.get(r.uuid, [])) for r in joint],
    }


def _snapshot_scheme(scheme: ScoringScheme) -> dict[str, Any]:
    """The scheme as a snapshot of format 1 holds it: levels, bands and cells. Appetites
    are not in a snapshot, so neither is the appetite levels' mapping (schema 0010), and a
    review's fingerprint is made the same way as before it."""
    document: dict[str, Any] = json.loads(scheme.to_json())
    document.pop("appetite", None)
    return document


def _risk_entry(
    risk: RiskRecord, scheme: ScoringScheme, actions: list[dict[str, Any]]
) -> dict[str, Any]:
    target = None
    if risk.target_likelihood is not None and risk.target_impact is not None:
        target = [risk.target_likelihood, risk.target_impact]
    return {
        "ref": risk.ref,
        "uuid": risk.uuid,
        "title": risk.title,
        "status": risk.status.value,
        "category": risk.category,
        "lead": risk.lead_partner,
        "owner": risk.owner,
        "shares": [[code, percent] for code, percent in risk.shares],
        "inherent": [risk.inherent_likelihood, risk.inherent_impact],
        "current": [risk.current_likelihood, risk.current_impact],
        "target": target,
        "band": _band_name(scheme, risk.current_likelihood, risk.current_impact),
        "escalation": risk.escalation.value,
        "next_review": _iso(risk.next_review),
        "cost_likely": risk.cost_likely,
        "actions": actions,
    }


def _band_name(scheme: ScoringScheme, likelihood: int | None, impact: int | None) -> str | None:
    """A band's name, or ``None`` for an unrated draft (kept as ``null`` in a snapshot)."""
    band = scheme.band_or_none(likelihood, impact)
    return band.name if band else None


def _score_text(likelihood: int | None, impact: int | None) -> str:
    if likelihood is None or impact is None:
        return "unrated"
    return f"{likelihood * impact} ({likelihood}×{impact})"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class SnapshotChange:
    """One difference between a review's snapshot and the register now."""

    ref: str
    what: str
    then: str
    now: str


def _frozen_score(current: Any, band: Any) -> str:
    """ "12 (3×4, High)" from a snapshot's levels and band, "unrated" for an unrated draft.
    The snapshot is text in the file: levels that are not two whole numbers of a scheme
    (``["x", 10**9]`` would build a gigabyte) read "?"."""
    if current == [None, None]:
        return "unrated"
    if (
        isinstance(current, list)
        and len(current) == 2
        and all(type(level) is int and 0 <= level <= 10 for level in current)
    ):
        named = f", {band}" if isinstance(band, str) and band else ""
        return f"{current[0] * current[1]} ({current[0]}×{current[1]}{named})"
    return "? (?)"


def compare(snapshot: Mapping[str, Any], risks_now: Iterable[RiskRecord]) -> list[SnapshotChange]:
    """What moved since the review: new and closed joint risks, scores, bands, owners,
    leads, escalation. Bands are read in each side's own scheme."""
    then = {r["uuid"]: r for r in snapshot["risks"]}
    now = {r.uuid: r for r in risks_now if r.visibility is Visibility.JOINT}
    changes: list[SnapshotChange] = []
    for uuid, entry in then.items():
        risk = now.get(uuid)
        if risk is None:
            changes.append(SnapshotChange(entry["ref"], "no longer joint", "joint", "internal"))
            continue
        if risk.status is RiskStatus.CLOSED:
            changes.append(SnapshotChange(risk.ref, "closed", entry["status"], "Closed"))
            continue
        if [risk.current_likelihood, risk.current_impact] != entry["current"]:
            changes.append(SnapshotChange(
                risk.ref, "current score", _frozen_score(entry["current"], entry["band"]),
                _score_text(risk.current_likelihood, risk.current_impact),
            ))  # fmt: skip
        for what, old, new in (("lead partner", entry["lead"], risk.lead_partner),
                               ("owner", entry["owner"], risk.owner),
                               ("escalation", entry["escalation"], risk.escalation.value),
                               ("status", entry["status"], risk.status.value)):  # fmt: skip
            if old != new:
                changes.append(SnapshotChange(risk.ref, what, str(old), str(new)))
    for uuid, risk in now.items():
        if uuid not in then and risk.status is not RiskStatus.CLOSED:
            score = risk.current_score or "unrated"
            changes.append(SnapshotChange(risk.ref, "new since the review", "",
                                          f"{risk.title} ({score})"))  # fmt: skip
    changes.sort(key=lambda c: (c.ref, c.what))
    return changes


# -- exposure -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Exposure:
    partner: str
    minimum: int
    likely: int
    maximum: int
    risks: int
    without_minimum: tuple[str, ...] = ()
    """Refs of the risks with no minimum cost: their most likely cost stands in for it."""
    without_maximum: tuple[str, ...] = ()
    """Refs of the risks with no maximum cost: their most likely cost stands in for it."""


def exposure_by_partner(risks: Iterable[RiskRecord]) -> list[Exposure]:
    """Each partner's share of the cost exposure of the open risks that have one. Where a
    risk has no minimum or maximum, its most likely cost stands in, and the exposure names
    the risk, so a page can say which figures rest on an estimate."""
    sums: dict[str, list[int]] = {}
    missing: dict[str, tuple[list[str], list[str]]] = {}
    for risk in risks:
        if risk.status is RiskStatus.CLOSED or risk.cost_likely is None:
            continue
        low = risk.cost_min if risk.cost_min is not None else risk.cost_likely
        high = risk.cost_max if risk.cost_max is not None else risk.cost_likely
        for code, percent in risk.shares:
            total = sums.setdefault(code, [0, 0, 0, 0])
            total[0] += round(low * percent / 100)
            total[1] += round(risk.cost_likely * percent / 100)
            total[2] += round(high * percent / 100)
            total[3] += 1
            no_min, no_max = missing.setdefault(code, ([], []))
            if risk.cost_min is None:
                no_min.append(risk.ref)
            if risk.cost_max is None:
                no_max.append(risk.ref)
    return [
        Exposure(code, low, likely, high, count, tuple(missing[code][0]), tuple(missing[code][1]))
        for code, (low, likely, high, count) in sorted(sums.items())
    ]
