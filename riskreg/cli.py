"""``python -m riskreg``: headless commands over the same services as the GUI.

Exit 0 on success, 1 when the input was refused (reasons on stderr), 2 for usage errors.
Heavy modules are imported inside the commands so that ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _actor(partner: str = "") -> object:
    from riskreg.records import Actor

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers and services)
        user = "unknown"
    return Actor(user=user, partner_code=partner, source="CLI")


def _partner(text: str) -> tuple[str, str]:
    code, sep, name = text.partition(":")
    if not sep or not code.strip() or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not CODE:Name, e.g. CNCL:County Council")
    return code.strip(), name.strip()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m riskreg",
        description="Joint Risk Register: headless commands.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create a register file")
    init.add_argument("register", type=Path, metavar="REGISTER")
    init.add_argument("--name", help="the register's name")
    init.add_argument(
        "--partner",
        action="append",
        type=_partner,
        default=[],
        metavar="CODE:Name",
        help="a partner organisation (repeat for each; the first keeps the register)",
    )
    init.add_argument("--demo", action="store_true", help="fill it with the demo partnership")

    check = commands.add_parser("check", help="integrity, schema version and invariants")
    check.add_argument("register", metavar="REGISTER")
    return parser


def _init(args: argparse.Namespace) -> int:
    from riskreg.records import Actor, PartnerRecord

    actor = _actor()
    assert isinstance(actor, Actor)
    if args.demo:
        if args.partner:
            print("init: --demo brings its own partners; leave out --partner", file=sys.stderr)
            return EXIT_USAGE
        from riskreg.demo import build_demo

        service = build_demo(args.register, actor)
        if args.name:
            service.rename_register(args.name)
    else:
        from riskreg.service import create_register

        partners = [PartnerRecord(code, name) for code, name in args.partner]
        service = create_register(
            args.register,
            actor,
            name=args.name or args.register.stem,
            partners=partners,
            keeper=partners[0].code if partners else None,
        )
    info = service.register_info()
    service.close()
    print(
        f"created {info.location}: {info.name!r}, {info.risk_count} risks, "
        f"{info.action_count} actions, schema {info.schema_version}"
    )
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from riskreg.integrity import check_register
    from riskreg.store import open_register

    store = open_register(args.register, upgrade=False)
    try:
        report = check_register(store)
    finally:
        store.close()
    if report.ok:
        print(
            f"{report.location}: OK — schema {report.schema_version}, "
            f"{report.risks} risks, {report.actions} actions"
        )
        return EXIT_OK
    for problem in report.problems:
        print(f"{report.location}: {problem}", file=sys.stderr)
    return EXIT_REFUSED


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from riskreg.errors import RegisterError

    handlers = {"init": _init, "check": _check}
    try:
        return handlers[args.command](args)
    except RegisterError as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as exc:
        print(
            f"{args.command}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return EXIT_REFUSED
