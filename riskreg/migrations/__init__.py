"""Alembic environment and versions; shipped inside the package so every install can upgrade.

``HEAD`` and ``KNOWN`` let a register at the current schema open without importing Alembic
(about 150 ms of start-up); a test keeps them equal to what the versions folder says.
"""

HEAD = "0011_acceptance"
KNOWN = frozenset(
    {"0001", "0002", "0003", "0004", "0005", "0006_unrated_drafts", "0007_export_base",
     "0008_one_escalation", "0009_opportunities", "0010_appetite_levels", "0011_acceptance"}
)  # fmt: skip
