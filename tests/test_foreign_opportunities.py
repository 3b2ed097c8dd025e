"""Another register's opportunities come in as opportunities, however it says so: a type
column (Type, Threat/Opportunity, + / −), a category "Opportunity", an opportunity's
response, or the sign of the impact (negative impacts, or + / − scores); each is said in
the preview, and the impact comes in at its absolute value."""

from __future__ import annotations

from pathlib import Path

from riskreg.choices import Response, RiskKind
from riskreg.exchange.foreign import apply_foreign, plan_foreign
from riskreg.service import RegisterService
from tests.foreign_workbooks import write


def by_title(plan: object) -> dict[str, object]:
    return {d.title: d for d in plan.drafts}  # type: ignore[attr-defined]


def test_a_type_column_says_threat_or_opportunity_and_the_responses_follow(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = write(tmp_path / "typed.xlsx", [
        ["Risk", "Threat/Opportunity", "Likelihood", "Impact", "Response"],
        ["Contractor insolvency", "Threat", 4, 4, "Mitigate"],
        ["Shared depot with the water company", "Opportunity", 3, 4, "Share"],
        ["Grant for cycle lanes", "Upside", 2, 5, ""],
        ["Reuse of planings", "+", 3, 3, "Reduce"],
        ["Noise complaints", "−", 3, 2, "Share"],
    ])  # fmt: skip
    plan = plan_foreign(demo, path, partner="APEX")
    made = by_title(plan)
    kinds = {t: (d.kind, d.response) for t, d in made.items()}  # type: ignore[attr-defined]
    assert kinds == {
        "Contractor insolvency": (RiskKind.THREAT, Response.TREAT),
        "Shared depot with the water company": (RiskKind.OPPORTUNITY, Response.SHARE),
        "Grant for cycle lanes": (RiskKind.OPPORTUNITY, Response.EXPLOIT),
        "Reuse of planings": (RiskKind.OPPORTUNITY, Response.ENHANCE),  # reduce ↔ enhance
        "Noise complaints": (RiskKind.THREAT, Response.TRANSFER),  # share, for a threat
    }
    said = [i.message for i in plan.items if i.kind == "read" and i.field == "response"]
    assert any("for this opportunity: Enhance" in m for m in said)
    uuids = apply_foreign(demo, plan)
    stored = {r.title: r for r in demo.list_risks() if r.uuid in uuids}
    assert stored["Shared depot with the water company"].kind is RiskKind.OPPORTUNITY
    assert stored["Contractor insolvency"].kind is RiskKind.THREAT


def test_a_category_or_response_saying_opportunity_makes_one_and_is_no_category(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = write(tmp_path / "cats.xlsx", [
        ["Risk", "Category", "Probability", "Severity", "Strategy"],
        ["Early handover of phase 1", "Opportunity", 3, 3, ""],
        ["Sponsorship of the visitor centre", "Stakeholders", 2, 3, "Exploit"],
        ["Flood on the access road", "Environmental", 3, 4, "Treat"],
    ])  # fmt: skip
    plan = plan_foreign(demo, path, partner="APEX")
    made = by_title(plan)
    early = made["Early handover of phase 1"]
    assert (early.kind, early.category) == (RiskKind.OPPORTUNITY, None)  # type: ignore[attr-defined]
    sponsor = made["Sponsorship of the visitor centre"]
    assert sponsor.kind is RiskKind.OPPORTUNITY  # type: ignore[attr-defined]
    assert made["Flood on the access road"].kind is RiskKind.THREAT  # type: ignore[attr-defined]
    read = {(i.cell, i.message) for i in plan.items if i.kind == "read"}
    assert ("B2", "“Opportunity”: an opportunity (a type here, not a category)") in read
    assert any(cell == "E3" and "an opportunity's response" in m for cell, m in read)
    assert "Opportunity" not in plan.new_categories


def test_opportunities_recorded_as_negative_impacts_come_in_at_the_absolute_score(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = write(tmp_path / "signed.xlsx", [
        ["Risk", "Likelihood", "Impact"],
        ["Contractor insolvency", 4, 4],
        ["Early handover of phase 1", 3, -3],
        ["Sponsorship of the visitor centre", 2, "-4"],
    ])  # fmt: skip
    plan = plan_foreign(demo, path, partner="APEX")
    made = by_title(plan)
    assert {t: (d.kind, d.current_impact) for t, d in made.items()} == {  # type: ignore[attr-defined]
        "Contractor insolvency": (RiskKind.THREAT, 4),
        "Early handover of phase 1": (RiskKind.OPPORTUNITY, 3),
        "Sponsorship of the visitor centre": (RiskKind.OPPORTUNITY, 4),
    }
    assert plan.count("error") == 0
    assert any("records opportunities as negative impacts: 2 rows come in as opportunities"
               in n for n in plan.notes)  # fmt: skip
    (first, second) = [
        i for i in plan.items if i.kind == "read" and "signs its impacts" in i.message
    ]
    assert (first.cell, second.cell) == ("C3", "C4")
    assert "opportunity at impact 3" in first.message


def test_plus_and_minus_impacts_are_positive_and_negative_risks(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = write(tmp_path / "pmbok.xlsx", [
        ["Risk", "Probability", "Impact"],
        ["Contractor insolvency", 4, "-4"],
        ["Early handover of phase 1", 3, "+3"],
    ])  # fmt: skip
    plan = plan_foreign(demo, path, partner="APEX")
    made = by_title(plan)
    assert {t: (d.kind, d.current_impact) for t, d in made.items()} == {  # type: ignore[attr-defined]
        "Contractor insolvency": (RiskKind.THREAT, 4),
        "Early handover of phase 1": (RiskKind.OPPORTUNITY, 3),
    }
    assert any("signs its impacts (+ an opportunity, − a threat)" in n for n in plan.notes)


def test_a_type_column_of_raid_kinds_or_categories_still_reads_as_before(
    demo: RegisterService, tmp_path: Path
) -> None:
    path = write(tmp_path / "types.xlsx", [
        ["Risk", "Type", "Likelihood", "Impact"],
        ["Contractor insolvency", "Financial", 4, 4],
        ["Late steel delivery", "Issue", 3, 3],
    ])  # fmt: skip
    plan = plan_foreign(demo, path, partner="APEX")
    (only,) = plan.drafts
    assert (only.title, only.category, only.kind) == ("Contractor insolvency", "Financial",
                                                      RiskKind.THREAT)  # fmt: skip
    assert [i.message.split(",")[0] for i in plan.items if i.kind == "skipped"] == [
        "a RAID log's issue"]  # fmt: skip
