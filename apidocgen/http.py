"""Parse the raw HTTP text of examples into requests and responses.

Real captured examples are messy: LF or CRLF, reason phrases in any case, `Content-Length`
headers that disagree with the body, folded header lines, bodies that are not quite JSON.
Parsing never raises; problems come back as `HttpProblem`s with a line offset into the
example text, which `load` turns into positions in the descriptor file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import json5

BodyKind = Literal["empty", "json", "lenient", "text"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")

_REQUEST_LINE = re.compile(r"([A-Za-z]+)[ \t]+(\S+)(?:[ \t]+(HTTP/\d(?:\.\d)?))?[ \t]*\Z")
_STATUS_LINE = re.compile(r"(HTTP/\d(?:\.\d)?)[ \t]+(\d{3})(?:[ \t]+(.*))?\Z")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")


@dataclass(frozen=True)
class HttpProblem:
    """A problem inside an example; `line` and `col` are 1-based within the example text."""

    line: int
    col: int
    severity: Literal["error", "warning"]
    message: str


@dataclass(frozen=True)
class Header:
    name: str
    value: str


@dataclass(frozen=True)
class Headers:
    """Headers in their original order; lookups ignore case."""

    items: tuple[Header, ...] = ()

    def get(self, name: str) -> str | None:
        """The first value of a header, or None."""
        lowered = name.lower()
        for header in self.items:
            if header.name.lower() == lowered:
                return header.value
        return None

    def get_all(self, name: str) -> list[str]:
        """Every value of a repeated header, in order."""
        lowered = name.lower()
        return [h.value for h in self.items if h.name.lower() == lowered]


@dataclass(frozen=True)
class Body:
    """An example body: its text, how it was read, and the parsed value when it parsed."""

    text: str
    kind: BodyKind
    value: Any = None
    line: int = 0  # line of the body's first line within the example text

    @property
    def is_structured(self) -> bool:
        """True when the body parsed into JSON data (strictly or leniently)."""
        return self.kind in ("json", "lenient")


@dataclass(frozen=True)
class Link:
    """One entry of a `Link` header: target, relation, and extra parameters (results, cursor)."""

    url: str
    rel: str
    params: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str | None:
        for key, value in self.params:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str
    path: str
    query: tuple[tuple[str, str], ...]
    version: str
    headers: Headers
    body: Body


@dataclass(frozen=True)
class HttpResponse:
    version: str
    status: int
    reason: str
    headers: Headers
    body: Body
    links: tuple[Link, ...] = ()

    @property
    def is_error(self) -> bool:
        """4xx and 5xx examples show what a failure looks like; they are not the success shape."""
        return self.status >= 400


def parse_request(
    text: str, *, max_body_bytes: int, max_depth: int
) -> tuple[HttpRequest | None, list[HttpProblem]]:
    """Parse a raw HTTP request example. Returns None (with problems) when it cannot be read."""
    lines, body_text, body_line = _split_message(text)
    if not lines:
        return None, [HttpProblem(1, 1, "error", "example request has no request line")]
    match = _REQUEST_LINE.match(lines[0])
    if match is None:
        return None, [
            HttpProblem(
                1,
                1,
                "error",
                f"example request line is not 'METHOD /path HTTP/1.1': {lines[0][:80]!r}",
            )
        ]
    method, target, version = match.group(1).upper(), match.group(2), match.group(3) or "HTTP/1.1"
    problems: list[HttpProblem] = []
    if method not in METHODS:
        problems.append(
            HttpProblem(
                1, 1, "error", f"example request has unknown HTTP method '{match.group(1)[:20]}'"
            )
        )
    headers, header_problems = _parse_headers(lines[1:])
    problems.extend(header_problems)
    split = urlsplit(target)
    path = split.path if target.startswith("/") else (split.path or "/")
    query = tuple(parse_qsl(split.query, keep_blank_values=True))
    body, body_problems = parse_body(
        body_text, body_line, headers.get("Content-Type"), "request", max_body_bytes, max_depth
    )
    problems.extend(body_problems)
    request = HttpRequest(method, target, path, query, version, headers, body)
    return request, problems


def parse_response(
    text: str, *, max_body_bytes: int, max_depth: int
) -> tuple[HttpResponse | None, list[HttpProblem]]:
    """Parse a raw HTTP response example. Returns None (with problems) when it cannot be read."""
    lines, body_text, body_line = _split_message(text)
    if not lines:
        return None, [HttpProblem(1, 1, "error", "example response has no status line")]
    match = _STATUS_LINE.match(lines[0])
    if match is None:
        return None, [
            HttpProblem(
                1,
                1,
                "error",
                f"example response status line is not 'HTTP/1.1 200 OK': {lines[0][:80]!r}",
            )
        ]
    version, status, reason = match.group(1), int(match.group(2)), (match.group(3) or "").strip()
    problems: list[HttpProblem] = []
    if not 100 <= status <= 599:
        problems.append(
            HttpProblem(
                1, 10, "error", f"example response status {status} is not between 100 and 599"
            )
        )
    headers, header_problems = _parse_headers(lines[1:])
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
    return HttpResponse(version, status, reason, headers, body, tuple(links)), problems


def _split_message(text: str) -> tuple[list[str], str, int]:
    """Start line and header lines, the body text, and the body's first line number."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Leading blank lines are noise in hand-written examples.
    stripped = text.lstrip("\n")
    skipped = len(text) - len(stripped)
    head, sep, body = stripped.partition("\n\n")
    lines = head.split("\n") if head.strip() else []
    body_line = skipped + len(lines) + 2 if sep else 0
    return lines, body, body_line


