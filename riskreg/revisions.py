"""Which schemas this version of the application knows, and how Alembic finds them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "riskreg:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema this version writes (kept equal to Alembic's head by a test)."""
    from riskreg.migrations import HEAD

    return HEAD


def known_revisions() -> frozenset[str]:
    from riskreg.migrations import KNOWN

    return KNOWN


def alembic_revisions() -> tuple[str | None, frozenset[str]]:
    """Head and every revision as Alembic reads them from the versions folder."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return script.get_current_head(), frozenset(s.revision for s in script.walk_revisions())


def newer_message(where: str, revision: str) -> str:
    return (
        f"{where} was written by a newer version of Joint Risk Register "
        f"(schema {revision}); this version reads up to schema {head_revision()}. "
        "Update the application to open it."
    )
