"""The check of stored values when a register of 100,000 risks opens.

Baseline, measured in the same run: a raw ``sqlite3`` read of every risk, action and share
row (what the window reads of them when it opens). Medians of five runs.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

RUNS = 5
SIZE = 100_000


def run() -> None:
    from riskreg.stored_values import value_problems
    from tests.benchmarks.bulk_create import drafts, via_services

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.riskreg"
        via_services(path, drafts(SIZE))
        conn = sqlite3.connect(path)

        def ours() -> float:
            started = time.perf_counter()
            assert value_problems(conn) == ()
            return time.perf_counter() - started

        def raw() -> float:
            started = time.perf_counter()
            for table in ("risk", "action", "risk_share"):
                conn.execute(f"SELECT * FROM {table}").fetchall()
            return time.perf_counter() - started

        check = statistics.median(ours() for _ in range(RUNS))
        baseline = statistics.median(raw() for _ in range(RUNS))
        conn.close()
    print(f"stored values of {SIZE:,} risks checked in {check * 1000:.0f} ms; reading their "
          f"rows takes {baseline * 1000:.0f} ms: {check / baseline:.2f}× the read")  # fmt: skip
