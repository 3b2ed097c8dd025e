"""One use case's transaction: the session, the register row locked first, the change set
written at the end, and the store's errors said in plain words.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import gc
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Self, TypeVar

from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from riskreg.backups import Policy as BackupPolicy
from riskreg.bulk import insert_rows
from riskreg.errors import (
    ConflictError,
    NotFound,
    RegisterBusy,
    RegisterReadOnly,
    RegisterUnavailable,
    RuleError,
)
from riskreg.model import (
    Action,
    Base,
    Category,
    Change,
    ChangeSet,
    Partner,
    Register,
    Risk,
)
from riskreg.progress import Progress
from riskreg.records import (
    Actor,
    RegisterInfo,
    format_shares,
)
from riskreg.scoring import ScoringScheme
from riskreg.server import kept_log
from riskreg.service.changes import ChangeHub, Changes, Subscriber, changes_from_log
from riskreg.service.queries import in_chunks
from riskreg.store import RegisterStore
from riskreg.validation import Context

_CHANGE_TABLE = Base.metadata.tables["change"]
_CHANGE_KEYS = ("change_set_id", "entity", "entity_uuid", "entity_ref", "field", "old", "new")


def log_text(value: Any) -> str | None:
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
def collector_paused() -> Iterator[None]:
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


def utcnow() -> datetime:
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


class Work:
    """One write use case in progress: its session, lookups, and the changes to log."""

    def __init__(self, session: Session, service: ServiceBase) -> None:
        self.session = session
        self.service = service
        self.changes: list[tuple[str, str, str, str, str | None, str | None]] = []
        self.action_risks: dict[str, tuple[str, str]] = {}
        """The risk (uuid, ref) of actions this write created, so the announcement need
        not look them up."""
        self.announcement: Changes | None = None
        """What the commit changed, published once it is committed."""
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
        self.changes.append((entity, uuid, ref, field, log_text(old), log_text(new)))

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
        if self.server_log:  # the server wrote the change set: the application's words for it
            actor = self.service.actor
            revision = kept_log.finish(self.session, user=actor.user, source=actor.source,
                                       summary=summary, partner=actor.partner_code,
                                       at=self.service.now().astimezone(UTC).replace(tzinfo=None),
                                       changes=self.changes)  # fmt: skip
            if revision is not None:  # announced from what the server logged
                rows = kept_log.logged_rows(self.session, revision)
                self.announcement = Changes.of_everything(revision) if rows is None else (
                    changes_from_log(self.session, revision, rows, action_risks=self.action_risks)
                )  # fmt: skip
            return
        if not self.changes:
            return
        self.register.revision += 1
        actor = self.service.actor
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
        self.announcement = changes_from_log(
            self.session,
            self.register.revision,
            [(entity, uuid, ref, name) for entity, uuid, ref, name, _, _ in self.changes],
            action_risks=self.action_risks,
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
            for chunk in in_chunks(uuids)
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


class ServiceBase:
    """What every use case stands on: the store, the actor, the clock, transactions.

    ``RegisterService`` (``riskreg.service.api``) is this with every topic's use cases.
    """

    def __init__(
        self,
        store: RegisterStore,
        actor: Actor,
        *,
        clock: Callable[[], datetime] = utcnow,
        backup_policy: BackupPolicy | None = None,
        hub: ChangeHub | None = None,
    ) -> None:
        """``hub``: the subscribers of the register, shared with the service this one was
        made from (``with_actor``, ``with_clock``)."""
        self._store = store
        self.actor = actor
        self._clock = clock
        self.backup_policy = backup_policy or BackupPolicy()
        self._hub = hub or ChangeHub()

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

    def login_partner(self) -> str | None:
        """On a server whose partner rules bind this login, the partner whose role it
        holds (the one every change is recorded for); None on a file or for the owner."""
        if self.login is None:
            return None
        with self._read() as s:
            if not s.execute(sql_text("SELECT row_security_active('risk')")).scalar():
                return None
            codes = s.scalars(
                sql_text("SELECT code FROM partner WHERE id IN (SELECT riskreg_my_partners())")
            ).all()
        return codes[0] if len(codes) == 1 else None

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().astimezone().date()

    def with_actor(self, actor: Actor) -> Self:
        return type(self)(self._store, actor, clock=self._clock,
                          backup_policy=self.backup_policy, hub=self._hub)  # fmt: skip

    def with_clock(self, clock: Callable[[], datetime]) -> Self:
        return type(self)(self._store, self.actor, clock=clock,
                          backup_policy=self.backup_policy, hub=self._hub)  # fmt: skip

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` with a ``Changes`` after every commit of this register made
        through this service or one made from it, on the thread that wrote. Returns the
        call that unsubscribes."""
        return self._hub.subscribe(subscriber)

    def close(self) -> None:
        self._store.close()

    def backup_to(self, destination: Path, *, progress: Progress | None = None) -> Path:
        """A consistent copy of a register file (``progress`` may cancel it)."""
        return self._store.backup_to(destination, progress=progress)

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
    ) -> Iterator[Work]:
        """One use case's transaction; ``new_register`` is the first row of a new file;
        ``keeper_only``: the partnership's settings, which on a server with partner rules
        only the keeping partner changes."""
        try:
            with self._store.write_session() as session, session.begin():
                if new_register is not None:
                    session.add(new_register)
                    session.flush()
                work = Work(session, self)
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
        if work.announcement is not None:  # committed: tell whoever shows the register
            self._hub.publish(work.announcement)

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

    def scheme(self) -> ScoringScheme:
        with self._read() as s:
            return ScoringScheme.from_json(s.scalars(select(Register.scheme_json)).one())
