"""Exchange workbook export and import at 10,000 and 100,000 risks (two actions each).

Each phase runs in its own process, so its peak memory is its own (VmHWM − VmRSS before):
- export: ``export_register`` (reads the register, writes all seven sheets, and records the
  export with its merge base, compressed, in the register);
  baseline: openpyxl write-only writing the same Risks and Actions cells with a named style
  on every data cell, and the _exchange sheet (which names the export; the base is the
  register's), from rows already in memory;
- import, dry run: ``plan_import`` (read, three-way compare, validation);
  baseline: python-calamine reading the same three sheets plus a plain ``sqlite3``
  executemany of the risk rows into a new file;
- import, applied: a returned workbook with one risk in ten given a new owner, planned and
  applied (backup copy included);
- rows in memory: what ``list_risks()`` + ``list_actions()`` hold (tracemalloc), the yardstick
  for the memory target.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

SIZES = (10_000, 100_000)
ROOT = Path(__file__).resolve().parents[2]


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _service(register: str) -> Any:
    from riskreg.records import Actor
    from riskreg.service import open_service

    return open_service(Path(register), Actor("bench", "CNCL", "benchmark"))


def phase_export(register: str, out: str) -> None:
    from riskreg.exchange.export import export_register

    service = _service(register)
    export_register(service, Path(out), None)


def phase_baseline_export(register: str, out: str) -> None:
    """The same cells as the export's three data sheets, in openpyxl write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import NamedStyle, Protection

    from riskreg.exchange.columns import ACTION_COLUMNS, RISK_COLUMNS
    from riskreg.exchange.values import cell_value

    snapshot = _service(register).exchange_snapshot(None)
    _started()
    book = Workbook(write_only=True)
    style = NamedStyle("Cell")
    style.protection = Protection(locked=False)
    book.add_named_style(style)
    for name, columns, records in (("Risks", RISK_COLUMNS, snapshot.risks),
                                   ("Actions", ACTION_COLUMNS, snapshot.actions)):  # fmt: skip
        sheet = book.create_sheet(name)
        sheet.append([c.header for c in columns])
        for record in records:
            cells = []
            for column in columns:
                cell = WriteOnlyCell(sheet, cell_value(column, getattr(record, column.field, None)))
                cell.style = "Cell"
                cells.append(cell)
            sheet.append(cells)
    exchange = book.create_sheet("_exchange")
    for key in ("format", "register_uuid", "export_id", "schema_version", "revision",
                "partner", "exported_at", "key"):  # fmt: skip
        exchange.append([key, "x" * 36])
    book.save(out)


def phase_plan(register: str, workbook: str) -> None:
    from riskreg.exchange.importer import plan_import

    plan = plan_import(_service(register), Path(workbook))
    assert plan.count("error") == 0, plan.summary


def phase_baseline_read(register: str, workbook: str) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(workbook)
    sheets = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
              for name in ("Risks", "Actions", "_exchange")}  # fmt: skip
    risks = sheets["Risks"]
    width = len(risks[0])
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "baseline.sqlite")
        columns = ", ".join(f"c{i}" for i in range(width))
        db.execute(f"CREATE TABLE risk ({columns})")
        with db:
            db.executemany(f"INSERT INTO risk VALUES ({', '.join('?' * width)})",
                           [tuple(str(v) for v in row[:width]) for row in risks[1:]])  # fmt: skip
        db.close()


def phase_apply(register: str, workbook: str) -> None:
    from riskreg.exchange.importer import apply_import, plan_import

    service = _service(register)
    plan = plan_import(service, Path(workbook))
    assert plan.count("update") > 0, plan.summary
    apply_import(service, plan, plan.accepted("clean"))
    print(f"UPDATES {plan.count('update')}", flush=True)


def phase_rows(register: str, _: str) -> None:
    import tracemalloc

    service = _service(register)
    tracemalloc.start()
    risks, actions = service.list_risks(), service.list_actions()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"ROWS {size} {len(risks)} {len(actions)}", flush=True)


