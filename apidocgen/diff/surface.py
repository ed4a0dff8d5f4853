"""The surface of an API that its users see, in a form two versions can be compared in.

An operation is known by its method and route (`GET /teams/{}/`: placeholder names do not
matter), and shows: its parameters, the fields of its request and success bodies (nested
fields flattened into paths such as `owner.login`, `items[].id`, `labels.*`), its statuses
and media types, whether it paginates, and, when the API model is at hand, its Python names
and the model classes of its bodies. Prose (descriptions, summaries) is not part of it, so
edits of prose never show as changes; names of inferred schemas are not part of the fields
either, so a schema renamed by inference is a model rename, never fields removed and added.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from apidocgen.model import REF_PREFIX, Api
from apidocgen.paths import route_key

_MAX_DEPTH = 8


@dataclass(frozen=True)
class Field:
    """One field of a body: its JSON types (null aside), format, and whether it may be null
    or left out."""

    types: frozenset[str]
    format: str | None
    nullable: bool
    required: bool
    ref: str | None = None  # the named schema (component) it is, when it is one


@dataclass(frozen=True)
class Body:
    media: str
    fields: dict[str, Field]
    kind: frozenset[str] = frozenset()  # the JSON types of the body itself
    ref: str | None = None  # the named schema it is (or a list of), when it is one
    model: str | None = None  # the Python model class, when the API model is at hand


@dataclass(frozen=True)
class Parameter:
    required: bool
    types: frozenset[str]
    format: str | None


@dataclass
class Operation:
    """One operation as its users see it."""

    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    deprecated: bool
    parameters: dict[tuple[str, str], Parameter] = field(default_factory=dict)
    request: Body | None = None
    success_status: str | None = None
    success: Body | None = None
    paginated: bool = False
    python: tuple[str, str] | None = None  # (section attribute, method name)
    source: str | None = None
    lines: tuple[tuple[str, int], ...] = ()
    acknowledged: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, route_key(self.path))

    def line_of(self, name: str) -> int:
        return next((line for key, line in self.lines if key == name), 2)


@dataclass
class Surface:
    """Every operation, by (method, route); the API-wide acknowledgements."""

    operations: dict[tuple[str, str], Operation]
    acknowledged: tuple[str, ...] = ()
    has_python_names: bool = False


def surface_of_document(document: dict[str, Any]) -> Surface:
    """The surface an OpenAPI document shows (no Python names: it does not carry them)."""
    components = (document.get("components") or {}).get("schemas") or {}
    operations: dict[tuple[str, str], Operation] = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if not isinstance(op, dict) or method.startswith("x-") or method == "parameters":
                continue
            surface = _document_operation(method.upper(), str(path), op, components)
            operations[surface.key] = surface
    return Surface(operations)


def surface_of_api(api: Api) -> Surface:
    """The surface of the API model, with Python names, model classes and descriptor lines."""
    from apidocgen.render.model_plan import plan_models
    from apidocgen.render.openapi import openapi_document
    from apidocgen.render.python_api import build_groups

    surface = surface_of_document(openapi_document(api))
    plan = plan_models(api)
    names = {
        (view.http_method, route_key(view.path)): (group.attribute, view.name)
        for group in build_groups(api, plan.operations)
        for view in group.operations
    }
    acknowledged: list[str] = []
    for op in api.operations:
        acknowledged.extend(op.acknowledged)
        found = surface.operations.get((op.method, route_key(op.path or "")))
        if found is None or not op.routed:
            continue
        found.python = names.get(found.key)
        found.source = op.source
        found.lines = op.lines
        found.acknowledged = op.acknowledged
        types = plan.operations.get(op.operation_id)
        if types is not None and found.request is not None and types.request is not None:
            found.request = replace(found.request, model=types.request.model)
        if types is not None and found.success is not None and types.response is not None:
            found.success = replace(found.success, model=types.response.model)
    surface.acknowledged = tuple(acknowledged)
    surface.has_python_names = True
    return surface


def _document_operation(
    method: str, path: str, op: dict[str, Any], components: dict[str, Any]
) -> Operation:
    surface = Operation(
        method=method,
        path=path,
        operation_id=str(op.get("operationId") or ""),
        summary=str(op.get("summary") or ""),
        tag=str((op.get("tags") or [""])[0]),
        deprecated=bool(op.get("deprecated")),
        source=op.get("x-apidocgen-source"),
        paginated="x-apidocgen-pagination" in op,
    )
    for parameter in op.get("parameters") or []:
        if not isinstance(parameter, dict):
            continue
        schema = _resolve(parameter.get("schema") or {}, components)
        types, nullable = _types(schema)
        surface.parameters[(str(parameter.get("in")), str(parameter.get("name")))] = Parameter(
            bool(parameter.get("required")), types, schema.get("format")
        )
    body = op.get("requestBody")
    if isinstance(body, dict):
        surface.request = _body(body.get("content"), components)
    responses = op.get("responses") or {}
    for status, response in responses.items():
        if str(status)[:1] in ("2", "3") and isinstance(response, dict):
            surface.success_status = str(status)
            surface.success = _body(response.get("content"), components)
            if "Link" in (response.get("headers") or {}):
                surface.paginated = True
            break
    return surface


def _body(content: Any, components: dict[str, Any]) -> Body | None:
    if not isinstance(content, dict) or not content:
        return None
    media, entry = next(iter(content.items()))
    schema = entry.get("schema") if isinstance(entry, dict) else None
    fields: dict[str, Field] = {}
    ref, kind = None, frozenset[str]()
    if isinstance(schema, dict):
        _flatten(schema, components, "", fields, 0, ())
        resolved = _resolve(schema, components)
        kind = _types(resolved)[0]
        items = resolved.get("items") if "$ref" not in schema else None
        ref = _ref_name(schema) or (_ref_name(items) if isinstance(items, dict) else None)
    return Body(str(media), fields, kind, ref)


def _resolve(schema: Any, components: dict[str, Any]) -> dict[str, Any]:
    seen: set[str] = set()
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if not ref.startswith(REF_PREFIX) or ref in seen:
            return {}
        seen.add(ref)
        schema = components.get(ref[len(REF_PREFIX) :], {})
    return schema if isinstance(schema, dict) else {}


def _ref_name(schema: dict[str, Any]) -> str | None:
    """The component a schema refers to, directly or as the one non-null member."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(REF_PREFIX):
        return ref[len(REF_PREFIX) :]
    members = [
        m
        for key in ("anyOf", "oneOf")
        for m in schema.get(key) or []
        if isinstance(m, dict) and m.get("type") != "null"
    ]
    return _ref_name(members[0]) if len(members) == 1 else None


