"""Parsed front matter -> a Descriptor or a Page.

Checks a descriptor's fields against the schema, types its parameters, checks `api_path`
and the example request line against each other, and finds endpoints documented twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from apidocgen.diagnostics import Diagnostic, error, warning
from apidocgen.http import METHODS
from apidocgen.load.quoting import _join, _short
from apidocgen.load.records import (
    ENDPOINT_FIELDS,
    Descriptor,
    ExampleText,
    Page,
    Parameter,
    ParameterLocation,
    _FrontContext,
)
from apidocgen.load.schema import _fast_valid, _schema_errors, _schema_message
from apidocgen.paths import path_matches_template, placeholder_names, route_key

# The open vocabulary of parameter types seen in real descriptors, mapped to JSON Schema.
_PARAMETER_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "str": {"type": "string"},
    "text": {"type": "string"},
    "querystring": {"type": "string"},
    "int": {"type": "integer"},
    "integer": {"type": "integer"},
    "long": {"type": "integer"},
    "float": {"type": "number"},
    "double": {"type": "number"},
    "number": {"type": "number"},
    "decimal": {"type": "number"},
    "bool": {"type": "boolean"},
    "boolean": {"type": "boolean"},
    "datetime": {"type": "string", "format": "date-time"},
    "date-time": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "url": {"type": "string", "format": "uri"},
    "uri": {"type": "string", "format": "uri"},
    "email": {"type": "string", "format": "email"},
    "uuid": {"type": "string", "format": "uuid"},
    "file": {"type": "string", "format": "binary"},
    "binary": {"type": "string", "format": "binary"},
    "array": {"type": "array", "items": {"type": "string"}},
    "list": {"type": "array", "items": {"type": "string"}},
    "object": {"type": "object"},
    "dict": {"type": "object"},
    "json": {"type": "object"},
}
# The type words suggested for a misspelt one (`strng` -> `string`).
PARAMETER_TYPE_NAMES = frozenset(_PARAMETER_TYPES) | {"array[string]", "array[int]"}
_ARRAY_OF = re.compile(r"(?:array|list)\[([A-Za-z_-]{1,20})\]\Z")
_PATH_TEMPLATE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
_REQUIRED_PREFIX = re.compile(r"\s*\(required\)", re.IGNORECASE)


def _descriptor(
    data: dict[str, Any], context: _FrontContext, lines_of: dict[str, int]
) -> tuple[Descriptor | None, list[Diagnostic]]:
    rel, where, body = context.rel, context.where, context.body
    problems: list[Diagnostic] = []

    def line(name: str) -> int:
        return lines_of.get(name, 2)

    errors = [] if _fast_valid(data) else _schema_errors(data)
    for err in errors:
        top = str(err.absolute_path[0]) if err.absolute_path else ""
        if not top:
            missing = re.match(r"'([^']+)' is a required property", err.message)
            message = f"missing required field '{missing.group(1)}'" if missing else err.message
            problems.append(error(where, 2, 1, message))
            continue
        location = ".".join(str(p) for p in err.absolute_path)
        problems.append(error(where, line(top), 1, f"field '{location}': {_schema_message(err)}"))
    for key in sorted(data.keys() - set(ENDPOINT_FIELDS)):
        problems.append(
            warning(
                where,
                line(key),
                1,
                f"unknown field '{_short(key)}' ignored" + _did_you_mean(key, ENDPOINT_FIELDS),
            )
        )
    if any(p.severity == "error" for p in problems):
        return None, problems

    folder, _, name = rel.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    method_raw = data["method"].strip()
    method = method_raw.upper()
    if method not in METHODS:
        problems.append(
            error(where, line("method"), 1, f"unknown HTTP method '{_short(method_raw)}'")
        )
    title = data["title"].strip()
    if not title:
        problems.append(error(where, line("title"), 1, "title is empty"))
    if not title.isprintable():
        # The title is a heading, a navigation entry and a docstring's first line.
        control = next(
            (c for c in title if unicodedata.category(c) == "Cc" and not c.isspace()), ""
        )
        if control:
            message = f"title contains the control character U+{ord(control):04X}"
            problems.append(error(where, line("title"), 1, message))
        elif any(c.isspace() and c != " " for c in title):
            title = " ".join(title.split())
            message = "title has line breaks or tabs; they are read as spaces"
            problems.append(warning(where, line("title"), 1, message))
    api_path = data.get("api_path")
    if api_path is not None:
        api_path = api_path.strip()
        problem = check_api_path(api_path)
        if problem:
            problems.append(error(where, line("api_path"), 1, problem))
    example_request = data.get("example_request") or ""
    example_response = data.get("example_response") or ""
    if api_path is None:
        target = _request_target(example_request)
        if target is not None and check_api_path(target) is None:
            api_path = target
            segments = ", ".join(f"'{_short(part, 30)}'" for part in target.split("/") if part)
            problems.append(
                warning(
                    where,
                    2,
                    1,
                    f"no api_path; taken from the example request: {_short(target)}, so every"
                    f" segment of it ({_short(segments)}) is fixed in the route and the client;"
                    " write api_path with {placeholders} for the values that vary",
                )
            )
        else:
            shown = ", ".join(
                str(p.get("name")) for p in data.get("path_parameters") or [] if isinstance(p, dict)
            )
            problems.append(
                warning(
                    where,
                    2,
                    1,
                    "no api_path and no example request to take it from; the endpoint is"
                    " documented but has no operation in openapi.json or the client"
                    + (
                        f" (its path parameters {_short(shown)} are shown on its page only)"
                        if shown
                        else ""
                    ),
                )
            )
    path_params = _parameters(
        data.get("path_parameters"), "path", where, line("path_parameters"), problems
    )
    query_params = _parameters(
        data.get("query_parameters"), "query", where, line("query_parameters"), problems
    )
    body_params = _parameters(data.get("parameters"), "body", where, line("parameters"), problems)
    if api_path is not None and not any(p.severity == "error" for p in problems):
        names = placeholder_names(api_path)
        documented = [p.name for p in path_params]
        for undocumented in [n for n in names if n not in documented]:
            problems.append(
                warning(
                    where,
                    line("api_path"),
                    1,
                    f"path parameter '{_short(undocumented)}' in api_path is not documented in path_parameters",
                )
            )
        for extra in [n for n in documented if n not in names]:
            problems.append(
                warning(
                    where,
                    line("path_parameters"),
                    1,
                    f"documented path parameter '{_short(extra)}' does not appear in api_path",
                )
            )
        problems.extend(
            _check_request_line(example_request, method, api_path, where, line("example_request"))
        )
    order = data.get("sidebar_order")
    if any(p.severity == "error" for p in problems):
        return None, problems
    descriptor = Descriptor(
        source=rel,
        section=folder,
        stem=stem,
        digest=context.digest,
        method=method,
        api_path=api_path,
        title=title,
        description=(data.get("description") or "").strip(),
        authentication=(data.get("authentication") or None),
        warning=(data.get("warning") or None),
        sidebar_order=order,
        # All of them, as documented: the model takes those the path has (a mismatch was
        # reported above), and a page without a path shows them all.
        path_parameters=tuple(path_params),
        query_parameters=tuple(query_params),
        body_parameters=tuple(body_params),
        example_request=example_request,
        example_response=example_response,
        field_lines=tuple(sorted(lines_of.items())),
        acknowledged=context.acknowledged,
        more_examples=_more_examples(data.get("examples"), where, line("examples"), problems),
    )
    if body.strip():
        offset = next(n for n, text in enumerate(body.split("\n")) if text.strip())
        problems.append(
            warning(
                where,
                context.body_line + offset,
                1,
                "text after the front matter of a descriptor is ignored",
            )
        )
    return descriptor, problems


def _more_examples(
    items: list[dict[str, Any]] | None, where: str, line: int, problems: list[Diagnostic]
) -> tuple[ExampleText, ...]:
    """The further examples, each named: its own `name`, else its response status (`404`),
    made unique with a number (`200 (2)`); an entry with neither request nor response is
    reported and left out."""
    out: list[ExampleText] = []
    taken: set[str] = set()
    for number, item in enumerate(items or [], 1):
        request, response = item.get("request") or "", item.get("response") or ""
        if not request.strip() and not response.strip():
            message = f"examples[{number - 1}] has neither a request nor a response; left out"
            problems.append(warning(where, line, 1, message))
            continue
        base = " ".join(str(item.get("name") or "").split()) or _status_of(response)
        base = base or f"Example {number + 1}"
        name, copy = base, 2
        while name.lower() in taken:
            name, copy = f"{base} ({copy})", copy + 1
        taken.add(name.lower())
        out.append(ExampleText(_short(name, 60), request, response))
    return tuple(out)


def _status_of(response: str) -> str:
    first = response.replace("\r\n", "\n").lstrip("\n").split("\n", 1)[0].split()
    return first[1] if len(first) > 1 and first[1].isdigit() else ""


def _did_you_mean(word: str, known: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest known word, when one is close."""
    import difflib

    found = difflib.get_close_matches(word.lower(), sorted(known), n=1, cutoff=0.75)
    return f"; did you mean '{found[0]}'?" if found else ""


