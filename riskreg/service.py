"""The register's use cases: every read and write the GUI, command line and importer make.

Each write is one transaction and one change set (who, when, from where, every field's old
and new value); a failed use case raises before commit and leaves the file as it was. Rows
carry a version: a write that names a stale version is refused with ``ConflictError``.
Reads return frozen dataclasses built from column tuples, one query per table, never per row.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import gc
import json
import uuid as uuidlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import String, cast, func, or_, select, type_coerce, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from riskreg import risk_rows
from riskreg import store as store_module
from riskreg.backups import Policy as BackupPolicy
from riskreg.bulk import insert_rows, new_uuids
from riskreg.choices import (
    ActionStatus,
    EscalationLevel,
    RiskStatus,
    Visibility,
)
from riskreg.errors import (
    ConflictError,
    NotFound,
    Problem,
    RegisterBusy,
    RegisterReadOnly,
    RegisterUnavailable,
    RuleError,
    ValidationError,
)
from riskreg.heatmap import (
    Basis,
    HeatFilter,
    HeatMap,
    Movement,
    PlacedRisk,
    build_heat_map,
    movements,
)
from riskreg.model import (
    Action,
    Base,
    Category,
    Change,
    ChangeSet,
    ExportLog,
    Partner,
    PartnerAppetite,
    Register,
    Review,
    Risk,
    RiskShare,
)
from riskreg.records import (
    ActionDraft,
    ActionRecord,
    Actor,
    Attendee,
    CategoryRecord,
    ChangeRecord,
    ChangesSummary,
    DecisionRecord,
    ExchangeBatch,
    ExchangeSnapshot,
    ExportEntry,
    PartnerRecord,
    RegisterInfo,
    ReviewRecord,
    RiskDraft,
    RiskRecord,
    SchemeChangeReport,
    Shares,
    Verification,
    format_shares,
)
from riskreg.scoring import ScoringScheme
from riskreg.server import kept_log
from riskreg.store import RegisterStore
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
)

CREATED = "*"
"""The change-log field name that records the creation of an entity."""

# The risk row of ``risk_rows``: enums read as plain text (mapped by dict, 3× faster).
_R = Risk.__table__.c
_RISK_COLUMNS = tuple(
    type_coerce(_R[name], String) if name in risk_rows.ENUM_COLUMNS else _R[name]
    for name in risk_rows.COLUMNS
)
_SCORE_FIELDS = ("current_likelihood", "current_impact")
_RISK_TABLE = Base.metadata.tables["risk"]
_ACTION_TABLE = Base.metadata.tables["action"]
_SHARE_TABLE = Base.metadata.tables["risk_share"]
_CHANGE_TABLE = Base.metadata.tables["change"]
_CHANGE_KEYS = ("change_set_id", "entity", "entity_uuid", "entity_ref", "field", "old", "new")


def risk_ref(number: int) -> str:
    return f"R-{number:03d}"


def action_ref(number: int) -> str:
    return f"A-{number:03d}"


def _text(value: Any) -> str | None:
    """How a value is written into the change log."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return format_shares(value)
    return str(value)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building many records that hold no cycles.

    Measured on 100,000 risks: the collector otherwise runs dozens of times over the
    growing list and doubles the time of ``list_risks``.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _unwritable(exc: OperationalError) -> str:
    message = str(exc.orig).lower()
    for marker, reason in (
        ("readonly", "it is read-only"),
        ("read-only", "it is read-only"),
        ("disk is full", "the disk is full"),
        ("disk i/o error", "the disk or network drive reported an error"),
        ("unable to open database file", "its folder cannot be written"),
    ):
        if marker in message:
            return reason
    return ""


def _is_busy(exc: OperationalError) -> bool:
    # a server's lock or statement timeout, deadlock or serialization failure: "busy" too
    if getattr(exc.orig, "sqlstate", None) in ("55P03", "57014", "40P01", "40001"):
        return True
    message = str(exc.orig).lower()
    return "locked" in message or "busy" in message or "lock timeout" in message


E = TypeVar("E", Risk, Action)


class _Work:
    """One write use case in progress: its session, lookups, and the changes to log."""

    def __init__(self, session: Session, service: RegisterService) -> None:
        self.session = session
        self.service = service
        self.changes: list[tuple[str, str, str, str, str | None, str | None]] = []
        # On a server the register row is locked first, so writers queue as they do on a
        # file (BEGIN IMMEDIATE): the revision and the ref counters are never raced.
        register = session.scalars(select(Register).with_for_update()).one()
        self.register = register
        self.server_log = kept_log.server_keeps_log(session)  # after server-setup
        self.scheme = ScoringScheme.from_json(register.scheme_json)
        self._partner_ids: dict[str, int] | None = None
        self._category_ids: dict[str, int] | None = None

    @property
    def partner_ids(self) -> dict[str, int]:
        if self._partner_ids is None:
            self._partner_ids = dict(self.session.execute(select(Partner.code, Partner.id)).all())
        return self._partner_ids

    @property
    def partner_codes(self) -> dict[int, str]:
        return {pid: code for code, pid in self.partner_ids.items()}

    @property
    def category_ids(self) -> dict[str, int]:
        if self._category_ids is None:
            rows = self.session.execute(select(Category.name, Category.id))
            self._category_ids = dict(rows.all())
        return self._category_ids

    def context(self) -> Context:
        active = self.session.scalars(select(Partner.code).where(Partner.active)).all()
        return Context(self.scheme, frozenset(active), frozenset(self.category_ids))

    def log(self, entity: str, uuid: str, ref: str, field: str, old: Any, new: Any) -> None:
        self.changes.append((entity, uuid, ref, field, _text(old), _text(new)))

    @functools.cached_property
    def partner_rules(self) -> bool:
        """Whether the server's partner rules (row-level security) bind this login; asked
        once per write. False on a file, for the tables' owner, or before server-setup."""
        if self.service.login is None:
            return False
        active = self.session.execute(sql_text("SELECT row_security_active('risk')")).scalar()
        return bool(active)

    def expect_partner_may_change(self, entity: Risk | Action) -> None:
        """On a server with partner rules (row-level security), say plainly what the server
        would refuse anyway: a risk the login's partner neither leads nor shares, an action
        it does not own."""
        if not self.partner_rules:
            return
        if isinstance(entity, Risk):
            allowed = self.session.execute(
                sql_text("SELECT riskreg_may_change_risk(:id)"), {"id": entity.id}
            ).scalar()
            what = "its partner neither leads nor shares it"
        else:
            allowed = self.session.execute(
                sql_text("SELECT :p IN (SELECT riskreg_my_partners())"), {"p": entity.partner_id}
            ).scalar()
            what = "its partner does not own it"
        if not allowed:
            raise RuleError(
                f"{entity.ref} cannot be changed by the login {self.service.login}: {what} "
                "(the server's partner rules)"
            )

    def expect_keeper(self) -> None:
        """Say plainly what the server would refuse anyway (and, for a scheme change that
        re-bands every risk, refuse before the first row)."""
        if not self.partner_rules:
            return
        if not self.session.execute(sql_text("SELECT riskreg_is_keeper()")).scalar():
            raise RuleError(
                f"the login {self.service.login} cannot change this: only the partner keeping "
                "the register changes its name, scoring scheme, partners, categories, "
                "appetites and escalation period (the server's partner rules)"
            )

    def login_partner(self) -> str | None:
        """On a server with partner rules, the partner whose role the login holds (what the
        change log records, whatever partner the user chose to act for); else None."""
        if not self.partner_rules:
            return None
        codes = self.session.scalars(
            sql_text("SELECT code FROM partner WHERE id IN (SELECT riskreg_my_partners())")
        ).all()
        return codes[0] if len(codes) == 1 else None

    def finish(self, summary: str) -> None:
        actor = self.service.actor
        if self.server_log:  # the server wrote the change set: the application's words for it
            kept_log.finish(self.session, user=actor.user, source=actor.source, summary=summary,
                            partner=actor.partner_code, at=_naive_utc(self.service.now()),
                            changes=self.changes)  # fmt: skip
            return
        if not self.changes:
            return
        self.register.revision += 1
        change_set = ChangeSet(
            revision=self.register.revision,
            at=self.service.now().astimezone(UTC).replace(tzinfo=None),
            user=actor.user,
            login=self.service.login or "",
            partner_code=self.login_partner() or actor.partner_code,
            source=actor.source,
            summary=summary[:300],
        )
        self.session.add(change_set)
        self.session.flush()
        set_id = change_set.id
        insert_rows(
            self.session.connection(),
            _CHANGE_TABLE,
            _CHANGE_KEYS,
            [(set_id, *change) for change in self.changes],
        )

    def load_risk(self, uuid: str) -> Risk:
        risk = self.session.scalars(select(Risk).where(Risk.uuid == uuid)).one_or_none()
        if risk is None:
            raise NotFound(f"no risk with id {uuid} in this register (was it removed?)")
        return risk

    def load_action(self, uuid: str) -> Action:
        action = self.session.scalars(select(Action).where(Action.uuid == uuid)).one_or_none()
        if action is None:
            raise NotFound(f"no action with id {uuid} in this register")
        return action

    def load_many(self, kind: type[E], uuids: Sequence[str]) -> dict[str, E]:
        """Many risks or actions by uuid, in a few IN-list queries rather than one a row."""
        column: Any = kind.uuid
        return {
            entity.uuid: entity
            for chunk in _in_chunks(uuids)
            for entity in self.session.scalars(select(kind).where(column.in_(chunk)))
        }

    def expect_version(self, entity: Risk | Action, version: int) -> None:
        if entity.version == version:
            self.expect_partner_may_change(entity)
            return
        last = self.session.execute(
            select(ChangeSet.user, ChangeSet.at, ChangeSet.source)
            .join(Change, Change.change_set_id == ChangeSet.id)
            .where(Change.entity_uuid == entity.uuid)
            .order_by(ChangeSet.id.desc())
            .limit(1)
        ).first()
        who = f" by {last.user} ({last.source}) at {last.at:%d %b %Y %H:%M} UTC" if last else ""
        raise ConflictError(
            f"{entity.ref} was changed{who} since you opened it. "
            "Reload it to see that change, then make yours again."
        )


