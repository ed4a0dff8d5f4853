"""Path templates (`/teams/{org}/{team}/`) matched against concrete example paths.

Each placeholder stands for one non-empty path segment (or part of one). Matching works
segment by segment without building a regular expression per template, so matching many
templates stays cheap and linear in the input, whatever the input.
"""

from __future__ import annotations

import re
from functools import lru_cache

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


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
