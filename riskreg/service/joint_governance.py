"""Joint governance: reviews of risks, escalation, appetite breaches, joint reviews,
exposure.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Sequence
from datetime import UTC, date
from typing import Any

from sqlalchemy import func, select

from riskreg.choices import (
    EscalationLevel,
    RiskKind,
    RiskStatus,
)
from riskreg.errors import (
    NotFound,
    Problem,
    RuleError,
    ValidationError,
)
from riskreg.governance import AppetiteJudgement, AppetiteState
from riskreg.model import (
    Change,
    ChangeSet,
    Register,
    Review,
)
from riskreg.records import (
    Attendee,
    DecisionRecord,
    ReviewRecord,
    RiskRecord,
    Verification,
)
from riskreg.service.changes import CREATED
from riskreg.service.queries import (
    SCORE_FIELDS,
    appetite_breaches_in,
    partner_records,
    review_record,
    scheme_of,
    select_actions,
    select_risks,
)
from riskreg.service.unit_of_work import (
    ServiceBase,
)
from riskreg.service.writes import apply_risk_changes, band_name
from riskreg.validation import text_problem


class GovernanceUseCases(ServiceBase):
    """Joint governance: reviews of risks, escalation, appetite breaches, joint reviews,
    exposure."""

    def check(self, *, quick: bool = True) -> Any:
        """The register's integrity (``riskreg.integrity.CheckReport``); a file too damaged
        to read reports that instead of raising."""
        from sqlalchemy.exc import DatabaseError

        from riskreg.integrity import CheckReport, check_register

        try:
            return check_register(self._store, quick=quick)
        except DatabaseError as exc:
            problem = f"the file is damaged and cannot be read: {exc.orig}"
            return CheckReport(self.location, None, 0, 0, (problem,))

    # -- joint governance ---------------------------------------------------------------
    def mark_reviewed(self, uuid: str, version: int, on: date | None = None) -> RiskRecord:
        """A review of one risk: last reviewed on ``on``, next review after its band's
        interval (the scheme's review cadence)."""
        on = on or self.today()
        with self._write("Review risk") as w:
            risk = w.load_risk(uuid)
            w.expect_version(risk, version)
            due = w.scheme.next_review(risk.current_likelihood, risk.current_impact, on)
            apply_risk_changes(w, risk, {"last_reviewed": on, "next_review": due}, on)
            w.session.flush()
            return select_risks(w.session, uuid)[0]

    def escalate(self, uuid: str, version: int, level: EscalationLevel, reason: str) -> RiskRecord:
        """Move a risk up or down the escalation ladder; only with a reason, which is logged."""
        if not reason.strip():
            raise ValidationError.single("reason", "give the reason for changing the escalation")
        if message := text_problem("The reason", reason, 2_000):
            raise ValidationError.single("reason", message)
        with self._write(f"Escalation: {level.value}") as w:
            risk = w.load_risk(uuid)
            w.expect_version(risk, version)
            if risk.escalation is level:
                raise RuleError(f"{risk.ref} is already at {level.value}")
            w.log("risk", risk.uuid, risk.ref, "escalation", risk.escalation.value, level.value)
            w.log("risk", risk.uuid, risk.ref, "escalation_reason", None, reason.strip())
            risk.escalation = level
            w.session.flush()
            return select_risks(w.session, uuid)[0]

    def appetite_breaches(self) -> dict[str, AppetiteJudgement]:
        """Risks above appetite and not accepted today (uuid → warning or breach, and why)."""
        with self._read() as s:
            return appetite_breaches_in(s, self.today())

    def escalation_proposals(self, today: date | None = None) -> list[tuple[RiskRecord, str]]:
        """Open risks outside appetite, or in the top band, for longer than the register's
        escalation period, that are not yet at the top of the ladder; with the reason.

        How long counts from the last change of the current score (or the date raised): the
        risk has stood where it is since then.
        """
        today = today or self.today()
        with self._read() as s:  # one snapshot of the register for every figure
            scheme = scheme_of(s)
            risks = select_risks(s, None)
            breaches = appetite_breaches_in(s, today, risks)  # accepted: not proposed
            period = s.scalar(select(Register.escalate_after_days)) or 90
            moved = dict(
                s.execute(
                    select(Change.entity_uuid, func.max(ChangeSet.at))
                    .join(ChangeSet, ChangeSet.id == Change.change_set_id)
                    .where(Change.field.in_(SCORE_FIELDS))
                    .group_by(Change.entity_uuid)
                ).all()
            )
        top = len(scheme.bands) - 1
        proposals = []
        for risk in risks:
            if (
                risk.status is RiskStatus.CLOSED
                or risk.kind is RiskKind.OPPORTUNITY  # appetite and the top band are threats'
                or risk.escalation is EscalationLevel.SENIOR_EXECUTIVE
            ):
                continue
            in_top = band_name(scheme, risk.current_likelihood, risk.current_impact) == (
                scheme.bands[top].name
            )  # an unrated draft is in no band
            judged = breaches.get(risk.uuid)
            # a breach of tolerance is escalated; above appetite within tolerance is a warning
            why = [f.reason for f in judged.findings
                   if f.state is AppetiteState.BREACH] if judged else []  # fmt: skip
            if not (in_top or why):
                continue
            since_moment = moved.get(risk.uuid)
            since = since_moment.date() if since_moment else risk.raised_on
            days = (today - since).days
            if days <= period:
                continue
            reason = why[0] if why else f"in the top band ({scheme.bands[top].name})"
            proposals.append((risk, f"{reason} for {days} days (more than {period})"))
        return proposals

    def record_joint_review(
        self,
        title: str,
        held_on: date,
        attendees: Sequence[Attendee] = (),
        decisions: Sequence[DecisionRecord] = (),
    ) -> ReviewRecord:
        """Freeze the joint register as the meeting saw it, with its record, and fingerprint
        the snapshot's canonical text."""
        from riskreg.governance import canonical, fingerprint, snapshot_document

        if not title.strip():
            raise ValidationError.single("title", "a joint review needs a title")
        problems = [
            Problem(field, message)
            for field, label, text, most in (
                ("title", "The review's title", title.strip(), 300),
                *(("attendees", f"Attendee {a.name!r}", a.name, 200) for a in attendees),
                *(("decisions", f"The note on {d.ref}", d.note, 2_000) for d in decisions),
            )
            if (message := text_problem(label, text, most))
        ]
        if problems:
            raise ValidationError(problems)
        recorded = self.now().astimezone(UTC).replace(microsecond=0)
        with self._write(f"Joint review: {title[:200]}") as w:
            s = w.session
            info = self._info(s)
            risks = select_risks(s, None)
            refs = {r.ref for r in risks}
            unknown = [d.ref for d in decisions if d.ref not in refs]
            if unknown:
                raise ValidationError.single("decisions", "no such risk: " + ", ".join(unknown))
            document = snapshot_document(
                register={"uuid": info.uuid, "name": info.name, "revision": info.revision},
                scheme=info.scheme,
                partners=partner_records(s),
                risks=risks,
                actions=select_actions(s),
                title=title.strip(),
                held_on=held_on,
                recorded_at=recorded,
                attendees=attendees,
                decisions=decisions,
            )
            text = canonical(document)
            review = Review(
                uuid=str(uuidlib.uuid4()), title=title.strip()[:300], held_on=held_on,
                recorded_at=recorded.replace(tzinfo=None), user=self.actor.user[:200],
                revision=info.revision, snapshot=text, fingerprint=fingerprint(text),
            )  # fmt: skip
            s.add(review)
            s.flush()
            w.log("review", review.uuid, review.title, CREATED, None, review.fingerprint)
            return review_record(review)

    def list_reviews(self) -> list[ReviewRecord]:
        with self._read() as s:
            reviews = s.scalars(select(Review).order_by(Review.held_on, Review.id)).all()
            return [review_record(r) for r in reviews]

    def get_review(self, review_id: int) -> ReviewRecord:
        with self._read() as s:
            review = s.get(Review, review_id)
            if review is None:
                raise NotFound(f"there is no joint review {review_id}")
            return review_record(review)

    def verify_review(self, review_id: int) -> Verification:
        """Recompute a snapshot's fingerprint from what the file holds now."""
        from riskreg.governance import fingerprint

        review = self.get_review(review_id)
        return Verification(review_id, review.fingerprint, fingerprint(review.snapshot))

    def compare_review(self, review_id: int) -> list[Any]:
        from riskreg.governance import compare

        with self._read() as s:
            review = s.get(Review, review_id)
            if review is None:
                raise NotFound(f"there is no joint review {review_id}")
            snapshot, risks = review.snapshot, select_risks(s, None)
        return compare(json.loads(snapshot), risks)

    def exposure_by_partner(self) -> list[Any]:
        from riskreg.governance import exposure_by_partner

        with self._read() as s:  # an opportunity's cost is a gain, not an exposure
            return exposure_by_partner(
                [r for r in select_risks(s, None) if r.kind is RiskKind.THREAT]
            )