class RegisterService:
    """The use cases of one open register, for one actor."""

    def __init__(
        self,
        store: RegisterStore,
        actor: Actor,
        *,
        clock: Callable[[], datetime] = _utcnow,
        backup_policy: BackupPolicy | None = None,
    ) -> None:
        self._store = store
        self.actor = actor
        self._clock = clock
        self.backup_policy = backup_policy or BackupPolicy()

    # -- plumbing -----------------------------------------------------------------------
    @property
    def location(self) -> str:
        return self._store.display_name

    @property
    def path(self) -> Path | None:
        return self._store.path

    @property
    def login(self) -> str | None:
        """The database login on a server (the change log records it); None for a file."""
        return self._store.server_login

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().astimezone().date()

    def with_actor(self, actor: Actor) -> RegisterService:
        return RegisterService(
            self._store, actor, clock=self._clock, backup_policy=self.backup_policy
        )

    def with_clock(self, clock: Callable[[], datetime]) -> RegisterService:
        return RegisterService(
            self._store, self.actor, clock=clock, backup_policy=self.backup_policy
        )

    def close(self) -> None:
        self._store.close()

    def backup_to(self, destination: Path) -> Path:
        return self._store.backup_to(destination)

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        try:
            with self._store.read_session() as session, session.begin():
                yield session
        except OperationalError as exc:
            if _is_busy(exc):
                raise RegisterBusy(
                    f"{self.location} is busy: another program is writing it"
                ) from exc
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise RegisterUnavailable(f"{self.location} cannot be read now: {reason}") from exc

    @contextlib.contextmanager
    def _write(
        self, summary: str, *, new_register: Register | None = None, keeper_only: bool = False
    ) -> Iterator[_Work]:
        """One use case's transaction; ``new_register`` is the first row of a new file;
        ``keeper_only``: the partnership's settings, which on a server with partner rules
        only the keeping partner changes."""
        try:
            with self._store.write_session() as session, session.begin():
                if new_register is not None:
                    session.add(new_register)
                    session.flush()
                work = _Work(session, self)
                if keeper_only:
                    work.expect_keeper()
                yield work
                work.finish(summary)
        except StaleDataError as exc:
            rules = (
                ", or the server's partner rules do not let this login change that row"
                if self.login is not None
                else ""
            )  # a bulk write (an import) is not checked row by row against them beforehand
            raise ConflictError(
                "someone else saved a change to the same row at the same moment"
                f"{rules}; reload and retry"
            ) from exc
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == "42501":  # the server's partner rules
                reason = str(exc.orig).splitlines()[0]
                raise RuleError(
                    f"the server refused the change: {reason}. Nothing was saved."
                ) from exc
            if not isinstance(exc, OperationalError):
                raise
            self._refuse_operational(exc)
            raise

    def _refuse_operational(self, exc: OperationalError) -> None:
        """A busy, read-only or full register said in plain words."""
        if _is_busy(exc):
            raise RegisterBusy(
                f"the register is busy: another program has been writing {self.location} "
                "for too long. Your change was not saved; try again in a moment."
            ) from exc
        reason = _unwritable(exc)
        if reason:
            raise RegisterReadOnly(
                f"{self.location} cannot be written ({reason}). Your change was not "
                "saved; check the file's permissions, the network drive or free space."
            ) from exc

    # -- the register -------------------------------------------------------------------
    def register_info(self) -> RegisterInfo:
        with self._read() as s:
            return self._info(s)

    def _info(self, s: Session) -> RegisterInfo:
        reg = s.scalars(select(Register)).one()
        keeper = s.get(Partner, reg.keeper_partner_id) if reg.keeper_partner_id else None
        return RegisterInfo(
            uuid=reg.uuid,
            name=reg.name,
            keeper_code=keeper.code if keeper else None,
            revision=reg.revision,
            schema_version=self._store.schema_revision(),
            scheme=ScoringScheme.from_json(reg.scheme_json),
            location=self.location,
            risk_count=s.scalar(select(func.count(Risk.id))) or 0,
            action_count=s.scalar(select(func.count(Action.id))) or 0,
        )

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

    def revision(self) -> int:
        """The register's revision: one cheap query, polled to notice other users' changes."""
        with self._read() as s:
            return int(s.scalar(select(Register.revision)) or 0)

    def changed_since(self, revision: int, *, most: int = 2_000) -> dict[str, str] | None:
        """The risks (uuid → ref) whose rows changed after ``revision`` (their own fields, shares or
        actions), so a window can bring in another user's edits row by row; None when a
        change reaches further (partners, categories, the scheme, removals) or touches more
        than ``most`` risks, and everything should be read again."""
        with self._read() as s:
            rows = s.execute(
                select(Change.entity, Change.entity_uuid)
                .join(ChangeSet, Change.change_set_id == ChangeSet.id)
                .where(ChangeSet.revision > revision)
                .distinct()
                .limit(most + 1)
            ).all()
            if len(rows) > most or any(entity not in ("risk", "action") for entity, _ in rows):
                return None
            risks = {uuid for entity, uuid in rows if entity == "risk"}
            actions = {uuid for entity, uuid in rows if entity == "action"}
            if actions:
                found = s.execute(
                    select(Action.uuid, Risk.uuid)
                    .join(Risk, Action.risk_id == Risk.id)
                    .where(Action.uuid.in_(actions))
                ).all()
                if len(found) < len(actions):
                    return None  # an action was removed
                risks.update(risk_uuid for _, risk_uuid in found)
            known = dict(
                s.execute(select(Risk.uuid, Risk.ref).where(Risk.uuid.in_(risks))).all()
            ) if risks else {}  # fmt: skip
            if set(known) != risks:
                return None  # a risk was removed (or is no longer visible to this login)
            return known

    def scheme(self) -> ScoringScheme:
        with self._read() as s:
            return ScoringScheme.from_json(s.scalars(select(Register.scheme_json)).one())

    def rename_register(self, name: str) -> None:
        if not name.strip():
            raise ValidationError.single("name", "the register needs a name")
        if len(name) > 200:
            raise ValidationError.single("name", "a register name can be at most 200 characters")
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
            return _partner_records(s, active_only=active_only)

    def add_partner(self, partner: PartnerRecord) -> PartnerRecord:
        problems = _partner_problems(partner)
        if problems:
            raise ValidationError(problems)
        with self._write(f"Add partner {partner.code}", keeper_only=True) as w:
            if partner.code in w.partner_ids:
                raise ValidationError.single("code", f"there is already a partner {partner.code}")
            w.session.add(
                Partner(
                    code=partner.code,
                    name=partner.name,
                    colour=partner.colour,
                    contact=partner.contact,
                    active=partner.active,
                )
            )
            w.log("partner", partner.code, partner.code, CREATED, None, partner.name)
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
            problems = _partner_problems(after)
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
            self._check_category(w, category, existing=None)
            w.session.add(Category(name=category.name, appetite=category.appetite))
            w.log("category", category.name, category.name, CREATED, None, category.name)
        return category

    def edit_category(self, name: str, updated: CategoryRecord) -> CategoryRecord:
        with self._write(f"Edit category {name}", keeper_only=True) as w:
            row = w.session.scalars(select(Category).where(Category.name == name)).one_or_none()
            if row is None:
                raise NotFound(f"there is no category {name!r}")
            self._check_category(w, updated, existing=name)
            for field in ("name", "appetite"):
                old, new = getattr(row, field), getattr(updated, field)
                if old != new:
                    w.log("category", name, name, field, old, new)
                    setattr(row, field, new)
        return updated

    def remove_category(self, name: str) -> None:
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
            w.log("category", name, name, CREATED, name, None)
            kept_log.delete_row(w.session, row)

    @staticmethod
    def _check_category(w: _Work, category: CategoryRecord, existing: str | None) -> None:
        if not category.name.strip():
            raise ValidationError.single("name", "a category needs a name")
        if len(category.name) > 100:
            raise ValidationError.single("name", "a category name can be at most 100 characters")
        if category.name != existing and category.name in w.category_ids:
            raise ValidationError.single("name", f"there is already a category {category.name!r}")
        if category.appetite is not None and category.appetite not in w.scheme.band_names:
            raise ValidationError.single(
                "appetite",
                f"{category.appetite!r} is not a band; choose one of "
                + ", ".join(w.scheme.band_names),
            )

    # -- risks: reading -----------------------------------------------------------------
    def list_risks(self, *, first: int | None = None) -> list[RiskRecord]:
        """Every risk (or the ``first`` n), ordered by ref: three queries at any size."""
        with self._read() as s, _collector_paused():
            return _select_risks(s, None, first)

    def get_risk(self, uuid: str) -> RiskRecord:
        with self._read() as s:
            found = _select_risks(s, uuid)
        if not found:
            raise NotFound(f"no risk with id {uuid} in this register")
        return found[0]

    def find_risk(self, ref: str) -> RiskRecord:
        with self._read() as s:
            uuid = s.scalar(select(Risk.uuid).where(Risk.ref == ref))
        if uuid is None:
            raise NotFound(f"there is no risk {ref}")
        return self.get_risk(uuid)

    # -- risks: writing -----------------------------------------------------------------
    def create_risk(self, draft: RiskDraft) -> RiskRecord:
        with self._write(f"New risk: {draft.title[:80]}") as w:
            (uuid,) = _insert_risks(w, [draft], self.today())
            w.session.flush()
            return _select_risks(w.session, uuid)[0]

    def create_risks(self, drafts: Sequence[RiskDraft], *, summary: str | None = None) -> list[str]:
        """Add many risks with their actions in one transaction: the bulk path of imports.

        Returns the new risks' uuids in the order of the drafts.
        """
        if not drafts:
            return []
        with self._write(summary or f"Add {len(drafts)} risks") as w:
            return _insert_risks(w, drafts, self.today())

    def edit_risk(self, uuid: str, version: int, changes: Mapping[str, Any]) -> RiskRecord:
        """Change any fields of a risk (``shares`` included) if nobody else changed it first."""
        with self._write("Edit risk") as w:
            risk = w.load_risk(uuid)
            w.expect_version(risk, version)
            if risk.status is RiskStatus.CLOSED and set(changes) - {"status"}:
                raise RuleError(f"{risk.ref} is closed; reopen it before changing it")
            _apply_risk_changes(w, risk, dict(changes), self.today())
            w.session.flush()
            return _select_risks(w.session, uuid)[0]

    def set_shares(self, uuid: str, version: int, shares: Shares) -> RiskRecord:
        return self.edit_risk(uuid, version, {"shares": shares})

    def close_risk(self, uuid: str, version: int) -> RiskRecord:
        return self.edit_risk(uuid, version, {"status": RiskStatus.CLOSED})

    def reopen_risk(self, uuid: str, version: int) -> RiskRecord:
        return self.edit_risk(uuid, version, {"status": RiskStatus.OPEN})

    # -- actions ------------------------------------------------------------------------
    def list_actions(self, risk_uuid: str | None = None) -> list[ActionRecord]:
        with self._read() as s, _collector_paused():
            return _select_actions(s, risk_uuid=risk_uuid)

    def risks_with_overdue_actions(self, today: date | None = None) -> set[str]:
        """Uuids of risks that have an open action past its due date (one query)."""
        open_states = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
        with self._read() as s:
            rows = s.execute(
                select(Risk.uuid)
                .join(Action, Action.risk_id == Risk.id)
                .where(Action.status.in_(open_states), Action.due_date < (today or self.today()))
                .distinct()
            ).scalars()
            return set(rows)

    def add_action(self, risk_uuid: str, draft: ActionDraft) -> ActionRecord:
        with self._write("Add action") as w:
            risk = w.load_risk(risk_uuid)
            action_uuid = _insert_action(w, risk.id, draft, w.context())
            w.session.flush()
            return _select_actions(w.session, action_uuid=action_uuid)[0]

    def edit_action(self, uuid: str, version: int, changes: Mapping[str, Any]) -> ActionRecord:
        with self._write("Edit action") as w:
            action = w.load_action(uuid)
            w.expect_version(action, version)
            _apply_action_changes(w, action, dict(changes), self.today(), w.context())
            w.session.flush()
            return _select_actions(w.session, action_uuid=uuid)[0]

    def complete_action(self, uuid: str, version: int, on: date | None = None) -> ActionRecord:
        return self.edit_action(
            uuid,
            version,
            {"status": ActionStatus.DONE, "progress": 100, "completed_on": on or self.today()},
        )

    # -- scoring scheme -----------------------------------------------------------------
    def preview_scheme(self, new: ScoringScheme) -> SchemeChangeReport:
        """How many risks a new scheme would re-band, for the confirmation the user sees."""
        with self._read() as s:
            old = ScoringScheme.from_json(s.scalars(select(Register.scheme_json)).one())
            rows = s.execute(select(Risk.current_likelihood, Risk.current_impact)).all()
        return _scheme_report(old, new, rows)

    def change_scheme(self, new: ScoringScheme) -> SchemeChangeReport:
        """Adopt a new scheme: move levels onto new axes, re-band, and log both."""
        new.validate()
        with self._write(f"Change scoring scheme to {new.name}", keeper_only=True) as w:
            old = w.scheme
            level_fields = (
                ("inherent_likelihood", "l"), ("inherent_impact", "i"),
                ("current_likelihood", "l"), ("current_impact", "i"),
                ("target_likelihood", "l"), ("target_impact", "i"),
            )  # fmt: skip
            columns = [Risk.id, Risk.uuid, Risk.ref, Risk.version] + [
                getattr(Risk, f) for f, _ in level_fields
            ]
            rows = w.session.execute(select(*columns)).all()
            report = _scheme_report(old, new, [(r[6], r[7]) for r in rows])
            if w.server_log:  # the server moves every risk, those this login cannot see too
                rows = []
            updates = []
            for row in rows:
                rid, ruuid, ref, version, *levels = row
                moved = {}
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
                old_band = old.band(levels[2], levels[3]).name
                new_band = new.band(cl, ci).name
                if old_band != new_band:
                    w.log("risk", ruuid, ref, "band", old_band, new_band)
                if moved:
                    updates.append({"id": rid, **moved, "version": version})
            if updates:
                w.session.execute(update(Risk), updates)
            w.log("register", w.register.uuid, "register", "scheme", old.to_json(), new.to_json())
            w.register.scheme_json = new.to_json()
            return report

    # -- heat maps ----------------------------------------------------------------------
    def heat_map(self, basis: Basis, heat_filter: HeatFilter | None = None) -> HeatMap:
        """Risks per cell for a basis and filter: one grouped query, whatever the size."""
        heat_filter = heat_filter or HeatFilter()
        lik, imp = _BASIS_COLUMNS[basis]
        with self._read() as s:
            scheme = ScoringScheme.from_json(s.scalars(select(Register.scheme_json)).one())
            query = (
                select(lik, imp, func.aggregate_strings(Risk.ref, " "))
                .where(*_heat_conditions(s, heat_filter))
                .group_by(lik, imp)
            )
            rows = s.connection().execute(query).all()
        return build_heat_map(scheme, basis, heat_filter, self.today(), rows)

    def placed_risks(self, basis: Basis, heat_filter: HeatFilter | None = None) -> list[PlacedRisk]:
        """The risks of a heat map with what its printed key shows, in ref order."""
        heat_filter = heat_filter or HeatFilter()
        lik, imp = _BASIS_COLUMNS[basis]
        with self._read() as s:
            rows = (
                s.connection()
                .execute(
                    select(Risk.ref, Risk.number, Risk.title, Partner.code, lik, imp)
                    .join(Partner, Partner.id == Risk.lead_partner_id)
                    .where(*_heat_conditions(s, heat_filter), lik.is_not(None), imp.is_not(None))
                    .order_by(Risk.number)
                )
                .all()
            )
        placed: Any = rows
        return [PlacedRisk(*row) for row in placed]

    def heat_movements(
        self, start: Basis, end: Basis, heat_filter: HeatFilter | None = None
    ) -> list[Movement]:
        """How risks moved between two bases (e.g. inherent → current)."""
        heat_filter = heat_filter or HeatFilter()
        (l0, i0), (l1, i1) = _BASIS_COLUMNS[start], _BASIS_COLUMNS[end]
        with self._read() as s:
            rows = (
                s.connection()
                .execute(
                    select(Risk.ref, l0, i0, l1, i1)
                    .where(*_heat_conditions(s, heat_filter))
                    .where(l0.is_not(None), i0.is_not(None), l1.is_not(None), i1.is_not(None))
                    .order_by(Risk.number)
                )
                .all()
            )
        moved: Any = rows
        return movements(moved)

    def heat_movements_since(
        self, since: datetime, heat_filter: HeatFilter | None = None
    ) -> list[Movement]:
        """How risks moved on the current basis from a past moment to now (change log).

        A risk's position then is its current position with every later change undone;
        risks raised after that moment have no position then and are left out.
        """
        heat_filter = heat_filter or HeatFilter()
        cutoff = _naive_utc(since)
        with self._read() as s:
            conn = s.connection()
            later = conn.execute(
                select(Change.entity_uuid, Change.field, Change.old)
                .join(ChangeSet, Change.change_set_id == ChangeSet.id)
                .where(ChangeSet.at >= cutoff, Change.entity == "risk")
                .where(Change.field.in_((CREATED, *_SCORE_FIELDS)))
                .order_by(Change.id)
            ).all()
            now = conn.execute(
                select(Risk.uuid, Risk.ref, Risk.current_likelihood, Risk.current_impact)
                .where(*_heat_conditions(s, heat_filter))
                .order_by(Risk.number)
            ).all()
        created_later: set[str] = set()
        first_old: dict[str, dict[str, int]] = defaultdict(dict)
        for entity_uuid, field, old in later:
            if field == CREATED:
                created_later.add(entity_uuid)
            elif old is not None:
                first_old[entity_uuid].setdefault(field, int(old))
        rows = []
        for entity_uuid, ref, lik, imp in now:
            if entity_uuid in created_later:
                continue
            then = first_old.get(entity_uuid, {})
            rows.append((ref, then.get("current_likelihood", lik), then.get("current_impact", imp),
                         lik, imp))  # fmt: skip
        return movements(rows)

    # -- history ------------------------------------------------------------------------
    def history(self, risk_uuid: str) -> list[ChangeRecord]:
        """Every change to a risk and to its actions, oldest first."""
        with self._read() as s:
            action_uuids = select(Action.uuid).join(Risk).where(Risk.uuid == risk_uuid)
            query = (
                _change_query()
                .where(or_(Change.entity_uuid == risk_uuid, Change.entity_uuid.in_(action_uuids)))
                .order_by(Change.id)
            )
            return [ChangeRecord(*row) for row in s.execute(query)]

    def changes_between(self, since: datetime, until: datetime | None = None) -> list[ChangeRecord]:
        with self._read() as s:
            query = _change_query().where(ChangeSet.at >= _naive_utc(since))
            if until is not None:
                query = query.where(ChangeSet.at < _naive_utc(until))
            return [ChangeRecord(*row) for row in s.execute(query.order_by(Change.id))]

    def trends(self) -> dict[str, int]:
        """Direction of travel per risk uuid: +1 score went up, -1 down, 0 back where it was.

        Read from the change log: the last change set that moved the current score is undone
        on the current values, and the score before it is compared with the score now.
        Risks whose current score never changed are left out (no trend yet).
        """
        with self._read() as s:
            conn = s.connection()
            rows = conn.execute(
                select(Change.entity_uuid, Change.change_set_id, Change.field, Change.old)
                .where(Change.field.in_(_SCORE_FIELDS), Change.entity == "risk")
                .order_by(Change.id.desc())
            ).all()
            latest_set: dict[str, int] = {}
            before: dict[str, dict[str, int]] = defaultdict(dict)
            for entity_uuid, set_id, field, old in rows:
                if latest_set.setdefault(entity_uuid, set_id) == set_id and old is not None:
                    before[entity_uuid][field] = int(old)
            if not before:
                return {}
            moved = select(Change.entity_uuid).where(Change.field.in_(_SCORE_FIELDS))
            current = conn.execute(
                select(Risk.uuid, Risk.current_likelihood, Risk.current_impact).where(
                    Risk.uuid.in_(moved)
                )
            ).all()
        trends = {}
        for entity_uuid, lik, imp in current:
            old_values = before.get(entity_uuid)
            if old_values is None:
                continue
            then = old_values.get("current_likelihood", lik) * old_values.get("current_impact", imp)
            trends[entity_uuid] = (lik * imp > then) - (lik * imp < then)
        return trends

    def changes_since(self, since: datetime) -> ChangesSummary:
        """New, closed, and up/down in current score since a date (e.g. the last meeting)."""
        cutoff = _naive_utc(since)
        with self._read() as s:
            risks = {
                u: (ref, lik, imp, status)
                for u, ref, lik, imp, status in s.execute(
                    select(
                        Risk.uuid, Risk.ref, Risk.current_likelihood,
                        Risk.current_impact, Risk.status,
                    )
                )
            }  # fmt: skip
            rows = s.execute(
                select(Change.entity_uuid, Change.field, Change.old, Change.new)
                .join(ChangeSet, Change.change_set_id == ChangeSet.id)
                .where(ChangeSet.at >= cutoff, Change.entity == "risk")
                .where(Change.field.in_((CREATED, "status", *_SCORE_FIELDS)))
                .order_by(Change.id)
            )
            new: set[str] = set()
            closed: set[str] = set()
            score_then: dict[str, dict[str, int]] = defaultdict(dict)
            for entity_uuid, field, old, value in rows:
                if field == CREATED:
                    new.add(entity_uuid)
                elif field == "status" and value == RiskStatus.CLOSED.value:
                    closed.add(entity_uuid)
                elif field in _SCORE_FIELDS and old is not None:
                    score_then[entity_uuid].setdefault(field, int(old))
        up, down = [], []
        for entity_uuid, then_values in score_then.items():
            if entity_uuid in new or entity_uuid not in risks:
                continue
            ref, lik, imp, _ = risks[entity_uuid]
            then = then_values.get("current_likelihood", lik) * then_values.get(
                "current_impact", imp
            )
            if lik * imp > then:
                up.append(ref)
            elif lik * imp < then:
                down.append(ref)

        def refs(uuids: set[str]) -> tuple[str, ...]:
            return tuple(sorted((risks[u][0] for u in uuids if u in risks), key=_ref_key))

        still_closed = {u for u in closed if risks.get(u, ("", 0, 0, None))[3] is RiskStatus.CLOSED}
        return ChangesSummary(
            since=since,
            new=refs(new),
            closed=refs(still_closed),
            score_up=tuple(sorted(up, key=_ref_key)),
            score_down=tuple(sorted(down, key=_ref_key)),
        )

    # -- opening and creating ---------------------------------------------------------------

    # -- joint governance ---------------------------------------------------------------
    def mark_reviewed(self, uuid: str, version: int, on: date | None = None) -> RiskRecord:
        """A review of one risk: last reviewed on ``on``, next review after its band's
        interval (the scheme's review cadence)."""
        on = on or self.today()
        with self._write("Review risk") as w:
            risk = w.load_risk(uuid)
            w.expect_version(risk, version)
            due = w.scheme.next_review(risk.current_likelihood, risk.current_impact, on)
            _apply_risk_changes(w, risk, {"last_reviewed": on, "next_review": due}, on)
            w.session.flush()
            return _select_risks(w.session, uuid)[0]

    def escalate(self, uuid: str, version: int, level: EscalationLevel, reason: str) -> RiskRecord:
        """Move a risk up or down the escalation ladder; only with a reason, which is logged."""
        if not reason.strip():
            raise ValidationError.single("reason", "give the reason for changing the escalation")
        with self._write(f"Escalation: {level.value}") as w:
            risk = w.load_risk(uuid)
            w.expect_version(risk, version)
            if risk.escalation is level:
                raise RuleError(f"{risk.ref} is already at {level.value}")
            w.log("risk", risk.uuid, risk.ref, "escalation", risk.escalation.value, level.value)
            w.log("risk", risk.uuid, risk.ref, "escalation_reason", None, reason.strip())
            risk.escalation = level
            w.session.flush()
            return _select_risks(w.session, uuid)[0]

    def escalate_after(self) -> int:
        """Days outside appetite, or in the top band, after which escalation is proposed."""
        with self._read() as s:
            return int(s.scalar(select(Register.escalate_after_days)) or 90)

    def set_escalate_after(self, days: int) -> None:
        if days < 1:
            raise ValidationError.single("days", "give a number of days of 1 or more")
        with self._write("Escalation period", keeper_only=True) as w:
            w.log("register", w.register.uuid, w.register.name, "escalate_after_days",
                  w.register.escalate_after_days, days)  # fmt: skip
            w.register.escalate_after_days = days

    def appetites(self) -> tuple[dict[str, str | None], dict[tuple[str, str], str]]:
        """The partnership's appetite per category, and each partner's where it has one."""
        with self._read() as s:
            partnership = dict(s.execute(select(Category.name, Category.appetite)).all())
            rows = s.execute(
                select(Partner.code, Category.name, PartnerAppetite.band)
                .join(Partner, Partner.id == PartnerAppetite.partner_id)
                .join(Category, Category.id == PartnerAppetite.category_id)
            ).all()
        return partnership, {(code, category): band for code, category, band in rows}

    def set_partner_appetite(self, code: str, category: str, band: str | None) -> None:
        """The highest band ``code`` accepts in ``category``; None removes it."""
        with self._write(f"Appetite of {code} for {category}", keeper_only=True) as w:
            if code not in w.partner_ids:
                raise NotFound(f"there is no partner {code}")
            if category not in w.category_ids:
                raise NotFound(f"there is no category {category}")
            if band is not None and band not in w.scheme.band_names:
                raise ValidationError.single(
                    "band",
                    f"{band!r} is not a band; choose one of " + ", ".join(w.scheme.band_names),
                )
            key = (w.partner_ids[code], w.category_ids[category])
            held = w.session.get(PartnerAppetite, key)
            old = held.band if held else None
            if old == band:
                return
            w.log("appetite", code, f"{code}/{category}", "band", old, band)
            if band is None:
                kept_log.delete_row(w.session, held)
            elif held is None:
                w.session.add(PartnerAppetite(partner_id=key[0], category_id=key[1], band=band))
            else:
                held.band = band

    def appetite_cells(
        self, basis: Basis, heat_filter: HeatFilter | None = None
    ) -> frozenset[tuple[int, int]]:
        """The cells of a heat map that hold a risk outside appetite (appetite is judged on
        the current position, so only a current-risk map has them)."""
        if basis is not Basis.CURRENT:
            return frozenset()
        partnership, partners = self.appetites()
        if not any(partnership.values()) and not partners:
            return frozenset()
        from riskreg.governance import appetite_breaches

        risks = self.list_risks()
        breaches = appetite_breaches(risks, self.scheme(), partnership, partners)
        refs = {r.ref for r in risks if r.uuid in breaches}
        return frozenset(
            (p.likelihood, p.impact) for p in self.placed_risks(basis, heat_filter) if p.ref in refs
        )

    def appetite_breaches(self) -> dict[str, tuple[str, ...]]:
        from riskreg.governance import appetite_breaches

        partnership, partners = self.appetites()
        return appetite_breaches(self.list_risks(), self.scheme(), partnership, partners)

    def escalation_proposals(self, today: date | None = None) -> list[tuple[RiskRecord, str]]:
        """Open risks outside appetite, or in the top band, for longer than the register's
        escalation period, that are not yet at the top of the ladder; with the reason.

        How long counts from the last change of the current score (or the date raised): the
        risk has stood where it is since then.
        """
        today = today or self.today()
        scheme = self.scheme()
        breaches = self.appetite_breaches()
        top = len(scheme.bands) - 1
        with self._read() as s:
            period = s.scalar(select(Register.escalate_after_days)) or 90
            moved = dict(
                s.execute(
                    select(Change.entity_uuid, func.max(ChangeSet.at))
                    .join(ChangeSet, ChangeSet.id == Change.change_set_id)
                    .where(Change.field.in_(_SCORE_FIELDS))
                    .group_by(Change.entity_uuid)
                ).all()
            )
        proposals = []
        for risk in self.list_risks():
            if (
                risk.status is RiskStatus.CLOSED
                or risk.escalation is EscalationLevel.SENIOR_EXECUTIVE
            ):
                continue
            in_top = scheme.band_index(risk.current_likelihood, risk.current_impact) == top
            why = breaches.get(risk.uuid)
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
        recorded = self.now().astimezone(UTC).replace(microsecond=0)
        with self._write(f"Joint review: {title[:200]}") as w:
            s = w.session
            info = self._info(s)
            risks = _select_risks(s, None)
            refs = {r.ref for r in risks}
            unknown = [d.ref for d in decisions if d.ref not in refs]
            if unknown:
                raise ValidationError.single("decisions", "no such risk: " + ", ".join(unknown))
            document = snapshot_document(
                register={"uuid": info.uuid, "name": info.name, "revision": info.revision},
                scheme=info.scheme,
                partners=_partner_records(s),
                risks=risks,
                actions=_select_actions(s),
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
            return _review_record(review)

    def list_reviews(self) -> list[ReviewRecord]:
        with self._read() as s:
            reviews = s.scalars(select(Review).order_by(Review.held_on, Review.id)).all()
            return [_review_record(r) for r in reviews]

    def get_review(self, review_id: int) -> ReviewRecord:
        with self._read() as s:
            review = s.get(Review, review_id)
            if review is None:
                raise NotFound(f"there is no joint review {review_id}")
            return _review_record(review)

    def verify_review(self, review_id: int) -> Verification:
        """Recompute a snapshot's fingerprint from what the file holds now."""
        from riskreg.governance import fingerprint

        review = self.get_review(review_id)
        return Verification(review_id, review.fingerprint, fingerprint(review.snapshot))

    def compare_review(self, review_id: int) -> list[Any]:
        from riskreg.governance import compare

        review = self.get_review(review_id)
        return compare(json.loads(review.snapshot), self.list_risks())

    def exposure_by_partner(self) -> list[Any]:
        from riskreg.governance import exposure_by_partner

        return exposure_by_partner(self.list_risks())

    # -- Excel exchange -----------------------------------------------------------------
    def exchange_snapshot(self, partner_code: str | None = None) -> ExchangeSnapshot:
        """The rows an exchange workbook holds, for one partner or the whole register.

        A partner's export leaves out every Internal risk that partner does not lead, and
        the actions of those risks: what is not in the workbook cannot leak from it.
        """
        with self._read() as s, _collector_paused():
            known = set(s.scalars(select(Partner.code)).all())
            if partner_code is not None and partner_code not in known:
                raise NotFound(f"there is no partner {partner_code} in this register")
            info = self._info(s)
            partners = tuple(_partner_records(s))
            categories = tuple(
                CategoryRecord(name, appetite)
                for name, appetite in s.execute(
                    select(Category.name, Category.appetite).order_by(Category.name)
                ).all()
            )
            risks = _select_risks(s, None)
            if partner_code is not None:
                internal, code = Visibility.INTERNAL, partner_code
                risks = [r for r in risks if r.visibility is not internal or r.lead_partner == code]
            kept = {r.uuid for r in risks}
            actions = [a for a in _select_actions(s) if a.risk_uuid in kept]
            return ExchangeSnapshot(info, partners, categories, risks, actions, partner_code)

    def record_export(
        self, export_id: str, partner_code: str | None, revision: int, file_name: str
    ) -> None:
        """Remember who a workbook was made for: the import trusts this, never the file."""
        with self._write("Export") as w:
            partner_id = w.partner_ids[partner_code] if partner_code else None
            w.session.add(
                ExportLog(
                    export_id=export_id,
                    partner_id=partner_id,
                    at=_naive_utc(self.now()),
                    revision=revision,
                    file_name=file_name[:500],
                    user=self.actor.user[:200],
                )
            )

    def export_entry(self, export_id: str) -> ExportEntry | None:
        with self._read() as s:
            row = s.execute(
                select(
                    ExportLog.export_id, Partner.code, ExportLog.at, ExportLog.revision,
                    ExportLog.file_name, ExportLog.user,
                )
                .outerjoin(Partner, Partner.id == ExportLog.partner_id)
                .where(ExportLog.export_id == export_id)
            ).first()  # fmt: skip
        return ExportEntry(*row) if row else None

    def refs(self) -> tuple[dict[str, str], dict[str, str]]:
        """Ref of every risk and of every action by uuid: enough to match workbook rows
        without reading whole records."""
        with self._read() as s, _collector_paused():
            risks: dict[str, str] = dict(s.execute(select(Risk.uuid, Risk.ref)).all())
            actions: dict[str, str] = dict(s.execute(select(Action.uuid, Action.ref)).all())
        return risks, actions

    def risks_among(
        self, uuids: Sequence[str] = (), *, refs: Sequence[str] = ()
    ) -> dict[str, RiskRecord]:
        """Some risks by uuid or by ref, keyed as asked; read in slices, never one by one."""
        with self._read() as s, _collector_paused():
            if refs:
                return {r.ref: r for r in _select_risks(s, None, refs=refs)}
            return {r.uuid: r for r in _select_risks(s, None, among=uuids)}

    def actions_among(self, uuids: Sequence[str]) -> dict[str, ActionRecord]:
        with self._read() as s, _collector_paused():
            return {a.uuid: a for a in _select_actions(s, among=uuids)}

    def imported_from(self, export_id: str) -> tuple[set[str], set[tuple[str, str]]]:
        """What earlier imports of one workbook created: risk titles, (risk, action text).

        Importing the same workbook twice must not propose its new rows twice.
        """
        marker = f"(export {export_id})"
        with self._read() as s:
            sets = select(ChangeSet.id).where(ChangeSet.summary.contains(marker))
            created = (
                select(Change.entity, Change.entity_uuid)
                .where(Change.change_set_id.in_(sets), Change.field == CREATED)
            )  # fmt: skip
            rows = s.execute(created).all()
            risk_ids = [u for entity, u in rows if entity == "risk"]
            action_ids = [u for entity, u in rows if entity == "action"]
            titles = {
                title
                for chunk in _in_chunks(risk_ids)
                for title in s.scalars(select(Risk.title).where(Risk.uuid.in_(chunk)))
            }
            actions: set[tuple[str, str]] = set()
            for chunk in _in_chunks(action_ids):
                query = (
                    select(Risk.uuid, Action.description)
                    .join(Risk, Risk.id == Action.risk_id)
                    .where(Action.uuid.in_(chunk))
                )
                actions.update((u, d) for u, d in s.execute(query).all())
        return titles, actions

    def import_risks(
        self,
        drafts: Sequence[RiskDraft],
        *,
        new_categories: Sequence[str] = (),
        summary: str,
        expected_revision: int | None = None,
    ) -> list[str]:
        """New risks from another register, with the categories they bring, as one change
        set; refused whole if the register moved on since the preview."""
        with self._write(summary) as w:
            if expected_revision is not None and w.register.revision != expected_revision:
                raise ConflictError(
                    f"the register changed since the preview (revision {expected_revision} → "
                    f"{w.register.revision}); preview the workbook again"
                )
            for name in new_categories:
                if name not in w.category_ids:
                    self._check_category(w, CategoryRecord(name), None)
                    category = Category(name=name, appetite=None)
                    w.session.add(category)
                    w.session.flush()
                    w.category_ids[name] = category.id
                    w.log("category", name, name, CREATED, None, name)
            return _insert_risks(w, drafts, self.today())

    def apply_exchange(self, batch: ExchangeBatch) -> int:
        """Write a workbook's accepted changes as one change set; returns the new revision.

        Refused whole, with nothing written, if the register moved on since the preview the
        user accepted, or if any change breaks a rule.
        """
        if batch.empty:
            return self.register_info().revision
        today = self.today()
        with self._write(batch.summary) as w:
            if w.register.revision != batch.expected_revision:
                raise ConflictError(
                    f"the register changed since this workbook was previewed (revision "
                    f"{batch.expected_revision} → {w.register.revision}); preview it again"
                )
            ctx = w.context()
            if batch.risk_edits:
                risks = w.load_many(Risk, [uuid for uuid, _ in batch.risk_edits])
                for uuid, changes in batch.risk_edits:
                    risk = risks.get(uuid)
                    if risk is None:
                        raise NotFound(f"a risk in the workbook (id {uuid}) is no longer here")
                    if risk.status is RiskStatus.CLOSED and set(changes) - {"status"}:
                        raise RuleError(f"{risk.ref} is closed; reopen it before changing it")
                    try:
                        _apply_risk_changes(w, risk, dict(changes), today, ctx)
                    except ValidationError as exc:
                        raise _about(risk.ref, exc) from exc
            if batch.action_edits:
                actions = w.load_many(Action, [uuid for uuid, _ in batch.action_edits])
                for uuid, changes in batch.action_edits:
                    action = actions.get(uuid)
                    if action is None:
                        raise NotFound(f"an action in the workbook (id {uuid}) is no longer here")
                    try:
                        _apply_action_changes(w, action, dict(changes), today, ctx)
                    except ValidationError as exc:
                        raise _about(action.ref, exc) from exc
            if batch.new_risks:
                _insert_risks(w, batch.new_risks, today)
            if batch.new_actions:
                wanted = list({uuid for uuid, _ in batch.new_actions})
                risk_ids = {
                    uuid: rid
                    for chunk in _in_chunks(wanted)
                    for uuid, rid in w.session.execute(
                        select(Risk.uuid, Risk.id).where(Risk.uuid.in_(chunk))
                    ).all()
                }
                for risk_uuid, draft in batch.new_actions:
                    _insert_action(w, risk_ids[risk_uuid], draft, ctx)
            w.session.flush()
        return self.register_info().revision


def open_service(
    location: str | Path,
    actor: Actor,
    *,
    backup_policy: BackupPolicy | None = None,
    **options: Any,
) -> RegisterService:
    """Open an existing register for an actor (see ``riskreg.store.open_register``)."""
    store = store_module.open_register(location, **options)
    return RegisterService(store, actor, backup_policy=backup_policy)


def create_register(
    location: str | Path,
    actor: Actor,
    *,
    name: str,
    partners: Sequence[PartnerRecord] = (),
    keeper: str | None = None,
    categories: Sequence[CategoryRecord] = (),
    scheme: ScoringScheme | None = None,
    clock: Callable[[], datetime] = _utcnow,
) -> RegisterService:
    """Create a register file with its partners and categories as its first change set."""
    problems = [p for partner in partners for p in _partner_problems(partner)]
    codes = [p.code for p in partners]
    if len(set(codes)) != len(codes):
        problems.append(Problem("partners", "each partner code may be used only once"))
    if keeper is not None and keeper not in codes:
        problems.append(Problem("keeper", f"{keeper!r} is not one of the partners"))
    if not name.strip():
        problems.append(Problem("name", "the register needs a name"))
    if problems:
        raise ValidationError(problems)
    store = store_module.create_register_file(location)
    service = RegisterService(store, actor, clock=clock)
    try:
        scheme = scheme or ScoringScheme.default()
        register = Register(
            uuid=str(uuidlib.uuid4()),
            name=name,
            scheme_json=scheme.to_json(),
            revision=0,
            next_risk_number=1,
            next_action_number=1,
            created_at=service.now().astimezone(UTC).replace(tzinfo=None),
        )
        with service._write("Create register", new_register=register) as w:
            w.log("register", register.uuid, "register", CREATED, None, name)
            for partner in partners:
                w.session.add(Partner(**_partner_columns(partner)))
                w.log("partner", partner.code, partner.code, CREATED, None, partner.name)
            for category in categories:
                w.session.add(Category(name=category.name, appetite=category.appetite))
                w.log("category", category.name, category.name, CREATED, None, category.name)
            w.session.flush()
            if keeper is not None:
                register.keeper_partner_id = w.session.scalars(
                    select(Partner.id).where(Partner.code == keeper)
                ).one()
    except BaseException:
        store.close()
        if store.path is not None:
            store.path.unlink(missing_ok=True)
        raise
    return service


# -- helpers ----------------------------------------------------------------------------
_BASIS_COLUMNS = {
    Basis.INHERENT: (Risk.inherent_likelihood, Risk.inherent_impact),
    Basis.CURRENT: (Risk.current_likelihood, Risk.current_impact),
    Basis.TARGET: (Risk.target_likelihood, Risk.target_impact),
}


def _heat_conditions(s: Session, heat_filter: HeatFilter) -> list[Any]:
    conditions: list[Any] = [Risk.status.in_(sorted(heat_filter.statuses))]
    if heat_filter.partner:
        partner_id = s.scalar(select(Partner.id).where(Partner.code == heat_filter.partner))
        shared = select(RiskShare.risk_id).where(RiskShare.partner_id == partner_id)
        conditions.append(or_(Risk.lead_partner_id == partner_id, Risk.id.in_(shared)))
    if heat_filter.category:
        category_id = s.scalar(select(Category.id).where(Category.name == heat_filter.category))
        conditions.append(Risk.category_id == category_id)
    if heat_filter.visibility is not None:
        conditions.append(Risk.visibility == heat_filter.visibility)
    return conditions


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _ref_key(ref: str) -> tuple[str, int]:
    prefix, _, number = ref.partition("-")
    return prefix, int(number) if number.isdigit() else 0


def _change_query() -> Any:
    return select(
        ChangeSet.revision, ChangeSet.at, ChangeSet.user, ChangeSet.partner_code,
        ChangeSet.source, ChangeSet.summary, Change.entity, Change.entity_ref, Change.field,
        Change.old, Change.new, ChangeSet.login,
    ).join(ChangeSet, Change.change_set_id == ChangeSet.id)  # fmt: skip


def _review_record(review: Review) -> ReviewRecord:
    return ReviewRecord(
        review.id, review.uuid, review.title, review.held_on,
        review.recorded_at.replace(tzinfo=UTC), review.user, review.revision,
        review.fingerprint, review.snapshot,
    )  # fmt: skip


def _partner_records(s: Session, *, active_only: bool = False) -> list[PartnerRecord]:
    query = select(Partner.code, Partner.name, Partner.colour, Partner.contact, Partner.active)
    if active_only:
        query = query.where(Partner.active)
    return [PartnerRecord(*row) for row in s.execute(query.order_by(Partner.code))]


def _partner_problems(partner: PartnerRecord) -> list[Problem]:
    problems = []
    code = partner.code
    if not code or len(code) > 12 or not all(c.isalnum() or c in "-_" for c in code):
        problems.append(
            Problem("code", f"partner code {code!r} must be 1–12 letters, digits, - or _")
        )
    if code != code.upper():
        problems.append(Problem("code", f"partner code {code!r} must be in capitals"))
    if not partner.name.strip() or len(partner.name) > 200:
        problems.append(Problem("name", "a partner needs a name of at most 200 characters"))
    if len(partner.contact) > 200:
        problems.append(Problem("contact", "contact can be at most 200 characters"))
    colour = partner.colour
    if (
        len(colour) != 7
        or not colour.startswith("#")
        or not all(c in "0123456789abcdefABCDEF" for c in colour[1:])
    ):
        problems.append(Problem("colour", f"colour {colour!r} is not #rrggbb"))
    return problems


def _partner_columns(partner: PartnerRecord) -> dict[str, Any]:
    return {
        "code": partner.code,
        "name": partner.name,
        "colour": partner.colour,
        "contact": partner.contact,
        "active": partner.active,
    }


def _select_risks(
    s: Session,
    uuid: str | None,
    first: int | None = None,
    *,
    among: Sequence[str] | None = None,
    refs: Sequence[str] | None = None,
) -> list[RiskRecord]:
    """Risks as records: three Core queries, rows built positionally (no ORM loading).

    ``among`` (uuids) or ``refs`` pick some risks, read in slices that fit any IN list.
    """
    if among is not None or refs is not None:
        column, wanted = (_R.uuid, among) if among is not None else (_R.ref, refs)
        assert wanted is not None
        return [
            record
            for chunk in _in_chunks(list(wanted))
            for record in _select_risks_where(s, column.in_(chunk), None)
        ]
    return _select_risks_where(s, _R.uuid == uuid if uuid is not None else None, first)


def _select_risks_where(s: Session, condition: Any, first: int | None) -> list[RiskRecord]:
    conn = s.connection()
    codes = dict(conn.execute(select(Partner.id, Partner.code)).all())
    categories: dict[int | None, str | None] = dict(
        conn.execute(select(Category.id, Category.name)).all()
    )
    categories[None] = None
    # Each risk's split comes back as one text ("APEX:60 CNCL:40").
    share_query = (
        select(
            RiskShare.risk_id,
            func.aggregate_strings(Partner.code + ":" + cast(RiskShare.percent, String), " "),
        )
        .join(Partner, Partner.id == RiskShare.partner_id)
        .group_by(RiskShare.risk_id)
    )
    risk_query = select(*_RISK_COLUMNS).order_by(_R.number)
    if condition is not None:
        risk_query = risk_query.where(condition)
        share_query = share_query.join(Risk, Risk.id == RiskShare.risk_id).where(condition)
    if first is not None:
        risk_query = risk_query.limit(first)
        page = select(_R.id).order_by(_R.number).limit(first).scalar_subquery()
        share_query = share_query.where(RiskShare.risk_id.in_(page))
    shares = risk_rows.parse_splits(conn.execute(share_query).all())
    rows: Any = conn.execute(risk_query).all()
    return risk_rows.build_records(rows, codes, categories, shares)


def _select_actions(
    s: Session,
    *,
    risk_uuid: str | None = None,
    action_uuid: str | None = None,
    among: Sequence[str] | None = None,
) -> list[ActionRecord]:
    """Actions as records, in ref order; ``among`` (uuids) is read in IN-list slices."""
    query = (
        select(
            Action.uuid, Action.ref, Action.number, Risk.uuid, Risk.ref, Action.description,
            Partner.code, Action.owner, Action.due_date, Action.status, Action.progress,
            Action.completed_on, Action.version,
        )
        .join(Risk, Action.risk_id == Risk.id)
        .join(Partner, Action.partner_id == Partner.id)
        .order_by(Action.number)
    )  # fmt: skip
    if risk_uuid is not None:
        query = query.where(Risk.uuid == risk_uuid)
    if action_uuid is not None:
        query = query.where(Action.uuid == action_uuid)
    if among is not None:
        wanted = list(among)
        found: Any = [
            row
            for chunk in _in_chunks(wanted)
            for row in s.execute(query.where(Action.uuid.in_(chunk)))
        ]
        return [ActionRecord(*row) for row in found]
    rows: Any = s.execute(query)
    return [ActionRecord(*row) for row in rows]


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
    found = check_columns(columns, RISK_FIELDS, ctx)
    for index, draft in enumerate(drafts):
        if any(getattr(draft, name) is not None for name in _CONSISTENCY_FIELDS):
            found += [(index, p) for p in check_risk_consistency(
                {name: columns[name][index] for name in _CONSISTENCY_FIELDS}
            )]  # fmt: skip
        if draft.shares is not None:
            found += [(index, p) for p in check_shares(draft.shares, ctx)]
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


def _insert_risks(w: _Work, drafts: Sequence[RiskDraft], today: date) -> list[str]:
    ctx = w.context()
    columns = _draft_columns(drafts, today)
    problems = _draft_problems(drafts, columns, ctx)
    if problems:
        raise ValidationError(problems)
    partner_ids, category_ids, scheme = w.partner_ids, w.category_ids, w.scheme
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
            days = scheme.bands[scheme.band_index(lik, imp)].review_days
            given = (reviewed or raised) + timedelta(days=days)
        next_reviews.append(given)
    columns["next_review"] = next_reviews
    columns["category"] = [category_ids[c] if c is not None else None for c in columns["category"]]
    columns["lead_partner"] = [partner_ids[code] for code in columns["lead_partner"]]
    extra = {
        "uuid": uuids,
        "number": list(numbers),
        "ref": refs,
        "closed_on": [today if s is RiskStatus.CLOSED else None for s in columns["status"]],
        "escalation": [EscalationLevel.OPERATIONAL] * count,
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
        for action in draft.actions:
            action_uuid = next(action_uuids)
            action_rows.append(_action_row(action, action_uuid, action_number, rid, partner_ids))
            w.log(
                "action", action_uuid, action_ref(action_number), CREATED, None, action.description
            )  # as the server logs it (riskreg.server.triggers)
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


def _apply_risk_changes(
    w: _Work, risk: Risk, changes: dict[str, Any], today: date, ctx: Context | None = None
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
    problems += check_risk_consistency({**current, **field_changes})
    if problems:
        raise ValidationError(problems)

    lead_moved = field_changes.get("lead_partner")
    if lead_moved and new_shares is None and shares_now == ((current["lead_partner"], 100),):
        new_shares = ((lead_moved, 100),)  # the default split follows the lead
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


def _scheme_report(
    old: ScoringScheme, new: ScoringScheme, levels: Sequence[tuple[int, int]]
) -> SchemeChangeReport:
    changing = moved = 0
    for lik, imp in levels:
        nl, ni = old.remap_likelihood(lik, new), old.remap_impact(imp, new)
        moved += (nl, ni) != (lik, imp)
        changing += old.band(lik, imp).name != new.band(nl, ni).name
    return SchemeChangeReport(changing, moved, len(levels))


def _apply_action_changes(
    w: _Work, action: Action, changes: dict[str, Any], today: date, ctx: Context
) -> None:
    problems = check_fields(changes, ACTION_FIELDS, ctx)
    # An owning partner that has since become inactive may stay on its action.
    if "partner" in changes and changes["partner"] == w.partner_codes[action.partner_id]:
        problems = [p for p in problems if p.field != "partner"]
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


def _insert_action(w: _Work, risk_id: int, draft: ActionDraft, ctx: Context) -> str:
    problems = _action_draft_problems(draft, ctx, "")
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


def _in_chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """Slices small enough for an IN list on every backend."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _about(ref: str, exc: ValidationError) -> ValidationError:
    return ValidationError([Problem(f"{ref}: {p.field}", p.message) for p in exc.problems])
