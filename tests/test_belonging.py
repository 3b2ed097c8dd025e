"""Whose a risk is, one rule everywhere (``riskreg.belonging``): an Internal risk belongs to
its lead partner alone — no other partner holds a share of it or owns one of its actions —
and every lead partner holds part of its risk. Refused beside the field in the services and
the workbook, and by the server against a partner's psql; an older register's cases are
listed by check, offered a way out in the editor, and count for no other partner in the
filters, the heat maps and the packs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from riskreg.choices import Visibility
from riskreg.errors import ValidationError
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import plan_import
from riskreg.heatmap import Basis, HeatFilter
from riskreg.integrity import check_location
from riskreg.records import ActionDraft, RiskDraft
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE
from tests.exchange_helpers import edit

INTERNAL = Visibility.INTERNAL


def refused(service: RegisterService, call: object) -> list[tuple[str, str]]:
    """The problems of a refused write, after checking nothing was written."""
    before = service.register_info().revision
    with pytest.raises(ValidationError) as caught:
        call()  # type: ignore[operator]
    assert service.register_info().revision == before
    return [(p.field, p.message) for p in caught.value.problems]


def test_an_internal_risk_cannot_be_given_another_partners_share(
    service: RegisterService,
) -> None:
    (problem,) = refused(service, lambda: service.create_risk(RiskDraft(
        "Member pay dispute", "CNCL", 3, 3, visibility=INTERNAL,
        shares=(("CNCL", 60), ("APEX", 40)),
    )))  # fmt: skip
    assert problem == (
        "shares",
        "an Internal risk belongs to its lead partner alone: APEX "
        "cannot hold a share of it (make the risk Joint to share it)",
    )
    risk = service.create_risk(RiskDraft("Member pay dispute", "CNCL", 3, 3, visibility=INTERNAL))
    assert refused(service, lambda: service.edit_risk(
        risk.uuid, risk.version, {"shares": (("CNCL", 50), ("AQUA", 50))}
    ))[0][0] == "shares"  # fmt: skip
    joint = service.create_risk(RiskDraft("Shared", "CNCL", 2, 2,
                                          shares=(("CNCL", 50), ("APEX", 50))))  # fmt: skip
    (problem,) = refused(service, lambda: service.edit_risk(
        joint.uuid, joint.version, {"visibility": INTERNAL}
    ))  # fmt: skip
    assert problem[0] == "shares" and "APEX cannot hold a share" in problem[1]
    both = service.edit_risk(joint.uuid, joint.version,
                             {"visibility": INTERNAL, "shares": (("CNCL", 100),)})  # fmt: skip
    assert both.visibility is INTERNAL and both.shares == (("CNCL", 100),)


def test_another_partner_owns_no_action_of_an_internal_risk(service: RegisterService) -> None:
    risk = service.create_risk(RiskDraft("Member pay dispute", "CNCL", 3, 3, visibility=INTERNAL))
    (problem,) = refused(service, lambda: service.add_action(
        risk.uuid, ActionDraft("Brief the union", "APEX")
    ))  # fmt: skip
    assert problem == ("partner", f"{risk.ref} is Internal to CNCL: only CNCL owns its actions "
                                  "(make the risk Joint for APEX to own one)")  # fmt: skip
    own = service.add_action(risk.uuid, ActionDraft("Brief the union", "CNCL"))
    moved = refused(
        service, lambda: service.edit_action(own.uuid, own.version, {"partner": "AQUA"})
    )
    assert moved[0][0] == "partner"
    joint = service.create_risk(RiskDraft("Road closure", "CNCL", 2, 2))
    theirs = service.add_action(joint.uuid, ActionDraft("Signage", "APEX"))
    (problem,) = refused(service, lambda: service.edit_risk(
        joint.uuid, joint.version, {"visibility": INTERNAL}
    ))  # fmt: skip
    assert problem == ("visibility", f"an Internal risk belongs to its lead partner alone, but "
                                     f"{theirs.ref} (APEX) is owned by another partner: make the "
                                     "risk Joint, or give it to CNCL")  # fmt: skip
    (problem,) = refused(service, lambda: service.create_risk(RiskDraft(
        "New internal", "CNCL", 2, 2, visibility=INTERNAL,
        actions=(ActionDraft("Theirs", "APEX"),),
    )))  # fmt: skip
    assert problem[0] == "visibility" and "action 1 (APEX)" in problem[1]


def test_the_lead_partner_always_holds_part_of_its_risk(service: RegisterService) -> None:
    (problem,) = refused(service, lambda: service.create_risk(RiskDraft(
        "Led without a share", "CNCL", 2, 2, shares=(("APEX", 100),)
    )))  # fmt: skip
    assert problem == (
        "shares",
        "the lead partner CNCL must hold a share of the risk (more "
        "than 0 %): give it part of the split, or choose another lead",
    )
    risk = service.create_risk(RiskDraft("Shared", "CNCL", 2, 2,
                                         shares=(("CNCL", 50), ("APEX", 50))))  # fmt: skip
    (problem,) = refused(service, lambda: service.edit_risk(
        risk.uuid, risk.version, {"lead_partner": "AQUA"}
    ))  # fmt: skip
    assert problem[0] == "shares" and "AQUA must hold a share" in problem[1]


# -- an older register's cases ----------------------------------------------------------------
def legacy_register(demo_path: Path) -> str:
    """The demo as an older version could leave it: R-014 (Internal to CNCL) shared with
    APEX, one of its actions APEX's. Returns R-014's uuid."""
    with sqlite3.connect(demo_path) as conn:
        query = "SELECT id, uuid, lead_partner_id FROM risk WHERE ref = 'R-014'"
        rid, uuid, lead = conn.execute(query).fetchone()
        apex = conn.execute("SELECT id FROM partner WHERE code = 'APEX'").fetchone()[0]
        assert conn.execute("SELECT visibility FROM risk WHERE id = ?", [rid]).fetchone() == (
            "Internal",
        )
        conn.execute("UPDATE risk_share SET percent = 70 WHERE risk_id = ?", [rid])
        conn.execute("INSERT INTO risk_share (risk_id, partner_id, percent) VALUES (?, ?, 30)",
                     [rid, apex])  # fmt: skip
        conn.execute("UPDATE action SET partner_id = ? WHERE id = (SELECT min(id) FROM action "
                     "WHERE risk_id = ?)", [apex, rid])  # fmt: skip
    conn.close()
    assert lead != apex
    return str(uuid)


def test_check_lists_an_older_registers_internal_risk_shared_with_another_partner(
    demo_path: Path,
) -> None:
    legacy_register(demo_path)
    report = check_location(demo_path)
    assert report.ok  # a warning: the register opens, and says what to do
    (warning,) = [w for w in report.warnings if "Internal risk shared" in w]
    assert warning.startswith("an Internal risk shared with another partner: R-014 (open it")


def test_an_internal_risk_counts_for_no_other_partner_in_maps_filters_and_packs(
    demo_path: Path,
) -> None:
    from datetime import date

    from riskreg.audience import Audience
    from riskreg.report import gather_pack
    from ui.models.risk_filter import PreparedRisks, RiskFilter
    from ui.models.risk_table import TableContext

    uuid = legacy_register(demo_path)
    service = open_service(demo_path, ALICE)
    try:
        ref = service.get_risk(uuid).ref
        risks = service.list_risks()
        keeper = Audience.internal()  # the keeper's paper holds every risk, internal ones too
        apex_holds = {r.ref for r in risks if r.status.value != "Closed"
                      and r.kind.value == "Threat" and (  # the threats' map
            r.lead_partner == "APEX"
            or (r.visibility is Visibility.JOINT and r.share_of("APEX") > 0))}  # fmt: skip
        of_apex = HeatFilter(partner="APEX", audience=keeper)
        placed = {p.ref for p in service.placed_risks(Basis.CURRENT, of_apex)}
        assert ref not in placed and placed == apex_holds
        of_cncl = HeatFilter(partner="CNCL", audience=keeper)
        assert ref in {p.ref for p in service.placed_risks(Basis.CURRENT, of_cncl)}
        (apex_page,) = [m for m in gather_pack(service, audience=keeper).maps
                        if m.partner == "APEX"]  # fmt: skip
        assert apex_page.heat.total == len(apex_holds)
        table = PreparedRisks(risks, TableContext(service.scheme(), date.today()))
        shown = {r.ref for r in table.apply(RiskFilter(partner="APEX"))}
        assert ref not in shown and ref in {r.ref for r in table.apply(RiskFilter(partner="CNCL"))}
    finally:
        service.close()


def test_the_editor_offers_to_make_it_joint_or_keep_it_to_its_lead(
    qtbot: object, demo_path: Path
) -> None:
    from ui.document import RegisterDocument
    from ui.views.risk_editor import RiskEditor

    uuid = legacy_register(demo_path)
    document = RegisterDocument(open_service(demo_path, ALICE))
    editor = RiskEditor(document)
    qtbot.addWidget(editor)  # type: ignore[attr-defined]
    editor.show()
    editor.show_risk(uuid)
    notice = editor.belonging
    assert notice.isVisible() and "R-014 is Internal to CNCL, but APEX holds" in (
        notice.message.text()
    )
    assert notice.internal_button.text() == "Keep it to CNCL"
    notice.internal_button.click()  # APEX's action on it stops that, and it is said
    assert notice.problem.isVisible() and "owned by another partner" in notice.problem.text()
    assert document.service.get_risk(uuid).shares == (("APEX", 30), ("CNCL", 70))
    notice.joint_button.click()
    risk = document.service.get_risk(uuid)
    assert risk.visibility is Visibility.JOINT and not notice.isVisible()
    document.close()


# -- the workbook ----------------------------------------------------------------------------
def test_a_share_holders_workbook_changes_no_visibility_or_split(
    demo: RegisterService, tmp_path: Path
) -> None:
    """The keeper's import gives a workbook its partner's rights: a share-holder may edit
    the row, never whose the risk is."""
    shared = next(r for r in demo.list_risks()
                  if r.lead_partner != "APEX" and r.share_of("APEX") > 0)  # fmt: skip
    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    typed = {"Visibility": "Internal", "Shares": f"{shared.lead_partner} 100%",
             "Owner": "Typed by Apex"}  # fmt: skip
    edit(path, "Risks", shared.ref, typed)
    plan = plan_import(demo, path)
    kinds = {(i.kind, i.field) for i in plan.items if i.ref == shared.ref}
    assert kinds == {("rejected", "visibility"), ("rejected", "shares"), ("update", "owner")}
    message = next(i.message for i in plan.items if i.field == "visibility")
    assert message == (f"APEX may not change the visibility of {shared.ref}: only its lead "
                       f"partner, {shared.lead_partner}, does")  # fmt: skip


def test_a_lead_partners_workbook_cannot_share_its_internal_risk(
    demo: RegisterService, tmp_path: Path
) -> None:
    internal = next(r for r in demo.list_risks()
                    if r.lead_partner == "APEX" and r.visibility is INTERNAL)  # fmt: skip
    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    edit(path, "Risks", internal.ref, {"Shares": "APEX 60% / AQUA 40%"})
    plan = plan_import(demo, path)
    (error,) = [i for i in plan.items if i.kind == "error"]
    assert error.ref == internal.ref and error.field == "shares"
    assert "AQUA cannot hold a share" in error.message


# -- the server --------------------------------------------------------------------------------
def test_a_partners_psql_cannot_share_or_hand_out_its_internal_risk() -> None:
    import psycopg

    from tests.server_partnership import partnership, plain_sql, state

    with partnership() as found:
        before = state(found.owner)
        with plain_sql(found.logins["APEX"]) as conn:
            rid, lead = conn.execute(
                "SELECT r.id, r.lead_partner_id FROM risk r JOIN partner p ON "
                "p.id = r.lead_partner_id WHERE p.code = 'APEX' AND r.visibility = 'Internal' "
                "LIMIT 1").fetchone()  # fmt: skip
            aqua = conn.execute("SELECT id FROM partner WHERE code = 'AQUA'").fetchone()[0]

            def share_with_aqua() -> None:
                with conn.transaction():
                    conn.execute("UPDATE risk_share SET percent = 60 WHERE risk_id = %s", [rid])
                    conn.execute("INSERT INTO risk_share (risk_id, partner_id, percent) "
                                 "VALUES (%s, %s, 40)", [rid, aqua])  # fmt: skip

            with pytest.raises(psycopg.errors.CheckViolation) as caught:
                share_with_aqua()
            assert "belongs to its lead partner alone" in str(caught.value)
            joint = conn.execute(
                "SELECT r.id FROM risk r JOIN action a ON a.risk_id = r.id "
                "WHERE r.lead_partner_id = %s AND r.visibility = 'Joint' "
                "AND a.partner_id <> r.lead_partner_id LIMIT 1", [lead]).fetchone()  # fmt: skip
            assert joint is not None  # a joint risk with another partner's action stays Joint
            with pytest.raises(psycopg.errors.CheckViolation) as caught, conn.transaction():
                conn.execute("UPDATE risk SET visibility = 'Internal' WHERE id = %s",
                             [joint[0]])  # fmt: skip
            assert "belongs to its lead partner alone" in str(caught.value)
        assert state(found.owner) == before
