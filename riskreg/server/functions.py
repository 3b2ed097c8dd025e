"""The server's own functions: who a login is (its partners, the keeper, the tables' owner),
what it may change, and the change set of the transaction it is writing.

Written as PostgreSQL's manual asks of SECURITY DEFINER functions ("Writing SECURITY
DEFINER Functions Safely"): each sets ``search_path = pg_catalog, public, pg_temp`` (temporary
objects last, so a partner's ``TEMP TABLE partner`` shadows nothing) and names every table,
function and cast with its schema. The functions a partner's login may call are in
``public``; those that write the change log are in ``riskreg_internal``, a schema partner
roles hold no privilege on, so they run only inside the server's own triggers.
"""

from __future__ import annotations

SAFE_PATH = "SET search_path = pg_catalog, public, pg_temp"
INTERNAL = "riskreg_internal"

PUBLIC_FUNCTIONS = (
    "riskreg_is_owner()",
    "riskreg_my_partners()",
    "riskreg_is_keeper()",
    "riskreg_may_change_risk(integer)",
    "riskreg_may_change_shares(integer)",
    "riskreg_change_set_empty(integer)",
    "riskreg_finish(text, text, text, text, timestamp without time zone, jsonb)",
    "riskreg_remove(text, integer, integer)",
    "riskreg_may_accept(integer, integer)",  # riskreg.server.acceptance_sql
)
"""What partner roles may EXECUTE (the policies call the first ones as the login)."""

NOTE_FIELDS = ("escalation_reason",)
"""Entries the application adds to a change set beside the server's own: facts that are no
column (the reason given for an escalation)."""
REASON_MOST = 2_000
"""The longest reason for an escalation (as the services take it)."""

INTERNAL_SCHEMA = f"""
CREATE SCHEMA IF NOT EXISTS {INTERNAL};
REVOKE ALL ON SCHEMA {INTERNAL} FROM PUBLIC;
CREATE TABLE IF NOT EXISTS {INTERNAL}.partner_role (
    partner_id integer PRIMARY KEY REFERENCES public.partner (id) ON DELETE CASCADE,
    role_name name NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS {INTERNAL}.open_change_set (
    xact xid8 PRIMARY KEY,
    change_set_id integer NOT NULL
);
REVOKE ALL ON ALL TABLES IN SCHEMA {INTERNAL} FROM PUBLIC;
"""
"""``partner_role``: which role is which partner (written by server-setup only).
``open_change_set``: the change set each writing transaction has opened."""

