"""The command line's workbook commands: ``export``, ``import`` and ``import-foreign``.

Kept apart from ``riskreg.cli`` (which parses the arguments and imports this module when one
of these commands runs): what each prints, what JSON it gives, and which exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from riskreg.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from riskreg.command_guard import open_checked


def export_command(args: argparse.Namespace) -> int:
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


def import_command(args: argparse.Namespace) -> int:
    from riskreg.exchange.importer import (
        CopyWithoutExport,
        ImportRefused,
        apply_import,
        plan_import,
    )

    service = open_checked(args.register)
    try:
        try:
            plan = plan_import(service, args.workbook, by_ref=args.by_ref)
        except ImportRefused as exc:
            reason = str(exc)
            if isinstance(exc, CopyWithoutExport):
                reason += " Import it with --by-ref to see the differences."
            if args.json:
                print(json.dumps({"workbook": args.workbook.name, "applied": False,
                                  "refused": reason}, indent=2, ensure_ascii=False))  # fmt: skip
            print(f"import: {reason}", file=sys.stderr)
            return EXIT_REFUSED
        errors = plan.count("error")
        applied = False
        revision = plan.register_revision
        if not args.dry_run and (not errors or args.skip_errors):
            accepted = plan.accepted(args.accept)
            revision = apply_import(service, plan, accepted)
            applied = revision != plan.register_revision
    finally:
        service.close()
    if args.json:
        print(plan.report_json(applied=applied))
    else:
        _print_plan(plan, applied, revision, args)
    if errors and not args.skip_errors:
        print(
            f"import: {errors} value(s) could not be read; nothing was changed. Correct the "
            "cells named above (or ask the partner to) and import again, or import the rest "
            "with --skip-errors.",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    if errors:
        print(f"import: {errors} value(s) could not be read; their rows were left as they are "
              "(--skip-errors)", file=sys.stderr)  # fmt: skip
    return EXIT_OK


def _print_plan(plan: Any, applied: bool, revision: int, args: argparse.Namespace) -> None:
    for note in plan.notes:
        print(f"note      {note}")
    for item in plan.items:
        ref = f" {item.ref}" if item.ref else ""
        where = item.where  # the cell under the sheet's own name in the workbook
        message = item.message.removeprefix(f"{where}: ")
        print(f"{item.kind:9} {where:14}{ref}: {message}")
    counts = ", ".join(f"{n} {kind}" for kind, n in plan.summary.items() if n) or "no changes"
    origin = "a copy read by ref" if plan.by_ref else f"from {plan.sender}"
    print(f"{plan.workbook} {origin}: {counts}")
    if applied:
        print(f"applied as revision {revision} (accepted: {args.accept})")
    elif args.dry_run:
        print("dry run: nothing was changed")
    elif plan.by_ref and args.accept == "clean" and plan.count("differs"):
        print("a copy read by ref has no clean changes: --accept all takes the workbook's side "
              "of every difference")  # fmt: skip
    elif plan.count("conflict") and args.accept == "clean":
        print("conflicts were left as the register has them (--accept all takes the workbook's)")


def import_foreign_command(args: argparse.Namespace) -> int:
    from riskreg.choices import RiskStatus, Visibility
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
            if args.visibility:
                plan.mapping.visibility, again = Visibility(args.visibility), True
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