def _parse_headers(lines: list[str]) -> tuple[Headers, list[HttpProblem]]:
    items: list[Header] = []
    problems: list[HttpProblem] = []
    for index, line in enumerate(lines, start=2):
        if line[:1] in (" ", "\t") and items:
            # obs-fold: a continuation of the previous header's value.
            last = items[-1]
            items[-1] = Header(last.name, f"{last.value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon:
            problems.append(
                HttpProblem(index, 1, "error", f"header line has no ':': {line[:80]!r}")
            )
            continue
        if not _HEADER_NAME.match(name):
            problems.append(
                HttpProblem(
                    index, 1, "error", f"header name {name[:80]!r} is not a valid HTTP token"
                )
            )
            continue
        items.append(Header(name, value.strip()))
    return Headers(tuple(items)), problems


def parse_body(
    text: str, line: int, content_type: str | None, role: str, max_bytes: int, max_depth: int
) -> tuple[Body, list[HttpProblem]]:
    """Read a body as JSON, else as JavaScript object syntax, else keep it as text."""
    if not text.strip():
        return Body("", "empty", None, line), []
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return Body("", "text", None, line), [
            HttpProblem(
                line,
                1,
                "error",
                f"example {role} body is {size} bytes, over the limit of {max_bytes} (setting max_body_bytes)",
            )
        ]
    depth = nesting_depth(text)
    if depth > max_depth:
        return Body(text, "text", None, line), [
            HttpProblem(
                line,
                1,
                "error",
                f"example {role} body nests {depth} levels deep, over the limit of {max_depth} (setting max_depth)",
            )
        ]
    declared_json = content_type is not None and "json" in content_type.lower()
    try:
        value = json.loads(text)
    except ValueError as exc:
        strict_error = exc
    else:
        problems = []
        if not isinstance(value, (dict, list)):
            kind = type(value).__name__ if value is not None else "null"
            problems.append(
                HttpProblem(
                    line,
                    1,
                    "warning",
                    f"example {role} body is a bare JSON {_json_kind(value)} ({kind}), not an object or array",
                )
            )
        return Body(text, "json", value, line), problems
    where = _json_error_position(strict_error)
    err_line = line + where[0] - 1
    looks_structured = text.lstrip()[:1] in ("{", "[")
    if looks_structured:
        try:
            value = json5.loads(text)
        except (ValueError, RecursionError, IndexError, TypeError):
            pass
        else:
            return Body(text, "lenient", value, line), [
                HttpProblem(
                    err_line,
                    where[1],
                    "warning",
                    f"example {role} body is not JSON ({_json_error_message(strict_error)}); read it as JavaScript object syntax",
                )
            ]
    if declared_json or looks_structured:
        return Body(text, "text", None, line), [
            HttpProblem(
                err_line,
                where[1],
                "warning",
                f"example {role} body does not parse as JSON ({_json_error_message(strict_error)}); kept as text",
            )
        ]
    return Body(text, "text", None, line), []


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "null"


def _json_error_position(exc: ValueError) -> tuple[int, int]:
    lineno = getattr(exc, "lineno", 1)
    colno = getattr(exc, "colno", 1)
    return int(lineno), int(colno)


def _json_error_message(exc: ValueError) -> str:
    msg = getattr(exc, "msg", None)
    if msg is None:
        return str(exc)
    return (
        f"{msg} at line {getattr(exc, 'lineno', 1)} column {getattr(exc, 'colno', 1)} of the body"
    )


_STRING_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting in JSON-like text, skipping string contents (linear time)."""
    brackets = _NOT_BRACKET.sub("", _STRING_LITERAL.sub("", text))
    depth = deepest = 0
    for char in brackets:
        if char == "[" or char == "{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def parse_link_header(value: str) -> list[Link]:
    """Parse an RFC 8288 `Link` header value into its links (lenient about spacing)."""
    links: list[Link] = []
    for part in _split_link_values(value):
        part = part.strip()
        if not part.startswith("<") or ">" not in part:
            continue
        url, _, rest = part[1:].partition(">")
        rel = ""
        params: list[tuple[str, str]] = []
        for piece in _split_outside_quotes(rest, ";"):
            key, eq, val = piece.strip().partition("=")
            key = key.strip().lower()
            if not key:
                continue
            val = val.strip()
            if len(val) >= 2 and val[0] == val[-1] == '"':
                val = val[1:-1]
            if key == "rel":
                rel = val
            else:
                params.append((key, val if eq else ""))
        links.append(Link(url.strip(), rel, tuple(params)))
    return links


def _split_link_values(value: str) -> list[str]:
    """Split on commas that are outside `<...>` and quotes."""
    parts: list[str] = []
    current: list[str] = []
    in_angle = in_quote = False
    for char in value:
        if char == "<" and not in_quote:
            in_angle = True
        elif char == ">" and not in_quote:
            in_angle = False
        elif char == '"' and not in_angle:
            in_quote = not in_quote
        if char == "," and not in_angle and not in_quote:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    in_quote = False
    for char in text:
        if char == '"':
            in_quote = not in_quote
        if char == sep and not in_quote:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def next_link(response: HttpResponse) -> Link | None:
    """The `rel="next"` link of a paginated response, if any."""
    for link in response.links:
        if "next" in link.rel.split():
            return link
    return None


@dataclass(frozen=True)
class ExampleProblem:
    """A problem in a descriptor's example, located by the descriptor field it came from."""

    field: str
    problem: HttpProblem


@dataclass(frozen=True)
class ParsedExamples:
    """The parsed example request and response of one descriptor (None when absent)."""

    request: HttpRequest | None
    response: HttpResponse | None
    problems: tuple[ExampleProblem, ...] = ()


def parse_examples(
    example_request: str, example_response: str, *, max_body_bytes: int, max_depth: int
) -> ParsedExamples:
    """Parse both examples of a descriptor; empty examples are allowed and give None."""
    problems: list[ExampleProblem] = []
    request = response = None
    if example_request.strip():
        request, found = parse_request(
            example_request, max_body_bytes=max_body_bytes, max_depth=max_depth
        )
        problems.extend(ExampleProblem("example_request", p) for p in found)
    if example_response.strip():
        response, found = parse_response(
            example_response, max_body_bytes=max_body_bytes, max_depth=max_depth
        )
        problems.extend(ExampleProblem("example_response", p) for p in found)
        if response is not None and response.is_error:
            problems.append(
                ExampleProblem(
                    "example_response",
                    HttpProblem(
                        1,
                        1,
                        "warning",
                        f"example response is an error ({response.status} {response.reason}); it is"
                        " shown as such and not used as the success shape",
                    ),
                )
            )
    return ParsedExamples(request, response, tuple(problems))
