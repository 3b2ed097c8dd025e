"""``python -m riskreg``: headless commands over the same services as the GUI.

Exit 0 on success, 1 when the input was refused (reasons on stderr), 2 for usage errors.
Heavy modules are imported inside the commands so that ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from riskreg.command_guard import database_failure, open_checked, warn_network_share

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


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-09-30") from exc


_DECISIONS = {"accepted": "Accepted", "escalated": "Escalated", "closed": "Closed",
              "action-agreed": "Action agreed", "action agreed": "Action agreed"}  # fmt: skip


def _decision(text: str) -> tuple[str, str]:
    ref, sep, word = text.partition(":")
    decision = _DECISIONS.get(word.strip().lower())
    if not sep or not ref.strip() or decision is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not REF:DECISION with DECISION one of accepted, escalated, closed, "
            "action-agreed"
        )
    return ref.strip(), decision


class _PrintVersion(argparse.Action):
    """``--version``: one unwrapped line (argparse's own action re-wraps it)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        from riskreg.version import version_text

        print(version_text())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    from riskreg.version import is_standalone

    parser = argparse.ArgumentParser(
        prog="riskreg" if is_standalone() else "python -m riskreg",
        description="Joint Risk Register: headless commands.",
    )
    parser.add_argument("--version", action=_PrintVersion, help="the version and build, then exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from riskreg.starter import PRESETS

    init = commands.add_parser("init", help="create a register file")
    init.add_argument("register", metavar="REGISTER", help="a new file or an empty database URL")
    init.add_argument("--name", help="the register's name")
    init.add_argument(
        "--partner",
        action="append",
        type=_partner,
        default=[],
        metavar="CODE:Name",
        help="a partner organisation (repeat for each; the first keeps the register unless "
        "--keeper says which)",
    )
    init.add_argument("--keeper", metavar="CODE", help="the partner that keeps the register")
    init.add_argument("--scheme", choices=sorted(PRESETS), default="5x5",
                      help="the scoring scheme to start from (default 5x5)")  # fmt: skip
    init.add_argument(
        "--categories",
        choices=("orange-book", "none"),
        default="orange-book",
        help="starter categories: the Orange Book's examples (default), or none",
    )
    init.add_argument("--demo", action="store_true", help="fill it with the demo partnership")

    check = commands.add_parser("check", help="integrity, schema version and invariants")
    check.add_argument("register", metavar="REGISTER")

    copy = commands.add_parser(
        "copy", help="copy a whole register between a file and a server, then compare them"
    )
    copy.add_argument("source", metavar="SOURCE", help="a register file or a database URL")
    copy.add_argument("destination", metavar="DEST", help="a new file or an empty database")

    setup = commands.add_parser(
        "server-setup", help="partner roles and row-level security on a PostgreSQL register"
    )
    setup.add_argument("url", metavar="URL", help="postgresql+psycopg://owner@host/database")

    export = commands.add_parser("export", help="the exchange workbook for partners")
    export.add_argument("register", metavar="REGISTER")
    export.add_argument("out", type=Path, metavar="OUT.xlsx")
    export.add_argument(
        "--partner", help="for one partner: leaves out Internal risks it does not lead"
    )

    imp = commands.add_parser("import", help="merge a returned exchange workbook")
    imp.add_argument("register", metavar="REGISTER")
    imp.add_argument("workbook", type=Path, metavar="IN.xlsx|IN.ods")
    imp.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    imp.add_argument(
        "--accept",
        choices=["all", "clean"],
        default="clean",
        help="clean (default): updates and new rows; all: also the workbook's side of "
        "conflicts (and of every difference, with --by-ref)",
    )
    imp.add_argument(
        "--skip-errors",
        action="store_true",
        help="apply the rest when some rows have errors (default: stop, change nothing)",
    )
    imp.add_argument(
        "--by-ref",
        action="store_true",
        help="a copy without its _exchange sheet: compare its rows with the register by ref",
    )
    imp.add_argument("--json", action="store_true", help="the report as JSON on stdout")

    foreign = commands.add_parser(
        "import-foreign", help="bring in risks from another register's spreadsheet"
    )
    foreign.add_argument("register", metavar="REGISTER")
    foreign.add_argument("workbook", type=Path, metavar="IN")
    foreign.add_argument("--mapping", type=Path, help="a mapping saved from an earlier import")
    foreign.add_argument("--partner", help="the partner that leads the risks brought in")
    foreign.add_argument(
        "--status", choices=["Draft", "Open"], help="status of the new risks (default Draft)"
    )
    foreign.add_argument(
        "--visibility", choices=["Internal", "Joint"],
        help="who sees the new risks: their lead partner only (Internal, the default) or "
        "every partner (Joint)",
    )  # fmt: skip
    foreign.add_argument(
        "--raid", choices=["skip", "category"], help="a RAID log's other rows: leave out or keep"
    )
    foreign.add_argument(
        "--duplicates",
        choices=["skip", "import"],
        default="skip",
        help="rows whose ref or title a risk here already has: leave out (default) or import",
    )
    foreign.add_argument("--save-mapping", type=Path, help="write the mapping used to FILE")
    foreign.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    foreign.add_argument("--json", action="store_true", help="the report as JSON on stdout")

    review = commands.add_parser("review", help="record a joint review with a frozen snapshot")
    review.add_argument("register", metavar="REGISTER")
    review.add_argument("--title", required=True, help="the meeting, e.g. 'Q3 partnership board'")
    review.add_argument("--date", type=_date, help="when it was held (default today)")
    review.add_argument(
        "--attendee", action="append", type=_partner, default=[], metavar="CODE:Name",
        help="who attended for which partner (repeat for each)",
    )  # fmt: skip
    review.add_argument(
        "--decision", action="append", type=_decision, default=[], metavar="REF:DECISION",
        help="a decision on a risk: accepted, escalated, closed or action-agreed (repeat)",
    )  # fmt: skip

    snapshots = commands.add_parser("snapshots", help="the joint reviews and their fingerprints")
    snapshots.add_argument("register", metavar="REGISTER")

    verify = commands.add_parser("verify", help="check a review's fingerprint still matches")
    verify.add_argument("register", metavar="REGISTER")
    verify.add_argument("snapshot", type=int, metavar="SNAPSHOT_ID")

    from riskreg.cli_papers import add_commands

    add_commands(commands)  # report, heatmap
    from riskreg import cli_accept

    cli_accept.add_commands(commands)  # accept, acceptances
    return parser


def _init(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from riskreg.records import Actor, PartnerRecord

    actor = _actor()
    assert isinstance(actor, Actor)
    if args.demo and (args.keeper or args.scheme != "5x5" or args.categories != "orange-book"):
        print("init: --demo brings its own partnership; leave out --keeper, --scheme and "
              "--categories", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    if args.demo:
        if args.partner:
            print("init: --demo brings its own partners; leave out --partner", file=sys.stderr)
            return EXIT_USAGE
        from riskreg.demo import build_demo

        service = build_demo(args.register, actor)
        if args.name:
            service.rename_register(args.name)
    else:
        from riskreg.errors import ValidationError
        from riskreg.records import CategoryRecord
        from riskreg.service import create_register
        from riskreg.starter import CATEGORY_SETS, preset_scheme

        if not args.partner:
            print('init: name at least one partner, e.g. --partner CNCL:"Wessex County '
                  'Council" (the first keeps the register; --keeper chooses another)',
                  file=sys.stderr)  # fmt: skip
            return EXIT_USAGE
        partners = [PartnerRecord(code, name) for code, name in args.partner]
        keeper = args.keeper or partners[0].code
        try:
            service = create_register(
                args.register,
                replace(actor, partner_code=keeper),  # the first change set: a partner of it
                name=args.name or _default_name(args.register),
                partners=partners,
                keeper=keeper,
                categories=[CategoryRecord(n) for n in CATEGORY_SETS[args.categories]],
                scheme=preset_scheme(args.scheme),
            )
        except ValidationError as exc:
            for problem in exc.problems:
                print(f"init: {problem.field}: {problem.message}", file=sys.stderr)
            return EXIT_REFUSED
    info = service.register_info()
    service.close()
    print(
        f"created {info.location}: {info.name!r}, {info.risk_count} risks, "
        f"{info.action_count} actions, schema {info.schema_version}"
    )
    return EXIT_OK


def _default_name(location: str) -> str:
    from riskreg.locations import is_server, server_address

    return server_address(location).database if is_server(location) else Path(location).stem


def _check(args: argparse.Namespace) -> int:
    from riskreg.integrity import check_location

    report = check_location(args.register)  # read-only: nothing on disk changes
    for note in report.notes:
        print(f"{report.location}: note: {note}", file=sys.stderr)
    for warning in report.warnings:
        print(f"{report.location}: warning: {warning}", file=sys.stderr)
    for accepted in report.accepted:
        print(f"{report.location}: note: {accepted}", file=sys.stderr)
    if report.ok:
        print(
            f"{report.location}: OK — schema {report.schema_version}, "
            f"{report.risks} risks, {report.actions} actions"
        )
        return EXIT_OK
    for problem in report.problems:
        print(f"{report.location}: {problem}", file=sys.stderr)
    return EXIT_REFUSED


def _copy(args: argparse.Namespace) -> int:
    from riskreg.copying import copy_register

    report = copy_register(args.source, args.destination)
    total = sum(report.rows.values())
    if report.left_out:
        print(f"copy: {report.source} holds objects the application did not make; the copy "
              f"leaves them out: {', '.join(report.left_out)}", file=sys.stderr)  # fmt: skip
    for problem in report.problems:
        print(f"copy: the copy {report.destination} fails its check: {problem}", file=sys.stderr)
    if report.differences:
        for table in report.differences:
            print(f"copy: {table} differs between {report.source} and {report.destination}",
                  file=sys.stderr)  # fmt: skip
        return EXIT_REFUSED
    how = ("a clean copy: the register's tables only, in a file the application made"
           if report.clean else "every table compared equal")  # fmt: skip
    print(f"copied {report.source} to {report.destination}: {total:,} rows in "
          f"{len(report.rows)} tables ({report.rows.get('risk', 0):,} risks, "
          f"{report.rows.get('change', 0):,} changes); {how}")  # fmt: skip
    return EXIT_REFUSED if report.problems else EXIT_OK


def _server_setup(args: argparse.Namespace) -> int:
    from riskreg.locations import without_password
    from riskreg.server import setup_server

    report = setup_server(args.url)
    example = report.roles[0] if report.roles else "riskreg_<database>_<partner>"
    # the URL may hold the owner's password: never printed
    print(f"{without_password(args.url)}: {len(report.roles)} partner roles of the register "
          f"in database {report.database} ({', '.join(report.roles)}), "
          f"{report.policies} row-level security policies, the change log kept by the server. "
          "Make each person's login a member of their partner's role, e.g. CREATE ROLE jo "
          f"LOGIN PASSWORD '…' IN ROLE {example}; then run server-setup again to give the "
          "new logins the register's time limits.")  # fmt: skip
    if report.logins:
        print(f"time limits set for {len(report.logins)} logins: {', '.join(report.logins)}")
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def _review(args: argparse.Namespace) -> int:
    from riskreg.choices import Decision
    from riskreg.records import Attendee, DecisionRecord

    service = open_checked(args.register)
    try:
        review = service.record_joint_review(
            args.title,
            args.date or service.today(),
            [Attendee(code, name) for code, name in args.attendee],
            [DecisionRecord(ref, Decision(word)) for ref, word in args.decision],
        )
        risks = len(json.loads(review.snapshot)["risks"])
    finally:
        service.close()
    print(f"recorded joint review {review.id}: {review.title!r} on {review.held_on}, "
          f"{risks} joint risks frozen")  # fmt: skip
    print(f"fingerprint (SHA-256) {review.fingerprint}")
    return EXIT_OK


def _snapshots(args: argparse.Namespace) -> int:

    service = open_checked(args.register)
    try:
        reviews = service.list_reviews()
    finally:
        service.close()
    if not reviews:
        print("no joint reviews recorded yet")
    for review in reviews:
        print(f"{review.id:>4}  {review.held_on}  rev {review.revision:<5} "
              f"{review.fingerprint}  {review.title}")  # fmt: skip
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:

    service = open_checked(args.register)
    try:
        result = service.verify_review(args.snapshot)
    finally:
        service.close()
    if result.matches:
        print(f"joint review {args.snapshot}: fingerprint matches ({result.stored})")
        return EXIT_OK
    print(f"joint review {args.snapshot}: fingerprint does NOT match — the snapshot was altered "
          f"after it was recorded (recorded {result.stored}, now {result.computed})",
          file=sys.stderr)  # fmt: skip
    return EXIT_REFUSED


def _exchange_command(name: str) -> Any:
    """A workbook command from ``riskreg.cli_exchange``, imported when it runs."""

    def run(args: argparse.Namespace) -> int:
        from riskreg import cli_exchange

        return int(getattr(cli_exchange, name)(args))

    return run


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from riskreg import cli_accept
    from riskreg import cli_papers as papers
    from riskreg.errors import RegisterError

    handlers = {
        "init": _init,
        "check": _check,
        "export": _exchange_command("export_command"),
        "import": _exchange_command("import_command"),
        "import-foreign": _exchange_command("import_foreign_command"),
        "review": _review,
        "snapshots": _snapshots,
        "verify": _verify,
        "heatmap": papers.heatmap,
        "report": papers.report,
        "accept": cli_accept.accept,
        "acceptances": cli_accept.acceptances,
        "copy": _copy,
        "server-setup": _server_setup,
    }
    warn_network_share(args)
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
    except Exception as exc:
        reason = database_failure(exc)
        if reason is None:
            raise
        print(f"{args.command}: {reason}", file=sys.stderr)
        return EXIT_REFUSED
