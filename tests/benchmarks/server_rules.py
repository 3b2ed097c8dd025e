"""What the server's own rules cost (``server-setup``: row-level security, the change log
written by triggers, ids and counters from the server): the same writes on a register on
the test server before and after ``server-setup``, the second time through a partner's
login. Needs ``RISKREG_TEST_PG_URL``.

Measured: an import of N new risks with two actions each (``create_risks``), a scheme
change that moves every risk (5×5 → 4×4), 200 single edits (the mean), and reading every
risk (``list_risks``); edits and reads after ``ANALYZE``, as autovacuum runs it soon after
a large import.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import replace

from sqlalchemy.engine import make_url

from riskreg.records import Actor, PartnerRecord, RiskDraft
from riskreg.scoring import ScoringScheme
from riskreg.server import partner_role, setup_server
from riskreg.service import RegisterService, create_register, open_service
from tests.benchmarks.bulk_create import PARTNERS, drafts
from tests.pg_server import execute, scratch_database
from tests.server_partnership import plain_sql

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "10000,100000").split(","))
EDITS = 200


def _keepers_drafts(count: int) -> list[RiskDraft]:
    """The bulk benchmark's risks, led by the keeping partner and its actions its own (a
    partner's login adds only risks it leads and actions it owns)."""
    out = []
    for draft in drafts(count):
        shares = (("CNCL", 60), ("APEX", 40)) if draft.lead_partner != "CNCL" else None
        actions = tuple(replace(a, partner="CNCL") for a in draft.actions)
        out.append(replace(draft, lead_partner="CNCL", shares=shares, actions=actions))
    return out


def _measure(service: RegisterService, count: int, owner: str) -> dict[str, float]:
    started = time.perf_counter()
    service.create_risks(_keepers_drafts(count), summary="Benchmark import")
    imported = time.perf_counter() - started
    # what autovacuum does within a minute of a large import: without these statistics
    # the planner reads a risk's shares through its row-level security as if for all risks
    with plain_sql(owner) as conn:
        conn.execute("ANALYZE")
    risks = service.list_risks()
    started = time.perf_counter()
    for n in range(EDITS):
        risk = risks[n * 37 % len(risks)]
        risk = service.get_risk(risk.uuid)
        service.edit_risk(risk.uuid, risk.version, {"owner": f"Edited {n}"})
    edit = (time.perf_counter() - started) / EDITS
    started = time.perf_counter()
    service.change_scheme(ScoringScheme.sized(4, 4))
    rescaled = time.perf_counter() - started
    started = time.perf_counter()
    service.list_risks()
    read = time.perf_counter() - started
    return {"import": imported, "edit": edit, "scheme": rescaled, "read": read}


def _register(url: str) -> None:
    create_register(url, Actor("bench", "CNCL", "benchmark"), name="Benchmark",
                    partners=[PartnerRecord(code, f"Partner {code}") for code in PARTNERS],
                    keeper="CNCL").close()  # fmt: skip


def run() -> None:
    for count in SIZES:
        results = {}
        with scratch_database() as url:
            _register(url)
            service = open_service(url, Actor("bench", "CNCL", "benchmark"))
            try:
                results["plain server, owner"] = _measure(service, count, url)
            finally:
                service.close()
        with scratch_database() as url:
            _register(url)
            setup_server(url)
            login = f"bench_{uuid.uuid4().hex[:8]}"
            role = partner_role(make_url(url).database or "", "CNCL")
            execute(f"CREATE ROLE {login} LOGIN PASSWORD 'bench' IN ROLE {role}")
            try:
                as_login = make_url(url).set(username=login, password="bench")
                service = open_service(as_login.render_as_string(False), Actor("bench", "CNCL"))
                try:
                    results["set up, keeper's login"] = _measure(service, count, url)
                finally:
                    service.close()
            finally:
                execute(f"DROP ROLE IF EXISTS {login}")
        for name, figures in results.items():
            edit_ms = figures["edit"] * 1000
            print(f"{count:>7,} risks, {name:<24} import {figures['import']:6.1f} s   "
                  f"edit {edit_ms:5.1f} ms   scheme change {figures['scheme']:6.1f} s   "
                  f"read all {figures['read']:5.2f} s", flush=True)  # fmt: skip
