"""Killing the process mid-write never leaves a half-written register.

A child process starts a write — a 10,000-row import, a scheme change that re-bands every
risk, a bulk edit of 500 risks — and is killed with SIGKILL at a random moment. Afterwards
the register passes ``check`` and holds exactly the state before or the state after the
write, never a mixture. Fifty trials per write.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from riskreg.integrity import check_register
from riskreg.records import PartnerRecord, RiskDraft
from riskreg.service import create_register
from riskreg.store import open_register
from tests.conftest import ALICE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only"),
]
ROOT = Path(__file__).parents[1]
TRIALS = 50
OUTCOMES: dict[str, tuple[int, int]] = {}
"""Write → (trials that left the state before, trials that left the state after)."""

SETUP = (
    "import sys\n"
    "from pathlib import Path\n"
    "from riskreg.records import Actor, RiskDraft\n"
    "from riskreg.scoring import ScoringScheme\n"
    "from riskreg.service import open_service\n"
    "service = open_service(Path(sys.argv[1]), Actor('crash', 'CNCL', 'test'))\n"
)
WRITES = {
    "10,000-row import": (
        "drafts = [RiskDraft(f'Imported {n}', 'CNCL', 1 + n % 5, 1 + n // 5 % 5)"
        " for n in range(10_000)]\n"
        "print('ready', flush=True)\n"
        "service.import_risks(drafts, summary='import')\n"
    ),
    "scheme change re-banding every risk": (
        "new = ScoringScheme.sized(4, 4)\nprint('ready', flush=True)\nservice.change_scheme(new)\n"
    ),
    "bulk edit of 500 risks": (
        "from riskreg.records import ExchangeBatch\n"
        "risks = service.list_risks()[:500]\n"
        "batch = ExchangeBatch(service.revision(), 'bulk edit',"
        " risk_edits=tuple((r.uuid, {'owner': 'Edited ' + r.ref}) for r in risks))\n"
        "print('ready', flush=True)\n"
        "service.apply_exchange(batch)\n"
    ),
}


STATE_QUERIES = (
    "SELECT name, revision, next_risk_number, next_action_number, scheme_json FROM register",
    "SELECT ref, title, inherent_likelihood, inherent_impact, current_likelihood,"
    " current_impact, owner, status, version FROM risk ORDER BY number",
    "SELECT r.ref, s.partner_id, s.percent FROM risk_share s JOIN risk r ON r.id = s.risk_id"
    " ORDER BY r.number, s.partner_id",
    "SELECT revision, summary FROM change_set ORDER BY revision",
    "SELECT c.entity, c.entity_ref, c.field, c.old, c.new FROM change c ORDER BY c.id",
)
"""Everything a write changes, without what differs between two runs of the same write
(generated ids, clock times)."""


def state(path: Path) -> str:
    """The register passes ``check``; its content as one digest."""
    from sqlalchemy import text

    store = open_register(path, upgrade=False)
    try:
        report = check_register(store)
        assert report.ok, report.problems
        digest = hashlib.sha256()
        with store.engine.connect() as conn:
            for query in STATE_QUERIES:
                for row in conn.execute(text(query)):
                    digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()
    finally:
        store.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register of 2,000 risks, built once and copied for every trial."""
    path = tmp_path_factory.mktemp("crash") / "base.riskreg"
    partners = [PartnerRecord("CNCL", "Council")]
    service = create_register(path, ALICE, name="Crash", partners=partners, keeper="CNCL")
    service.create_risks([RiskDraft(f"Risk {n}", "CNCL", 1 + n % 5, 1 + n // 7 % 5)
                          for n in range(2_000)])  # fmt: skip
    service.close()
    return path


def run(path: Path, write: str, *, kill_after: float | None) -> float:
    """Run the write in a child; kill it ``kill_after`` seconds after it starts writing.
    Returns how long the write took (when not killed)."""
    child = subprocess.Popen(
        [sys.executable, "-c", SETUP + WRITES[write], str(path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
    started = time.monotonic()
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=120)  # waits, and closes the pipes
    return time.monotonic() - started


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_killed_at_any_moment_leaves_before_or_after(
    write: str, base: Path, tmp_path: Path
) -> None:
    before = state(base)
    reference = tmp_path / "reference.riskreg"
    shutil.copyfile(base, reference)
    took = run(reference, write, kill_after=None)
    after = state(reference)
    assert after != before
    rng = random.Random(write)
    seen: Counter[str] = Counter()
    for trial in range(TRIALS):
        path = tmp_path / f"trial-{trial}.riskreg"
        shutil.copyfile(base, path)
        run(path, write, kill_after=rng.uniform(0, took * 1.2))
        now = state(path)  # check passes (asserted inside), and the state is whole
        assert now in (before, after), f"trial {trial}: a mixture of before and after"
        seen["before" if now == before else "after"] += 1
        path.unlink()
        for leftover in tmp_path.glob(f"trial-{trial}.riskreg*"):
            leftover.unlink()
    assert seen["before"] + seen["after"] == TRIALS
    OUTCOMES[write] = (seen["before"], seen["after"])
