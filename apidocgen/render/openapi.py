"""Render the API model as an OpenAPI 3.1 document (`openapi.json`), for the API's users and
their tools.

Standard fields say what OpenAPI can say; the document carries nothing only the renderers
need (they read the model). Three extensions say what OpenAPI cannot (see the README,
"openapi.json"): `info.x-apidocgen-generator` (what made the document), and on each operation
`x-apidocgen-source` (the descriptor it comes from, relative to the input folder) and
`x-apidocgen-pagination` (how to reach the next page). Operations documented without a route
of their own (no path, or a route another descriptor owns) are pages of the site only.
"""

from __future__ import annotations

from typing import Any

import orjson

from apidocgen import __version__
from apidocgen.model import Api, Content, Operation, Parameter, RequestBody, Response

X = "x-apidocgen-"
# Examples whose JSON is longer than this are written on one line in openapi.json: indented,
# a 50 MB body of numbers would be 600 MB of text.
LARGE_EXAMPLE_BYTES = 256 * 1024


def openapi_document(api: Api) -> dict[str, Any]:
    """The document as JSON data, keys in the order they are written."""
    paths: dict[str, dict[str, Any]] = {}
    for op in api.routed:
        paths.setdefault(op.path or "/", {})[op.method.lower()] = _operation(op)
    tags = []
    for tag in api.tags:
        entry: dict[str, Any] = {"name": tag.name}
        if tag.description:
            entry["description"] = tag.description
        tags.append(entry)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": api.version, X + "generator": _generator()},
        "servers": [{"url": api.server}],
        "tags": tags,
        "paths": paths,
        "components": {"schemas": dict(api.schemas)},
    }
    if api.secured:
        document["components"]["securitySchemes"] = {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token sent as `Authorization: Bearer <token>`.",
            }
        }
    return document


def _generator() -> str:
    return f"apidocgen {__version__}"


def _operation(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
    if op.description:
        out["description"] = op.description
    out["tags"] = [op.tag]
    if op.deprecated:
        out["deprecated"] = True
    out["security"] = [{"bearerAuth": []}] if op.secured else []
    if op.parameters:
        out["parameters"] = [_parameter(p) for p in op.parameters]
    if op.request_body is not None:
        out["requestBody"] = _request_body(op.request_body)
    out["responses"] = {r.status: _response(r) for r in op.responses}
    out[X + "source"] = op.source
    if op.pagination is not None:
        pagination: dict[str, Any] = {"style": op.pagination.style, "rel": op.pagination.rel}
        if op.pagination.results_parameter:
            pagination["results-parameter"] = op.pagination.results_parameter
        if op.pagination.cursor_parameter:
            pagination["cursor-parameter"] = op.pagination.cursor_parameter
        out[X + "pagination"] = pagination
    return out


def _parameter(p: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "in": p.location, "required": p.required}
    if p.description:
        out["description"] = p.description
    if p.location == "query" and p.schema.get("type") == "array":
        out["explode"] = True
    out["schema"] = dict(p.schema)
    return out


def _content(content: Content) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if content.schema is not None:
        out["schema"] = content.schema
    if content.has_example and content.more_examples:
        named = {"example": content.example, **dict(content.more_examples)}
        out["examples"] = {name: {"value": value} for name, value in named.items()}
    elif content.has_example:
        out["example"] = content.example
    return {content.media: out}


def _request_body(body: RequestBody) -> dict[str, Any]:
    if body.required is None:
        return {"content": _content(body.content)}
    return {"required": body.required, "content": _content(body.content)}


def _response(response: Response) -> dict[str, Any]:
    out: dict[str, Any] = {"description": response.description}
    if response.link_example:
        out["headers"] = {
            "Link": {
                "description": 'Pagination links (RFC 8288): follow `rel="next"` for the next page.',
                "schema": {"type": "string"},
                "example": response.link_example,
            }
        }
    if response.content is not None:
        out["content"] = _content(response.content)
    return out


def dump_openapi(openapi: dict[str, Any]) -> str:
    """openapi.json text: two-space indent, key order as built, UTF-8, final newline; large
    examples (`LARGE_EXAMPLE_BYTES`) compact on one line."""
    large: dict[str, bytes] = {}
    document = _large_examples_out(openapi, large)
    try:
        options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
        text = orjson.dumps(document, option=options)
        for placeholder, compact in large.items():
            text = text.replace(orjson.dumps(placeholder), compact, 1)
        return text.decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        # Integers beyond 64 bits (valid JSON in an example) are out of orjson's range.
        import json

        return json.dumps(openapi, indent=2, ensure_ascii=False) + "\n"


_EXAMPLE_OBJECT, _EXAMPLE_VALUE = "\x00example object", "\x00example value"


def _large_examples_out(value: Any, large: dict[str, bytes], key: str = "") -> Any:
    """`value` with each large structured `example` replaced by a placeholder string (its
    compact JSON in `large`); containers are copied only along the way to one."""
    if key in ("example", _EXAMPLE_VALUE) and isinstance(value, dict | list):
        try:
            compact = orjson.dumps(value)
        except (TypeError, orjson.JSONEncodeError):
            return value  # out of orjson's range: the whole document takes the slow path
        if len(compact) <= LARGE_EXAMPLE_BYTES:
            return value
        # NUL cannot stand unescaped in JSON text: the placeholder cannot be found elsewhere.
        placeholder = f"\x00apidocgen large example {len(large)}\x00"
        large[placeholder] = compact
        return placeholder
    if isinstance(value, dict):
        # The values of an `examples` map are Example Objects, whose `value` is an example.
        keys = {k: _EXAMPLE_OBJECT if key == "examples" else str(k) for k in value}
        if key == _EXAMPLE_OBJECT:
            keys = {k: _EXAMPLE_VALUE if k == "value" else str(k) for k in value}
        changed = {k: _large_examples_out(v, large, keys[k]) for k, v in value.items()}
        return value if all(changed[k] is value[k] for k in value) else changed
    if isinstance(value, list):
        items = [_large_examples_out(v, large) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value