PHASES = {
    "export": phase_export,
    "baseline_export": phase_baseline_export,
    "plan": phase_plan,
    "baseline_read": phase_baseline_read,
    "apply": phase_apply,
    "rows": phase_rows,
}
_START: list[float] = []


def _started() -> None:
    """Phases that prepare input first restart the clock and the memory mark here."""
    _START[:] = [time.perf_counter(), _rss_kb("VmRSS")]


def _child(phase: str, a: str, b: str) -> None:
    """One phase, timed from after the modules it uses are loaded (as in the running GUI)."""
    import openpyxl  # noqa: F401
    import python_calamine  # noqa: F401

    if not phase.startswith("baseline"):
        import riskreg.exchange.export
        import riskreg.exchange.importer
        import riskreg.service  # noqa: F401
    _started()
    PHASES[phase](a, b)
    elapsed = time.perf_counter() - _START[0]
    peak_mb = (_rss_kb("VmHWM") - _START[1]) / 1024
    print("RESULT " + json.dumps({"seconds": elapsed, "peak_mb": max(peak_mb, 0.0)}))


def measure(phase: str, a: Path, b: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.exchange", phase, str(a), str(b)],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=3600,
    )  # fmt: skip
    out: dict[str, Any] = {}
    for line in result.stdout.splitlines():
        if line.startswith("RESULT "):
            out.update(json.loads(line[7:]))
        elif line.startswith(("ROWS ", "UPDATES ")):
            out[line.split()[0].lower()] = [int(v) for v in line.split()[1:]]
    return out


def edited_copy(workbook: Path, out: Path) -> None:
    """A returned workbook: every owner ``Owner 7`` (one risk in ten or so) renamed."""
    with (
        zipfile.ZipFile(workbook) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = re.sub(rb"<t>Owner ([0-4])</t>", rb"<t>Owner \1 (new)</t>", data)
            target.writestr(item, data)


def run() -> None:
    from tests.benchmarks.bulk_create import drafts, via_services

    for size in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            register = folder / "bench.riskreg"
            via_services(register, drafts(size))
            out, base_out = folder / "export.xlsx", folder / "baseline.xlsx"
            rows = measure("rows", register, out)
            export = measure("export", register, out)
            baseline = measure("baseline_export", register, base_out)
            plan = measure("plan", register, out)
            read = measure("baseline_read", register, out)
            edited = folder / "returned.xlsx"
            edited_copy(out, edited)
            applied = measure("apply", register, edited)
        rows_mb = rows["rows"][0] / 1e6
        print(f"{size:,} risks, {rows['rows'][2]:,} actions (rows in memory {rows_mb:.0f} MB):")
        print(f"  export   {export['seconds']:6.2f} s  peak +{export['peak_mb']:5.0f} MB   "
              f"openpyxl write-only {baseline['seconds']:6.2f} s  +{baseline['peak_mb']:4.0f} MB"
              f"   → {export['seconds'] / baseline['seconds']:.2f}× (target ≤ 1.5×)")  # fmt: skip
        print(f"  dry run  {plan['seconds']:6.2f} s  peak +{plan['peak_mb']:5.0f} MB   "
              f"calamine + sqlite3   {read['seconds']:6.2f} s  +{read['peak_mb']:4.0f} MB"
              f"   → {plan['seconds'] / read['seconds']:.2f}× (target ≤ 2×)")  # fmt: skip
        print(f"  applied  {applied['seconds']:6.2f} s  peak +{applied['peak_mb']:5.0f} MB   "
              f"({applied['updates'][0]:,} updates)   → "
              f"{applied['seconds'] / read['seconds']:.2f}× the read baseline")  # fmt: skip
        print(f"  peak memory / rows in memory: export {export['peak_mb'] / rows_mb:.2f}, "
              f"dry run {plan['peak_mb'] / rows_mb:.2f}, applied "
              f"{applied['peak_mb'] / rows_mb:.2f} (target ≤ 2); dry run / the calamine "
              f"baseline's own peak {plan['peak_mb'] / read['peak_mb']:.2f}")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 4:
        _child(*sys.argv[1:4])
    else:
        run()
