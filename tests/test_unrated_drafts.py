"""A Draft may be unrated until it is scored: it is kept, counted apart on heat maps and in
the pack, and every other status still needs its scores, in the services and in the
database itself (a server login cannot write an unrated Open risk either)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from riskreg import migrations, store
from riskreg.errors import ValidationError
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import plan_import
from riskreg.governance import compare, snapshot_document
from riskreg.heatmap import Basis, HeatFilter
from riskreg.records import RiskDraft, RiskStatus
from riskreg.report import gather_pack
from riskreg.scoring import ScoringScheme
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE, file_digest


def unrated(title: str, lead: str = "CNCL", **extra: object) -> RiskDraft:
    return RiskDraft(title, lead, None, None, status=RiskStatus.DRAFT, **extra)  # type: ignore[arg-type]


def test_an_unrated_draft_is_kept_with_no_scores_and_is_due_for_scoring_soon(
    service: RegisterService,
) -> None:
    record = service.create_risk(unrated("Supplier may withdraw", category="Financial"))
    assert record.unrated and record.status is RiskStatus.DRAFT
    assert (record.inherent_likelihood, record.inherent_impact, record.current_likelihood,
            record.current_impact) == (None, None, None, None)  # fmt: skip
    assert (record.inherent_score, record.current_score, record.target_score) == (None,) * 3
    # no band, so the shortest review interval of the scheme (Very high: 30 days)
    assert record.next_review == record.raised_on + timedelta(days=30)
    assert service.get_risk(record.uuid) == record


@pytest.mark.parametrize("status", [RiskStatus.OPEN, RiskStatus.CLOSED])
def test_only_a_draft_may_be_unrated(service: RegisterService, status: RiskStatus) -> None:
    before = service.register_info().revision
    with pytest.raises(ValidationError) as refused:
        service.create_risk(RiskDraft("Unscored", "CNCL", None, None, status=status))
    (problem,) = refused.value.problems
    assert problem.field == "inherent_likelihood"
    assert problem.message == (
        f"Inherent likelihood is required: An {status.value.lower()} risk needs its inherent "
        "and current scores; only a Draft may be unrated"
    )
    assert service.register_info().revision == before and service.list_risks() == []


def test_a_half_scored_draft_is_refused_naming_the_empty_score(service: RegisterService) -> None:
    with pytest.raises(ValidationError) as refused:
        service.create_risk(RiskDraft("Half", "CNCL", 3, None, status=RiskStatus.DRAFT))
    (problem,) = refused.value.problems
    assert problem.field == "inherent_impact"
    assert problem.message.startswith("Inherent impact is empty: give the inherent and current")
    with pytest.raises(ValidationError, match="Inherent likelihood is empty"):
        service.create_risk(RiskDraft("Half", "CNCL", None, None, 2, 3, status=RiskStatus.DRAFT))
    # a draft that gives its inherent scores only takes them as current, as before
    whole = service.create_risk(RiskDraft("Whole", "CNCL", 3, 4, status=RiskStatus.DRAFT))
    assert (whole.current_likelihood, whole.current_impact, whole.current_score) == (3, 4, 12)


def test_an_unrated_draft_opens_only_once_scored(service: RegisterService) -> None:
    draft = service.create_risk(unrated("Late design freeze"))
    with pytest.raises(ValidationError, match="An open risk needs its inherent and current"):
        service.edit_risk(draft.uuid, draft.version, {"status": RiskStatus.OPEN})
    assert service.get_risk(draft.uuid) == draft
    scored = service.edit_risk(draft.uuid, draft.version, {
        "inherent_likelihood": 4, "inherent_impact": 3, "current_likelihood": 3,
        "current_impact": 3, "status": RiskStatus.OPEN,
    })  # fmt: skip
    assert (scored.status, scored.current_score, scored.unrated) == (RiskStatus.OPEN, 9, False)
    changed = {(c.field, c.old, c.new) for c in service.history(draft.uuid)}
    assert ("current_likelihood", None, "3") in changed and ("status", "Draft", "Open") in changed


def test_an_open_risk_cannot_have_its_scores_cleared(service: RegisterService) -> None:
    risk = service.create_risk(RiskDraft("Crane failure", "CNCL", 3, 4))
    with pytest.raises(ValidationError, match="Current likelihood is required"):
        service.edit_risk(risk.uuid, risk.version,
                          {"current_likelihood": None, "current_impact": None})  # fmt: skip
    draft = service.edit_risk(risk.uuid, risk.version, {"status": RiskStatus.DRAFT})
    with pytest.raises(ValidationError, match="Current impact is empty"):
        service.edit_risk(draft.uuid, draft.version, {"current_impact": None})
    assert service.get_risk(risk.uuid).current_score == 12


def test_the_database_refuses_an_unrated_risk_that_is_not_a_draft(
    service: RegisterService,
) -> None:
    """What a partner's login with psql (or a script with sqlite3) would try."""
    risk = service.create_risk(RiskDraft("Crane failure", "CNCL", 3, 4))
    draft = service.create_risk(unrated("Late design freeze"))
    engine = service._store.engine
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE risk SET current_likelihood = NULL, current_impact = NULL "
                          "WHERE uuid = :u"), {"u": risk.uuid})  # fmt: skip
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE risk SET status = 'Open' WHERE uuid = :u"), {"u": draft.uuid})
    assert service.get_risk(risk.uuid).current_score == 12
    assert service.get_risk(draft.uuid).status is RiskStatus.DRAFT