WHO = f"""
-- plpgsql, not sql: a plpgsql function keeps its plans for the session, where an sql
-- function with a SET clause is planned again at every call (policies call these a lot).
CREATE OR REPLACE FUNCTION public.riskreg_is_owner() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    RETURN (SELECT pg_catalog.pg_has_role(session_user, c.relowner, 'MEMBER')
            FROM pg_catalog.pg_class c WHERE c.oid = 'public.register'::pg_catalog.regclass);
END
$$;

CREATE OR REPLACE FUNCTION public.riskreg_my_partners() RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    RETURN QUERY
        SELECT m.partner_id FROM {INTERNAL}.partner_role m
        JOIN pg_catalog.pg_roles r ON r.rolname = m.role_name
        WHERE pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER');
END
$$;

CREATE OR REPLACE FUNCTION public.riskreg_is_keeper() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM public.register g
                   WHERE g.keeper_partner_id IN (SELECT public.riskreg_my_partners()))
        OR public.riskreg_is_owner();
END
$$;

CREATE OR REPLACE FUNCTION public.riskreg_may_change_risk(rid integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM public.risk r WHERE r.id = rid
        AND (r.lead_partner_id IN (SELECT public.riskreg_my_partners())
             OR EXISTS (SELECT 1 FROM public.risk_share s
                        WHERE s.risk_id = r.id
                          AND s.partner_id IN (SELECT public.riskreg_my_partners()))));
END
$$;

-- (internal helpers without SET clauses run inside the functions above and the triggers,
-- whose search path they keep, and can be inlined)
CREATE OR REPLACE FUNCTION {INTERNAL}.current_change_set() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT o.change_set_id FROM {INTERNAL}.open_change_set o
    WHERE o.xact = pg_catalog.pg_current_xact_id_if_assigned()
$$;

-- A risk's shares are the lead partner's to set; a lead handing the risk over in this
-- transaction (its change set says so) still sets the split that goes with it.
CREATE OR REPLACE FUNCTION public.riskreg_may_change_shares(rid integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    mine integer[] := ARRAY(SELECT public.riskreg_my_partners());
BEGIN
    IF EXISTS (SELECT 1 FROM public.risk r WHERE r.id = rid AND r.lead_partner_id = ANY (mine)) THEN
        RETURN true;
    END IF;
    RETURN EXISTS (SELECT 1 FROM public.risk r
                   JOIN public.change c ON c.entity_uuid = r.uuid
                   JOIN public.partner p ON p.code = c.old
                   WHERE r.id = rid
                     AND c.change_set_id + 0 = {INTERNAL}.current_change_set()
                     AND c.entity = 'risk' AND c.field || '' = 'lead_partner'
                     AND p.id = ANY (mine))
        OR public.riskreg_is_owner();
END
$$;

CREATE OR REPLACE FUNCTION public.riskreg_change_set_empty(sid integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    RETURN NOT EXISTS (SELECT 1 FROM public.change c WHERE c.change_set_id = sid);
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.login_partner() RETURNS text
LANGUAGE sql STABLE {SAFE_PATH} AS $$
    SELECT CASE WHEN pg_catalog.count(*) = 1
                THEN pg_catalog.min(p.code)::text ELSE '' END
    FROM public.partner p WHERE p.id IN (SELECT public.riskreg_my_partners())
$$;
"""

CHANGE_SET = f"""
-- The change set of this transaction, opened by the first change: the register row is
-- locked (writers queue on it, as on a file), its revision counted up, and the login and
-- its partner written as the server knows them.
CREATE OR REPLACE FUNCTION {INTERNAL}.change_set() RETURNS integer
LANGUAGE plpgsql {SAFE_PATH} AS $$
DECLARE
    found_id integer := {INTERNAL}.current_change_set();
    made integer;
BEGIN
    IF found_id IS NOT NULL THEN
        RETURN found_id;
    END IF;
    UPDATE public.register SET revision = revision + 1
        RETURNING revision INTO made;
    INSERT INTO public.change_set (revision, at, "user", partner_code, source, summary, login)
    VALUES (made, pg_catalog.timezone('UTC', pg_catalog.now()), session_user,
            {INTERNAL}.login_partner(), 'SQL',
            'Changed outside the application by the login ' || session_user,
            session_user)
    RETURNING id INTO found_id;
    DELETE FROM {INTERNAL}.open_change_set
        WHERE xact < pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot());
    INSERT INTO {INTERNAL}.open_change_set VALUES (pg_catalog.pg_current_xact_id(), found_id);
    RETURN found_id;
END
$$;

-- One field of one entity changed. Within one transaction a field is logged once, from
-- its value before the transaction to its value now (gone again if it went back).
CREATE OR REPLACE FUNCTION {INTERNAL}.log(
    p_entity text, p_uuid text, p_ref text, p_field text, p_old text, p_new text
) RETURNS void
LANGUAGE plpgsql {SAFE_PATH} AS $$
DECLARE
    sid integer;
    earlier record;
BEGIN
    IF p_field <> '*' AND p_old IS NOT DISTINCT FROM p_new THEN
        RETURN;
    END IF;
    sid := {INTERNAL}.change_set();
    IF p_field <> '*' THEN
        -- by the entity's index (its few changes), never by the change set's or the
        -- field's (a large import's or scheme change's thousands): hence "+ 0" and "|| ''"
        SELECT c.id, c.old INTO earlier FROM public.change c
        WHERE c.entity_uuid = pg_catalog.left(p_uuid, 36)::varchar
          AND c.change_set_id + 0 = sid
          AND c.entity = p_entity
          AND c.field || '' = p_field;
        IF FOUND THEN
            IF earlier.old IS NOT DISTINCT FROM p_new THEN
                DELETE FROM public.change WHERE id = earlier.id;
            ELSE
                UPDATE public.change SET new = p_new WHERE id = earlier.id;
            END IF;
            RETURN;
        END IF;
    END IF;
    INSERT INTO public.change (change_set_id, entity, entity_uuid, entity_ref, field, old, new)
    VALUES (sid, p_entity, pg_catalog.left(p_uuid, 36), pg_catalog.left(p_ref, 100), p_field,
            p_old, p_new);
END
$$;

-- Writers queue on the register row before touching any other row, whoever they are, so
-- an application's save and a partner's SQL never wait for each other crosswise.
CREATE OR REPLACE FUNCTION {INTERNAL}.queue_on_register() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF {INTERNAL}.current_change_set() IS NULL THEN
        PERFORM 1 FROM public.register FOR UPDATE;
    END IF;
    RETURN NULL;
END
$$;
"""

