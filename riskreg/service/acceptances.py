"""Acceptance outside appetite: record one (replacing the scope's current one), withdraw
it, list them. A risk can be accepted only for a scope whose appetite it exceeds now, while
it is open and rated; the expiry date becomes its next review at the latest, so "Review
due" finds it when the acceptance runs out.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import date

from sqlalchemy import select
from sqlalchemy import text as sql_text

from riskreg.acceptance import (
    MOST_JUSTIFICATION,
    JudgedReason,
    Scope,
    acceptance_field,
    expiry_problem,
    recorded_text,
    withdrawn_text,
)
from riskreg.choices import RiskStatus
from riskreg.errors import Problem, RuleError, ValidationError
from riskreg.model import Risk, RiskAcceptance
from riskreg.records import AcceptanceRecord, RiskRecord
from riskreg.service.queries import appetites, scheme_of, select_risks
from riskreg.service.unit_of_work import ServiceBase, Work
from riskreg.service.writes import apply_risk_changes
from riskreg.validation import text_problem


class AcceptanceUseCases(ServiceBase):
    """Record, withdraw and list acceptances of risks outside appetite."""

    def accept_risk(
        self,
        uuid: str,
        version: int,
        scope: Scope,
        accepted_by: str,
        justification: str,
        expires_on: date,
    ) -> RiskRecord:
        """Accept a risk outside the appetite of ``scope`` (a partner code, or None for the
        partnership) until ``expires_on``; a current acceptance for that scope is replaced
        (the change log keeps both). Raises ValidationError beside the field."""
        today = self.today()
        accepted_by, justification = accepted_by.strip(), justification.strip()
        problems = [
            Problem(name, message)
            for name, message in (
                ("accepted_by", text_problem("The name of who accepts it", accepted_by, 200,
                                             required=True)),
                ("justification", text_problem("The justification", justification,
                                               MOST_JUSTIFICATION, required=True)),
                ("expires_on", expiry_problem(expires_on, today)),
            )
            if message
        ]  # fmt: skip
        if problems:
            raise ValidationError(problems)
        scope_name = scope or "the partnership"
        with self._write(f"Acceptance for {scope_name}") as w:
            risk = w.load_risk(uuid)
            w.expect_version(risk, version)
            record = select_risks(w.session, uuid)[0]
            _expect_outside(w, record, scope)
            partner_id = w.partner_ids[scope] if scope else None
            _expect_may_accept(w, risk, partner_id)
            current = _current(w, risk.id, partner_id)
            was = None
            if current is not None:  # replaced: one entry from the old to the new, as the
                # server logs a field once per transaction
                was = _text_of(current, scope_name)
                _withdraw(w, risk, current, scope, today, log=False)
            if risk.next_review is None or risk.next_review > expires_on:
                apply_risk_changes(w, risk, {"next_review": expires_on}, today)
                # written before the acceptance, whose server trigger brings the next review
                # forward for a raw INSERT too: here it finds nothing left to move
                w.session.flush()
            row = RiskAcceptance(
                uuid=str(uuidlib.uuid4()), risk_id=risk.id, partner_id=partner_id,
                accepted_by=accepted_by, justification=justification, accepted_on=today,
                expires_on=expires_on, version=1,
            )  # fmt: skip
            w.session.add(row)
            w.log("risk", risk.uuid, risk.ref, acceptance_field(scope), was,
                  recorded_text(scope_name, accepted_by, expires_on, justification))  # fmt: skip
            w.session.flush()
            return select_risks(w.session, uuid)[0]

    def withdraw_acceptance(self, uuid: str, scope: Scope) -> RiskRecord:
        """Withdraw a risk's current acceptance for ``scope``: its reason is a breach again."""
        today = self.today()
        scope_name = scope or "the partnership"
        with self._write(f"Acceptance withdrawn for {scope_name}") as w:
            risk = w.load_risk(uuid)
            partner_id = w.partner_ids.get(scope) if scope else None
            if scope and partner_id is None:
                raise ValidationError.single("scope", f"there is no partner {scope!r}")
            current = _current(w, risk.id, partner_id)
            if current is None:
                raise ValidationError.single(
                    "scope", f"{risk.ref} has no acceptance for {scope_name} to withdraw"
                )
            _expect_may_accept(w, risk, partner_id)
            _withdraw(w, risk, current, scope, today)
            w.session.flush()
            return select_risks(w.session, uuid)[0]

    def accepted_reasons(self) -> list[tuple[RiskRecord, JudgedReason]]:
        """The reasons outside appetite that an acceptance covers today, risk by risk."""
        from riskreg.governance import appetite_acceptances

        with self._read() as s:
            chosen = select(Risk.uuid).join(RiskAcceptance, RiskAcceptance.risk_id == Risk.id)
            uuids = sorted(set(s.scalars(chosen.where(RiskAcceptance.withdrawn_on.is_(None)))))
            if not uuids:
                return []
            risks = sorted(select_risks(s, None, among=uuids), key=lambda r: r.number)
            partnership, partners = appetites(s)
            return appetite_acceptances(risks, scheme_of(s), partnership, partners, self.today())

    def acceptances(self) -> list[tuple[RiskRecord, AcceptanceRecord]]:
        """Every current acceptance (expired ones too, until withdrawn or replaced), by
        risk ref and scope."""
        with self._read() as s:
            chosen = select(Risk.uuid).join(RiskAcceptance, RiskAcceptance.risk_id == Risk.id)
            uuids = sorted(set(s.scalars(chosen.where(RiskAcceptance.withdrawn_on.is_(None)))))
            risks = select_risks(s, None, among=uuids) if uuids else []
        return [(r, a) for r in sorted(risks, key=lambda r: r.number) for a in r.acceptances]


