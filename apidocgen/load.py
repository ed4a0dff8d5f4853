"""Stage 1, load: files under the input folder -> descriptors, pages, sections and diagnostics.

A descriptor is a file whose front matter (between `---` lines, `#` comment lines allowed)
holds a JSON object with endpoint fields. Files whose front matter has no endpoint fields
are pages (guides, section introductions, older hand-written endpoint pages). A folder is a
section; its `index.md` gives the section's title and introduction.

This stage and `write` are the only ones that touch the file system.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from apidocgen.diagnostics import Diagnostic, error, warning
from apidocgen.http import METHODS, explain_json_error, nesting_depth

if TYPE_CHECKING:
    # Imported where used: only descriptors that fail the quick check need jsonschema, only
    # YAML front matter needs yaml, and importing them costs more than parsing a few hundred
    # JSON descriptors.
    import jsonschema
    import yaml

    from apidocgen.parse_cache import ParseCache

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
# Values in one front matter: far above any real descriptor, far below a YAML alias bomb.
_MAX_NODES = 100_000


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
    root: Path,
    *,
    max_descriptor_bytes: int,
    max_depth: int,
    display_root: str | None = None,
    cache: ParseCache | None = None,
) -> LoadResult:
    """Discover and read every `*.md` and `*.json` under `root`.

    `display_root` is how paths are shown in diagnostics (defaults to `root` as given).
    A file whose bytes `cache` has seen before is not parsed again; what is parsed is handed
    to `cache` for the next run.
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
    for rel, real in files:
        where = _join(shown, rel)
        folder = rel.rpartition("/")[0]
        folders.add(folder)
        record, problems = _load_file(real, rel, where, limits, cache)
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
    return f"{shown.rstrip('/')}/{printable(rel)}" if shown else printable(rel)


def _discover(root: Path, shown: str) -> tuple[list[tuple[str, Path]], list[Diagnostic]]:
    """Candidate files, sorted: (relative posix path, the path to read).

    Symlinks never lead outside `root`, and only regular files are read (a FIFO named `x.md`
    would block a read forever).
    """
    found: list[tuple[str, Path]] = []
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
            bad_name = _name_problem(name, "folder")
            if bad_name:
                problems.append(error(_join(shown, rel), 1, 1, bad_name))
                continue
            kept_dirs.append(name)
        dirnames[:] = kept_dirs
        for name in sorted(filenames):
            if not name.endswith((".md", ".json")):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            where = _join(shown, rel)
            bad_name = _name_problem(name, "file")
            if bad_name:
                problems.append(error(where, 1, 1, bad_name))
                continue
            path = base / name
            if path.is_symlink():
                target, problem = _symlink_target(path, real_root)
                if target is None:
                    problems.append(warning(where, 1, 1, f"{problem}; skipped"))
                    continue
                path = target
            found.append((rel, path))
    found.sort()
    return found, problems


def _symlink_target(path: Path, real_root: Path) -> tuple[Path | None, str]:
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return None, "symlink points to nothing (its target does not exist)"
    except (OSError, RuntimeError):  # a loop of links
        return None, "symlink cannot be resolved (a loop of links?)"
    if not target.is_relative_to(real_root):
        return None, "symlink points outside the input folder"
    return target, ""


def _name_problem(name: str, kind: str) -> str | None:
    """Why a file or folder name cannot be used, or None."""
    if name.isascii() and name.isprintable():
        return None  # the common case, spared the scan below
    if any("\ud800" <= char <= "\udfff" for char in name):
        return f"{kind} name is not valid UTF-8; rename the {kind}"
    for char in name:
        if unicodedata.category(char) == "Cc":
            return (
                f"{kind} name contains the control character U+{ord(char):04X}; rename the {kind}"
            )
    return None


def printable(text: str) -> str:
    """`text` with control, format and separator characters escaped (`\\x1b`, `\\u202e`).

    Descriptor text and file names are quoted in diagnostics; this keeps each diagnostic on
    one line and stops text from steering a terminal (escape sequences, bidi overrides).
    """
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char == " " else ascii(char)[1:-1] for char in text
    )


def _read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, refusing more than `limit` of them.

    Opened without following a final symlink (symlinks were resolved and checked by
    `_discover`) and without blocking (a FIFO would never answer).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegularFile
        if info.st_size > limit:
            raise _TooLarge(info.st_size)
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # the file grew after fstat
            raise _TooLarge(len(data))
        return data
    finally:
        os.close(fd)


