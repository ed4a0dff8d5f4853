"""When a call is tried again, and after how long.

- Idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS) are retried on connection errors,
  timeouts and the statuses 408, 409, 429 and 5xx, at most `max_retries` times. POST and
  PATCH are retried only when the client sends an idempotency key with them, or when it is
  told to (`retry_non_idempotent`).
- The wait is what the server asks (`Retry-After` in seconds or as an HTTP date, or
  `Retry-After-Ms`), capped at `MAX_RETRY_AFTER` seconds, else exponential backoff with
  jitter.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

__all__ = [
    "IDEMPOTENT_METHODS",
    "MAX_REDIRECTS",
    "MAX_RETRY_AFTER",
    "REDIRECT_STATUSES",
    "RETRY_ERRORS",
    "SAFE_METHODS",
    "backoff",
    "retry_after",
    "retryable_status",
]

MAX_RETRY_AFTER = 60.0
INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 8.0
MAX_REDIRECTS = 10
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# Methods whose redirects are followed: re-sending them elsewhere changes nothing.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Transport failures worth another try (not, say, an unsupported URL scheme).
RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def retryable_status(status_code: int) -> bool:
    """408 Request Timeout, 409 Conflict (a lock), 429 Too Many Requests, and any 5xx."""
    return status_code in (408, 409, 429) or status_code >= 500


def retry_after(headers: httpx.Headers) -> float | None:
    """Seconds the server asks to wait (`Retry-After`: seconds or an HTTP date), capped."""
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return _cap(float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return _cap(seconds)


def _cap(seconds: float) -> float:
    if math.isnan(seconds) or seconds < 0:
        return 0.0
    return min(seconds, MAX_RETRY_AFTER)


def backoff(attempt: int) -> float:
    """Exponential backoff with jitter for retry number `attempt` (0-based)."""
    delay = min(MAX_BACKOFF, INITIAL_BACKOFF * 2.0**attempt)
    return delay * (1 - 0.25 * random.random())
