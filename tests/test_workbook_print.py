"""The exchange workbook prints: every visible sheet on A4 with its orientation, margins and
header row on every page; the Risks and Actions sheets' key columns fitted to the page width
at a legible size; the Heat map on one page; Lists and ``_exchange`` never printed — read
back with openpyxl, after a LibreOffice re-save, and in the PDF LibreOffice prints."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from riskreg.exchange.columns import PRINTED
from riskreg.exchange.export import export_register
from riskreg.exchange.export_format import column_letter
from riskreg.service import RegisterService
from tests.exchange_helpers import libreoffice_convert, libreoffice_resave

VISIBLE = ("Read me", "Risks", "Actions", "Partners", "Heat map")
LANDSCAPE = {"Risks", "Actions", "Heat map"}
DEJAVU_EM_BOX = 1.164
"""DejaVu's ascent + descent in ems: a word's box height over this is its font size
(LibreOffice prints the workbook's Calibri in DejaVu where Calibri and Carlito are absent;
the test checks that it did)."""


def _check_page_setup(path: Path, risks: int, actions: int) -> None:
    book = load_workbook(path)
    for name in VISIBLE:
        sheet = book[name]
        assert sheet.sheet_state == "visible", name
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9, name  # A4
        assert setup.orientation == ("landscape" if name in LANDSCAPE else "portrait"), name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        assert int(setup.fitToWidth) == 1, name
        assert int(setup.fitToHeight or 0) == (1 if name == "Heat map" else 0), name
        assert sheet.page_margins.left == pytest.approx(0.5), name
    for name, rows in (("Risks", risks), ("Actions", actions), ("Partners", None)):
        assert book[name].print_title_rows == "$1:$1", name
        if rows is not None:
            last = column_letter(PRINTED[name])
            assert book[name].print_area == f"'{name}'!$A$1:${last}${rows + 1}", name
    assert book["Lists"].sheet_state == "hidden"
    assert book["_exchange"].sheet_state in ("veryHidden", "hidden")  # LibreOffice: hidden


def test_every_visible_sheet_is_set_up_for_a4_and_stays_so_after_a_libreoffice_resave(
    demo_path: Path, demo: RegisterService, tmp_path: Path
) -> None:
    path = tmp_path / "apex.xlsx"
    result = export_register(demo, path, "APEX")
    _check_page_setup(path, result.risks, result.actions)
    _check_page_setup(libreoffice_resave(path, tmp_path / "calc"), result.risks, result.actions)


def test_libreoffice_prints_the_workbook_legibly_on_a4_with_the_heat_map_on_one_page(
    demo_path: Path, demo: RegisterService, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdffonts") is None:
        pytest.skip("pdftotext and pdffonts (poppler-utils) measure the printed pages")
    path = tmp_path / "apex.xlsx"
    export_register(demo, path, "APEX")
    pdf = libreoffice_convert(path, tmp_path / "pdf", "pdf", ".pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout  # fmt: skip
    assert "DejaVu" in fonts and "Calibri" not in fonts and "Carlito" not in fonts
    layout = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', layout, re.S)
    sheets: dict[str, int] = {}
    for width, height, body in pages:
        assert sorted((round(float(width)), round(float(height)))) == [595, 842]  # A4
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)'
            r"</word>", body,
        )  # fmt: skip
        footer = re.findall(r">([A-Za-z ]+)</word>\s*<word[^>]*>–</word>", body)
        sheet = footer[-1] if footer else ""  # "Risks – page 2 of 7", the page's last words
        name = next((n for n in VISIBLE if n.endswith(sheet) and sheet), "")
        sheets[name] = sheets.get(name, 0) + 1
        for x_min, y_min, x_max, y_max, word in words:
            assert float(x_min) >= 0 and float(x_max) <= float(width), (name, word)
            assert float(y_max) <= float(height), (name, word)
            in_footer = float(y_min) > float(height) - 40
            if name in ("Risks", "Actions") and not in_footer:
                size = (float(y_max) - float(y_min)) / DEJAVU_EM_BOX
                assert size >= 8, (name, word, size)
    assert set(sheets) == set(VISIBLE), sheets  # Lists and _exchange are not printed
    assert sheets["Heat map"] == 1 and sheets["Read me"] == 1 and sheets["Partners"] == 1
    assert sheets["Risks"] >= 1 and sheets["Actions"] >= 1
