"""The register's tables as typed SQLAlchemy 2.x ORM classes.

Only ``riskreg.service`` works with these objects; everything above it receives the plain
dataclasses of ``riskreg.records``. Enumerations are Python enums stored by value, so a
register file stays readable with any SQLite browser and the same schema runs on PostgreSQL.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from riskreg.choices import (
    ActionStatus,
    EscalationLevel,
    Proximity,
    Response,
    RiskKind,
    RiskStatus,
    Visibility,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _enum(kind: type[enum.Enum], length: int) -> Enum:
    return Enum(
        kind,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        length=length,
        validate_strings=True,
        create_constraint=False,
    )


class Register(Base):
    """The one row that says what this file is; ``revision`` counts committed change sets."""

    __tablename__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    keeper_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", use_alter=True, name="fk_register_keeper_partner_id_partner")
    )
    scheme_json: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=0)
    next_risk_number: Mapped[int] = mapped_column(default=1)
    next_action_number: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    escalate_after_days: Mapped[int] = mapped_column(default=90, server_default="90")
    """A risk outside appetite, or in the top band, this long is proposed for escalation."""


class Partner(Base):
    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    colour: Mapped[str] = mapped_column(String(7), default="#607d8b")
    contact: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Category(Base):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    appetite: Mapped[str | None] = mapped_column(String(40))
    """The partnership's appetite level in this category (``AppetiteLevel``), if agreed;
    the scheme maps each level onto its appetite and tolerance bands (schema 0010)."""


class Risk(Base):
    __tablename__ = "risk"
    __table_args__ = (
        CheckConstraint("inherent_likelihood >= 1 AND inherent_impact >= 1", name="inherent"),
        CheckConstraint("current_likelihood >= 1 AND current_impact >= 1", name="current"),
        # Only a Draft may be unrated (its scores empty until it is scored).
        CheckConstraint(
            "status = 'Draft' OR (inherent_likelihood IS NOT NULL AND inherent_impact IS NOT NULL "
            "AND current_likelihood IS NOT NULL AND current_impact IS NOT NULL)",
            name="rated",
        ),
        Index("ix_risk_status", "status"),
        Index("ix_risk_lead_partner_id", "lead_partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    number: Mapped[int] = mapped_column(unique=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    consequence: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    status: Mapped[RiskStatus] = mapped_column(_enum(RiskStatus, 12))
    lead_partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    owner: Mapped[str] = mapped_column(String(200), default="")
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility, 10))
    response: Mapped[Response] = mapped_column(_enum(Response, 10))
    controls: Mapped[str] = mapped_column(Text, default="")
    inherent_likelihood: Mapped[int | None]
    """Empty only on an unrated Draft (as are the other three scores)."""
    inherent_impact: Mapped[int | None]
    current_likelihood: Mapped[int | None]
    current_impact: Mapped[int | None]
    target_likelihood: Mapped[int | None]
    target_impact: Mapped[int | None]
    target_date: Mapped[date | None]
    proximity: Mapped[Proximity | None] = mapped_column(_enum(Proximity, 30))
    cost_min: Mapped[int | None]
    cost_likely: Mapped[int | None]
    cost_max: Mapped[int | None]
    raised_on: Mapped[date]
    last_reviewed: Mapped[date | None]
    next_review: Mapped[date | None]
    closed_on: Mapped[date | None]
    escalation: Mapped[EscalationLevel] = mapped_column(
        _enum(EscalationLevel, 40),
        default=EscalationLevel.OPERATIONAL,
        server_default="Operational",
    )
    kind: Mapped[RiskKind] = mapped_column(_enum(RiskKind, 12), server_default="Threat")
    """A threat or an opportunity (schema 0009; before it, every risk was a threat)."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    shares: Mapped[list[RiskShare]] = relationship(
        back_populates="risk", cascade="all, delete-orphan", order_by="RiskShare.partner_id"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class RiskShare(Base):
    """A partner's part of a risk, in whole percent; a risk's shares sum to 100."""

    __tablename__ = "risk_share"
    __table_args__ = (CheckConstraint("percent > 0 AND percent <= 100", name="percent"),)

    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), primary_key=True, index=True)
    percent: Mapped[int]

    risk: Mapped[Risk] = relationship(back_populates="shares")


