"""UI preferences in QSettings, behind one typed wrapper: never register data.

Keys live here and nowhere else, so a preference is read and written under one name.
"""

from __future__ import annotations

import enum
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from riskreg.backups import KEEP, Policy
from riskreg.locations import without_password

MAX_RECENT = 8


class FolderKind(enum.Enum):
    """The kinds of file whose last folder is remembered apart."""

    REGISTER = "register"
    WORKBOOK = "workbook"
    RETURNED = "returned"
    FOREIGN = "foreign"
    PDF = "pdf"
    IMAGE = "image"


class Preferences:
    """Window geometry, dock layout, recent registers, table columns, who the user acts as,
    where backup copies go."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) else None

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._settings.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._settings.setValue("window/state", value)

    @property
    def table_header(self) -> QByteArray | None:
        return self._bytes("register_table/header")

    @table_header.setter
    def table_header(self, value: QByteArray) -> None:
        self._settings.setValue("register_table/header", value)

    @property
    def recent_registers(self) -> list[str]:
        """Files, and server URLs without a password (an entry an older version kept with
        one, or with ``***`` in its place, is read without it): reopening a server asks
        for the password, or libpq finds it in ~/.pgpass."""
        value = self._settings.value("recent/registers", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return []
        return list(dict.fromkeys(without_password(str(v)) for v in value))

    def add_recent(self, location: str) -> None:
        location = without_password(location)  # a password is never stored
        recent = [location] + [r for r in self.recent_registers if r != location]
        self._settings.setValue("recent/registers", recent[:MAX_RECENT])

    @property
    def user_name(self) -> str:
        return str(self._settings.value("acting_as/user", "") or "")

    @user_name.setter
    def user_name(self, value: str) -> None:
        self._settings.setValue("acting_as/user", value)

    @property
    def partner_code(self) -> str:
        return str(self._settings.value("acting_as/partner", "") or "")

    @partner_code.setter
    def partner_code(self, value: str) -> None:
        self._settings.setValue("acting_as/partner", value)

    @property
    def last_folder(self) -> str:
        return str(self._settings.value("files/last_folder", "") or "")

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self._settings.setValue("files/last_folder", value)

    def folder_for(self, kind: FolderKind, register: Path | None = None) -> Path:
        """Where a file dialog for ``kind`` starts: the last folder used for that kind
        (if it still exists), else the register's folder, else the home folder."""
        last = str(self._settings.value(f"files/last_folder/{kind.value}", "") or "")
        if last and Path(last).is_dir():
            return Path(last)
        if register is not None and register.parent.is_dir():
            return register.parent
        return Path.home()

    def remember_folder(self, kind: FolderKind, chosen: Path) -> None:
        """The folder of a file the user chose (or the folder itself)."""
        folder = chosen if chosen.is_dir() else chosen.parent
        self._settings.setValue(f"files/last_folder/{kind.value}", str(folder.resolve()))

    @property
    def heat_map_transposed(self) -> bool:
        return str(self._settings.value("heat_map/transposed", "false")).lower() == "true"

    @heat_map_transposed.setter
    def heat_map_transposed(self, value: bool) -> None:
        self._settings.setValue("heat_map/transposed", "true" if value else "false")

    @property
    def backup_policy(self) -> Policy:
        """Where backup copies go (blank: beside each register) and how many are kept."""
        folder = str(self._settings.value("backups/folder", "") or "")
        try:
            keep = int(str(self._settings.value("backups/keep", KEEP)))
        except ValueError:
            keep = KEEP
        return Policy(Path(folder) if folder else None, max(1, keep))

    @backup_policy.setter
    def backup_policy(self, value: Policy) -> None:
        self._settings.setValue("backups/folder", str(value.folder) if value.folder else "")
        self._settings.setValue("backups/keep", value.keep)
