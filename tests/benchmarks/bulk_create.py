"""Build registers of 1,000 / 10,000 / 100,000 risks (2 actions each) through the services.

Baseline, measured in the same run: the same rows (risks, shares, actions) written with a
plain ``sqlite3`` ``executemany`` into a file at the same schema, in one transaction. The
service path also writes the change log (one "created" row per risk and per action) and
validates every draft, which the baseline does not.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from riskreg.choices import ActionStatus, Response, RiskStatus, Visibility
from riskreg.records import ActionDraft, Actor, PartnerRecord, RiskDraft
from riskreg.service import create_register
from riskreg.store import create_register_file

PARTNERS = ("CNCL", "APEX", "AQUA", "ARDN")
SIZES = (1_000, 10_000, 100_000)


def drafts(count: int) -> list[RiskDraft]:
    today = date(2026, 11, 27)
    out = []
    for n in range(count):
        lead = PARTNERS[n % 4]
        other = PARTNERS[(n + 1) % 4]
        out.append(
            RiskDraft(
                title=f"Benchmark risk {n}: supplier delay on work package {n % 97}",
                lead_partner=lead,
                inherent_likelihood=1 + n % 5,
                inherent_impact=1 + (n // 5) % 5,
                description="Generated for the bulk-create benchmark.",
                owner=f"Owner {n % 50}",
                shares=((lead, 60), (other, 40)) if n % 3 else None,
                raised_on=today,
                actions=(
                    ActionDraft(f"Mitigate {n} (a)", lead, due_date=today + timedelta(days=n % 90)),
                    ActionDraft(f"Mitigate {n} (b)", other, due_date=today + timedelta(days=30)),
                ),
            )
        )
    return out


def via_services(path: Path, risk_drafts: list[RiskDraft]) -> float:
    service = create_register(
        path,
        Actor("bench", "CNCL", "benchmark"),
        name="Benchmark",
        partners=[PartnerRecord(code, f"Partner {code}") for code in PARTNERS],
        keeper="CNCL",
    )
    started = time.perf_counter()
    service.create_risks(risk_drafts)
    elapsed = time.perf_counter() - started
    service.close()
    return elapsed


def via_plain_sqlite(path: Path, risk_drafts: list[RiskDraft]) -> float:
    create_register_file(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    for n, code in enumerate(PARTNERS, start=1):
        conn.execute(
            "INSERT INTO partner (id, code, name, colour, contact, active) VALUES (?,?,?,?,?,1)",
            (n, code, f"Partner {code}", "#607d8b", ""),
        )
    pid = {code: n for n, code in enumerate(PARTNERS, start=1)}
    started = time.perf_counter()
    risks, shares, actions = [], [], []
    action_no = 1
    for n, d in enumerate(risk_drafts, start=1):
        risks.append((
            n, str(uuid.uuid4()), n, f"R-{n:03d}", d.title, d.description, "", "",
            RiskStatus.OPEN.value, pid[d.lead_partner], d.owner, Visibility.JOINT.value,
            Response.TREAT.value, "", d.inherent_likelihood, d.inherent_impact,
            d.inherent_likelihood, d.inherent_impact, d.raised_on.isoformat(), 1,
        ))  # fmt: skip
        for code, percent in d.shares or ((d.lead_partner, 100),):
            shares.append((n, pid[code], percent))
        for a in d.actions:
            actions.append((
                action_no, str(uuid.uuid4()), action_no, f"A-{action_no:03d}", n, a.description,
                pid[a.partner], a.owner, a.due_date.isoformat() if a.due_date else None,
                ActionStatus.NOT_STARTED.value, 0, 1,
            ))  # fmt: skip
            action_no += 1
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO risk (id, uuid, number, ref, title, description, cause, consequence,"
        " status, lead_partner_id, owner, visibility, response, controls, inherent_likelihood,"
        " inherent_impact, current_likelihood, current_impact, raised_on, version)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        risks,
    )
    conn.executemany("INSERT INTO risk_share (risk_id, partner_id, percent) VALUES (?,?,?)", shares)
    conn.executemany(
        "INSERT INTO action (id, uuid, number, ref, risk_id, description, partner_id, owner,"
        " due_date, status, progress, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        actions,
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def run() -> None:
    print("bulk create: risks with 2 actions each; service path vs plain sqlite3 executemany")
    header = ("risks", "service s", "file MB", "sqlite3 s", "file MB", "ratio")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (8, 10, 8, 10, 8, 6), strict=True)))
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            risk_drafts = drafts(size)
            service_path = Path(tmp) / f"service-{size}.riskreg"
            plain_path = Path(tmp) / f"plain-{size}.riskreg"
            service_s = via_services(service_path, risk_drafts)
            plain_s = via_plain_sqlite(plain_path, risk_drafts)
            print(
                f"{size:>8,} {service_s:>10.2f} {service_path.stat().st_size / 1e6:>8.1f} "
                f"{plain_s:>10.2f} {plain_path.stat().st_size / 1e6:>8.1f} "
                f"{service_s / plain_s:>5.2f}×"
            )


if __name__ == "__main__":
    run()
