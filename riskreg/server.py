"""A register on a PostgreSQL server: partner roles with row-level security, and copying a
whole register between a file and a server.

Each partner gets a group role ``riskreg_<code>`` (lower case); a person's login is made a
member of their partner's role. Row-level security then lets that login see every joint
risk but only its own partner's internal ones, change only the risks its partner leads or
shares and the actions its partner owns, and see the change log only of what it can see;
the partnership's settings (name, scoring scheme, partners, categories, appetites) are
changed only by the partner keeping the register — enforced by the server, so any client
with the same login meets the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, select, text

from riskreg.errors import RegisterError

ROLE_PREFIX = "riskreg_"
_TABLES = ("register", "partner", "category", "risk", "risk_share", "action", "change_set",
           "change", "export_log", "export_base", "partner_appetite", "review")  # fmt: skip


def partner_role(code: str) -> str:
    return ROLE_PREFIX + "".join(ch for ch in code.lower() if ch.isalnum() or ch == "_")


# The partners whose roles the current login holds (SECURITY DEFINER: a login may not
# be able to read pg_auth_members itself).
_FUNCTION = f"""
CREATE OR REPLACE FUNCTION riskreg_my_partners() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS $$
    SELECT p.id FROM partner p
    WHERE EXISTS (SELECT 1 FROM pg_roles r
                  WHERE r.rolname = '{ROLE_PREFIX}' || regexp_replace(lower(p.code), '[^a-z0-9_]', '', 'g')
                    AND pg_has_role(session_user, r.oid, 'MEMBER'))
$$;
CREATE OR REPLACE FUNCTION riskreg_change_set_empty(sid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS $$
    SELECT NOT EXISTS (SELECT 1 FROM change c WHERE c.change_set_id = sid)
$$;
CREATE OR REPLACE FUNCTION riskreg_is_keeper() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM register g
                   WHERE g.keeper_partner_id IN (SELECT riskreg_my_partners()))
        OR pg_has_role(session_user, (SELECT c.relowner FROM pg_class c
                                      WHERE c.oid = 'register'::regclass), 'MEMBER')
$$;
CREATE OR REPLACE FUNCTION riskreg_keeper_settings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.name, NEW.scheme_json, NEW.keeper_partner_id, NEW.escalate_after_days)
       IS DISTINCT FROM
       (OLD.name, OLD.scheme_json, OLD.keeper_partner_id, OLD.escalate_after_days)
       AND NOT riskreg_is_keeper() THEN
        RAISE EXCEPTION 'only the partner keeping the register changes its name, scoring '
                        'scheme, keeper and escalation period'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS riskreg_keeper_settings ON register;
CREATE TRIGGER riskreg_keeper_settings BEFORE UPDATE ON register
    FOR EACH ROW EXECUTE FUNCTION riskreg_keeper_settings();
CREATE OR REPLACE FUNCTION riskreg_may_change_risk(rid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM risk r WHERE r.id = rid
                   AND (r.lead_partner_id IN (SELECT riskreg_my_partners())
                        OR EXISTS (SELECT 1 FROM risk_share s WHERE s.risk_id = r.id
                                   AND s.partner_id IN (SELECT riskreg_my_partners()))))
