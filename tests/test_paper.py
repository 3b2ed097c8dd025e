"""What a board member holds: every word of the meeting pack and of the printed heat map on
its page and at 8 pt or more (pdftotext -bbox); the map in the main area of the page; the
PDF's title, author and subject set and its fonts embedded; a PNG of the map alone; a
cancelled pack leaves no file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF

from riskreg.audience import Audience
from riskreg.errors import Cancelled
from riskreg.heatmap import Basis, HeatFilter
from riskreg.render.files import HeatMapRequest, png_size, write_heat_map
from riskreg.render.report_pages import write_meeting_pack
from riskreg.report import gather_pack
from riskreg.service import RegisterService

pytestmark = [
    pytest.mark.skipif(
        shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
        reason="poppler-utils (pdftotext, pdfinfo, pdffonts) measure the printed words",
    ),
    pytest.mark.usefixtures("qapp"),  # the widgets' QApplication, made before any render
]
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def words(path: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Per page: its width, height and every word's box."""
    layout = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', layout, re.S)
    return [
        (float(w), float(h), [(float(a), float(b), float(c), float(d), t)
                              for a, b, c, d, t in WORD.findall(body)])
        for w, h, body in pages
    ]  # fmt: skip


@pytest.fixture(scope="module")
def eight_points(qapp: object, tmp_path_factory: pytest.TempPathFactory) -> float:
    """How tall pdftotext measures a word set at exactly 8 pt by the same writer."""
    from PySide6.QtGui import QFont, QPainter

    from riskreg.render.files import gui_application, pdf_writer

    gui_application()
    path = tmp_path_factory.mktemp("calibration") / "8pt.pdf"
    writer = pdf_writer(path, paper="A4", orientation="landscape", title="8 pt", author="test")
    painter = QPainter(writer)
    for bold in (False, True):
        font = QFont()
        font.setPointSizeF(8.0)
        font.setBold(bold)
        painter.setFont(font)
        painter.drawText(200, 300 if bold else 200, "Calibration gjpqy")
    painter.end()
    del writer
    heights = [d - b for _, _, pages in [words(path)[0]] for _, b, _, d, _ in pages]
    assert len(heights) == 4
    return min(heights)


def assert_legible(path: Path, eight_points: float) -> int:
    """Every word inside its page and, if it holds a letter or a digit, at least as tall
    as 8-pt type; returns how many words were measured. (pdftotext sizes a lone symbol —
    the "→" after "Impact", a "—" — by the glyph, not the type: those are on the page
    but not measured for size.)"""
    count = 0
    for number, (width, height, found) in enumerate(words(path), start=1):
        for x0, y0, x1, y1, text in found:
            count += 1
            assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, (number, text)
            if any(c.isalnum() for c in text):
                assert y1 - y0 >= eight_points * 0.995, (number, text, y1 - y0)
    return count


@pytest.mark.parametrize("audience", [Audience.joint(), Audience.internal()])
def test_every_word_of_the_pack_is_on_its_page_and_8_points_or_more(
    demo: RegisterService, tmp_path: Path, eight_points: float, audience: Audience
) -> None:
    out = tmp_path / "pack.pdf"
    write_meeting_pack(gather_pack(demo, audience=audience), out)
    assert assert_legible(out, eight_points) > 1500


@pytest.mark.parametrize("paper", ["A4", "A3"])
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_every_word_of_the_printed_heat_map_is_on_its_page_and_8_points_or_more(
    demo: RegisterService, tmp_path: Path, eight_points: float, paper: str, orientation: str
) -> None:
    out = tmp_path / "map.pdf"
    write_heat_map(_request(demo, arrows=True), out, paper=paper, orientation=orientation)
    assert assert_legible(out, eight_points) > 300


