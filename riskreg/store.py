"""Opening, creating, upgrading, checking and backing up a register file.

The only module that creates engines. A ``.riskreg`` file is SQLite with foreign keys on,
the rollback journal (``DELETE``: WAL needs shared memory, which network shares lack) and
full syncs. Transactions are begun explicitly so that every use case is one atomic unit:
readers ``BEGIN``, writers ``BEGIN IMMEDIATE`` so two writers queue instead of deadlocking.
"""

from __future__ import annotations

import contextlib
import errno
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from riskreg.errors import (
    BackupFailed,
    NewerSchema,
    NotARegister,
    RegisterError,
    RegisterExists,
    RegisterNotFound,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT_MS = 10_000


def _alembic_config(connection: Connection | None = None) -> Any:
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

    script = ScriptDirectory.from_config(_alembic_config())
    return script.get_current_head(), frozenset(s.revision for s in script.walk_revisions())


def _install_sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN; the driver's own implicit
        # transactions would otherwise run DDL and pragmas outside our transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = DELETE")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # 64 MB of page cache: index upkeep of a 100,000-risk register stays in memory.
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("riskreg_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


@dataclass
class RegisterStore:
    """An open register: its engine and the two session factories the services use."""

    url: str
    engine: Engine
    read_session: sessionmaker[Session]
    write_session: sessionmaker[Session]
    path: Path | None
    _login: str | None = field(default=None, repr=False)

    @property
    def display_name(self) -> str:
        if self.path:
            return str(self.path)
        # A server's URL without its password: shown in the title and kept in recent lists.
        from riskreg.locations import without_password

        return without_password(self.url)

    @property
    def server_login(self) -> str | None:
        """The database login of a register on a server, as the server names it (a URL may
        leave it to PGUSER or ~/.pgpass): what its change log records."""
        if self.path is not None:
            return None
        if self._login is None:
            with self.engine.connect() as conn:
                _note_login(self, conn)
        return self._login

    def close(self) -> None:
        self.engine.dispose()

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return _revision_of(conn)

    def backup_to(self, destination: Path) -> Path:
        """Copy the register with SQLite's online backup: consistent even while in use."""
        if self.path is None:
            raise RegisterError(
                "a register on a server is backed up by the server; copy it with "
                "`python -m riskreg copy` instead"
            )
        destination = Path(destination)
        partial = destination.with_name(destination.name + ".part")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            raw = self.engine.raw_connection()
            try:
                target = sqlite3.connect(partial)
                try:
                    raw.driver_connection.backup(target)  # type: ignore[union-attr]
                finally:
                    target.close()
            finally:
                raw.close()
            partial.replace(destination)
        except (sqlite3.Error, OSError) as exc:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)  # no half copy left to be mistaken for one
            raise BackupFailed(
                f"a backup copy could not be made in {destination.parent} ({_failure_reason(exc)})"
            ) from exc
        return destination


_BUSY_STATES = {
    "55P03": "another user holds a lock on it",
    "57014": "a statement ran past its time limit",
    "40P01": "two users' changes waited for each other",
    "40001": "another user's change came first",
    "25P03": "a transaction was left open too long",
}


def busy_reason(exc: BaseException) -> str | None:
    """Why a server or a file made us wait too long (a lock, a time limit), in plain words;
    None for any other error."""
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None)
    if state in _BUSY_STATES:
        return _BUSY_STATES[state]
    if isinstance(exc, OperationalError) and "database is locked" in str(orig).lower():
        return "another program is writing it"
    return None


def _failure_reason(exc: BaseException) -> str:
    """Plain words for why a file could not be written."""
    if isinstance(exc, OSError) and exc.errno is not None:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return "the disk is full"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "the folder cannot be written"
    text = str(exc)
    if "disk is full" in text.lower():
        return "the disk is full"
    return text or type(exc).__name__


