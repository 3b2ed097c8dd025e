"""``report`` and ``heatmap``: the meeting pack and the heat map as files, for an audience.

Both take ``--audience``: ``joint`` (the default — joint risks only, what every partner may
see), a partner's code (the joint risks and that partner's own internal risks) or
``internal`` (the keeper's view: everything, every page marked "Internal — not for
circulation"). Heavy modules are imported inside the commands, so ``--help`` answers at
once.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
AUDIENCE_HELP = (
    "who the paper is for: joint (default: joint risks only, for every partner), a partner "
    "code (joint risks and that partner's internal risks), or internal (everything; the "
    "keeper's own, marked not for circulation)"
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-09-30") from exc


def add_commands(commands: Any) -> None:
    """The ``report`` and ``heatmap`` sub-commands on the command line's parser."""
    report = commands.add_parser("report", help="the meeting pack as one PDF")
    report.add_argument("register", metavar="REGISTER")
    report.add_argument("out", type=Path, metavar="OUT.pdf")
    report.add_argument(
        "--since", type=_date,
        help="trends and changes since this date (YYYY-MM-DD; default: the latest joint review)",
    )  # fmt: skip
    report.add_argument("--audience", default="joint", metavar="AUDIENCE", help=AUDIENCE_HELP)

    heatmap = commands.add_parser("heatmap", help="draw a heat map as PDF or PNG")
    heatmap.add_argument("register", metavar="REGISTER")
    heatmap.add_argument("out", type=Path, metavar="OUT.pdf|OUT.png")
    heatmap.add_argument("--basis", choices=["inherent", "current", "target"], default="current")
    heatmap.add_argument("--partner", help="a partner's risks (as lead or share-holder)")
    heatmap.add_argument("--category", help="one category")
    heatmap.add_argument(
        "--type",
        choices=["threats", "opportunities"],
        default="threats",
        dest="kind",
        help="the threats' map (default) or the opportunities' own, in its blue palette",
    )
    heatmap.add_argument(
        "--status",
        choices=["open", "all", "Draft", "Open", "Closed"],
        default="open",
        help="open (default: draft and open risks), all, or one status",
    )
    heatmap.add_argument("--audience", default="joint", metavar="AUDIENCE", help=AUDIENCE_HELP)
    arrows = heatmap.add_mutually_exclusive_group()
    arrows.add_argument("--arrows", action="store_true", help="arrows from inherent to current")
    arrows.add_argument(
        "--since-review", action="store_true",
        help="arrows from where risks stood at the latest joint review to now",
    )  # fmt: skip
    arrows.add_argument(
        "--since", type=_date, help="arrows from where risks stood on this date to now"
    )
    heatmap.add_argument(
        "--impact-up", action="store_true", help="impact up the side, likelihood along the bottom"
    )
    heatmap.add_argument("--paper", choices=["A4", "A3"], default="A4", help="PDF paper size")
    heatmap.add_argument(
        "--orientation", choices=["landscape", "portrait"], default="landscape",
        help="PDF page orientation",
    )  # fmt: skip
    heatmap.add_argument("--width", type=int, default=2400, help="PNG width in pixels")
    heatmap.add_argument("--dpi", type=int, default=200, help="PNG resolution")


def _audience(service: Any, text: str, command: str) -> Any:
    """The audience named on the command line, or None (said on stderr) if unknown."""
    from riskreg.audience import Audience

    audience = Audience.parse(text)
    known = {p.code for p in service.list_partners()}
    if audience.partner and audience.partner not in known:
        print(f"{command}: --audience {text!r} is not joint, internal or a partner code "
              f"({', '.join(sorted(known))})", file=sys.stderr)  # fmt: skip
        return None
    return audience


def report(args: argparse.Namespace) -> int:
    from riskreg.command_guard import open_checked
    from riskreg.render.report_pages import write_meeting_pack
    from riskreg.report import gather_pack

    if args.out.suffix.lower() != ".pdf":
        print("report: OUT must end in .pdf", file=sys.stderr)
        return EXIT_USAGE
    service = open_checked(args.register)
    try:
        audience = _audience(service, args.audience, "report")
        if audience is None:
            return EXIT_REFUSED
        pack = gather_pack(service, args.since, audience)
    finally:
        service.close()
    pages = write_meeting_pack(pack, args.out)
    print(f"wrote {args.out}: meeting pack of {pages} pages ({audience.marking}), "
          f"trends and changes {pack.basis.label}")  # fmt: skip
    return EXIT_OK


def _arrows(
    service: Any, args: argparse.Namespace, heat_filter: Any
) -> tuple[tuple[Any, ...], str]:
    from datetime import datetime, time

    from riskreg.heatmap import Basis

    if args.since is not None:
        moment = datetime.combine(args.since, time(0, 0)).astimezone()
        return (tuple(service.heat_movements_since(moment, heat_filter)),
                f"moves since {args.since:%d %b %Y}")  # fmt: skip
    if args.since_review:
        basis, moves = service.travel_movements(heat_filter)
        return tuple(moves), f"moves {basis.label}"
    if args.arrows:
        return (tuple(service.heat_movements(Basis.INHERENT, Basis.CURRENT, heat_filter)),
                "inherent → current")  # fmt: skip
    return (), ""


def heatmap(args: argparse.Namespace) -> int:
    from riskreg.choices import RiskKind
    from riskreg.command_guard import open_checked
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
        audience = _audience(service, args.audience, "heatmap")
        if audience is None:
            return EXIT_REFUSED
        kind = RiskKind.OPPORTUNITY if args.kind == "opportunities" else RiskKind.THREAT
        heat_filter = HeatFilter(args.partner, args.category, statuses, audience=audience,
                                 kind=kind)  # fmt: skip
        basis = Basis(args.basis)
        arrows, label = _arrows(service, args, heat_filter)
        request = HeatMapRequest(
            heat=service.heat_map(basis, heat_filter),
            arrows=arrows,
            arrows_label=label,
            transposed=args.impact_up,
            title=service.register_info().name,
            key=tuple(service.placed_risks(basis, heat_filter)),
            outlined=service.appetite_cells(basis, heat_filter),
        )
        author = service.actor.user
    finally:
        service.close()
    pages = write_heat_map(request, args.out, width=args.width, dpi=args.dpi, paper=args.paper,
                           orientation=args.orientation, author=author)  # fmt: skip
    what = f"{pages} page{'s' * (pages != 1)}" if args.out.suffix.lower() == ".pdf" else "PNG"
    print(f"wrote {args.out} ({what}): {request.heat.caption()}, {request.heat.total} "
          f"{request.heat.filter.noun}")  # fmt: skip
    return EXIT_OK
