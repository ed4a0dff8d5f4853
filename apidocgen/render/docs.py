"""Render Markdown pages and the navigation from the OpenAPI document (and hand-written pages)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import jinja2

from apidocgen.load import Page, Section

X = "x-apidocgen-"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def render_docs(
    openapi: dict[str, Any],
    pages: Sequence[Page],
    sections: Sequence[Section],
    env: jinja2.Environment,
) -> dict[str, str]:
    """Every Markdown page of the site, keyed by path relative to the output folder."""
    env.filters["text"] = escape_text
    files: dict[str, str] = {}
    operations = list(_operations(openapi))
    endpoint_template = env.get_template("docs/endpoint.md.j2")
    for operation in operations:
        files[operation[X + "page"]] = endpoint_template.render(op=operation, openapi=openapi)
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for operation in operations:
        by_tag.setdefault(operation["tags"][0], []).append(operation)
    section_template = env.get_template("docs/section.md.j2")
    for tag in openapi.get("tags", []):
        members = sorted(by_tag.get(tag["name"], []), key=_order)
        files[tag[X + "page"]] = section_template.render(tag=tag, operations=members)
    files["index.md"] = env.get_template("docs/home.md.j2").render(
        openapi=openapi, tags=openapi.get("tags", []), by_tag={k: sorted(v, key=_order) for k, v in by_tag.items()}
    )
    return files


def _operations(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, item in openapi.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                out.append(dict(item[method], **{X + "method": method.upper(), X + "path": path}))
    out.extend(openapi.get(X + "documented-only", []))
    return out


def _order(operation: dict[str, Any]) -> tuple[int, str]:
    return (operation.get(X + "sidebar-order", 10**9), operation["summary"])


def escape_text(value: Any) -> str:
    """Descriptor text shown as text: no HTML from it reaches the page."""
    return html.escape(str(value), quote=True)
