"""The rules every write meets on the server, whoever sends it: values the application would
have refused (a status it does not know, a level off the scale, a control character a
workbook cannot hold) are refused for a partner's ``psql`` too, since every partner's window
reads the joint rows and would fail on them.

Generated from the same field specifications the services validate with
(``riskreg.validation``), so the two cannot drift apart. Rows are checked as they are
written; what only holds for a whole transaction (shares that make 100 %, levels on the
register's scale after a scheme change) is checked at commit.
"""

from __future__ import annotations

import enum

from riskreg.choices import OPPORTUNITY_RESPONSES, THREAT_RESPONSES, AppetiteLevel, EscalationLevel
from riskreg.server.functions import INTERNAL, SAFE_PATH
from riskreg.validation import ACTION_FIELDS, LONG_TEXT, MOST_MONEY, RISK_FIELDS, FieldSpec

_ENUM_COLUMNS: dict[str, dict[str, type[enum.Enum]]] = {
    "risk": {"escalation": EscalationLevel},
    "action": {},
}
_MOST_LEVELS = 10
"""The largest scheme has ten levels a side (``ScoringScheme``); the register's own size is
checked at commit."""


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _enum_list(kind: type[enum.Enum]) -> str:
    return ", ".join(_quoted(str(m.value)) for m in kind)


def _levels_text() -> str:
    return ", ".join(m.value for m in AppetiteLevel)


def _raise(ref: str, message: str, *args: str) -> str:
    arguments = ", ".join((ref, *args))
    return (f"RAISE EXCEPTION '%: {message}', {arguments} "
            "USING ERRCODE = 'check_violation';")  # fmt: skip


def _field_checks(row: str, specs: dict[str, FieldSpec], enums: dict[str, type[enum.Enum]]) -> str:
    """PL/pgSQL checks of one row's columns, each raising with the field's own label."""
    ref = f"{row}.ref"
    lines = []
    for name, spec in specs.items():
        column = f"{row}.{name}"
        label = spec.label.replace("'", "''")
        if spec.kind in ("text", "longtext"):
            control = _raise(ref, f"{label} contains a control character")
            lines.append(f"IF {INTERNAL}.unkeepable({column}) THEN {control} END IF;")
            if spec.max_length >= LONG_TEXT:  # shorter ones: the column's own length holds it
                too_long = _raise(ref, f"{label} is longer than {spec.max_length:,} characters")
                lines.append(f"IF pg_catalog.length({column}) > {spec.max_length} THEN "
                             f"{too_long} END IF;")  # fmt: skip
            if spec.required:
                lines.append(f"IF pg_catalog.btrim(coalesce({column}, '')) = '' THEN "
                             f"{_raise(ref, f'{label} is required')} END IF;")  # fmt: skip
        elif spec.kind == "enum" and spec.enum_type is not None:
            lines.append(
                f"IF {column} IS NOT NULL AND {column} NOT IN ({_enum_list(spec.enum_type)}) THEN "
                f"{_raise(ref, f'{label} % is not one of the application', column)} END IF;"
            )
        elif spec.kind in ("likelihood", "impact"):
            lines.append(
                f"IF {column} < 1 OR {column} > {_MOST_LEVELS} THEN "
                f"{_raise(ref, f'{label} % is off every scale', column)} END IF;"
            )
        elif spec.kind == "money":
            lines.append(
                f"IF {column} < 0 OR {column} > {MOST_MONEY} THEN "
                f"{_raise(ref, f'{label} is below 0 or beyond {MOST_MONEY}')} END IF;"
            )
    for name, kind in enums.items():
        column = f"{row}.{name}"
        lines.append(
            f"IF {column} IS NOT NULL AND {column} NOT IN ({_enum_list(kind)}) THEN "
            f"{_raise(ref, f'{name} % is not one of the application', column)} END IF;"
        )
    return "\n        ".join(lines)


def _risk_rules(row: str) -> str:
    """``check_risk_consistency`` and ``response_problem`` of the services, on a whole row."""
    ref = f"{row}.ref"
    threat = ", ".join(_quoted(r.value) for r in THREAT_RESPONSES)
    opportunity = ", ".join(_quoted(r.value) for r in OPPORTUNITY_RESPONSES)
    return f"""
        IF ({row}.kind = 'Threat' AND {row}.response NOT IN ({threat}))
           OR ({row}.kind = 'Opportunity' AND {row}.response NOT IN ({opportunity})) THEN
            {
        _raise(ref, "Response % is not one for a risk of type %", f"{row}.response", f"{row}.kind")
    }
        END IF;
        IF ({row}.target_likelihood IS NULL) <> ({row}.target_impact IS NULL) THEN
            {_raise(ref, "give both target likelihood and impact, or neither")}
        END IF;
        IF {row}.cost_min > {row}.cost_likely OR {row}.cost_likely > {row}.cost_max
           OR {row}.cost_min > {row}.cost_max THEN
            {_raise(ref, "cost exposure must run minimum ≤ most likely ≤ maximum")}
        END IF;
        IF ({row}.cost_min IS NOT NULL OR {row}.cost_max IS NOT NULL)
           AND {row}.cost_likely IS NULL THEN
            {_raise(ref, "give a most likely cost with the range")}
        END IF;"""


