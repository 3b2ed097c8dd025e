"""The register's use cases: every read and write the GUI, command line and importer make.

Each write is one transaction and one change set (who, when, from where, every field's old
and new value); a failed use case raises before commit and leaves the register as it was.
Rows carry a version: a write that names a stale version is refused with ``ConflictError``.
Reads return frozen dataclasses built from column tuples, one query per table, never per row.

The package: ``unit_of_work`` (the transaction and its error translation), ``queries`` and
``writes`` (shared by the use cases), one module per topic of use cases, and ``api`` (the
public ``RegisterService`` and the functions that open or create a register).
"""

from riskreg.service.api import RegisterService, create_register, open_service
from riskreg.service.changes import CREATED, Changes
from riskreg.service.writes import action_ref, risk_ref

__all__ = [
    "CREATED",
    "Changes",
    "RegisterService",
    "action_ref",
    "create_register",
    "open_service",
    "risk_ref",
]
