"""Digests of JSON-like data, and cache files that carry their own checksum."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson


def checksummed(body: bytes) -> bytes:
    """A cache file: the SHA-256 of `body` on the first line, then `body`."""
    return hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


def checked_body(data: bytes | None) -> bytes | None:
    """The body of a `checksummed` cache file; None when it is missing or damaged."""
    if not data:
        return None
    checksum, _, body = data.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode("ascii") != checksum:
        return None
    return body


def stable_hash(value: Any) -> str:
    """A digest of JSON-like data that does not depend on dict order or the hash seed."""
    try:
        data = orjson.dumps(
            value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str
        )
    except (TypeError, orjson.JSONEncodeError):
        # Integers beyond 64 bits are out of orjson's range.
        text = json.dumps(
            value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        data = text.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()
