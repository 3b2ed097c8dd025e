"""The change log written by the server: triggers on every table the application changes.

Each changed field becomes one change in the transaction's change set, named and worded as
the services word it (``lead_partner`` by partner code, dates as ISO text, ``yes``/``no``),
with the login the server authenticated and that login's partner. So an ``UPDATE`` sent
with ``psql`` is in the history like an edit in the window, bumps the row's version (the
next save from a window that read the old row is refused, never silently overwriting it),
and nobody can write the log itself. The application only adds its words afterwards
(``riskreg_finish``: the user's name, where from, the summary).

Beside the log, the guards: ids, refs and counters are the server's to hand out (a login
holds no sequence, so it can neither reset nor exhaust one); a risk keeps its ref; only its
lead partner hands it over, changes its visibility or its shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Boolean, Column, Date, Table

from riskreg.server import acceptance_sql
from riskreg.server.functions import INTERNAL, SAFE_PATH

# the ``queue_on_register`` statement trigger goes on every table a change is logged for
LOGGED_TABLES = ("risk", "risk_share", "action", "partner", "category", "partner_appetite",
                 "review", "risk_acceptance", "register")  # fmt: skip
SERVER_IDS = ("risk", "action", "partner", "category", "review", "export_log", "risk_acceptance")
"""Tables whose id the server assigns when a row is inserted (partners hold no sequence)."""


def _text_of(column: Column[object], row: str) -> str:
    """A column's value as the change log writes it (``riskreg.service._text``)."""
    value = f"{row}.{column.name}"
    if isinstance(column.type, Boolean):
        return f"CASE WHEN {value} THEN 'yes' WHEN NOT {value} THEN 'no' END"
    if isinstance(column.type, Date):
        return f"pg_catalog.to_char({value}, 'YYYY-MM-DD')"
    return f"{value}::text"


def _code(column: str, row: str) -> str:
    return f"(SELECT p.code::text FROM public.partner p WHERE p.id = {row}.{column})"


def _category(column: str, row: str) -> str:
    return f"(SELECT c.name::text FROM public.category c WHERE c.id = {row}.{column})"


@dataclass(frozen=True)
class Logged:
    """How one table's rows appear in the change log."""

    table: str
    entity: str
    uuid: str
    ref: str
    created: str | None = None
    """The new value of a creation (``*``) on INSERT; None: inserts are not creations."""
    removed: str | None = None
    """The old value of a removal (``*``) on DELETE."""
    skipped: frozenset[str] = frozenset()
    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)
    """column → (field, how its value reads, with ``{row}`` for OLD or NEW)."""
    ref_of: dict[str, str] = field(default_factory=dict)
    """field → another ref for it (the services name the escalation period by the register)."""


LOGGED = (
    Logged("risk", "risk", "{row}.uuid", "{row}.ref", created="NEW.title",
           skipped=frozenset({"id", "uuid", "number", "ref", "version"}),
           renamed={"lead_partner_id": ("lead_partner", _code("lead_partner_id", "{row}")),
                    "category_id": ("category", _category("category_id", "{row}"))}),
    Logged("action", "action", "{row}.uuid", "{row}.ref", created="NEW.description",
           skipped=frozenset({"id", "uuid", "number", "ref", "risk_id", "version"}),
           renamed={"partner_id": ("partner", _code("partner_id", "{row}"))}),
    Logged("partner", "partner", "{row}.code", "{row}.code", created="NEW.name",
           removed="OLD.name", skipped=frozenset({"id", "code"})),
    Logged("category", "category", "{row}.name", "{row}.name", created="NEW.name",
           removed="OLD.name", skipped=frozenset({"id"})),
    Logged("review", "review", "{row}.uuid", "{row}.title", created="NEW.fingerprint",
           skipped=frozenset({"id", "uuid", "title", "held_on", "recorded_at", "user",
                              "revision", "snapshot", "fingerprint"})),  # never changed
    Logged("register", "register", "{row}.uuid", "'register'",
           skipped=frozenset({"id", "uuid", "revision", "next_risk_number",
                              "next_action_number", "created_at"}),
           renamed={"keeper_partner_id": ("keeper", _code("keeper_partner_id", "{row}")),
                    "scheme_json": ("scheme", "{row}.scheme_json")},
           ref_of={"escalate_after_days": "OLD.name"}),
)  # fmt: skip


