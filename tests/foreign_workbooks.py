"""Registers in the shapes found in the wild, written for the tests with openpyxl (and
converted by LibreOffice for .ods and .xls), each small enough to assert every risk."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook


def write(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    sheet: str = "Register",
    merges: Sequence[str] = (),
    hidden: Sequence[int] = (),
    others: dict[str, Sequence[Sequence[Any]]] | None = None,
    first_column: int = 1,
    first_row: int = 1,
) -> Path:
    """A workbook whose ``sheet`` holds ``rows`` from (``first_row``, ``first_column``);
    ``hidden`` are Excel row numbers hidden in it, ``others`` more sheets before it."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, other in (others or {}).items():
        extra = book.create_sheet(name)
        for row in other:
            extra.append(list(row))
    ws = book.create_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and value != "":
                ws.cell(first_row + r, first_column + c).value = value
    for cells in merges:
        ws.merge_cells(cells)
    for number in hidden:
        ws.row_dimensions[number].hidden = True
    book.save(path)
    return path


def converted(source: Path, suffix: str, folder: Path) -> Path:
    """The workbook as LibreOffice writes it in another format (.ods, .xls)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    out = folder / f"converted-{suffix}"
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/lo", "--headless",
                    "--convert-to", suffix, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    result = out / f"{source.stem}.{suffix}"
    assert result.exists(), "LibreOffice wrote no file"
    return result


# -- shapes ---------------------------------------------------------------------------------
def flat_register(folder: Path) -> Path:
    """The simplest information-security register: no title column at all."""
    return write(folder / "flat.xlsx", [
        ["Risk ID", "Asset", "Threat", "Vulnerability", "Likelihood (1-5)", "Impact (1-5)",
         "Risk Score", "Risk Level", "Mitigation"],
        ["IS-01", "Customer database", "SQL injection", "Unpatched web framework", 4, 5, 20,
         "Critical", "Patch monthly; web application firewall"],
        ["IS-02", "Laptops", "Theft", "No disk encryption", 3, 3, 9, "Medium",
         "Encrypt every disk"],
        ["IS-03", "Email", "Phishing", "Staff untrained", 5, 4, 20, "Critical",
         "Quarterly phishing drills"],
    ])  # fmt: skip


def header_under_categories(folder: Path) -> Path:
    """The labels in row 2 under merged category cells; the register starts in column C."""
    return write(folder / "categories.xlsx", [
        ["Identification", "", "", "Assessment", "", "", "Response", ""],
        ["Ref", "Risk", "Cause / Trigger", "Likelihood", "Impact", "Proximity",
         "Risk owner", "Mitigation"],
        ["C-1", "Bridge bearing failure", "Corrosion from road salt", "Likely", "Major",
         "Within 12 months", "Sam Reed", "Inspect bearings each spring"],
        ["C-2", "Traffic management breach", "Drivers ignore signs", "Possible",
         "Catastrophic", "Imminent", "Dan Moss", "Average-speed cameras"],
    ], merges=("C1:E1", "F1:H1", "I1:J1"), first_column=3)  # fmt: skip


def deep_header(folder: Path) -> Path:
    """A long title block: the header in row 17, from column D."""
    block = [[f"Instructions, line {n}"] for n in range(1, 15)] + [[], []]
    return write(folder / "deep.xlsx", [
        *block,
        ["Risk title", "Probability", "Severity", "Owner"],
        ["Server room flood", "Unlikely", "Major", "Facilities"],
        ["Key supplier insolvency", "Possible", "Moderate", "Procurement"],
    ], first_column=4)  # fmt: skip


TIER_PAIRS = {
    "Gross / Net": ("Gross", "Net"),
    "Inherent / Residual": ("Inherent", "Residual"),
    "Before / After": ("Before controls", "After controls"),
    "Pre / Post": ("Pre-mitigation", "Post-mitigation"),
    "Current / Target": ("Current", "Target"),
}


def two_tier(folder: Path, first: str, second: str, axis: tuple[str, str]) -> Path:
    """Two tiers over repeated axis names (the same name twice, told apart by the tier)."""
    lik, imp = axis
    return write(folder / "two-tier.xlsx", [
        ["", "", first, "", second, ""],
        ["No", "Risk", lik, imp, lik, imp],
        [1, "Pump station failure", 4, 5, 2, 4],
        [2, "Chemical dosing error", 3, 4, 1, 4],
    ], merges=("C1:D1", "E1:F1"))  # fmt: skip


def hidden_totals_notes(folder: Path) -> Path:
    """Hidden rows, a totals row, a repeated header and notes under the data."""
    return write(folder / "hidden.xlsx", [
        ["Ref", "Title", "Category", "Likelihood", "Impact"],
        ["A1", "Asbestos in the old depot", "Health & safety", 3, 4],
        ["A2", "Superseded: old crane contract", "Financial", 2, 2],
        ["A3", "Contractor insolvency", None, 3, 5],
        ["Ref", "Title", "Category", "Likelihood", "Impact"],
        ["A4", "Flooding of the compound", "Environmental", 2, 4],
        ["Total", "", "", 10, 15],
        [],
        ["Notes: scores are reviewed monthly by the board."],
        ["Key: 1 = low, 5 = high"],
    ], hidden=(3,), merges=("C2:C4",))  # fmt: skip


def raid_log(folder: Path) -> Path:
    return write(folder / "raid.xlsx", [
        ["ID", "Type", "Title", "Probability", "Impact", "Owner"],
        ["R1", "Risk", "Contractor insolvency", "High", "High", "Kim"],
        ["I1", "Issue", "Late steel delivery", "", "Medium", "Lee"],
        ["A1", "Assumption", "Planning consent by May", "Medium", "High", "Kim"],
        ["D1", "Dependency", "Network Rail possession", "Low", "High", "Ash"],
    ])  # fmt: skip


def prose_in_levels(folder: Path) -> Path:
    """An impact column of sentences beside an impact rating column."""
    return write(folder / "prose.xlsx", [
        ["Risk", "Likelihood", "Impact", "Impact rating"],
        ["Data centre outage", "Likely", "Loss of every online service for a day or more", 4],
        ["Payroll error", "Rare", "Staff paid late and a complaint to the regulator", 3],
    ])  # fmt: skip


def prose_without_rating(folder: Path) -> Path:
    """Descriptive impact text and no rating at all: the risks come in unrated."""
    return write(folder / "prose-only.xlsx", [
        ["Risk", "Likelihood", "Impact", "Consequence"],
        ["Data centre outage", "Likely", "Loss of every online service for a day or more",
         "Service credits"],
        ["Payroll error", "Rare", "High", "Complaint"],
    ])  # fmt: skip


def unrated_rows(folder: Path) -> Path:
    """Some rows scored, some not: empty cells, "TBC", a word no scale has, a formula."""
    return write(folder / "unrated.xlsx", [
        ["Ref", "Risk", "Status", "Likelihood", "Impact"],
        ["U1", "Scored risk", "Open", 3, 4],
        ["U2", "Impact left empty", "Open", 4, None],
        ["U3", "To be assessed", "Closed", "TBC", "TBC"],
        ["U4", "Misspelt level", "Open", "Hgh", 2],
        ["U5", "Formula from a script", "Open", 2, "=D6*2"],
        ["U6", "Another formula", "Open", 1, "=D7+1"],
    ])  # fmt: skip


def partners_and_duplicates(folder: Path) -> Path:
    return write(folder / "joint.xlsx", [
        ["Ref", "Risk", "Likelihood", "Impact", "Organisation"],
        ["J1", "Bridge joint failure", 3, 4, "APEX"],
        ["J2", "Water main burst", 2, 5, "Aqua Vale"],
        ["J3", "Consultant capacity", 3, 3, "Somebody Else Ltd"],
        ["J4", "Design freeze slips", 2, 3, "WCC"],
        ["R-002", "A risk already here by ref", 2, 2, "CNCL"],
    ])  # fmt: skip


def letters_and_numbered_words(folder: Path) -> Path:
    return write(folder / "letters.xlsx", [
        ["Risk", "Inherent likelihood", "Inherent impact", "Residual likelihood",
         "Residual impact"],
        ["Cyber attack", "VH", "H", "3 (High)", "4 - Major"],
        ["Fuel price rise", "M", "L", "2 (Low)", "2 - Minor"],
        ["Staff strike", "VL", "M", "1 (Very low)", "3 - Moderate"],
    ])  # fmt: skip


def x_marks(folder: Path) -> Path:
    return write(folder / "x-marks.xlsx", [
        ["", "", "Likelihood", "", "", "", "", "Impact", "", "", "", ""],
        ["ID", "Risk description", "Rare", "Unlikely", "Possible", "Likely", "Almost certain",
         1, 2, 3, 4, 5],
        [1, "Flooding of the depot", "", "", "X", "", "", "", "", "", "x", ""],
        [2, "Loss of key staff", "", "", "", "✓", "", "", "", "X", "", ""],
        [3, "Not yet assessed", "", "", "", "", "", "", "", "", "", ""],
    ], merges=("C1:G1", "H1:L1"))  # fmt: skip


def numbers_on(folder: Path, name: str, likelihoods: Sequence[Any],
               impacts: Sequence[Any]) -> Path:  # fmt: skip
    rows: list[list[Any]] = [["Risk", "Likelihood", "Impact"]]
    rows += [[f"Risk {n + 1}", lik, imp]
             for n, (lik, imp) in enumerate(zip(likelihoods, impacts, strict=True))]  # fmt: skip
    return write(folder / f"{name}.xlsx", rows)
