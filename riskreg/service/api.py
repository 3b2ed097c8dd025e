"""The service's public class, and opening or creating a register for an actor."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from riskreg import store as store_module
from riskreg.backups import Policy as BackupPolicy
from riskreg.errors import Problem, ValidationError
from riskreg.model import Category, Partner, Register
from riskreg.records import Actor, CategoryRecord, PartnerRecord
from riskreg.scoring import ScoringScheme
from riskreg.service.acceptances import AcceptanceUseCases
from riskreg.service.changes import CREATED
from riskreg.service.exchange import ExchangeUseCases
from riskreg.service.history import HistoryReads
from riskreg.service.joint_governance import GovernanceUseCases
from riskreg.service.maps import HeatMapReads
from riskreg.service.overview import WindowReads
from riskreg.service.risks import RiskUseCases
from riskreg.service.settings import PartnershipSettings
from riskreg.service.unit_of_work import utcnow
from riskreg.service.writes import appetite_level_problem, partner_columns, partner_problems
from riskreg.validation import scheme_text_problems, text_problem


class RegisterService(
    PartnershipSettings,
    RiskUseCases,
    HeatMapReads,
    HistoryReads,
    GovernanceUseCases,
    AcceptanceUseCases,
    ExchangeUseCases,
    WindowReads,
):
    """The use cases of one open register, for one actor."""


def open_service(
    location: str | Path,
    actor: Actor,
    *,
    backup_policy: BackupPolicy | None = None,
    **options: Any,
) -> RegisterService:
    """Open an existing register for an actor (see ``riskreg.store.open_register``)."""
    store = store_module.open_register(location, **options)
    return RegisterService(store, actor, backup_policy=backup_policy)


def create_register(
    location: str | Path,
    actor: Actor,
    *,
    name: str,
    partners: Sequence[PartnerRecord] = (),
    keeper: str | None = None,
    categories: Sequence[CategoryRecord] = (),
    scheme: ScoringScheme | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> RegisterService:
    """Create a register file with its partners and categories as its first change set."""
    problems = [p for partner in partners for p in partner_problems(partner)]
    codes = [p.code for p in partners]
    if len(set(codes)) != len(codes):
        problems.append(Problem("partners", "each partner code may be used only once"))
    if keeper is not None and keeper not in codes:
        problems.append(Problem("keeper", f"{keeper!r} is not one of the partners"))
    if not name.strip():
        problems.append(Problem("name", "the register needs a name"))
    elif message := text_problem("The register's name", name, 200):
        problems.append(Problem("name", message))
    for category in categories:
        if message := text_problem("A category's name", category.name, 100, required=True):
            problems.append(Problem("categories", message))
        if message := appetite_level_problem(category.appetite):
            problems.append(Problem("appetite", f"{category.name}: {message}"))
    if scheme is not None:
        problems += scheme_text_problems(scheme)
    if problems:
        raise ValidationError(problems)
    store = store_module.create_register_file(location)
    service = RegisterService(store, actor, clock=clock)
    try:
        scheme = scheme or ScoringScheme.default()
        register = Register(
            uuid=str(uuidlib.uuid4()),
            name=name,
            scheme_json=scheme.to_json(),
            revision=0,
            next_risk_number=1,
            next_action_number=1,
            created_at=service.now().astimezone(UTC).replace(tzinfo=None),
        )
        with service._write("Create register", new_register=register) as w:
            w.log("register", register.uuid, "register", CREATED, None, name)
            for partner in partners:
                w.session.add(Partner(**partner_columns(partner)))
                w.log("partner", partner.code, partner.code, CREATED, None, partner.name)
            for category in categories:
                w.session.add(Category(name=category.name, appetite=category.appetite))
                w.log("category", category.name, category.name, CREATED, None, category.name)
            w.session.flush()
            if keeper is not None:
                register.keeper_partner_id = w.session.scalars(
                    select(Partner.id).where(Partner.code == keeper)
                ).one()
    except BaseException:
        store.close()
        if store.path is not None:
            store.path.unlink(missing_ok=True)
        raise
    return service
