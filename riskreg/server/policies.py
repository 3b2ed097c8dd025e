"""What a partner's role may do with each table: privileges and row-level security.

Every table has row-level security, and partner roles hold only what the application needs:
``SELECT`` and ``INSERT`` where it reads and adds rows, ``UPDATE`` of the columns it edits
(never a table-wide ``UPDATE``, ``DELETE`` or ``TRUNCATE``: any of those would also let a
login ``LOCK TABLE … IN ACCESS EXCLUSIVE MODE`` and stop every other user), no sequence
(the server hands out ids), nothing in ``riskreg_internal``. The rows the application
removes go through ``riskreg_remove``; the change log is written by the server's triggers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table

_MINE = "IN (SELECT public.riskreg_my_partners())"
_SEES_RISK = f"(visibility <> 'Internal' OR lead_partner_id {_MINE})"
_VISIBLE_RISK = "EXISTS (SELECT 1 FROM public.risk r WHERE r.id = risk_id)"
_KEEPER = "public.riskreg_is_keeper()"
_VISIBLE_EXPORT = (
    "EXISTS (SELECT 1 FROM public.export_log l WHERE l.export_id = export_base.export_id)"
)


@dataclass(frozen=True, slots=True)
class Rights:
    """One table: what partner roles may do and which rows (USING / WITH CHECK)."""

    select: str
    insert: str | None = None
    update: str | None = None
    update_check: str | None = None
    fixed: frozenset[str] = frozenset()
    """Columns never updated: no UPDATE privilege on them."""
    updatable: frozenset[str] | None = None
    """Only these columns are updated (None: every column not fixed)."""


RIGHTS: dict[str, Rights] = {
    "register": Rights(
        "true", update="true", update_check="true",  # the keeper's settings: a trigger decides
        updatable=frozenset({"name", "scheme_json", "keeper_partner_id", "escalate_after_days"}),
    ),
    "alembic_version": Rights("true"),
    "partner": Rights("true", insert=_KEEPER, update=_KEEPER, update_check=_KEEPER,
                      fixed=frozenset({"id", "code"})),
    "category": Rights("true", insert=_KEEPER, update=_KEEPER, update_check=_KEEPER,
                       fixed=frozenset({"id"})),
    "partner_appetite": Rights("true", insert=_KEEPER, update=_KEEPER, update_check=_KEEPER,
                               fixed=frozenset({"partner_id", "category_id"})),
    "risk": Rights(
        _SEES_RISK,
        insert=f"lead_partner_id {_MINE}",
        update="public.riskreg_may_change_risk(id)",
        update_check=f"public.riskreg_may_change_risk(id) OR lead_partner_id {_MINE}",
        fixed=frozenset({"id", "uuid", "number", "ref"}),
    ),
    # Rows of risks the login sees reach the trigger, which refuses all but the lead partner
    # with one message (a risk it cannot see or that does not exist reads the same).
    "risk_share": Rights(_VISIBLE_RISK, insert="true", update=_VISIBLE_RISK, update_check="true",
                         fixed=frozenset({"risk_id", "partner_id"})),
    # An action is added by the partner that owns it, to a risk that partner can see: a risk
    # it cannot see and one that does not exist are refused alike.
    "action": Rights(_VISIBLE_RISK, insert=f"partner_id {_MINE} AND {_VISIBLE_RISK}",
                     update=f"partner_id {_MINE}", update_check=f"partner_id {_MINE}",
                     fixed=frozenset({"id", "uuid", "number", "ref", "risk_id"})),
    # A change set's summary may name a risk ("New risk: …"): shown only with a change the
    # login may see (or while it is being written, before its changes).
    "change_set": Rights(
        "EXISTS (SELECT 1 FROM public.change c WHERE c.change_set_id = change_set.id)"
        " OR public.riskreg_change_set_empty(id)"
    ),
    # the history of a risk or action the login cannot see is not shown, nor the reviews'
    "change": Rights(
        "(entity <> 'risk' OR EXISTS (SELECT 1 FROM public.risk r WHERE r.uuid = entity_uuid))"
        " AND (entity <> 'action' OR EXISTS (SELECT 1 FROM public.action a"
        " WHERE a.uuid = entity_uuid))"
        f" AND (entity <> 'review' OR {_KEEPER})"
    ),
    # An acceptance outside appetite: seen with its risk; recorded and withdrawn by the
    # risk's lead partner or the partner whose appetite it is (the rules: a trigger).
    "risk_acceptance": Rights(_VISIBLE_RISK,
                              insert=f"public.riskreg_may_accept(risk_id, partner_id) "
                                     f"AND {_VISIBLE_RISK}",
                              update="public.riskreg_may_accept(risk_id, partner_id)",
                              update_check="public.riskreg_may_accept(risk_id, partner_id)",
                              updatable=frozenset({"withdrawn_on", "version"})),
    # A joint review's frozen snapshot holds every risk, internal ones too: the keeper's.
    "review": Rights(_KEEPER, insert=_KEEPER),
    # Who a workbook was made for decides what its import may change: a partner records
    # exports for itself only and sees only its own; the keeper makes them for anyone.
    "export_log": Rights(f"{_KEEPER} OR partner_id {_MINE}",
                         insert=f"{_KEEPER} OR partner_id {_MINE}"),
    # An export's merge base is seen and added exactly when its export is; once recorded no
    # login but the owner changes or removes it (no UPDATE privilege, no DELETE at all).
    "export_base": Rights(_VISIBLE_EXPORT, insert=_VISIBLE_EXPORT),
}  # fmt: skip


def policy_sql(table: str) -> list[str]:
    """The table's policies (the table's old ones are dropped first by the caller)."""
    rights = RIGHTS[table]
    statements = [
        f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY riskreg_read ON public.{table} FOR SELECT USING ({rights.select})",
    ]
    if rights.insert:
        statements.append(f"CREATE POLICY riskreg_add ON public.{table} FOR INSERT "
                          f"WITH CHECK ({rights.insert})")  # fmt: skip
    if rights.update:
        statements.append(
            f"CREATE POLICY riskreg_change ON public.{table} FOR UPDATE "
            f"USING ({rights.update}) WITH CHECK ({rights.update_check})"
        )
    return statements


def grant_sql(table: Table, grantees: str) -> list[str]:
    """The privileges of partner roles on one table, from nothing."""
    rights = RIGHTS[table.name]
    statements = [f"REVOKE ALL ON public.{table.name} FROM {grantees}",
                  f"GRANT SELECT ON public.{table.name} TO {grantees}"]  # fmt: skip
    if rights.insert:
        statements.append(f"GRANT INSERT ON public.{table.name} TO {grantees}")
    if rights.update:
        columns = [c.name for c in table.columns
                   if c.name not in rights.fixed
                   and (rights.updatable is None or c.name in rights.updatable)]  # fmt: skip
        quoted = ", ".join(f'"{c}"' for c in columns)
        statements.append(f"GRANT UPDATE ({quoted}) ON public.{table.name} TO {grantees}")
    return statements


def policy_count() -> int:
    return sum(1 + bool(r.insert) + bool(r.update) for r in RIGHTS.values())
