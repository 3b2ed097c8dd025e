"""Opening, creating, upgrading, checking and backing up a register file.

The only module that creates engines. A ``.riskreg`` file is SQLite with foreign keys on,
the rollback journal (``DELETE``: WAL needs shared memory, which network shares lack) and
full syncs. Transactions are begun explicitly so that every use case is one atomic unit:
readers ``BEGIN``, writers ``BEGIN IMMEDIATE`` so two writers queue instead of deadlocking.

A file is untrusted until checked: a journal beside it is merged only once it is shown to
belong (``riskreg.journals``), its schema is compared with what the migrations make before
the first read (``riskreg.schema_check``), and every connection is hardened and bounded in
time (``riskreg.sqlite_guard``). What the file's author wrote never runs; a damaged page or
a statement that runs too long becomes a refusal in plain words.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from riskreg import sqlite_guard
from riskreg.errors import (
    BackupFailed,
    Cancelled,
    DamagedRegister,
    NewerSchema,
    NotARegister,
    RegisterError,
    RegisterExists,
    RegisterNotFound,
    RegisterTimeout,
    UntrustedRegister,
)
from riskreg.file_trust import verify_schema as _verify_schema
from riskreg.progress import Progress, report
from riskreg.revisions import alembic_config as _alembic_config
from riskreg.revisions import head_revision, known_revisions
from riskreg.revisions import newer_message as _newer

if TYPE_CHECKING:
    from riskreg.schema_check import Objects

SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT_MS = 10_000


def _install_sqlite_pragmas(engine: Engine, busy_timeout_ms: int, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN; the driver's own implicit
        # transactions would otherwise run DDL and pragmas outside our transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:  # a read-only look (check) changes nothing, not even the mode
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

    @event.listens_for(engine, "before_cursor_execute")
    def _bound(_conn: Any, cursor: Any, _sql: Any, _params: Any, context: Any, _many: Any) -> None:
        options = context.execution_options if context is not None else {}
        limit = options.get("riskreg_time_limit", sqlite_guard.STATEMENT_TIME_LIMIT_S)
        bound = getattr(cursor.connection, "bound", None)
        if bound is not None:
            bound.start(limit)

    @event.listens_for(engine, "handle_error")
    def _plain_words(context: Any) -> None:
        _translate(context, engine)


def _translate(context: Any, engine: Engine) -> None:
    """A statement stopped by its time bound, a damaged page or a refused trigger or view,
    raised as the refusal it is (the transaction is rolled back: nothing was saved)."""
    original = context.original_exception
    if not isinstance(original, sqlite3.Error):
        return
    where = _display(engine)
    fairy = getattr(context.connection, "connection", None)
    raw = getattr(fairy, "dbapi_connection", None)
    if sqlite_guard.was_interrupted(raw) or str(original) == "interrupted":
        limit = getattr(getattr(raw, "bound", None), "limit", sqlite_guard.STATEMENT_TIME_LIMIT_S)
        raise RegisterTimeout(
            f"{where} took longer than {limit:.0f} s to answer, so the work was stopped and "
            "nothing was saved. If the register is on a slow network drive, try again; if "
            "every attempt is this slow, the file may be damaged: run "
            "`python -m riskreg check` on it."
        ) from original
    if sqlite_guard.is_damage(original):
        raise DamagedRegister(
            f"{where} is damaged and cannot be read ({original}). Nothing was changed; put "
            "back a backup copy (File ▸ Restore from backup)."
        ) from original
    if sqlite_guard.is_refused_schema_code(original):
        raise UntrustedRegister(
            f"{where} holds SQL the application did not write (a trigger or a view); it was "
            "refused, and nothing was changed"
        ) from original


def _display(engine: Engine) -> str:
    return engine.url.database or "the register"


@dataclass
class RegisterStore:
    """An open register: its engine and the two session factories the services use."""

    url: str
    engine: Engine
    read_session: sessionmaker[Session]
    write_session: sessionmaker[Session]
    path: Path | None
    notes: tuple[str, ...] = ()
    """What the user should know about the file since it was opened: a journal beside it
    merged or set aside, a network share under it (plain sentences)."""
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

    def backup_to(self, destination: Path, *, progress: Progress | None = None) -> Path:
        """Copy the register with SQLite's online backup: consistent even while in use.
        ``progress`` hears the pages copied and may cancel (no half copy is left)."""
        if self.path is None:
            raise RegisterError(
                "a register on a server is backed up by the server; copy it with "
                "`python -m riskreg copy` instead"
            )
        destination = Path(destination)
        partial = destination.with_name(destination.name + ".part")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            _create_private(partial, _mode_of(self.path))
            raw = self.engine.raw_connection()
            try:
                target = sqlite3.connect(partial)
                try:
                    raw.driver_connection.backup(  # type: ignore[union-attr]
                        target,
                        pages=BACKUP_PAGES_PER_STEP,
                        progress=lambda _s, left, total: report(progress, total - left, total),
                    )
                finally:
                    target.close()
            finally:
                raw.close()
            keep_mode(partial, _mode_of(self.path))
            partial.replace(destination)
        except Cancelled:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            raise
        except (sqlite3.Error, OSError) as exc:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)  # no half copy left to be mistaken for one
            raise BackupFailed(
                f"a backup copy could not be made in {destination.parent} ({_failure_reason(exc)})"
            ) from exc
        return destination


BACKUP_PAGES_PER_STEP = 2_048
"""Pages copied between two progress reports of a backup (8 MB of 4 KB pages)."""


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


def _mode_of(path: Path) -> int:
    """A register's permission bits (its backups and restored copies get the same)."""
    return path.stat().st_mode & 0o777


