"""Requests and responses as a whole: the start line, the headers, where the body begins.

The body itself is read by `bodies`, and `Link` header values by `links`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from apidocgen.http.bodies import parse_body
from apidocgen.http.links import parse_link_header
from apidocgen.http.records import (
    Header,
    Headers,
    HttpProblem,
    HttpRequest,
    HttpResponse,
    Link,
)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")

_REQUEST_LINE = re.compile(r"([A-Za-z]+)[ \t]+(\S+)(?:[ \t]+(HTTP/\d(?:\.\d)?))?[ \t]*\Z")
_STATUS_LINE = re.compile(r"(HTTP/\d(?:\.\d)?)[ \t]+(\d{3})(?:[ \t]+(.*))?\Z")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
# The blank line between head and body; a line of only spaces counts (hand-written examples).
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def parse_request(
    text: str, *, max_body_bytes: int, max_depth: int
) -> tuple[HttpRequest | None, list[HttpProblem]]:
    """Parse a raw HTTP request example. Returns None (with problems) when it cannot be read."""
    first, lines, body_text, body_line = _split_message(text)
    if not lines:
        return None, [HttpProblem(1, 1, "error", "example request has no request line")]
    match = _REQUEST_LINE.match(lines[0])
    if match is None:
        return None, [
            HttpProblem(
                first,
                1,
                "error",
                f"example request line {_quote(lines[0])} is not 'METHOD /path HTTP/1.1'"
                + _missing_start_line_hint(lines[0], "request line 'GET /path HTTP/1.1'"),
            )
        ]
    method, target, version = match.group(1).upper(), match.group(2), match.group(3) or "HTTP/1.1"
    problems: list[HttpProblem] = []
    if method not in METHODS:
        problems.append(
            HttpProblem(
                first,
                1,
                "error",
                f"example request has unknown HTTP method {_quote(match.group(1), 20)}",
            )
        )
    headers, header_problems = _parse_headers(lines[1:], first + 1, "request")
    problems.extend(header_problems)
    try:
        split = urlsplit(target)
        query = tuple(parse_qsl(split.query, keep_blank_values=True))
    except ValueError as exc:  # e.g. an unclosed '[' of an IPv6 host
        return None, [
            HttpProblem(
                first,
                1,
                "error",
                f"example request target {_quote(target)} is not a valid URL ({exc})",
            )
        ]
    path = split.path if target.startswith("/") else (split.path or "/")
    body, body_problems = parse_body(
        body_text, body_line, headers.get("Content-Type"), "request", max_body_bytes, max_depth
    )
    problems.extend(body_problems)
    request = HttpRequest(method, target, path, query, version, headers, body, lines[0].strip())
    return request, problems


def parse_response(
    text: str, *, max_body_bytes: int, max_depth: int
) -> tuple[HttpResponse | None, list[HttpProblem]]:
    """Parse a raw HTTP response example. Returns None (with problems) when it cannot be read."""
    first, lines, body_text, body_line = _split_message(text)
    if not lines:
        return None, [HttpProblem(1, 1, "error", "example response has no status line")]
    match = _STATUS_LINE.match(lines[0])
    if match is None:
        if re.fullmatch(r"HTTP/\d(?:\.\d)?[ \t]*", lines[0]):
            # A capture that recorded no status (real folders hold many): nothing to fix in
            # the descriptor, and nothing to document either.
            message = (
                f"example response status line {_quote(lines[0])} has no status code;"
                " the example response is not used"
            )
            return None, [HttpProblem(first, 1, "warning", message)]
        if re.match(r"HTTP/\d(?:\.\d)?(?:[ \t]|\Z)", lines[0]):
            reason = "has no 3-digit status code (expected e.g. 'HTTP/1.1 200 OK')"
        else:
            reason = "is not 'HTTP/1.1 200 OK'" + _missing_start_line_hint(
                lines[0], "status line 'HTTP/1.1 200 OK'"
            )
        return None, [
            HttpProblem(
                first, 1, "error", f"example response status line {_quote(lines[0])} {reason}"
            )
        ]
    version, status, reason = match.group(1), int(match.group(2)), (match.group(3) or "").strip()
    problems: list[HttpProblem] = []
    if not 100 <= status <= 599:
        problems.append(
            HttpProblem(
                first,
                1,
                "error",
                f"example response status {status} is not between 100 and 599",
            )
        )
    headers, header_problems = _parse_headers(lines[1:], first + 1, "response")
    problems.extend(header_problems)
    links: list[Link] = []
    for value in headers.get_all("Link"):
        links.extend(parse_link_header(value))
    body, body_problems = parse_body(
        body_text, body_line, headers.get("Content-Type"), "response", max_body_bytes, max_depth
    )
    problems.extend(body_problems)
    if status in (204, 304) and body.text.strip():
        problems.append(
            HttpProblem(
                body_line,
                1,
                "warning",
                f"example response {status} has a body; a {status} response has none",
            )
        )
    response = HttpResponse(version, status, reason, headers, body, tuple(links), lines[0].strip())
    return response, problems


def _split_message(text: str) -> tuple[int, list[str], str, int]:
    """The start line's number, start and header lines, the body text, the body's first line.

    Line numbers are 1-based within the example text; the body line is 0 when there is no body.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Leading blank lines are noise in hand-written examples.
    stripped = text.lstrip("\n")
    first = len(text) - len(stripped) + 1
    separator = _BLANK_LINE.search(stripped)
    if separator is None:
        # No body; trailing line breaks after the last header are not an empty header line.
        head, body, body_line = stripped.rstrip("\n \t"), "", 0
    else:
        head, body = stripped[: separator.start()], stripped[separator.end() :]
        body_line = first + stripped.count("\n", 0, separator.end())
    lines = head.split("\n") if head.strip() else []
    return first, lines, body, body_line


def _parse_headers(lines: list[str], first: int, role: str) -> tuple[Headers, list[HttpProblem]]:
    items: list[Header] = []
    problems: list[HttpProblem] = []
    for index, line in enumerate(lines, start=first):
        if line[:1] in (" ", "\t") and items:
            # obs-fold: a continuation of the previous header's value.
            last = items[-1]
            items[-1] = Header(last.name, f"{last.value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon:
            problems.append(
                HttpProblem(
                    index,
                    1,
                    "error",
                    f"example {role} line {index}: header {_quote(line)} has no ':' (expected"
                    " 'Name: value'; a blank line must separate the headers from the body)",
                )
            )
            continue
        if not _HEADER_NAME.match(name):
            problems.append(
                HttpProblem(
                    index,
                    1,
                    "error",
                    f"example {role} line {index}: header name {_quote(name)} is not a valid"
                    " HTTP token (letters, digits and !#$%&'*+.^_`|~- only)",
                )
            )
            continue
        items.append(Header(name, value.strip()))
    return Headers(tuple(items)), problems


def _quote(text: str, limit: int = 60) -> str:
    """Example text quoted in a message: one line, bounded, control characters escaped."""
    shown = text if len(text) <= limit else text[: limit - 3] + "..."
    return repr(shown)


def _missing_start_line_hint(line: str, wanted: str) -> str:
    if line.lstrip()[:1] in ("{", "["):
        return f"; the example seems to start with its body: add a {wanted} and a blank line first"
    return ""
