"""The partnership's settings: name, keeper, partners, categories, appetites, scheme,
escalation period (on a server, changed by the keeping partner only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func, select, update

from riskreg import backups
from riskreg.choices import RiskStatus
from riskreg.errors import (
    NotFound,
    Problem,
    RuleError,
    ValidationError,
)
from riskreg.model import (
    Action,
    Category,
    Partner,
    PartnerAppetite,
    Register,
    Risk,
    RiskShare,
)
from riskreg.progress import STEP, Progress
from riskreg.progress import report as report_progress
from riskreg.records import (
    CategoryRecord,
    PartnerRecord,
    SchemeChangeReport,
)
from riskreg.scoring import ScoringScheme
from riskreg.server import kept_log
from riskreg.service.changes import CREATED
from riskreg.service.queries import (
    Appetites,
    appetites,
    partner_records,
)
from riskreg.service.unit_of_work import ServiceBase, Work
from riskreg.service.writes import (
    appetite_level_problem,
    band_name,
    check_category,
    partner_problems,
    redated,
    scheme_report,
)
from riskreg.validation import scheme_text_problems, text_problem


class PartnershipSettings(ServiceBase):
    """The partnership's settings: name, keeper, partners, categories, appetites, scheme,
    escalation period (on a server, changed by the keeping partner only)."""

    def rename_register(self, name: str) -> None:
        if not name.strip():
            raise ValidationError.single("name", "the register needs a name")
        message = text_problem("The register's name", name, 200)
        if message:
            raise ValidationError.single("name", message)
        with self._write("Rename register", keeper_only=True) as w:
            if w.register.name != name:
                w.log("register", w.register.uuid, "register", "name", w.register.name, name)
                w.register.name = name

    def set_keeper(self, code: str) -> None:
        with self._write("Change keeper", keeper_only=True) as w:
            if code not in w.partner_ids:
                raise ValidationError.single("keeper", f"{code!r} is not a partner")
            old = w.partner_codes.get(w.register.keeper_partner_id or -1)
            if old != code:
                w.log("register", w.register.uuid, "register", "keeper", old, code)
                w.register.keeper_partner_id = w.partner_ids[code]

    # -- partners -----------------------------------------------------------------------
    def list_partners(self, *, active_only: bool = False) -> list[PartnerRecord]:
        with self._read() as s:
            return partner_records(s, active_only=active_only)

    def add_partner(self, partner: PartnerRecord) -> PartnerRecord:
        problems = partner_problems(partner)
        if problems:
            raise ValidationError(problems)
        with self._write(f"Add partner {partner.code}", keeper_only=True) as w:
            if partner.code in w.partner_ids:
                raise ValidationError.single("code", f"there is already a partner {partner.code}")
            row = Partner(
                code=partner.code,
                name=partner.name,
                colour=partner.colour,
                contact=partner.contact,
                active=partner.active,
            )
            w.session.add(row)
            w.log("partner", partner.code, partner.code, CREATED, None, partner.name)
            if w.register.keeper_partner_id is None:  # a register kept by nobody yet
                w.session.flush()
                w.register.keeper_partner_id = row.id
                w.log("register", w.register.uuid, "register", "keeper", None, partner.code)
        return partner

    def edit_partner(self, code: str, **changes: Any) -> PartnerRecord:
        allowed = {"name", "colour", "contact", "active"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValidationError([Problem(f, "is not a partner field") for f in sorted(unknown)])
        with self._write(f"Edit partner {code}", keeper_only=True) as w:
            partner = w.session.scalars(select(Partner).where(Partner.code == code)).one_or_none()
            if partner is None:
                raise NotFound(f"there is no partner {code}")
            before = PartnerRecord(
                partner.code, partner.name, partner.colour, partner.contact, partner.active
            )
            after = replace(before, **changes)
            problems = partner_problems(after)
            if problems:
                raise ValidationError(problems)
            if not after.active and w.register.keeper_partner_id == partner.id:
                raise RuleError(f"{code} keeps this register and cannot be made inactive")
            for name in sorted(changes):
                old, new = getattr(before, name), getattr(after, name)
                if old != new:
                    w.log("partner", code, code, name, old, new)
                    setattr(partner, name, new)
            return after

    def remove_partner(self, code: str) -> None:
        with self._write(f"Remove partner {code}", keeper_only=True) as w:
            partner = w.session.scalars(select(Partner).where(Partner.code == code)).one_or_none()
            if partner is None:
                raise NotFound(f"there is no partner {code}")
            s = w.session
            leads = s.scalar(select(func.count()).where(Risk.lead_partner_id == partner.id)) or 0
            shares = s.scalar(select(func.count()).where(RiskShare.partner_id == partner.id)) or 0
            owns = s.scalar(select(func.count()).where(Action.partner_id == partner.id)) or 0
            in_use = []
            if leads:
                in_use.append(f"leads {leads} risk{'s' * (leads != 1)}")
            if shares:
                in_use.append(f"holds a share of {shares} risk{'s' * (shares != 1)}")
            if owns:
                in_use.append(f"owns {owns} action{'s' * (owns != 1)}")
            if w.register.keeper_partner_id == partner.id:
                in_use.append("keeps this register")
            if in_use:
                raise RuleError(
                    f"{code} cannot be removed: it {', '.join(in_use)}. Reassign those first, "
                    "or mark the partner inactive to keep its history."
                )
            w.log("partner", code, code, CREATED, partner.name, None)
            kept_log.delete_row(s, partner)

    # -- categories ---------------------------------------------------------------------
    def list_categories(self) -> list[CategoryRecord]:
        with self._read() as s:
            rows = s.execute(select(Category.name, Category.appetite).order_by(Category.name))
            return [CategoryRecord(*row) for row in rows]

    def add_category(self, category: CategoryRecord) -> CategoryRecord:
        with self._write(f"Add category {category.name}", keeper_only=True) as w:
            _add_category(w, category)
        return category

    def edit_category(self, name: str, updated: CategoryRecord) -> CategoryRecord:
        with self._write(f"Edit category {name}", keeper_only=True) as w:
            _edit_category(w, name, updated)
        return updated

    def save_category(
        self,
        editing: str | None,
        category: CategoryRecord,
        partner_appetites: Mapping[str, str | None] | None = None,
    ) -> CategoryRecord:
        """A category (new when ``editing`` is None, else the one of that name) with the
        appetite levels of the partners that accept less in it (code → level, None for "as
        the partnership"), as one use case and one change set: all of it is saved, or none."""
        verb = "Add" if editing is None else "Edit"
        with self._write(f"{verb} category {category.name}", keeper_only=True) as w:
            if editing is None:
                _add_category(w, category)
            else:
                _edit_category(w, editing, category)
            for code, level in sorted((partner_appetites or {}).items()):
                _set_appetite(w, code, category.name, level)
        return category

    def remove_category(self, name: str) -> None:
        """Remove a category no risk uses, with the partners' appetites in it (logged)."""
        with self._write(f"Remove category {name}", keeper_only=True) as w:
            row = w.session.scalars(select(Category).where(Category.name == name)).one_or_none()
            if row is None:
                raise NotFound(f"there is no category {name!r}")
            used = w.session.scalar(select(func.count()).where(Risk.category_id == row.id)) or 0
            if used:
                raise RuleError(
                    f"category {name!r} is used by {used} risk{'s' * (used != 1)}; "
                    "move them to another category first"
                )
            held = w.session.execute(
                select(Partner.code, PartnerAppetite.level)
                .join(Partner, Partner.id == PartnerAppetite.partner_id)
                .where(PartnerAppetite.category_id == row.id)
                .order_by(Partner.code)
            ).all()
            for code, _level in held:
                _set_appetite(w, code, name, None)
            w.session.flush()  # the appetites go before the category they name
            w.log("category", name, name, CREATED, name, None)
            kept_log.delete_row(w.session, row)

    # -- scoring scheme -----------------------------------------------------------------
    def preview_scheme(self, new: ScoringScheme) -> SchemeChangeReport:
        """How many risks a new scheme would re-band, for the confirmation the user sees."""
        with self._read() as s:
            old = ScoringScheme.from_json(s.scalars(select(Register.scheme_json)).one())
            rows = s.execute(select(Risk.current_likelihood, Risk.current_impact)).all()
        return scheme_report(old, new, rows)

    def change_scheme(
        self, new: ScoringScheme, *, backup: bool = True, progress: Progress | None = None
    ) -> SchemeChangeReport:
        """Adopt a new scheme: move levels onto new axes, re-band, and log both. A backup
        copy of the register is taken first (on a file), since the change touches every
        risk; ``progress`` hears how many risks are done and may cancel."""
        new.validate()
        problems = scheme_text_problems(new)
        if problems:
            raise ValidationError(problems)
        if backup:
            backups.take(self, "before scheme change")
        with self._write(f"Change scoring scheme to {new.name}", keeper_only=True) as w:
            old = w.scheme
            level_fields = (
                ("inherent_likelihood", "l"), ("inherent_impact", "i"),
                ("current_likelihood", "l"), ("current_impact", "i"),
                ("target_likelihood", "l"), ("target_impact", "i"),
            )  # fmt: skip
            columns = [Risk.id, Risk.uuid, Risk.ref, Risk.version, *REVIEW_COLUMNS] + [
                getattr(Risk, f) for f, _ in level_fields
            ]
            rows = w.session.execute(select(*columns)).all()
            report = scheme_report(old, new, [(r[10], r[11]) for r in rows])
            today = self.today()
            if w.server_log:  # the server moves every risk, those this login cannot see too
                rows = []
            updates = []
            for done, row in enumerate(rows):
                if done % STEP == 0:
                    report_progress(progress, done, len(rows))
                rid, ruuid, ref, version, status, next_review, reviewed, raised, *levels = row
                moved: dict[str, Any] = {}
                for (field, axis), value in zip(level_fields, levels, strict=True):
                    if value is None:
                        continue
                    mapped = (
                        old.remap_likelihood(value, new) if axis == "l"
                        else old.remap_impact(value, new)
                    )  # fmt: skip
                    if mapped != value:
                        moved[field] = mapped
                        w.log("risk", ruuid, ref, field, value, mapped)
                cl, ci = (
                    moved.get("current_likelihood", levels[2]),
                    moved.get("current_impact", levels[3]),
                )
                old_band = band_name(old, levels[2], levels[3])
                new_band = band_name(new, cl, ci)
                if old_band != new_band:
                    w.log("risk", ruuid, ref, "band", old_band, new_band)
                values = dict(zip(REVIEW_KEYS, (cl, ci, status, next_review, reviewed, raised),
                                  strict=True))  # fmt: skip
                sooner = redated(new, values, today)
                if sooner is not None:  # never later than the new band allows
                    moved["next_review"] = sooner
                    w.log("risk", ruuid, ref, "next_review", next_review, sooner)
                if moved:
                    updates.append({"id": rid, **moved, "version": version})
            report_progress(progress, len(rows), len(rows))  # the last moment to cancel
            if updates:
                w.session.execute(update(Risk), updates)
            w.log("register", w.register.uuid, "register", "scheme", old.to_json(), new.to_json())
            w.register.scheme_json = new.to_json()
            return report

    def escalate_after(self) -> int:
        """Days outside appetite, or in the top band, after which escalation is proposed."""
        with self._read() as s:
            return int(s.scalar(select(Register.escalate_after_days)) or 90)

    def set_review_cadences(self, days: Mapping[str, int]) -> None:
        """How often a risk of each band is reviewed (band name → days); the scheme's
        levels and bands stay as they are, so no risk moves."""
        bad = sorted(name for name, n in days.items() if not 1 <= n <= 3_650)
        if bad:
            raise ValidationError.single(
                "cadence", f"give {', '.join(bad)} a review interval of 1 to 3,650 days"
            )
        with self._write("Review cadences", keeper_only=True) as w:
            old = w.scheme
            unknown = sorted(set(days) - set(old.band_names))
            if unknown:
                raise ValidationError.single("cadence", "no such band: " + ", ".join(unknown))
            bands = tuple(replace(band, review_days=days.get(band.name, band.review_days))
                          for band in old.bands)  # fmt: skip
            new = replace(old, bands=bands)
            if new != old:
                w.log("register", w.register.uuid, "register", "scheme", old.to_json(),
                      new.to_json())  # fmt: skip
                w.register.scheme_json = new.to_json()
                if not w.server_log:  # on a server, the server re-dates every risk
                    redate_to_cadence(w, new, self.today())

    def set_escalate_after(self, days: int) -> None:
        if days < 1:
            raise ValidationError.single("days", "give a number of days of 1 or more")
        with self._write("Escalation period", keeper_only=True) as w:
            w.log("register", w.register.uuid, w.register.name, "escalate_after_days",
                  w.register.escalate_after_days, days)  # fmt: skip
            w.register.escalate_after_days = days

    def appetites(self) -> Appetites:
        """The partnership's appetite per category, and each partner's where it has one."""
        with self._read() as s:
            return appetites(s)

    def set_partner_appetite(self, code: str, category: str, level: str | None) -> None:
        """The appetite level ``code`` holds in ``category``; None removes it."""
        with self._write(f"Appetite of {code} for {category}", keeper_only=True) as w:
            _set_appetite(w, code, category, level)


REVIEW_COLUMNS = (Risk.status, Risk.next_review, Risk.last_reviewed, Risk.raised_on)
REVIEW_KEYS = ("current_likelihood", "current_impact", "status", "next_review",
               "last_reviewed", "raised_on")  # fmt: skip


def redate_to_cadence(w: Work, scheme: ScoringScheme, today: date) -> int:
    """Bring every open risk's next review forward to what its band now allows (one
    update, each move logged); how many moved."""
    rows = w.session.execute(select(Risk.id, Risk.uuid, Risk.ref, Risk.version,
                                    Risk.current_likelihood, Risk.current_impact,
                                    *REVIEW_COLUMNS)
                             .where(Risk.status != RiskStatus.CLOSED)).all()  # fmt: skip
    updates = []
    for rid, ruuid, ref, version, lik, imp, status, next_review, reviewed, raised in rows:
        values = dict(zip(REVIEW_KEYS, (lik, imp, status, next_review, reviewed, raised),
                          strict=True))  # fmt: skip
        sooner = redated(scheme, values, today)
        if sooner is not None:
            updates.append({"id": rid, "next_review": sooner, "version": version})
            w.log("risk", ruuid, ref, "next_review", next_review, sooner)
    if updates:
        w.session.execute(update(Risk), updates)
    return len(updates)


def _add_category(w: Work, category: CategoryRecord) -> None:
    check_category(w, category, existing=None)
    row = Category(name=category.name, appetite=category.appetite)
    w.session.add(row)
    w.session.flush()
    w.category_ids[category.name] = row.id
    w.log("category", category.name, category.name, CREATED, None, category.name)


def _edit_category(w: Work, name: str, updated: CategoryRecord) -> None:
    row = w.session.scalars(select(Category).where(Category.name == name)).one_or_none()
    if row is None:
        raise NotFound(f"there is no category {name!r}")
    check_category(w, updated, existing=name)
    for field in ("name", "appetite"):
        old, new = getattr(row, field), getattr(updated, field)
        if old != new:
            w.log("category", name, name, field, old, new)
            setattr(row, field, new)
    if updated.name != name:
        w.category_ids[updated.name] = w.category_ids.pop(name)


def _set_appetite(w: Work, code: str, category: str, level: str | None) -> None:
    if code not in w.partner_ids:
        raise NotFound(f"there is no partner {code}")
    if category not in w.category_ids:
        raise NotFound(f"there is no category {category}")
    if message := appetite_level_problem(level):
        raise ValidationError.single("level", f"{code}: {message}")
    key = (w.partner_ids[code], w.category_ids[category])
    held = w.session.get(PartnerAppetite, key)
    old = held.level if held else None
    if old == level:
        return
    w.log("appetite", code, f"{code}/{category}", "level", old, level)
    if level is None:
        kept_log.delete_row(w.session, held)
    elif held is None:
        w.session.add(PartnerAppetite(partner_id=key[0], category_id=key[1], level=level))
    else:
        held.level = level
