"""Stage 1, load: files under the input folder -> descriptors, pages, sections and diagnostics.

A descriptor is a file whose front matter (between `---` lines, `#` comment lines allowed)
holds a JSON object with endpoint fields. Files whose front matter has no endpoint fields
are pages (guides, section introductions, older hand-written endpoint pages). A folder is a
section; its `index.md` gives the section's title and introduction.

This stage and `write` are the only ones that touch the file system.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml

from apidocgen.diagnostics import Diagnostic, error, warning
from apidocgen.http import METHODS

ParameterLocation = Literal["path", "query", "body"]

ENDPOINT_FIELDS = (
    "api_path",
    "method",
    "title",
    "description",
    "path_parameters",
    "query_parameters",
    "parameters",
    "authentication",
    "warning",
    "sidebar_order",
    "example_request",
    "example_response",
)
# Fields whose presence makes front matter a descriptor rather than a page.
_ENDPOINT_MARKERS = frozenset(ENDPOINT_FIELDS) - {"title", "description", "sidebar_order"}

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
_ARRAY_OF = re.compile(r"(?:array|list)\[([A-Za-z_-]{1,20})\]\Z")
_PATH_TEMPLATE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
_REQUIRED_PREFIX = re.compile(r"\s*\(required\)", re.IGNORECASE)
_YAML_FIELD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]{0,100})\s*:", re.MULTILINE)
_MAX_NODES = 2_000_000


@dataclass(frozen=True)
class Parameter:
    """A documented path, query or body parameter, with its type mapped to JSON Schema."""

    name: str
    location: ParameterLocation
    type: str | None
    schema: dict[str, Any]
    description: str
    required: bool


@dataclass(frozen=True)
class Descriptor:
    """One endpoint descriptor file, validated; examples still raw text (see `http`)."""

    source: str  # posix path relative to the input folder
    section: str  # posix folder relative to the input folder, "" at the root
    stem: str
    digest: str
    method: str
    api_path: str | None
    title: str
    description: str
    authentication: str | None
    warning: str | None
    sidebar_order: int | None
    path_parameters: tuple[Parameter, ...]
    query_parameters: tuple[Parameter, ...]
    body_parameters: tuple[Parameter, ...]
    example_request: str
    example_response: str
    field_lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, name: str) -> int:
        """The file line where a front-matter field starts (the block's first line when unknown)."""
        for key, line in self.field_lines:
            if key == name:
                return line
        return 2

    @property
    def requires_auth(self) -> bool:
        """True when `authentication` says the endpoint needs a token."""
        return bool(self.authentication) and "required" in (self.authentication or "").lower()


@dataclass(frozen=True)
class Page:
    """A hand-written Markdown page carried into the site."""

    source: str
    section: str
    stem: str
    digest: str
    title: str
    sidebar_order: int | None
    body: str


@dataclass(frozen=True)
class Section:
    """A folder of the input: its title and introduction come from its `index.md`."""

    path: str
    title: str
    intro: str
    sidebar_order: int | None
    source: str | None


@dataclass(frozen=True)
class LoadResult:
    descriptors: tuple[Descriptor, ...]
    pages: tuple[Page, ...]
    sections: tuple[Section, ...]
    diagnostics: tuple[Diagnostic, ...]
    skipped: tuple[str, ...] = field(default=())


@dataclass
class _Limits:
    max_descriptor_bytes: int
    max_depth: int


def load_input(
    root: Path, *, max_descriptor_bytes: int, max_depth: int, display_root: str | None = None
) -> LoadResult:
    """Discover and read every `*.md` and `*.json` under `root`.

    `display_root` is how paths are shown in diagnostics (defaults to `root` as given).
    """
    shown = display_root if display_root is not None else str(root)
    limits = _Limits(max_descriptor_bytes, max_depth)
    diagnostics: list[Diagnostic] = []
    if not root.is_dir():
        return LoadResult((), (), (), (error(shown, 1, 1, "input folder does not exist"),))
    files, walk_problems = _discover(root, shown)
    diagnostics.extend(walk_problems)
    descriptors: list[Descriptor] = []
    pages: list[Page] = []
    folders: set[str] = set()
    for rel in files:
        where = _join(shown, rel)
        folder = rel.rpartition("/")[0]
        folders.add(folder)
        record, problems = _load_file(root / rel, rel, where, limits)
        diagnostics.extend(problems)
        if isinstance(record, Descriptor):
            descriptors.append(record)
        elif isinstance(record, Page):
            pages.append(record)
    diagnostics.extend(_check_duplicates(descriptors, shown))
    sections = _sections(folders, pages)
    return LoadResult(
        tuple(descriptors),
        tuple(pages),
        sections,
        tuple(sorted(diagnostics)),
    )


def _join(shown: str, rel: str) -> str:
    return f"{shown.rstrip('/')}/{rel}" if shown else rel


def _discover(root: Path, shown: str) -> tuple[list[str], list[Diagnostic]]:
    """Relative posix paths of candidate files, sorted; symlinks never lead outside `root`."""
    found: list[str] = []
    problems: list[Diagnostic] = []
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        rel_dir = base.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        kept_dirs = []
        for name in sorted(dirnames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if (base / name).is_symlink():
                problems.append(warning(_join(shown, rel), 1, 1, "symlinked folder not followed"))
                continue
            kept_dirs.append(name)
        dirnames[:] = kept_dirs
        for name in sorted(filenames):
            if not name.endswith((".md", ".json")):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            path = base / name
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_root) or not target.is_file():
                    problems.append(
                        warning(
                            _join(shown, rel),
                            1,
                            1,
                            "symlink points outside the input folder; skipped",
                        )
                    )
                    continue
            found.append(rel)
    found.sort()
    return found, problems


def _load_file(
    path: Path, rel: str, where: str, limits: _Limits
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    try:
        size = path.stat().st_size
        if size > limits.max_descriptor_bytes:
            return None, [
                error(
                    where,
                    1,
                    1,
                    f"file is {size} bytes, over the limit of {limits.max_descriptor_bytes}"
                    " (setting max_descriptor_bytes)",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(where, 1, 1, f"cannot read file: {exc.strerror}")]
    digest = hashlib.sha256(raw).hexdigest()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            error(where, line, col, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")
        ]
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        return None, [error(where, line, 1, "file contains a NUL character")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _parse_text(text, rel, where, digest, limits)


def _parse_text(
    text: str, rel: str, where: str, digest: str, limits: _Limits
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    folder, _, name = rel.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    if not text.strip():
        return None, [error(where, 1, 1, "file is empty; expected a '---' front matter block")]
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        if rel.endswith(".json"):
            return _parse_json_front(text, 1, "", rel, where, digest, limits)
        title = _first_heading(text) or stem.replace("-", " ").replace("_", " ").title()
        return Page(rel, folder, stem, digest, title, None, text), []
    closing = next((n for n in range(1, len(lines)) if lines[n].rstrip() == "---"), None)
    if closing is None:
        return None, [error(where, 1, 1, "unterminated front matter: no closing '---' line")]
    front_lines = lines[1:closing]
    body = "\n".join(lines[closing + 1 :])
    # Leading `#` lines are comments (the generator header of real descriptors); blank them
    # out so that parser line numbers stay file line numbers.
    cleaned = list(front_lines)
    for index, line in enumerate(cleaned):
        stripped = line.strip()
        if stripped.startswith("#"):
            cleaned[index] = ""
        elif stripped:
            break
    content = "\n".join(cleaned)
    first = content.lstrip()[:1]
    if not first:
        return None, [error(where, 1, 1, "front matter is empty")]
    if first in "{[":
        return _parse_json_front(content, 2, body, rel, where, digest, limits)
    data, problems = _parse_yaml(content, 2, where, limits)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, problems + [
            error(where, 2, 1, f"front matter must be a mapping, not {_kind(data)}")
        ]
    lines_of = _field_lines_yaml(content, 2)
    if _ENDPOINT_MARKERS & data.keys():
        descriptor, more = _descriptor(data, rel, where, digest, lines_of, body, limits)
        return descriptor, problems + more
    return _page(data, rel, where, digest, body, lines_of, problems)


def _parse_json_front(
    content: str,
    first_line: int,
    body: str,
    rel: str,
    where: str,
    digest: str,
    limits: _Limits,
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    problems: list[Diagnostic] = []
    depth = _bracket_depth(content)
    if depth > limits.max_depth:
        return None, [
            error(
                where,
                first_line,
                1,
                f"front matter nests {depth} levels deep, over the limit of {limits.max_depth}"
                " (setting max_depth)",
            )
        ]
    try:
        data = json.loads(content, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        line = first_line + exc.lineno - 1
        yaml_data, yaml_problems = _parse_yaml(content, first_line, where, limits)
        if isinstance(yaml_data, dict) and not yaml_problems:
            problems.append(
                warning(
                    where,
                    line,
                    exc.colno,
                    f"front matter is not valid JSON ({exc.msg}); read it as YAML",
                )
            )
            data = yaml_data
        else:
            return None, [
                error(where, line, exc.colno, f"front matter is not valid JSON: {exc.msg}")
            ]
    except RecursionError:
        return None, [error(where, first_line, 1, "front matter nests too deeply")]
    lines_of = _field_lines_json(content, first_line)
    for key in sorted(set(duplicates)):
        problems.append(
            warning(
                where,
                lines_of.get(key, first_line),
                1,
                f"duplicate key '{_short(key)}'; the last value wins",
            )
        )
    if not isinstance(data, dict):
        return None, problems + [
            error(where, first_line, 1, f"front matter must be a JSON object, not {_kind(data)}")
        ]
    if _ENDPOINT_MARKERS & data.keys():
        descriptor, more = _descriptor(data, rel, where, digest, lines_of, body, limits)
        return descriptor, problems + more
    return _page(data, rel, where, digest, body, lines_of, problems)


def _parse_yaml(
    content: str, first_line: int, where: str, limits: _Limits
) -> tuple[Any, list[Diagnostic]]:
    depth = _bracket_depth(content)
    if depth > limits.max_depth:
        return None, [
            error(
                where,
                first_line,
                1,
                f"front matter nests {depth} levels deep, over the limit of {limits.max_depth}"
                " (setting max_depth)",
            )
        ]
    try:
        data = yaml.safe_load(content)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0) - 1 + 1 if mark else first_line
        col = (mark.column + 1) if mark else 1
        return None, [
            error(where, line, col, f"front matter is not valid YAML: {exc.problem or exc}")
        ]
    except yaml.YAMLError as exc:
        return None, [error(where, first_line, 1, f"front matter is not valid YAML: {exc}")]
    except RecursionError:
        return None, [error(where, first_line, 1, "front matter nests too deeply")]
    problem = _check_size(data, limits.max_depth)
    if problem:
        return None, [error(where, first_line, 1, problem)]
    return data, []


def _check_size(data: Any, max_depth: int) -> str | None:
    """YAML aliases can make a small file into a huge graph; bound depth and node count."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > _MAX_NODES:
            return f"front matter expands to more than {_MAX_NODES} values"
        if depth > max_depth:
            return f"front matter nests more than {max_depth} levels deep (setting max_depth)"
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None


def _bracket_depth(text: str) -> int:
    from apidocgen.http import nesting_depth

    return nesting_depth(text)


_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]]')


def _field_lines_json(content: str, first_line: int) -> dict[str, int]:
    """Line of each top-level key, found by a linear scan (json has no position API)."""
    lines: dict[str, int] = {}
    depth = 0
    for match in _JSON_TOKEN.finditer(content):
        token = match.group()
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
        elif depth == 1:
            rest = content[match.end() : match.end() + 20].lstrip(" \t\n")
            key = token[1:-1]
            if rest.startswith(":") and key not in lines:
                lines[key] = first_line + content.count("\n", 0, match.start())
    return lines


def _field_lines_yaml(content: str, first_line: int) -> dict[str, int]:
    lines: dict[str, int] = {}
    for match in _YAML_FIELD.finditer(content):
        key = match.group(1)
        if key not in lines:
            lines[key] = first_line + content.count("\n", 0, match.start())
    return lines


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


@cache
def descriptor_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every descriptor's front matter must satisfy."""
    text = resources.files("apidocgen").joinpath("descriptor.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(descriptor_schema())


def _descriptor(
    data: dict[str, Any],
    rel: str,
    where: str,
    digest: str,
    lines_of: dict[str, int],
    body: str,
    limits: _Limits,
) -> tuple[Descriptor | None, list[Diagnostic]]:
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
        problems.append(warning(where, line(key), 1, f"unknown field '{_short(key)}' ignored"))
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
            problems.append(
                warning(
                    where, 2, 1, f"no api_path; taken from the example request: {_short(target)}"
                )
            )
        else:
            problems.append(
                warning(
                    where,
                    2,
                    1,
                    "no api_path and no example request to take it from; the endpoint is"
                    " documented but has no operation in openapi.json or the client",
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
        names = path_template_names(api_path)
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
        digest=digest,
        method=method,
        api_path=api_path,
        title=title,
        description=(data.get("description") or "").strip(),
        authentication=(data.get("authentication") or None),
        warning=(data.get("warning") or None),
        sidebar_order=order,
        path_parameters=tuple(p for p in path_params if _keep_path_param(p, api_path)),
        query_parameters=tuple(query_params),
        body_parameters=tuple(body_params),
        example_request=example_request,
        example_response=example_response,
        field_lines=tuple(sorted(lines_of.items())),
    )
    if body.strip():
        problems.append(
            warning(
                where,
                line("example_response") + 1,
                1,
                "text after the front matter of a descriptor is ignored",
            )
        )
    return descriptor, problems


def _keep_path_param(parameter: Parameter, api_path: str | None) -> bool:
    # A documented path parameter that the path does not contain cannot be sent; keep only
    # the ones the path uses (the mismatch was reported as a warning).
    return api_path is None or parameter.name in path_template_names(api_path)


def _schema_errors(data: dict[str, Any]) -> list[jsonschema.ValidationError]:
    try:
        return sorted(
            _validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
        )
    except RecursionError:  # pragma: no cover - depth is bounded before this point
        return [jsonschema.ValidationError("value nests too deeply")]


def _is_str(value: Any, nullable: bool = True) -> bool:
    return isinstance(value, str) or (nullable and value is None)


def _fast_valid(data: dict[str, Any]) -> bool:
    """A quick check equivalent to `descriptor.schema.json` for well-formed descriptors.

    jsonschema is the authority (and gives the messages); this only spares its cost on the
    common case. A test checks that both agree.
    """
    if not (isinstance(data.get("method"), str) and isinstance(data.get("title"), str)):
        return False
    for key in (
        "api_path",
        "description",
        "authentication",
        "warning",
        "example_request",
        "example_response",
    ):
        if not _is_str(data.get(key)):
            return False
    order = data.get("sidebar_order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
        return False
    for key in ("path_parameters", "query_parameters", "parameters"):
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            return False
        for item in items:
            if not isinstance(item, dict):
                return False
            name = item.get("name")
            if not isinstance(name, str) or not name:
                return False
            if not (_is_str(item.get("type")) and _is_str(item.get("description"))):
                return False
            required = item.get("required")
            if required is not None and not isinstance(required, bool):
                return False
    return True


def _schema_message(err: jsonschema.ValidationError) -> str:
    if err.validator == "type":
        expected = err.validator_value
        if isinstance(expected, list):
            expected = " or ".join(t for t in expected if t != "null")
        return f"expected {expected}, found {_kind(err.instance)}"
    if err.validator == "required":
        missing = re.match(r"'([^']+)'", err.message)
        return f"missing '{missing.group(1)}'" if missing else err.message
    if err.validator == "minLength":
        return "must not be empty"
    return str(err.message)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _short(text: str, limit: int = 60) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_api_path(api_path: str) -> str | None:
    """Why a path template is unusable, or None when it is fine."""
    if not api_path.startswith("/"):
        return f"api_path '{_short(api_path)}' must start with '/'"
    if any(c in api_path for c in " \t\n?#"):
        return f"api_path '{_short(api_path)}' must not contain spaces, '?' or '#'"
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


def path_template_names(api_path: str) -> list[str]:
    """Names of the `{name}` placeholders of a path template, in order."""
    return re.findall(r"\{([^{}]*)\}", api_path)


def path_matches_template(api_path: str, path: str) -> bool:
    """Whether a concrete path fits a template, each placeholder standing for one or more
    characters (values such as git refs, `heads/main`, span segments in real examples).

    Leftmost matching of the literal parts: linear time, whatever the input.
    """
    parts = re.split(r"\{[^{}]*\}", api_path)
    if len(parts) == 1:
        return path == api_path
    head, tail = parts[0], parts[-1]
    if not path.startswith(head) or not path.endswith(tail):
        return False
    position, end = len(head), len(path) - len(tail)
    for literal in parts[1:-1]:
        found = path.find(literal, position + 1)
        if found < 0 or found + len(literal) >= end + (0 if literal else 1):
            return False
        position = found + len(literal)
    return end > position


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
                    f"{location} parameter '{_short(name)}' has unknown type '{_short(str(type_name))}'; documented as string",
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
        key = (descriptor.method, _normalise_template(descriptor.api_path))
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
                f" {_join(shown, first.source)}; this page is kept, but the operation in"
                " openapi.json and the client comes from that file",
            )
        )
    return problems


def _normalise_template(api_path: str) -> str:
    # /a/{x}/ and /a/{y}/ are the same route.
    return re.sub(r"\{[^{}]*\}", "{}", api_path)


def _sections(folders: set[str], pages: list[Page]) -> tuple[Section, ...]:
    all_folders: set[str] = set()
    for folder in folders:
        parts = folder.split("/") if folder else []
        for n in range(len(parts) + 1):
            all_folders.add("/".join(parts[:n]))
    index = {p.section: p for p in pages if p.stem == "index"}
    sections = []
    for folder in sorted(all_folders):
        page = index.get(folder)
        default = (
            folder.rpartition("/")[2].replace("-", " ").replace("_", " ").title() if folder else ""
        )
        sections.append(
            Section(
                path=folder,
                title=page.title if page else default,
                intro=page.body.strip() if page else "",
                sidebar_order=page.sidebar_order if page else None,
                source=page.source if page else None,
            )
        )
    return tuple(sections)
