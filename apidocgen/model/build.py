"""Build the API model from endpoints, sections, pages and inferred schemas.

Every decision about what the API is lives here, once: which section an operation belongs
to and its page, its parameters (every placeholder of the path, documented or not), its
request body and responses with their schemas and examples, pagination, and the Python names
of sections and operations. Renderers only present what this decided.
"""

from __future__ import annotations

import http
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

from apidocgen.http import HttpRequest, HttpResponse, ParsedExamples, next_link
from apidocgen.infer import InferenceResult
from apidocgen.load import Descriptor, Page, Section
from apidocgen.load import Parameter as DocumentedParameter
from apidocgen.model import (
    Api,
    Content,
    Examples,
    JsonSchema,
    NamedExamples,
    Operation,
    Pagination,
    Parameter,
    RequestBody,
    Response,
    Tag,
)
from apidocgen.model.endpoints import Endpoint, short_digest
from apidocgen.naming import slug, snake_identifier
from apidocgen.paths import placeholder_names

# Attribute names of the generated client that a section group must not shadow.
_RESERVED_GROUPS = frozenset(
    {
        "close",
        "aclose",
        "base_url",
        "timeout",
        "max_retries",
        "request",
        "with_raw_response",
        "with_options",
        "is_closed",
        "retry_non_idempotent",
        "http",
    }
)
METHOD_ORDER = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")
NO_RESPONSE = "No example response was documented."


def build_api(
    endpoints: Sequence[Endpoint],
    sections: Sequence[Section],
    pages: Sequence[Page],
    inference: InferenceResult,
    *,
    title: str,
    version: str,
    base_url: str | None,
) -> Api:
    """The API model (deterministic: the same inputs give equal models)."""
    tags, tag_of = _tags(sections, endpoints)
    groups = _python_names(endpoints)
    # Section index pages and the home page are taken before any endpoint page.
    pages_taken = {"index.md"} | {t.page for t in tags}
    routed: list[Operation] = []
    documented: list[Operation] = []
    for endpoint in endpoints:
        d = endpoint.descriptor
        operation = _operation(
            endpoint, tag_of[d.section], groups[endpoint.operation_id], inference, pages_taken
        )
        (routed if operation.routed else documented).append(operation)
    routed.sort(key=lambda op: (op.path or "", METHOD_ORDER.index(op.method)))
    documented.sort(key=lambda op: op.operation_id)
    return Api(
        title=title,
        version=version,
        server=base_url or _server_from_examples(endpoints),
        tags=tuple(tags),
        operations=(*routed, *documented),
        schemas={name: inference.components[name] for name in sorted(inference.components)},
        secured=any(e.descriptor.requires_auth for e in endpoints),
        pages=tuple(pages),
        folders=tuple(sections),
    )


def _tags(
    sections: Sequence[Section], endpoints: Sequence[Endpoint]
) -> tuple[list[Tag], dict[str, str]]:
    used = {e.descriptor.section for e in endpoints}
    by_path = {s.path: s for s in sections}
    tags: list[Tag] = []
    tag_of: dict[str, str] = {}
    names: Counter[str] = Counter()
    for path in sorted(used):
        section = by_path.get(path)
        name = (section.title if section else "") or path.rpartition("/")[2] or "General"
        names[name] += 1
        if names[name] > 1:
            name = f"{name} ({path})"
        tag_of[path] = name
        tags.append(
            Tag(
                name=name,
                folder=path,
                page="/".join(slug(part) for part in path.split("/")) + "/index.md"
                if path
                else "index.md",
                description=section.intro if section and section.intro else "",
                sidebar_order=section.sidebar_order if section else None,
            )
        )
    tags.sort(key=lambda t: (t.sidebar_order if t.sidebar_order is not None else 10**9, t.name))
    return tags, tag_of


