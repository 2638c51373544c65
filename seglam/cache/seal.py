"""Keyed seals on every record the cache stores.

A record is ``MAGIC | schema (u16) | tag (16 bytes) | body`` (body: msgpack); a small
value (an index or task posting) is ``payload | tag``. The tag is HMAC-SHA256, cut to 128
bits, over the database name, the record's key, the schema and the body, keyed with the
cache's own secret (``secret`` in the cache directory, mode 0600). So:

- a flipped byte anywhere in a record fails its tag, and a record copied under another
  key or into another database fails too;
- someone who rewrites a record (say, a program and its recomputed ``program_hash``)
  cannot make a valid tag without the secret. A plain checksum could be recomputed.

Bundles move between caches, so they are not sealed with any cache's secret; import
re-verifies every program instead.
"""

from __future__ import annotations

import hmac
import struct
from typing import Any

import msgspec

from seglam.cache.errors import CorruptEntryError
from seglam.syntax.jsontext import escape_surrogates

#: Bump when a struct changes incompatibly; readers refuse newer schemas.
SCHEMA_VERSION = 1
MAGIC = b"SGC2"
LEGACY_MAGIC = b"SGC1"  # unkeyed blake2b seals, before caches had a secret
TAG_SIZE = 16
SECRET_SIZE = 32
_HEADER = struct.Struct(">4sH16s")
_ENCODER = msgspec.msgpack.Encoder()
_OPENED_MEMO = 8192


class Sealer:
    """Seals and checks records with one cache's secret."""

    __slots__ = ("_secret", "_opened")

    def __init__(self, secret: bytes) -> None:
        if len(secret) < SECRET_SIZE:
            raise ValueError("a cache secret has at least 32 bytes")
        self._secret = bytes(secret)
        # postings already checked, by their exact bytes (the hot lookup path reads the same
        # few again and again); bounded, and a byte-identical value needs no second check
        self._opened: dict[tuple[str, bytes, bytes], bytes] = {}

    def forget(self) -> None:
        """Drop the remembered checked postings (benchmarks measure the path without them)."""
        self._opened.clear()

    def _tag(self, db: str, key: bytes, schema: int, body: bytes) -> bytes:
        message = b"".join((db.encode(), b"\0", len(key).to_bytes(4, "big"), key, schema.to_bytes(2, "big"), body))
        return hmac.digest(self._secret, message, "sha256")[:TAG_SIZE]

    def seal(self, db: str, key: bytes, record: msgspec.Struct | list | dict) -> bytes:
        """The sealed envelope of ``record`` stored under ``key`` in database ``db``."""
        try:
            body = _ENCODER.encode(record)
        except UnicodeEncodeError:  # a lone surrogate (from a request or a note): stored escaped
            body = _ENCODER.encode(_escaped(msgspec.to_builtins(record)))
        return _HEADER.pack(MAGIC, SCHEMA_VERSION, self._tag(db, key, SCHEMA_VERSION, body)) + body

    def unseal(self, db: str, key: bytes, data: bytes | memoryview, kind: Any, label: str | None = None) -> Any:
        """Check and decode an envelope; :class:`CorruptEntryError` on any mismatch."""
        name = label if label is not None else key.decode("utf-8", "replace")
        data = bytes(data)
        if len(data) < _HEADER.size:
            raise CorruptEntryError(name, "record is truncated")
        magic, schema, tag = _HEADER.unpack_from(data)
        body = data[_HEADER.size :]
        if magic == LEGACY_MAGIC:
            raise CorruptEntryError(name, "sealed by an older seglam without a cache secret")
        if magic != MAGIC:
            raise CorruptEntryError(name, "bad magic bytes")
        if not hmac.compare_digest(self._tag(db, key, schema, body), tag):
            raise CorruptEntryError(name, "seal mismatch (damaged or rewritten)")
        if schema > SCHEMA_VERSION:
            raise CorruptEntryError(name, f"schema {schema} is newer than this seglam ({SCHEMA_VERSION})")
        try:
            return msgspec.msgpack.decode(body, type=kind)
        except msgspec.DecodeError as err:  # tag ok but shape wrong: a writer bug
            raise CorruptEntryError(name, f"undecodable: {err}") from None

    def seal_value(self, db: str, key: bytes, payload: bytes) -> bytes:
        """A small value with its tag appended (index and task postings)."""
        return payload + self._tag(db, key, 0, payload)

    def open_value(self, db: str, key: bytes, data: bytes | memoryview) -> bytes | None:
        """The payload of a :meth:`seal_value` value, or None if its tag does not match."""
        data = bytes(data)
        known = self._opened.get((db, key, data))
        if known is not None:
            return known
        if len(data) < TAG_SIZE:
            return None
        payload, tag = data[:-TAG_SIZE], data[-TAG_SIZE:]
        if not hmac.compare_digest(self._tag(db, key, 0, payload), tag):
            return None
        if len(self._opened) >= _OPENED_MEMO:
            self._opened.clear()
        self._opened[(db, key, data)] = payload
        return payload


def _escaped(value: Any) -> Any:
    """``value`` with lone surrogates in its strings written as ``\\udXXX`` escapes."""
    if isinstance(value, str):
        return escape_surrogates(value)
    if isinstance(value, dict):
        return {_escaped(k): _escaped(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(v) for v in value]
    return value
