"""``python -m tests.benchmarks [bulk_create ...]``: run the named benchmarks (default: all)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "bulk_create", "table_sort", "startup", "heatmap", "exchange", "foreign", "window_gaps",
    "server_rules", "stored_values",
)  # fmt: skip

names = sys.argv[1:] or list(BENCHMARKS)
for name in names:
    if name not in BENCHMARKS:
        raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
    importlib.import_module(f"tests.benchmarks.{name}").run()