def _action_specs() -> dict[str, FieldSpec]:
    return {name: spec for name, spec in ACTION_FIELDS.items() if name != "partner"}


def _risk_specs() -> dict[str, FieldSpec]:
    return {n: s for n, s in RISK_FIELDS.items() if n not in ("category", "lead_partner")}


def install_sql(utf8: bool) -> str:
    # XML (so every workbook) cannot hold these: ``riskreg.validation.UNKEEPABLE``.
    unkeepable = "chr(1) || '-' || chr(8) || chr(11) || chr(12) || chr(14) || '-' || chr(31)"
    if utf8:
        unkeepable += " || chr(65534) || chr(65535)"
    return f"""
CREATE OR REPLACE FUNCTION {INTERNAL}.unkeepable(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT t ~ ('[' || {unkeepable} || ']')
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.check_risk(r public.risk) RETURNS void
LANGUAGE plpgsql STABLE {SAFE_PATH} AS $$
BEGIN
        {_field_checks("r", _risk_specs(), _ENUM_COLUMNS["risk"])}
        {_risk_rules("r")}
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.check_action(a public.action) RETURNS void
LANGUAGE plpgsql STABLE {SAFE_PATH} AS $$
BEGIN
        {_field_checks("a", _action_specs(), _ENUM_COLUMNS["action"])}
END
$$;

-- At commit: the shares of a risk make 100 %, and whose the risk is holds
-- (``riskreg.belonging``): its lead partner holds part of it, and an Internal risk belongs
-- to its lead partner alone (no other partner's share or action).
CREATE OR REPLACE FUNCTION {INTERNAL}.check_shares(rid integer) RETURNS void
LANGUAGE plpgsql STABLE {SAFE_PATH} AS $$
DECLARE
    risk_ref text;
    lead integer;
    internal boolean;
    total bigint;
BEGIN
    SELECT r.ref, r.lead_partner_id, r.visibility = 'Internal' INTO risk_ref, lead, internal
    FROM public.risk r WHERE r.id = rid;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT coalesce(pg_catalog.sum(s.percent), 0) INTO total
    FROM public.risk_share s WHERE s.risk_id = rid;
    IF total <> 100 THEN
        RAISE EXCEPTION '%: shares add up to % %%, they must make 100 %%', risk_ref, total
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.risk_share s
                   WHERE s.risk_id = rid AND s.partner_id = lead AND s.percent > 0) THEN
        RAISE EXCEPTION '%: the lead partner must hold a share of the risk (more than 0 %%)',
            risk_ref USING ERRCODE = 'check_violation';
    END IF;
    IF internal AND (
        EXISTS (SELECT 1 FROM public.risk_share s WHERE s.risk_id = rid AND s.partner_id <> lead)
        OR EXISTS (SELECT 1 FROM public.action a WHERE a.risk_id = rid AND a.partner_id <> lead)
    ) THEN
        RAISE EXCEPTION '%: an Internal risk belongs to its lead partner alone: no other '
                        'partner holds a share of it or owns one of its actions', risk_ref
            USING ERRCODE = 'check_violation';
    END IF;
END
$$;

-- At commit, after a risk's visibility or lead, or an action's owner, changed.
CREATE OR REPLACE FUNCTION {INTERNAL}.belonging_at_commit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF TG_TABLE_NAME = 'action' THEN
        PERFORM {INTERNAL}.check_shares(NEW.risk_id);
    ELSE
        PERFORM {INTERNAL}.check_shares(NEW.id);
    END IF;
    RETURN NULL;
END
$$;

-- At commit: a risk's levels lie on the register's scale.
CREATE OR REPLACE FUNCTION {INTERNAL}.risk_at_commit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    r public.risk;
    sizes record;
BEGIN
    SELECT * INTO r FROM public.risk WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT pg_catalog.jsonb_array_length(s -> 'likelihood') AS l,
           pg_catalog.jsonb_array_length(s -> 'impact') AS i
    INTO sizes FROM (SELECT g.scheme_json::jsonb AS s FROM public.register g) scheme;
    IF greatest(r.inherent_likelihood, r.current_likelihood, r.target_likelihood) > sizes.l
       OR greatest(r.inherent_impact, r.current_impact, r.target_impact) > sizes.i THEN
        RAISE EXCEPTION '%: a likelihood or impact is off the register''s scale (1–% × 1–%)',
            r.ref, sizes.l, sizes.i USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM {INTERNAL}.check_shares(NEW.id);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.shares_at_commit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM {INTERNAL}.check_shares(OLD.risk_id);
    ELSE
        PERFORM {INTERNAL}.check_shares(NEW.risk_id);
    END IF;
    RETURN NULL;
END
$$;

-- An appetite is one of the Orange Book's levels (``riskreg.choices.AppetiteLevel``).
CREATE OR REPLACE FUNCTION {INTERNAL}.check_appetite_level() RETURNS trigger
LANGUAGE plpgsql {SAFE_PATH} AS $$
DECLARE
    chosen text;
BEGIN
    IF TG_TABLE_NAME = 'category' THEN
        chosen := NEW.appetite;
    ELSE
        chosen := NEW.level;
    END IF;
    IF chosen IS NOT NULL AND chosen NOT IN ({_enum_list(AppetiteLevel)}) THEN
        RAISE EXCEPTION 'the appetite % is not an appetite level; choose one of {_levels_text()}',
            chosen USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

-- A scheme's appetite levels (``riskreg.scoring.appetite_bands_problem``): five pairs of
-- bands, each appetite at most its tolerance, neither falling from Averse to Eager.
CREATE OR REPLACE FUNCTION {INTERNAL}.appetite_bands_ok(s jsonb) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE {SAFE_PATH} AS $$
DECLARE
    bands integer := pg_catalog.jsonb_array_length(s -> 'bands');
    pair jsonb;
    a integer;
    t integer;
    last_a integer := 0;
    last_t integer := 0;
BEGIN
    IF s -> 'appetite' IS NULL THEN
        RETURN true;  -- a scheme from before the levels: the defaults
    END IF;
    IF pg_catalog.jsonb_array_length(s -> 'appetite') <> {len(AppetiteLevel)} THEN
        RETURN false;
    END IF;
    FOR pair IN SELECT value FROM pg_catalog.jsonb_array_elements(s -> 'appetite') LOOP
        IF pg_catalog.jsonb_array_length(pair) <> 2 THEN
            RETURN false;
        END IF;
        -- whole JSON numbers only, as riskreg.scoring reads them ("0", true or 1.5 are no band)
        IF pg_catalog.jsonb_typeof(pair -> 0) <> 'number' OR pg_catalog.jsonb_typeof(pair -> 1)
           <> 'number' OR (pair ->> 0) !~ '^[0-9]+$' OR (pair ->> 1) !~ '^[0-9]+$' THEN
            RETURN false;
        END IF;
        a := (pair ->> 0)::integer;
        t := (pair ->> 1)::integer;
        IF a IS NULL OR t IS NULL OR a < last_a OR t < last_t OR a > t OR t >= bands THEN
            RETURN false;
        END IF;
        last_a := a;
        last_t := t;
    END LOOP;
    RETURN true;
END
$$;

-- A scheme the application can read: 3 to 10 levels a side and a band for every cell.
CREATE OR REPLACE FUNCTION {INTERNAL}.check_scheme(scheme text) RETURNS void
LANGUAGE plpgsql IMMUTABLE {SAFE_PATH} AS $$
DECLARE
    s jsonb;
    l integer;
    i integer;
BEGIN
    BEGIN
        s := scheme::jsonb;
        l := pg_catalog.jsonb_array_length(s -> 'likelihood');
        i := pg_catalog.jsonb_array_length(s -> 'impact');
        IF l IS NULL OR i IS NULL OR l NOT BETWEEN 3 AND 10 OR i NOT BETWEEN 3 AND 10
           OR pg_catalog.jsonb_array_length(s -> 'cells') <> l
           OR pg_catalog.jsonb_array_length(s -> 'bands') < 1
           OR pg_catalog.jsonb_typeof(s -> 'name') <> 'string' THEN
            RAISE EXCEPTION 'bad';
        END IF;
        IF NOT {INTERNAL}.appetite_bands_ok(s) THEN
            RAISE EXCEPTION 'bad';
        END IF;
    EXCEPTION WHEN OTHERS THEN
        RAISE EXCEPTION 'the scoring scheme is not one the application reads (3 to 10 levels '
                        'a side, a band for every cell, appetite levels in order, each '
                        'tolerance at least its appetite)' USING ERRCODE = 'check_violation';
    END;
END
$$;
"""