def _make_store(url: str, path: Path | None, busy_timeout_ms: int) -> RegisterStore:
    options: dict[str, Any] = {}
    if make_url(url).get_backend_name() == "postgresql":
        # A writer waits for another's lock as long as on a file, then "the register is busy".
        options["connect_args"] = {"options": f"-c lock_timeout={int(busy_timeout_ms)}"}
        options["pool_pre_ping"] = True  # a server restarted overnight is reconnected
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        _install_sqlite_pragmas(engine, busy_timeout_ms)
    writer = engine.execution_options(riskreg_begin="IMMEDIATE")
    return RegisterStore(
        url=url,
        engine=engine,
        read_session=sessionmaker(engine, expire_on_commit=False),
        write_session=sessionmaker(writer, expire_on_commit=False),
        path=path,
    )


def _url_for(location: str | Path) -> tuple[str, Path | None]:
    text_location = str(location)
    if "://" in text_location:
        return text_location, None
    path = Path(location).expanduser().resolve()
    return f"sqlite:///{path}", path


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def create_register_file(
    location: str | Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
) -> RegisterStore:
    """Create an empty register at the newest schema. Refuses to touch an existing file."""
    url, path = _url_for(location)
    if path is not None:
        if path.exists() and path.stat().st_size > 0:
            raise RegisterExists(f"{path} already exists; choose another name or open it")
        path.parent.mkdir(parents=True, exist_ok=True)
    store = _make_store(url, path, busy_timeout_ms)
    if path is None:
        try:
            with store.engine.connect() as conn:
                held = inspect(conn).get_table_names()
                _note_login(store, conn)
        except (DatabaseError, OperationalError) as exc:
            store.close()
            raise NotARegister(f"{store.display_name} cannot be reached: {exc.orig}") from exc
        if "register" in held:
            store.close()
            raise RegisterExists(
                f"{store.display_name} already holds a register; choose an empty database"
            )
    try:
        _upgrade(store)
    except BaseException:
        store.close()
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    return store


def open_register(
    location: str | Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, upgrade: bool = True
) -> RegisterStore:
    """Open an existing register, upgrading an older schema (after a backup copy).

    Raises ``RegisterNotFound``, ``NotARegister`` or ``NewerSchema`` with a message that
    names the file, so callers can show it as it is.
    """
    url, path = _url_for(location)
    if path is not None:
        if not path.exists():
            raise RegisterNotFound(f"{path}: no such register file")
        if path.is_dir():
            raise NotARegister(f"{path} is a folder, not a register file")
        if not _looks_like_sqlite(path):
            raise NotARegister(f"{path} is not a register file (it is not an SQLite database)")
    store = _make_store(url, path, busy_timeout_ms)
    try:
        current = _current_revision(store)
        if current is None:
            raise NotARegister(f"{store.display_name} is an SQLite file but not a risk register")
        if current not in known_revisions():
            raise NewerSchema(
                f"{store.display_name} was written by a newer version of Joint Risk Register "
                f"(schema {current}); this version reads up to schema {head_revision()}. "
                "Update the application to open it."
            )
        if upgrade and current != head_revision():
            if path is not None:
                store.backup_to(path.with_name(f"{path.name}.before-schema-{head_revision()}"))
            _upgrade(store)
    except BaseException:
        store.close()
        raise
    return store


def _current_revision(store: RegisterStore) -> str | None:
    try:
        with store.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if "alembic_version" not in tables or "register" not in tables:
                return None
            _note_login(store, conn)
            return _revision_of(conn)
    except (DatabaseError, OperationalError) as exc:
        raise NotARegister(
            f"{store.display_name} cannot be read as a register: {exc.orig}"
        ) from exc


def _note_login(store: RegisterStore, conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        store._login = str(conn.execute(text("SELECT session_user")).scalar_one())


def _revision_of(conn: Connection) -> str | None:
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def _upgrade(store: RegisterStore, revision: str = "head") -> None:
    """Run the shipped migrations in one transaction: a failed upgrade leaves the file as it was."""
    from alembic import command

    with store.engine.execution_options(riskreg_begin="IMMEDIATE").begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


def upgrade_to(store: RegisterStore, revision: str) -> None:
    """Bring a register to a given schema revision (tests build older files with it)."""
    _upgrade(store, revision)


@contextlib.contextmanager
def opened(location: str | Path, **options: Any) -> Iterator[RegisterStore]:
    store = open_register(location, **options)
    try:
        yield store
    finally:
        store.close()
