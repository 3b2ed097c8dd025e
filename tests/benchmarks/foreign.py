"""Analyse and preview a 10,000-row register from elsewhere (target ≤ 3 s).

The workbook: a title block, a header with likelihood and impact in words and numbers, an
owner, a category, dates and long descriptions, 10,000 rows. Timed: reading every sheet,
finding the header, mapping columns and scales, and building the preview of every risk
(``plan_foreign``, nothing written). Baseline in the same run: a plain openpyxl read-only
pass over every cell of the same workbook.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROWS = 10_000
RUNS = 3
WORDS = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
IMPACTS = ("Insignificant", "Minor", "Moderate", "Major", "Catastrophic")


def write_workbook(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Risk register")
    sheet.append(["Northshire Health Partnership — corporate risk register"])
    sheet.append(["Owner: Board Assurance Committee"])
    sheet.append([])
    sheet.append(["Risk ID", "Risk title", "Description", "Category", "Risk owner",
                  "Likelihood", "Impact", "Date identified", "Status", "Mitigation"])  # fmt: skip
    start = date(2025, 1, 1)
    for n in range(ROWS):
        sheet.append([
            f"NHP-{n:05d}", f"Risk {n}: capacity shortfall in service {n % 37}",
            "Demand exceeds commissioned capacity during winter pressures; " * 3,
            ("Clinical", "Financial", "Workforce", "Estates")[n % 4], f"Director {n % 12}",
            WORDS[n % 5], IMPACTS[(n // 5) % 5], start + timedelta(days=n % 365),
            ("Open", "Closed", "Active")[n % 3], "Weekly capacity review",
        ])  # fmt: skip
    sheet.append(["Total", "", "", "", "", "", "", "", "", ""])
    book.save(path)


def openpyxl_pass(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
    book.close()
    return cells


def run() -> None:
    from riskreg.exchange.foreign import plan_foreign
    from riskreg.records import Actor, PartnerRecord
    from riskreg.service import create_register

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        workbook = folder / "northshire.xlsx"
        write_workbook(workbook)
        service = create_register(
            folder / "bench.riskreg", Actor("bench", "NHP", "benchmark"), name="Bench",
            partners=[PartnerRecord("NHP", "Northshire Health")], keeper="NHP",
        )  # fmt: skip
        ours, baseline = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            plan = plan_foreign(service, workbook, partner="NHP")
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            openpyxl_pass(workbook)
            baseline.append(time.perf_counter() - started)
        service.close()
    assert len(plan.drafts) == ROWS, plan.count("error")
    mine, theirs = statistics.median(ours), statistics.median(baseline)
    print(f"analyse + preview {ROWS:,}-row foreign workbook (median of {RUNS}): "
          f"{mine:.2f} s   (target ≤ 3 s)")  # fmt: skip
    print(f"  openpyxl read-only pass over the same cells: {theirs:.2f} s → {mine / theirs:.2f}×")


if __name__ == "__main__":
    run()
