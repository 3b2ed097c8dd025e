"""Where a register lives, as the user names it: a file path or a server URL. The GUI
builds and reads server addresses here, never with SQLAlchemy itself."""

from __future__ import annotations

from dataclasses import dataclass

SUFFIX = ".riskreg"
DEFAULT_PORT = 5432
DRIVER = "postgresql+psycopg"


@dataclass(frozen=True, slots=True)
class ServerAddress:
    host: str
    port: int
    database: str
    user: str


def is_server(location: str) -> bool:
    return "://" in location and not location.startswith("sqlite")


def server_url(address: ServerAddress, password: str = "") -> str:
    from sqlalchemy.engine import URL

    return URL.create(
        DRIVER, username=address.user or None, password=password or None,
        host=address.host, port=address.port, database=address.database,
    ).render_as_string(hide_password=False)  # fmt: skip


def without_password(location: str) -> str:
    """A server URL as it may be shown and remembered: no password (not even ``***``);
    reopening asks for it, or libpq finds it in ~/.pgpass. A file path is kept as it is."""
    if not is_server(location):
        return location
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(location)
    except ArgumentError:
        return location.split("@")[-1]  # not a URL SQLAlchemy reads: keep no credentials
    return url._replace(password=None).render_as_string(hide_password=False)


def server_address(location: str) -> ServerAddress:
    from sqlalchemy.engine import make_url

    url = make_url(location)
    return ServerAddress(url.host or "", url.port or DEFAULT_PORT, url.database or "",
                         url.username or "")  # fmt: skip