def _log_call(spec: Logged, field_name: str, old: str, new: str, row: str = "OLD") -> str:
    ref = spec.ref_of.get(field_name, spec.ref.format(row=row))
    return (f"PERFORM {INTERNAL}.log('{spec.entity}', {spec.uuid.format(row=row)}, {ref}, "
            f"'{field_name}', {old}, {new});")  # fmt: skip


def _log_function(spec: Logged, table: Table) -> str:
    updates = []
    for column in table.columns:
        if column.name in spec.skipped:
            continue
        if column.name in spec.renamed:
            name, how = spec.renamed[column.name]
            old, new = how.format(row="OLD"), how.format(row="NEW")
        else:
            name, old, new = column.name, _text_of(column, "OLD"), _text_of(column, "NEW")
        updates.append(
            f"IF OLD.{column.name} IS DISTINCT FROM NEW.{column.name} THEN\n"
            f"            {_log_call(spec, name, old, new)}\n        END IF;"
        )
    inserted = _log_call(spec, "*", "NULL", spec.created, row="NEW") if spec.created else "NULL;"
    removed = _log_call(spec, "*", spec.removed, "NULL") if spec.removed else "NULL;"
    body = "\n        ".join(updates) or "NULL;"
    return f"""
CREATE OR REPLACE FUNCTION {INTERNAL}.log_{spec.table}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {inserted}
    ELSIF TG_OP = 'DELETE' THEN
        {removed}
    ELSE
        {body}
    END IF;
    RETURN NULL;
END
$$;
"""


_SHARES_LOG = f"""
-- A risk's split, as the services write it ("APEX 40% / CNCL 60%"), with one share row's
-- change undone or not.
CREATE OR REPLACE FUNCTION {INTERNAL}.shares_text(
    rid integer, without_partner integer, with_partner integer, with_percent integer
) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(pg_catalog.string_agg(
               p.code || ' ' || s.percent::text || '%', ' / '
               ORDER BY p.code COLLATE "C", s.percent), '')
    FROM (SELECT x.partner_id, x.percent FROM public.risk_share x
          WHERE x.risk_id = rid AND x.partner_id IS DISTINCT FROM without_partner
          UNION ALL SELECT with_partner, with_percent WHERE with_partner IS NOT NULL) s
    JOIN public.partner p ON p.id = s.partner_id
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.log_risk_share() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    r record;
    before_text text;
BEGIN
    SELECT x.uuid, x.ref INTO r FROM public.risk x
    WHERE x.id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.risk_id ELSE NEW.risk_id END);
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    -- a risk made in this transaction is logged as created, not split
    IF EXISTS (SELECT 1 FROM public.change c  -- by the risk's own index (as in log)
               WHERE c.entity_uuid = r.uuid AND c.field || '' = '*'
                 AND c.change_set_id + 0 = {INTERNAL}.current_change_set()) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        before_text := {INTERNAL}.shares_text(NEW.risk_id, NEW.partner_id, NULL, NULL);
    ELSIF TG_OP = 'UPDATE' THEN
        before_text := {INTERNAL}.shares_text(NEW.risk_id, NEW.partner_id, OLD.partner_id,
                                               OLD.percent);
    ELSE
        before_text := {INTERNAL}.shares_text(OLD.risk_id, NULL, OLD.partner_id, OLD.percent);
    END IF;
    PERFORM {INTERNAL}.log('risk', r.uuid, r.ref, 'shares', before_text,
        {INTERNAL}.shares_text((CASE WHEN TG_OP = 'DELETE' THEN OLD.risk_id ELSE NEW.risk_id END),
                               NULL, NULL, NULL));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.log_partner_appetite() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    key_partner integer;
    key_category integer;
    partner_code text;
    category_name text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        key_partner := OLD.partner_id;
        key_category := OLD.category_id;
    ELSE
        key_partner := NEW.partner_id;
        key_category := NEW.category_id;
    END IF;
    SELECT p.code INTO partner_code FROM public.partner p WHERE p.id = key_partner;
    SELECT c.name INTO category_name FROM public.category c WHERE c.id = key_category;
    PERFORM {INTERNAL}.log('appetite', partner_code, partner_code || '/' || category_name,
        'level', CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.level END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.level END);
    RETURN NULL;
END
$$;
"""