def _python_names(endpoints: Sequence[Endpoint]) -> dict[str, tuple[str, str]]:
    """(group attribute, method name) per operation id: from section and title, no collisions."""
    group_of: dict[str, str] = {}
    group_owner: dict[str, str] = {}
    for path in sorted({e.descriptor.section for e in endpoints}):
        base = snake_identifier(path.replace("/", " "), fallback="api") if path else "api"
        if base in _RESERVED_GROUPS:
            base += "_"
        name = base
        if name in group_owner:
            name = snake_identifier(f"{path} section", fallback="api")
        group_owner[name] = path
        group_of[path] = name
    out: dict[str, tuple[str, str]] = {}
    by_group: dict[str, list[Endpoint]] = {}
    for endpoint in endpoints:
        by_group.setdefault(group_of[endpoint.descriptor.section], []).append(endpoint)
    for group, members in by_group.items():
        wanted = {
            e.operation_id: snake_identifier(
                e.descriptor.title, fallback=e.operation_id, drop_articles=True
            )
            for e in members
        }
        counts = Counter(wanted.values())
        for endpoint in members:
            name = wanted[endpoint.operation_id]
            if counts[name] > 1 or name.startswith("_") or name in ("with_raw_response",):
                # Two titles that name alike: the file name tells them apart, and stays stable.
                name = endpoint.operation_id
            out[endpoint.operation_id] = (group, name)
    return out


def _operation(
    endpoint: Endpoint,
    tag: str,
    python: tuple[str, str],
    inference: InferenceResult,
    pages_taken: set[str],
) -> Operation:
    d = endpoint.descriptor
    routed = endpoint.routed and d.api_path is not None
    return Operation(
        operation_id=endpoint.operation_id,
        method=d.method.upper(),
        path=d.api_path,
        routed=routed,
        summary=d.title,
        description=d.description,
        tag=tag,
        deprecated=bool(d.warning and "deprecat" in d.warning.lower()),
        secured=d.requires_auth,
        authentication=d.authentication or None,
        warning=d.warning or None,
        parameters=(
            *_path_parameters(d),
            *(_parameter(p) for p in d.query_parameters),
        ),
        request_body=_request_body(endpoint, inference),
        responses=_responses(endpoint, inference),
        source=d.source,
        page=_page_path(d, pages_taken),
        sidebar_order=d.sidebar_order,
        examples=_examples(d.example_request, d.example_response, endpoint.examples),
        more_examples=tuple(
            NamedExamples(name, _examples(text.request, text.response, parsed))
            for text, (name, parsed) in zip(d.more_examples, endpoint.more, strict=True)
        ),
        pagination=_pagination(endpoint.examples.response),
        python_group=python[0],
        python_method=python[1],
        lines=d.field_lines,
        acknowledged=d.acknowledged,
    )


def _examples(request: str, response: str, parsed: ParsedExamples) -> Examples:
    return Examples(
        request_text=_normalise_newlines(request) if request.strip() else "",
        response_text=_normalise_newlines(response) if response.strip() else "",
        request=parsed.request,
        response=parsed.response,
    )


def _page_path(d: Descriptor, taken: set[str]) -> str:
    """Where the endpoint's page goes: its section folder and file name, made safe; a digest
    of the source path tells apart names that slug alike (`a-b.md`, `a_b.md`)."""
    parts = [slug(p) for p in d.section.split("/")] if d.section else []
    stem = slug(d.stem)
    if stem == "index":
        stem = "index-endpoint"
    path = "/".join([*parts, stem + ".md"])
    if path in taken:
        path = "/".join([*parts, f"{stem}-{short_digest(d.source)}.md"])
    taken.add(path)
    return path


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _path_parameters(d: Descriptor) -> list[Parameter]:
    """Every placeholder of the path, in path order; undocumented ones as plain strings
    (OpenAPI requires each to be declared; load warned about the missing documentation)."""
    documented = {p.name: p for p in d.path_parameters}
    if d.api_path is None:
        # No path to put them in, but documentation all the same: its page shows them.
        return [_parameter(p) for p in d.path_parameters]
    out = []
    for name in placeholder_names(d.api_path):
        if name in documented:
            out.append(_parameter(documented[name]))
        else:
            out.append(
                Parameter(name, "path", True, "", {"type": "string"}, None, documented=False)
            )
    return out


