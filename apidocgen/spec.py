"""Stage 4, spec: descriptors, parsed examples and inferred schemas -> one OpenAPI 3.1 document.

The document is the single contract between inference and every renderer. Standard fields
carry what OpenAPI can say; `x-apidocgen-*` extensions carry the rest (the raw examples for
the docs, the sidebar order, the names the Python client uses, where a page goes).
"""

from __future__ import annotations

import hashlib
import http
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apidocgen import __version__
from apidocgen.http import HttpRequest, HttpResponse, ParsedExamples, next_link
from apidocgen.infer import BodySample, DocumentedField, InferenceResult
from apidocgen.load import Descriptor, Parameter, Section, path_template_names
from apidocgen.naming import slug, snake_identifier

X = "x-apidocgen-"
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
_METHOD_ORDER = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Endpoint:
    """A descriptor with its parsed examples and the names the outputs use for it."""

    descriptor: Descriptor
    examples: ParsedExamples
    operation_id: str
    routed: bool  # False: documented only (no api_path, or another file owns the route)


def assign_operation_ids(
    descriptors: Sequence[Descriptor], examples: Sequence[ParsedExamples]
) -> tuple[Endpoint, ...]:
    """Stable operation ids from file names; a section prefix only where stems collide."""
    stems = Counter(snake_identifier(d.stem, fallback="operation") for d in descriptors)
    taken: set[str] = set()
    routes: set[tuple[str, str]] = set()
    out = []
    for descriptor, parsed in zip(descriptors, examples, strict=True):
        base = snake_identifier(descriptor.stem, fallback="operation")
        if stems[base] > 1:
            base = snake_identifier(f"{descriptor.section} {descriptor.stem}", fallback="operation")
        operation_id = base
        if operation_id in taken:
            # Same section and stem after normalisation (e.g. `a-b.md` and `a_b.md`).
            operation_id = snake_identifier(f"{descriptor.source}", fallback="operation")
        if operation_id in taken:
            # Sources that differ only in punctuation: the source path's digest tells them
            # apart, and stays the same whatever else is added.
            operation_id = f"{base}_{_short_digest(descriptor.source)}"
        taken.add(operation_id)
        routed = descriptor.api_path is not None
        if routed:
            route = (descriptor.method, re.sub(r"\{[^{}]*\}", "{}", descriptor.api_path or ""))
            routed = route not in routes
            routes.add(route)
        out.append(Endpoint(descriptor, parsed, operation_id, routed))
    return tuple(out)


def body_samples(endpoints: Sequence[Endpoint], sections: Sequence[Section]) -> list[BodySample]:
    """The example bodies that inference learns from: success responses and request bodies."""
    titles = {s.path: s.title for s in sections}
    samples: list[BodySample] = []
    for endpoint in endpoints:
        d = endpoint.descriptor
        if not endpoint.routed:
            continue
        section = titles.get(d.section, d.section)
        common: dict[str, Any] = dict(
            operation_id=endpoint.operation_id,
            title=d.title,
            api_path=d.api_path or "",
            method=d.method,
            section=section,
        )
        response = endpoint.examples.response
        if response is not None and not response.is_error and response.body.is_structured:
            samples.append(
                BodySample(
                    key=f"{endpoint.operation_id}.response",
                    role="response",
                    value=response.body.value,
                    **common,
                )
            )
        request = endpoint.examples.request
        documented = tuple(
            DocumentedField(p.name, p.schema, p.description, p.required) for p in d.body_parameters
        )
        has_body = request is not None and request.body.is_structured
        if has_body or documented:
            value = request.body.value if has_body and request is not None else {}
            samples.append(
                BodySample(
                    key=f"{endpoint.operation_id}.request",
                    role="request",
                    value=value,
                    documented=documented,
                    **common,
                )
            )
    return samples