def test_a_register_of_the_previous_schema_upgrades_with_its_risks_actions_and_shares(
    demo_path: Path, tmp_path: Path
) -> None:
    """The migration rebuilds the risk table on SQLite; its actions and shares (which refer
    to it) are kept."""
    old = tmp_path / "old.riskreg"
    made = store._make_store(f"sqlite:///{old}", old, 1000)
    store.upgrade_to(made, "0005")
    made.close()
    tables = ("risk", "risk_share", "action", "change")
    with sqlite3.connect(demo_path) as source, sqlite3.connect(old) as target:
        for table in ("register", "partner", "category", "change_set", *tables):
            columns = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            rows = source.execute(f"SELECT {names} FROM {table}").fetchall()
            marks = ", ".join("?" * len(columns))
            target.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        target.execute(
            "UPDATE risk SET response = 'Treat' WHERE response IN "
            "('Exploit', 'Enhance', 'Share', 'Reject')"
        )  # no opportunities before 0009
        counts = {t: source.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        before = source.execute("SELECT * FROM action ORDER BY id").fetchall()
    source.close()
    target.close()
    service = open_service(old, ALICE)
    try:
        assert service.register_info().schema_version == migrations.HEAD
        with sqlite3.connect(old) as conn:
            assert {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in tables} == counts  # fmt: skip
            assert conn.execute("SELECT * FROM action ORDER BY id").fetchall() == before
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
        created = service.create_risk(unrated("After the upgrade"))
        assert created.unrated
    finally:
        service.close()


# -- where unrated drafts are shown apart ---------------------------------------------------
def test_heat_maps_count_unrated_drafts_apart(service: RegisterService) -> None:
    service.create_risk(RiskDraft("Rated", "CNCL", 3, 4, target_likelihood=2, target_impact=2))
    first = service.create_risk(unrated("First unrated"))
    second = service.create_risk(unrated("Second unrated", lead="APEX"))
    service.create_risk(RiskDraft("No target", "CNCL", 2, 2))
    current = service.heat_map(Basis.CURRENT)
    assert current.unrated == (first.ref, second.ref) and current.total == 2
    assert current.caption().endswith("— Unrated: 2")
    assert service.heat_map(Basis.INHERENT).unrated == (first.ref, second.ref)
    target = service.heat_map(Basis.TARGET)  # a risk with no target is not "unrated"
    assert (target.unrated, target.total) == ((), 1) and "Unrated" not in target.caption()
    assert service.heat_map(Basis.CURRENT, HeatFilter(partner="APEX")).unrated == (second.ref,)
    assert [p.ref for p in service.placed_risks(Basis.CURRENT)] == ["R-001", "R-004"]
    assert service.heat_movements(Basis.INHERENT, Basis.CURRENT) == []


def test_the_pack_lists_unrated_drafts_apart_and_ranks_only_scored_risks(
    service: RegisterService, tmp_path: Path
) -> None:
    from riskreg.render.report_pages import write_meeting_pack

    rated = service.create_risk(RiskDraft("Rated", "CNCL", 4, 4, category="Financial"))
    drafted = service.create_risk(unrated("Not scored yet", owner="Kim", category="Financial"))
    pack = gather_pack(service)
    assert [r.ref for r, _ in pack.top_risks] == [rated.ref]
    assert [r.ref for r in pack.unrated] == [drafted.ref]
    assert [r.ref for r, _ in pack.outside_appetite] == [rated.ref]
    assert pack.maps[0].heat.unrated == (drafted.ref,)
    out = tmp_path / "pack.pdf"
    write_meeting_pack(pack, out)
    from pypdf import PdfReader

    words = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "Unrated: 1 drafts not yet scored (on no heat map)" in words
    assert f"{drafted.ref} Not scored yet CNCL Kim" in words
    assert "Unrated: 1" in words.split("The joint register", 1)[1]  # the map's caption


def test_scheme_change_trends_reviews_and_snapshots_pass_over_unrated_drafts(
    service: RegisterService,
) -> None:
    draft = service.create_risk(unrated("Not scored"))
    rated = service.create_risk(RiskDraft("Rated", "CNCL", 5, 5))
    report = service.change_scheme(ScoringScheme.sized(4, 4))
    assert (report.total_risks, report.risks_with_levels_moved) == (2, 1)
    assert service.get_risk(draft.uuid).unrated
    assert service.trends() == {rated.uuid: -1}  # the scored risk moved 25 → 16
    assert service.changes_since(service.history(draft.uuid)[0].at).new == (draft.ref, rated.ref)
    reviewed = service.mark_reviewed(draft.uuid, service.get_risk(draft.uuid).version)
    assert reviewed.next_review == service.today() + timedelta(days=30)
    proposals = service.escalation_proposals(date.today() + timedelta(days=400))
    assert [r.ref for r, _ in proposals] == [rated.ref]  # in the top band; the draft in none
    risks = service.list_risks()
    snapshot = snapshot_document(
        register={"name": "x"}, scheme=service.scheme(), partners=service.list_partners(),
        risks=risks, actions=[], title="Board", held_on=date.today(),
        recorded_at=service.history(draft.uuid)[0].at, attendees=[], decisions=[],
    )  # fmt: skip
    entry = next(e for e in snapshot["risks"] if e["ref"] == draft.ref)
    assert (entry["inherent"], entry["current"], entry["band"]) == ([None, None],
                                                                    [None, None], None)  # fmt: skip
    scored = service.edit_risk(draft.uuid, reviewed.version, {
        "inherent_likelihood": 3, "inherent_impact": 4, "current_likelihood": 3,
        "current_impact": 4,
    })  # fmt: skip
    (moved,) = compare(snapshot, [scored, *(r for r in risks if r.uuid != draft.uuid)])
    assert (moved.ref, moved.what, moved.then, moved.now) == (
        draft.ref, "current score", "unrated", "12 (3×4)")  # fmt: skip


def test_an_exchange_workbook_carries_an_unrated_draft_and_changes_nothing_on_return(
    service: RegisterService, tmp_path: Path
) -> None:
    draft = service.create_risk(unrated("Not scored"))
    out = tmp_path / "all.xlsx"
    export_register(service, out)
    plan = plan_import(service, out)
    assert [i for i in plan.items if i.kind != "missing"] == []
    assert service.get_risk(draft.uuid).unrated


def test_the_register_file_is_unchanged_by_a_refused_unrated_open_risk(
    register_path: Path, service: RegisterService
) -> None:
    before = file_digest(register_path)
    with pytest.raises(ValidationError):
        service.create_risk(RiskDraft("Unscored", "CNCL", None, None))
    assert file_digest(register_path) == before