def _counted_insert(table: str, letter: str, counter: str, check: str, sequence: str) -> str:
    """Risks and actions: the next number (after the register's counter and every number
    given so far), the ref that goes with it, version 1, an id from the server. The counter
    itself moves on at commit, once: a row version of the register per inserted risk would
    make a 10,000-row import read ever longer chains of them."""
    return f"""
CREATE OR REPLACE FUNCTION {INTERNAL}.insert_{table}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    next_number integer;
    wanted text;
BEGIN
    SELECT greatest(g.{counter}, coalesce((SELECT max(x.number) FROM public.{table} x), 0) + 1)
    INTO next_number FROM public.register g;
    NEW.number := coalesce(NEW.number, next_number);
    IF NEW.number IS DISTINCT FROM next_number THEN
        RAISE EXCEPTION '{letter}-% is not the next number: the register hands them out in turn '
                        '(next: %)', NEW.number, next_number USING ERRCODE = 'check_violation';
    END IF;
    wanted := '{letter}-' || pg_catalog.lpad(NEW.number::text, 3, '0');
    IF NEW.number >= 1000 THEN
        wanted := '{letter}-' || NEW.number::text;
    END IF;
    NEW.ref := coalesce(NEW.ref, wanted);
    IF NEW.ref IS DISTINCT FROM wanted THEN
        RAISE EXCEPTION 'the ref of number % is %', NEW.number, wanted
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM {INTERNAL}.{check}(NEW);
    NEW.version := 1;
    IF NEW.id IS NULL OR NOT public.riskreg_is_owner() THEN
        NEW.id := pg_catalog.nextval('{sequence}'::pg_catalog.regclass);
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.count_{table}_at_commit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    top integer := (SELECT max(x.number) FROM public.{table} x);
BEGIN
    UPDATE public.register SET {counter} = top + 1 WHERE {counter} < top + 1;
    RETURN NULL;
END
$$;
"""