FINISH = f"""
-- The application's words for the change set the server wrote: who the user says they
-- are, from where, and a summary; its notes (facts that are no column) about risks this
-- change set changed. The login, its partner and the time stay the server's, except for
-- the tables' owner, who may state them (it could rewrite every row anyway).
CREATE OR REPLACE FUNCTION public.riskreg_finish(
    p_user text, p_source text, p_summary text, p_partner text,
    p_at timestamp without time zone, p_notes jsonb
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    sid integer := {INTERNAL}.current_change_set();
    by_owner boolean := public.riskreg_is_owner();
    note jsonb;
    risk_ref text;
    made integer;
    marker text;
BEGIN
    IF sid IS NULL THEN
        RETURN NULL;
    END IF;
    FOR note IN SELECT value FROM pg_catalog.jsonb_array_elements(
            coalesce(p_notes, '[]'::jsonb)) LOOP
        IF note ->> 'entity' IS DISTINCT FROM 'risk'
           OR NOT (note ->> 'field') IN ({", ".join(f"'{f}'" for f in NOTE_FIELDS)}) THEN
            RAISE EXCEPTION 'a note is about the reason for a risk''s escalation only'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT r.ref INTO risk_ref FROM public.risk r
        WHERE r.uuid = (note ->> 'uuid');
        IF NOT FOUND OR NOT EXISTS (
            SELECT 1 FROM public.change c
            WHERE c.change_set_id = sid AND c.entity = 'risk'
              AND c.entity_uuid = (note ->> 'uuid') AND c.field IN ('escalation', '*')) THEN
            RAISE EXCEPTION 'a note belongs to a change this change set made (an escalation, '
                            'or a risk brought in escalated)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- the reason as the application gives it: once, new, up to 2,000 characters of text
        -- a workbook can hold (riskreg.validation.text_problem)
        IF note ->> 'old' IS NOT NULL OR note ->> 'new' IS NULL
           OR pg_catalog.btrim(note ->> 'new') = ''
           OR pg_catalog.length(note ->> 'new') > {REASON_MOST}
           OR {INTERNAL}.unkeepable(note ->> 'new')
           OR EXISTS (SELECT 1 FROM public.change c
                      WHERE c.change_set_id = sid AND c.entity = 'risk'
                        AND c.entity_uuid = (note ->> 'uuid') AND c.field = note ->> 'field') THEN
            RAISE EXCEPTION '%: the reason for an escalation is one new text of 1 to {REASON_MOST} '
                            'characters, without control characters', risk_ref
                USING ERRCODE = 'check_violation';
        END IF;
        INSERT INTO public.change (change_set_id, entity, entity_uuid, entity_ref, field, old, new)
        VALUES (sid, 'risk', note ->> 'uuid', risk_ref,
                note ->> 'field',
                pg_catalog.left(note ->> 'old', 20000),
                pg_catalog.left(note ->> 'new', 20000));
    END LOOP;
    IF public.riskreg_change_set_empty(sid) THEN  -- changed and changed back: no change set
        DELETE FROM public.change_set WHERE id = sid RETURNING revision INTO made;
        UPDATE public.register SET revision = revision - 1
            WHERE revision = made;
        DELETE FROM {INTERNAL}.open_change_set WHERE change_set_id = sid;
        RETURN NULL;
    END IF;
    -- "(export <id>)" tells later imports what a workbook brought in: only for the exports
    -- of the login's own partners (the keeper imports anyone's).
    -- Every marker counts: one of its own exports first would vouch for none of the rest.
    IF NOT public.riskreg_is_keeper() THEN
        FOR marker IN SELECT m[1] FROM pg_catalog.regexp_matches(
                coalesce(p_summary, ''), '\\(export ([^)]*)\\)', 'g') AS m LOOP
            IF NOT EXISTS (
                SELECT 1 FROM public.export_log e WHERE e.export_id = marker
                AND e.partner_id IN (SELECT public.riskreg_my_partners())) THEN
                p_summary := pg_catalog.replace(p_summary, '(export ', '(said to be export ');
                EXIT;
            END IF;
        END LOOP;
    END IF;
    IF {INTERNAL}.unkeepable(p_user) OR {INTERNAL}.unkeepable(p_source)
       OR {INTERNAL}.unkeepable(p_summary) THEN
        RAISE EXCEPTION 'a change set''s user, source and summary hold no control characters'
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE public.change_set SET
        "user" = pg_catalog.left(coalesce(p_user, ''), 200),
        source = pg_catalog.left(coalesce(p_source, ''), 300),
        summary = pg_catalog.left(coalesce(p_summary, ''), 300),
        partner_code = CASE
            WHEN by_owner THEN pg_catalog.left(coalesce(p_partner, ''), 12)
            WHEN p_partner IN (SELECT p.code FROM public.partner p
                               WHERE p.id IN (SELECT public.riskreg_my_partners())) THEN p_partner
            ELSE partner_code END,
        at = CASE WHEN by_owner AND p_at IS NOT NULL THEN p_at ELSE at END
    WHERE id = sid
    RETURNING revision INTO made;
    RETURN made;
END
$$;

-- Rows the application removes (a share, and the keeper's partners, categories and
-- appetites) go through here: a DELETE privilege would also let a login lock the whole
-- table (LOCK TABLE ... ACCESS EXCLUSIVE), which the application never needs.
CREATE OR REPLACE FUNCTION public.riskreg_remove(kind text, first_id integer, second_id integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF kind = 'share' THEN
        IF NOT public.riskreg_may_change_shares(first_id) THEN
            RAISE EXCEPTION 'the shares of a risk are changed only by its lead partner'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        DELETE FROM public.risk_share WHERE risk_id = first_id
                                        AND partner_id = second_id;
        RETURN FOUND;
    END IF;
    IF NOT public.riskreg_is_keeper() THEN
        RAISE EXCEPTION 'only the partner keeping the register removes partners, categories '
                        'and appetites' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF kind = 'partner' THEN
        DELETE FROM public.partner WHERE id = first_id;
    ELSIF kind = 'category' THEN
        DELETE FROM public.category WHERE id = first_id;
    ELSIF kind = 'appetite' THEN
        DELETE FROM public.partner_appetite WHERE partner_id = first_id
                                              AND category_id = second_id;
    ELSE
        RAISE EXCEPTION 'nothing of the kind % is removed', kind;
    END IF;
    RETURN FOUND;
END
$$;
"""


def install_sql() -> str:
    return INTERNAL_SCHEMA + WHO + CHANGE_SET + FINISH
