"""Heat maps drawn to files from the command line, with no display and no widgets."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage

from riskreg.cli import main
from riskreg.service import RegisterService


def key_refs(pages: list[str]) -> list[str]:
    """The refs listed in the printed key: each entry is drawn as its ref, then its score
    (then its title and lead partner); a cell's refs are followed by another cell's band."""
    lines = [line.strip() for text in pages for line in text.splitlines()]
    return [ref for ref, score in itertools.pairwise(lines)
            if re.fullmatch(r"R-\d{3}", ref) and score.isdigit()]  # fmt: skip


def test_a_png_heat_map_has_the_chosen_size_and_band_colours(
    demo_path: Path, tmp_path: Path, demo: RegisterService
) -> None:
    out = tmp_path / "map.png"
    assert main(["heatmap", str(demo_path), str(out), "--width", "1600"]) == 0
    image = QImage(str(out))
    assert image.width() == 1600
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, 1600, 7)
        for y in range(0, image.height(), 7)
    }
    assert {band.colour for band in demo.scheme().bands} <= colours


def test_a_pdf_heat_map_is_one_page_listing_each_risk_of_the_filter_once(
    demo_path: Path, tmp_path: Path, demo: RegisterService
) -> None:
    from riskreg.heatmap import Basis, HeatFilter

    out = tmp_path / "ardn.pdf"
    assert (
        main(["heatmap", str(demo_path), str(out), "--partner", "ARDN", "--basis", "inherent"]) == 0
    )
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    lines = [line.split() for line in reader.pages[0].extract_text().splitlines()]
    caption = "Inherent risk — joint risks — partner ARDN — open threats"
    assert caption in {" ".join(words[:11]) for words in lines}
    expected = [p.ref for p in demo.placed_risks(Basis.INHERENT, HeatFilter(partner="ARDN"))]
    listed = key_refs([reader.pages[0].extract_text()])
    assert sorted(listed) == sorted(expected)


def test_a_longer_key_goes_on_over_pages_listing_each_risk_of_the_filter_once(
    demo_path: Path, tmp_path: Path, demo: RegisterService
) -> None:
    """APEX's 21 risks, each with its whole title (wrapped), do not fit beside the map."""
    from riskreg.heatmap import Basis, HeatFilter

    out = tmp_path / "apex.pdf"
    assert (
        main(["heatmap", str(demo_path), str(out), "--partner", "APEX", "--basis", "inherent"]) == 0
    )
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    expected = [p.ref for p in demo.placed_risks(Basis.INHERENT, HeatFilter(partner="APEX"))]
    listed = key_refs([page.extract_text() for page in reader.pages])
    assert sorted(listed) == sorted(expected)
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Page 1 of 2" in first
    assert "Continued on the next page" in first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--partner", "NOPE"], "no partner 'NOPE'"),
        (["--category", "Weather"], "no category 'Weather'"),
    ],
)
def test_unknown_filters_are_refused_with_exit_1(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "x.png"
    assert main(["heatmap", str(demo_path), str(out), *args]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_an_unknown_file_type_is_a_usage_error(demo_path: Path, tmp_path: Path) -> None:
    assert main(["heatmap", str(demo_path), str(tmp_path / "map.gif")]) == 2


def test_a_long_key_continues_on_more_pages_listing_every_risk_once(
    service: RegisterService, register_path: Path, tmp_path: Path
) -> None:
    from riskreg.records import RiskDraft

    service.create_risks(
        [RiskDraft(f"Generated risk {n}", "CNCL", 1 + n % 5, 1 + n // 5 % 5) for n in range(400)]
    )
    out = tmp_path / "long.pdf"
    assert main(["heatmap", str(register_path), str(out)]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) > 1
    listed = key_refs([page.extract_text() for page in reader.pages])
    assert len(listed) == 400
    assert sorted(listed) == sorted(f"R-{n:03d}" for n in range(1, 401))
    assert "Continued on the next page" in reader.pages[0].extract_text().replace("\t", " ")
