"""The records the loader hands on: descriptors, pages, sections, and what a run found.

Also the endpoint fields, whose presence makes front matter a descriptor rather than a page,
and the small records passed between the loader's own steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from apidocgen.diagnostics import Diagnostic

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
    "examples",
)
# Fields whose presence makes front matter a descriptor rather than a page.
_ENDPOINT_MARKERS = frozenset(ENDPOINT_FIELDS) - {"title", "description", "sidebar_order"}


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
class ExampleText:
    """A further example exchange of a descriptor (`examples`), as raw HTTP text."""

    name: str
    request: str
    response: str


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
    legacy: bool = False  # read from an endpoint page of the older format (`load.legacy`)
    # `# breaking: <reason>` comment lines of the front matter: breaking changes that the
    # authors acknowledge (`apidocgen diff --fail-on breaking` reports them, does not fail).
    acknowledged: tuple[str, ...] = ()
    # Further examples beside example_request/example_response (`examples`), named.
    more_examples: tuple[ExampleText, ...] = ()

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


@dataclass(frozen=True)
class _FrontContext:
    rel: str
    where: str
    digest: str
    body: str
    body_line: int  # file line where the text after the front matter starts
    limits: _Limits
    acknowledged: tuple[str, ...] = ()
