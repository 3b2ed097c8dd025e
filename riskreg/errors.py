"""Domain exceptions: what went wrong, in words a risk lead can act on.

Persistence and services raise these; the GUI and the command line decide how to show them.
Nothing below the UI opens a message box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class RegisterError(Exception):
    """Base of every refusal the application explains to its user."""


class RegisterNotFound(RegisterError):
    pass


class NotARegister(RegisterError):
    pass


class NewerSchema(RegisterError):
    pass


class DamagedRegister(NotARegister):
    """The file is an SQLite database whose pages cannot be read (a damaged copy, a disk
    error): refused in plain words; the window offers the latest good backup."""


class UntrustedRegister(RegisterError):
    """The file holds schema objects the application did not make (a trigger, a view, a
    redefined table) or a schema label that does not match its objects: nothing of it is
    read or run; a clean copy can be made of its data."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class RegisterTimeout(RegisterError):
    """A statement ran past its time bound and was stopped (its transaction rolled back)."""


class RegisterExists(RegisterError):
    pass


class RegisterBusy(RegisterError):
    """Another program holds the register file for writing longer than we wait."""


class RegisterUnavailable(RegisterError):
    """The register cannot be read at the moment: a server that does not answer or refuses
    the login, a network drive gone."""


class RegisterReadOnly(RegisterError):
    """The file (or its folder, or the disk) does not accept writes; nothing was saved."""


class BackupFailed(RegisterError):
    """A backup copy could not be made (full disk, folder not writable); what was to follow
    it (an import, a scheme change) was not done."""


class ConflictError(RegisterError):
    """The row changed since the user read it: reload, never overwrite."""


class RuleError(RegisterError):
    """A use case that would break a rule of the partnership (e.g. remove a partner in use)."""


class NotFound(RegisterError):
    pass


class Cancelled(RegisterError):
    """The user stopped a long use case; its transaction was rolled back (or its file not
    written), so nothing changed."""

    def __init__(self, message: str = "Cancelled: nothing was changed.") -> None:
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Problem:
    """One invalid input: ``field`` names the form field (or sheet and cell) it belongs to."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(RegisterError):
    """Input that cannot be saved; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls([Problem(field, message)])
