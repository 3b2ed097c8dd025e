"""The merge base of an export: the value of every exported row as the export wrote it.

The register keeps it (``export_base``, one row per export), so a workbook is never trusted
for its base: its hidden ``_exchange`` sheet only names the export and carries a key that
proves it is that export's workbook. The import compares the workbook with this base and
with the register now.

Held compactly: one line per row, ``R|A <tab> uuid <tab> ref <tab> JSON list of texts`` (in
the order of the sheet's ``fields``), compressed. Reading it keeps each row's values as its
JSON text, parsed only for the rows a workbook changed, so a base of 100,000 risks takes
about the size of its text.

Workbooks exported before the register held bases carry theirs in ``_exchange`` (format 1);
they still import on it, with a notice (``legacy``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from riskreg.exchange.columns import ACTION_COLUMNS, RISK_COLUMNS, Column, base_fields
from riskreg.exchange.values import held_value
from riskreg.records import ExchangeSnapshot
from riskreg.scoring import ScoringScheme

BASE_FORMAT = 1
"""Bumped when the layout of a held base changes."""
_TAGS = {"Risks": "R", "Actions": "A"}
_SHEETS = {tag: sheet for sheet, tag in _TAGS.items()}
_json_value = json.JSONDecoder().raw_decode
"""One JSON value from the start of a text, and where it ends."""


@dataclass(slots=True)
class SheetBase:
    """One sheet's base: its fields, each row's values (JSON text) and its ref."""

    sheet: str
    fields: tuple[str, ...]
    rows: dict[str, str | bytes] = field(default_factory=dict)
    """uuid → the row's values as JSON (bytes when held by the register, text when read
    from an old workbook); parsed only when the row is compared."""
    refs: dict[str, str] = field(default_factory=dict)
    """ref → uuid, for rows whose Id cell was edited (empty for a legacy base)."""

    def values(self, uuid: str) -> list[Any] | None:
        """A row's base values, or None if the row's text is damaged (a legacy base)."""
        held = self.rows[uuid]
        try:  # UnicodeDecodeError is a ValueError too
            if isinstance(held, bytes):  # as the register's export wrote it: decoded first
                text = held.decode()  # (json.loads of bytes would guess their encoding)
                values, end = _json_value(text)
                if end != len(text):
                    return None
            else:  # a legacy base, from a workbook's cells
                values = json.loads(held)
        except (TypeError, ValueError):
            return None
        return values if isinstance(values, list) else None


@dataclass(slots=True)
class ExportBase:
    sheets: dict[str, SheetBase]
    legacy: bool = False
    """Read from the workbook itself (an export older than the register's bases)."""
    held: bytes | None = None
    """The register's record, for the sheets not decoded yet (``decode``'s ``only``)."""

    def sheet(self, name: str) -> SheetBase:
        """The sheet's base, decoded from the held record when first asked for (may raise
        ``DamagedBase``)."""
        if name not in self.sheets and self.held is not None and name in _TAGS:
            self.sheets.update(decode(self.held, only={name}).sheets)
        return self.sheets.get(name) or SheetBase(name, ())


def new_key() -> tuple[str, str]:
    """A key for a new export's workbook and the digest the register keeps of it."""
    key = secrets.token_hex(16)
    return key, key_digest(key)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, digest: str) -> bool:
    return hmac.compare_digest(key_digest(key), digest)


def _getters(columns: Sequence[Column], scheme: ScoringScheme) -> list[Callable[[Any], Any]]:
    def attribute(name: str) -> Callable[[Any], Any]:
        return lambda record: getattr(record, name, None)

    def band(record: Any) -> Any:
        lik, imp = record.current_likelihood, record.current_impact
        return scheme.band(lik, imp).name if lik and imp else None

    fields = base_fields(tuple(columns))
    return [band if name == "current_band" else attribute(name) for name in fields]


