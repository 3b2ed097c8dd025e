"""The meeting pack: one PDF with the pages it promises, from the command line."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from riskreg.cli import main
from riskreg.report import gather_pack
from riskreg.service import RegisterService, open_service
from tests.conftest import ALICE


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def test_the_pack_has_cover_maps_per_partner_and_every_section(
    demo_path: Path, tmp_path: Path, demo: RegisterService
) -> None:
    out = tmp_path / "pack.pdf"
    since = date.today() - timedelta(days=60)
    assert main(["report", str(demo_path), str(out), "--since", since.isoformat()]) == 0
    texts = page_texts(out)
    partners = [p for p in demo.list_partners() if p.active]
    assert "Partnership meeting pack" in texts[0]
    assert all(p.name in texts[0] for p in partners)
    assert "The joint register" in texts[1]
    movement = next(n for n, text in enumerate(texts[1:], start=1)
                    if f"Movement since {since:%d %b %Y}" in text)  # fmt: skip
    assert movement > 1  # after the joint register's map (and its key)
    for partner in partners:
        assert any(
            f"{partner.name} ({partner.code}): risks it leads or shares" in text
            and f"partner {partner.code}" in text
            for text in texts[movement + 1 :]
        ), partner.code
    rest = " ".join(texts[movement + 1 :])
    for section in ("Top 15 risks by current score", "Risks above appetite",
                    "Overdue actions by partner", f"Changes since {since:%d %b %Y}"):  # fmt: skip
        assert section in rest
    assert all(f"Page {n} of {len(texts)}" in text for n, text in enumerate(texts, start=1))


def test_pack_content_matches_the_register(demo: RegisterService) -> None:
    """The default pack is the joint one: its figures are those of the joint risks; the
    keeper's internal pack has those of every risk."""
    from riskreg.audience import Audience
    from riskreg.choices import Visibility

    since = date.today() - timedelta(days=60)
    for audience, admitted in ((None, {Visibility.JOINT}),
                               (Audience.internal(), set(Visibility))):  # fmt: skip
        pack = gather_pack(demo, since, audience)
        # threats only: the opportunities have a section of their own
        open_risks = [r for r in demo.list_risks()
                      if r.status.value != "Closed" and r.visibility in admitted
                      and r.kind.value == "Threat"]  # fmt: skip
        scores = sorted((r.current_score for r in open_risks), reverse=True)[:15]
        assert [r.current_score for r, _ in pack.top_risks] == scores
        shown = {r.uuid for r in demo.list_risks() if r.visibility in admitted}
        overdue = [a for a in demo.list_actions()
                   if a.is_overdue(date.today()) and a.risk_uuid in shown]  # fmt: skip
        assert sum(len(v) for v in pack.overdue_by_partner.values()) == len(overdue)
        scheme = demo.scheme()
        for risk, judged in pack.outside_appetite:
            band = scheme.band(risk.current_likelihood, risk.current_impact).name
            assert judged.findings and all(r.startswith(f"{band}: ") for r in judged.reasons)
        assert pack.changes.new or pack.changes.closed or pack.changes.score_up


def test_report_refuses_a_non_pdf_and_a_bad_date(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(demo_path), str(tmp_path / "pack.docx")]) == 2
    with pytest.raises(SystemExit) as caught:
        main(["report", str(demo_path), str(tmp_path / "p.pdf"), "--since", "last week"])
    assert caught.value.code == 2
    assert "is not a date like" in capsys.readouterr().err


def test_the_pack_shows_governance_and_counts_changes_from_the_last_review(
    demo_path: Path, tmp_path: Path, demo: RegisterService
) -> None:
    from riskreg.choices import EscalationLevel

    review = demo.record_joint_review("Q3 partnership board", date.today() - timedelta(days=20))
    risk = demo.find_risk("R-001")
    risk = demo.edit_risk(risk.uuid, risk.version, {"owner": "New owner since the board"})
    demo.escalate(risk.uuid, risk.version, EscalationLevel.JOINT_MANAGEMENT, "Slipping")
    category = next(r.category for r in demo.list_risks() if r.category and r.share_of("APEX"))
    demo.set_partner_appetite("APEX", category, "Averse")

    pack = gather_pack(demo)
    assert pack.since == review.held_on and pack.last_review == review
    assert ("R-001", "owner") in {(c.ref, c.what) for c in pack.since_review}
    assert [r.ref for r in pack.escalated] == ["R-001", "R-011", "R-035"]  # and the demo's two
    assert any("breach of tolerance of APEX" in "; ".join(judged.reasons)
               for _, judged in pack.outside_appetite)  # fmt: skip
    assert {e.partner for e in pack.exposures} >= {"APEX", "CNCL"}

    out = tmp_path / "pack.pdf"
    demo.close()
    assert main(["report", str(demo_path), str(out)]) == 0
    text = " ".join(page_texts(out))
    for section in ("Escalated risks, and risks proposed for escalation", "Reviews overdue",
                    "Exposure by partner", "Changes since the joint review",
                    review.fingerprint[:16], "breach of tolerance of APEX"):  # fmt: skip
        assert section in text, section


