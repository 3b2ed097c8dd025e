"""What a commit changed, announced to whoever shows the register.

After every commit the service publishes one frozen ``Changes`` to its subscribers (on
the thread that wrote); ``changed_since`` builds the same type, with the same code, from
the change log for other users' commits. Each view asks whether the changes touch what it
shows and re-reads only that (calibre's write-API events, Anki's ``OpChanges``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.model import Action, Risk
from riskreg.service.queries import in_chunks

CREATED = "*"
"""The change-log field name that records the creation (or, with no new value, the
removal) of an entity."""

LogRow = tuple[str, str, str, str]
"""One change-log entry as the announcement reads it: entity, entity uuid (or code or
name), entity ref, field."""


@dataclass(frozen=True)
class Changes:
    """The register's rows and settings that one commit (or a span of commits) changed."""

    revision: int
    """The register's revision after the change."""
    risks: frozenset[str] = frozenset()
    """Risks whose own row changed (fields, shares, escalation) or that were created."""
    actions: frozenset[str] = frozenset()
    """Actions that changed or were created."""
    action_risks: frozenset[str] = frozenset()
    """The risks those actions belong to."""
    created: frozenset[str] = frozenset()
    """Risks and actions created."""
    fields: frozenset[str] = frozenset()
    """The risk and action fields touched (``CREATED`` for a creation)."""
    refs: frozenset[str] = frozenset()
    """The refs of the risks touched (their own rows or their actions), for messages."""
    partners: frozenset[str] = frozenset()
    """Codes of partners added, edited or removed."""
    categories: frozenset[str] = frozenset()
    """Names of categories added, edited or removed."""
    appetites: bool = False
    """A partner's appetite for a category changed."""
    scheme: bool = False
    """The scoring scheme changed (every risk may have moved band)."""
    register: bool = False
    """The register's own settings changed: name, keeper, escalation period."""
    reviews: bool = False
    """A joint review was recorded."""
    everything: bool = False
    """Anything may have changed: another register, a restore, a reload, or more than can
    be said row by row."""
    outside: bool = field(default=False, compare=False)
    """Made by another user or program (read from the change log), not by this window."""

    @property
    def touched_risks(self) -> frozenset[str]:
        """Risks whose row in the register table may show something new."""
        return self.risks | self.action_risks

    @property
    def reaches_every_risk(self) -> bool:
        """Whether every risk's row may look different (its band, partner or category
        names, appetite flags), so a view of all risks reads them all again."""
        return (
            self.everything
            or self.scheme
            or bool(self.partners)
            or bool(self.categories)
            or self.appetites
        )

    def touches_risk(self, uuid: str) -> bool:
        return self.reaches_every_risk or uuid in self.risks or uuid in self.action_risks

    @classmethod
    def of_everything(cls, revision: int, *, outside: bool = False) -> Changes:
        return cls(revision=revision, everything=True, outside=outside)


def changes_from_log(
    session: Session,
    revision: int,
    rows: Iterable[LogRow],
    *,
    action_risks: Mapping[str, tuple[str, str]] | None = None,
    outside: bool = False,
) -> Changes:
    """The announcement for change-log entries, read in ``session`` (the writing
    transaction for this user's commit, or a read for other users'). ``action_risks``:
    the risk (uuid, ref) of actions the writer already knows, which are not looked up."""
    risks: dict[str, str] = {}
    actions: set[str] = set()
    created: set[str] = set()
    fields: set[str] = set()
    partners: set[str] = set()
    categories: set[str] = set()
    flags = {"appetite": False, "scheme": False, "register": False, "review": False}
    for entity, uuid, ref, name in rows:
        if entity in ("risk", "action"):
            if entity == "risk":
                risks.setdefault(uuid, ref)
            else:
                actions.add(uuid)
            fields.add(name)
            if name == CREATED:
                created.add(uuid)
        elif entity == "partner":
            partners.add(uuid)
        elif entity == "category":
            categories.add(uuid)
        elif entity == "register":
            flags["scheme" if name == "scheme" else "register"] = True
        elif entity in flags:
            flags[entity] = True
        else:  # an entity this version does not know: say everything may have changed
            return Changes.of_everything(revision, outside=outside)
    owners = {a: action_risks[a] for a in actions if action_risks and a in action_risks}
    for chunk in in_chunks(sorted(actions - set(owners))):
        found = session.execute(
            select(Action.uuid, Risk.uuid, Risk.ref)
            .join(Risk, Risk.id == Action.risk_id)
            .where(Action.uuid.in_(chunk))
        ).all()
        if len(found) < len(chunk):  # an action is gone, or hidden from this login
            return Changes.of_everything(revision, outside=outside)
        owners.update((action, (risk, ref)) for action, risk, ref in found)
    return Changes(
        revision=revision,
        risks=frozenset(risks),
        actions=frozenset(actions),
        action_risks=frozenset(risk for risk, _ in owners.values()),
        created=frozenset(created),
        fields=frozenset(fields),
        refs=frozenset(risks.values()) | {ref for _, ref in owners.values()},
        partners=frozenset(partners),
        categories=frozenset(categories),
        appetites=flags["appetite"],
        scheme=flags["scheme"],
        register=flags["register"],
        reviews=flags["review"],
        outside=outside,
    )


Subscriber = Callable[[Changes], None]


class ChangeHub:
    """The subscribers of one open register, shared by every service over its store
    (another actor, another clock): a write by any of them is announced to all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` after every commit; returns the call that stops it."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, changes: Changes) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            subscriber(changes)