def _parameter(p: DocumentedParameter) -> Parameter:
    location: Literal["path", "query"] = "path" if p.location == "path" else "query"
    return Parameter(p.name, location, p.required, p.description, dict(p.schema), p.type)


def _request_body(endpoint: Endpoint, inference: InferenceResult) -> RequestBody | None:
    schema = inference.roots.get(f"{endpoint.operation_id}.request")
    request: HttpRequest | None = endpoint.examples.request
    if schema is None and endpoint.descriptor.body_parameters and not endpoint.routed:
        # A page whose route another descriptor owns: inference learns from the owner only,
        # and this page still shows the body it documents.
        schema = _documented_body(endpoint.descriptor.body_parameters)
    if schema is None:
        if request is not None and request.body.kind == "text":
            media = (request.headers.get("Content-Type") or "text/plain").split(";")[0].strip()
            content = Content(media or "text/plain", {"type": "string"}, request.body.text, True)
            return RequestBody(content, required=None)
        return None
    has_file = any(p.schema.get("format") == "binary" for p in endpoint.descriptor.body_parameters)
    media = "multipart/form-data" if has_file else "application/json"
    structured = request is not None and request.body.is_structured
    example = request.body.value if structured and request is not None else None
    return RequestBody(Content(media, schema, example, structured), required=structured)


def _documented_body(parameters: Sequence[DocumentedParameter]) -> JsonSchema:
    """The schema of a request body from its documented parameters alone."""
    properties: dict[str, Any] = {}
    for p in parameters:
        properties[p.name] = (
            dict(p.schema, description=p.description) if p.description else dict(p.schema)
        )
    required = [p.name for p in parameters if p.required]
    schema: JsonSchema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _responses(endpoint: Endpoint, inference: InferenceResult) -> tuple[Response, ...]:
    """The main example's response, then each further example's of another status."""
    main: HttpResponse | None = endpoint.examples.response
    if main is None and not any(parsed.response for _, parsed in endpoint.more):
        return (Response("default", NO_RESPONSE),)
    out: list[Response] = []
    for response in [main, *(parsed.response for _, parsed in endpoint.more)]:
        if response is None or any(r.status == str(response.status) for r in out):
            continue
        found = _response(endpoint, response, inference)
        content = found.content
        if content is not None and content.has_example:
            more = tuple(
                (name, parsed.response.body.value)
                for name, parsed in endpoint.more
                if parsed.response is not None
                and parsed.response is not response
                and parsed.response.status == response.status
                and parsed.response.body.is_structured
                and content.media == "application/json"
            )
            found = replace(found, content=replace(content, more_examples=more))
        out.append(found)
    return tuple(out)


def _response(endpoint: Endpoint, response: HttpResponse, inference: InferenceResult) -> Response:
    body = response.body
    media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    content = None
    if body.is_structured:
        schema = (
            None if response.is_error else inference.roots.get(f"{endpoint.operation_id}.response")
        )
        content = Content(
            "application/json" if not media or "json" in media else media, schema, body.value, True
        )
    elif body.kind == "text":
        content = Content(media or "text/plain", {"type": "string"}, body.text, True)
    return Response(
        str(response.status),
        _reason(response),
        content,
        link_example=response.headers.get("Link") or None,
    )


def _reason(response: HttpResponse) -> str:
    try:
        return http.HTTPStatus(response.status).phrase
    except ValueError:
        return response.reason or "Response"


def _pagination(response: HttpResponse | None) -> Pagination | None:
    if response is None or response.is_error:
        return None
    link = next_link(response)
    if link is None:
        return None
    return Pagination(
        results_parameter="results" if link.param("results") is not None else None,
        cursor_parameter="cursor" if link.param("cursor") is not None else None,
    )


def _server_from_examples(endpoints: Sequence[Endpoint]) -> str:
    hosts: Counter[str] = Counter()
    for endpoint in endpoints:
        request = endpoint.examples.request
        host = request.headers.get("Host") if request is not None else None
        if host and re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?", host):
            hosts[host] += 1
    if not hosts:
        return "/"
    host = sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    local = host.split(":")[0] in ("localhost", "127.0.0.1")
    return f"{'http' if local else 'https'}://{host}"
