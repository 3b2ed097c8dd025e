"""A returned workbook is believed for nothing it says about itself: its base is the
register's record of the export, its sender the export log's, and its rows must be that
export's rows. Each test is an attempt a partner (or a keeper's slip) could make."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from riskreg.choices import Visibility
from riskreg.cli import main as cli
from riskreg.exchange import base as base_module
from riskreg.exchange.columns import ACTION_COLUMNS, RISK_COLUMNS, editable_fields
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import ImportRefused, apply_import, plan_import
from riskreg.records import RiskRecord
from riskreg.service import RegisterService
from tests.conftest import file_digest
from tests.exchange_helpers import edit, exchange_rows, libreoffice_resave, set_exchange
from tests.test_exchange import kinds, led_by, not_touching
from tests.test_server import apex_login, server_demo  # noqa: F401  (fixtures)


def internal_of(service: RegisterService, partner: str) -> RiskRecord:
    """An Internal risk of ``partner`` (the demo has one for each of CNCL, APEX and AQUA):
    it is in that partner's export only."""
    return next(r for r in service.list_risks()
                if r.lead_partner == partner and r.visibility is Visibility.INTERNAL)  # fmt: skip


def write_legacy_base(path: Path, rows: dict[str, dict[str, list[str]]]) -> None:
    """A base in ``_exchange`` as workbooks exported before the register held bases carried
    it (format 1: "#fields", then one JSON row per exported record)."""
    book = load_workbook(path)
    sheet = book["_exchange"]
    end = next(r[0].row for r in sheet.iter_rows() if r[0].value == "#end")
    sheet.delete_rows(end)
    for name, columns in (("Risks", RISK_COLUMNS), ("Actions", ACTION_COLUMNS)):
        sheet.append(["#fields", name, json.dumps(list(editable_fields(columns)))])
        for uuid, values in rows.get(name, {}).items():
            sheet.append([name, uuid, json.dumps(values, ensure_ascii=False)])
    sheet.append(["#end"])
    book.save(path)


def legacy_rows(service: RegisterService, export_id: str) -> dict[str, dict[str, list[str]]]:
    """The exported values of every row, in format 1's layout (editable fields only)."""
    held = service.export_base(export_id)
    assert held is not None
    decoded = base_module.decode(held[1])
    rows: dict[str, dict[str, list[str]]] = {}
    for name, columns in (("Risks", RISK_COLUMNS), ("Actions", ACTION_COLUMNS)):
        sheet = decoded.sheet(name)
        position = {f: i for i, f in enumerate(sheet.fields)}
        wanted = editable_fields(columns)
        rows[name] = {}
        for uuid in sheet.rows:
            values = sheet.values(uuid)
            assert values is not None
            rows[name][uuid] = [values[position[f]] for f in wanted]
    return rows


