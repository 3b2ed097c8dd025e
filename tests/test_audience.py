"""No paper goes to the wrong reader: an Internal risk never appears in a pack or heat map
meant for anyone but its lead partner (and the keeper's internal pack, marked so on every
page). Read back with pdftotext, page by page, from random registers."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from riskreg.audience import INTERNAL_MARKING, Audience
from riskreg.choices import Visibility
from riskreg.cli import main
from riskreg.heatmap import Basis, HeatFilter
from riskreg.records import ActionDraft, PartnerRecord, RiskDraft
from riskreg.render.files import HeatMapRequest, write_heat_map
from riskreg.render.report_pages import write_meeting_pack
from riskreg.report import gather_pack
from riskreg.service import RegisterService, create_register
from tests.conftest import ALICE

PARTNERS = ("CNCL", "APEX", "AQUA")
pytestmark = pytest.mark.usefixtures("qapp")  # the widgets' QApplication, made before any render
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) reads the PDFs back"
)


def pdf_pages(path: Path) -> list[str]:
    """Every page's text, as pdftotext reads it (a form feed between pages)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@st.composite
def registers(draw: st.DrawFn) -> list[tuple[str, bool, int, int, bool]]:
    """Risks as (lead, internal, likelihood, impact, with an overdue action)."""
    return draw(st.lists(
        st.tuples(st.sampled_from(PARTNERS), st.booleans(), st.integers(1, 5),
                  st.integers(1, 5), st.booleans()),
        min_size=1, max_size=14,
    ))  # fmt: skip


def _build(tmp: Path, risks: list[tuple[str, bool, int, int, bool]]) -> RegisterService:
    service = create_register(
        tmp / "r.riskreg", ALICE, name="Audience test",
        partners=[PartnerRecord(code, f"Partner {code}") for code in PARTNERS], keeper="CNCL",
    )  # fmt: skip
    past = date.today() - timedelta(days=30)
    drafts = [
        RiskDraft(
            title=f"TITLE{n}X{lead}", lead_partner=lead, inherent_likelihood=5,
            inherent_impact=5, current_likelihood=lik, current_impact=imp,
            owner=f"OWNER{n}X", controls=f"CONTROLS{n}X", cost_likely=1000 * (n + 1),
            visibility=Visibility.INTERNAL if internal else Visibility.JOINT,
            actions=(ActionDraft(f"ACTION{n}X", lead, due_date=past if overdue else None),),
        )
        for n, (lead, internal, lik, imp, overdue) in enumerate(risks)
    ]  # fmt: skip
    uuids = service.create_risks(drafts)
    service.record_joint_review("Board", date.today() - timedelta(days=10))
    for uuid in uuids[::2]:  # some move after the review, so every list has something
        record = service.get_risk(uuid)
        service.edit_risk(uuid, record.version,
                          {"current_likelihood": 6 - record.current_likelihood})  # fmt: skip
    return service


def _secrets(n: int, ref: str) -> tuple[str, ...]:
    return (f"TITLE{n}X", f"OWNER{n}X", f"CONTROLS{n}X", f"ACTION{n}X", ref)


def _holds(text: str, secret: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(secret)}(?!\d)", text) is not None


@needs_pdftotext
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(risks=registers(), reader=st.sampled_from(PARTNERS))
def test_no_internal_risk_reaches_a_pack_or_map_for_anyone_but_its_lead_partner(
    risks: list[tuple[str, bool, int, int, bool]], reader: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        service = _build(tmp, risks)
        try:
            refs = [r.ref for r in service.list_risks()]
            joint, partner = Audience.joint(), Audience.for_partner(reader)
            papers: dict[str, tuple[Audience, list[str]]] = {}
            for name, audience in (("joint", joint), ("partner", partner),
                                   ("internal", Audience.internal())):  # fmt: skip
                out = tmp / f"{name}.pdf"
                write_meeting_pack(gather_pack(service, audience=audience), out)
                papers[f"pack {name}"] = (audience, pdf_pages(out))
            for name, audience in (("joint", joint), ("partner", partner)):
                wanted = HeatFilter(audience=audience)
                request = HeatMapRequest(
                    service.heat_map(Basis.CURRENT, wanted), title="Audience test",
                    key=tuple(service.placed_risks(Basis.CURRENT, wanted)),
                    arrows=tuple(service.travel_movements(wanted)[1]), arrows_label="moves",
                )  # fmt: skip
                out = tmp / f"map {name}.pdf"
                write_heat_map(request, out)
                papers[f"map {name}"] = (audience, pdf_pages(out))
        finally:
            service.close()
        hidden = sum(internal and lead != reader for lead, internal, *_ in risks)
        event(f"internal risks of other partners: {min(hidden, 3)}{'+' * (hidden > 3)}")
        for paper, (audience, pages) in papers.items():
            assert pages, paper
            for n, (lead, internal, *_) in enumerate(risks):
                admitted = audience.admits(
                    Visibility.INTERNAL if internal else Visibility.JOINT, lead
                )
                for page_number, page in enumerate(pages, start=1):
                    for secret in _secrets(n, refs[n]):
                        if not admitted:
                            assert not _holds(page, secret), (paper, page_number, secret)
                if admitted:
                    # every risk the reader may see is in the key of the register's map
                    assert any(_holds(page, f"TITLE{n}X{lead}") for page in pages), (paper, n)
        for page in papers["pack internal"][1]:
            assert INTERNAL_MARKING in page
        for page in papers["pack partner"][1]:
            assert f"For {reader} only" in page


def test_the_keepers_internal_pack_holds_everything_and_says_so_on_every_page(
    demo: RegisterService, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) reads the PDFs back")
    internal = [r for r in demo.list_risks()
                if r.visibility is Visibility.INTERNAL and r.status.value != "Closed"]  # fmt: skip
    assert internal
    out = tmp_path / "internal.pdf"
    pages = write_meeting_pack(gather_pack(demo, audience=Audience.internal()), out)
    texts = pdf_pages(out)
    assert len(texts) == pages
    assert all(INTERNAL_MARKING in text for text in texts)
    whole = " ".join(" ".join(text.split()) for text in texts)
    assert all(r.ref in whole for r in internal)
    joint = " ".join(" ".join(text.split()) for text in pdf_pages(_joint_pack(demo, tmp_path)))
    assert not any(_holds(joint, r.ref) for r in demo.list_risks()
                   if r.visibility is Visibility.INTERNAL)  # fmt: skip
    assert INTERNAL_MARKING not in joint


def _joint_pack(service: RegisterService, tmp_path: Path) -> Path:
    out = tmp_path / "joint.pdf"
    write_meeting_pack(gather_pack(service), out)
    return out


def test_the_command_line_takes_an_audience_and_refuses_an_unknown_one(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pypdf import PdfReader

    out = tmp_path / "apex.pdf"
    assert main(["report", str(demo_path), str(out), "--audience", "APEX"]) == 0
    first = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "For APEX only" in first
    assert main(["heatmap", str(demo_path), str(tmp_path / "m.pdf"), "--audience", "internal"]) == 0
    caption = " ".join(PdfReader(tmp_path / "m.pdf").pages[0].extract_text().split())
    assert "every risk, joint and internal" in caption and INTERNAL_MARKING in caption
    for command, target in (("report", "x.pdf"), ("heatmap", "x.png")):
        assert main([command, str(demo_path), str(tmp_path / target), "--audience", "NOPE"]) == 1
        assert "is not joint, internal or a partner code" in capsys.readouterr().err
        assert not (tmp_path / target).exists()
