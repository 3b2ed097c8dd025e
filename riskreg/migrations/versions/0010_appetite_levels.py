"""Orange Book appetite levels: an appetite is a level (Averse, Minimal, Cautious, Open,
Eager) that the scheme maps onto an appetite band and a tolerance band, no longer a band

Unchanged in meaning: each band an existing appetite names becomes a level whose appetite
and tolerance are both that band (the default level whose appetite it is where one fits,
levels kept in order), so every risk outside appetite before is still flagged and every one
of them is a breach of tolerance until the partnership widens a level's tolerance in the
scheme dialog. Levels no appetite uses keep their defaults, moved only as far as order
needs. Where more bands are in use than the five levels hold (a custom scheme), a band
without a level of its own takes the level of the next lower band in use: stricter, never
looser (a breach stays a breach), and the change set's summary says so. An appetite naming
no band of the scheme (one that never counted) is cleared; one that is already a level
is kept.

``partner_appetite.band`` becomes ``partner_appetite.level``. Every change is one change
set in the register's history; on a server set up for partners its triggers log them and
the change set they open is given the same summary.

Revision ID: 0010_appetite_levels
Revises: 0009_opportunities
Create Date: 2026-12-01
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010_appetite_levels"
down_revision: str | None = "0009_opportunities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS = ("Averse", "Minimal", "Cautious", "Open", "Eager")
SOURCE = "upgrade to schema 0010"
Pairs = list[tuple[int, int]]

# The server's log of a partner's appetite, as ``riskreg.server.triggers`` writes it for
# this schema: the column is ``level`` now (the old function would fail on the next write
# until server-setup runs again).
_LOG_PARTNER_APPETITE = """
CREATE OR REPLACE FUNCTION riskreg_internal.log_partner_appetite() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
    PERFORM riskreg_internal.log('appetite', partner_code, partner_code || '/' || category_name,
        'level', CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.level END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.level END);
    RETURN NULL;
END
$$;
"""


# The server's check that an appetite is a level (``riskreg.server.checks``), so a set-up
# server holds the rule from the upgrade on, before server-setup runs again.
_CHECK_LEVEL = """
CREATE OR REPLACE FUNCTION riskreg_internal.check_appetite_level() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    chosen text;
BEGIN
    IF TG_TABLE_NAME = 'category' THEN
        chosen := NEW.appetite;
    ELSE
        chosen := NEW.level;
    END IF;
    IF chosen IS NOT NULL AND chosen NOT IN ('Averse', 'Minimal', 'Cautious', 'Open', 'Eager')
    THEN
        RAISE EXCEPTION 'the appetite % is not an appetite level; choose one of Averse, '
                        'Minimal, Cautious, Open, Eager', chosen USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS riskreg_2_check ON public.category;
CREATE TRIGGER riskreg_2_check BEFORE INSERT OR UPDATE ON public.category FOR EACH ROW
    EXECUTE FUNCTION riskreg_internal.check_appetite_level();
DROP TRIGGER IF EXISTS riskreg_2_check ON public.partner_appetite;
CREATE TRIGGER riskreg_2_check BEFORE INSERT OR UPDATE ON public.partner_appetite FOR EACH ROW
    EXECUTE FUNCTION riskreg_internal.check_appetite_level();