_GUARDS = f"""
CREATE OR REPLACE FUNCTION {INTERNAL}.assign_id() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF NEW.id IS NULL OR NOT public.riskreg_is_owner() THEN
        NEW.id := pg_catalog.nextval(pg_catalog.pg_get_serial_sequence(
            pg_catalog.quote_ident(TG_TABLE_SCHEMA) || '.'
            || pg_catalog.quote_ident(TG_TABLE_NAME), 'id'));
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.check_export() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF NEW.revision > (SELECT g.revision FROM public.register g) THEN
        RAISE EXCEPTION 'an export is of a revision the register has had'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT public.riskreg_is_owner() THEN  -- the server's clock: no export is backdated
        NEW.at := pg_catalog.timezone('UTC', pg_catalog.now());
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.update_risk() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF (NEW.id, NEW.uuid, NEW.number, NEW.ref)
       IS DISTINCT FROM (OLD.id, OLD.uuid, OLD.number, OLD.ref) THEN
        RAISE EXCEPTION '% keeps its id, number and ref', OLD.ref
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.lead_partner_id, NEW.visibility) IS DISTINCT FROM (OLD.lead_partner_id, OLD.visibility)
       AND NOT public.riskreg_is_owner()
       AND OLD.lead_partner_id NOT IN (SELECT public.riskreg_my_partners()) THEN
        RAISE EXCEPTION 'only the lead partner of % (%) changes its lead partner, visibility or '
                        'shares', OLD.ref,
            (SELECT p.code FROM public.partner p WHERE p.id = OLD.lead_partner_id)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM {INTERNAL}.check_risk(NEW);
    NEW.version := OLD.version + 1;  -- a window holding the old row is told, not overwritten
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.update_action() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF (NEW.id, NEW.uuid, NEW.number, NEW.ref, NEW.risk_id)
       IS DISTINCT FROM (OLD.id, OLD.uuid, OLD.number, OLD.ref, OLD.risk_id) THEN
        RAISE EXCEPTION '% keeps its id, number, ref and risk', OLD.ref
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM {INTERNAL}.check_action(NEW);
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$$;

-- Shares: the lead partner's (or, while handing a risk over, the old lead's) to set. The
-- message is the same for a risk the login cannot see and one that does not exist.
CREATE OR REPLACE FUNCTION {INTERNAL}.change_share() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.risk_id, NEW.partner_id) IS DISTINCT FROM (OLD.risk_id, OLD.partner_id) THEN
        RAISE EXCEPTION 'a share keeps its risk and partner'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT public.riskreg_may_change_shares(NEW.risk_id) THEN
        RAISE EXCEPTION 'the shares of a risk are changed only by its lead partner'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.keep_partner_code() RETURNS trigger
LANGUAGE plpgsql {SAFE_PATH} AS $$
BEGIN
    IF (NEW.id, NEW.code) IS DISTINCT FROM (OLD.id, OLD.code) THEN
        RAISE EXCEPTION 'partner % keeps its code (its role on the server is named by it)', OLD.code
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.keep_appetite_keys() RETURNS trigger
LANGUAGE plpgsql {SAFE_PATH} AS $$
BEGIN
    IF (NEW.partner_id, NEW.category_id) IS DISTINCT FROM (OLD.partner_id, OLD.category_id) THEN
        RAISE EXCEPTION 'an appetite keeps its partner and category'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

-- The register row: its identity, revision and counters are the server's (changed only
-- inside its own functions, which run as the tables' owner); its settings the keeper's.
-- Not SECURITY DEFINER: current_user tells a server function from a login.
CREATE OR REPLACE FUNCTION {INTERNAL}.guard_register() RETURNS trigger
LANGUAGE plpgsql {SAFE_PATH} AS $$
BEGIN
    IF (NEW.id, NEW.uuid, NEW.created_at) IS DISTINCT FROM (OLD.id, OLD.uuid, OLD.created_at) THEN
        RAISE EXCEPTION 'the register keeps its id, uuid and creation time'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.revision, NEW.next_risk_number, NEW.next_action_number)
       IS DISTINCT FROM (OLD.revision, OLD.next_risk_number, OLD.next_action_number)
       AND NOT pg_catalog.pg_has_role(current_user,
               (SELECT c.relowner FROM pg_catalog.pg_class c
                WHERE c.oid = 'public.register'::pg_catalog.regclass), 'MEMBER') THEN
        RAISE EXCEPTION 'the register''s revision and ref counters are kept by the server'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.register_settings() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF (NEW.name, NEW.scheme_json, NEW.keeper_partner_id, NEW.escalate_after_days)
       IS DISTINCT FROM (OLD.name, OLD.scheme_json, OLD.keeper_partner_id, OLD.escalate_after_days)
       AND NOT public.riskreg_is_keeper() THEN
        RAISE EXCEPTION 'only the partner keeping the register changes its name, scoring '
                        'scheme, keeper and escalation period'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.scheme_json IS DISTINCT FROM OLD.scheme_json THEN
        PERFORM {INTERNAL}.check_scheme(NEW.scheme_json);
    END IF;
    IF pg_catalog.btrim(NEW.name) = '' THEN
        RAISE EXCEPTION 'the register needs a name' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

-- A new scoring scheme moves every risk onto its scale (``riskreg.scoring.remap_level``:
-- each level keeps its relative position) and logs each moved level and changed band, as
-- the application does on a file. On the server this is the server's work: the keeper's
-- login may neither see nor change other partners' risks, yet all of them move.
CREATE OR REPLACE FUNCTION {INTERNAL}.remap(level integer, old_count integer, new_count integer)
RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN level IS NULL OR old_count = new_count THEN level
        ELSE pg_catalog.floor(((level - 1)::float8 / (old_count - 1)) * (new_count - 1)
                              + 0.5)::integer + 1 END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.band(scheme jsonb, l integer, i integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT scheme -> 'bands' -> ((scheme -> 'cells' -> (l - 1) ->> (i - 1))::integer) ->> 0
$$;

-- The longest a risk of a position may go between reviews (``ScoringScheme.next_review``):
-- its band's interval, or the shortest of them for an unrated draft.
CREATE OR REPLACE FUNCTION {INTERNAL}.review_days(scheme jsonb, l integer, i integer)
RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN l IS NULL OR i IS NULL
        THEN (SELECT pg_catalog.min((b ->> 2)::integer)
              FROM pg_catalog.jsonb_array_elements(scheme -> 'bands') b)
        ELSE (scheme -> 'bands' -> ((scheme -> 'cells' -> (l - 1) ->> (i - 1))::integer)
              ->> 2)::integer END
$$;

CREATE OR REPLACE FUNCTION {INTERNAL}.rescale_risks() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    o jsonb := OLD.scheme_json::jsonb;
    n jsonb := NEW.scheme_json::jsonb;
    ol integer := pg_catalog.jsonb_array_length(o -> 'likelihood');
    oi integer := pg_catalog.jsonb_array_length(o -> 'impact');
    nl integer := pg_catalog.jsonb_array_length(n -> 'likelihood');
    ni integer := pg_catalog.jsonb_array_length(n -> 'impact');
    r public.risk;
    moved public.risk;
    latest date;
BEGIN
    FOR r IN SELECT x.* FROM public.risk x ORDER BY x.number LOOP
        moved := r;
        moved.inherent_likelihood := {INTERNAL}.remap(r.inherent_likelihood, ol, nl);
        moved.inherent_impact := {INTERNAL}.remap(r.inherent_impact, oi, ni);
        moved.current_likelihood := {INTERNAL}.remap(r.current_likelihood, ol, nl);
        moved.current_impact := {INTERNAL}.remap(r.current_impact, oi, ni);
        moved.target_likelihood := {INTERNAL}.remap(r.target_likelihood, ol, nl);
        moved.target_impact := {INTERNAL}.remap(r.target_impact, oi, ni);
        IF r.status <> 'Closed' THEN  -- never later than the new band allows
            latest := coalesce(r.last_reviewed, r.raised_on, CURRENT_DATE)
                + {INTERNAL}.review_days(n, moved.current_likelihood, moved.current_impact);
            IF r.next_review IS NULL OR r.next_review > latest THEN
                moved.next_review := latest;
            END IF;
        END IF;
        IF moved IS DISTINCT FROM r THEN
            UPDATE public.risk SET
                inherent_likelihood = moved.inherent_likelihood,
                inherent_impact = moved.inherent_impact,
                current_likelihood = moved.current_likelihood,
                current_impact = moved.current_impact,
                target_likelihood = moved.target_likelihood,
                target_impact = moved.target_impact,
                next_review = moved.next_review
            WHERE id = r.id;
        END IF;
        PERFORM {INTERNAL}.log('risk', r.uuid, r.ref, 'band',
                               {INTERNAL}.band(o, r.current_likelihood, r.current_impact),
                               {INTERNAL}.band(n, moved.current_likelihood, moved.current_impact));
    END LOOP;
    RETURN NULL;
END
$$;

-- At commit, after a new scheme: every risk on its scale.
CREATE OR REPLACE FUNCTION {INTERNAL}.scheme_at_commit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
DECLARE
    s jsonb := (SELECT g.scheme_json::jsonb FROM public.register g);
    l integer := pg_catalog.jsonb_array_length(s -> 'likelihood');
    i integer := pg_catalog.jsonb_array_length(s -> 'impact');
    off text;
BEGIN
    SELECT r.ref INTO off FROM public.risk r
    WHERE greatest(r.inherent_likelihood, r.current_likelihood, r.target_likelihood) > l
       OR greatest(r.inherent_impact, r.current_impact, r.target_impact) > i
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '%: a likelihood or impact is off the new scale (1–% × 1–%)', off, l, i
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
"""