def build_openapi(
    endpoints: Sequence[Endpoint],
    sections: Sequence[Section],
    inference: InferenceResult,
    *,
    title: str,
    version: str,
    base_url: str | None,
) -> dict[str, Any]:
    """Assemble the OpenAPI 3.1 document (plain JSON data, deterministic key order)."""
    tags, tag_of = _tags(sections, endpoints)
    paths: dict[str, dict[str, Any]] = {}
    pages_only: list[dict[str, Any]] = []
    groups = _python_names(endpoints, tag_of)
    any_auth = False
    # Section index pages and the home page are taken before any endpoint page.
    pages_taken = {"index.md"} | {t[X + "page"] for t in tags}
    for endpoint in endpoints:
        d = endpoint.descriptor
        operation = _operation(
            endpoint, tag_of[d.section], groups[endpoint.operation_id], inference, pages_taken
        )
        any_auth = any_auth or d.requires_auth
        if endpoint.routed and d.api_path is not None:
            paths.setdefault(d.api_path, {})[d.method.lower()] = operation
        else:
            operation[X + "method"] = d.method
            operation[X + "path"] = d.api_path
            pages_only.append(operation)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, X + "generator": f"apidocgen {__version__}"},
        "servers": [{"url": base_url or _server_from_examples(endpoints)}],
        "tags": tags,
        "paths": {p: _ordered_methods(paths[p]) for p in sorted(paths)},
        "components": {
            "schemas": {name: inference.components[name] for name in sorted(inference.components)},
        },
    }
    if any_auth:
        document["components"]["securitySchemes"] = {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token sent as `Authorization: Bearer <token>`.",
            }
        }
    if pages_only:
        document[X + "documented-only"] = sorted(pages_only, key=lambda o: o["operationId"])
    return document


def _ordered_methods(item: dict[str, Any]) -> dict[str, Any]:
    return {m: item[m] for m in sorted(item, key=_METHOD_ORDER.index)}


def _tags(
    sections: Sequence[Section], endpoints: Sequence[Endpoint]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    used = {e.descriptor.section for e in endpoints}
    by_path = {s.path: s for s in sections}
    tags: list[dict[str, Any]] = []
    tag_of: dict[str, str] = {}
    names: Counter[str] = Counter()
    for path in sorted(used):
        section = by_path.get(path)
        name = (section.title if section else "") or path.rpartition("/")[2] or "General"
        names[name] += 1
        if names[name] > 1:
            name = f"{name} ({path})"
        tag_of[path] = name
        tag: dict[str, Any] = {"name": name}
        if section and section.intro:
            tag["description"] = section.intro
        tag[X + "section"] = path
        tag[X + "page"] = (
            "/".join(slug(part) for part in path.split("/")) + "/index.md" if path else "index.md"
        )
        if section and section.sidebar_order is not None:
            tag[X + "sidebar-order"] = section.sidebar_order
        tags.append(tag)
    tags.sort(key=lambda t: (t.get(X + "sidebar-order", 10**9), t["name"]))
    return tags, tag_of


def _python_names(
    endpoints: Sequence[Endpoint], tag_of: dict[str, str]
) -> dict[str, tuple[str, str]]:
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
) -> dict[str, Any]:
    d = endpoint.descriptor
    op: dict[str, Any] = {"operationId": endpoint.operation_id, "summary": d.title}
    if d.description:
        op["description"] = d.description
    op["tags"] = [tag]
    if d.warning and "deprecat" in d.warning.lower():
        op["deprecated"] = True
    op["security"] = [{"bearerAuth": []}] if d.requires_auth else []
    parameters = _path_parameters(d) + [_parameter(p) for p in d.query_parameters]
    if parameters:
        op["parameters"] = parameters
    request_body = _request_body(endpoint, inference)
    if request_body:
        op["requestBody"] = request_body
    op["responses"] = _responses(endpoint, inference)
    op[X + "source"] = d.source
    op[X + "page"] = _page_path(d, pages_taken)
    if d.sidebar_order is not None:
        op[X + "sidebar-order"] = d.sidebar_order
    if d.authentication:
        op[X + "authentication"] = d.authentication
    if d.warning:
        op[X + "warning"] = d.warning
    op[X + "python-group"], op[X + "python-method"] = python
    examples: dict[str, str] = {}
    if d.example_request.strip():
        examples["request"] = _normalise_newlines(d.example_request)
    if d.example_response.strip():
        examples["response"] = _normalise_newlines(d.example_response)
    if examples:
        op[X + "examples"] = examples
    pagination = _pagination(endpoint.examples.response)
    if pagination:
        op[X + "pagination"] = pagination
    return op