class _NotRegularFile(Exception):
    pass


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _load_file(
    path: Path, rel: str, where: str, limits: _Limits, cache: ParseCache | None = None
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    try:
        raw = _read_bounded(path, limits.max_descriptor_bytes)
    except _TooLarge as exc:
        return None, [
            error(
                where,
                1,
                1,
                f"file is {exc.size:,} bytes, over the limit of {limits.max_descriptor_bytes:,}"
                " bytes (raise max_descriptor_bytes in [tool.apidocgen] to allow it)",
            )
        ]
    except _NotRegularFile:
        return None, [
            error(where, 1, 1, "not a regular file (a FIFO, socket or device?); remove it")
        ]
    except OSError as exc:
        return None, [error(where, 1, 1, f"cannot read file: {exc.strerror}")]
    digest = hashlib.sha256(raw).hexdigest()
    if cache is not None:
        cached = cache.file(rel, digest, where)
        if cached is not None:
            return cached
    record, problems = _decode_and_parse(raw, rel, where, digest, limits)
    if cache is not None:
        cache.remember_file(rel, digest, where, record, problems)
    return record, problems


def _decode_and_parse(
    raw: bytes, rel: str, where: str, digest: str, limits: _Limits
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            error(
                where,
                line,
                col,
                f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            )
        ]
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return None, [error(where, line, col, "file contains a NUL character")]
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
    problems: list[Diagnostic] = []
    opening = 0
    if lines[0].rstrip() != "---":
        first_text = next(n for n, line in enumerate(lines) if line.strip())
        if lines[first_text].rstrip() == "---" and _has_closing(lines, first_text):
            # A descriptor must not turn into a page because of a stray blank line.
            opening = first_text
            problems.append(
                warning(
                    where,
                    opening + 1,
                    1,
                    "blank lines before the opening '---' of the front matter; read it anyway",
                )
            )
        elif rel.endswith(".json"):
            return _parse_json_front(text, 1, "", rel, where, digest, limits, [])
        else:
            title = _first_heading(text) or stem.replace("-", " ").replace("_", " ").title()
            return Page(rel, folder, stem, digest, title, None, text), []
    closing = _has_closing(lines, opening)
    if closing is None:
        return None, [
            error(where, opening + 1, 1, "unterminated front matter: no closing '---' line")
        ]
    first_line = opening + 2
    front_lines = lines[opening + 1 : closing]
    body = "\n".join(lines[closing + 1 :])
    # Leading `#` lines are comments (the generator header of real descriptors); blank them
    # out so that parser line numbers stay file line numbers. Lines before the opening `---`
    # are blanked too, for the same reason.
    cleaned = [""] * (opening + 1) + list(front_lines)
    for index in range(opening + 1, len(cleaned)):
        stripped = cleaned[index].strip()
        if stripped.startswith("#"):
            cleaned[index] = ""
        elif stripped:
            break
    content = "\n".join(cleaned[1:])
    context = _FrontContext(rel, where, digest, body, closing + 2, limits)
    first = content.lstrip()[:1]
    if not first:
        return None, problems + [error(where, first_line - 1, 1, "front matter is empty")]
    if first in "{[":
        return _parse_json_front(content, 2, body, rel, where, digest, limits, problems, closing)
    parsed = _parse_yaml(content, 2, where, limits)
    problems.extend(parsed.problems)
    if not parsed.ok:
        return None, problems
    data = parsed.data
    if not isinstance(data, dict):
        return None, problems + [
            error(where, first_line, 1, f"front matter must be a mapping, not {_kind(data)}")
        ]
    return _record(data, context, parsed.lines, problems)


def _has_closing(lines: list[str], opening: int) -> int | None:
    return next((n for n in range(opening + 1, len(lines)) if lines[n].rstrip() == "---"), None)


@dataclass(frozen=True)
class _FrontContext:
    rel: str
    where: str
    digest: str
    body: str
    body_line: int  # file line where the text after the front matter starts
    limits: _Limits


def _record(
    data: dict[Any, Any],
    context: _FrontContext,
    lines_of: dict[str, int],
    problems: list[Diagnostic],
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    """A descriptor or a page from parsed front matter (checked for unusable values first)."""
    bad = _check_values(data, context.limits.max_depth)
    if bad is not None:
        message, top = bad
        line = lines_of.get(top, 2) if top is not None else 2
        return None, problems + [error(context.where, line, 1, message)]
    if _ENDPOINT_MARKERS & data.keys():
        descriptor, more = _descriptor(data, context, lines_of)
        return descriptor, problems + more
    return _page(data, context.rel, context.where, context.digest, context.body, lines_of, problems)


def _parse_json_front(
    content: str,
    first_line: int,
    body: str,
    rel: str,
    where: str,
    digest: str,
    limits: _Limits,
    problems: list[Diagnostic],
    closing: int | None = None,
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    body_line = closing + 2 if closing is not None else content.count("\n") + 2
    context = _FrontContext(rel, where, digest, body, body_line, limits)
    problems = list(problems)
    depth = nesting_depth(content)
    if depth > limits.max_depth:
        return None, problems + [
            error(
                where,
                first_line,
                1,
                f"front matter nests {depth} levels deep, over the limit of {limits.max_depth}"
                " (max_depth in [tool.apidocgen])",
            )
        ]
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        line = first_line + exc.lineno - 1
        parsed = _parse_yaml(content, first_line, where, limits)
        if parsed.ok and isinstance(parsed.data, dict):
            problems.append(
                warning(
                    where,
                    line,
                    exc.colno,
                    f"front matter is not valid JSON ({explain_json_error(exc)}); read it as YAML",
                )
            )
            return _record(parsed.data, context, parsed.lines, problems + list(parsed.problems))
        return None, problems + [
            error(
                where, line, exc.colno, f"front matter is not valid JSON: {explain_json_error(exc)}"
            )
        ]
    except RecursionError:  # pragma: no cover - depth is bounded above
        return None, problems + [error(where, first_line, 1, "front matter nests too deeply")]
    except ValueError as exc:  # json refuses integers of more than 4300 digits
        message = "a number has more than 4300 digits" if "digits" in str(exc) else str(exc)
        return None, problems + [
            error(where, first_line, 1, f"front matter is not valid JSON: {message}")
        ]
    occurrences = _field_lines_json(content, first_line)
    lines_of = {key: found[0] for key, found in occurrences.items()}
    for key, found in sorted(occurrences.items()):
        if len(found) > 1:
            problems.append(
                warning(
                    where,
                    found[1],
                    1,
                    f"duplicate key '{_short(key)}'; the last value wins",
                )
            )
    if not isinstance(data, dict):
        return None, problems + [
            error(where, first_line, 1, f"front matter must be a JSON object, not {_kind(data)}")
        ]
    return _record(data, context, lines_of, problems)


@dataclass(frozen=True)
class _ParsedYaml:
    ok: bool
    data: Any = None
    lines: dict[str, int] = field(default_factory=dict)  # top-level key -> file line
    problems: tuple[Diagnostic, ...] = ()


@cache
def _front_matter_loader() -> Any:
    """Safe YAML that records duplicate keys (PyYAML keeps the last one silently)."""
    import yaml

    safe_loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 15x faster

    class FrontMatterLoader(safe_loader):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.duplicates: list[tuple[str, int]] = []

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if (
                    isinstance(key_node, yaml.ScalarNode)
                    and key_node.tag != "tag:yaml.org,2002:merge"
                ):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        self.duplicates.append((key_node.value, key_node.start_mark.line))
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return FrontMatterLoader


def _parse_yaml(content: str, first_line: int, where: str, limits: _Limits) -> _ParsedYaml:
    import yaml

    depth = nesting_depth(content)
    if depth > limits.max_depth:
        return _ParsedYaml(
            False,
            problems=(
                error(
                    where,
                    first_line,
                    1,
                    f"front matter nests {depth} levels deep, over the limit of"
                    f" {limits.max_depth} (max_depth in [tool.apidocgen])",
                ),
            ),
        )
    loader = _front_matter_loader()(content)
    lines: dict[str, int] = {}
    try:
        node = loader.get_single_node()
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    lines.setdefault(str(key_node.value), first_line + key_node.start_mark.line)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        col = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "cannot be read"
        if "maximum nesting depth" in str(problem):
            problem = f"it nests deeper than libyaml allows ({problem})"
        return _ParsedYaml(
            False,
            problems=(error(where, line, col, f"front matter is not valid YAML: {problem}"),),
        )
    except yaml.YAMLError as exc:
        return _ParsedYaml(
            False,
            problems=(error(where, first_line, 1, f"front matter is not valid YAML: {exc}"),),
        )
    except RecursionError:
        return _ParsedYaml(
            False, problems=(error(where, first_line, 1, "front matter nests too deeply"),)
        )
    finally:
        loader.dispose()
    problems = tuple(
        warning(where, first_line + line, 1, f"duplicate key '{_short(key)}'; the last value wins")
        for key, line in loader.duplicates
    )
    return _ParsedYaml(True, data, lines, problems)


def _check_values(data: Any, max_depth: int) -> tuple[str, str | None] | None:
    """What makes parsed front matter unusable, with the top-level field it is under.

    YAML aliases can make a small file into a huge graph (bounded: node count and depth);
    YAML keys need not be strings; strings may hold NUL or, from `\\ud800` escapes, lone
    surrogates, which no output file can carry.
    """
    stack: list[tuple[Any, int, str | None]] = [(data, 1, None)]
    nodes = 0
    while stack:
        value, depth, top = stack.pop()
        nodes += 1
        if nodes > _MAX_NODES:
            return (
                f"front matter expands to more than {_MAX_NODES:,} values"
                " (YAML aliases that repeat large values?)",
                None,
            )
        if depth > max_depth:
            return (
                f"front matter nests more than {max_depth} levels deep"
                " (max_depth in [tool.apidocgen])",
                top,
            )
        if isinstance(value, str):
            problem = _string_problem(value)
            if problem:
                return f"{_field_label(top)} {problem}", top
        elif isinstance(value, dict):
            for key, item in value.items():
                owner = top if top is not None else (key if isinstance(key, str) else None)
                if not isinstance(key, str):
                    return (
                        f"key {_short(repr(key))}{' in ' + _field_label(owner) if owner else ''}"
                        f" is {_kind(key)}, not a string; quote it",
                        owner if owner is not None else str(key),
                    )
                problem = _string_problem(key)
                if problem:
                    return f"a key in {_field_label(owner)} {problem}", owner
                stack.append((item, depth + 1, owner))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, top) for item in value)
    return None


_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def _string_problem(text: str) -> str | None:
    found = _BAD_CHARACTER.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000)"
    return (
        f"contains {ascii(found.group())[1:-1]}, half of a UTF-16 surrogate pair"
        " (not valid Unicode)"
    )