def _trigger(name: str, table: str, timing: str, function: str, *, each: str = "ROW",
             deferred: bool = False, when: str = "") -> str:  # fmt: skip
    kind = "CONSTRAINT TRIGGER" if deferred else "TRIGGER"
    defer = " DEFERRABLE INITIALLY DEFERRED" if deferred else ""
    condition = f" WHEN ({when})" if when else ""
    return (f"DROP TRIGGER IF EXISTS {name} ON public.{table};\n"
            f"CREATE {kind} {name} {timing} ON public.{table}{defer} FOR EACH {each}"
            f"{condition} EXECUTE FUNCTION {INTERNAL}.{function}();\n")  # fmt: skip


_LEVELS = ("inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact",
           "target_likelihood", "target_impact")  # fmt: skip


_SCHEME_CHANGED = "NEW.scheme_json IS DISTINCT FROM OLD.scheme_json"
_LEVELS_MOVED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _LEVELS)
_ROW_TRIGGERS = (
    # (name, table, timing, function, deferred to commit, when); a table's triggers fire in
    # name order, hence riskreg_<N>_…
    ("riskreg_1_guard", "register", "BEFORE UPDATE", "guard_register", False, ""),
    ("riskreg_2_settings", "register", "BEFORE UPDATE", "register_settings", False, ""),
    ("riskreg_5_rescale", "register", "AFTER UPDATE", "rescale_risks", False, _SCHEME_CHANGED),
    ("riskreg_9_at_commit", "register", "AFTER UPDATE", "scheme_at_commit", True, _SCHEME_CHANGED),
    ("riskreg_1_id", "partner", "BEFORE INSERT", "assign_id", False, ""),
    ("riskreg_1_id", "category", "BEFORE INSERT", "assign_id", False, ""),
    ("riskreg_1_id", "review", "BEFORE INSERT", "assign_id", False, ""),
    ("riskreg_1_id", "export_log", "BEFORE INSERT", "assign_id", False, ""),
    ("riskreg_2_check", "export_log", "BEFORE INSERT", "check_export", False, ""),
    ("riskreg_1_insert", "risk", "BEFORE INSERT", "insert_risk", False, ""),
    ("riskreg_1_insert", "action", "BEFORE INSERT", "insert_action", False, ""),
    ("riskreg_1_update", "risk", "BEFORE UPDATE", "update_risk", False, ""),
    ("riskreg_1_update", "action", "BEFORE UPDATE", "update_action", False, ""),
    ("riskreg_1_change", "risk_share", "BEFORE INSERT OR UPDATE", "change_share", False, ""),
    ("riskreg_1_keep", "partner", "BEFORE UPDATE", "keep_partner_code", False, ""),
    ("riskreg_1_keep", "partner_appetite", "BEFORE UPDATE", "keep_appetite_keys", False, ""),
    ("riskreg_2_check", "category", "BEFORE INSERT OR UPDATE", "check_appetite_level", False,
     ""),
    ("riskreg_2_check", "partner_appetite", "BEFORE INSERT OR UPDATE", "check_appetite_level",
     False, ""),
    ("riskreg_9_at_commit", "risk", "AFTER UPDATE", "risk_at_commit", True, _LEVELS_MOVED),
    ("riskreg_9_at_commit_new", "risk", "AFTER INSERT", "risk_at_commit", True, ""),
    ("riskreg_9_counter", "risk", "AFTER INSERT", "count_risk_at_commit", True, ""),
    ("riskreg_9_counter", "action", "AFTER INSERT", "count_action_at_commit", True, ""),
    ("riskreg_9_at_commit", "risk_share", "AFTER INSERT OR UPDATE OR DELETE", "shares_at_commit",
     True, ""),
    ("riskreg_9_belonging", "risk", "AFTER UPDATE", "belonging_at_commit", True,
     "NEW.visibility IS DISTINCT FROM OLD.visibility "
     "OR NEW.lead_partner_id IS DISTINCT FROM OLD.lead_partner_id"),
    ("riskreg_9_belonging", "action", "AFTER INSERT OR UPDATE", "belonging_at_commit", True, ""),
)  # fmt: skip


