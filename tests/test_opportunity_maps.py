"""Opportunities apart from threats: their own map in their own palette (pale to strong,
in order in greyscale), no appetite and no escalation proposals, and a pack section of
their own, while the threats' sections hold no opportunity; `check` names a response that
does not fit its risk's type."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QColor

from riskreg.audience import Audience
from riskreg.choices import Response, RiskKind
from riskreg.cli import main
from riskreg.governance import appetite_reasons
from riskreg.heatmap import Basis, HeatFilter, band_colours, opportunity_colours
from riskreg.render.report_pages import write_meeting_pack
from riskreg.report import gather_pack
from riskreg.service import RegisterService


@pytest.mark.parametrize("bands", [1, 2, 3, 4, 5, 6, 8, 10])
def test_the_opportunity_palette_darkens_band_by_band_so_greyscale_keeps_the_order(
    bands: int,
) -> None:
    colours = opportunity_colours(bands)
    assert len(colours) == bands
    grey = [QColor(c).lightnessF() for c in colours]
    if bands <= 9:  # the palette has nine steps to give; beyond, neighbours may share one
        assert grey == sorted(grey, reverse=True) and len(set(grey)) == bands
    hues = {QColor(c).hslHue() for c in colours if QColor(c).hslSaturationF() > 0.2}
    assert all(195 <= hue <= 215 for hue in hues)  # one blue hue, no red or green to confuse


def test_appetite_is_for_threats_an_opportunity_is_never_outside_it(
    demo: RegisterService,
) -> None:
    breaches = demo.appetite_breaches()
    threat = next(r for r in demo.list_risks() if r.uuid in breaches)
    as_opportunity = threat._replace(kind=RiskKind.OPPORTUNITY, response=Response.EXPLOIT)
    partnership = {c.name: c.appetite for c in demo.list_categories()}
    assert appetite_reasons(threat, demo.scheme(), partnership, {})
    assert appetite_reasons(as_opportunity, demo.scheme(), partnership, {}) == ()
    opportunities = {r.uuid for r in demo.list_risks() if r.kind is RiskKind.OPPORTUNITY}
    assert not opportunities & breaches.keys()
    later = date.today() + timedelta(days=3650)  # every risk long where it stands
    proposed = {r.uuid for r, _ in demo.escalation_proposals(later)}
    assert proposed and not proposed & opportunities


def test_each_map_counts_its_own_type_in_its_own_colours(demo: RegisterService) -> None:
    threats = demo.heat_map(Basis.CURRENT)
    opportunities = demo.heat_map(Basis.CURRENT, HeatFilter(kind=RiskKind.OPPORTUNITY))
    refs = {r.ref: r for r in demo.list_risks()}
    assert all(refs[ref].kind is RiskKind.THREAT for cell in threats.cells.values()
               for ref in cell)  # fmt: skip
    assert opportunities.total == 3
    assert all(refs[ref].kind is RiskKind.OPPORTUNITY for cell in opportunities.cells.values()
               for ref in cell)  # fmt: skip
    scheme = demo.scheme()
    assert opportunities.colours == band_colours(scheme, RiskKind.OPPORTUNITY)
    assert threats.colours == tuple(b.colour for b in scheme.bands)
    assert not demo.appetite_cells(Basis.CURRENT, HeatFilter(kind=RiskKind.OPPORTUNITY))


def test_the_pack_has_an_opportunities_section_and_its_threat_sections_hold_none(
    demo: RegisterService, tmp_path: Path
) -> None:
    pack = gather_pack(demo, audience=Audience.internal())
    kinds = {r.kind for r, _ in pack.top_risks} | {r.kind for r, _ in pack.outside_appetite}
    kinds |= {r.kind for r, _ in pack.proposals}
    assert kinds == {RiskKind.THREAT}
    assert all(m.heat.filter.kind is RiskKind.THREAT for m in pack.maps)
    assert pack.opportunity_map is not None and pack.opportunity_map.heat.total == 3
    assert [r.ref for r, _ in pack.top_opportunities] == [
        r.ref for r in sorted((r for r in demo.list_risks() if r.kind is RiskKind.OPPORTUNITY),
                              key=lambda r: (-(r.current_score or 0), r.number))]  # fmt: skip
    out = tmp_path / "pack.pdf"
    write_meeting_pack(pack, out)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)
    assert "Top 3 opportunities by current score" in text
    assert "Opportunity bands" in text and "Opportunities 3 open, on their own map" in text
    assert "Threats only: opportunities have their own section." in text


def test_the_command_line_draws_the_opportunities_map(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "opportunities.png"
    assert main(["heatmap", str(demo_path), str(out), "--type", "opportunities"]) == 0
    said = capsys.readouterr().out
    assert out.exists() and "open opportunities" in said and "3 opportunities" in said


def test_check_names_a_response_that_does_not_fit_its_type(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(demo_path) as conn:  # as another program might leave it
        ref = conn.execute("SELECT ref FROM risk WHERE kind = 'Opportunity' LIMIT 1").fetchone()[0]
        conn.execute("UPDATE risk SET response = 'Treat' WHERE ref = ?", (ref,))
    conn.close()
    main(["check", str(demo_path)])
    said = capsys.readouterr()
    assert f"a response that does not fit the risk's type on {ref}" in said.out + said.err