$$;
"""  # noqa: E501

_SEES_RISK = "(visibility <> 'Internal' OR lead_partner_id IN (SELECT riskreg_my_partners()))"
_POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "risk": [
        ("riskreg_risk_read", "SELECT", _SEES_RISK, None),
        ("riskreg_risk_add", "INSERT", None, "lead_partner_id IN (SELECT riskreg_my_partners())"),
        ("riskreg_risk_change", "UPDATE", "riskreg_may_change_risk(id)",
         "riskreg_may_change_risk(id) OR lead_partner_id IN (SELECT riskreg_my_partners())"),
        ("riskreg_risk_remove", "DELETE", "lead_partner_id IN (SELECT riskreg_my_partners())",
         None),
    ],
    "risk_share": [
        ("riskreg_share_read", "SELECT", "EXISTS (SELECT 1 FROM risk r WHERE r.id = risk_id)",
         None),
        ("riskreg_share_write", "ALL", "riskreg_may_change_risk(risk_id)",
         "riskreg_may_change_risk(risk_id) OR EXISTS (SELECT 1 FROM risk r WHERE r.id = risk_id"
         " AND r.lead_partner_id IN (SELECT riskreg_my_partners()))"),
    ],
    "action": [
        ("riskreg_action_read", "SELECT", "EXISTS (SELECT 1 FROM risk r WHERE r.id = risk_id)",
         None),
        ("riskreg_action_add", "INSERT", None, "partner_id IN (SELECT riskreg_my_partners())"),
        ("riskreg_action_change", "UPDATE", "partner_id IN (SELECT riskreg_my_partners())",
         "partner_id IN (SELECT riskreg_my_partners())"),
        ("riskreg_action_remove", "DELETE", "partner_id IN (SELECT riskreg_my_partners())",
         None),
    ],
    # The partnership's own lists: everyone reads them, the keeping partner changes them.
    **{table: [(f"riskreg_{table}_read", "SELECT", "true", None),
               (f"riskreg_{table}_keep", "ALL", "riskreg_is_keeper()", "riskreg_is_keeper()")]
       for table in ("partner", "category", "partner_appetite")},
    # A change set's summary may name a risk ("New risk: …"): shown only with a change the
    # login may see. A joint review's frozen snapshot holds every risk, internal ones too:
    # the keeping partner reads it.
    "change_set": [
        ("riskreg_change_set_read", "SELECT",
         "EXISTS (SELECT 1 FROM change c WHERE c.change_set_id = change_set.id)"
         " OR riskreg_change_set_empty(id)", None),  # empty: being written, before its changes
        ("riskreg_change_set_add", "INSERT", None, "true"),
    ],
    "review": [
        ("riskreg_review_read", "SELECT", "riskreg_is_keeper()", None),
        ("riskreg_review_keep", "ALL", "riskreg_is_keeper()", "riskreg_is_keeper()"),
    ],
    "change": [  # the history of a risk or action the login cannot see is not shown either
        ("riskreg_change_read", "SELECT",
         "(entity <> 'risk' OR EXISTS (SELECT 1 FROM risk r WHERE r.uuid = entity_uuid))"
         " AND (entity <> 'action' OR EXISTS (SELECT 1 FROM action a"
         " WHERE a.uuid = entity_uuid))", None),
        ("riskreg_change_add", "INSERT", None, "true"),
    ],
}  # fmt: skip

# -- issue 18: the export log and the bases it keeps (begin) -------------------------------
# Who a workbook was made for, and what it held, decide whose rights its import carries:
# a partner reads only the exports made for it, records exports only for itself (so a
# partner's login cannot make a whole-register or another partner's export), and no login
# but the tables' owner changes or removes an export once recorded (no UPDATE or DELETE
# policy: such statements touch no row). A base is seen exactly when its export is.
_POLICIES["export_log"] = [
    ("riskreg_export_log_read", "SELECT",
     "riskreg_is_keeper() OR partner_id IN (SELECT riskreg_my_partners())", None),
    ("riskreg_export_log_add", "INSERT", None,
     "riskreg_is_keeper() OR partner_id IN (SELECT riskreg_my_partners())"),
]  # fmt: skip
_POLICIES["export_base"] = [
    ("riskreg_export_base_read", "SELECT",
     "EXISTS (SELECT 1 FROM export_log l WHERE l.export_id = export_base.export_id)", None),
    ("riskreg_export_base_add", "INSERT", None,
     "EXISTS (SELECT 1 FROM export_log l WHERE l.export_id = export_base.export_id)"),
]  # fmt: skip
# -- issue 18 (end) -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetupReport:
    roles: tuple[str, ...]
    policies: int


def setup_server(location: str) -> SetupReport:
    """Create or bring up to date the register's schema, a role per partner and the
    row-level security policies. Run by the login that owns the register's tables."""
    from riskreg.model import Partner
    from riskreg.store import create_register_file, open_register

    if "://" not in location or not location.startswith("postgresql"):
        raise RegisterError("server-setup needs a PostgreSQL URL (postgresql+psycopg://…)")
    try:
        store = open_register(location)
    except RegisterError:
        store = create_register_file(location)
    try:
        with store.engine.begin() as conn:
            codes = conn.execute(select(Partner.code)).scalars().all()
            roles = tuple(_ensure_role(conn, code) for code in codes)
            conn.execute(text(_FUNCTION))
            count = _install_policies(conn, roles)
    finally:
        store.close()
    return SetupReport(roles, count)


def _ensure_role(conn: Connection, code: str) -> str:
    role = partner_role(code)
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if exists.first() is None:
        conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
    return role


def _install_policies(conn: Connection, roles: Sequence[str]) -> int:
    grantees = ", ".join(f'"{r}"' for r in roles)
    count = 0
    if grantees:
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {grantees}"))
        conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(_TABLES)}, "
                          f"alembic_version TO {grantees}"))  # fmt: skip
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {grantees}"))
        conn.execute(text(f"REVOKE UPDATE, DELETE, INSERT ON alembic_version FROM {grantees}"))
    for table, policies in _POLICIES.items():
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        for name, command, using, check in policies:
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
            clause = f"CREATE POLICY {name} ON {table} FOR {command}"
            if using:
                clause += f" USING ({using})"
            if check:
                clause += f" WITH CHECK ({check})"
            conn.execute(text(clause))
            count += 1
    return count
