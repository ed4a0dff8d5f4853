"""The docs renderer: page content, safety of untrusted text, links, paths and navigation.

Most tests render a small OpenAPI document written here (so they do not depend on how other
stages evolve) and turn the Markdown into HTML with the extensions the site uses.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
from mkdocs.utils.meta import get_data

from apidocgen import __version__
from apidocgen.config import Config, load_config
from apidocgen.load import Page, Section
from apidocgen.pipeline import run
from apidocgen.render.docs import (
    CODE_BLOCK_MARK,
    NAV_FILE,
    LinkTargets,
    MarkdownContext,
    code_block,
    code_span,
    plain_text,
    render_docs,
    resource_groups,
    safe_markdown,
)
from apidocgen.render.templates import template_environment
from tests.api_documents import api_from_document
from tests.conftest import write_descriptor

ROOT = Path(__file__).resolve().parents[1]
X = "x-apidocgen-"
HOSTILE = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1">'

EXTENSIONS = [
    "admonition",
    "tables",
    "attr_list",
    "md_in_html",
    "toc",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.superfences",
    "pymdownx.tabbed",
]


def to_html(text: str) -> str:
    """Markdown to HTML as the site renders it (front matter is mkdocs' to read)."""
    md = markdown.Markdown(
        extensions=EXTENSIONS, extension_configs={"pymdownx.tabbed": {"alternate_style": True}}
    )
    return md.convert(get_data(text)[0])


class TagCollector(HTMLParser):
    """Every start tag with its attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def collect(html: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(html)
    return collector


def assert_inert(html: str) -> None:
    """No script, no event handler, no dangerous URL in the HTML."""
    found = collect(html)
    for tag, attrs in found.tags:
        assert tag not in ("script", "iframe", "object", "embed", "style"), (tag, attrs)
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name, value)
            if name in ("href", "src") and value:
                compact = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not compact.startswith(("javascript:", "vbscript:", "data:")), value


def operation(**overrides: Any) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": "get_thing",
        "summary": "Retrieve a Thing",
        "description": "Returns **one** thing.",
        "tags": ["Things"],
        "security": [{"bearerAuth": []}],
        "parameters": [
            {
                "name": "thing_id",
                "in": "path",
                "required": True,
                "description": "the thing's id",
                "schema": {"type": "string"},
            },
            {
                "name": "expand",
                "in": "query",
                "required": False,
                "description": "fields to expand",
                "schema": {"type": "boolean"},
            },
        ],
        "responses": {
            "200": {
                "description": "OK",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Thing"},
                        "example": {
                            "id": "7",
                            "owner": {"name": "ann"},
                            "tags": {"a": 1},
                            "note": None,
                        },
                    }
                },
            }
        },
        X + "source": "things/get-thing.md",
        X + "page": "things/get-thing.md",
        X + "sidebar-order": 2,
        X + "authentication": "required",
        X + "python-group": "things",
        X + "python-method": "retrieve_thing",
        X + "examples": {
            "request": "GET /api/things/7/?expand=true HTTP/1.1\nHost: api.example.org\nAuthorization: Bearer TOKEN",
            "response": 'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{"id": "7"}',
        },
    }
    op.update(overrides)
    return op


def document(*ops: dict[str, Any], components: dict[str, Any] | None = None) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for index, op in enumerate(ops):
        suffix = f"{index}/" if index else ""
        paths.setdefault(f"/api/things/{{thing_id}}/{suffix}", {})["get"] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Thing API", "version": "1.0"},
        "servers": [{"url": "https://api.example.org"}],
        "tags": [
            {
                "name": "Things",
                "description": "All about things. See [the guide]({% link docs/api/guide.md %}).",
                X + "section": "things",
                X + "page": "things/index.md",
                X + "sidebar-order": 1,
            }
        ],
        "paths": paths,
        "components": {
            "schemas": components
            if components is not None
            else {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                        "tags": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "note": {"type": ["string", "null"], "format": "date-time"},
                        "either": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                        "gone": {"type": "null"},
                        "mixed": {"type": ["string", "integer", "null"]},
                        "maybe_owner": {
                            "anyOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}]
                        },
                    },
                    "required": ["id"],
                },
                "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
            }
        },
    }


SECTIONS = (
    Section("", "Thing API", "Welcome.", None, "index.md"),
    Section("things", "Things", "All about things.", 1, "things/index.md"),
)
PAGES = (
    Page("index.md", "", "index", "d0", "Thing API", None, "Welcome."),
    Page("things/index.md", "things", "index", "d1", "Things", 1, "All about things."),
    Page(
        "guide.md",
        "",
        "guide",
        "d2",
        "Guide",
        3,
        "A guide. Go to [the thing]({%- link docs/api/things/get-thing.md -%}).",
    ),
)


def render(
    doc: dict[str, Any],
    pages: tuple[Page, ...] = PAGES,
    sections: tuple[Section, ...] = SECTIONS,
    config: Config | None = None,
) -> dict[str, str]:
    return render_docs(
        api_from_document(doc, pages, sections),
        template_environment(),
        config=config or Config(package="thing_client", token_env="THING_TOKEN"),
    )


# ---- the seed descriptor, through the real pipeline ------------------------------------------


@pytest.fixture(scope="module")
def seed_files() -> dict[str, str]:
    config, problems = load_config(ROOT / "pyproject.toml")
    assert not problems
    config = replace(config, input=ROOT / "api-docs")
    result = run(config)
    assert not result.failed, [d.format() for d in result.diagnostics]
    assert result.api is not None
    return render_docs(result.api, template_environment(), config=config)


def test_seed_endpoint_page_has_every_part(seed_files: dict[str, str]) -> None:
    page = seed_files["events/get-group-events.md"]
    front, _, body = page.removeprefix("---\n").partition("\n---\n")
    assert front == "hide:\n  - toc\nstatus: method-get"  # room for the columns; the nav pill
    assert body.startswith(f"<!-- Generated by apidocgen {__version__}.")
    assert "# List an Issue's Events" in page
    assert (
        "apidocgen-method-get" in page
        and '<code class="apidocgen-path">/api/<wbr>0/<wbr>issues/<wbr>{issue_id}/<wbr>events/</code>'
        in page
    )
    assert "| `issue_id` | string | yes | the ID of the issue to retrieve. |" in page
    for label in ('=== "HTTP"', '=== "curl"', '=== "Python"'):
        assert label in page
    assert 'curl "${SENTRY_API_BASE_URL:-https://sentry.io}/api/0/issues/1/events/"' in page
    assert '-H "Authorization: Bearer $SENTRY_API_TOKEN"' in page
    assert "from sentry_api import Client" in page
    assert "    with Client() as client:" in page
    assert 'result = client.events.list_issue_events(issue_id="1")' in page
    assert '!!! info "Pagination"' in page
    assert "HTTP/1.1 200 OK" in page and "Response 200 OK, application/json (604 lines)" in page
    assert '<label class="apidocgen-more-label" for="apidocgen-response-1">' in page
    assert (
        "## Response fields" in page
        and '<td><code class="apidocgen-path">dateCreated</code></td>' in page
    )
    html = to_html(page)
    assert 'class="tabbed-set tabbed-alternate"' in html
    # The columns: Markdown inside them is converted (md_in_html), in reading order.
    main = html.index('<div class="apidocgen-main">')
    examples = html.index('<div class="apidocgen-examples">')
    fields = html.index('<div class="apidocgen-fields">')
    assert html.index('<div class="apidocgen-reference">') < main < examples < fields
    assert main < html.index('<h2 id="path-parameters">') < examples
    assert examples < html.index('<h2 id="example-response">') < fields
    assert fields < html.index('<h2 id="response-fields">')
    assert_inert(html)


def test_python_sample_is_valid_python(seed_files: dict[str, str]) -> None:
    for path, text in seed_files.items():
        if not path.endswith(".md"):
            continue
        for block in re.findall(r"    (`{3,})python\n(.*?)\n    \1\n", text, re.DOTALL):
            source = "\n".join(line[4:] for line in block[1].split("\n"))
            compile(source, path, "exec")


def test_every_markdown_file_starts_with_the_generated_header(seed_files: dict[str, str]) -> None:
    for path, text in seed_files.items():
        if path.endswith(".md"):
            body = get_data(text)[0]  # after the front matter, if any
            assert body.startswith(f"<!-- Generated by apidocgen {__version__}"), path
            assert "Do not edit" in body.split("\n", 1)[0]


def test_output_is_deterministic(seed_files: dict[str, str]) -> None:
    doc = document(operation())
    first = render(doc)
    second = render(copy.deepcopy(doc))
    assert first == second
    assert not any(
        re.search(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d", t.split("\n", 1)[0]) for t in first.values()
    )


# ---- endpoint content --------------------------------------------------------------------------


def test_endpoint_page_tables_samples_and_fields() -> None:
    files = render(document(operation()))
    page = files["things/get-thing.md"]
    assert "## Path parameters" in page and "## Query parameters" in page
    assert "| `expand` | boolean | no | fields to expand |" in page
    assert 'curl "${THING_BASE_URL:-https://api.example.org}/api/things/7/?expand=true"' in page
    assert "# The token comes from $THING_TOKEN; $THING_BASE_URL overrides the base URL." in page
    assert "    with Client() as client:" in page
    assert 'result = client.things.retrieve_thing(thing_id="7", expand=True)' in page
    assert (
        '<p>The response body is an object of type <a href="../models.md#model-thing">Thing</a>.</p>'
        in page
    )

    def row(field: str, summary: str) -> str:
        return f'<tr><td><code class="apidocgen-path">{field}</code></td><td>{summary}</td>'

    assert row("owner", '<a href="../models.md#model-owner">Owner</a>') in page
    assert row("tags", "map of integer") in page
    assert row("note", "string (date-time) or null") + "<td><code>null</code></td></tr>" in page
    assert row("either", "integer or null") in page
    assert row("gone", "always null in the examples") in page
    assert row("mixed", "string, integer or null") in page
    assert row("maybe_owner", '<a href="../models.md#model-owner">Owner</a> or null') in page
    assert "nullable" not in page
    assert (
        "Operation <code>get_thing</code> · Python client: "
        '<code>client.things.retrieve_thing()</code> · in <a href="index.md">Things</a>' in page
    )


def test_models_page_lists_components_and_their_users() -> None:
    files = render(document(operation()))
    models = files["models.md"]
    assert "## Thing { #model-thing }" in models and "## Owner { #model-owner }" in models
    # Owner is used through Thing: the endpoint still counts as a user.
    owner = models.split("## Owner", 1)[1]
    assert '<a href="things/get-thing.md">Retrieve a Thing</a>' in owner


def test_schemas_inline_without_components() -> None:
    op = operation()
    op["responses"]["200"]["content"]["application/json"]["schema"] = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "child": {"type": "object", "properties": {"x": {"type": "string"}}},
            },
        },
    }
    op["responses"]["200"]["content"]["application/json"]["example"] = [
        {"id": 1, "child": {"x": "y"}}
    ]
    files = render(document(op, components={}))
    page = files["things/get-thing.md"]
    assert "models.md" not in files
    assert "The response body is an array of object; each item has the fields below." in page
    assert (
        '<tr><td><code class="apidocgen-path">child.<wbr>x</code></td><td>string</td>'
        '<td><code>"y"</code></td></tr>' in page
    )


def test_error_example_is_labelled() -> None:
    op = operation(
        responses={
            "500": {
                "description": "Internal Server Error",
                "content": {
                    "text/html": {"schema": {"type": "string"}, "example": "<h1>oops</h1>"}
                },
            }
        }
    )
    op[X + "examples"] = {
        "response": "HTTP/1.1 500 INTERNAL SERVER ERROR\nContent-Type: text/html\n\n<h1>oops</h1>"
    }
    page = render(document(op))["things/get-thing.md"]
    assert '!!! failure "This example is an error response"' in page
    assert "## Response fields" not in page
    assert_inert(to_html(page))


def test_documented_only_operation_without_path() -> None:
    op = operation(operationId="delete_thing", summary="Delete it")
    op[X + "method"] = "DELETE"
    op[X + "path"] = None
    op[X + "page"] = "things/delete-thing.md"
    op.pop(X + "python-group")
    op.pop(X + "python-method")
    doc = document(operation())
    doc[X + "documented-only"] = [op]
    page = render(doc)["things/delete-thing.md"]
    assert "no path documented" in page
    assert "The client has no method for this endpoint: it documents no path." in page
    # curl shows the captured request all the same.
    assert 'curl -X DELETE "${THING_BASE_URL:-https://api.example.org}/api/things/7/' in page


def test_edit_link_only_with_a_repository() -> None:
    doc = document(operation())
    without = render(doc)["things/get-thing.md"]
    assert "Edit this descriptor" not in without
    config = Config(
        package="thing_client",
        repo_url="https://github.com/acme/api",
        edit_uri="edit/main/api-docs/",
    )
    with_repo = render(doc, config=config)["things/get-thing.md"]
    assert (
        '<a href="https://github.com/acme/api/edit/main/api-docs/things/get-thing.md">'
        "Edit this descriptor</a>" in with_repo
    )
    hostile = render(doc, config=replace(config, repo_url="javascript:alert(1)"))[
        "things/get-thing.md"
    ]
    assert "Edit this descriptor" not in hostile


def test_curl_sample_quotes_hostile_values() -> None:
    op = operation()
    op[X + "examples"] = {
        "request": 'POST /api/things/7/ HTTP/1.1\nHost: api.example.org\nX-Note: $(touch /tmp/pwned) \'q\'\n\n{"a": "\'; rm -rf / #"}'
    }
    page = render(document(op))["things/get-thing.md"]
    curl = page.split('=== "curl"', 1)[1].split('=== "Python"', 1)[0]
    assert "-H 'X-Note: $(touch /tmp/pwned) '\"'\"'q'\"'\"''" in curl
    assert '--data-raw \'{"a": "\'"\'"\'; rm -rf / #"}\'' in curl


# ---- untrusted text ----------------------------------------------------------------------------


def hostile_operation() -> dict[str, Any]:
    op = operation(
        summary=f"Evil {HOSTILE} {{{{ 7*7 }}}}",
        description=(
            f"Text {HOSTILE} [click](javascript:window.__pwned=1) [b](java&#115;cript:alert(1))"
            " [c]( JaVaScRiPt:alert(1)) [d](data:text/html,x) [e](//evil.example) "
            "{{ 7*7 }} `<b>code</b>` and <https://ok.example/a_b>\n\n"
            'para\n{: onclick="window.__pwned=1" }\n\n'
            "[ref][r]\n\n[r]: javascript:alert(1)\n\n"
            "```\n<script>window.__pwned=1</script>\n```\n\n"
            "<div markdown>\n*x*\n</div>\n\n"
            "    <img src=x onerror=alert(1)>\n"
        ),
    )
    op[X + "warning"] = f"Careful {HOSTILE}"
    op[X + "authentication"] = f"required {HOSTILE}"
    op["parameters"][0]["description"] = f"id | pipe\nnewline {HOSTILE}"
    op[X + "examples"] = {
        "request": f"GET /api/things/7/ HTTP/1.1\nHost: api.example.org\nX-A: {HOSTILE}\n\n```\n````"
    }
    op["responses"]["200"]["content"]["application/json"]["example"] = {
        "id": HOSTILE,
        "t": "{{ 7*7 }}",
    }
    return op


def test_hostile_text_is_inert_and_literal() -> None:
    page = render(document(hostile_operation()))["things/get-thing.md"]
    html = to_html(page)
    assert_inert(html)
    text = "".join(collect(html).text)
    assert "<script>window.__pwned=1</script>" in text
    assert "{{ 7*7 }}" in text and "49" not in text
    assert "<b>code</b>" in text and "&lt;b&gt;" not in text  # code spans escaped once, not twice
    assert 'href="https://ok.example/a_b"' in html
    assert "click" in text and "javascript" not in html.lower()


def test_table_cells_keep_their_row() -> None:
    page = render(document(hostile_operation()))["things/get-thing.md"]
    html = to_html(page)
    table = html.split("Path parameters", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
    assert len(rows) == 2
    assert all(row.count("<td>") == 4 for row in rows[1:])
    assert "id | pipe newline" in "".join(collect(rows[1]).text)


def test_examples_cannot_break_their_fence() -> None:
    content = "a ``` b\n````\nc `````` d"
    block = code_block(content, "http")
    assert block.startswith(CODE_BLOCK_MARK + "\n\n```````http\n") and block.endswith("\n```````")
    html = to_html(block)
    assert html.count("<pre>") == 1 and "d" in html.split("</pre>")[0]


def test_code_span_survives_any_backticks() -> None:
    for value in ["a`b", "``x``", "`", "x | y", "<b>"]:
        html = to_html(code_span(value))
        assert html.count("<code>") == 1
        assert collect(html).text and "".join(collect(html).text).strip() == value.strip()


def test_plain_text_shows_markdown_literally() -> None:
    value = "*a* _b_ [c](d) <e> {f} `g` # h | i ~~j~~ &amp;"
    html = to_html(plain_text(value))
    assert "".join(collect(html).text) == value


def ctx(page: str = "things/get-thing.md", **kwargs: Any) -> MarkdownContext:
    targets = LinkTargets(
        by_source={
            "things/get-thing.md": "things/get-thing.md",
            "guide.md": "guide.md",
            "things/index.md": "things/index.md",
        },
        outputs={"things/get-thing.md", "guide.md", "things/index.md", "openapi.json", "index.md"},
    )
    return MarkdownContext(targets, page, "things", **kwargs)


@pytest.mark.parametrize(
    ("source", "expected_href"),
    [
        ("[a](https://x.example/p?q=1&r=2)", "https://x.example/p?q=1&amp;r=2"),
        ("[a](mailto:me@example.org)", "mailto:me@example.org"),
        ("[a](#section)", "#section"),
        ("[a](../guide.md)", "../guide.md"),
        ("[a](get-thing.md#x)", "get-thing.md#x"),
        ("[a](/absolute/path/)", "/absolute/path/"),
    ],
)
def test_allowed_links_are_kept(source: str, expected_href: str) -> None:
    html = to_html(safe_markdown(source, ctx()))
    assert f'href="{expected_href}"' in html


@pytest.mark.parametrize(
    "source",
    [
        "[a](javascript:alert(1))",
        "[a](JAVASCRIPT:alert(1))",
        "[a](java\tscript:alert(1))",
        "[a](java&#115;cript:alert(1))",
        "[a](vbscript:x)",
        "[a](data:text/html;base64,PHNjcmlwdD4=)",
        "[a](//evil.example/x)",
        "[a](<javascript:alert(1)>)",
        "![a](javascript:alert(1))",
        "[a](missing-page.md)",
        "[a][r]\n\n[r]: javascript:alert(1)",
        "[a][r]\n\n[r]:\n  javascript:alert(1)",
        "<javascript:alert(1)>",
    ],
)
def test_refused_links_become_text(source: str) -> None:
    html = to_html(safe_markdown(source, ctx()))
    assert "<a " not in html and "<img" not in html, html
    assert_inert(html)


def test_liquid_links_resolve_by_longest_suffix() -> None:
    files = render(document(operation()))
    guide = files["guide.md"]
    assert "[the thing](things/get-thing.md)" in guide
    intro = files["things/index.md"]
    assert "[the guide](../guide.md)" in intro


def test_liquid_links_to_other_sites_become_text() -> None:
    pages = (
        *PAGES,
        Page(
            "other.md",
            "",
            "other",
            "d3",
            "Other",
            None,
            "See [SDK]({%- link docs/sdk/index.md -%}) and [gone]({% link docs/api/nope.md %}).",
        ),
    )
    files = render(document(operation()), pages=pages)
    other = files["other.md"]
    # docs/api/ is where this site's links point; docs/sdk/index.md is another site's page
    # even though this site has an index.md.
    assert "See SDK and gone." in other


def test_other_liquid_tags_are_removed_outside_code_only() -> None:
    text = "{% capture note %}Kept text{% endcapture %}{% include alert.html\n  content=note %}\n\n`{% raw %}`\n\n```\n{% if x %}\n```"
    out = safe_markdown(text, ctx(allow_html=True))
    assert "Kept text" in out and "capture" not in out.split("`")[0] and "include" not in out
    html = to_html(out)
    assert "{% raw %}" in "".join(collect(html).text)
    assert "{% if x %}" in html


def test_hand_written_pages_keep_allowed_html_only() -> None:
    body = (
        '<table class="table"><tr><td onclick="x()">cell</td><td><a href="javascript:x">a</a>'
        '<a href="https://ok.example">b</a></td></tr></table>\n\n<script>alert(1)</script>\n\n'
        "<!-- editor note -->\n\n<iframe src=https://evil></iframe>"
    )
    out = safe_markdown(body, ctx(allow_html=True))
    html = to_html(out)
    assert_inert(html)
    assert "<td>cell</td>" in html and '<a href="https://ok.example">b</a>' in html
    assert "editor note" not in html
    assert "<script>alert(1)</script>" in "".join(collect(html).text)


def test_attribute_lists_keep_ids_and_classes_only() -> None:
    html = to_html(safe_markdown('## Title {#anchor .wide}\n\npara\n{: onclick="x()" }', ctx()))
    assert '<h2 class="wide" id="anchor">Title</h2>' in html
    assert "onclick" not in re.sub(r">[^<]*<", "><", html)


def test_description_headings_sit_below_the_page_headings() -> None:
    out = safe_markdown("# Top\n\ntext\n\n## Sub", ctx(demote_headings=2))
    assert out.startswith("### Top") and "#### Sub" in out


def test_github_alerts_become_admonitions() -> None:
    out = safe_markdown("> [!NOTE]\n> This is in preview.\n\nAfter.", ctx())
    html = to_html(out)
    assert '<div class="admonition note">' in html and "This is in preview." in html


def test_indented_code_is_code_not_escaped_twice() -> None:
    html = to_html(safe_markdown("Example:\n\n    a <b> c\n\nafter", ctx()))
    assert "<pre>" in html and "a &lt;b&gt; c" in html and "&amp;lt;" not in html


# ---- paths and navigation ----------------------------------------------------------------------


def test_hand_written_page_paths_are_sanitized_and_unique() -> None:
    pages = (
        *PAGES,
        Page("Odd Folder/Ünïcode Page.md", "Odd Folder", "Ünïcode Page", "d4", "Odd", None, "x"),
        Page("Odd Folder/unicode-page.md", "Odd Folder", "unicode-page", "d5", "Odd 2", None, "y"),
        Page("python/notes.md", "python", "notes", "d6", "Notes", None, "z"),
    )
    sections = (
        *SECTIONS,
        Section("Odd Folder", "Odd Folder", "", None, None),
        Section("python", "Python", "", None, None),
    )
    files = render(document(operation()), pages=pages, sections=sections)
    assert "odd-folder/unicode-page.md" in files and "odd-folder/unicode-page-2.md" in files
    # python/ holds the generated client package; documentation never goes there.
    assert "python-docs/notes.md" in files and not any(p.startswith("python/") for p in files)


def test_operations_wanting_one_page_path_get_a_page_each() -> None:
    first = operation()
    second = operation(operationId="get_thing_again", summary="Retrieve a Thing again")
    second[X + "page"] = "things/get-thing.md"  # same page path too
    second[X + "source"] = "things/get_thing.md"
    files = render(document(first, second))
    assert "things/get-thing.md" in files and "things/get-thing-2.md" in files
    assert "# Retrieve a Thing again" in files["things/get-thing-2.md"]
    nav = json.dumps(json.loads(files[NAV_FILE]))
    assert "things/get-thing-2.md" in nav


def test_nav_file_orders_sections_and_includes_pages() -> None:
    second = operation(operationId="list_things", summary="List Things")
    second[X + "page"] = "things/list-things.md"
    second[X + "sidebar-order"] = 1
    files = render(document(operation(), second))
    nav = json.loads(files[NAV_FILE])["nav"]
    titles = [entry["title"] for entry in nav]
    # The root's hand-written pages are the guides, a group apart from the API's sections.
    assert titles == ["Home", "Guides", "Things", "Models"]
    assert nav[1]["children"] == [{"title": "Guide", "page": "guide.md"}]
    things = nav[2]["children"]
    assert [c["title"] for c in things] == ["Things", "List Things", "Retrieve a Thing"]
    assert things[0]["page"] == "things/index.md"
    last = render(document(operation(), second), config=Config(guides="last"))
    titles = [entry["title"] for entry in json.loads(last[NAV_FILE])["nav"]]
    assert titles == ["Home", "Things", "Guides", "Models"]
    home = last["index.md"]
    assert home.index("## Sections") < home.index("## Guides")
    assert files["index.md"].index("## Guides") < files["index.md"].index("## Sections")


def test_guides_setting_is_checked() -> None:
    from apidocgen.config import config_from_mapping

    config, problems = config_from_mapping({"guides": "middle"}, ROOT, "pyproject.toml")
    assert [p.message for p in problems] == ["guides must be 'first' or 'last', not 'middle'"]


def test_a_section_without_endpoints_says_so() -> None:
    sections = (*SECTIONS, Section("accounts", "Accounts", "", 2, "accounts/index.md"))
    files = render(document(operation()), sections=sections)
    page = files["accounts/index.md"]
    assert "No endpoints are documented in this section yet." in page
    assert "No endpoints are documented" not in files["things/index.md"]


def test_an_empty_section_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "in"
    write_descriptor(source / "accounts", "index.md", "title: Accounts")
    write_descriptor(
        source / "teams",
        "get-team.md",
        '{"api_path": "/teams/{id}/", "method": "GET", "title": "Get a Team"}',
    )
    result = run(Config(input=source, output=tmp_path / "out"))
    messages = [(d.path, d.severity, d.message) for d in result.diagnostics]
    assert (
        f"{source}/accounts/index.md",
        "warning",
        "section 'Accounts' has no endpoints or pages: its page says so",
    ) in messages
    assert not any("has no endpoints" in m and "teams" in p for p, _, m in messages)


def test_large_sections_are_grouped_by_resource() -> None:
    paths = {}
    for resource in ("runners", "secrets", "variables"):
        for n in range(12):
            operation = {"operationId": f"{resource}_{n}", "responses": {"200": {}}}
            paths[f"/repos/{{o}}/{{r}}/actions/{resource}/{n}"] = {"get": operation}
    ops = list(api_from_document({"paths": paths}).operations)
    groups = resource_groups(ops)
    assert groups["runners_3"] == ("runners", "Runners")
    assert len({g for g in groups.values()}) == 3
    assert resource_groups(ops[:20]) == {}


def test_python_sample_uses_the_clients_argument_names(tmp_path: Path) -> None:
    """A query parameter named like a path parameter is `id_query` in the client: the
    sample must call it that too."""
    descriptor = {
        "api_path": "/things/{id}/",
        "method": "GET",
        "title": "Retrieve a Thing",
        "path_parameters": [{"name": "id", "type": "string", "description": "the thing."}],
        "query_parameters": [
            {"name": "id", "type": "string", "description": "(required) a filter."},
            {"name": "userId", "type": "int", "description": "(required) the user."},
        ],
        "example_request": "GET /things/7/?id=3&userId=5 HTTP/1.1\nHost: api.test",
        "example_response": 'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{"a": 1}',
    }
    source = tmp_path / "in" / "things"
    source.mkdir(parents=True)
    (source / "get-thing.md").write_text("---\n" + json.dumps(descriptor) + "\n---\n")
    result = run(Config(input=tmp_path / "in", output=tmp_path / "out", package="things_api"))
    assert not result.failed
    page = result.files["things/get-thing.md"]
    assert 'client.things.retrieve_thing(id="7", id_query="3", user_id=5)' in page
    module = result.files["python/things_api/_resources/things.py"]
    assert "id_query: str" in module and "user_id: int" in module


def test_long_examples_are_shortened_on_the_page_and_whole_in_openapi(tmp_path: Path) -> None:
    body = [{"id": n, "name": f"widget {n}"} for n in range(20_000)]  # about 0.9 MB of JSON
    descriptor = {
        "api_path": "/widgets/",
        "method": "GET",
        "title": "List Widgets",
        "example_response": "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
        + json.dumps(body),
    }
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "list-widgets.md").write_text(f"---\n{json.dumps(descriptor)}\n---\n")
    result = run(Config(input=tmp_path / "in", output=tmp_path / "out"))
    assert not result.failed
    page = result.files["list-widgets.md"]
    # Two head lines, a blank line, then 2,000 lines of the body.
    assert "The example is long: this page shows its first 2003 lines, and the" in page
    example = page.split("## Example response", 1)[1].split("```http\n", 1)[1]
    example = example.split("\n```", 1)[0]
    assert example.count("\n") == 2002 and len(page) < 100_000
    document = result.files["openapi.json"]
    compact = json.dumps(body, separators=(",", ":"))
    assert compact in document  # on one line, not 120,000 indented ones
    found = json.loads(document)["paths"]["/widgets/"]["get"]["responses"]["200"]
    assert found["content"]["application/json"]["example"] == body


def test_a_folder_of_pages_without_index_gets_a_derived_section_page(tmp_path: Path) -> None:
    guides = tmp_path / "in" / "guides" / "deep"
    guides.mkdir(parents=True)
    (guides / "howto.md").write_text("---\ntitle: Deep guide\nsidebar_order: 1\n---\nSome text.\n")
    result = run(Config(input=tmp_path / "in", output=tmp_path / "out"))
    assert not result.failed, [d.format() for d in result.diagnostics]
    assert "- [Deep guide](howto.md)" in result.files["guides/deep/index.md"]
    assert "guides/index.md" in result.files
    guides = next(e for e in json.loads(result.files[NAV_FILE])["nav"] if e["title"] == "Guides")
    deep = next(e for e in guides["children"] if e["title"] == "Deep" and "children" in e)
    assert deep["children"] == [
        {"title": "Deep", "page": "guides/deep/index.md"},
        {"title": "Deep guide", "page": "guides/deep/howto.md"},
    ]


def test_an_unsafe_output_path_is_an_error_at_the_input_that_made_it() -> None:
    from apidocgen.pipeline import _output_path_problems
    from apidocgen.result import RunResult

    api = api_from_document(document(operation()))
    result = RunResult(
        files={"things/a.md": "", "things/con.md": "", "Things/A.md": ""},
        unit_of={"things/con.md": "page:get_thing"},
    )
    problems = [d.format() for d in _output_path_problems(api, result, "in")]
    assert problems == [
        "in/things/get-thing.md:1:1: error: cannot write the output: unsafe output path 'things/con.md'",
        "in:1:1: error: cannot write the output: output paths 'Things/A.md' and 'things/a.md'"
        " differ only in case",
    ]


def test_nothing_a_descriptor_documents_is_dropped_from_its_page(tmp_path: Path) -> None:
    team = [{"name": "team", "type": "string", "description": "the team."}]
    owner = {
        "api_path": "/teams/{team}/",
        "method": "PUT",
        "title": "Update a Team",
        "path_parameters": team,
        "parameters": [{"name": "name", "type": "string", "description": "the new name."}],
    }
    again = dict(
        owner,
        title="Rename a Team",
        parameters=[{"name": "slug", "type": "string", "description": "the new slug."}],
    )
    pathless = {"method": "DELETE", "title": "Delete a Team", "path_parameters": team}
    for name, data in (("a-put.md", owner), ("b-put.md", again), ("c-delete.md", pathless)):
        write_descriptor(tmp_path / "in" / "teams", name, json.dumps(data))
    result = run(Config(input=tmp_path / "in", output=tmp_path / "out"))
    assert not result.failed
    messages = [d.format() for d in result.diagnostics]
    assert any(
        "b-put.md" in m and "this page shows its own parameters and examples" in m for m in messages
    ), messages
    assert any(
        "c-delete.md" in m and "(its path parameters team are shown on its page only)" in m
        for m in messages
    ), messages
    assert "| `slug` | string | no | the new slug. |" in result.files["teams/b-put.md"]
    assert "| `team` | string | yes | the team. |" in result.files["teams/c-delete.md"]
