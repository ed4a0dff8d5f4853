"""What one API call sends: its options, and how values become a URL, a query and a body.

- Path parameters are percent-encoded as one segment each: `/`, `?`, `#` and `%` inside a
  value are encoded, and the whole values `.` and `..` become `%2E` and `%2E%2E`, so a value
  can never change which URL is called.
- Query values: `None` is left out, lists repeat the name (`?tag=a&tag=b`), booleans are
  `true`/`false`, dates ISO 8601.
- A request body that is a model is sent by wire names, leaving out fields never set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import httpx

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "RequestOptions",
    "Timeout",
    "encode_path",
    "encode_query",
    "rewind",
    "rewind_points",
    "to_jsonable",
    "to_text",
]

Timeout = float | httpx.Timeout | None

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class NotGiven:
    """The type of `NOT_GIVEN`: an argument left out (where `None` means something)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


@dataclass(frozen=True)
class RequestOptions:
    """One API call: what to send, and what type the success body parses into.

    `operation` names the method (`teams.retrieve_team`) in errors and logs. The `extra_*`
    fields, `timeout` and `strict` are the per-call options every method takes.
    """

    method: str
    path: str  # a template such as /items/{item_id}/, or an absolute URL to follow
    cast_to: Any
    operation: str = ""
    path_params: Mapping[str, object] | None = None
    query: Sequence[tuple[str, object]] = ()
    json: Any = None
    has_json: bool = False
    files: Any = None
    data: Mapping[str, Any] | None = None
    content: str | bytes | None = None
    content_type: str | None = None
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, object] | None = None
    timeout: Timeout | NotGiven = NOT_GIVEN
    strict: bool | None = None

    def follow(self, url: str) -> RequestOptions:
        """The same call, sent to `url` (a next-page link) with no added query or body."""
        return replace(self, path=url, path_params=None, query=(), extra_query=None)


def to_text(value: object) -> str:
    """A parameter value as it goes into a URL: booleans lower-case, dates in ISO 8601."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def encode_path(template: str, values: Mapping[str, object]) -> str:
    """Fill a path template, each value percent-encoded as exactly one path segment."""
    parts = _PLACEHOLDER.split(template)
    out: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(quote(part, safe="/:@!$&'()*+,;=-._~%"))
            continue
        if part not in values:
            raise ValueError(f"missing path parameter {part!r}")
        text = to_text(values[part])
        if not text:
            raise ValueError(f"path parameter {part!r} must not be empty")
        if text in (".", ".."):
            # A dot segment would be removed by URL normalisation and change the route.
            out.append("%2E" * len(text))
        else:
            out.append(quote(text, safe=""))
    return "".join(out)


QueryPairs = list[tuple[str, str | int | float | bool | None]]


def encode_query(query: Sequence[tuple[str, object]]) -> QueryPairs:
    """Query pairs with `None` dropped and lists repeated (`?tag=a&tag=b`)."""
    out: QueryPairs = []
    for name, value in query:
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            out.extend((name, to_text(item)) for item in value if item is not None)
        else:
            out.append((name, to_text(value)))
    return out


def to_jsonable(body: Any) -> Any:
    """A request body as JSON data: models by wire name, leaving out fields never set."""
    from pydantic import BaseModel
    from pydantic_core import to_jsonable_python

    if isinstance(body, BaseModel):
        return body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return to_jsonable_python(body, by_alias=True)


def rewind_points(files: Any) -> list[tuple[Any, int]] | None:
    """Where each file object of a `files` argument starts, so that a retry can send it
    again from there; None when some file cannot be rewound (the call is then not retried).
    """
    points: list[tuple[Any, int]] = []
    values = files.values() if isinstance(files, Mapping) else files or ()
    for value in values:
        if isinstance(value, tuple):
            value = (
                value[1] if len(value) > 1 else None
            )  # (filename, file, content type)
        if value is None or isinstance(value, (bytes, str)):
            continue
        tell = getattr(value, "tell", None)
        seekable = getattr(value, "seekable", None)
        if tell is None or (seekable is not None and not seekable()):
            return None
        try:
            points.append((value, tell()))
        except OSError:
            return None
    return points


def rewind(points: list[tuple[Any, int]]) -> None:
    """Put every file object back where `rewind_points` found it."""
    for file, position in points:
        file.seek(position)