def _current(w: Work, risk_id: int, partner_id: int | None) -> RiskAcceptance | None:
    partner = (RiskAcceptance.partner_id.is_(None) if partner_id is None
               else RiskAcceptance.partner_id == partner_id)  # fmt: skip
    return w.session.scalars(
        select(RiskAcceptance).where(RiskAcceptance.risk_id == risk_id, partner,
                                     RiskAcceptance.withdrawn_on.is_(None))
    ).first()  # fmt: skip


def _text_of(row: RiskAcceptance, scope_name: str) -> str:
    return recorded_text(scope_name, row.accepted_by, row.expires_on, row.justification)


def _withdraw(
    w: Work, risk: Risk, row: RiskAcceptance, scope: Scope, today: date, *, log: bool = True
) -> None:
    scope_name = scope or "the partnership"
    if log:
        w.log("risk", risk.uuid, risk.ref, acceptance_field(scope), _text_of(row, scope_name),
              withdrawn_text(scope_name, today))  # fmt: skip
    row.withdrawn_on = today
    row.version += 1
    w.session.flush()  # before a replacement for the same scope is added


def _expect_outside(w: Work, record: RiskRecord, scope: Scope) -> None:
    """Only an open, rated risk, for a scope whose appetite it exceeds now, and only a
    partner that leads or shares it."""
    from riskreg.belonging import holders_of
    from riskreg.governance import appetite_reasons

    if record.status is not RiskStatus.OPEN or record.unrated:
        raise ValidationError.single(
            "scope", f"{record.ref} is {record.status.value.lower()}"
            f"{' and unrated' if record.unrated else ''}: only an open, rated risk is accepted"
        )  # fmt: skip
    if scope is not None and scope not in holders_of(
        record.visibility, record.lead_partner, record.shares
    ):
        raise ValidationError.single(
            "scope", f"{scope} neither leads nor shares {record.ref}: only a partner in the "
            "risk accepts it for its own appetite"
        )  # fmt: skip
    if record.is_opportunity:
        raise ValidationError.single(
            "scope", f"{record.ref} is an opportunity: appetite is for threats, so there is "
            "nothing to accept"
        )  # fmt: skip
    partnership, partners = appetites(w.session)
    above = [f.scope for f in appetite_reasons(record, w.scheme, partnership, partners)]
    if scope not in above:
        outside = ", ".join(code or "the partnership" for code in above) or "no one's"
        raise ValidationError.single(
            "scope", f"{record.ref} is within the appetite of {scope or 'the partnership'}: "
            f"there is nothing to accept (it is outside {outside} appetite)"
        )  # fmt: skip


def _expect_may_accept(w: Work, risk: Risk, partner_id: int | None) -> None:
    """On a server with partner rules, say plainly what its policy refuses anyway: only the
    risk's lead partner, or the partner whose appetite it is, accepts it."""
    if not w.partner_rules:
        return
    allowed = w.session.execute(
        sql_text("SELECT riskreg_may_accept(:risk, :partner)"),
        {"risk": risk.id, "partner": partner_id},
    ).scalar()
    if not allowed:
        raise RuleError(
            f"{risk.ref} cannot be accepted by the login {w.service.login}: only its lead "
            "partner, or the partner whose appetite it exceeds, accepts it (the server's "
            "partner rules)"
        )