def _create_private(path: Path, mode: int) -> None:
    """An empty file with ``mode`` from its first moment: a copy of a private register is
    never readable by others, not even while it is being written."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    os.close(descriptor)


def keep_mode(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError):  # on Windows only the read-only flag follows
        os.chmod(path, mode)


def _make_store(
    url: str,
    path: Path | None,
    busy_timeout_ms: int,
    *,
    read_only: bool = False,
    immutable: bool = False,
) -> RegisterStore:
    options: dict[str, Any] = {}
    if make_url(url).get_backend_name() == "postgresql":
        # A writer waits for another's lock as long as on a file, then "the register is busy".
        options["connect_args"] = {"options": f"-c lock_timeout={int(busy_timeout_ms)}"}
        options["pool_pre_ping"] = True  # a server restarted overnight is reconnected
    elif path is not None:
        file_path = path

        def hardened() -> sqlite_guard.GuardedConnection:
            return sqlite_guard.connect(file_path, read_only=read_only, create=not read_only,
                                        immutable=immutable,
                                        timeout_s=busy_timeout_ms / 1000)  # fmt: skip

        options["creator"] = hardened
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        _install_sqlite_pragmas(engine, busy_timeout_ms, read_only)
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


def file_path(location: str | Path) -> Path | None:
    """The register file a location names, or None for a server URL."""
    return _url_for(location)[1]


def _looks_like_sqlite(path: Path) -> bool:
    """Only a regular file is read: a FIFO, a device or a socket named .riskreg would block
    the read (or never end) before any time bound applies."""
    import stat

    if not stat.S_ISREG(path.stat().st_mode):
        return False
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
    location: str | Path,
    *,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    upgrade: bool = True,
    read_only: bool = False,
    immutable: bool = False,
    backup_folder: Path | None = None,
) -> RegisterStore:
    """Open an existing register, upgrading an older schema (after a backup copy).

    A file is checked before anything is read from it: a journal beside it is merged only
    if it belongs (a copy of both is kept first in ``backup_folder``, by default the
    register's ``NAME backups`` folder), and its schema must be what the migrations make.
    ``read_only`` never writes (``check``); ``immutable`` also ignores journals and locks.
    Raises ``RegisterNotFound``, ``NotARegister``, ``DamagedRegister``,
    ``UntrustedRegister`` or ``NewerSchema`` with a message that names the file, so callers
    can show it as it is.
    """
    url, path = _url_for(location)
    notes: list[str] = []
    if path is not None:
        expect_register_file(path)
        if not read_only:
            notes += _settle_journal(path, backup_folder)
        _verify_schema(path, busy_timeout_ms, immutable=immutable)
        if not read_only:  # check says it of the file it is asked about, not of a copy
            from riskreg.network_shares import network_share_warning

            warning = network_share_warning(path)
            if warning:
                notes.append(warning)
    store = _make_store(url, path, busy_timeout_ms, read_only=read_only, immutable=immutable)
    store.notes = tuple(notes)
    try:
        current = _current_revision(store)
        if current is None:
            raise NotARegister(f"{store.display_name} is an SQLite file but not a risk register")
        if current not in known_revisions():
            raise NewerSchema(_newer(store.display_name, current))
        if upgrade and not read_only and current != head_revision():
            if path is not None:
                store.backup_to(path.with_name(f"{path.name}.before-schema-{head_revision()}"))
            else:
                _expect_owner_for_upgrade(store, current)
            _upgrade(store)
    except BaseException:
        store.close()
        raise
    return store


def _expect_owner_for_upgrade(store: RegisterStore, current: str) -> None:
    """On a server, only the login that owns the register's tables may upgrade them (a
    partner's login would meet "must be owner" half-way): anyone else is told whom to ask."""
    with store.engine.connect() as conn:
        owns = conn.execute(text(
            "SELECT pg_has_role(current_user, c.relowner, 'MEMBER') FROM pg_class c "
            "WHERE c.oid = 'public.register'::regclass"
        )).scalar()  # fmt: skip
    if not owns:
        raise RegisterError(
            f"{store.display_name} is at schema {current}; this version of Joint Risk "
            f"Register needs schema {head_revision()}. The register's owner upgrades it: open "
            "it once with the login that owns its tables, then run `python -m riskreg "
            "server-setup` again for the partners' logins."
        )


def expect_register_file(path: Path) -> None:
    if not path.exists():
        raise RegisterNotFound(f"{path}: no such register file")
    if path.is_dir():
        raise NotARegister(f"{path} is a folder, not a register file")
    if not path.is_file():
        raise NotARegister(f"{path} is not a register file (not a regular file: a pipe, a "
                           "device or a socket)")  # fmt: skip
    if not _looks_like_sqlite(path):
        raise NotARegister(f"{path} is not a register file (it is not an SQLite database)")


def _settle_journal(path: Path, backup_folder: Path | None) -> list[str]:
    """A journal beside the file: copied with the file, then merged only if it belongs."""
    from riskreg import journals

    journal = journals.hot_journal(path)
    if journal is None:
        return []
    folder = backup_folder or path.with_name(f"{path.stem} backups")
    uuid = journals.file_uuid(path) or "unknown"
    try:
        kept = journals.keep_copies(path, journal, folder, datetime.now().astimezone(), uuid)
    except OSError as exc:
        raise BackupFailed(
            f"{path} has {_article(journal)} beside it, and a copy of both could not be made "
            f"in {folder} ({_failure_reason(exc)}), so it was not opened"
        ) from exc
    finding = journals.assess(path, journal)
    if finding.belongs:
        journals.recover(path)
        return [
            f"{path.name} had an unfinished write ({finding.described}); it was completed "
            f"safely. A copy of the file and its journal from before is in {kept.parent}."
        ]
    journals.set_aside(journal)
    return [
        f"{finding.described.capitalize()} did not belong to it ({finding.reason}), so it was "
        f"not merged: it was set aside in {kept.parent}, and the register was opened as it "
        "is on disk."
    ]


def _article(journal: Path) -> str:
    return "a write-ahead log" if journal.name.endswith("-wal") else "a rollback journal"


def _current_revision(store: RegisterStore) -> str | None:
    try:
        with store.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if "alembic_version" not in tables or "register" not in tables:
                return None
            _note_login(store, conn)
            return _revision_of(conn)
    except (DatabaseError, OperationalError) as exc:
        raise DamagedRegister(
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


def schemas_made_by_migrations() -> dict[str, Objects]:
    """The schema objects each migration leaves, oldest first, as ``riskreg.schema_check``
    compares them (the source of ``migrations/schema.json``)."""
    import tempfile

    from alembic.script import ScriptDirectory

    from riskreg import schema_check

    script = ScriptDirectory.from_config(_alembic_config())
    order = [s.revision for s in reversed(list(script.walk_revisions()))]
    schemas: dict[str, Objects] = {}
    with tempfile.TemporaryDirectory(prefix="riskreg-schema-") as folder:
        for revision in order:
            path = Path(folder) / f"{revision}.riskreg"
            store = _make_store(f"sqlite:///{path}", path, 1000)
            try:
                _upgrade(store, revision)
            finally:
                store.close()
            connection = sqlite3.connect(path)
            try:
                schemas[revision] = schema_check.objects_of(connection)
            finally:
                connection.close()
    return schemas


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
