"""Parse the raw HTTP text of examples into requests and responses.

Real captured examples are messy: LF or CRLF, reason phrases in any case, `Content-Length`
headers that disagree with the body, folded header lines, bodies that are not quite JSON.
Parsing never raises; problems come back as `HttpProblem`s with a line offset into the
example text, which `load` turns into positions in the descriptor file.

Examples are untrusted text: every scan here is linear in the input (no regex that can
backtrack over a long run), nesting is measured before any recursive parser runs, and a value
that could not be written back out as JSON or UTF-8 (NaN, infinities, lone surrogates) is kept
as text rather than passed on.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

BodyKind = Literal["empty", "json", "lenient", "text"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")

_REQUEST_LINE = re.compile(r"([A-Za-z]+)[ \t]+(\S+)(?:[ \t]+(HTTP/\d(?:\.\d)?))?[ \t]*\Z")
_STATUS_LINE = re.compile(r"(HTTP/\d(?:\.\d)?)[ \t]+(\d{3})(?:[ \t]+(.*))?\Z")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
# The blank line between head and body; a line of only spaces counts (hand-written examples).
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


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
    start: str = ""  # the request line as written (for showing the example as it is)


@dataclass(frozen=True)
class HttpResponse:
    version: str
    status: int
    reason: str
    headers: Headers
    body: Body
    links: tuple[Link, ...] = ()
    start: str = ""  # the status line as written

    @property
    def is_error(self) -> bool:
        """4xx and 5xx examples show what a failure looks like; they are not the success shape."""
        return self.status >= 400


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
                f"example {role} body is {size:,} bytes, over the limit of {max_bytes:,} bytes"
                " (raise max_body_bytes in [tool.apidocgen] to allow it)",
            )
        ]
    depth = nesting_depth(text)
    if depth > max_depth:
        return Body(text, "text", None, line), [
            HttpProblem(
                line,
                1,
                "error",
                f"example {role} body nests {depth} levels deep, over the limit of {max_depth}"
                " (max_depth in [tool.apidocgen])",
            )
        ]
    declared_json = content_type is not None and "json" in content_type.lower()
    media = (content_type or "").split(";")[0].strip().lower()
    if media.startswith(("multipart/", "application/x-www-form-urlencoded", "text/")) or (
        media.startswith(("image/", "audio/", "video/", "application/octet-stream"))
    ):
        # A declared non-JSON body (a form, a file) is what it says, even when the capture
        # quoted it as a JSON string.
        return Body(text, "text", None, line), []
    try:
        value = load_json(text)
    except RecursionError:  # pragma: no cover - depth is bounded above
        return Body(text, "text", None, line), [
            HttpProblem(line, 1, "error", f"example {role} body nests too deeply")
        ]
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
    if looks_structured and not isinstance(strict_error, NotRepresentable):
        try:
            value = load_javascript_object(text)
        except (ValueError, RecursionError):
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
    if declared_json or looks_structured or isinstance(strict_error, NotRepresentable):
        return Body(text, "text", None, line), [
            HttpProblem(
                err_line,
                where[1],
                "warning",
                f"example {role} body does not parse as JSON ({_json_error_message(strict_error)}); kept as text",
            )
        ]
    return Body(text, "text", None, line), []


class NotRepresentable(ValueError):
    """Text that Python's json module reads but that is not portable JSON data: NaN,
    infinities, numbers beyond range, strings that are not valid Unicode."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


