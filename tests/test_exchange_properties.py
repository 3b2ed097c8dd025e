"""Properties of the exchange: a round trip is empty, and an import reports exactly the
edits made, for registers and edits hypothesis makes up."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from riskreg.choices import ActionStatus, Proximity, RiskKind, RiskStatus, Visibility, responses_for
from riskreg.exchange.columns import ACTION_COLUMNS, RISK_COLUMNS, Column
from riskreg.exchange.export import export_register
from riskreg.exchange.importer import plan_import
from riskreg.exchange.values import read
from riskreg.records import ActionDraft, CategoryRecord, PartnerRecord, RiskDraft
from riskreg.scoring import ScoringScheme
from riskreg.service import RegisterService, create_register
from tests.conftest import ALICE

PARTNERS = ("CNCL", "APEX", "AQUA")
CATEGORIES = ("Financial", "Safety", "=Odd category")
SCHEME = ScoringScheme.default()

awkward = st.sampled_from(["=1+1", "+44 20 7946 0000", "-minus", "@handle", "0042", "1e5",
                           "Ünïcödé ✓", "עברית ومعها العربية", "🚧 roadworks", "a\nb"])  # fmt: skip
plain = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"),
    min_size=1,
    max_size=40,
)
texts = st.one_of(plain, awkward)
titles = texts.filter(lambda t: bool(t.strip()))
levels = st.integers(1, 5)
dates = st.dates(date(1990, 1, 1), date(2090, 12, 31))
# A review took place on or before today; the service refuses one after it.
past_dates = st.dates(date(1990, 1, 1), date.today())
splits = st.sampled_from([None, (60, 40), (1, 99)])
"""No split, or the lead's percentage and another partner's."""


@st.composite
def drafts(draw: st.DrawFn) -> RiskDraft:
    has_target = draw(st.booleans())
    likely = draw(st.none() | st.integers(0, 10**9))
    lead = draw(st.sampled_from(PARTNERS))
    visibility = draw(st.sampled_from(list(Visibility)))
    internal = visibility is Visibility.INTERNAL  # its lead partner's alone: riskreg.belonging
    split = None if internal else draw(splits)
    other = draw(st.sampled_from([p for p in PARTNERS if p != lead]))
    owners = st.just(lead) if internal else st.sampled_from(PARTNERS)
    return RiskDraft(
        title=draw(titles),
        lead_partner=lead,
        inherent_likelihood=draw(levels),
        inherent_impact=draw(levels),
        current_likelihood=draw(levels),
        current_impact=draw(levels),
        description=draw(st.one_of(st.just(""), texts)),
        owner=draw(st.one_of(st.just(""), titles)),
        category=draw(st.none() | st.sampled_from(CATEGORIES)),
        status=draw(st.sampled_from([RiskStatus.DRAFT, RiskStatus.OPEN])),
        shares=None if split is None else tuple(sorted(((lead, split[0]), (other, split[1])))),
        visibility=visibility,
        kind=(kind := draw(st.sampled_from(list(RiskKind)))),
        response=draw(st.sampled_from(responses_for(kind))),
        target_likelihood=draw(levels) if has_target else None,
        target_impact=draw(levels) if has_target else None,
        target_date=draw(st.none() | dates),
        proximity=draw(st.none() | st.sampled_from(list(Proximity))),
        cost_likely=likely,
        last_reviewed=draw(st.none() | past_dates),
        actions=tuple(
            ActionDraft(
                description=draw(titles),
                partner=draw(owners),
                due_date=draw(st.none() | dates),
                status=draw(st.sampled_from(list(ActionStatus))),
                progress=draw(st.integers(0, 100)),
            )
            for _ in range(draw(st.integers(0, 2)))
        ),
    )


def new_register(folder: Path, risks: list[RiskDraft]) -> RegisterService:
    service = create_register(
        folder / "prop.riskreg",
        ALICE,
        name="Property alliance",
        partners=[PartnerRecord(code, f"Partner {code}") for code in PARTNERS],
        keeper="CNCL",
        categories=[CategoryRecord(name) for name in CATEGORIES],
    )
    service.create_risks(risks)
    return service


SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SLOW
@given(risks=st.lists(drafts(), min_size=0, max_size=8))
def test_any_register_exported_and_imported_unchanged_gives_no_items(
    risks: list[RiskDraft],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        service = new_register(Path(tmp), risks)
        try:
            for partner in (None, "APEX"):
                path = Path(tmp) / f"{partner}.xlsx"
                export_register(service, path, partner)
                plan = plan_import(service, path)
                assert plan.items == (), [(i.kind, i.ref, i.field, i.message) for i in plan.items]
        finally:
            service.close()


def value_for(column: Column) -> st.SearchStrategy[Any]:
    """Values a person could type into an editable column, all of them valid."""
    kind = column.kind
    if column.field == "title" or (column.field == "description" and column in ACTION_COLUMNS):
        return titles
    if kind in ("text", "longtext"):
        return st.one_of(st.just(""), texts)
    if kind in ("likelihood", "impact"):
        labels = SCHEME.likelihood if kind == "likelihood" else SCHEME.impact
        return st.one_of(levels, st.sampled_from([f"{lv.value} - {lv.label}" for lv in labels]),
                         st.sampled_from([lv.label for lv in labels]))  # fmt: skip
    if column.field == "response":  # one that fits the row's type, chosen in the test
        return st.integers(0, 3).map(lambda n: ResponseFor(n))
    if kind == "enum":
        assert column.enum_type is not None
        members = [m for m in column.enum_type if m is not RiskStatus.CLOSED]
        return st.sampled_from([str(m.value) for m in members])
    if kind == "category":
        return st.sampled_from(CATEGORIES)
    if kind == "date":
        return st.one_of(dates, dates.map(lambda d: d.strftime("%d/%m/%Y")))
    if kind == "percent":
        return st.integers(0, 100)
    if kind == "shares":  # the row's lead always holds a share (riskreg.belonging)
        return st.sampled_from(["{lead} 100%", "{lead} 50% / {other} 50%", "{other}:30, {lead}:70"])
    raise AssertionError(kind)


@dataclass(frozen=True)
class ResponseFor:
    """The n-th response of whatever type the edited row is."""

    n: int


def fitted(value: Any, record: Any) -> Any:
    """A drawn value made to fit the edited row: its type's response, its lead's split (an
    Internal risk's is its lead's alone); a change of type is tested on its own, with its
    response (tests/test_exchange_opportunities.py); so is making a risk Internal, which
    another partner's share or a split edited in the same workbook would refuse
    (tests/test_belonging.py)."""
    if value == Visibility.INTERNAL.value:
        return Visibility.JOINT.value
    if isinstance(value, ResponseFor):
        return responses_for(record.kind)[value.n].value
    if isinstance(value, str) and "{lead}" in value:
        if record.visibility is Visibility.INTERNAL:
            return f"{record.lead_partner} 100%"
        other = next(p for p in PARTNERS if p != record.lead_partner)
        return value.format(lead=record.lead_partner, other=other)
    return value


EDITABLE_RISK = [c for c in RISK_COLUMNS if c.editable and c.field != "kind"
                 and not c.field.startswith(("cost", "target_"))]  # fmt: skip
EDITABLE_ACTION = [c for c in ACTION_COLUMNS if c.editable]


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, int, Column, Any]]:
    chosen = []
    for _ in range(draw(st.integers(1, 6))):
        sheet = draw(st.sampled_from(["Risks", "Actions"]))
        column = draw(st.sampled_from(EDITABLE_RISK if sheet == "Risks" else EDITABLE_ACTION))
        chosen.append((sheet, draw(st.integers(0, 50)), column, draw(value_for(column))))
    return chosen


@SLOW
@given(risks=st.lists(drafts(), min_size=1, max_size=6), changes=edits())
def test_an_import_reports_exactly_the_cells_a_partner_edited(
    risks: list[RiskDraft], changes: list[tuple[str, int, Column, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        service = new_register(Path(tmp), risks)
        try:
            path = Path(tmp) / "all.xlsx"
            export_register(service, path)  # the whole register: the keeper may edit all
            records = {
                "Risks": {r.ref: r for r in service.list_risks()},
                "Actions": {a.ref: a for a in service.list_actions()},
            }
            book = load_workbook(path)
            expected: dict[tuple[str, str], Any] = {}
            for sheet, pick, column, value in changes:
                ws = book[sheet]
                if ws.max_row < 2 or not records[sheet]:
                    continue
                row = 2 + pick % (ws.max_row - 1)
                headers = [c.value for c in ws[1]]
                ref = ws.cell(row, 1).value
                cell = ws.cell(row, headers.index(column.header) + 1)
                value = fitted(value, records[sheet][ref])
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # typed with a leading apostrophe: text
                new = read(column, value, SCHEME)
                old = getattr(records[sheet][ref], column.field)
                expected[(ref, column.field)] = new if new != old else None
            book.save(path)
            wanted = {key: new for key, new in expected.items() if new is not None}

            event(
                f"edits that change a value: {min(len(wanted), 3)}{'+' if len(wanted) > 3 else ''}"
            )
            plan = plan_import(service, path)
            found = {(i.ref, i.field): i.new for i in plan.items}
            assert [i.kind for i in plan.items] == ["update"] * len(plan.items), [
                i.message for i in plan.items
            ]
            assert found == wanted
        finally:
            service.close()
