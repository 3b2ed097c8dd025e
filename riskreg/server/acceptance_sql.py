"""Acceptances outside appetite on a server: who may record or withdraw one, the rules
every row meets whoever sends it, and its entries in the change log.

The same rules as ``riskreg.service.acceptances``, for a partner's ``psql`` too: only the
risk's lead partner, or the partner whose appetite it exceeds, accepts it (the keeper as
such does not: it neither sees nor changes other partners' Internal risks elsewhere); only an
open, rated risk, for a scope whose appetite it exceeds now and a partner that holds it
(``riskreg.belonging``); a named person, a justification, an expiry after today and within
three years (``riskreg.acceptance.LONGEST``); one current acceptance per risk and scope. A
row is never edited or removed, only withdrawn once. The change log's words are those of
``riskreg.acceptance.recorded_text`` and ``withdrawn_text``, under ``acceptance_field``.
"""

from __future__ import annotations

from riskreg.acceptance import ACCEPTANCE_FIELD, LONGEST, MOST_JUSTIFICATION
from riskreg.choices import AppetiteLevel
from riskreg.server.functions import INTERNAL, SAFE_PATH

MAY_ACCEPT = "riskreg_may_accept(integer, integer)"

_LEVELS = ", ".join(f"'{level.value}'" for level in AppetiteLevel)
"""The appetite levels in order, as SQL text literals."""

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION public.riskreg_may_accept(rid integer, pid integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    -- a risk the login cannot see (another partner's Internal one) is one it may not accept,
    -- so the answer says nothing of which ids exist
    RETURN public.riskreg_is_owner() OR EXISTS (
        SELECT 1 FROM public.risk r WHERE r.id = rid
        AND (r.visibility <> 'Internal'
             OR r.lead_partner_id IN (SELECT public.riskreg_my_partners()))
        AND (r.lead_partner_id IN (SELECT public.riskreg_my_partners())
             OR (pid IS NOT NULL AND pid IN (SELECT public.riskreg_my_partners()))));
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.band_rank(scheme jsonb, name text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT (b.o - 1)::integer
    FROM pg_catalog.jsonb_array_elements(scheme -> 'bands') WITH ORDINALITY AS b(v, o)
    WHERE b.v ->> 0 = name
$$;

-- The appetite band of an appetite level under a scheme (``ScoringScheme.appetite_bands``:
-- the stored mapping, or for a scheme stored without one the defaults of
-- ``riskreg.scoring.default_appetite_bands``); NULL for a name that is no level.
CREATE OR REPLACE FUNCTION {INTERNAL}.appetite_rank(scheme jsonb, level text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN x.i IS NULL THEN NULL
        WHEN scheme -> 'appetite' IS NOT NULL
            THEN ((scheme -> 'appetite') -> (x.i - 1) ->> 0)::integer
        WHEN x.i = 1 THEN 0
        WHEN x.i = 5 THEN x.top
        ELSE LEAST(x.top, pg_catalog.floor((x.i - 2) * x.top / 3.0 + 0.5)::integer)
    END
    FROM (SELECT pg_catalog.array_position(ARRAY[{_LEVELS}]::text[], level) AS i,
                 GREATEST(0, pg_catalog.jsonb_array_length(scheme -> 'bands') - 1) AS top) AS x
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.insert_acceptance() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    r public.risk;
    scheme jsonb := (SELECT g.scheme_json::jsonb FROM public.register g);
    agreed text;
    scope text := coalesce((SELECT p.code::text FROM public.partner p WHERE p.id = NEW.partner_id),
                           'the partnership');
BEGIN
    -- a risk the login cannot see reads as one that does not exist (before any rule
    -- that would name it)
    SELECT x.* INTO r FROM public.risk x WHERE x.id = NEW.risk_id
        AND (x.visibility <> 'Internal' OR public.riskreg_is_owner()
             OR x.lead_partner_id IN (SELECT public.riskreg_my_partners()));
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no such risk to accept' USING ERRCODE = 'check_violation';
    END IF;
    IF NOT public.riskreg_may_accept(NEW.risk_id, NEW.partner_id) THEN
        RAISE EXCEPTION '%: only its lead partner, or the partner whose appetite it exceeds, '
                        'accepts it', r.ref USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT public.riskreg_is_owner() THEN  -- the server's clock: no acceptance is backdated
        NEW.accepted_on := CURRENT_DATE;
    END IF;
    NEW.version := 1;
    IF NEW.withdrawn_on IS NOT NULL THEN
        RAISE EXCEPTION '%: an acceptance is recorded current, then withdrawn', r.ref
            USING ERRCODE = 'check_violation';
    END IF;
    IF pg_catalog.btrim(coalesce(NEW.accepted_by, '')) = ''
       OR pg_catalog.btrim(coalesce(NEW.justification, '')) = '' THEN
        RAISE EXCEPTION '%: an acceptance needs the name of who accepts it and a justification',
            r.ref USING ERRCODE = 'check_violation';
    END IF;
    IF {INTERNAL}.unkeepable(NEW.accepted_by) OR {INTERNAL}.unkeepable(NEW.justification) THEN
        RAISE EXCEPTION '%: an acceptance contains a control character', r.ref
            USING ERRCODE = 'check_violation';
    END IF;
    IF pg_catalog.length(NEW.justification) > {MOST_JUSTIFICATION} THEN
        RAISE EXCEPTION '%: the justification is longer than {MOST_JUSTIFICATION:,} characters',
            r.ref USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.expires_on <= CURRENT_DATE OR NEW.expires_on <= NEW.accepted_on
       OR NEW.expires_on > CURRENT_DATE + {LONGEST.days} THEN
        RAISE EXCEPTION '%: an acceptance expires after today and within three years', r.ref
            USING ERRCODE = 'check_violation';
    END IF;
    IF r.status <> 'Open' OR r.current_likelihood IS NULL OR r.current_impact IS NULL THEN
        RAISE EXCEPTION '%: only an open, rated risk is accepted', r.ref
            USING ERRCODE = 'check_violation';
    END IF;
    IF r.kind = 'Opportunity' THEN  -- appetite is for threats (riskreg.governance)
        RAISE EXCEPTION '%: an opportunity is above no appetite: there is nothing to accept',
            r.ref USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.partner_id IS NOT NULL AND NEW.partner_id <> r.lead_partner_id
       AND (r.visibility = 'Internal' OR NOT EXISTS (
            SELECT 1 FROM public.risk_share s
            WHERE s.risk_id = r.id AND s.partner_id = NEW.partner_id)) THEN
        RAISE EXCEPTION '%: % neither leads nor shares it', r.ref, scope
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.partner_id IS NULL THEN
        agreed := (SELECT c.appetite FROM public.category c WHERE c.id = r.category_id);
    ELSE
        agreed := (SELECT a.level FROM public.partner_appetite a
                   WHERE a.partner_id = NEW.partner_id AND a.category_id = r.category_id);
    END IF;
    IF NOT coalesce({INTERNAL}.band_rank(scheme,
                        {INTERNAL}.band(scheme, r.current_likelihood, r.current_impact))
                    > {INTERNAL}.appetite_rank(scheme, agreed), false) THEN
        RAISE EXCEPTION '%: it is within the appetite of %: there is nothing to accept',
            r.ref, scope USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM public.risk_acceptance a
               WHERE a.risk_id = NEW.risk_id AND a.partner_id IS NOT DISTINCT FROM NEW.partner_id
                 AND a.withdrawn_on IS NULL) THEN
        RAISE EXCEPTION '%: it is accepted for % already (withdraw that acceptance first)',
            r.ref, scope USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.id IS NULL OR NOT public.riskreg_is_owner() THEN
        NEW.id := pg_catalog.nextval(pg_catalog.pg_get_serial_sequence(
            'public.risk_acceptance', 'id'));
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.withdraw_acceptance() RETURNS trigger
LANGUAGE plpgsql {SAFE_PATH} AS $$
BEGIN
    IF (NEW.id, NEW.uuid, NEW.risk_id, NEW.partner_id, NEW.accepted_by, NEW.justification,
        NEW.accepted_on, NEW.expires_on)
       IS DISTINCT FROM (OLD.id, OLD.uuid, OLD.risk_id, OLD.partner_id, OLD.accepted_by,
                         OLD.justification, OLD.accepted_on, OLD.expires_on)
       OR OLD.withdrawn_on IS NOT NULL OR NEW.withdrawn_on IS NULL THEN
        RAISE EXCEPTION 'an acceptance is never changed, only withdrawn once'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT public.riskreg_is_owner() THEN  -- the server's clock: none withdrawn on another day
        NEW.withdrawn_on := CURRENT_DATE;
    END IF;
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.log_risk_acceptance() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    r record;
    scope text := coalesce((SELECT p.code::text FROM public.partner p WHERE p.id = NEW.partner_id),
                           'the partnership');
    field text := '{ACCEPTANCE_FIELD}' || coalesce(':' || (SELECT p.code::text
                  FROM public.partner p WHERE p.id = NEW.partner_id), '');
    accepted text := 'Accepted for ' || scope || ' by ' || NEW.accepted_by || ' until '
                     || pg_catalog.to_char(NEW.expires_on, 'YYYY-MM-DD') || ': '
                     || NEW.justification;
BEGIN
    SELECT x.uuid, x.ref INTO r FROM public.risk x WHERE x.id = NEW.risk_id;
    IF TG_OP = 'INSERT' THEN
        PERFORM {INTERNAL}.log('risk', r.uuid, r.ref, field, NULL, accepted);
        -- the expiry is the next review at the latest (as the services set it), so Review
        -- due finds the risk when its acceptance runs out, however the row was sent
        UPDATE public.risk x SET next_review = NEW.expires_on
        WHERE x.id = NEW.risk_id AND (x.next_review IS NULL OR x.next_review > NEW.expires_on);
    ELSIF OLD.withdrawn_on IS NULL AND NEW.withdrawn_on IS NOT NULL THEN
        PERFORM {INTERNAL}.log('risk', r.uuid, r.ref, field, accepted,
            'Withdrawn for ' || scope || ' on '
            || pg_catalog.to_char(NEW.withdrawn_on, 'YYYY-MM-DD'));
    END IF;
    RETURN NULL;
END
$$;
"""
"""Installed with the triggers (after ``checks``: it uses ``unkeepable``)."""

ROW_TRIGGERS = (
    ("riskreg_1_insert", "risk_acceptance", "BEFORE INSERT", "insert_acceptance", False, ""),
    ("riskreg_1_update", "risk_acceptance", "BEFORE UPDATE", "withdraw_acceptance", False, ""),
)