def check_api_path(api_path: str) -> str | None:
    """Why a path template is unusable, or None when it is fine."""
    if not api_path.startswith("/"):
        return f"api_path '{_short(api_path)}' must start with '/'"
    if "?" in api_path or "#" in api_path or not api_path.isprintable() or " " in api_path:
        return (
            f"api_path '{_short(api_path)}' must not contain spaces, control characters, '?' or '#'"
        )
    depth = 0
    name_start = 0
    for index, char in enumerate(api_path):
        if char == "{":
            if depth:
                return f"api_path '{_short(api_path)}' has nested '{{'"
            depth = 1
            name_start = index + 1
        elif char == "}":
            if not depth:
                return f"api_path '{_short(api_path)}' has '}}' without '{{'"
            depth = 0
            name = api_path[name_start:index]
            if not _PATH_TEMPLATE_NAME.match(name):
                return (
                    f"api_path '{_short(api_path)}' has an invalid parameter name '{_short(name)}'"
                )
    if depth:
        return f"api_path '{_short(api_path)}' has '{{' without '}}'"
    return None


def _request_target(example_request: str) -> str | None:
    first = example_request.replace("\r\n", "\n").lstrip("\n").split("\n", 1)[0].split()
    if len(first) >= 2 and first[1].startswith("/"):
        return first[1].split("?", 1)[0]
    return None


