"""Build the API model from a short OpenAPI-shaped dict, for renderer tests.

Renderer tests describe the API they need as OpenAPI (familiar, compact, and close to what
`openapi.json` shows), with the `x-apidocgen-*` keys the generator itself once wrote for what
OpenAPI cannot say. `api_from_document` turns such a dict into the `Api` the renderers read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apidocgen.http import parse_request, parse_response
from apidocgen.load import Page, Section
from apidocgen.model import (
    Api,
    Content,
    Examples,
    Operation,
    Pagination,
    Parameter,
    RequestBody,
    Response,
    Tag,
)

X = "x-apidocgen-"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LIMITS = {"max_body_bytes": 64 * 1024 * 1024, "max_depth": 256}


def api_from_document(
    document: dict[str, Any], pages: Sequence[Page] = (), folders: Sequence[Section] = ()
) -> Api:
    operations = [
        _operation(op, method.upper(), path, routed=True)
        for path, item in (document.get("paths") or {}).items()
        for method in METHODS
        if isinstance((op := item.get(method)), dict)
    ]
    operations += [
        _operation(op, str(op.get(X + "method") or "GET"), op.get(X + "path"), routed=False)
        for op in document.get(X + "documented-only", [])
    ]
    tags = tuple(
        Tag(
            name=str(tag["name"]),
            folder=str(tag.get(X + "section", "")),
            page=str(tag.get(X + "page") or ""),
            description=str(tag.get("description") or ""),
            sidebar_order=tag.get(X + "sidebar-order"),
        )
        for tag in document.get("tags") or []
    )
    components = document.get("components") or {}
    return Api(
        title=str((document.get("info") or {}).get("title") or ""),
        version=str((document.get("info") or {}).get("version") or ""),
        server=str(((document.get("servers") or [{}])[0] or {}).get("url") or "/"),
        tags=tags,
        operations=tuple(operations),
        schemas=dict(components.get("schemas") or {}),
        secured="securitySchemes" in components,
        pages=tuple(pages),
        folders=tuple(folders),
    )


def _operation(op: dict[str, Any], method: str, path: str | None, *, routed: bool) -> Operation:
    examples = op.get(X + "examples") or {}
    request_text = examples.get("request") or ""
    response_text = examples.get("response") or ""
    pagination = op.get(X + "pagination")
    return Operation(
        operation_id=str(op["operationId"]),
        method=method,
        path=path,
        routed=routed,
        summary=str(op.get("summary") or ""),
        description=str(op.get("description") or ""),
        tag=str((op.get("tags") or [""])[0]),
        deprecated=bool(op.get("deprecated")),
        secured=any("bearerAuth" in s for s in op.get("security") or []),
        authentication=op.get(X + "authentication"),
        warning=op.get(X + "warning"),
        parameters=tuple(
            Parameter(
                name=str(p["name"]),
                location=p["in"],
                required=bool(p.get("required")),
                description=str(p.get("description") or ""),
                schema=dict(p.get("schema") or {}),
                type_name=p.get(X + "type"),
            )
            for p in op.get("parameters") or []
        ),
        request_body=_request_body(op.get("requestBody")),
        responses=tuple(
            _response(str(status), response) for status, response in op["responses"].items()
        ),
        source=str(op.get(X + "source") or f"{op['operationId']}.md"),
        page=str(op.get(X + "page") or ""),
        sidebar_order=op.get(X + "sidebar-order"),
        examples=Examples(
            request_text=request_text,
            response_text=response_text,
            request=parse_request(request_text, **LIMITS)[0] if request_text else None,
            response=parse_response(response_text, **LIMITS)[0] if response_text else None,
        ),
        pagination=Pagination(
            results_parameter=pagination.get("results-parameter"),
            cursor_parameter=pagination.get("cursor-parameter"),
        )
        if isinstance(pagination, dict)
        else None,
        python_group=str(op.get(X + "python-group") or ""),
        python_method=str(op.get(X + "python-method") or ""),
    )


def _content(content: dict[str, Any] | None) -> Content | None:
    if not content:
        return None
    media, entry = next(iter(content.items()))
    return Content(media, entry.get("schema"), entry.get("example"), "example" in entry)


def _request_body(body: dict[str, Any] | None) -> RequestBody | None:
    if not isinstance(body, dict):
        return None
    content = _content(body.get("content"))
    if content is None:
        return None
    return RequestBody(content, body.get("required"))


def _response(status: str, response: dict[str, Any]) -> Response:
    link = ((response.get("headers") or {}).get("Link") or {}).get("example")
    return Response(
        status, str(response.get("description") or ""), _content(response.get("content")), link
    )
