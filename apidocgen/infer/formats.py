"""String formats recognised in example values: strict, linear-time checks.

Descriptor text is untrusted, so no check here uses a backtracking regular expression: each one
walks the string once (or hands a short, pre-screened string to the standard library). A format
is only claimed for a string position when every value observed there fits (see
`StringKind`); a single misfit drops it, because a wrong `format` breaks generated models.
"""

from __future__ import annotations

import ipaddress

DATE_TIME = "date-time"
DATE = "date"
URI = "uri"
EMAIL = "email"
UUID = "uuid"
IPV4 = "ipv4"
IPV6 = "ipv6"

_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALNUM = _ALPHA | _DIGITS
_SCHEME_REST = _ALNUM | frozenset("+-.")
# RFC 3986 characters allowed in a URI outside percent-escapes (unreserved, gen- and sub-delims).
# Braces, spaces, quotes, backslashes and non-ASCII are absent: a templated URL such as
# `https://api.github.com/users/octocat/events{/privacy}` is not a URI.
_URI_CHARS = _ALNUM | frozenset("-._~:/?#[]@!$&'()*+,;=")
# RFC 5322 dot-atom characters for the local part of an address.
_EMAIL_LOCAL = _ALNUM | frozenset("!#$%&'*+/=?^_`{|}~-.")
_HOST_LABEL = _ALNUM | frozenset("-")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MAX_URI = 8192
_MAX_EMAIL = 254


def detect_format(text: str) -> str | None:
    """The one format `text` fits, or None. The formats are mutually exclusive by construction."""
    size = len(text)
    if size < 2:  # the shortest candidate is "::"
        return None
    first = text[0]
    if first in _DIGITS:
        if size == 10:
            return DATE if is_date(text) else None
        if size >= 20 and is_date_time(text):
            return DATE_TIME
        if size == 36 and is_uuid(text):
            return UUID
        if size <= 15 and is_ipv4(text):
            return IPV4
    elif size == 36 and is_uuid(text):
        return UUID
    if "://" in text:
        return URI if is_uri(text) else None
    if "@" in text:
        return EMAIL if is_email(text) else None
    if ":" in text and is_ipv6(text):
        return IPV6
    return None


def _all_in(text: str, allowed: frozenset[str]) -> bool:
    return allowed.issuperset(text)


def _is_digits(text: str) -> bool:
    return bool(text) and _all_in(text, _DIGITS)


def is_date(text: str) -> bool:
    """RFC 3339 full-date: YYYY-MM-DD with a real calendar day."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return False
    year, month, day = text[:4], text[5:7], text[8:]
    if not (_is_digits(year) and _is_digits(month) and _is_digits(day)):
        return False
    y, m, d = int(year), int(month), int(day)
    if not 1 <= m <= 12 or d < 1:
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    limit = 29 if m == 2 and leap else (28 if m == 2 else _DAYS[m - 1])
    return d <= limit


def _is_hh_mm(text: str) -> bool:
    return (
        len(text) == 5
        and text[2] == ":"
        and _is_digits(text[:2])
        and _is_digits(text[3:])
        and int(text[:2]) < 24
        and int(text[3:]) < 60
    )


def is_date_time(text: str) -> bool:
    """RFC 3339 date-time: full-date "T" HH:MM:SS[.frac] then "Z" or a numeric offset."""
    if len(text) < 20 or text[10] not in "Tt" or not is_date(text[:10]):
        return False
    clock = text[11:19]
    if not (_is_hh_mm(clock[:5]) and clock[5] == ":" and _is_digits(clock[6:8])):
        return False
    if int(clock[6:8]) > 60:  # 60 allows a leap second
        return False
    rest = text[19:]
    if rest.startswith("."):
        end = 1
        while end < len(rest) and rest[end] in _DIGITS:
            end += 1
        if end == 1:
            return False
        rest = rest[end:]
    if rest in ("Z", "z"):
        return True
    return len(rest) == 6 and rest[0] in "+-" and _is_hh_mm(rest[1:])


def is_uuid(text: str) -> bool:
    """RFC 4122 textual form: 8-4-4-4-12 hexadecimal digits."""
    if len(text) != 36:
        return False
    for index, ch in enumerate(text):
        if index in (8, 13, 18, 23):
            if ch != "-":
                return False
        elif ch not in _HEX:
            return False
    return True


def is_ipv4(text: str) -> bool:
    """Dotted quad, no leading zeros, each part at most 255."""
    parts = text.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not _is_digits(part) or len(part) > 3 or (len(part) > 1 and part[0] == "0"):
            return False
        if int(part) > 255:
            return False
    return True


def is_ipv6(text: str) -> bool:
    """An IPv6 address without a zone index (the stdlib parser is linear; pre-screen length)."""
    if len(text) > 45 or "%" in text or ":" not in text:
        return False
    if not _all_in(text, _HEX | frozenset(":.")):
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _is_host(host: str) -> bool:
    if not host or len(host) > 253:
        return False
    if host.startswith("["):
        return host.endswith("]") and is_ipv6(host[1:-1])
    labels = host.split(".")
    return all(
        label
        and len(label) <= 63
        and label[0] != "-"
        and label[-1] != "-"
        and _all_in(label, _HOST_LABEL)
        for label in labels
    )


def is_uri(text: str) -> bool:
    """An absolute hierarchical URI with an authority: scheme "://" host [":" port] [path...].

    Scheme-only forms such as `sha256:abc` or `repo:read` are far more often identifiers than
    URIs in API payloads, so they are not claimed.
    """
    if len(text) > _MAX_URI:
        return False
    scheme, sep, rest = text.partition("://")
    if not sep or not scheme or scheme[0] not in _ALPHA or not _all_in(scheme, _SCHEME_REST):
        return False
    if not _URI_CHARS.issuperset(rest.replace("%", "")):
        return False
    index = rest.find("%")
    while index != -1:  # every escape is "%" and two hex digits
        if index + 2 >= len(rest) or rest[index + 1] not in _HEX or rest[index + 2] not in _HEX:
            return False
        index = rest.find("%", index + 3)
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop)
        if found != -1:
            end = min(end, found)
    authority = rest[:end]
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        close = host.find("]")
        port = host[close + 1 :] if close != -1 else ""
        host = host[: close + 1] if close != -1 else host
        if port and not (port.startswith(":") and (port == ":" or _is_digits(port[1:]))):
            return False
    elif ":" in host:
        host, _, port = host.rpartition(":")
        if port and not _is_digits(port):
            return False
    return _is_host(host)


def is_email(text: str) -> bool:
    """A plain addr-spec: dot-atom local part "@" a domain of at least two DNS labels."""
    if len(text) > _MAX_EMAIL or text.count("@") != 1:
        return False
    local, _, domain = text.partition("@")
    if not local or len(local) > 64 or local[0] == "." or local[-1] == "." or ".." in local:
        return False
    if not _all_in(local, _EMAIL_LOCAL):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not _all_in(labels[-1], _ALPHA):
        return False
    return _is_host(domain)