def _field_label(top: str | None) -> str:
    return f"field '{_short(top)}'" if top is not None else "front matter"


# A JSON string (closing quote optional: linear even on unclosed strings) or a bracket.
_JSON_TOKEN = re.compile(r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"?|[{}\[\]]')


def _field_lines_json(content: str, first_line: int) -> dict[str, list[int]]:
    """Lines of each top-level key (every occurrence), by a linear scan (json has no positions)."""
    lines: dict[str, list[int]] = {}
    depth = 0
    line, counted = first_line, 0
    for match in _JSON_TOKEN.finditer(content):
        token = match.group()
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
        elif depth == 1 and len(token) > 1 and token.endswith('"'):
            rest = content[match.end() : match.end() + 20].lstrip(" \t\n")
            if not rest.startswith(":"):
                continue
            key = token[1:-1]
            if "\\" in key:
                try:
                    key = json.loads(token)
                except ValueError:
                    pass
            line += content.count("\n", counted, match.start())
            counted = match.start()
            lines.setdefault(key, []).append(line)
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
    schema: dict[str, Any] = json.loads(descriptor_schema_text())
    return schema


@cache
def descriptor_schema_text() -> str:
    """The descriptor schema as shipped (the site publishes it beside openapi.json)."""
    return resources.files("apidocgen").joinpath("descriptor.schema.json").read_text("utf-8")


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(descriptor_schema())


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
        digest=context.digest,
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


def _keep_path_param(parameter: Parameter, api_path: str | None) -> bool:
    # A documented path parameter that the path does not contain cannot be sent; keep only
    # the ones the path uses (the mismatch was reported as a warning).
    return api_path is None or parameter.name in path_template_names(api_path)


def _schema_errors(data: dict[str, Any]) -> list[jsonschema.ValidationError]:
    import jsonschema

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
    if isinstance(value, datetime.datetime):
        return "a date-time (quote it to make it a string)"
    if isinstance(value, datetime.date):
        return "a date (quote it to make it a string)"
    if isinstance(value, bytes):
        return "binary data"
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


def _short(text: Any, limit: int = 60) -> str:
    """Descriptor text quoted in a message: bounded, on one line, control characters escaped."""
    text = str(text)
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return printable(text)


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
