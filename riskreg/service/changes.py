"""What a commit changed, announced to whoever shows the register.

After every commit the service publishes one frozen ``Changes`` to its subscribers (on
the thread that wrote); ``changed_since`` builds the same type, with the same code, from
the change log for other users' commits. Each view asks whether the changes touch what it
shows and re-reads only that (calibre's write-API events, Anki's ``OpChanges``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.model import Action, Risk
from riskreg.records import Changes
from riskreg.service.queries import in_chunks

CREATED = "*"
"""The change-log field name that records the creation (or, with no new value, the
removal) of an entity."""

__all__ = ["CREATED", "ChangeHub", "Changes", "LogRow", "changes_from_log"]

LogRow = tuple[str, str, str, str]
"""One change-log entry as the announcement reads it: entity, entity uuid (or code or
name), entity ref, field."""


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
