"""Stage 4, the API model: the one contract every renderer reads.

`build_api` (in `model.build`) makes it once from what `load`, `http` and `infer` produced:
sections, operations with their parameters, bodies, responses and parsed examples, the
inferred schemas under their names, Python names and the page each thing goes to. Renderers
(`render/openapi`, `render/docs`, `render/models`, `render/client`) and the mock server read
only this; none looks at descriptors or raw HTTP text again.

Everything here is plain, frozen data: schemas are JSON Schema (draft 2020-12) dicts, whose
`$ref`s point at `#/components/schemas/<name>` as in the OpenAPI document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from apidocgen.http import HttpRequest, HttpResponse
from apidocgen.load import Page, Section
from apidocgen.model.changes import RULES, Change, Revision

JsonSchema = dict[str, Any]
REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Parameter:
    """A path or query parameter as the API takes it."""

    name: str
    location: Literal["path", "query"]
    required: bool
    description: str
    schema: JsonSchema
    type_name: str | None = None  # the descriptor's own word for the type (`int`, `url`)
    documented: bool = True  # False: a placeholder of the path that no descriptor documents


@dataclass(frozen=True)
class Content:
    """A body: its media type, its schema and its example (structured or text)."""

    media: str
    schema: JsonSchema | None = None
    example: Any = None
    has_example: bool = False
    # Further examples of the same body (name -> value), from the descriptor's `examples`.
    more_examples: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class RequestBody:
    content: Content
    required: bool | None  # None: a text body, whose requiredness the examples do not say


@dataclass(frozen=True)
class Response:
    """One documented response: `status` is a code (`"200"`) or `"default"`."""

    status: str
    description: str
    content: Content | None = None
    link_example: str | None = None  # the example's `Link` header (pagination)

    @property
    def is_error(self) -> bool:
        return self.status.isdigit() and int(self.status) >= 400


@dataclass(frozen=True)
class Pagination:
    """How to reach the next page: the `Link` header's `rel="next"` entry."""

    style: str = "link-header"
    rel: str = "next"
    results_parameter: str | None = None  # `results="false"` on the last page (Sentry)
    cursor_parameter: str | None = None


@dataclass(frozen=True)
class Examples:
    """The captured example exchange: the text as written, and as `http` parsed it."""

    request_text: str = ""  # newlines normalised; "" when none was captured
    response_text: str = ""
    request: HttpRequest | None = None
    response: HttpResponse | None = None


@dataclass(frozen=True)
class NamedExamples:
    """A further example exchange of an operation, with its tab label."""

    name: str
    examples: Examples


@dataclass(frozen=True)
class Operation:
    """One endpoint. `routed` operations are the API's (one per method and path); the others
    are documented only: a descriptor without a path, or whose route another one owns."""

    operation_id: str
    method: str  # upper case
    path: str | None
    routed: bool
    summary: str
    description: str
    tag: str  # the name of its section
    deprecated: bool
    secured: bool  # needs the API token
    authentication: str | None
    warning: str | None
    parameters: tuple[Parameter, ...]
    request_body: RequestBody | None
    responses: tuple[Response, ...]
    source: str  # the descriptor, relative to the input folder
    page: str  # where its page goes, relative to the output folder
    sidebar_order: int | None
    examples: Examples
    pagination: Pagination | None
    python_group: str  # the client attribute of its section (`events`)
    python_method: str  # its method name (`list_issue_events`)
    # Where each field of its descriptor starts (field -> line), for diagnostics about it.
    lines: tuple[tuple[str, int], ...] = ()
    acknowledged: tuple[str, ...] = ()  # breaking changes its authors acknowledge
    more_examples: tuple[NamedExamples, ...] = ()  # beside `examples`, in descriptor order

    def line_of(self, field_name: str) -> int:
        """The descriptor line of a field (the front matter's first line when unknown)."""
        return next((line for name, line in self.lines if name == field_name), 2)

    @property
    def success(self) -> Response | None:
        """The first documented 2xx or 3xx response."""
        return next((r for r in self.responses if r.status[:1] in ("2", "3")), None)


@dataclass(frozen=True)
class Tag:
    """A section of the API: a folder of descriptors."""

    name: str
    folder: str  # relative to the input folder, "" at the root
    page: str  # its index page in the output
    description: str = ""
    sidebar_order: int | None = None


@dataclass(frozen=True)
class Api:
    """The whole API: what every renderer reads."""

    title: str
    version: str
    server: str  # the base URL, or "/" when the examples name no host
    tags: tuple[Tag, ...]
    operations: tuple[Operation, ...]  # routed ones in path and method order, then the others
    schemas: dict[str, JsonSchema]  # named components, sorted by name
    secured: bool  # some operation needs the token
    pages: tuple[Page, ...] = ()  # hand-written pages, carried into the site
    folders: tuple[Section, ...] = field(default=())  # every folder of the input
    # The changelog: revisions of the input folder that changed the API, newest first (empty
    # outside git, or when the changelog is turned off).
    changes: tuple[Revision, ...] = ()

    @property
    def routed(self) -> tuple[Operation, ...]:
        """The API's operations (those with a route of their own)."""
        return tuple(op for op in self.operations if op.routed)


__all__ = [
    "REF_PREFIX",
    "RULES",
    "Api",
    "Change",
    "Content",
    "Examples",
    "JsonSchema",
    "NamedExamples",
    "Operation",
    "Pagination",
    "Parameter",
    "RequestBody",
    "Response",
    "Revision",
    "Tag",
]