def _triggers() -> str:
    sql = ["DROP TRIGGER IF EXISTS riskreg_keeper_settings ON public.register;\n"  # before 0.6
           "DROP FUNCTION IF EXISTS public.riskreg_keeper_settings();\n"]  # fmt: skip
    for table in LOGGED_TABLES:
        if table != "register":  # its own UPDATE locks the row
            sql.append(_trigger("riskreg_0_queue", table, "BEFORE INSERT OR UPDATE OR DELETE",
                                "queue_on_register", each="STATEMENT"))  # fmt: skip
        sql.append(_trigger("riskreg_8_log", table, "AFTER INSERT OR UPDATE OR DELETE",
                            f"log_{table}"))  # fmt: skip
    for name, table, timing, function, deferred, when in (
        *_ROW_TRIGGERS,
        *acceptance_sql.ROW_TRIGGERS,
    ):
        sql.append(_trigger(name, table, timing, function, deferred=deferred, when=when))
    return "".join(sql)


def install_sql(tables: dict[str, Table], sequences: dict[str, str]) -> str:
    """``sequences``: the id sequence of the risk and action tables (their ids are drawn for
    each row of an import: named once here rather than looked up a row)."""
    logs = "".join(_log_function(spec, tables[spec.table]) for spec in LOGGED)
    counted = _counted_insert(
        "risk", "R", "next_risk_number", "check_risk", sequences["risk"]
    ) + _counted_insert("action", "A", "next_action_number", "check_action", sequences["action"])
    return logs + _SHARES_LOG + counted + _GUARDS + acceptance_sql.FUNCTIONS + _triggers()
