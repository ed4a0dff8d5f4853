"""Secrets never reach a descriptor: credentials in recorded traffic become placeholders.

Replaced by default: the values of `Authorization` (its scheme kept: `Bearer <token>`),
`Proxy-Authorization`, `Cookie`, `Set-Cookie` and every header named like a credential
(`X-Api-Key`, `X-Auth-Token`, `X-CSRF-Token`, ...); query parameters named like one
(`api_key`, `access_token`, `signature`, ...); and in JSON bodies, string values of the
fields that hold credentials (`password`, `token`, `client_secret`, ...: `_SECRET_FIELDS`). `keep` names headers (any case)
that are not secret here and stay as recorded. Each replacement is reported once per name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from apidocgen.capture.exchange import Exchange

PLACEHOLDER = "<redacted>"
_ALWAYS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
# A name that says it holds a credential: token, secret, password, key (api-key, apikey,
# x-api-key), signature, session, auth, csrf/xsrf, credential, jwt, otp.
_SECRET_NAME = re.compile(
    r"(?:^|[-_.])(?:access[-_.]?token|refresh[-_.]?token|id[-_.]?token|token|secret|passw(?:or)?d"
    r"|api[-_.]?key|apikey|private[-_.]?key|client[-_.]?secret|key|signature|sig|session(?:id)?"
    r"|auth|csrf|xsrf|credentials?|jwt|otp|code[-_.]?verifier)(?:$|[-_.])",
    re.IGNORECASE,
)
# Names that contain such a word but are not credentials.
_NOT_SECRET = frozenset({"key", "keys", "sort_key", "primary_key", "token_type", "auth_type"})
# JSON body fields are data more often than headers are: only these names, exactly.
_SECRET_FIELDS = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "client_secret",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "api_key",
        "apikey",
        "private_key",
        "session_id",
        "sessionid",
        "csrf_token",
        "otp",
        "jwt",
        "code_verifier",
    }
)


@dataclass
class Redactions:
    """What was replaced: `header Authorization`, `query api_key`, `body field password`."""

    found: set[str] = field(default_factory=set)


def is_secret_name(name: str) -> bool:
    lowered = name.lower()
    if lowered in _NOT_SECRET:
        return False
    return lowered in _ALWAYS or bool(_SECRET_NAME.search(lowered))


def redact(exchange: Exchange, keep: frozenset[str], redactions: Redactions) -> Exchange:
    """The exchange with every credential replaced by a placeholder."""
    return replace(
        exchange,
        url=_url(exchange.url, redactions),
        request_headers=_headers(exchange.request_headers, keep, redactions),
        response_headers=_headers(exchange.response_headers, keep, redactions),
        request_body=_body(exchange.request_body, redactions),
        response_body=_body(exchange.response_body, redactions),
    )


def _headers(
    headers: tuple[tuple[str, str], ...], keep: frozenset[str], redactions: Redactions
) -> tuple[tuple[str, str], ...]:
    out = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in keep or not is_secret_name(lowered):
            out.append((name, value))
            continue
        redactions.found.add(f"header {name}")
        if lowered in ("authorization", "proxy-authorization") and " " in value.strip():
            scheme = value.strip().split(" ", 1)[0]
            out.append((name, f"{scheme} <token>"))
        else:
            out.append((name, PLACEHOLDER))
    return tuple(out)


def _url(url: str, redactions: Redactions) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(is_secret_name(name) for name, _ in pairs):
        return url
    cleaned = []
    for name, value in pairs:
        if is_secret_name(name):
            redactions.found.add(f"query {name}")
            value = PLACEHOLDER
        cleaned.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(cleaned, safe="<>")))


def _body(text: str, redactions: Redactions) -> str:
    if not text.strip() or text.lstrip()[:1] not in "{[":
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    before = len(redactions.found)
    cleaned = _json(value, redactions)
    if len(redactions.found) == before and cleaned == value:
        return text
    return json.dumps(cleaned, ensure_ascii=False)


def _json(value: Any, redactions: Redactions) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and item and str(key).lower() in _SECRET_FIELDS:
                redactions.found.add(f"body field {key}")
                out[key] = PLACEHOLDER
            else:
                out[key] = _json(item, redactions)
        return out
    if isinstance(value, list):
        return [_json(item, redactions) for item in value]
    return value


def redacted_value(value: Any) -> Any:
    """A JSON value with its credentials replaced, for comparing exchanges."""
    return _json(value, Redactions())


def redacted_pairs(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Query parameters with the values of credentials replaced, for comparing exchanges."""
    return tuple((k, PLACEHOLDER if is_secret_name(k) else v) for k, v in pairs)
