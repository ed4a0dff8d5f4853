"""Example bodies: JSON, else JavaScript object syntax, else text, within the size and depth
limits, with JSON errors explained in a user's terms.

The loader reads front matter with the same pieces: `nesting_depth` and `explain_json_error`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from apidocgen.http.records import Body, HttpProblem


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
