"""Twenty people editing one register on a server at once, for a minute (loopback only):
no accepted edit is lost, and nothing goes wrong but reported conflicts."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.pg_server import scratch_database

EDITORS = 20
SECONDS = 60.0
ROOT = Path(__file__).resolve().parent.parent
RESULT: dict[str, float] = {}
"""Throughput and conflict rate of the last run; printed by conftest's terminal summary."""
SET_UP_RESULT: dict[str, float] = {}
"""The same after ``server-setup``: the server writes the change log of every edit."""


@pytest.mark.slow
@pytest.mark.parametrize("set_up", [False, True], ids=["plain", "server-setup"])
def test_twenty_editors_for_a_minute_lose_no_update(tmp_path: Path, set_up: bool) -> None:
    with scratch_database(template="demo") as url:
        assert "127.0.0.1" in url or "localhost" in url, "the load test runs on loopback only"
        if set_up:
            from riskreg.server import setup_server

            setup_server(url)
        start = time.time() + 15  # every editor has imported and connected by then
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.load_worker",
                    url,
                    str(n),
                    str(start),
                    str(SECONDS),
                    str(tmp_path / f"editor{n}.json"),
                ],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for n in range(EDITORS)
        ]
        for worker in workers:
            _, stderr = worker.communicate(timeout=SECONDS + 120)
            assert worker.returncode == 0, stderr.decode()[-2000:]
        results = [json.loads((tmp_path / f"editor{n}.json").read_text())
                   for n in range(EDITORS)]  # fmt: skip
        accepted = [tuple(edit) for r in results for edit in r["accepted"]]
        conflicts = sum(r["conflicts"] for r in results)
        errors = [e for r in results for e in r["errors"]]

        engine = create_engine(url)
        with engine.connect() as conn:
            final = dict(conn.execute(text("SELECT ref, owner FROM risk")).all())
            logged = conn.execute(text(
                "SELECT c.entity_ref, c.new FROM change c JOIN change_set s "
                "ON s.id = c.change_set_id WHERE c.field = 'owner' AND s.source = 'load test'"
            )).all()  # fmt: skip
        engine.dispose()

    assert errors == []
    assert accepted, "no edit was accepted"
    by_risk: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for ref, version, value in accepted:
        by_risk[ref].append((version, value))
    for ref, edits in by_risk.items():
        versions = [v for v, _ in edits]
        assert len(set(versions)) == len(versions), f"{ref}: two edits made the same version"
        assert final[ref] == max(edits)[1], f"{ref}: the last accepted edit is not what stands"
    assert sorted(logged) == sorted((ref, value) for ref, _, value in accepted)
    attempts = len(accepted) + conflicts
    result = SET_UP_RESULT if set_up else RESULT
    result.update(editors=EDITORS, seconds=SECONDS, accepted=len(accepted),
                  conflicts=conflicts, per_second=len(accepted) / SECONDS,
                  conflict_rate=conflicts / attempts)  # fmt: skip
