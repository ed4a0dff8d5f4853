"""Endpoint pages of the older hand-written format read as the endpoints they describe."""

from __future__ import annotations

from pathlib import Path

from apidocgen.load import Descriptor, Page, load_input

LIMITS = {"max_descriptor_bytes": 10 * 1024 * 1024, "max_depth": 64}
TABLE = (
    '<table class="table"><tbody valign="top">'
    "<tr><th>Query Parameters:</th><td><strong>id</strong> (<em>int</em>) – the "
    '<code class="docutils literal">&quot;id&quot;</code> to remove.</td></tr>'
    "<tr><th>Path Parameters:</th><td><ul>"
    "<li><strong>org</strong> (<em>string</em>) – the <cite>organization</cite>.</li>"
    "<li><strong>project</strong> (<em>string</em>) – the project.</li></ul></td></tr>"
    "<tr><th>Parameters:</th><td><ul><li><strong>name</strong> (<em>string</em>) – the name."
    "</li></ul></td></tr>"
    "<tr><th>Authentication:</th><td>required</td></tr>"
    "<tr><th>Method:</th><td>PUT</td></tr>"
    "<tr><th>Path:</th><td>/api/0/projects/<em>{org}</em>/<em>{project}</em>/</td></tr>"
    "</tbody></table>"
)
PAGE = f"""---
title: 'Update a Project'
sidebar_order: 3
---

PUT /api/0/projects/_{{org}}_/_{{project}}_/

: Update a project. The _id_ query parameter is repeated.

  Only some fields can change.

  {TABLE}

## Example

```http
PUT /api/0/projects/acme/pump/?id=1 HTTP/1.1
Host: app.getsentry.com
Content-Type: application/json

{{"name": "Pump"}}
```

```http
HTTP/1.1 200 OK
Content-Type: application/json

{{"name": "Pump", "slug": "pump"}}
```
"""


def load_page(folder: Path, text: str, name: str = "projects/put-project.md"):  # type: ignore[no-untyped-def]
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_input(folder, display_root="in", **LIMITS)


def test_an_older_endpoint_page_is_an_endpoint(tmp_path: Path) -> None:
    result = load_page(tmp_path, PAGE)
    assert [d.format() for d in result.diagnostics] == []
    assert result.pages == ()
    [endpoint] = result.descriptors
    assert isinstance(endpoint, Descriptor)
    assert (endpoint.method, endpoint.api_path) == ("PUT", "/api/0/projects/{org}/{project}/")
    assert (endpoint.title, endpoint.sidebar_order) == ("Update a Project", 3)
    assert endpoint.description == (
        "Update a project. The _id_ query parameter is repeated.\n\nOnly some fields can change."
    )
    assert [(p.name, p.type, p.description) for p in endpoint.path_parameters] == [
        ("org", "string", "the *organization*."),
        ("project", "string", "the project."),
    ]
    assert [(p.name, p.type, p.description) for p in endpoint.query_parameters] == [
        ("id", "int", 'the `"id"` to remove.')
    ]
    assert [p.name for p in endpoint.body_parameters] == ["name"]
    assert endpoint.authentication == "required"
    assert endpoint.example_request.startswith("PUT /api/0/projects/acme/pump/?id=1 HTTP/1.1\n")
    assert endpoint.example_response.endswith('{"name": "Pump", "slug": "pump"}')
    assert endpoint.line_of("api_path") == 6 and endpoint.line_of("example_response") == 24


def test_what_the_format_does_not_have_is_kept_with_a_warning(tmp_path: Path) -> None:
    odd = (
        PAGE.replace(
            "<tr><th>Method:</th><td>PUT</td></tr>", "<tr><th>Method:</th><td>POST</td></tr>"
        )
        .replace(
            "<tr><th>Authentication:</th>",
            "<tr><th>Rate Limit:</th><td>10 per <em>minute</em></td></tr><tr><th>Authentication:</th>",
        )
        .replace(
            "<li><strong>project</strong>", "<li>project, a string</li><li><strong>project</strong>"
        )
        + "\nA closing remark.\n"
    )
    result = load_page(tmp_path, odd)
    assert [d.format() for d in result.diagnostics] == [
        "in/projects/put-project.md:12:1: warning: path parameters entry 'project, a string' is"
        " not '<name> (<type>) – <description>'; left out",
        "in/projects/put-project.md:12:1: warning: table row 'Rate Limit' is not one the older"
        " endpoint page format has; kept in the description",
        "in/projects/put-project.md:12:1: warning: the table's method 'POST' differs from the"
        " route line's 'PUT'; the route line is used",
        "in/projects/put-project.md:31:1: warning: text the older endpoint page format does not"
        " have (A closing remark.); kept in the description",
    ]
    [endpoint] = result.descriptors
    assert endpoint.method == "PUT"
    assert "**Rate Limit:** 10 per *minute*" in endpoint.description
    assert endpoint.description.endswith("A closing remark.")


def test_a_page_without_a_route_line_stays_a_page(tmp_path: Path) -> None:
    text = "---\ntitle: Guide\n---\n\nGET requests are safe.\n\nPUT /x/ is how you update.\n"
    result = load_page(tmp_path, text, "guide.md")
    assert result.descriptors == () and isinstance(result.pages[0], Page)


def test_the_sentry_corpus_older_pages(sentry_corpus: Path) -> None:
    result = load_input(sentry_corpus, **LIMITS)
    by_source = {d.source: d for d in result.descriptors}
    bulk = by_source["events/put-project-group-index.md"]
    assert [p.name for p in bulk.query_parameters] == ["id", "status"]
    assert [p.name for p in bulk.body_parameters][:3] == ["status", "ignoreDuration", "isPublic"]
    assert '"isPublic": false' in bulk.example_request and bulk.example_response.startswith(
        "HTTP/1.1 200 OK"
    )
    deploys = by_source["releases/get-release-deploys.md"]
    assert (
        deploys.api_path == "/api/0/organizations/{organization_slug}/releases/{version}/deploys/"
    )
    assert deploys.description == "Return a list of deploys for a given release."