def _request(service: RegisterService, *, arrows: bool = False) -> HeatMapRequest:
    wanted = HeatFilter()
    basis, moves = service.travel_movements(wanted)
    return HeatMapRequest(
        service.heat_map(Basis.CURRENT, wanted), tuple(moves) if arrows else (),
        service.register_info().name, tuple(service.placed_risks(Basis.CURRENT, wanted)),
        arrows_label=f"moves {basis.label}", outlined=service.appetite_cells(Basis.CURRENT, wanted),
    )  # fmt: skip


def test_the_map_takes_more_than_half_of_an_a4_landscape_page(demo: RegisterService) -> None:
    """Measured as drawn: the map with its labels, against the page's printable area."""
    from PySide6.QtGui import QFont

    from riskreg.render.files import gui_application, pdf_writer
    from riskreg.render.heatmap_layout import layout_heat_map
    from riskreg.render.pages import MAP_SHARE, _Chrome

    gui_application()
    request = _request(demo)
    writer = pdf_writer(Path(os.devnull), paper="A4", orientation="landscape", title="", author="")
    page = writer.pageLayout().paintRectPixels(writer.logicalDpiY())
    printable = QRectF(0, 0, page.width(), page.height())
    body = _Chrome(writer, printable, QFont(), request).body
    geometry = layout_heat_map(
        QRectF(body.left(), body.top(), body.width() * MAP_SHARE, body.height()),
        request.heat.scheme, writer, caption=request.heat.caption(),
    )  # fmt: skip
    used = geometry.used
    share = used.width() * used.height() / (printable.width() * printable.height())
    print(f"the map takes {share:.0%} of the printable area")
    assert share > 0.5, share


def test_the_pdfs_name_their_title_author_and_subject_and_embed_their_fonts(
    demo: RegisterService, tmp_path: Path
) -> None:
    pack, heat = tmp_path / "pack.pdf", tmp_path / "map.pdf"
    write_meeting_pack(gather_pack(demo), pack)
    write_heat_map(_request(demo), heat, author="Priya Shah")
    for path, title, author in ((pack, "Meeting pack — A38", demo.actor.user),
                                (heat, "A38 Corridor", "Priya Shah")):  # fmt: skip
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        assert fields["Title"].strip().startswith(title)
        assert fields["Author"].strip() == author
        assert "Joint risks — for every partner" in fields["Subject"]
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]  # fmt: skip
        assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # the emb column
    from pypdf import PdfReader

    assert len(PdfReader(pack).pages) >= 5  # the amended file still reads as a whole


def test_a_png_is_the_map_alone_cut_to_it_for_a_slide(
    demo: RegisterService, tmp_path: Path
) -> None:
    from PySide6.QtGui import QColor, QImage

    out = tmp_path / "slide.png"
    request = _request(demo, arrows=True)
    write_heat_map(request, out, width=1600, dpi=160)
    image = QImage(str(out))
    assert (image.width(), image.height()) == png_size(request, 1600, 160)
    assert round(image.dotsPerMeterX() * 0.0254) == 160
    assert image.height() < image.width() * 0.8  # the map, not a page with a footer
    white = QColor("#ffffff")

    def blank_row(y: int) -> bool:
        return all(image.pixelColor(x, y) == white for x in range(0, image.width(), 3))

    margin = round(1600 * 0.02)
    assert all(blank_row(y) for y in range(image.height() - margin + 2, image.height()))
    assert not all(blank_row(y) for y in range(image.height() - margin * 3, image.height()))


def test_the_pack_reports_its_pages_and_a_cancel_leaves_no_file(
    demo: RegisterService, tmp_path: Path
) -> None:
    pack = gather_pack(demo)
    told: list[tuple[int, int]] = []
    out = tmp_path / "pack.pdf"
    pages = write_meeting_pack(pack, out, progress=lambda done, total: told.append((done, total)))
    assert told == [(n, pages) for n in range(1, pages + 1)]

    def stop(done: int, total: int) -> None:
        if done == 3:
            raise Cancelled()

    cancelled = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        write_meeting_pack(pack, cancelled, progress=stop)
    written = sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".riskreg")
    assert written == ["pack.pdf"]  # no half file, no partial file beside it