def encode(snapshot: ExchangeSnapshot, level: int = 1) -> bytes:
    """The held base of an export: every row of the snapshot, as the workbook shows it."""
    scheme = snapshot.info.scheme
    header = {
        "format": BASE_FORMAT,
        "fields": {
            "Risks": base_fields(RISK_COLUMNS),
            "Actions": base_fields(ACTION_COLUMNS),
        },
    }
    out = zlib.compressobj(level)
    chunks = [out.compress(json.dumps(header).encode() + b"\n")]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for sheet, columns, records in (
        ("Risks", RISK_COLUMNS, snapshot.risks),
        ("Actions", ACTION_COLUMNS, snapshot.actions),
    ):
        tag = _TAGS[sheet]
        kept = [c for c in columns if c.kind != "uuid"]
        getters = _getters(columns, scheme)
        pairs = list(zip(kept, getters, strict=True))
        lines = []
        for record in records:
            values = [held_value(column, get(record)) for column, get in pairs]
            lines.append(f"{tag}\t{record.uuid}\t{record.ref}\t{dumps(values)}\n")
            if len(lines) >= 2_000:
                chunks.append(out.compress("".join(lines).encode()))
                lines.clear()
        chunks.append(out.compress("".join(lines).encode()))
    chunks.append(out.flush())
    return b"".join(chunks)


class DamagedBase(ValueError):
    """A held base that cannot be read (the register's own data: a damaged file)."""


MOST_BASE_BYTES = 512 * 2**20
"""A held base inflates to at most this (far beyond the base of any real register's export):
a record that inflates further is refused before it takes the keeper's memory."""


def decode(content: bytes, only: Collection[str] | None = None) -> ExportBase:
    """The held base, each row's values kept as the bytes of its JSON: a str of the whole
    text would take four bytes a character if any one character is beyond Latin-1.
    ``only``: the sheets to decode now; the others are decoded when first asked for
    (``ExportBase.sheet``), so the Actions sheet's base need not be held while the Risks
    sheet is compared. Inflated a megabyte at a time, line by line."""
    sheets: dict[str, SheetBase] = {}
    try:
        lines = _lines(content)
        header = json.loads(next(lines, b"{}"))
        if header.get("format") != BASE_FORMAT:
            raise DamagedBase(f"the record of this export has format {header.get('format')!r}")
        for name, fields in header["fields"].items():
            if only is None or name in only:
                sheets[name] = SheetBase(name, tuple(fields))
        tags = {tag.encode(): name for tag, name in _SHEETS.items() if name in header["fields"]}
        for number, line in enumerate(lines, start=2):
            parts = line.split(b"\t", 3)
            if len(parts) != 4:
                raise ValueError(f"line {number} has not its four parts")
            tag, uuid_bytes, ref, values = parts
            sheet = sheets.get(tags[tag])
            if sheet is None:
                continue  # a sheet decoded when it is asked for
            uuid = uuid_bytes.decode()
            sheet.rows[uuid] = values
            sheet.refs[ref.decode()] = uuid
    except (ValueError, KeyError, AttributeError, TypeError, UnicodeDecodeError) as exc:
        if isinstance(exc, DamagedBase):
            raise
        raise DamagedBase(f"the register's record of this export is damaged ({exc})") from exc
    return ExportBase(sheets, held=content if only is not None else None)


def _lines(content: bytes) -> Iterator[bytes]:
    """The record's lines, inflated within a bound: a record written through a partner's
    login may be a bomb."""
    inflater = zlib.decompressobj()
    data, inflated, carry = content, 0, b""
    try:
        while True:
            chunk = inflater.decompress(data, 1 << 20)
            data = inflater.unconsumed_tail
            inflated += len(chunk)
            if inflated > MOST_BASE_BYTES:
                limit = MOST_BASE_BYTES // 2**20
                raise DamagedBase(f"the register's record of this export inflates past "
                                  f"{limit} MB: it was not written by an export")  # fmt: skip
            if not chunk:
                break
            pieces = (carry + chunk).split(b"\n")
            carry = pieces.pop()
            yield from pieces
    except zlib.error as exc:
        raise DamagedBase(f"the register's record of this export is damaged ({exc})") from exc
    if carry:
        yield carry


def legacy(sheets: Iterable[SheetBase]) -> ExportBase:
    """A base read from an old workbook's ``_exchange`` sheet."""
    return ExportBase({s.sheet: s for s in sheets}, legacy=True)