"""


def default_pairs(band_count: int) -> Pairs:
    """``riskreg.scoring.default_appetite_bands`` as it stands at this schema."""
    top = max(0, band_count - 1)
    tolerance = [min(top, int(k * top / 3 + 0.5)) for k in range(4)] + [top]
    appetite = [0, *tolerance[:3], top]
    return list(zip(appetite, tolerance, strict=True))


def plan_levels(used: Sequence[int], band_count: int) -> tuple[dict[int, int], Pairs, bool]:
    """Which level each band in use becomes (band index → level index), the mapping of
    all five levels, and whether a band had to share a stricter level (more than five).

    Used levels get tolerance = appetite = their band; the others keep their defaults,
    held between their neighbours so appetite and tolerance never decrease."""
    bands = sorted(set(used))
    defaults = default_pairs(band_count)
    stricter = len(bands) > len(LEVELS)
    if stricter:  # five representatives, the lowest band among them; the rest fall to one
        picks = sorted({bands[round(i * (len(bands) - 1) / (len(LEVELS) - 1))]
                        for i in range(len(LEVELS))})  # fmt: skip
    else:
        picks = bands
    level_of_pick: dict[int, int] = {}
    previous = -1
    for position, band in enumerate(picks):
        room = len(LEVELS) - (len(picks) - position)  # the highest level leaving room
        candidates = range(previous + 1, room + 1)
        level = min(candidates, key=lambda k: (abs(defaults[k][0] - band), k))
        level_of_pick[band] = level
        previous = level
    level_of = {band: level_of_pick[max(p for p in picks if p <= band)] for band in bands}
    fixed = {level: band for band, level in level_of_pick.items()}
    pairs: Pairs = []
    for k, (appetite, tolerance) in enumerate(defaults):
        if k in fixed:
            pairs.append((fixed[k], fixed[k]))
            continue
        low = max((b for lv, b in fixed.items() if lv < k), default=0)
        high = min((b for lv, b in fixed.items() if lv > k), default=band_count - 1)
        pairs.append((min(max(appetite, low), high), min(max(tolerance, low), high)))
    return level_of, pairs, stricter


def _server_keeps_log(bind: sa.Connection) -> bool:
    if bind.dialect.name != "postgresql":
        return False
    found = bind.execute(
        sa.text(
            "SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = 'riskreg_internal' "
            "AND p.proname = 'change_set'"
        )
    ).first()
    return found is not None


def _summary(count: int, stricter: bool) -> str:
    appetites = "1 appetite" if count == 1 else f"{count} appetites"
    text = (f"Appetites became Orange Book levels ({appetites}), each level's tolerance "
            "its appetite, so what was outside appetite is a breach of tolerance")  # fmt: skip
    if stricter:
        text += ("; more bands were in use than five levels hold, so some appetites took "
                 "the level of a lower band (stricter)")  # fmt: skip
    return text


def upgrade() -> None:
    bind = op.get_bind()
    on_server = _server_keeps_log(bind)
    with op.batch_alter_table("partner_appetite", schema=None) as batch_op:
        batch_op.alter_column("band", new_column_name="level",
                              existing_type=sa.String(40), existing_nullable=False)  # fmt: skip
    if on_server:
        raw = bind.execution_options(no_parameters=True).exec_driver_sql  # SQL with % as it is
        raw(_LOG_PARTNER_APPETITE)
        raw(_CHECK_LEVEL)
    register = bind.execute(sa.text("SELECT uuid, scheme_json FROM register")).first()
    if register is None:
        return  # a schema being made: no register yet
    register_uuid, scheme_json = register
    scheme = json.loads(scheme_json)
    names = [str(band[0]) for band in scheme["bands"]]
    index = {name: i for i, name in enumerate(names)}
    categories = bind.execute(
        sa.text("SELECT id, name, appetite FROM category WHERE appetite IS NOT NULL ORDER BY name")
    ).all()
    partners = bind.execute(
        sa.text(
            "SELECT a.partner_id, a.category_id, p.code, c.name, a.level FROM partner_appetite a "
            "JOIN partner p ON p.id = a.partner_id JOIN category c ON c.id = a.category_id "
            "ORDER BY p.code, c.name"
        )
    ).all()
    # A value that is already a level (and no band) stays: a copy made since holds levels.
    categories = [row for row in categories if row[2] in index or row[2] not in LEVELS]
    partners = [row for row in partners if row[4] in index or row[4] not in LEVELS]
    if not categories and not partners:
        return  # the scheme reads as the default levels; nothing to move
    used = [index[band] for *_, band in (*categories, *partners) if band in index]
    level_of, pairs, stricter = plan_levels(used, len(names))

    def level(band: str) -> str | None:
        return LEVELS[level_of[index[band]]] if band in index else None

    scheme["appetite"] = [list(pair) for pair in pairs]
    new_json = json.dumps(scheme, ensure_ascii=False, separators=(",", ":"))
    changes: list[tuple[str, str, str, str, str | None, str | None]] = [
        ("register", register_uuid, "register", "scheme", scheme_json, new_json)
    ]
    for cid, name, band in categories:
        bind.execute(sa.text("UPDATE category SET appetite = :v WHERE id = :id"),
                     {"v": level(band), "id": cid})  # fmt: skip
        changes.append(("category", name, name, "appetite", band, level(band)))
    for pid, cid, code, name, band in partners:
        key = {"p": pid, "c": cid, "v": level(band)}
        if key["v"] is None:
            bind.execute(sa.text("DELETE FROM partner_appetite WHERE partner_id = :p "
                                 "AND category_id = :c"), key)  # fmt: skip
        else:
            bind.execute(sa.text("UPDATE partner_appetite SET level = :v WHERE partner_id = :p "
                                 "AND category_id = :c"), key)  # fmt: skip
        changes.append(("appetite", code, f"{code}/{name}", "level", band, key["v"]))
    bind.execute(sa.text("UPDATE register SET scheme_json = :s"), {"s": new_json})
    summary = _summary(len(changes) - 1, stricter)
    if on_server:  # the server's triggers logged each row; its change set says what it was
        bind.execute(
            sa.text(
                'UPDATE change_set SET source = :source, summary = :summary, "user" = '
                "'schema upgrade' WHERE id = riskreg_internal.current_change_set()"
            ),
            {"source": SOURCE, "summary": summary},
        )
        return
    _log_change_set(bind, summary, changes)


def _log_change_set(
    bind: sa.Connection,
    summary: str,
    changes: Sequence[tuple[str, str, str, str, str | None, str | None]],
) -> None:
    revision = bind.execute(sa.text("SELECT revision FROM register")).scalar_one() + 1
    bind.execute(sa.text("UPDATE register SET revision = :r"), {"r": revision})
    bind.execute(
        sa.text(
            'INSERT INTO change_set (revision, at, "user", partner_code, source, summary, login) '
            "VALUES (:revision, :at, 'schema upgrade', '', :source, :summary, '')"
        ),
        {
            "revision": revision,
            "at": datetime.now(UTC).replace(tzinfo=None),
            "source": SOURCE,
            "summary": summary,
        },
    )
    change_set = bind.execute(
        sa.text("SELECT id FROM change_set WHERE revision = :r"), {"r": revision}
    ).scalar_one()
    bind.execute(
        sa.text(
            "INSERT INTO change (change_set_id, entity, entity_uuid, entity_ref, field, old, new) "
            "VALUES (:sid, :entity, :uuid, :ref, :field, :old, :new)"
        ),
        [
            {"sid": change_set, "entity": e, "uuid": u, "ref": r, "field": f, "old": o, "new": n}
            for e, u, r, f, o, n in changes
        ],
    )


def downgrade() -> None:
    """Back to bands: each level becomes its appetite band (what an older version flags)."""
    bind = op.get_bind()
    stored = bind.execute(sa.text("SELECT scheme_json FROM register")).scalar()
    if stored is not None:
        _levels_to_bands(bind, stored)
    with op.batch_alter_table("partner_appetite", schema=None) as batch_op:
        batch_op.alter_column("level", new_column_name="band",
                              existing_type=sa.String(40), existing_nullable=False)  # fmt: skip


def _levels_to_bands(bind: sa.Connection, stored: str) -> None:
    scheme = json.loads(stored)
    names = [str(band[0]) for band in scheme["bands"]]
    pairs = scheme.pop("appetite", None) or default_pairs(len(names))
    band_of = {LEVELS[k]: names[a] for k, (a, _t) in enumerate(pairs)}
    for level, band in band_of.items():
        bind.execute(sa.text("UPDATE category SET appetite = :b WHERE appetite = :l"),
                     {"b": band, "l": level})  # fmt: skip
        bind.execute(sa.text("UPDATE partner_appetite SET level = :b WHERE level = :l"),
                     {"b": band, "l": level})  # fmt: skip
    bind.execute(sa.text("UPDATE register SET scheme_json = :s"),
                 {"s": json.dumps(scheme, ensure_ascii=False, separators=(",", ":"))})  # fmt: skip
