"""Path templates (`/teams/{org}/{team}/`): their placeholders, routes and matching.

The one home of path-template logic: the loader checks example paths against templates, the
model names path parameters and tells routes apart, the docs fill templates with example
values, the mock matches requests. Each placeholder stands for one non-empty path segment
(or part of one). Matching works without building a regular expression per template (the
mock's `template_regex` aside), so matching many templates stays linear in the input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholder_names(template: str) -> list[str]:
    """Names of the `{name}` placeholders of a path template, in order (repeats kept)."""
    return _PLACEHOLDER.findall(template)


def route_key(template: str) -> str:
    """The template with its placeholders unnamed: `/a/{x}/` and `/a/{y}/` are one route."""
    return _PLACEHOLDER.sub("{}", template)


def literal_length(template: str) -> int:
    """How much of the template is literal text (more literal text is a closer match)."""
    return len(_PLACEHOLDER.sub("", template))


def fill_template(template: str, value: Callable[[str], str]) -> str:
    """The template with each placeholder replaced by `value(name)`."""
    return _PLACEHOLDER.sub(lambda match: value(match.group(1)), template)


def template_regex(template: str) -> re.Pattern[str]:
    """A regex for a template: literal text as it is, each placeholder one raw segment."""
    parts = _PLACEHOLDER.split(template)[::2]
    return re.compile("[^/?#]+".join(re.escape(part) for part in parts))


def path_matches_template(template: str, path: str) -> bool:
    """Whether a concrete path fits a template, each placeholder standing for one or more
    characters (values such as git refs, `heads/main`, span segments in real examples).

    Leftmost matching of the literal parts: linear time, whatever the input.
    """
    parts = _PLACEHOLDER.split(template)[::2]
    if len(parts) == 1:
        return path == template
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


def template_values(template: str, path: str) -> dict[str, str] | None:
    """The value of each placeholder when `path` fits `template`, else None."""
    template_segments = template.split("/")
    path_segments = path.split("/")
    if len(template_segments) != len(path_segments):
        return None
    values: dict[str, str] = {}
    for pattern, segment in zip(template_segments, path_segments, strict=True):
        if "{" not in pattern:
            if pattern != segment:
                return None
        elif pattern[0] == "{" and pattern[-1] == "}" and pattern.count("{") == 1:
            if not segment:
                return None
            values[pattern[1:-1]] = segment
        else:
            names, regex = _segment_pattern(pattern)
            match = regex.fullmatch(segment)
            if match is None:
                return None
            values.update(zip(names, match.groups(), strict=True))
    return values


@lru_cache(maxsize=1024)
def _segment_pattern(pattern: str) -> tuple[tuple[str, ...], re.Pattern[str]]:
    # A segment mixing text and placeholders (`{name}.json`): rare, and short.
    pieces = _PLACEHOLDER.split(pattern)
    names = tuple(pieces[1::2])
    regex = "".join(
        "([^/]+?)" if index % 2 else re.escape(piece) for index, piece in enumerate(pieces)
    )
    return names, re.compile(regex)