class Action(Base):
    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        Index("ix_action_risk_id", "risk_id"),
        Index("ix_action_partner_id", "partner_id"),
        Index("ix_action_due_date", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    number: Mapped[int] = mapped_column(unique=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"))
    description: Mapped[str] = mapped_column(Text)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus, 12))
    progress: Mapped[int] = mapped_column(default=0)
    completed_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class ChangeSet(Base):
    """One committed use case: who did it, when (UTC), from where, and the revision it made."""

    __tablename__ = "change_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user: Mapped[str] = mapped_column(String(200))
    partner_code: Mapped[str] = mapped_column(String(12), default="")
    source: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(String(300))
    login: Mapped[str] = mapped_column(String(200), default="", server_default="")
    """The database login that made it, on a server (what the server authenticated)."""


class Change(Base):
    """One field of one entity changed within a change set (``field`` ``*`` = created)."""

    __tablename__ = "change"
    __table_args__ = (
        Index("ix_change_entity_uuid", "entity_uuid"),
        Index("ix_change_field", "field"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_set_id: Mapped[int] = mapped_column(ForeignKey("change_set.id"), index=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_uuid: Mapped[str] = mapped_column(String(36))
    entity_ref: Mapped[str] = mapped_column(String(100))
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)


class ExportLog(Base):
    """Who an exchange workbook was made for; import trusts this, not the workbook."""

    __tablename__ = "export_log"
    __table_args__ = (UniqueConstraint("export_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    export_id: Mapped[str] = mapped_column(String(36))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    at: Mapped[datetime]
    revision: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(500), default="")
    user: Mapped[str] = mapped_column(String(200), default="")


class ExportBase(Base):
    """What one export wrote: every exported row's values, the base of the three-way merge
    when its workbook comes back, and the digest of the key only that workbook carries.

    Held by the register so that nothing a workbook says about its base or its sender is
    believed. One row per export: ``content`` is the rows as compressed JSON lines (see
    ``riskreg.exchange.base``), about a tenth of their text.
    """

    __tablename__ = "export_base"

    export_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("export_log.export_id"), primary_key=True
    )
    key_digest: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class PartnerAppetite(Base):
    """One partner's appetite level in one category (stricter than the partnership's, or
    agreed where the partnership has none)."""

    __tablename__ = "partner_appetite"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(40))
    """An ``AppetiteLevel`` (a band name before schema 0010)."""


class RiskAcceptance(Base):
    """A risk outside appetite accepted, for the partnership (``partner_id`` NULL) or for one
    partner's appetite: by whom, why and until when (schema 0010).

    Rows are never removed or edited: withdrawing one (or replacing it with a new one) sets
    ``withdrawn_on``, so the table keeps every acceptance ever made, as the change log does.
    At most one row per risk and scope has no ``withdrawn_on`` (the current one).
    """

    __tablename__ = "risk_acceptance"
    __table_args__ = (
        CheckConstraint("expires_on > accepted_on", name="expiry"),
        Index("ix_risk_acceptance_risk_id", "risk_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    """NULL: accepted for the partnership's appetite; else for this partner's."""
    accepted_by: Mapped[str] = mapped_column(String(200))
    justification: Mapped[str] = mapped_column(Text)
    accepted_on: Mapped[date]
    expires_on: Mapped[date]
    withdrawn_on: Mapped[date | None]
    """Set when it is withdrawn or replaced by a newer acceptance for the same scope."""
    version: Mapped[int] = mapped_column(Integer, default=1)


class Review(Base):
    """A joint review meeting and the frozen register it saw: ``snapshot`` is canonical
    JSON, ``fingerprint`` its SHA-256, so a printed pack can be checked against it."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date]
    recorded_at: Mapped[datetime]
    user: Mapped[str] = mapped_column(String(200), default="")
    revision: Mapped[int]
    snapshot: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
