"""One editor of the load test: edits random risks' owner until the deadline and writes
what happened as JSON (accepted edits with the version they made, conflicts, errors)."""

from __future__ import annotations

import json
import random
import sys
import time


def main(url: str, number: int, start: float, seconds: float, out: str) -> None:
    from riskreg.errors import ConflictError
    from riskreg.records import Actor, RiskStatus
    from riskreg.service import open_service

    service = open_service(url, Actor(f"editor {number}", "CNCL", "load test"))
    refs = sorted(r.ref for r in service.list_risks() if r.status is not RiskStatus.CLOSED)
    chooser = random.Random(number)
    accepted: list[tuple[str, int, str]] = []
    conflicts = 0
    errors: list[str] = []
    time.sleep(max(0.0, start - time.time()))
    deadline = start + seconds
    edit = 0
    while time.time() < deadline:
        ref = chooser.choice(refs)
        value = f"editor {number} edit {edit}"
        edit += 1
        try:
            risk = service.find_risk(ref)
            saved = service.edit_risk(risk.uuid, risk.version, {"owner": value})
        except ConflictError:
            conflicts += 1
        except Exception as exc:  # counted and reported: the test expects none
            errors.append(f"{type(exc).__name__}: {exc}")
        else:
            accepted.append((ref, saved.version, value))
    service.close()
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"accepted": accepted, "conflicts": conflicts, "errors": errors}, handle)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