def _reject_constant(name: str) -> Any:
    raise NotRepresentable(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise NotRepresentable(f"the number {text[:20]} is too large to represent")
    return value


# Escapes of UTF-16 surrogates: valid in pairs (emoji), not valid Unicode alone.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# A float that may overflow to infinity: a 3-digit exponent or 309 digits in a row.
_HUGE_NUMBER = re.compile(r"[eE][+-]?\d{3}|\d{309}")


def load_json(text: str) -> Any:
    """`json.loads`, but refusing what could not be written back as JSON or as UTF-8 text.

    Raises ValueError (JSONDecodeError with a position where there is one).
    """
    hooks: dict[str, Any] = {"parse_constant": _reject_constant}
    if _HUGE_NUMBER.search(text):
        hooks["parse_float"] = _finite_float
    try:
        value = json.loads(text, **hooks)
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            raise NotRepresentable("a number has more than 4300 digits") from None
        raise
    if _SURROGATE_ESCAPE.search(text) and has_lone_surrogate(value):
        raise NotRepresentable(
            "a \\u escape is half of a UTF-16 surrogate pair, which is not valid Unicode"
        )
    return value


def has_lone_surrogate(value: Any) -> bool:
    """True when a string anywhere in a JSON value (keys included) cannot be encoded as UTF-8."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            strings = [item]
        elif isinstance(item, dict):
            strings = list(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        for string in strings:
            try:
                string.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


# JavaScript object syntax, as hand-written examples use it: unquoted keys, single-quoted
# strings, trailing commas, comments. One substitution pass rewrites it as JSON for
# `json.loads` to check: every alternative is linear in its match and always consumes what it
# scanned (closing quotes and `*/` are optional, an unclosed one is refused afterwards), so the
# pass is linear in the text. (json5's parser took minutes on a 5 MB body.)
_JS_SYNTAX = re.compile(
    r"""
      (?P<double>"(?:[^"\\\n]|\\.)*"?)
    | (?P<single>'(?:[^'\\\n]|\\.)*'?)
    | (?P<comment>//[^\n]*|/\*(?:[^*]|\*(?!/))*(?:\*/)?)
    | (?P<comma>,(?=\s*[}\]]))
    | (?<![0-9A-Za-z_$.])(?P<word>[A-Za-z_$][A-Za-z0-9_$]*)(?P<colon>\s*:)?
    | (?<![0-9A-Za-z_$.])(?P<plus>\+)(?=[0-9])
    """,
    re.VERBOSE,
)
_JS_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})|\\(.)|\"")


def _js_string(token: str) -> str:
    """A single- or double-quoted JavaScript string literal as a JSON string literal."""

    def escape(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return "\\u00" + match.group(1)
        if match.group(2) is not None:
            return "'" if match.group(2) == "'" else match.group()
        return '\\"'  # a double quote inside a single-quoted string

    return '"' + _JS_ESCAPE.sub(escape, token[1:-1]) + '"'


def _js_to_json(match: re.Match[str]) -> str:
    kind, token = match.lastgroup, match.group()
    if kind in ("double", "single"):
        if len(token) < 2 or token[-1] != token[0]:
            raise ValueError("a string is not closed")
        if kind == "double" and "\\'" not in token and "\\x" not in token:
            return token
        return _js_string(token)
    if kind == "comment":
        if token.startswith("/*") and (len(token) < 4 or not token.endswith("*/")):
            raise ValueError("a comment is not closed")
        return " "
    if kind in ("word", "colon"):
        word, colon = match.group("word"), match.group("colon")
        if colon is not None:
            return f'"{word}"{colon}'
        if word in ("true", "false", "null"):
            return word
        raise ValueError(f"{word} is not a JSON value")
    return ""  # a trailing comma, or the `+` of `+1`


# After comments are gone: a trailing comma that had a comment between it and the bracket.
_COMMA_BEFORE_CLOSE = re.compile(r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"?|,(?=\s*[}\]])')


def load_javascript_object(text: str) -> Any:
    """Read JavaScript object syntax as JSON data; ValueError when it is not that either."""
    converted = _JS_SYNTAX.sub(_js_to_json, text)
    if "//" in text or "/*" in text:
        converted = _COMMA_BEFORE_CLOSE.sub(
            lambda m: "" if m.group() == "," else m.group(), converted
        )
    return load_json(converted)


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
    if not isinstance(exc, json.JSONDecodeError):
        return str(msg)
    return f"{explain_json_error(exc)} at line {exc.lineno} column {exc.colno} of the body"


def explain_json_error(exc: json.JSONDecodeError) -> str:
    """The json module's message in a user's terms, for the mistakes hand-written JSON has."""
    doc, pos = exc.doc, exc.pos
    if exc.msg == "Invalid control character at":
        char = doc[pos : pos + 1]
        if char == "\n":
            return "a line break inside a string, where JSON needs \\n"
        return f"the control character {ascii(char)} inside a string"
    if exc.msg.startswith("Unterminated string"):
        return "a string is not closed (a '\"' is missing)"
    if exc.msg in ("Expecting property name enclosed in double quotes", "Expecting value"):
        back = pos - 1
        while back >= 0 and back > pos - 10_000 and doc[back] in " \t\r\n":
            back -= 1
        if back >= 0 and doc[back] == "," and doc[pos : pos + 1] in ("}", "]"):
            return f"a trailing comma before '{doc[pos]}'"
        if exc.msg.startswith("Expecting property") and doc[pos : pos + 1] == "'":
            return "a single-quoted name (JSON needs double quotes)"
        if exc.msg.startswith("Expecting property"):
            return "a name that is not in double quotes"
    return exc.msg


# A string literal, double- or single-quoted; the closing quote is optional so that every
# attempt succeeds and the scan never returns over text it has read (an unclosed quote ends at
# the line end). With a mandatory closing quote, `"\"\"\"...` took quadratic time.
# A string literal, closed or not. Possessive runs: a group repeated once per character would
# keep a backtracking record per character (gigabytes for a 50 MB body).
STRING_LITERAL = re.compile(
    r"\"[^\"\\\n]*+(?:\\.[^\"\\\n]*+)*+\"?|'[^'\\\n]*+(?:\\.[^'\\\n]*+)*+'?"
)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting in JSON-like text, skipping string contents (linear time)."""
    brackets = _NOT_BRACKET.sub("", STRING_LITERAL.sub("", text))
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
        if response is not None and response.is_error and response.status <= 599:
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
