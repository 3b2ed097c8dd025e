"""Acceptances outside appetite on a server after ``server-setup``: the services' rules hold
for a partner's ``psql`` too (forging another partner's acceptance, backdating, editing or
removing one, reading an Internal risk's), and a raw INSERT is in the history."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import psycopg
import pytest

from riskreg.errors import RuleError
from riskreg.governance import AppetiteState
from riskreg.records import Actor
from riskreg.service import open_service
from tests.server_partnership import Partnership, one, partnership, plain_sql, state

TODAY = date.today()
INSERT = ("INSERT INTO public.risk_acceptance (uuid, risk_id, partner_id, accepted_by, "
          "justification, accepted_on, expires_on, version) VALUES (%s, %s, %s, %s, %s, %s, "
          "%s, 1)")  # fmt: skip


@pytest.fixture
def joint() -> Iterator[Partnership]:
    """The demo partnership; APEX's appetite level in Financial is Averse (appetite and
    tolerance Low), so R-013 (Very high; CNCL leads, APEX and AQUA share) exceeds both the
    partnership's (Cautious) and APEX's."""
    with partnership() as found:
        owner = open_service(found.owner, Actor("owner"))
        owner.set_partner_appetite("APEX", "Financial", "Averse")
        owner.close()
        yield found


def ids(p: Partnership) -> tuple[dict[str, int], dict[str, int]]:
    with plain_sql(p.owner) as conn:
        partners = dict(conn.execute("SELECT code, id FROM partner").fetchall())  # type: ignore[arg-type]
        risks = dict(conn.execute("SELECT ref, id FROM risk").fetchall())  # type: ignore[arg-type]
    return partners, risks


def refused(conn: psycopg.Connection, statement: str, params: object = None) -> str:
    try:
        conn.execute(statement, params)  # type: ignore[arg-type]
    except psycopg.Error as exc:
        return str(exc).splitlines()[0]
    raise AssertionError(f"the server accepted: {statement} {params}")


def row(risk_id: int, partner_id: int | None, days: int = 60, **over: object) -> list[object]:
    values: dict[str, object] = {
        "uuid": str(uuid.uuid4()), "risk": risk_id, "partner": partner_id, "by": "Forger",
        "why": "because", "on": TODAY, "until": TODAY + timedelta(days=days),
    }  # fmt: skip
    values.update(over)
    return list(values.values())


def test_a_partner_login_cannot_forge_an_acceptance_for_another_partner(
    joint: Partnership,
) -> None:
    partners, risks = ids(joint)
    before = state(joint.owner)
    with plain_sql(joint.logins["AQUA"]) as conn:  # AQUA shares R-013 but is not APEX
        assert "only its lead partner" in refused(
            conn, INSERT, row(risks["R-013"], partners["APEX"])
        )
    with plain_sql(joint.logins["APEX"]) as conn:  # APEX does not lead it
        assert "only its lead partner" in refused(conn, INSERT, row(risks["R-013"], None))
        assert "three years" in refused(conn, INSERT, row(risks["R-013"], partners["APEX"],
                                                          days=4 * 365))  # fmt: skip
        assert "after today" in refused(conn, INSERT, row(risks["R-013"], partners["APEX"],
                                                          days=0))  # fmt: skip
        assert "justification" in refused(conn, INSERT, row(risks["R-013"], partners["APEX"],
                                                            why="  "))  # fmt: skip
        # within APEX's appetite in Health & safety (it has none of its own there)
        assert "within the appetite" in refused(conn, INSERT, row(risks["R-001"],
                                                                  partners["APEX"]))  # fmt: skip
        # a risk APEX neither leads nor shares (AQUA leads R-028 with ARDN)
        foreign = row(risks["R-028"], partners["APEX"])
        assert "neither leads nor shares" in refused(conn, INSERT, foreign)
    assert state(joint.owner) == before


def test_a_partners_own_acceptance_by_psql_is_in_the_history_and_cannot_be_edited(
    joint: Partnership,
) -> None:
    partners, risks = ids(joint)
    with plain_sql(joint.logins["APEX"]) as conn:
        conn.execute(INSERT, row(risks["R-013"], partners["APEX"], by="P Apex", why="Hedged",
                                 on=TODAY - timedelta(days=400)))  # fmt: skip
        accepted_on = one(conn, "SELECT accepted_on FROM risk_acceptance")
        assert accepted_on == TODAY  # the server's clock: not backdated
        # the expiry is its next review at the latest, as the services set it
        assert one(conn, f"SELECT next_review FROM risk WHERE id = {risks['R-013']}") <= (
            TODAY + timedelta(days=60))  # fmt: skip
        assert "already" in refused(conn, INSERT, row(risks["R-013"], partners["APEX"]))
        assert "permission denied" in refused(
            conn, "UPDATE public.risk_acceptance SET justification = 'edited'"
        )
        assert "permission denied" in refused(conn, "DELETE FROM public.risk_acceptance")
        # withdrawn on the server's date, whatever date the login writes
        conn.execute("UPDATE public.risk_acceptance SET withdrawn_on = '1990-01-01'")
        assert one(conn, "SELECT withdrawn_on FROM risk_acceptance") == TODAY
        assert "never changed" in refused(
            conn, "UPDATE public.risk_acceptance SET withdrawn_on = NULL"
        )
    with plain_sql(joint.owner) as conn:
        logged = conn.execute(
            "SELECT c.old, c.new, s.login FROM change c JOIN change_set s "
            "ON s.id = c.change_set_id WHERE c.field = 'acceptance:APEX' ORDER BY c.id"
        ).fetchall()
    until = (TODAY + timedelta(days=60)).isoformat()
    text = f"Accepted for APEX by P Apex until {until}: Hedged"
    assert [(old, new) for old, new, _ in logged] == [
        (None, text),
        (text, f"Withdrawn for APEX on {TODAY.isoformat()}"),
    ]
    assert {login for _, _, login in logged} == {joint.login("APEX")}


def test_the_services_accept_on_a_server_as_on_a_file_for_the_permitted_logins(
    joint: Partnership,
) -> None:
    apex = open_service(joint.logins["APEX"], Actor("P Apex", "APEX"))
    aqua = open_service(joint.logins["AQUA"], Actor("Q Aqua", "AQUA"))
    try:
        risk = apex.find_risk("R-013")
        done = apex.accept_risk(risk.uuid, risk.version, "APEX", "P Apex", "Hedged",
                                TODAY + timedelta(days=30))  # fmt: skip
        assert [a.scope for a in done.acceptances] == ["APEX"]
        assert done.next_review is not None and done.next_review <= TODAY + timedelta(days=30)
        standing = apex.appetite_breaches()[risk.uuid].findings
        assert [f.scope for f in standing] == [None]  # the partnership's breach stands
        with pytest.raises(RuleError, match="only its lead partner"):
            apex.accept_risk(done.uuid, done.version, None, "P Apex", "x",
                             TODAY + timedelta(days=30))  # fmt: skip
        with pytest.raises(RuleError, match="only its lead partner"):
            aqua.withdraw_acceptance(risk.uuid, "APEX")
        history = [c.new for c in aqua.risk_history(risk.uuid).changes
                   if c.field == "acceptance:APEX"]  # fmt: skip
        assert history == [f"Accepted for APEX by P Apex until "
                           f"{(TODAY + timedelta(days=30)).isoformat()}: Hedged"]  # fmt: skip
    finally:
        apex.close()
        aqua.close()


def test_a_partner_sees_no_acceptance_of_another_partners_internal_risk(
    joint: Partnership,
) -> None:
    partners, risks = ids(joint)
    with plain_sql(joint.logins["CNCL"]) as conn:  # CNCL's Internal risk
        conn.execute(INSERT, row(risks["R-014"], None, by="C Council", why="Ours alone"))
    with plain_sql(joint.logins["APEX"]) as conn:
        assert one(conn, "SELECT count(*) FROM risk_acceptance") == 0
        assert one(conn, "SELECT count(*) FROM change WHERE field LIKE 'acceptance%'") == 0
        # nor accept that risk for itself; the refusal does not name it
        message = refused(conn, INSERT, row(risks["R-014"], partners["APEX"]))
        assert "no such risk" in message and "R-014" not in message
    apex = open_service(joint.logins["APEX"], Actor("P Apex", "APEX"))
    try:
        assert apex.acceptances() == []
    finally:
        apex.close()


def test_a_partner_cannot_accept_an_opportunity_to_cover_it_once_it_is_a_threat(
    joint: Partnership,
) -> None:
    """Appetite is for threats: an acceptance of an opportunity would lie dormant and cover
    the breach the day its lead made it a threat."""
    partners, risks = ids(joint)
    with plain_sql(joint.owner) as conn:
        lead, kind = conn.execute(
            "SELECT p.code, r.kind FROM risk r JOIN partner p ON p.id = r.lead_partner_id "
            "WHERE r.ref = 'R-040'"
        ).fetchone()  # type: ignore[misc]
    assert kind == "Opportunity"
    before = state(joint.owner)
    with plain_sql(joint.logins[lead]) as conn:
        for scope in (None, partners[lead]):
            message = refused(conn, INSERT, row(risks["R-040"], scope, by="P Lead"))
            assert "an opportunity is above no appetite" in message
    assert state(joint.owner) == before


def test_may_accept_says_nothing_of_the_ids_of_risks_a_partner_cannot_see(
    joint: Partnership,
) -> None:
    partners, risks = ids(joint)
    with plain_sql(joint.logins["APEX"]) as conn:
        hidden = conn.execute(
            "SELECT g FROM generate_series(1, %s) g WHERE riskreg_may_accept(g, %s) "
            "AND g NOT IN (SELECT id FROM risk)",
            [max(risks.values()) + 5, partners["APEX"]],
        ).fetchall()
        assert hidden == []
        # where it may: a risk it sees, for its own appetite
        assert one(conn, f"SELECT riskreg_may_accept({risks['R-013']}, {partners['APEX']})")


def test_two_acceptances_of_one_risk_in_one_transaction_are_two_entries_of_its_history(
    joint: Partnership,
) -> None:
    owner = open_service(joint.owner, Actor("owner"))
    owner.set_partner_appetite("CNCL", "Financial", "Averse")
    owner.close()
    partners, risks = ids(joint)
    with plain_sql(joint.logins["CNCL"]) as conn, conn.transaction():
        conn.execute(INSERT, row(risks["R-013"], None, by="C Council", why="Joint"))
        conn.execute(INSERT, row(risks["R-013"], partners["CNCL"], by="C Council", why="Ours"))
    with plain_sql(joint.owner) as conn:
        logged = conn.execute(
            "SELECT field, new FROM change WHERE field LIKE 'acceptance%' ORDER BY id"
        ).fetchall()
    until = (TODAY + timedelta(days=60)).isoformat()
    assert logged == [
        ("acceptance", f"Accepted for the partnership by C Council until {until}: Joint"),
        ("acceptance:CNCL", f"Accepted for CNCL by C Council until {until}: Ours"),
    ]


@pytest.mark.parametrize("stored_mapping", [True, False], ids=["mapping", "no-mapping"])
def test_a_partner_cannot_accept_for_a_level_whose_appetite_band_the_risk_does_not_exceed(
    joint: Partnership, stored_mapping: bool
) -> None:
    """R-013 is Very high: Eager's appetite is Very high (nothing to accept), Open's is High
    (above appetite, within its tolerance of Very high: a warning it may accept). A scheme
    stored without the levels' mapping judges by the default one, as the window does."""
    partners, risks = ids(joint)
    if not stored_mapping:
        with plain_sql(joint.owner) as conn:
            conn.execute(
                "UPDATE register SET scheme_json = (scheme_json::jsonb - 'appetite')::text"
            )
            assert one(conn, "SELECT scheme_json::jsonb ? 'appetite' FROM register") is False
    owner = open_service(joint.owner, Actor("owner"))
    owner.set_partner_appetite("APEX", "Financial", "Eager")
    owner.close()
    before = state(joint.owner)
    with plain_sql(joint.logins["APEX"]) as conn:
        assert "within the appetite of APEX" in refused(
            conn, INSERT, row(risks["R-013"], partners["APEX"])
        )
    assert state(joint.owner) == before
    owner = open_service(joint.owner, Actor("owner"))
    owner.set_partner_appetite("APEX", "Financial", "Open")
    risk = owner.find_risk("R-013")
    findings = owner.appetite_breaches()[risk.uuid].findings
    owner.close()
    # the services judge it so too: a warning of APEX's (the server agrees below)
    assert [f.state for f in findings if f.scope == "APEX"] == [AppetiteState.WARNING]
    with plain_sql(joint.logins["APEX"]) as conn:
        conn.execute(INSERT, row(risks["R-013"], partners["APEX"], by="P Apex", why="Hedged"))
    with plain_sql(joint.owner) as conn:
        assert one(conn, "SELECT count(*) FROM risk_acceptance WHERE partner_id = %s",
                   (partners["APEX"],)) == 1  # fmt: skip