# -- the base is the register's -------------------------------------------------------------
def test_the_register_keeps_each_exports_rows_and_the_workbook_carries_only_its_name(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "apex.xlsx"
    result = export_register(demo, path, "APEX")
    held = demo.export_base(result.export_id)
    assert held is not None
    digest, content = held
    decoded = base_module.decode(content)
    exported = {r.uuid for r in demo.exchange_snapshot("APEX").risks}
    assert set(decoded.sheet("Risks").rows) == exported
    assert len(decoded.sheet("Actions").rows) == result.actions
    import zlib

    assert len(content) < len(zlib.decompress(content)) / 2  # held compressed
    meta = exchange_rows(path)
    assert set(meta) == {"format", "register_uuid", "export_id", "schema_version", "revision",
                         "partner", "exported_at", "key", "#end"}  # fmt: skip
    assert meta["format"] == "2" and base_module.key_matches(meta["key"], digest)
    sheet = load_workbook(path)["_exchange"]
    assert sheet.max_row == 9 and sheet.max_column == 2  # no row of values in the workbook


def test_a_base_edited_into_the_workbook_is_ignored_and_reported_so_a_conflict_stays_one(
    demo: RegisterService, demo_path: Path, tmp_path: Path
) -> None:
    """The attack of the issue: the keeper changed an owner after the export; the partner
    unhides ``_exchange`` and gives it a base holding the keeper's new owner, so that their
    own owner would look like a clean update over the keeper's."""
    path = tmp_path / "apex.xlsx"
    result = export_register(demo, path, "APEX")
    risk = led_by(demo, "APEX")
    demo.edit_risk(risk.uuid, risk.version, {"owner": "Keeper's newer owner"})
    rows = legacy_rows(demo, result.export_id)
    owner_at = editable_fields(RISK_COLUMNS).index("owner")
    rows["Risks"][risk.uuid][owner_at] = "Keeper's newer owner"
    write_legacy_base(path, rows)
    set_exchange(path, {"format": "1"})
    edit(path, "Risks", risk.ref, {"Owner": "Partner's owner"})
    for workbook in (path, libreoffice_resave(path, tmp_path / "calc")):
        plan = plan_import(demo, workbook)
        assert ("conflict", risk.ref, "owner") in kinds(plan), kinds(plan)
        assert ("update", risk.ref, "owner") not in kinds(plan)
        ignored = [i for i in plan.items if i.kind == "ignored" and i.ref == risk.ref]
        assert ignored and "the register's is used" in ignored[0].message
        assert any("carries a base of its own" in note for note in plan.notes)
    before = file_digest(demo_path)
    apply_import(demo, plan, plan.accepted("clean"))
    assert demo.get_risk(risk.uuid).owner == "Keeper's newer owner"
    assert file_digest(demo_path) == before  # nothing clean to apply


def test_an_export_older_than_held_bases_imports_on_its_own_base_with_a_notice(
    demo_path: Path, demo: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "old apex.xlsx"
    result = export_register(demo, path, "APEX")
    write_legacy_base(path, legacy_rows(demo, result.export_id))
    set_exchange(path, {"format": "1", "key": None})
    with sqlite3.connect(demo_path) as db:  # as a register upgraded from before 0007 holds it
        db.execute("DELETE FROM export_base WHERE export_id = ?", (result.export_id,))
    risk = led_by(demo, "APEX")
    edit(path, "Risks", risk.ref, {"Owner": "Changed in an old workbook"})
    plan = plan_import(demo, path)
    assert kinds(plan) == [("update", risk.ref, "owner")]
    (note,) = plan.notes
    assert "earlier version" in note and "cannot be checked" in note and "APEX" in note
    apply_import(demo, plan, plan.accepted("clean"))
    assert demo.get_risk(risk.uuid).owner == "Changed in an old workbook"


def test_an_export_made_since_bases_were_kept_never_falls_back_on_the_workbooks_base(
    demo_path: Path, demo: RegisterService, tmp_path: Path
) -> None:
    """A record of an export without its base, dated after one the register holds a base
    for (on a server a partner's login cannot backdate its exports): its workbook's own
    base would let a partner's change hide a conflict, so it is refused."""
    kept = export_register(demo, tmp_path / "first.xlsx", "AQUA")
    path = tmp_path / "apex.xlsx"
    result = export_register(demo, path, "APEX")
    write_legacy_base(path, legacy_rows(demo, result.export_id))
    set_exchange(path, {"format": "1", "key": None})
    with sqlite3.connect(demo_path) as db:
        db.execute("UPDATE export_log SET at = datetime(at, '-1 day') WHERE export_id = ?",
                   (kept.export_id,))  # fmt: skip
        db.execute("DELETE FROM export_base WHERE export_id = ?", (result.export_id,))
    db.close()
    edit(path, "Risks", led_by(demo, "APEX").ref, {"Owner": "Changed"})
    with pytest.raises(ImportRefused, match="after the register began keeping what each export"):
        plan_import(demo, path)


def test_a_current_workbook_made_to_look_old_keeps_the_registers_base(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    set_exchange(path, {"format": "1"})  # with no base rows of its own
    risk = led_by(demo, "APEX")
    edit(path, "Risks", risk.ref, {"Owner": "Partner"})
    plan = plan_import(demo, path)
    assert kinds(plan) == [("update", risk.ref, "owner")] and plan.notes == ()


# -- the sender is the export log's ---------------------------------------------------------
def test_another_partners_export_id_is_refused(demo: RegisterService, tmp_path: Path) -> None:
    apex, aqua = tmp_path / "apex.xlsx", tmp_path / "aqua.xlsx"
    export_register(demo, apex, "APEX")
    theirs = export_register(demo, aqua, "AQUA")
    set_exchange(apex, {"export_id": theirs.export_id})
    with pytest.raises(ImportRefused, match="does not carry the key of export") as refused:
        plan_import(demo, apex)
    assert "made for AQUA" in str(refused.value)


def test_another_partners_export_id_and_key_are_refused_naming_the_rows_not_in_it(
    demo: RegisterService, tmp_path: Path
) -> None:
    """A partner holding another partner's workbook too: the id and the key copied over
    still do not make its rows that export's rows."""
    secret = internal_of(demo, "APEX")
    apex, aqua = tmp_path / "apex.xlsx", tmp_path / "aqua.xlsx"
    export_register(demo, apex, "APEX")
    export_register(demo, aqua, "AQUA")
    stolen = exchange_rows(aqua)
    set_exchange(apex, {"export_id": stolen["export_id"], "key": stolen["key"],
                        "partner": "AQUA"})  # fmt: skip
    with pytest.raises(ImportRefused, match="holds rows that were not in export") as refused:
        plan_import(demo, apex)
    assert secret.ref in str(refused.value) and "made for AQUA" in str(refused.value)


def test_the_keepers_whole_register_id_in_a_partners_workbook_is_refused(
    demo: RegisterService, demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apex, everything = tmp_path / "apex.xlsx", tmp_path / "all.xlsx"
    export_register(demo, apex, "APEX")
    keepers = export_register(demo, everything, None)
    set_exchange(apex, {"export_id": keepers.export_id, "partner": ""})
    risk = not_touching(demo, "APEX")
    edit(apex, "Risks", risk.ref, {"Title": "Taken over with the keeper's id"})
    for workbook in (apex, libreoffice_resave(apex, tmp_path / "calc")):
        with pytest.raises(ImportRefused, match="does not carry the key"):
            plan_import(demo, workbook)
    before = file_digest(demo_path)
    demo.close()
    assert cli(["import", str(demo_path), str(apex), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["applied"] is False and "does not carry the key" in report["refused"]
    assert file_digest(demo_path) == before


def test_rows_of_another_register_are_refused_naming_them(
    demo: RegisterService, service: RegisterService, tmp_path: Path
) -> None:
    from riskreg.records import RiskDraft

    foreign = service.create_risk(RiskDraft("Another register's risk", "CNCL", 3, 3))
    apex, other = tmp_path / "apex.xlsx", tmp_path / "other.xlsx"
    export_register(demo, apex, "APEX")
    export_register(service, other)
    book, theirs = load_workbook(apex), load_workbook(other)
    row = next(r for r in theirs["Risks"].iter_rows(min_row=2, values_only=True)
               if r[0] == foreign.ref)  # fmt: skip
    book["Risks"].append(list(row))
    book.save(apex)
    with pytest.raises(ImportRefused, match="holds rows that were not in export") as refused:
        plan_import(demo, apex)
    assert f"Risks!A{book['Risks'].max_row}" in str(refused.value)


# -- on a server: the export log is the partner's own -----------------------------------------
def test_a_server_export_by_a_partner_login_is_that_partners_and_its_log_is_guarded(
    server_demo: str,  # noqa: F811  (the fixture imported above)
    apex_login: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A login of APEX asking for the whole register gets APEX's workbook, recorded for
    APEX: the keeper's import then gives it APEX's rights, not the keeper's. With plain SQL
    the login cannot read, add, change or remove other exports."""
    from riskreg.errors import RuleError
    from riskreg.records import Actor
    from riskreg.service import open_service
    from tests.test_server import raw

    keeper = open_service(server_demo, Actor("alice", "CNCL"))
    apex = open_service(apex_login, Actor("Jo Whitfield", "APEX"))
    try:
        aqua = export_register(keeper, tmp_path / "aqua.xlsx", "AQUA")
        path = tmp_path / "by apex.xlsx"
        result = export_register(apex, path, None)
        assert result.partner_code == "APEX"
        assert exchange_rows(path)["partner"] == "APEX"
        entry = keeper.export_entry(result.export_id)
        assert entry is not None and entry.partner_code == "APEX"
        with pytest.raises(RuleError, match="exports for APEX only"):
            export_register(apex, tmp_path / "for aqua.xlsx", "AQUA")
        assert not (tmp_path / "for aqua.xlsx").exists()
        assert apex.export_entry(aqua.export_id) is None  # another partner's export
        assert apex.export_base(aqua.export_id) is None
        assert apex.export_base(result.export_id) is not None  # its own

        risk = not_touching(keeper, "APEX")
        edit(path, "Risks", risk.ref, {"Title": "Changed through Apex's login"})
        plan = plan_import(keeper, path)
        assert plan.sender == "APEX"
        assert kinds(plan) == [("rejected", risk.ref, "title")]
    finally:
        keeper.close()
        apex.close()

    import psycopg

    with raw(apex_login) as conn:
        seen = conn.execute("SELECT export_id FROM export_log").fetchall()
        assert [row[0] for row in seen] == [result.export_id]
        assert conn.execute("SELECT count(*) FROM export_base").fetchone() == (1,)
        for statement in (
            "UPDATE export_log SET partner_id = NULL",
            "DELETE FROM export_log",
            "UPDATE export_base SET key_digest = 'x'",
            "DELETE FROM export_base",
        ):  # no privilege at all: not even its own export changes once recorded
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(statement)  # type: ignore[arg-type]

        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO export_log (export_id, partner_id, at, revision, file_name, "
                "\"user\") VALUES ('forged', NULL, now(), 1, 'x', 'jo')"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO export_base (export_id, key_digest, content) VALUES (%s, 'x', 'x')",
                [aqua.export_id],
            )
    with raw(server_demo) as conn:
        rows = conn.execute("SELECT p.code FROM export_log l LEFT JOIN partner p "
                            "ON p.id = l.partner_id ORDER BY l.id").fetchall()  # fmt: skip
        assert [row[0] for row in rows] == ["AQUA", "APEX"]  # nothing changed or removed


def test_a_held_base_that_inflates_past_its_bound_is_refused_before_it_fills_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record of an export written through a partner's login may be a zip bomb: it is
    inflated only up to the bound, then refused as no export's."""
    import zlib

    monkeypatch.setattr(base_module, "MOST_BASE_BYTES", 2**20)
    header = json.dumps({"format": base_module.BASE_FORMAT, "fields": {"Risks": ["title"]}})
    line = b'R\t00000000-0000-0000-0000-000000000000\tR-001\t["x"]\n'
    bomb = zlib.compress(header.encode() + b"\n" + line * (8 * 2**20 // len(line)), 9)
    assert len(bomb) < 40_000  # 8 MB of rows in a few KB
    with pytest.raises(base_module.DamagedBase, match="inflates past 1 MB"):
        base_module.decode(bomb)


def test_a_cost_beyond_what_a_register_holds_is_an_error_naming_its_cell(
    demo: RegisterService, tmp_path: Path
) -> None:
    risk = led_by(demo, "APEX")
    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    edit(path, "Risks", risk.ref, {"Cost exposure (most likely)": 1e308,
                                   "Cost exposure (maximum)": 1e308})  # fmt: skip
    plan = plan_import(demo, path)
    errors = [i for i in plan.items if i.kind == "error"]
    assert errors and all(i.ref == risk.ref for i in errors)
    assert any("at most 1,000,000,000,000,000" in i.message for i in errors)
    assert plan.accepted("all") == []  # the row is held back: nothing of it can be applied
