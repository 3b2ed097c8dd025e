"""Initial schema: register, partners, categories, risks, shares, actions, change log

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("appetite", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category")),
        sa.UniqueConstraint("name", name=op.f("uq_category_name")),
    )
    op.create_table(
        "change_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("partner_code", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_set")),
        sa.UniqueConstraint("revision", name=op.f("uq_change_set_revision")),
    )
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("code", name=op.f("uq_partner_code")),
    )
    op.create_table(
        "register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("keeper_partner_id", sa.Integer(), nullable=True),
        sa.Column("scheme_json", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("next_risk_number", sa.Integer(), nullable=False),
        sa.Column("next_action_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["keeper_partner_id"],
            ["partner.id"],
            name="fk_register_keeper_partner_id_partner",
            use_alter=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register")),
        sa.UniqueConstraint("uuid", name=op.f("uq_register_uuid")),
    )
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_set_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_uuid", sa.String(length=36), nullable=False),
        sa.Column("entity_ref", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_set_id"], ["change_set.id"], name=op.f("fk_change_change_set_id_change_set")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change")),
    )
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_change_set_id"), ["change_set_id"], unique=False
        )

    op.create_table(
        "export_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("export_id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_export_log_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_log")),
        sa.UniqueConstraint("export_id", name=op.f("uq_export_log_export_id")),
    )
    op.create_table(
        "risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("consequence", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "Draft",
                "Open",
                "Escalated",
                "Closed",
                name="riskstatus",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("lead_partner_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum("Joint", "Internal", name="visibility", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column(
            "response",
            sa.Enum(
                "Treat",
                "Tolerate",
                "Transfer",
                "Terminate",
                "Exploit",
                name="response",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("controls", sa.Text(), nullable=False),
        sa.Column("inherent_likelihood", sa.Integer(), nullable=False),
        sa.Column("inherent_impact", sa.Integer(), nullable=False),
        sa.Column("current_likelihood", sa.Integer(), nullable=False),
        sa.Column("current_impact", sa.Integer(), nullable=False),
        sa.Column("target_likelihood", sa.Integer(), nullable=True),
        sa.Column("target_impact", sa.Integer(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column(
            "proximity",
            sa.Enum(
                "Imminent (within a month)",
                "Within 6 months",
                "Within 12 months",
                "Beyond 12 months",
                name="proximity",
                native_enum=False,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("cost_min", sa.Integer(), nullable=True),
        sa.Column("cost_likely", sa.Integer(), nullable=True),
        sa.Column("cost_max", sa.Integer(), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "current_likelihood >= 1 AND current_impact >= 1", name=op.f("ck_risk_current")
        ),
        sa.CheckConstraint(
            "inherent_likelihood >= 1 AND inherent_impact >= 1", name=op.f("ck_risk_inherent")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_risk_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["lead_partner_id"], ["partner.id"], name=op.f("fk_risk_lead_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk")),
        sa.UniqueConstraint("number", name=op.f("uq_risk_number")),
        sa.UniqueConstraint("ref", name=op.f("uq_risk_ref")),
        sa.UniqueConstraint("uuid", name=op.f("uq_risk_uuid")),
    )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index("ix_risk_lead_partner_id", ["lead_partner_id"], unique=False)
        batch_op.create_index("ix_risk_status", ["status"], unique=False)

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "Not started",
                "In progress",
                "Done",
                "Cancelled",
                name="actionstatus",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name=op.f("ck_action_progress")),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_action_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], name=op.f("fk_action_risk_id_risk")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
        sa.UniqueConstraint("number", name=op.f("uq_action_number")),
        sa.UniqueConstraint("ref", name=op.f("uq_action_ref")),
        sa.UniqueConstraint("uuid", name=op.f("uq_action_uuid")),
    )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index("ix_action_partner_id", ["partner_id"], unique=False)
        batch_op.create_index("ix_action_risk_id", ["risk_id"], unique=False)

    op.create_table(
        "risk_share",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.CheckConstraint("percent > 0 AND percent <= 100", name=op.f("ck_risk_share_percent")),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_risk_share_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], name=op.f("fk_risk_share_risk_id_risk")),
        sa.PrimaryKeyConstraint("risk_id", "partner_id", name=op.f("pk_risk_share")),
    )
    with op.batch_alter_table("risk_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_share_partner_id"), ["partner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_share_partner_id"))

    op.drop_table("risk_share")
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_risk_id")
        batch_op.drop_index("ix_action_partner_id")

    op.drop_table("action")
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_status")
        batch_op.drop_index("ix_risk_lead_partner_id")

    op.drop_table("risk")
    op.drop_table("export_log")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_change_set_id"))

    op.drop_table("change")
    op.drop_table("register")
    op.drop_table("partner")
    op.drop_table("change_set")
    op.drop_table("category")
