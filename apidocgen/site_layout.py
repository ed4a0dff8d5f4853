"""Where the generated site's files go, and the marks of the blocks the generator makes.

Shared by the docs renderer (apidocgen.render.docs) and the mkdocs plugin, which imports this
light module on every build (the renderer is only needed when something changed).
"""

import html
import json
from pathlib import Path
from typing import Any

NAV_FILE = ".apidocgen-nav.json"
STYLESHEET = "stylesheets/apidocgen.css"
OPENAPI_FILE = "openapi.json"
DESCRIPTOR_SCHEMA_FILE = "descriptor.schema.json"  # written by the pipeline beside openapi.json
NON_DOC_FOLDERS = ("python",)  # output folders that are not part of the site

# Marks for the mkdocs plugin (apidocgen.generated_blocks), which renders these blocks without
# handing them to Python-Markdown's slower general machinery. Other Markdown renderers see an
# HTML comment (invisible) and ordinary Markdown or HTML. Descriptor text can never produce a
# mark: safe Markdown drops HTML comments and escapes every other `<`, and code appears only
# inside fences (ended by a fence no content line can equal) or entity-encoded.
CODE_BLOCK_MARK = "<!-- apidocgen:code -->"  # a blank line, then a fence made by code_block
HTML_BLOCK_OPEN = "<!-- apidocgen:html -->"  # generator-made HTML (all text escaped) follows
HTML_BLOCK_CLOSE = "<!-- /apidocgen:html -->"
TABLE_MARK = "<!-- apidocgen:table -->"  # the next lines are a Markdown table the generator made


def read_nav(path: Path) -> list[Any] | None:
    """The generated navigation file (NAV_FILE) as mkdocs' nav structure; None when it is
    missing or not the generator's."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    entries = data.get("nav") if isinstance(data, dict) else None
    return _nav_items(entries) if isinstance(entries, list) else None


def _nav_items(entries: list[Any]) -> list[Any]:
    """The generated tree as mkdocs' nav structure; titles escaped (themes print them raw)."""
    out: list[Any] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        title = html.escape(str(entry.get("title", "")), quote=True)
        if isinstance(entry.get("children"), list):
            out.append({title: _nav_items(entry["children"])})
        elif isinstance(entry.get("page"), str):
            out.append({title: entry["page"]})
    return out