def _check_request_line(
    example_request: str, method: str, api_path: str, where: str, line: int
) -> list[Diagnostic]:
    first = example_request.replace("\r\n", "\n").lstrip("\n").split("\n", 1)[0].split()
    if len(first) < 2:
        return []
    problems = []
    if first[0].upper() != method and first[0].upper() in METHODS:
        problems.append(
            warning(
                where,
                line,
                1,
                f"example request uses {first[0].upper()} but the descriptor's method is {method}",
            )
        )
    target = first[1].split("?", 1)[0]
    if target.startswith("/") and not path_matches_template(api_path, target):
        problems.append(
            warning(
                where,
                line,
                1,
                f"example request path '{_short(target)}' does not match api_path '{_short(api_path)}'",
            )
        )
    return problems


def _parameters(
    raw: Any, location: ParameterLocation, where: str, line: int, problems: list[Diagnostic]
) -> list[Parameter]:
    out: list[Parameter] = []
    seen: set[str] = set()
    for item in raw or []:
        name = item["name"].strip()
        if not name:
            problems.append(error(where, line, 1, f"a {location} parameter has an empty name"))
            continue
        if name in seen:
            problems.append(
                warning(
                    where,
                    line,
                    1,
                    f"{location} parameter '{_short(name)}' is documented twice; the first is used",
                )
            )
            continue
        seen.add(name)
        type_name = item.get("type")
        schema = parameter_schema(type_name)
        if schema is None:
            problems.append(
                warning(
                    where,
                    line,
                    1,
                    f"{location} parameter '{_short(name)}' has unknown type"
                    f" '{_short(str(type_name))}'; documented as string"
                    + _did_you_mean(str(type_name), PARAMETER_TYPE_NAMES),
                )
            )
            schema = {"type": "string"}
        description = (item.get("description") or "").strip()
        required = (
            bool(item.get("required"))
            or location == "path"
            or bool(_REQUIRED_PREFIX.match(description))
        )
        out.append(Parameter(name, location, type_name, schema, description, required))
    return out


def parameter_schema(type_name: str | None) -> dict[str, Any] | None:
    """JSON Schema for a parameter type of the open vocabulary; None when unknown."""
    if type_name is None or not type_name.strip():
        return {"type": "string"}
    key = type_name.strip().lower()
    if key in _PARAMETER_TYPES:
        return dict(_PARAMETER_TYPES[key])
    match = _ARRAY_OF.match(key)
    if match:
        inner = _PARAMETER_TYPES.get(match.group(1))
        if inner is not None and inner.get("type") != "array":
            return {"type": "array", "items": dict(inner)}
    return None


def _check_duplicates(descriptors: list[Descriptor], shown: str) -> list[Diagnostic]:
    seen: dict[tuple[str, str], Descriptor] = {}
    problems = []
    for descriptor in descriptors:
        if descriptor.api_path is None:
            continue
        key = (descriptor.method, route_key(descriptor.api_path))
        first = seen.get(key)
        if first is None:
            seen[key] = descriptor
            continue
        problems.append(
            warning(
                _join(shown, descriptor.source),
                descriptor.line_of("api_path"),
                1,
                f"{descriptor.method} {_short(descriptor.api_path)} is already documented by"
                f" {_join(shown, first.source)}; the operation in openapi.json and the client"
                " comes from that file, and this page shows its own parameters and examples",
            )
        )
    return problems


def _page(
    data: dict[str, Any],
    rel: str,
    where: str,
    digest: str,
    body: str,
    lines_of: dict[str, int],
    problems: list[Diagnostic],
) -> tuple[Page, list[Diagnostic]]:
    folder, _, name = rel.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        if title is not None:
            problems.append(
                warning(
                    where,
                    lines_of.get("title", 2),
                    1,
                    "page title is not a string; using the file name",
                )
            )
        title = _first_heading(body) or stem.replace("-", " ").replace("_", " ").title()
    order = data.get("sidebar_order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
        problems.append(
            warning(
                where,
                lines_of.get("sidebar_order", 2),
                1,
                "sidebar_order is not an integer; ignored",
            )
        )
        order = None
    return Page(rel, folder, stem, digest, title.strip(), order, body), problems


def _first_heading(text: str) -> str | None:
    for line in text.split("\n"):
        if line.startswith("# "):
            return line[2:].strip() or None
    return None
