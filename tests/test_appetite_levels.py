"""Orange Book appetite levels: each level's appetite and tolerance bands in the scheme
(defaults from the band count, kept in order), a warning above appetite and a breach above
tolerance, and schema 0010 moving band appetites onto levels unchanged in meaning — on a
file, on PostgreSQL and on a server set up for partners."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskreg.choices import AppetiteLevel, RiskStatus
from riskreg.governance import AppetiteState
from riskreg.records import RiskRecord
from riskreg.scoring import (
    Band,
    SchemeError,
    ScoringScheme,
    appetite_bands_problem,
    default_appetite_bands,
    derived_cells,
    remap_appetite_bands,
)
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE

OLD_CATEGORY_BANDS = {
    "Health & safety": "Low", "Programme & delivery": "High", "Financial": "Medium",
    "Environmental": "Medium", "Stakeholders & reputation": "High",
    "Legal & regulatory": "Medium", "Information & technology": "Very high",
    "Partnership & governance": "High",
}  # fmt: skip
OLD_PARTNER_BANDS = {("APEX", "Financial"): "Low", ("CNCL", "Programme & delivery"): "Medium"}


# -- the scheme's mapping -------------------------------------------------------------------
def test_the_default_four_bands_map_the_levels_as_the_orange_book_reads() -> None:
    scheme = ScoringScheme.default()
    assert [scheme.appetite_caption(level) for level in AppetiteLevel] == [
        "Averse — appetite Low, tolerance Low",
        "Minimal — appetite Low, tolerance Medium",
        "Cautious — appetite Medium, tolerance High",
        "Open — appetite High, tolerance Very high",
        "Eager — appetite Very high, tolerance Very high",
    ]


@pytest.mark.parametrize("bands", range(1, 11))
def test_the_defaults_for_any_band_count_keep_order_and_tolerance_above_appetite(
    bands: int,
) -> None:
    pairs = default_appetite_bands(bands)
    assert len(pairs) == 5 and pairs[0] == (0, 0) and pairs[-1] == (bands - 1, bands - 1)
    assert all(0 <= a <= t < bands for a, t in pairs)
    assert [a for a, _ in pairs] == sorted(a for a, _ in pairs)
    assert [t for _, t in pairs] == sorted(t for _, t in pairs)


def test_a_scheme_stored_before_the_levels_reads_with_the_defaults() -> None:
    stored = json.loads(ScoringScheme.default().to_json())
    del stored["appetite"]
    assert ScoringScheme.from_json(json.dumps(stored)).appetite_bands == default_appetite_bands(4)


@pytest.mark.parametrize(("pairs", "words"), [
    (((0, 0), (0, 1), (2, 1), (2, 3), (3, 3)), "Cautious: its tolerance must be at least its "
                                               "appetite"),
    (((0, 0), (1, 1), (0, 2), (2, 3), (3, 3)), "Cautious: its appetite must be at least that "
                                               "of Minimal"),
    (((0, 0), (0, 2), (1, 1), (2, 3), (3, 3)), "Cautious: its tolerance must be at least that "
                                               "of Minimal"),
    (((0, 0), (0, 1), (1, 2), (2, 4), (3, 3)), "Open: its appetite and tolerance must each be "
                                               "one of the bands"),
    (((0, 0), (0, 1), (1, 2)), "give all 5 appetite levels"),
])  # fmt: skip
def test_a_mapping_out_of_order_or_with_tolerance_below_appetite_is_refused_in_words(
    pairs: tuple[tuple[int, int], ...], words: str
) -> None:
    with pytest.raises(SchemeError, match=words):
        replace(ScoringScheme.default(), appetite_bands=pairs)
    stored = json.loads(ScoringScheme.default().to_json())
    stored["appetite"] = [list(p) for p in pairs]
    with pytest.raises(SchemeError, match=words):  # from a file, too
        ScoringScheme.from_json(json.dumps(stored))


def test_other_bands_carry_the_levels_by_relative_position() -> None:
    scheme = ScoringScheme.default()
    assert remap_appetite_bands(scheme.appetite_bands, 4, 3) == (
        (0, 0), (0, 1), (1, 1), (1, 2), (2, 2))  # fmt: skip
    six = scheme.with_bands((*scheme.bands, Band("Extreme", "#000000"), Band("Beyond", "#111111")))
    pairs = six.appetite_bands
    assert [a for a, _ in pairs] == sorted(a for a, _ in pairs) and all(a <= t for a, t in pairs)


# -- migration 0010 -------------------------------------------------------------------------
def old_rule(
    risks: Iterable[RiskRecord],
    scheme: ScoringScheme,
    partnership: dict[str, str],
    partners: dict[tuple[str, str], str],
) -> dict[str, int]:
    """Outside appetite as schema 0009 judged it (band above the appetite band): uuid →
    how many appetites the risk was above. Threats only: since schema 0009 an opportunity
    is above no appetite (issue 23's rule), so the levels keep the meaning for threats."""
    from riskreg.belonging import holders_of
    from riskreg.choices import RiskKind

    rank = {b.name: i for i, b in enumerate(scheme.bands)}
    out: dict[str, int] = {}
    for risk in risks:
        if risk.status is RiskStatus.CLOSED or risk.category is None or risk.unrated:
            continue
        if risk.kind is RiskKind.OPPORTUNITY:
            continue
        band = scheme.band_index(risk.current_likelihood or 0, risk.current_impact or 0)
        held = [partnership.get(risk.category)] + [
            partners.get((code, risk.category))
            for code in holders_of(risk.visibility, risk.lead_partner, risk.shares)
        ]
        count = sum(1 for h in held if h in rank and band > rank[h])
        if count:
            out[risk.uuid] = count
    return out


def as_schema_0009(
    run: Callable[[str, dict[str, Any]], None],
    scheme_json: str,
    partner_ids: dict[str, int],
    category_ids: dict[str, int],
    bands: dict[str, str] = OLD_CATEGORY_BANDS,
    partner_bands: dict[tuple[str, str], str] = OLD_PARTNER_BANDS,
) -> None:
    """Turn a register at this schema back into what schema 0009 kept: band appetites, the
    ``band`` column, a scheme without levels, no acceptances (schema 0011's table)."""
    stored = json.loads(scheme_json)
    stored.pop("appetite", None)
    run("DROP TABLE risk_acceptance", {})
    run("ALTER TABLE partner_appetite RENAME COLUMN level TO band", {})
    run("UPDATE register SET scheme_json = :s", {"s": json.dumps(stored)})
    for name, band in bands.items():
        run("UPDATE category SET appetite = :b WHERE name = :n", {"b": band, "n": name})
    for (code, category), band in partner_bands.items():
        run("INSERT INTO partner_appetite (partner_id, category_id, band) VALUES (:p, :c, :b)",
            {"p": partner_ids[code], "c": category_ids[category], "b": band})  # fmt: skip
    run("UPDATE alembic_version SET version_num = '0009_opportunities'", {})


def sqlite_register_at_0009(demo_path: Path, tmp_path: Path, **options: Any) -> Path:
    old = tmp_path / "old.riskreg"
    shutil.copy(demo_path, old)
    with sqlite3.connect(old) as conn:
        scheme_json = conn.execute("SELECT scheme_json FROM register").fetchone()[0]
        partners = dict(conn.execute("SELECT code, id FROM partner"))
        categories = dict(conn.execute("SELECT name, id FROM category"))

        def run(sql: str, params: dict[str, Any]) -> None:
            conn.execute(sql, params)

        as_schema_0009(run, options.get("scheme_json", scheme_json), partners, categories,
                       options.get("bands", OLD_CATEGORY_BANDS),
                       options.get("partner_bands", OLD_PARTNER_BANDS))  # fmt: skip
    conn.close()
    return old


def judged_before(path: Path | str, scheme: ScoringScheme) -> dict[str, int]:
    """What 0009 flagged, from the rows the upgrade will read."""
    service = open_service(path, ALICE)  # upgrades; risks' levels are not moved by it
    try:
        return old_rule(service.list_risks(), scheme, dict(OLD_CATEGORY_BANDS),
                        dict(OLD_PARTNER_BANDS))  # fmt: skip
    finally:
        service.close()


def assert_unchanged_in_meaning(service: RegisterService, before: dict[str, int]) -> None:
    """Every risk outside appetite before is flagged, each appetite it was above a breach
    of tolerance; no other risk is flagged."""
    judged = service.appetite_breaches()
    assert set(judged) == set(before) and before
    for uuid, count in before.items():
        findings = judged[uuid].findings
        assert len(findings) == count
        assert all(f.state is AppetiteState.BREACH for f in findings), findings


def test_band_appetites_upgrade_to_levels_unchanged_in_meaning_and_logged(
    demo_path: Path, tmp_path: Path
) -> None:
    old = sqlite_register_at_0009(demo_path, tmp_path)
    with sqlite3.connect(old) as conn:
        revision = conn.execute("SELECT revision FROM register").fetchone()[0]
    conn.close()
    before = judged_before(shutil.copy(old, tmp_path / "copy.riskreg"), ScoringScheme.default())
    service = open_service(old, ALICE)
    try:
        assert_unchanged_in_meaning(service, before)
        levels = {c.name: c.appetite for c in service.list_categories()}
        assert levels == {
            "Health & safety": "Averse", "Programme & delivery": "Open",
            "Financial": "Cautious", "Environmental": "Cautious",
            "Stakeholders & reputation": "Open", "Legal & regulatory": "Cautious",
            "Information & technology": "Eager", "Partnership & governance": "Open",
        }  # fmt: skip
        _, partners = service.appetites()
        assert partners == {("APEX", "Financial"): "Averse",
                            ("CNCL", "Programme & delivery"): "Cautious"}  # fmt: skip
        scheme = service.scheme()
        for level, band in (("Averse", "Low"), ("Cautious", "Medium"), ("Open", "High"),
                            ("Eager", "Very high")):  # fmt: skip
            assert [b.name for b in scheme.appetite_of(level)] == [band, band]
        assert service.register_info().revision == revision + 1
        logged = [c for c in service.changes_between(service.now().replace(year=2000))
                  if c.revision == revision + 1]  # fmt: skip
        assert logged[0].summary.startswith("Appetites became Orange Book levels (10 appetites)")
        assert logged[0].source == "upgrade to schema 0010"
        fields = {(c.entity, c.entity_ref, c.field, c.old, c.new) for c in logged}
        assert ("category", "Financial", "appetite", "Medium", "Cautious") in fields
        assert ("appetite", "APEX/Financial", "level", "Low", "Averse") in fields
        assert any(c.field == "scheme" for c in logged)
        assert service.check().problems == ()
    finally:
        service.close()


def test_widening_a_levels_tolerance_after_the_upgrade_turns_breaches_into_warnings(
    demo_path: Path, tmp_path: Path
) -> None:
    service = open_service(sqlite_register_at_0009(demo_path, tmp_path), ALICE)
    try:
        scheme = service.scheme()
        pairs = list(scheme.appetite_bands)
        pairs[2] = (1, 2)  # Cautious: appetite Medium, tolerance High
        service.change_scheme(replace(scheme, appetite_bands=tuple(pairs)), backup=False)
        states = {f.state for j in service.appetite_breaches().values() for f in j.findings}
        assert states == {AppetiteState.WARNING, AppetiteState.BREACH}
    finally:
        service.close()


def test_a_register_without_appetites_upgrades_without_a_change_set(
    demo_path: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.riskreg"
    shutil.copy(demo_path, old)
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE category SET appetite = NULL")
        conn.execute("DROP TABLE risk_acceptance")  # schema 0011's
        conn.execute("ALTER TABLE partner_appetite RENAME COLUMN level TO band")
        conn.execute("UPDATE alembic_version SET version_num = '0009_opportunities'")
        revision = conn.execute("SELECT revision FROM register").fetchone()[0]
    conn.close()
    service = open_service(old, ALICE)
    try:
        assert service.register_info().revision == revision
        assert service.scheme().appetite_bands == default_appetite_bands(4)
    finally:
        service.close()


def test_more_bands_in_use_than_levels_upgrade_stricter_never_looser(
    demo_path: Path, tmp_path: Path
) -> None:
    """Seven bands, every one an appetite somewhere: five levels cannot hold seven, so a
    band without its own level takes the level of a lower one. Nothing outside appetite
    before is within now, and every such risk is a breach."""
    names = ["B1", "B2", "B3", "B4", "B5", "B6", "B7"]
    colours = ["#5cb85c", "#8bc34a", "#f0c419", "#f0a030", "#f08a24", "#e0502b", "#d9372b"]
    seven = ScoringScheme(
        ScoringScheme.default().likelihood, ScoringScheme.default().impact,
        tuple(Band(n, c, 90) for n, c in zip(names, colours, strict=True)),
        derived_cells(5, 5, (0.08, 0.16, 0.24, 0.36, 0.5, 0.64, 1.0)), name="Seven bands",
    )  # fmt: skip
    bands = dict(zip(OLD_CATEGORY_BANDS, ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B3"],
                     strict=True))  # fmt: skip
    partner_bands = {("APEX", "Financial"): "B2"}
    old = sqlite_register_at_0009(demo_path, tmp_path, scheme_json=seven.to_json(),
                                  bands=bands, partner_bands=partner_bands)  # fmt: skip
    service = open_service(old, ALICE)
    try:
        flagged_before = old_rule(service.list_risks(), seven, bands, partner_bands)
        judged = service.appetite_breaches()
        assert flagged_before and set(flagged_before) <= set(judged)
        assert all(j.state is AppetiteState.BREACH for j in judged.values())
        summary = next(c.summary for c in service.changes_between(
            service.now().replace(year=2000)) if c.field == "scheme")  # fmt: skip
        assert "more bands were in use than five levels hold" in summary
    finally:
        service.close()


def pg_register_at_0009(url: str, *, set_up: bool) -> None:
    from tests.server_partnership import plain_sql

    with plain_sql(url) as conn:
        scheme_json = str(one(conn, "SELECT scheme_json FROM register"))
        partners = dict(conn.execute("SELECT code, id FROM partner").fetchall())
        categories = dict(conn.execute("SELECT name, id FROM category").fetchall())
        if set_up:  # as an older version left it: the owner, the server's triggers off
            for table in ("register", "category", "partner_appetite"):
                conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

        def run(sql: str, params: dict[str, Any]) -> None:
            for name in params:
                sql = sql.replace(f":{name}", f"%({name})s")
            conn.execute(sql, params)  # type: ignore[arg-type]

        as_schema_0009(run, scheme_json, partners, categories)
        if set_up:
            for table in ("register", "category", "partner_appetite"):
                conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def one(conn: Any, query: str) -> object:
    row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize("set_up", [False, True], ids=["plain", "after-server-setup"])
def test_on_postgresql_band_appetites_upgrade_unchanged_in_meaning(set_up: bool) -> None:
    from riskreg.server import setup_server
    from tests.pg_server import scratch_database
    from tests.server_partnership import plain_sql

    with scratch_database(template="demo") as url:
        if set_up:
            setup_server(url)
        pg_register_at_0009(url, set_up=set_up)
        with plain_sql(url) as conn:
            revision = int(str(one(conn, "SELECT revision FROM register")))
        service = open_service(url, ALICE)
        try:
            before = old_rule(service.list_risks(), ScoringScheme.default(),
                              dict(OLD_CATEGORY_BANDS), dict(OLD_PARTNER_BANDS))  # fmt: skip
            assert_unchanged_in_meaning(service, before)
            assert service.register_info().revision == revision + 1
            logged = [c for c in service.changes_between(service.now().replace(year=2000))
                      if c.revision == revision + 1]  # fmt: skip
            assert {c.summary for c in logged} == {logged[0].summary}
            assert logged[0].summary.startswith("Appetites became Orange Book levels")
            fields = {(c.entity, c.entity_ref, c.field, c.old, c.new) for c in logged}
            assert ("category", "Financial", "appetite", "Medium", "Cautious") in fields
            assert ("appetite", "APEX/Financial", "level", "Low", "Averse") in fields
            # after the upgrade the keeper sets a partner's level, and the log says "level"
            service.set_partner_appetite("AQUA", "Financial", "Minimal")
            last = service.changes_between(service.now().replace(year=2000))[-1]
            assert (last.entity_ref, last.field, last.new) == ("AQUA/Financial", "level",
                                                               "Minimal")  # fmt: skip
            if set_up:  # the server holds the level rule from the upgrade on
                from psycopg.errors import CheckViolation

                with plain_sql(url) as conn, pytest.raises(CheckViolation, match="not an "):
                    conn.execute("UPDATE category SET appetite = 'High'")
                setup_server(url)  # and server-setup, run again after the upgrade, too
                with plain_sql(url) as conn, pytest.raises(CheckViolation, match="not an "):
                    conn.execute("INSERT INTO partner_appetite SELECT p.id, c.id, 'Low' FROM "
                                 "partner p, category c WHERE p.code = 'AQUA' "
                                 "AND c.name = 'Environmental'")  # fmt: skip
        finally:
            service.close()


# -- the server holds the same rules --------------------------------------------------------
def test_the_keepers_psql_cannot_store_a_level_that_is_none_or_a_mapping_out_of_order() -> None:
    """The keeper's login is the one that may write appetites and the scheme; with psql it
    still meets the application's rules, and nothing is written."""
    from psycopg.errors import CheckViolation

    from tests.server_partnership import partnership, plain_sql, state

    with partnership() as joint:
        before = state(joint.owner)
        bad_order = json.loads(ScoringScheme.default().to_json())
        bad_order["appetite"] = [[0, 0], [1, 1], [0, 2], [2, 3], [3, 3]]  # Cautious below
        too_low = json.loads(ScoringScheme.default().to_json())
        too_low["appetite"] = [[0, 0], [0, 1], [2, 1], [2, 3], [3, 3]]  # tolerance < appetite
        text_band = json.loads(ScoringScheme.default().to_json())
        text_band["appetite"] = [[0, "0"], [0, 1], [1, 2], [2, 3], [3, 3]]  # "0" is no band
        half_band = json.loads(ScoringScheme.default().to_json())
        half_band["appetite"] = [[0, 0], [0, 1], [1, 2], [2, 3], [3, 3.5]]
        with plain_sql(joint.logins["CNCL"]) as conn:
            apex = one(conn, "SELECT id FROM partner WHERE code = 'APEX'")
            financial = one(conn, "SELECT id FROM category WHERE name = 'Financial'")
            for statement, params, expected in (
                ("UPDATE category SET appetite = 'Reckless' WHERE name = 'Financial'", [],
                 "not an appetite level"),
                ("UPDATE category SET appetite = 'High' WHERE name = 'Financial'", [],
                 "not an appetite level"),  # a band is no level
                ("INSERT INTO partner_appetite (partner_id, category_id, level) "
                 "VALUES (%s, %s, 'Medium')", [apex, financial], "not an appetite level"),
                ("INSERT INTO category (name, appetite) VALUES ('Weather', 'Greedy')", [],
                 "not an appetite level"),
                ("UPDATE register SET scheme_json = %s", [json.dumps(bad_order)],
                 "appetite levels in order"),
                ("UPDATE register SET scheme_json = %s", [json.dumps(too_low)],
                 "appetite levels in order"),
                ("UPDATE register SET scheme_json = %s", [json.dumps(text_band)],
                 "appetite levels in order"),  # what the application cannot read
                ("UPDATE register SET scheme_json = %s", [json.dumps(half_band)],
                 "appetite levels in order"),
            ):  # fmt: skip
                with pytest.raises(CheckViolation, match=expected):
                    conn.execute(statement, params)  # type: ignore[arg-type]
        with plain_sql(joint.logins["APEX"]) as conn:  # not the keeper: no row to change
            assert conn.execute("UPDATE category SET appetite = 'Eager'").rowcount == 0
        assert state(joint.owner) == before
        with plain_sql(joint.logins["CNCL"]) as conn:  # a level the application offers goes
            conn.execute("UPDATE category SET appetite = 'Minimal' WHERE name = 'Financial'")
        service = open_service(joint.logins["CNCL"], ALICE)
        try:
            assert {c.name: c.appetite for c in service.list_categories()}["Financial"] == (
                "Minimal")  # fmt: skip
        finally:
            service.close()


@pytest.mark.parametrize(("edit", "words"), [
    ("UPDATE category SET appetite = 'Reckless' WHERE name = 'Financial'",
     "'Financial': its appetite is not one of Averse, Minimal, Cautious, Open, Eager"),
    ("INSERT INTO partner_appetite SELECT p.id, c.id, 'High' FROM partner p, category c "
     "WHERE p.code = 'APEX' AND c.name = 'Financial'",
     "its level is not one of Averse, Minimal, Cautious, Open, Eager"),
    ("scheme", "Cautious: its tolerance must be at least its appetite"),
])  # fmt: skip
def test_check_names_a_level_that_is_none_or_a_mapping_out_of_order_in_a_file(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str, words: str
) -> None:
    """What a file edited outside the application could hold."""
    from riskreg.cli import main as cli

    edited = tmp_path / "edited.riskreg"
    shutil.copy(demo_path, edited)
    with sqlite3.connect(edited) as conn:
        if edit == "scheme":
            stored = json.loads(conn.execute("SELECT scheme_json FROM register").fetchone()[0])
            stored["appetite"] = [[0, 0], [0, 1], [2, 1], [2, 3], [3, 3]]
            conn.execute("UPDATE register SET scheme_json = ?", (json.dumps(stored),))
        else:
            conn.execute(edit)
    conn.close()
    assert cli(["check", str(edited)]) == 1
    said = capsys.readouterr()
    assert words in said.out + said.err


@pytest.mark.parametrize("stored", [
    [[0, 0], [0, 1], [1, 2], [2, 3], [3, 2.5]], [[0, 0], [0, 1], [1, 2], [2, 3], [True, 3]],
    [[0, 0], [0, 1], [1, 2], [2, 3], ["3", 3]], "Cautious", [[0, 0, 0]] * 5, [[0]] * 5,
    [[0, 0], [0, 1], [1, 2], [2, 3], [-1, 3]],
])  # fmt: skip
def test_a_stored_mapping_that_is_not_five_pairs_of_bands_is_refused(stored: object) -> None:
    document = json.loads(ScoringScheme.default().to_json())
    document["appetite"] = stored
    with pytest.raises(SchemeError):
        ScoringScheme.from_json(json.dumps(document))


def test_a_band_number_written_3e0_reads_as_3_as_the_servers_jsonb_reads_it() -> None:
    text = ScoringScheme.default().to_json().replace("[3,3]]", "[3e0,3.0]]")
    assert "3e0" in text
    assert ScoringScheme.from_json(text).appetite_bands[-1] == (3, 3)


def test_a_downgrade_gives_each_level_its_appetite_band_so_an_older_version_flags_the_same(
    demo_path: Path, tmp_path: Path
) -> None:
    """Back at schema 0009 every risk above appetite (warning or breach) is outside the
    band appetite an older version reads."""
    from alembic import command

    from riskreg import store

    copy = tmp_path / "copy.riskreg"
    shutil.copy(demo_path, copy)
    service = open_service(copy, ALICE)
    service.set_partner_appetite("APEX", "Financial", "Minimal")
    above = set(service.appetite_breaches())
    risks, scheme = service.list_risks(), service.scheme()
    service.close()
    made = store._make_store(f"sqlite:///{copy}", copy, 1000)
    with made.engine.begin() as conn:
        command.downgrade(store._alembic_config(conn), "0009_opportunities")
    made.close()
    with sqlite3.connect(copy) as conn:
        bands = dict(conn.execute("SELECT name, appetite FROM category"))
        partners = {(code, name): band for code, name, band in conn.execute(
            "SELECT p.code, c.name, a.band FROM partner_appetite a JOIN partner p ON "
            "p.id = a.partner_id JOIN category c ON c.id = a.category_id")}  # fmt: skip
        stored = json.loads(conn.execute("SELECT scheme_json FROM register").fetchone()[0])
    conn.close()
    assert "appetite" not in stored
    assert bands["Financial"] == "Medium" and partners == {("APEX", "Financial"): "Low"}
    assert set(old_rule(risks, scheme, bands, partners)) == above


@given(data=st.data(), band_count=st.integers(1, 12))
@settings(max_examples=300, deadline=None)
def test_the_upgrades_plan_keeps_every_band_in_use_at_least_as_strict_on_any_scheme(
    data: st.DataObject, band_count: int
) -> None:
    """Whatever bands a register's appetites used: the mapping is one the scheme accepts;
    each band in use becomes a level whose appetite and tolerance are that band (five or
    fewer in use) or a lower band in use (more: stricter, and said so); levels keep order."""
    import importlib

    plan_levels = importlib.import_module("riskreg.migrations.versions.0010_appetite_levels"
                                          ).plan_levels  # fmt: skip
    used = data.draw(st.sets(st.integers(0, band_count - 1), min_size=1))
    level_of, pairs, stricter = plan_levels(sorted(used), band_count)
    assert appetite_bands_problem(tuple(pairs), band_count) is None
    assert stricter == (len(used) > 5)
    assert sorted(level_of.values()) == [level_of[b] for b in sorted(used)]  # order kept
    for band in used:
        appetite, tolerance = pairs[level_of[band]]
        assert appetite == tolerance and appetite in used
        assert appetite == band if len(used) <= 5 else appetite <= band