def _page_path(d: Descriptor, taken: set[str]) -> str:
    """Where the endpoint's page goes: its section folder and file name, made safe; a digest
    of the source path tells apart names that slug alike (`a-b.md`, `a_b.md`)."""
    parts = [slug(p) for p in d.section.split("/")] if d.section else []
    stem = slug(d.stem)
    if stem == "index":
        stem = "index-endpoint"
    path = "/".join([*parts, stem + ".md"])
    if path in taken:
        path = "/".join([*parts, f"{stem}-{_short_digest(d.source)}.md"])
    taken.add(path)
    return path


def _short_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _path_parameters(d: Descriptor) -> list[dict[str, Any]]:
    """Every placeholder of the path, in path order; undocumented ones as plain strings
    (OpenAPI requires each to be declared; load warned about the missing documentation)."""
    documented = {p.name: p for p in d.path_parameters}
    out = []
    for name in path_template_names(d.api_path or ""):
        if name in documented:
            out.append(_parameter(documented[name]))
        else:
            out.append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
    return out


def _parameter(p: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "in": p.location, "required": p.required}
    if p.description:
        out["description"] = p.description
    schema = dict(p.schema)
    if p.location == "query" and schema.get("type") == "array":
        out["explode"] = True
    out["schema"] = schema
    if p.type:
        out[X + "type"] = p.type
    return out


def _request_body(endpoint: Endpoint, inference: InferenceResult) -> dict[str, Any] | None:
    schema = inference.roots.get(f"{endpoint.operation_id}.request")
    request: HttpRequest | None = endpoint.examples.request
    if schema is None:
        if request is not None and request.body.kind == "text":
            media = (request.headers.get("Content-Type") or "text/plain").split(";")[0].strip()
            return {
                "content": {
                    media or "text/plain": {
                        "schema": {"type": "string"},
                        "example": request.body.text,
                    }
                }
            }
        return None
    has_file = any(p.schema.get("format") == "binary" for p in endpoint.descriptor.body_parameters)
    media = "multipart/form-data" if has_file else "application/json"
    content: dict[str, Any] = {"schema": schema}
    if request is not None and request.body.is_structured:
        content["example"] = request.body.value
    return {
        "required": request is not None and request.body.is_structured,
        "content": {media: content},
    }


def _responses(endpoint: Endpoint, inference: InferenceResult) -> dict[str, Any]:
    response: HttpResponse | None = endpoint.examples.response
    if response is None:
        return {"default": {"description": "No example response was documented."}}
    description = _reason(response)
    out: dict[str, Any] = {"description": description}
    headers: dict[str, Any] = {}
    link = response.headers.get("Link")
    if link:
        headers["Link"] = {
            "description": 'Pagination links (RFC 8288): follow `rel="next"` for the next page.',
            "schema": {"type": "string"},
            "example": link,
        }
    if headers:
        out["headers"] = headers
    body = response.body
    media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if body.is_structured:
        content: dict[str, Any] = {}
        schema = (
            None if response.is_error else inference.roots.get(f"{endpoint.operation_id}.response")
        )
        if schema is not None:
            content["schema"] = schema
        content["example"] = body.value
        out["content"] = {"application/json" if not media or "json" in media else media: content}
    elif body.kind == "text":
        out["content"] = {
            media or "text/plain": {"schema": {"type": "string"}, "example": body.text}
        }
    return {str(response.status): out}


def _reason(response: HttpResponse) -> str:
    try:
        standard = http.HTTPStatus(response.status).phrase
    except ValueError:
        standard = response.reason or "Response"
    return standard


def _pagination(response: HttpResponse | None) -> dict[str, Any] | None:
    if response is None or response.is_error:
        return None
    link = next_link(response)
    if link is None:
        return None
    out: dict[str, Any] = {"style": "link-header", "rel": "next"}
    if link.param("results") is not None:
        out["results-parameter"] = "results"
    if link.param("cursor") is not None:
        out["cursor-parameter"] = "cursor"
    return out


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