def test_no_word_of_the_pack_runs_off_its_page(
    demo_path: Path, tmp_path: Path, demo: RegisterService
) -> None:
    """A long review name and its fingerprint wrap onto the page instead of being cut at
    its edge (the fingerprint is what a meeting checks the snapshot against)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to measure where words are printed")
    review = demo.record_joint_review(
        "Q3 partnership board with every partner's executive sponsor and the programme office",
        date.today() - timedelta(days=20),
    )
    risk = demo.find_risk("R-001")
    demo.edit_risk(risk.uuid, risk.version, {"owner": "New owner since the board"})
    demo.close()
    out = tmp_path / "pack.pdf"
    assert main(["report", str(demo_path), str(out)]) == 0

    layout = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', layout, re.S)
    assert pages
    words = 0
    for width, height, body in pages:
        for x_max, y_max, word in re.findall(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            body,
        ):
            words += 1
            assert float(x_max) <= float(width) and float(y_max) <= float(height), word
    assert words > 500
    assert re.search(rf">{review.fingerprint[:16]}…?\)?<", layout), "the fingerprint is printed"


def test_the_packs_words_read_back_letter_for_letter(demo_path: Path, tmp_path: Path) -> None:
    """Searching or copying from the PDF finds "traffic" and a fingerprint with "ff" in it:
    no letters are drawn as one ligature glyph ("ﬀ", "ﬁ", "ﬃ")."""
    out = tmp_path / "pack.pdf"
    assert main(["report", str(demo_path), str(out)]) == 0
    text = " ".join(page_texts(out))
    assert "Live traffic strike" in text
    assert not re.search("[\ufb00-\ufb06]", text)


def test_a_small_packs_empty_sections_are_one_line_each_and_estimates_are_named(
    service: RegisterService, tmp_path: Path
) -> None:
    """Three risks: no page for what has nothing to report, no map for a partner with no
    risk, and the exposure says which figures stand in for a missing bound."""
    from riskreg.records import RiskDraft
    from riskreg.render.report_pages import write_meeting_pack

    service.create_risks([
        RiskDraft("Cost without bounds", "CNCL", 3, 3, cost_likely=10_000),
        RiskDraft("Another without bounds", "CNCL", 2, 2, cost_likely=5_000, cost_max=9_000),
        RiskDraft("Apex's own", "APEX", 2, 3, cost_min=1_000, cost_likely=2_000, cost_max=4_000),
    ])  # fmt: skip
    out = tmp_path / "small.pdf"
    pages = write_meeting_pack(gather_pack(service), out)
    texts = page_texts(out)
    assert pages == len(texts) <= 4
    cover = texts[0]
    for line in ("Breach of tolerance none", "Above appetite none", "Overdue actions none",
                 "Escalated none escalated", "Reviews overdue none",
                 "Partners' maps none for AQUA"):  # fmt: skip
        assert line in cover, line
    whole = " ".join(texts)
    assert "Risks above appetite" not in whole  # no page, and not in the contents
    assert whole.count("Reviews overdue") == 1  # the summary's line only
    assert "Aqua Water (AQUA): risks it leads or shares" not in whole
    assert "Apex Civils (APEX): risks it leads or shares" in whole
    assert "no minimum for R-001, R-002: most likely used" in whole
    assert "no maximum for R-001: most likely used" in whole
    assert "(£1,000–£4,000, 1 risk)" in whole and "1 risks" not in whole


def test_the_top_risks_say_when_each_could_happen(demo_path: Path, tmp_path: Path) -> None:
    """Proximity beside the score: a High risk due within a month reads apart from one
    beyond a year (and a risk that does not say is marked so, not left blank)."""
    from riskreg.render.report_pages import PROXIMITY_SHORT

    service = open_service(demo_path, ALICE)
    try:
        top = [risk for risk, _ in gather_pack(service).top_risks]
    finally:
        service.close()
    out = tmp_path / "pack.pdf"
    assert main(["report", str(demo_path), str(out)]) == 0
    text = " ".join(" ".join(page.split()) for page in page_texts(out))
    assert "When" in text
    said = [PROXIMITY_SHORT[r.proximity] for r in top if r.proximity is not None]
    assert said and all(words in text for words in said)
    if any(r.proximity is None for r in top):
        assert "not said" in text
