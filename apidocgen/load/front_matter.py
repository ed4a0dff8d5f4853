"""A file's bytes -> its text -> front matter and body -> a parsed mapping -> a record.

Front matter that starts with `{` or `[` is JSON (retried as YAML when it does not parse),
any other is YAML. Parsed values are bounded (nesting, node count) and checked for what no
output file can carry, and the line of each top-level field is kept for diagnostics.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from apidocgen.diagnostics import Diagnostic, error, warning
from apidocgen.http import explain_json_error, nesting_depth
from apidocgen.load.descriptors import _descriptor, _first_heading, _page
from apidocgen.load.legacy import legacy_fields
from apidocgen.load.quoting import _kind, _short
from apidocgen.load.records import _ENDPOINT_MARKERS, Descriptor, Page, _FrontContext, _Limits

if TYPE_CHECKING:
    # Imported where used: only YAML front matter needs yaml, and importing it costs more
    # than parsing a few hundred JSON descriptors.
    import yaml

# Values in one front matter: far above any real descriptor, far below a YAML alias bomb.
_MAX_NODES = 100_000


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
    # `# breaking: <reason>` comment lines, anywhere in the block: breaking changes that the
    # authors acknowledge (`apidocgen diff`).
    acknowledged = [
        note.group(1).strip()
        for note in map(_ACKNOWLEDGED.match, (line.strip() for line in front_lines))
        if note is not None
    ]
    content = "\n".join(cleaned[1:])
    context = _FrontContext(
        rel, where, digest, body, closing + 2, limits, acknowledged=tuple(acknowledged)
    )
    first = content.lstrip()[:1]
    if not first:
        return None, problems + [error(where, first_line - 1, 1, "front matter is empty")]
    if first in "{[":
        return _parse_json_front(
            content, 2, body, rel, where, digest, limits, problems, closing, tuple(acknowledged)
        )
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


_ACKNOWLEDGED = re.compile(r"#\s*breaking\s*:(.*)\Z", re.IGNORECASE)


def _has_closing(lines: list[str], opening: int) -> int | None:
    return next((n for n in range(opening + 1, len(lines)) if lines[n].rstrip() == "---"), None)


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
    legacy = legacy_fields(data, context.body, context.body_line, context.where)
    if legacy is not None:
        # An older endpoint page: the endpoint its text describes, checked as a descriptor.
        descriptor, more = _descriptor(legacy.data, replace(context, body=""), legacy.lines)
        if descriptor is not None:
            descriptor = replace(descriptor, legacy=True)
        return descriptor, problems + legacy.problems + more
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
    acknowledged: tuple[str, ...] = (),
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    body_line = closing + 2 if closing is not None else content.count("\n") + 2
    context = _FrontContext(rel, where, digest, body, body_line, limits, acknowledged)
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


def _tab_at(content: str, line: int) -> bool:
    """Whether the indentation of a line (0-based) holds a tab."""
    lines = content.split("\n")
    if not 0 <= line < len(lines):
        return False
    text = lines[line]
    return "\t" in text[: len(text) - len(text.lstrip(" \t"))]


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
        elif "'\\t'" in str(problem) or (mark is not None and _tab_at(content, mark.line)):
            problem = (
                "a tab indents this line; YAML indents with spaces only (replace the tabs"
                " with spaces)"
            )
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
