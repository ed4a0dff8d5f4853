"""The records of parsed examples: requests, responses, their headers, bodies and links,
and the problems found while parsing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

BodyKind = Literal["empty", "json", "lenient", "text"]


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
