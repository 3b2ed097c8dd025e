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

    report = commands.add_parser("report", help="the meeting pack as one PDF")
    report.add_argument("register", metavar="REGISTER")
    report.add_argument("out", type=Path, metavar="OUT.pdf")
    report.add_argument(
        "--since", type=_date, help="changes since this date (YYYY-MM-DD; default 90 days ago)"
    )

    export = commands.add_parser("export", help="the exchange workbook for partners")
    export.add_argument("register", metavar="REGISTER")
    export.add_argument("out", type=Path, metavar="OUT.xlsx")
    export.add_argument(
        "--partner", help="for one partner: leaves out Internal risks it does not lead"
    )

    imp = commands.add_parser("import", help="merge a returned exchange workbook")
    imp.add_argument("register", metavar="REGISTER")
    imp.add_argument("workbook", type=Path, metavar="IN.xlsx")
    imp.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    imp.add_argument(
        "--accept",
        choices=["all", "clean"],
        default="clean",
        help="clean (default): updates and new rows; all: also the workbook's side of conflicts",
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

    heatmap = commands.add_parser("heatmap", help="draw a heat map as PDF or PNG")
    heatmap.add_argument("register", metavar="REGISTER")
    heatmap.add_argument("out", type=Path, metavar="OUT.pdf|OUT.png")
    heatmap.add_argument("--basis", choices=["inherent", "current", "target"], default="current")
    heatmap.add_argument("--partner", help="a partner's risks (as lead or share-holder)")
    heatmap.add_argument("--category", help="one category")
    heatmap.add_argument(
        "--status",
        choices=["open", "all", "Draft", "Open", "Escalated", "Closed"],
        default="open",
        help="open (default: draft, open, escalated), all, or one status",
    )
    heatmap.add_argument("--arrows", action="store_true", help="arrows from inherent to current")
    heatmap.add_argument(
        "--since", type=_date, help="arrows from where risks stood on this date to now"
    )
    heatmap.add_argument(
        "--impact-up", action="store_true", help="impact up the side, likelihood along the bottom"
    )
    heatmap.add_argument("--width", type=int, default=2400, help="PNG width in pixels")
    heatmap.add_argument("--dpi", type=int, default=200, help="PNG resolution")
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


def _report(args: argparse.Namespace) -> int:
    from riskreg.render.report_pages import write_meeting_pack
    from riskreg.report import gather_pack

    if args.out.suffix.lower() != ".pdf":
        print("report: OUT must end in .pdf", file=sys.stderr)
        return EXIT_USAGE
    service = open_checked(args.register)
    try:
        pack = gather_pack(service, args.since)
    finally:
        service.close()
    pages = write_meeting_pack(pack, args.out)
    print(f"wrote {args.out}: meeting pack of {pages} pages, changes since {pack.since}")
    return EXIT_OK


def _arrows(service: Any, args: argparse.Namespace, heat_filter: Any) -> tuple[Any, ...]:
    from datetime import datetime, time

    from riskreg.heatmap import Basis

    if args.since is not None:
        moment = datetime.combine(args.since, time(0, 0)).astimezone()
        return tuple(service.heat_movements_since(moment, heat_filter))
    if args.arrows:
        return tuple(service.heat_movements(Basis.INHERENT, Basis.CURRENT, heat_filter))
    return ()


def _heatmap(args: argparse.Namespace) -> int:
    from riskreg.heatmap import OPEN_STATUSES, Basis, HeatFilter
    from riskreg.records import RiskStatus
    from riskreg.render.files import HeatMapRequest, write_heat_map

    if args.out.suffix.lower() not in (".pdf", ".png"):
        print("heatmap: OUT must end in .pdf or .png", file=sys.stderr)
        return EXIT_USAGE
    statuses = (
        OPEN_STATUSES if args.status == "open"
        else frozenset(RiskStatus) if args.status == "all"
        else frozenset({RiskStatus(args.status)})
    )  # fmt: skip
    service = open_checked(args.register)
    try:
        known = {p.code for p in service.list_partners()}
        if args.partner and args.partner not in known:
            print(f"heatmap: no partner {args.partner!r}; partners are {', '.join(sorted(known))}",
                  file=sys.stderr)  # fmt: skip
            return EXIT_REFUSED
        categories = {c.name for c in service.list_categories()}
        if args.category and args.category not in categories:
            print(f"heatmap: no category {args.category!r}", file=sys.stderr)
            return EXIT_REFUSED
        heat_filter = HeatFilter(args.partner, args.category, statuses)
        basis = Basis(args.basis)
        request = HeatMapRequest(
            heat=service.heat_map(basis, heat_filter),
            arrows=_arrows(service, args, heat_filter),
            arrows_label=f"moves since {args.since:%d %b %Y}"
            if args.since
            else "inherent → current",
            transposed=args.impact_up,
            title=service.register_info().name,
            key=tuple(service.placed_risks(basis, heat_filter)),
        )
        write_heat_map(request, args.out, width=args.width, dpi=args.dpi)
    finally:
        service.close()
    print(f"wrote {args.out}: {request.heat.caption()}, {request.heat.total} risks")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from riskreg.exchange.export import export_register

    if args.out.suffix.lower() != ".xlsx":
        print("export: OUT must end in .xlsx", file=sys.stderr)
        return EXIT_USAGE
    service = open_checked(args.register)
    try:
        result = export_register(service, args.out, args.partner)
    finally:
        service.close()
    audience = f"for {result.partner_code}" if result.partner_code else "of the whole register"
    print(
        f"wrote {args.out}: exchange workbook {audience}, {result.risks} risks, "
        f"{result.actions} actions (export {result.export_id})"
    )
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from riskreg.exchange.importer import ImportRefused, apply_import, plan_import

    service = open_checked(args.register)
    try:
        try:
            plan = plan_import(service, args.workbook)
        except ImportRefused as exc:
            if args.json:
                print(json.dumps({"workbook": args.workbook.name, "applied": False,
                                  "refused": str(exc)}, indent=2))  # fmt: skip
            print(f"import: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        errors = plan.count("error")
        applied = False
        revision = plan.register_revision
        if not args.dry_run and not errors:
            accepted = plan.accepted(args.accept)
            revision = apply_import(service, plan, accepted)
            applied = revision != plan.register_revision
    finally:
        service.close()
    if args.json:
        print(plan.report_json(applied=applied))
    else:
        _print_plan(plan, applied, revision, args)
    if errors:
        print(
            f"import: {errors} value(s) could not be read; nothing was changed. Correct the "
            "cells named above (or ask the partner to) and import again.",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    return EXIT_OK


def _print_plan(plan: Any, applied: bool, revision: int, args: argparse.Namespace) -> None:
    for item in plan.items:
        where = f"{item.sheet}!{item.cell}" if item.cell else item.sheet
        ref = f" {item.ref}" if item.ref else ""
        message = item.message if item.kind != "error" else item.message.split(": ", 1)[-1]
        print(f"{item.kind:9} {where:14}{ref}: {message}")
    counts = ", ".join(f"{n} {kind}" for kind, n in plan.summary.items() if n) or "no changes"
    print(f"{plan.workbook} from {plan.sender}: {counts}")
    if applied:
        print(f"applied as revision {revision} (accepted: {args.accept})")
    elif args.dry_run:
        print("dry run: nothing was changed")
    elif plan.count("conflict") and args.accept == "clean":
        print("conflicts were left as the register has them (--accept all takes the workbook's)")


def _import_foreign(args: argparse.Namespace) -> int:
    from riskreg.choices import RiskStatus
    from riskreg.exchange.foreign import (
        ForeignRefused,
        apply_foreign,
        load_mapping,
        plan_foreign,
        read_workbook,
    )

    service = open_checked(args.register, args.partner or "")
    try:
        try:
            tables = read_workbook(args.workbook)
            mapping = None
            if args.mapping:
                text = args.mapping.read_text(encoding="utf-8")
                mapping = load_mapping(text, tables, service.scheme(), service.list_partners())
            plan = plan_foreign(
                service, args.workbook, mapping, partner=args.partner, tables=tables
            )
            again = False
            if args.status:
                plan.mapping.status, again = RiskStatus(args.status), True
            if args.raid:
                plan.mapping.raid, again = args.raid, True
            if args.duplicates == "import" and plan.count("duplicate"):
                plan.mapping.picked |= {i.row for i in plan.items if i.kind == "duplicate"}
                again = True
            if again:
                plan = plan_foreign(service, args.workbook, plan.mapping, tables=tables)
        except ForeignRefused as exc:
            if args.json:
                print(json.dumps({"workbook": args.workbook.name, "applied": False,
                                  "refused": str(exc)}, indent=2, ensure_ascii=False))  # fmt: skip
            print(f"import-foreign: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        if args.save_mapping:
            args.save_mapping.write_text(plan.mapping.to_json(), encoding="utf-8")
        # A row that cannot come in is left out and said; it never stops the others.
        errors = plan.count("error")
        applied = False
        if not args.dry_run and plan.drafts:
            applied = bool(apply_foreign(service, plan))
    finally:
        service.close()
    if args.json:
        print(json.dumps(plan.report(applied=applied), indent=2, ensure_ascii=False))
    else:
        _print_foreign(plan, applied)
    if errors:
        print(f"import-foreign: {errors} row(s) cannot come in and were left out (see “error” "
              "above); correct them, or the mapping (--mapping), and import those again.",
              file=sys.stderr)  # fmt: skip
        if not plan.drafts:
            return EXIT_REFUSED
    return EXIT_OK


def _print_foreign(plan: Any, applied: bool) -> None:
    layout = plan.mapping.layout
    for note in plan.notes:
        print(note)
    for match in layout.columns:
        target = match.field.replace("_", " ") if match.field else "(not imported)"
        print(f"  {match.letter:>3} {match.header[:40]:40} → {target}")
    for name, choices in plan.mapping.scales.items():
        shown = ", ".join(f"{c.value!r}→{c.level if c.level else '?'}" for c in choices)
        print(f"  {name.replace('_', ' ')}: {shown}")
    for item in plan.items:
        print(f"{item.kind:9} {item.where}: {item.message}")
    counts = plan.summary()
    outcome = "imported" if applied else "nothing written"
    print(f"{plan.workbook}: {counts['new']} new risks for {plan.mapping.partner} "
          f"({counts['unrated']} unrated), {counts['duplicate']} duplicates left out, "
          f"{counts['error']} errors — {outcome}")  # fmt: skip


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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from riskreg.errors import RegisterError

    handlers = {
        "init": _init,
        "check": _check,
        "export": _export,
        "import": _import,
        "import-foreign": _import_foreign,
        "review": _review,
        "snapshots": _snapshots,
        "verify": _verify,
        "heatmap": _heatmap,
        "report": _report,
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