def _types(schema: dict[str, Any]) -> tuple[frozenset[str], bool]:
    """The JSON types a schema admits (null aside), and whether it admits null."""
    found: set[str] = set()
    nullable = False
    declared = schema.get("type")
    for name in declared if isinstance(declared, list) else [declared] if declared else []:
        if name == "null":
            nullable = True
        elif isinstance(name, str):
            found.add(name)
    for key in ("anyOf", "oneOf"):
        for member in schema.get(key) or []:
            if isinstance(member, dict) and member.get("type") == "null":
                nullable = True
            elif isinstance(member, dict):
                found.add("object" if "$ref" in member else str(member.get("type") or "any"))
    if not found and not declared and "properties" in schema:
        found.add("object")
    return frozenset(found), nullable


def _flatten(
    schema: dict[str, Any],
    components: dict[str, Any],
    prefix: str,
    out: dict[str, Field],
    depth: int,
    refs: tuple[str, ...],
) -> None:
    """Record the fields under `schema` at `prefix`. A schema that refers back to one being
    flattened is not entered again; nor is anything nested past `_MAX_DEPTH`."""
    if depth > _MAX_DEPTH:
        return
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in refs:
            return
        refs = (*refs, ref)
    resolved = _resolve(schema, components)
    for key in ("anyOf", "oneOf", "allOf"):
        for member in resolved.get(key) or []:
            if isinstance(member, dict) and member.get("type") != "null":
                _flatten(member, components, prefix, out, depth, refs)
    required = set(resolved.get("required") or [])
    for name, sub in (resolved.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        path = f"{prefix}.{name}" if prefix else str(name)
        sub_resolved = _resolve(sub, components)
        types, nullable = _types(sub_resolved)
        out[path] = Field(
            types, sub_resolved.get("format"), nullable, name in required, _ref_name(sub)
        )
        _flatten(sub, components, path, out, depth + 1, refs)
    items = resolved.get("items")
    if isinstance(items, dict):
        _flatten(items, components, f"{prefix}[]", out, depth + 1, refs)
    values = resolved.get("additionalProperties")
    if isinstance(values, dict) and not resolved.get("properties"):
        _flatten(values, components, f"{prefix}.*" if prefix else "*", out, depth + 1, refs)
