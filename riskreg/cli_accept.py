"""``accept`` and ``acceptances``: accept a risk outside appetite (or withdraw its
acceptance) and list the acceptances, through the same service as the window.

``--for`` names the scope: ``partnership`` (the partnership's appetite) or a partner code
(that partner's own appetite). Heavy modules are imported inside the commands.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from typing import Any

from riskreg.command_guard import open_checked

EXIT_OK, EXIT_REFUSED = 0, 1


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-03-31") from exc


def add_commands(commands: Any) -> None:
    """The ``accept`` and ``acceptances`` sub-commands on the command line's parser."""
    accept = commands.add_parser(
        "accept", help="accept a risk outside appetite until a date, or withdraw an acceptance"
    )
    accept.add_argument("register", metavar="REGISTER")
    accept.add_argument("ref", metavar="REF", help="the risk, e.g. R-004")
    accept.add_argument(
        "--for", dest="scope", required=True, metavar="SCOPE",
        help="partnership (its appetite) or a partner code that leads or shares the risk",
    )  # fmt: skip
    accept.add_argument("--by", dest="accepted_by", help="the named person who accepts it")
    accept.add_argument("--why", dest="justification", help="the justification")
    accept.add_argument(
        "--until",
        dest="expires_on",
        type=_date,
        help="the expiry date (YYYY-MM-DD; after today, at most three years)",
    )
    accept.add_argument("--withdraw", action="store_true", help="withdraw the acceptance")
    listing = commands.add_parser("acceptances", help="the risks accepted outside appetite")
    listing.add_argument("register", metavar="REGISTER")


def accept(args: argparse.Namespace) -> int:
    from riskreg.acceptance import short_text
    from riskreg.errors import ValidationError

    scope = None if args.scope.strip().lower() == "partnership" else args.scope.strip()
    if not args.withdraw:
        given = {"by": args.accepted_by, "why": args.justification, "until": args.expires_on}
        missing = [f"--{name}" for name, value in given.items() if value is None]
        if missing:
            print(f"accept: give {', '.join(missing)} (or --withdraw)", file=sys.stderr)
            return 2
    service = open_checked(args.register)
    try:
        risk = service.find_risk(args.ref)
        if args.withdraw:
            service.withdraw_acceptance(risk.uuid, scope)
            print(f"{risk.ref}: acceptance for {scope or 'the partnership'} withdrawn")
            return EXIT_OK
        done = service.accept_risk(risk.uuid, risk.version, scope, args.accepted_by,
                                   args.justification, args.expires_on)  # fmt: skip
    except ValidationError as exc:
        for problem in exc.problems:
            print(f"accept: {problem.field}: {problem.message}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        service.close()
    mine = next(a for a in done.acceptances if a.scope == scope)
    print(f"{done.ref}: accepted outside appetite for {short_text(mine)}; next review "
          f"{done.next_review.isoformat() if done.next_review else 'not set'}")  # fmt: skip
    return EXIT_OK


def acceptances(args: argparse.Namespace) -> int:
    service = open_checked(args.register)
    try:
        found = service.acceptances()
        today = service.today()
    finally:
        service.close()
    if not found:
        print("no risk is accepted outside appetite")
    for risk, a in found:
        state = "expired" if a.expires_on < today else "until"
        print(f"{risk.ref:<8} {a.scope_name:<16} {state} {a.expires_on.isoformat()}  "
              f"{on_terminal(a.accepted_by)}: {on_terminal(a.justification)}")  # fmt: skip
    return EXIT_OK


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def on_terminal(text: str) -> str:
    """Text from the register as a terminal may show it: a control character (which a
    register file edited by hand can hold, and which a terminal would obey: ESC[31m) is
    printed as its Unicode picture (U+2400…) or U+FFFD."""
    return _CONTROL.sub(
        lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 32 else "\ufffd", text
    )
