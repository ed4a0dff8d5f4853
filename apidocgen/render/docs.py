"""Render the documentation site's Markdown pages and navigation from the OpenAPI document.

Inputs are the OpenAPI document (the single contract), the hand-written `Page` records and the
`Section` records from `load`; descriptors are never re-parsed. Python decides what goes on a
page (and makes every piece of descriptor text safe for its context); the Jinja2 templates under
`templates/docs/` only lay the pieces out, so a user can restyle pages by overriding them.

Safety model for untrusted text (descriptions, titles, examples, hand-written pages):

* Plain text (titles, names, paths) is entity-encoded for every character that Markdown or HTML
  would interpret, so it shows exactly as written.
* Markdown text keeps Markdown (emphasis, lists, links, code) but never reaches the page as HTML:
  `<` outside code becomes `&lt;` (hand-written pages may keep an allow-list of tags, rebuilt
  with safe attributes), `{` becomes `&#123;` unless it opens an ids-and-classes-only attribute
  list (the `attr_list` extension would otherwise let `{: onclick=..}` add event handlers), and
  link targets are checked (http, https, mailto, fragments, and relative links to pages that
  exist; anything else becomes plain text).
* Code is re-emitted in a form whose meaning does not depend on how Markdown pairs backticks:
  inline code inside untrusted text becomes `<code>` with entity-encoded content (code the
  generator places itself is a Markdown span with a fence longer than any backtick run), and
  fenced blocks get a fence longer than any backtick run in their content. So whatever the
  input, code cannot end early and nothing inside it is escaped twice.
* Liquid (`{% link X %}`) is resolved to a relative link to the generated page (or plain text when
  it names nothing known); every other `{% ... %}` tag outside code is removed (its surrounding
  text is kept); `{{ ... }}` shows literally. Inside code, Liquid shows literally.
"""

from __future__ import annotations

import html
import json
import math
import posixpath
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2

from apidocgen import __version__
from apidocgen.config import Config
from apidocgen.load import Page, Section
from apidocgen.naming import slug
from apidocgen.paths import template_values
from apidocgen.render.python_api import ArgumentView, OperationView, build_groups
from apidocgen.site_layout import (
    CODE_BLOCK_MARK,
    DESCRIPTOR_SCHEMA_FILE,
    HTML_BLOCK_CLOSE,
    HTML_BLOCK_OPEN,
    NAV_FILE,
    NON_DOC_FOLDERS,
    OPENAPI_FILE,
    STYLESHEET,
    TABLE_MARK,
)

X = "x-apidocgen-"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LAST = 10**9
_MAX_FIELD_ROWS = 150
_MAX_FIELD_DEPTH = 6
_COLLAPSE_LINES = 30
# An example body longer than this is shown in part on its page (openapi.json holds it all).
MAX_EXAMPLE_CHARS = 256 * 1024
MAX_EXAMPLE_LINES = 2_000
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

JsonDict = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def render_docs(
    openapi: JsonDict,
    pages: Sequence[Page],
    sections: Sequence[Section],
    env: jinja2.Environment,
    config: Config | None = None,
) -> dict[str, str]:
    """Every Markdown page of the site, the navigation file and the stylesheet.

    Keys are output-relative posix paths. `config` supplies the client package name, the token
    variable and the repository for edit links; without it, defaults are used.
    """
    files, _ = render_docs_except(openapi, pages, sections, env, config, frozenset())
    return files


MODELS_PAGE_KEY = "<models page>"  # never an operation id: those are identifiers


def render_docs_except(
    openapi: JsonDict,
    pages: Sequence[Page],
    sections: Sequence[Section],
    env: jinja2.Environment,
    config: Config | None,
    skip_operations: frozenset[str],
    skip_models_page: bool = False,
) -> tuple[dict[str, str], dict[str, str]]:
    """`render_docs`, leaving out the endpoint pages of `skip_operations` (operation ids
    whose page is known to be unchanged) and, with `skip_models_page`, the models page; and
    telling where each endpoint page goes (operation id -> path; the models page under
    `MODELS_PAGE_KEY`), for incremental runs."""
    site = _Site.plan(openapi, pages, sections, config or Config())
    _register_filters(env)
    files: dict[str, str] = {}
    common = {"header": generator_comment(), "site": site.summary()}
    endpoint_template = env.get_template("docs/endpoint.md.j2")
    page_of_operation: dict[str, str] = {}
    for op in site.operations:
        page = site.page_of_op[op[_KEY]]
        operation_id = op.get("operationId")
        if isinstance(operation_id, str):
            page_of_operation[operation_id] = page
            if operation_id in skip_operations:
                continue
        view = _EndpointView(op, page, site).as_dict()
        files[page] = endpoint_template.render(op=view, **common)
    section_template = env.get_template("docs/section.md.j2")
    for section in site.section_pages:
        if section.page == "index.md":
            continue
        files[section.page] = section_template.render(section=site.section_view(section), **common)
    page_template = env.get_template("docs/page.md.j2")
    for page_record in site.carried_pages:
        out = site.page_of_source[page_record.source]
        files[out] = page_template.render(page=site.page_view(page_record, out), **common)
    files["index.md"] = env.get_template("docs/home.md.j2").render(home=site.home_view(), **common)
    if site.models_page:
        page_of_operation[MODELS_PAGE_KEY] = site.models_page
        if not skip_models_page:
            files[site.models_page] = env.get_template("docs/models.md.j2").render(
                models=site.models_view(), **common
            )
    files[STYLESHEET] = env.get_template("docs/apidocgen.css.j2").render(**common)
    files[NAV_FILE] = (
        json.dumps(
            {"generator": f"apidocgen {__version__}", "nav": site.nav()},
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    )
    return files, page_of_operation


def generator_comment() -> str:
    """The text of the HTML comment that starts every generated Markdown page."""
    return (
        f"Generated by apidocgen {__version__}. Do not edit: edit the descriptors and regenerate."
    )


def _register_filters(env: jinja2.Environment) -> None:
    env.filters["text"] = plain_text
    env.filters["code"] = code_span
    env.filters["fence"] = code_block
    env.filters["html_block"] = html_block
    env.globals["table_mark"] = TABLE_MARK
    env.filters["cell"] = lambda value: table_cell(str(value)) if value is not None else ""


# --------------------------------------------------------------------------------------------
# Plain text and code: shown exactly as written
# --------------------------------------------------------------------------------------------

# Characters that inline Markdown (with the extensions Material sites commonly enable: tilde,
# caret, mark, arithmatex, attr_list, tables) or HTML would interpret. Text never starts a
# line where it is used, so block markers (`-`, `+`, `1.`) need no encoding. `"` ends the
# quoted titles of admonitions and tabs.
_PLAIN_SPECIALS = frozenset('\\`*_{}[]<>&|~^=#$"')


def _encode(text: str, specials: frozenset[str]) -> str:
    out = []
    for char in text:
        if char in specials:
            out.append(f"&#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


def plain_text(value: Any) -> str:
    """Descriptor text shown literally in Markdown: no Markdown, no HTML, one line."""
    text = " ".join(str(value).replace("\x00", "").split())
    return _encode(text, _PLAIN_SPECIALS)


def code_span(value: Any) -> str:
    """Inline code for a place the generator controls (a table cell, a sentence of a template):
    a Markdown code span whose backtick fence is longer than any run inside it."""
    text = " ".join(str(value).replace("\x00", "").split())
    if not text:
        return ""
    fence = "`" * (longest_backtick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_code(value: Any) -> str:
    """Inline code inside untrusted Markdown: HTML `<code>` with entity-encoded content, so its
    meaning does not depend on how Markdown pairs the backticks around it."""
    text = " ".join(str(value).replace("\x00", "").split("\n"))
    return f"<code>{_encode(text, _PLAIN_SPECIALS)}</code>"


def html_code_span(value: Any) -> str:
    """Inline code for generator-made HTML: `<code>` with the text HTML-escaped, one line."""
    text = " ".join(str(value).replace("\x00", "").split())
    return f"<code>{html.escape(text, quote=False)}</code>" if text else ""


def _attribute(value: str | None) -> str | None:
    return html.escape(value) if value is not None else None


def html_block(content: str) -> str:
    """Generator-made HTML wrapped in the marks the mkdocs plugin passes through as is."""
    return f"{HTML_BLOCK_OPEN}\n{content.strip()}\n{HTML_BLOCK_CLOSE}\n"


def longest_backtick_run(text: str) -> int:
    """Length of the longest run of backticks in `text`."""
    runs = re.findall(r"`+", text)
    return max((len(run) for run in runs), default=0)


def code_block(content: Any, lang: str = "", indent: int = 0) -> str:
    """A fenced code block whose fence is longer than any backtick run of the content,
    announced by `CODE_BLOCK_MARK` on the line before."""
    text = str(content).replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    fence = "`" * max(3, longest_backtick_run(text) + 1)
    lang = re.sub(r"[^A-Za-z0-9_+-]", "", lang)[:30]
    # The blank line keeps the mark a block of its own (not a paragraph around the fence).
    lines = [CODE_BLOCK_MARK, "", f"{fence}{lang}", *text.split("\n"), fence]
    pad = " " * indent
    return "\n".join(pad + line if line else line for line in lines)


# --------------------------------------------------------------------------------------------
# Links: which targets are allowed, and Liquid's `{% link %}`
# --------------------------------------------------------------------------------------------

_LIQUID_LINK = re.compile(r"\{%-?\s*link\s+(.{1,500}?)\s*-?%\}")
_LIQUID_TAG = re.compile(r"\{%.{0,2000}?%\}", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def link_scheme(target: str) -> str | None:
    """The scheme a browser would see for `target` (entities decoded, controls removed)."""
    decoded = _CONTROL.sub("", html.unescape(target))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", decoded)
    return match.group(1).lower() if match else None


@dataclass
class LinkTargets:
    """Where generated pages are, to resolve Liquid links and relative links to real pages."""

    by_source: dict[str, str]  # input-relative source path -> output page
    outputs: set[str]  # every output path a link may point at
    prefix: str | None = None  # the folder Liquid link targets are mounted under, when clear

    def liquid(self, target: str) -> str | None:
        """The output page a Liquid `{% link X %}` names, by the longest path suffix of X."""
        target = target.strip().strip("\"'").lstrip("/")
        best = self._suffix_match(target)
        if best is None:
            return None
        source, mount = best
        if self.prefix is not None and mount != self.prefix:
            # Same file name under another mount point: a page of another site, not this one.
            return None
        return self.by_source[source]

    def _suffix_match(self, target: str) -> tuple[str, str] | None:
        best: tuple[str, str] | None = None
        for source in self.by_source:
            if target == source or target.endswith("/" + source):
                if best is None or len(source) > len(best[0]):
                    best = (source, target[: len(target) - len(source)])
        return best

    def learn_prefix(self, texts: Iterable[str]) -> None:
        """Find the folder the input's Liquid links are written against, by a vote in which a
        link that matches more path components (more evidence) weighs more."""
        votes: dict[str, int] = {}
        for text in texts:
            for match in _LIQUID_LINK.finditer(text):
                found = self._suffix_match(match.group(1).strip().strip("\"'").lstrip("/"))
                if found is not None:
                    votes[found[1]] = votes.get(found[1], 0) + found[0].count("/") + 1
        if votes:
            ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
            if ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                self.prefix = ranked[0][0]

    def relative(self, source_dir: str, page: str, target: str) -> str | None:
        """A relative link target rewritten for `page`, or None when it leads nowhere known."""
        path, _, fragment = target.partition("#")
        path, _, query = path.partition("?")
        if not path:
            return target
        from_source = posixpath.normpath(posixpath.join(source_dir, path))
        out: str | None = self.by_source.get(from_source)
        if out is None:
            from_page = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            for candidate in (from_page, from_page + ".md", posixpath.join(from_page, "index.md")):
                if candidate in self.outputs:
                    out = candidate
                    break
        if out is None:
            return None
        rel = relative_link(page, out)
        return rel + ("?" + query if query else "") + ("#" + fragment if fragment else "")


def relative_link(page: str, target: str) -> str:
    """The relative path from output page `page` to output file `target`."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


# --------------------------------------------------------------------------------------------
# Markdown made safe
# --------------------------------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})[ \t]*\.?([\w#.+-]*)[^\n]*$")
_HEADING = re.compile(r"^(#{1,6})(?=\s|$)")
_ALERT = re.compile(r"^>\s?\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$", re.IGNORECASE)
_ALERT_KIND = {
    "note": "note",
    "tip": "tip",
    "important": "info",
    "warning": "warning",
    "caution": "danger",
}
_REF_DEF = re.compile(r"^([ ]{0,3}\[[^\]\n]{1,999}\]:)[ \t]*(\S*)(.*)$")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>\x00]{1,2000})>", re.IGNORECASE)
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9]{0,20})((?:\s+[^\s\"'>/=\x00]+(?:\s*=\s*(?:\"[^\"\x00]*\"|'[^'\x00]*'|[^\s\"'=<>`\x00]+))?)*)\s*(/?)>"
)
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
# Tags a hand-written page may keep (rebuilt with the attributes below); others show as text.
ALLOWED_PAGE_TAGS = frozenset(
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em h1 h2 h3 h4 h5 h6 "
    "hr i img ins kbd li mark ol p pre s small span strong sub summary sup table tbody td tfoot th "
    "thead tr u ul".split()
)
_ALLOWED_ATTRS = frozenset(
    "class id title alt colspan rowspan align valign width height start open href src markdown".split()
)
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
_UNSAFE_BRACE = re.compile(r"\{(?!:?[ \t]*(?:[#.][A-Za-z][\w-]{0,80}[ \t]*){1,10}\})")


@dataclass
class _Placeholders:
    """Finished pieces of output kept out of later passes (NUL cannot occur in the input)."""

    values: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def put(self, text: str, kind: str = "text") -> str:
        self.values.append(text)
        self.kinds.append(kind)
        return f"\x00{len(self.values) - 1}\x00"

    def restore(self, text: str) -> str:
        # Values may themselves hold placeholders (a link around inline code).
        for _ in range(3):
            if "\x00" not in text:
                break
            text = _PLACEHOLDER.sub(lambda m: self.values[int(m.group(1))], text)
        return text


@dataclass(frozen=True)
class MarkdownContext:
    """Where a piece of Markdown appears: for links and for what it may contain."""

    targets: LinkTargets
    page: str  # output page the text is rendered into
    source_dir: str  # input folder the text was written in (relative links start there)
    allow_html: bool = False  # hand-written pages keep allow-listed tags
    demote_headings: int = 0  # descriptions' headings sit below the page's own
    cell: bool = False  # inside a table cell: one line, pipes escaped


def safe_markdown(text: str | None, ctx: MarkdownContext) -> str:
    """Untrusted Markdown made safe to render, Markdown features kept (see module docstring)."""
    if not text:
        return ""
    text = str(text).replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    holds = _Placeholders()
    parts: list[str] = []
    for is_code, chunk, lang in _split_fences(text):
        if is_code:
            if ctx.cell:
                parts.append(holds.put(html_code(chunk)))
            else:
                parts.append(holds.put("\n" + code_block(chunk, lang) + "\n"))
        else:
            parts.append(_safe_text(chunk, ctx, holds))
    result = "\n".join(parts)
    if ctx.cell:
        result = re.sub(r"\n[ \t]*\n\s*", "<br><br>", result.strip())
        result = result.replace("\n", " ").replace("|", "&#124;")
    result = holds.restore(result)
    return result.strip("\n")


def _split_fences(text: str) -> list[tuple[bool, str, str]]:
    """Text and fenced code blocks; a fence counts only at column 0 and only when closed."""
    lines = text.split("\n")
    out: list[tuple[bool, str, str]] = []
    buffer: list[str] = []
    index = 0
    while index < len(lines):
        match = _FENCE_OPEN.match(lines[index])
        if match and not (match.group(1)[0] == "`" and "`" in lines[index][len(match.group(1)) :]):
            fence = match.group(1)
            closing = re.compile(re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
            end = next((n for n in range(index + 1, len(lines)) if closing.match(lines[n])), None)
            if end is not None:
                if buffer:
                    out.append((False, "\n".join(buffer), ""))
                    buffer = []
                out.append((True, "\n".join(lines[index + 1 : end]), match.group(2)))
                index = end + 1
                continue
        buffer.append(lines[index])
        index += 1
    if buffer:
        out.append((False, "\n".join(buffer), ""))
    return out


def _safe_text(text: str, ctx: MarkdownContext, holds: _Placeholders) -> str:
    text = _protect_code_spans(text, holds)
    text = _liquid(text, ctx, holds)
    if not ctx.cell:
        text = _indented_code_to_fences(text, holds)
        text = _alerts_to_admonitions(text)
        if ctx.demote_headings:
            text = "\n".join(_demote(line, ctx.demote_headings) for line in text.split("\n"))
    text = _safe_links(text, ctx, holds)
    text = _safe_html(text, ctx, holds)
    # `{` would let attr_list add attributes (event handlers), except in a list of only ids
    # and classes (`## Title {#anchor}`); a stray backtick cannot open code any more because
    # all code was taken out above.
    return _UNSAFE_BRACE.sub("&#123;", text).replace("`", "&#96;")


def _protect_code_spans(text: str, holds: _Placeholders) -> str:
    """Replace backtick code spans (paired as Markdown pairs them) with placeholders."""
    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length:
            out.append(text[index : index + 2])
            index += 2
            continue
        if char != "`":
            out.append(char)
            index += 1
            continue
        end = index
        while end < length and text[end] == "`":
            end += 1
        ticks = end - index
        close = _closing_run(text, end, ticks)
        if close is None:
            out.append(text[index:end])
            index = end
            continue
        content = " ".join(text[end:close].split("\n")).strip()
        out.append(holds.put(html_code(content)))
        index = close + ticks
    return "".join(out)


def _closing_run(text: str, start: int, ticks: int) -> int | None:
    index, length = start, len(text)
    while index < length:
        if text[index] == "\n" and re.match(r"\n[ \t]*\n", text[index:]):
            return None  # code spans do not cross paragraphs
        if text[index] == "`":
            end = index
            while end < length and text[end] == "`":
                end += 1
            if end - index == ticks:
                return index
            index = end
            continue
        index += 1
    return None


def _liquid(text: str, ctx: MarkdownContext, holds: _Placeholders) -> str:
    def link(match: re.Match[str]) -> str:
        out = ctx.targets.liquid(match.group(1))
        if out is None:
            # Not a page of this site: a link to it becomes its text (see `_checked_target`).
            return holds.put("", "unresolved")
        return holds.put(_encode_url(relative_link(ctx.page, out)), "liquid")

    text = _LIQUID_LINK.sub(link, text)
    return _LIQUID_TAG.sub("", text)


def _indented_code_to_fences(text: str, holds: _Placeholders) -> str:
    """Indented code blocks (after a blank line, not inside a list) become fenced blocks."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    in_list = False
    while index < len(lines):
        line = lines[index]
        previous_blank = index == 0 or not lines[index - 1].strip()
        if line.strip() and not line.startswith((" ", "\t")):
            in_list = bool(re.match(r"(?:[*+-]|\d{1,9}[.)])\s", line))
        if line.startswith(("    ", "\t")) and line.strip() and previous_blank and not in_list:
            block = []
            while index < len(lines) and (
                lines[index].startswith(("    ", "\t")) or not lines[index].strip()
            ):
                block.append(lines[index])
                index += 1
            while block and not block[-1].strip():
                block.pop()
                index -= 1
            content = "\n".join(b[4:] if b.startswith("    ") else b[1:] for b in block)
            out.append(holds.put(code_block(_restore_spans(content, holds))))
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


def _restore_spans(text: str, holds: _Placeholders) -> str:
    # Inside a code block, a code span taken out earlier is literal text again.
    def back(match: re.Match[str]) -> str:
        value = holds.values[int(match.group(1))]
        inner = re.fullmatch(r"<code>(.*)</code>", value, re.DOTALL)
        return "`" + html.unescape(inner.group(1)) + "`" if inner else html.unescape(value)

    return _PLACEHOLDER.sub(back, text)


def _alerts_to_admonitions(text: str) -> str:
    """GitHub's `> [!NOTE]` alerts become admonitions, as a Material site shows them."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        match = _ALERT.match(lines[index])
        if not match:
            out.append(lines[index])
            index += 1
            continue
        out.extend(["", f"!!! {_ALERT_KIND[match.group(1).lower()]}", ""])
        index += 1
        while index < len(lines) and lines[index].startswith(">"):
            body = re.sub(r"^>\s?", "", lines[index])
            out.append("    " + body if body.strip() else "")
            index += 1
        out.append("")
    return "\n".join(out)


def _demote(line: str, levels: int) -> str:
    match = _HEADING.match(line)
    if not match:
        return line
    return "#" * min(6, len(match.group(1)) + levels) + line[len(match.group(1)) :]


def _safe_links(text: str, ctx: MarkdownContext, holds: _Placeholders) -> str:
    text = _AUTOLINK.sub(lambda m: _autolink(m.group(1), holds), text)
    text = "\n".join(_reference_definition(line, ctx, holds) for line in text.split("\n"))
    out: list[str] = []
    index = 0
    while True:
        found = text.find("](", index)
        if found < 0:
            out.append(text[index:])
            break
        out.append(text[index:found])
        parsed = _inline_destination(text, found + 2)
        if parsed is None:
            # No destination Markdown could read: make sure none is read.
            out.append("]&#40;")
            index = found + 2
            continue
        destination, end = parsed
        safe = _checked_target(destination, ctx, holds)
        if safe is None:
            _drop_link_brackets(out)
            out.append("")
        else:
            out.append("](" + holds.put(safe) + ")")
        index = end
    return "".join(out)


def _autolink(url: str, holds: _Placeholders) -> str:
    if link_scheme(url) not in _SAFE_SCHEMES:
        return "&lt;" + url
    return holds.put(f"<{_encode_url(html.unescape(url))}>")


def _reference_definition(line: str, ctx: MarkdownContext, holds: _Placeholders) -> str:
    match = _REF_DEF.match(line)
    if not match:
        return line
    destination = match.group(2).strip("<>")
    safe = _checked_target(destination, ctx, holds) if destination else None
    if safe is None:
        return ""  # the reference then renders as its literal text
    return f"{match.group(1)} {holds.put(safe)}"


# CommonMark lets implementations bound parenthesis nesting in destinations (cmark: 32);
# titles are short. Both bounds keep link scanning linear on hostile text.
_MAX_DESTINATION_PARENS = 32
_MAX_TITLE = 1000
_PLAIN_DESTINATION = re.compile(r"[^\s()\\]*")


def _inline_destination(text: str, start: int) -> tuple[str, int] | None:
    """The destination of an inline link starting after `](`, and the index after its `)`."""
    index = start
    length = len(text)
    while index < length and text[index] in " \t":
        index += 1
    if index < length and text[index] == "\n":
        index += 1
        while index < length and text[index] in " \t":
            index += 1
    if index < length and text[index] == "<":
        end = text.find(">", index, index + _MAX_TITLE)
        if end < 0 or "\n" in text[index:end]:
            return None
        destination = text[index + 1 : end]
        index = end + 1
    else:
        depth = 0
        begin = index
        while index < length:
            plain = _PLAIN_DESTINATION.match(text, index)
            index = plain.end() if plain else index
            if index >= length:
                break
            char = text[index]
            if char == "\\" and index + 1 < length:
                index += 2
                continue
            if char == "(":
                depth += 1
                if depth > _MAX_DESTINATION_PARENS:
                    return None
            elif char == ")" and depth > 0:
                depth -= 1
            else:
                break  # whitespace, or the `)` that closes the link
            index += 1
        destination = text[begin:index]
    # An optional title in quotes or parentheses, then the closing parenthesis.
    while index < length and text[index] in " \t\n":
        index += 1
    if index < length and text[index] in "\"'(":
        closer = ")" if text[index] == "(" else text[index]
        end = text.find(closer, index + 1, index + 1 + _MAX_TITLE)
        if end < 0 or re.search(r"\n[ \t]*\n", text[index:end]):
            return None
        index = end + 1
        while index < length and text[index] in " \t\n":
            index += 1
    if index < length and text[index] == ")":
        return destination, index + 1
    return None


def _drop_link_brackets(out: list[str]) -> None:
    """Turn `[text` (already emitted) into `text`: the link's target was refused."""
    joined = "".join(out)
    depth = 0
    for position in range(len(joined) - 1, -1, -1):
        char = joined[position]
        if char == "]" and (position == 0 or joined[position - 1] != "\\"):
            depth += 1
        elif char == "[" and (position == 0 or joined[position - 1] != "\\"):
            if depth == 0:
                image = position > 0 and joined[position - 1] == "!"
                head = joined[: position - 1] if image else joined[:position]
                out[:] = [head + joined[position + 1 :]]
                return
            depth -= 1
    out[:] = [joined + "&#93;"]


def _checked_target(destination: str, ctx: MarkdownContext, holds: _Placeholders) -> str | None:
    """A safe, encoded link target for `destination`, or None to show the link as text."""
    if "\x00" in destination:
        # A resolved Liquid link (with an optional #fragment) passes; code in a URL does not.
        held = re.fullmatch(r"\x00(\d+)\x00([#?][^\x00\s]*)?", destination)
        if held is None or holds.kinds[int(held.group(1))] != "liquid":
            return None
        return (
            destination
            if not held.group(2)
            else held.group(0)[: held.start(2)] + _encode_url(held.group(2))
        )
    decoded = html.unescape(destination)
    scheme = link_scheme(decoded)
    if scheme is not None:
        return _encode_url(_CONTROL.sub("", decoded)) if scheme in _SAFE_SCHEMES else None
    if decoded.startswith("//"):
        return None  # protocol-relative: another site with whatever scheme the page has
    if decoded.startswith(("/", "#")):
        return _encode_url(decoded)
    resolved = ctx.targets.relative(ctx.source_dir, ctx.page, decoded)
    return None if resolved is None else _encode_url(resolved)


def _encode_url(url: str) -> str:
    return quote(url, safe="/:?#[]@!$&'*+,;=%-._~")


def _safe_html(text: str, ctx: MarkdownContext, holds: _Placeholders) -> str:
    if not ctx.allow_html:
        return text.replace("<", "&lt;")
    out: list[str] = []
    index = 0
    while True:
        found = text.find("<", index)
        if found < 0:
            out.append(text[index:])
            break
        out.append(text[index:found])
        if text.startswith("<!--", found):
            end = text.find("-->", found + 4)
            if end >= 0:
                index = end + 3  # comments are notes to editors: dropped
                continue
        match = _TAG.match(text, found)
        if match and match.group(2).lower() in ALLOWED_PAGE_TAGS:
            out.append(holds.put(_rebuild_tag(match)))
            index = match.end()
            continue
        out.append("&lt;")
        index = found + 1
    return "".join(out)


def _rebuild_tag(match: re.Match[str]) -> str:
    closing, name, attributes, self_closing = match.groups()
    name = name.lower()
    if closing:
        return f"</{name}>"
    kept = []
    for attr in _ATTR.finditer(attributes):
        key = attr.group(1).lower()
        value = next((v for v in attr.groups()[1:] if v is not None), "")
        value = html.unescape(value)
        if key not in _ALLOWED_ATTRS:
            continue
        if key in ("href", "src"):
            scheme = link_scheme(value)
            if (scheme is not None and scheme not in _SAFE_SCHEMES) or value.strip().startswith(
                "//"
            ):
                continue
            if key == "src" and scheme == "mailto":
                continue
        kept.append(f'{key}="{html.escape(value, quote=True)}"')
    attrs = (" " + " ".join(kept)) if kept else ""
    return f"<{name}{attrs}{' /' if self_closing else ''}>"


def table_cell(markdown: str, ctx: MarkdownContext | None = None) -> str:
    """Markdown for one table cell: one line, pipes escaped (already-safe text expected)."""
    if ctx is not None:
        return safe_markdown(markdown, ctx)
    text = re.sub(r"\n[ \t]*\n\s*", "<br><br>", markdown.strip())
    return text.replace("\n", " ").replace("|", "&#124;")


# --------------------------------------------------------------------------------------------
# Schemas: types, fields, models
# --------------------------------------------------------------------------------------------


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref: str = schema["$ref"]
        if ref.startswith("#/components/schemas/"):
            return ref.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
    return None


@dataclass
class _Schemas:
    """Named components and where the models page puts them."""

    components: JsonDict
    models_page: str | None
    anchors: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        used: set[str] = set()
        for name in self.components:
            anchor = "model-" + slug(name)
            while anchor in used:
                anchor += "-1"
            used.add(anchor)
            self.anchors[name] = anchor

    def resolve(self, schema: Any) -> tuple[JsonDict, str | None]:
        """Follow `$ref` (bounded) to a schema; also the first component name on the way."""
        first: str | None = None
        for _ in range(20):
            name = _ref_name(schema)
            if name is None:
                break
            first = first or name
            schema = self.components.get(name, {})
        return (schema if isinstance(schema, dict) else {}), first

    def model_link(self, name: str, page: str, as_html: bool = False) -> str:
        """A link to a model's entry: Markdown, or HTML for generator-made HTML blocks (whose
        `.md` links the mkdocs plugin turns into site URLs)."""
        label = plain_text(name)
        if self.models_page is None or name not in self.anchors:
            return label
        url = f"{relative_link(page, self.models_page)}#{self.anchors[name]}"
        return f'<a href="{html.escape(url)}">{label}</a>' if as_html else f"[{label}]({url})"

    def variants(self, schema: JsonDict) -> tuple[list[Any], bool]:
        """The non-null alternatives of a schema, and whether null is allowed."""
        nullable = False
        options: list[Any] = []
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                for option in schema[key]:
                    if isinstance(option, dict) and option.get("type") == "null":
                        nullable = True
                    else:
                        options.append(option)
        types = schema.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
        elif types == "null":
            nullable = True
        if schema.get("nullable") is True:
            nullable = True
        return options, nullable

    def type_label(self, schema: Any, page: str, depth: int = 0, as_html: bool = False) -> str:
        """Markdown (or HTML) for a schema's type: names link to their model."""
        name = _ref_name(schema)
        if name is not None:
            return self.model_link(name, page, as_html)
        if not isinstance(schema, dict) or depth > 6:
            return "any"
        options, _ = self.variants(schema)
        if options:
            labels = _unique(self.type_label(o, page, depth + 1, as_html) for o in options)
            return " or ".join(labels)
        types = schema.get("type")
        names = [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
        names = [t for t in names if t != "null"] or (["null"] if types else [])
        if not names:
            if "properties" in schema or "additionalProperties" in schema:
                names = ["object"]
            elif "items" in schema:
                names = ["array"]
            elif "enum" in schema or "const" in schema:
                names = ["enum"]
            else:
                return "any"
        labels = []
        for type_name in names:
            if type_name == "array":
                items = schema.get("items")
                labels.append(
                    f"array of {self.type_label(items, page, depth + 1, as_html)}"
                    if items
                    else "array"
                )
            elif (
                type_name == "object"
                and not schema.get("properties")
                and isinstance(schema.get("additionalProperties"), dict)
            ):
                labels.append(
                    "map of "
                    + self.type_label(schema["additionalProperties"], page, depth + 1, as_html)
                )
            else:
                labels.append(plain_text(type_name))
        return " or ".join(_unique(labels))

    def format_label(self, schema: Any, as_html: bool = False) -> str:
        resolved, _ = self.resolve(schema)
        options, _ = self.variants(resolved)
        formats = _unique(
            str(s["format"])
            for s in [resolved, *options]
            if isinstance(s, dict) and s.get("format")
        )
        enum = resolved.get("enum")
        parts = [plain_text(f) for f in formats]
        if isinstance(enum, list) and enum:
            code = html_code_span if as_html else code_span
            shown = ", ".join(code(json.dumps(v, ensure_ascii=False)) for v in enum[:8])
            parts.append("one of " + shown + (", …" if len(enum) > 8 else ""))
        return "; ".join(parts)

    def refs_in(self, schema: Any) -> set[str]:
        """Every component a schema uses, directly or through other components."""
        found: set[str] = set()
        stack = [schema]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                name = _ref_name(node)
                if name is not None and name not in found:
                    found.add(name)
                    stack.append(self.components.get(name))
                stack.extend(v for k, v in node.items() if k != "$ref")
            elif isinstance(node, list):
                stack.extend(node)
        return found


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


@dataclass(frozen=True)
class FieldRow:
    """One row of a fields table (already-safe Markdown, or HTML, in each cell; the
    description is always Markdown)."""

    path: str
    type: str
    nullable: str
    format: str
    example: str
    description: str = ""
    required: str = ""
    summary: str = ""  # type, format and nullability in one cell


def _example_cell(value: Any, present: bool, as_html: bool) -> str:
    if not present or isinstance(value, dict | list) and value:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 60:
        text = text[:57] + "…"
    return html_code_span(text) if as_html else code_span(text)


def field_rows(
    schemas: _Schemas,
    schema: Any,
    example: Any,
    page: str,
    ctx: MarkdownContext,
    as_html: bool = False,
) -> tuple[list[FieldRow], int]:
    """Rows for the fields of a body schema, and the number left out over the row limit;
    cells in Markdown, or with `as_html` in HTML (for an HTML table).

    Inline nested objects are expanded (`owner.name`, `items[].id`, map values as `tags.*`);
    a named model is not: its row links to the model, described once on the models page.
    Example values come from the example body, following the same path.
    """
    rows: list[FieldRow] = []
    skipped = 0

    def walk(node: Any, sample: Any, prefix: str, depth: int) -> None:
        nonlocal skipped
        resolved, _ = schemas.resolve(node)
        options, _ = schemas.variants(resolved)
        objects = [schemas.resolve(o)[0] for o in options]
        objects = [o for o in objects if isinstance(o.get("properties"), dict)]
        if len(objects) == 1:
            resolved = objects[0]  # `T or null`: the fields of T
        if _is_array(resolved):
            first = sample[0] if isinstance(sample, list) and sample else None
            # A top-level array is said in words above the table; nested ones show as `name[]`.
            walk(resolved.get("items"), first, prefix + "[]" if prefix else "", depth)
            return
        properties = resolved.get("properties")
        if not isinstance(properties, dict):
            values = resolved.get("additionalProperties")
            if (
                isinstance(values, dict)
                and _expandable(schemas, values)
                and depth < _MAX_FIELD_DEPTH
            ):
                first = next(iter(sample.values()), None) if isinstance(sample, dict) else None
                walk(values, first, prefix + ".*", depth + 1)
            return
        required = set(resolved.get("required") or [])
        for name, prop in properties.items():
            if len(rows) >= _MAX_FIELD_ROWS:
                skipped += 1
                continue
            path = f"{prefix}.{name}" if prefix else name
            present = isinstance(sample, dict) and name in sample
            value = sample.get(name) if isinstance(sample, dict) else None
            prop_resolved, _ = schemas.resolve(prop)
            nullable = (
                schemas.variants(prop_resolved)[1]
                or schemas.variants(prop if isinstance(prop, dict) else {})[1]
            )
            type_label = schemas.type_label(prop, page, as_html=as_html)
            format_label = schemas.format_label(prop, as_html)
            rows.append(
                FieldRow(
                    path=html_code_span(path) if as_html else code_span(path),
                    type=type_label,
                    nullable="yes" if nullable else "no",
                    format=format_label,
                    summary=type_label
                    + (f" ({format_label})" if format_label else "")
                    + (", nullable" if nullable else ""),
                    example=_example_cell(value, present, as_html),
                    description=safe_markdown(str(prop_resolved.get("description") or ""), ctx),
                    required="yes" if name in required else "no",
                )
            )
            if _expandable(schemas, prop) and depth + 1 < _MAX_FIELD_DEPTH:
                walk(prop, value, path, depth + 1)

    walk(schema, example, "", 0)
    return rows, skipped


def _is_array(schema: JsonDict) -> bool:
    types = schema.get("type")
    return (
        types == "array"
        or (isinstance(types, list) and "array" in types)
        or (types is None and "items" in schema)
    )


def _expandable(schemas: _Schemas, schema: Any) -> bool:
    """Whether a field's schema has fields of its own to list here (inline, not a model)."""
    if _ref_name(schema) is not None or _ref_in_array(schemas, schema):
        return False
    resolved, _ = schemas.resolve(schema)
    options, _ = schemas.variants(resolved)
    if any(_ref_name(o) is not None for o in options):
        return False
    return True


def _ref_in_array(schemas: _Schemas, schema: Any) -> bool:
    resolved, _ = schemas.resolve(schema)
    while _is_array(resolved):
        items = resolved.get("items")
        if _ref_name(items) is not None:
            return True
        resolved, _ = schemas.resolve(items)
    return False


# --------------------------------------------------------------------------------------------
# HTTP examples: parsing raw text for the samples
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawHttp:
    """A raw HTTP message split into its start line, headers and body (text)."""

    start: str
    headers: tuple[tuple[str, str], ...]
    body: str

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def parse_raw_http(text: str | None) -> RawHttp | None:
    """Split example text as the descriptor wrote it; None when there is none."""
    if not text or not text.strip():
        return None
    text = text.replace("\r\n", "\n").lstrip("\n")
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    headers = []
    for line in lines[1:]:
        if ":" in line:
            key, _, value = line.partition(":")
            headers.append((key.strip(), value.strip()))
    return RawHttp(lines[0].strip(), tuple(headers), body)


# --------------------------------------------------------------------------------------------
# The site: where each page goes, and the views the templates render
# --------------------------------------------------------------------------------------------


_KEY = X + "docs-key"  # added to the renderer's copies only: unique even if operationIds are not


def _operations(openapi: JsonDict) -> list[JsonDict]:
    """Copies of every operation with its method and path, each with a unique `_KEY`."""
    out = []
    for path, item in openapi.get("paths", {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and method in item:
                out.append(dict(item[method], **{X + "method": method.upper(), X + "path": path}))
    out.extend(dict(op) for op in openapi.get(X + "documented-only", []))
    seen: set[str] = set()
    for op in out:
        key = base = str(op.get("operationId") or "operation")
        number = 2
        while key in seen:
            key = f"{base}-{number}"
            number += 1
        seen.add(key)
        op[_KEY] = key
    return out


def _order(item: JsonDict) -> tuple[int, str]:
    order = item.get(X + "sidebar-order")
    return (
        order if isinstance(order, int) else LAST,
        str(item.get("summary") or item.get("name") or ""),
    )


def _folder_page(folder: str) -> str:
    return (
        "/".join(slug(part) for part in folder.split("/")) + "/index.md" if folder else "index.md"
    )


def _avoid_non_doc_folders(path: str) -> str:
    head, sep, rest = path.partition("/")
    if sep and head in NON_DOC_FOLDERS:
        return f"{head}-docs/{rest}"
    return path


@dataclass
class _SectionPage:
    path: str  # folder relative to the input
    title: str
    page: str
    order: int
    intro: str
    intro_source_dir: str
    tag: JsonDict | None
    source: str | None = None  # the folder's index.md, for the edit link


@dataclass
class _Site:
    openapi: JsonDict
    config: Config
    operations: list[JsonDict]
    section_pages: list[_SectionPage]
    carried_pages: list[Page]
    page_of_op: dict[str, str]
    page_of_source: dict[str, str]
    section_of_folder: dict[str, _SectionPage]
    root_pages: list[Page]
    targets: LinkTargets
    schemas: _Schemas
    models_page: str | None
    root_intro: str
    root_title: str
    # Operations by section folder, sorted; filled on first use.
    _members: dict[str, list[JsonDict]] | None = None
    # The client's method for each route (METHOD, path template); filled on first use.
    _calls: dict[tuple[str, str], tuple[str, OperationView]] | None = None

    @classmethod
    def plan(
        cls, openapi: JsonDict, pages: Sequence[Page], sections: Sequence[Section], config: Config
    ) -> _Site:
        """Decide every page's path (unique, never inside the client package's folder)."""
        taken: set[str] = {"index.md", OPENAPI_FILE, DESCRIPTOR_SCHEMA_FILE, STYLESHEET, NAV_FILE}

        def claim(path: str) -> str:
            path = _avoid_non_doc_folders(path)
            base, candidate, number = path[: -len(".md")], path, 2
            while candidate in taken:
                candidate = f"{base}-{number}.md"
                number += 1
            taken.add(candidate)
            return candidate

        by_folder = {s.path: s for s in sections}
        tags = [t for t in openapi.get("tags", []) if isinstance(t, dict)]
        section_pages: list[_SectionPage] = []
        section_of_folder: dict[str, _SectionPage] = {}
        for tag in tags:
            folder = str(tag.get(X + "section", ""))
            record = by_folder.get(folder)
            wanted = str(tag.get(X + "page") or _folder_page(folder))
            page = "index.md" if wanted == "index.md" else claim(wanted)
            order = tag.get(X + "sidebar-order")
            item = _SectionPage(
                path=folder,
                title=str(tag.get("name") or (record.title if record else folder)),
                page=page,
                order=order if isinstance(order, int) else LAST,
                intro=str(tag.get("description") or (record.intro if record else "")),
                intro_source_dir=folder,
                tag=tag,
                source=record.source if record else None,
            )
            section_pages.append(item)
            section_of_folder[folder] = item
        page_folders = {p.section for p in pages}
        for record in sections:
            if record.path in section_of_folder or not record.path:
                continue
            if record.source is None and not any(
                f == record.path or f.startswith(record.path + "/") for f in page_folders
            ):
                continue
            item = _SectionPage(
                path=record.path,
                title=record.title,
                page=claim(_folder_page(record.path)) if record.source else "",
                order=record.sidebar_order if record.sidebar_order is not None else LAST,
                intro=record.intro,
                intro_source_dir=record.path,
                tag=None,
                source=record.source,
            )
            section_pages.append(item)
            section_of_folder[record.path] = item
        operations = _operations(openapi)
        page_of_op: dict[str, str] = {}
        for op in operations:
            page_of_op[op[_KEY]] = claim(str(op.get(X + "page") or slug(op["operationId"]) + ".md"))
        page_of_source: dict[str, str] = {}
        for op in operations:
            if isinstance(op.get(X + "source"), str):
                page_of_source[op[X + "source"]] = page_of_op[op[_KEY]]
        carried: list[Page] = []
        root = by_folder.get("")
        for page_record in pages:
            if page_record.stem == "index":
                # A folder's index.md is its section's introduction (the root's: the home page's).
                section = section_of_folder.get(page_record.section)
                page_of_source[page_record.source] = (
                    section.page if section and section.page else "index.md"
                )
                continue
            carried.append(page_record)
        for page_record in carried:
            if page_record.source in page_of_source:
                continue
            parts = [slug(p) for p in page_record.section.split("/")] if page_record.section else []
            stem = slug(page_record.stem)
            page_of_source[page_record.source] = claim("/".join([*parts, stem + ".md"]))
        components = openapi.get("components", {}).get("schemas", {}) or {}
        models_page = claim("models.md") if components else None
        outputs = set(taken) | set(page_of_source.values())
        targets = LinkTargets(by_source=dict(sorted(page_of_source.items())), outputs=outputs)
        texts: list[str] = [p.body for p in pages] + [s.intro for s in sections]
        texts += [str(op.get("description") or "") for op in operations]
        texts += [str(tag.get("description") or "") for tag in tags]
        targets.learn_prefix(texts)
        return cls(
            openapi=openapi,
            config=config,
            operations=operations,
            section_pages=section_pages,
            carried_pages=carried,
            page_of_op=page_of_op,
            page_of_source=page_of_source,
            section_of_folder=section_of_folder,
            root_pages=[p for p in carried if not p.section],
            targets=targets,
            schemas=_Schemas(components, models_page),
            models_page=models_page,
            root_intro=root.intro if root else "",
            root_title=str(openapi.get("info", {}).get("title") or (root.title if root else "API")),
        )

    # ---- shared helpers -----------------------------------------------------------------

    def ctx(self, page: str, source_dir: str, **options: Any) -> MarkdownContext:
        return MarkdownContext(self.targets, page, source_dir, **options)

    def summary(self) -> JsonDict:
        return {
            "title": plain_text(self.root_title),
            "version": plain_text(self.openapi.get("info", {}).get("version", "")),
            "package": self.config.package,
        }

    def python_call(self, method: str, path: str) -> tuple[str, OperationView] | None:
        """(section attribute, method view) of the client method that calls this route."""
        if self._calls is None:
            self._calls = {
                (op.http_method, op.path): (group.attribute, op)
                for group in build_groups(self.openapi, {})
                for op in group.operations
            }
        return self._calls.get((method.upper(), path))

    def members(self, folder: str) -> list[JsonDict]:
        """Operations of a section, in sidebar order then title."""
        if self._members is None:
            grouped: dict[str, list[JsonDict]] = {}
            for op in self.operations:
                grouped.setdefault(self._folder_of(op), []).append(op)
            self._members = {key: sorted(ops, key=_order) for key, ops in grouped.items()}
        return list(self._members.get(folder, []))

    def _folder_of(self, op: JsonDict) -> str:
        source = op.get(X + "source")
        if isinstance(source, str):
            return posixpath.dirname(source)
        tag = (op.get("tags") or [""])[0]
        for section in self.section_pages:
            if section.tag is not None and section.tag.get("name") == tag:
                return section.path
        return ""

    def _page_order(self, page: Page) -> tuple[int, str]:
        return (page.sidebar_order if page.sidebar_order is not None else LAST, page.title)

    def _children(self, folder: str) -> list[tuple[int, str, str, Any]]:
        """What a folder holds, ordered: (order, title, kind, item) with kind op, page, section."""
        items: list[tuple[int, str, str, Any]] = []
        for op in self.members(folder):
            order, title = _order(op)
            items.append((order, title, "op", op))
        for page in self.carried_pages:
            if page.section == folder and page.stem != "index":
                order, title = self._page_order(page)
                items.append((order, title, "page", page))
        for section in self.section_pages:
            if section.path and posixpath.dirname(section.path) == folder:
                items.append((section.order, section.title, "section", section))
        return sorted(items, key=lambda item: (item[0], item[1], item[2]))

    def endpoint_rows(self, folder: str, page: str) -> list[JsonDict]:
        """A section's endpoints as cells of an HTML table."""
        rows = []
        for op in self.members(folder):
            target = html.escape(relative_link(page, self.page_of_op[op[_KEY]]))
            rows.append(
                {
                    "title": f'<a href="{target}">{plain_text(op.get("summary") or op["operationId"])}</a>',
                    "method": plain_text(op.get(X + "method", "")),
                    "path": html_code_span(op.get(X + "path")) if op.get(X + "path") else "—",
                    "deprecated": bool(op.get("deprecated")),
                }
            )
        return rows

    def page_links(self, folder: str, page: str) -> list[JsonDict]:
        links = []
        for _, title, kind, item in self._children(folder):
            if kind == "page":
                links.append(
                    {
                        "title": plain_text(title),
                        "url": relative_link(page, self.page_of_source[item.source]),
                    }
                )
            elif kind == "section" and item.page:
                links.append({"title": plain_text(title), "url": relative_link(page, item.page)})
        return links

    # ---- views ---------------------------------------------------------------------------

    def section_view(self, section: _SectionPage) -> JsonDict:
        return {
            "title": plain_text(section.title),
            "intro": safe_markdown(section.intro, self.ctx(section.page, section.intro_source_dir)),
            "endpoints": self.endpoint_rows(section.path, section.page),
            "links": self.page_links(section.path, section.page),
            "edit_url": self.edit_url(section.source),
        }

    def page_view(self, page: Page, out: str) -> JsonDict:
        body = safe_markdown(page.body, self.ctx(out, page.section, allow_html=True))
        has_title = bool(re.match(r"\s*#\s", page.body))
        return {
            "title": plain_text(page.title),
            "show_title": not has_title,
            "body": body,
            "edit_url": self.edit_url(page.source),
            "source": page.source,
        }

    def home_view(self) -> JsonDict:
        sections = []
        for section in sorted(self.section_pages, key=lambda s: (s.order, s.title)):
            if "/" in section.path or not section.path or not section.page:
                continue
            sections.append(
                {
                    "title": plain_text(section.title),
                    "url": relative_link("index.md", section.page),
                    "count": len(self.members(section.path)),
                }
            )
        root_tag = self.section_of_folder.get("")
        return {
            "title": plain_text(self.root_title),
            "intro": safe_markdown(self.root_intro, self.ctx("index.md", "", allow_html=True)),
            "sections": sections,
            "endpoints": self.endpoint_rows("", "index.md") if root_tag else [],
            "links": [
                {
                    "title": plain_text(p.title),
                    "url": relative_link("index.md", self.page_of_source[p.source]),
                }
                for p in sorted(self.root_pages, key=self._page_order)
            ],
            "openapi": OPENAPI_FILE,
            "descriptor_schema": DESCRIPTOR_SCHEMA_FILE,
            "models": self.models_page,
            "operations": len(self.operations),
            "package": self.config.package,
        }

    def models_view(self) -> JsonDict:
        page = self.models_page or "models.md"
        users: dict[str, list[JsonDict]] = {name: [] for name in self.schemas.components}
        for op in sorted(self.operations, key=lambda o: str(o.get("summary") or "")):
            used = self.schemas.refs_in(
                [op.get("requestBody"), op.get("responses"), op.get("parameters")]
            )
            for name in sorted(used):
                if name in users:
                    users[name].append(
                        {
                            "title": plain_text(op.get("summary") or op["operationId"]),
                            # In an HTML block (like the title, entity-encoded text).
                            "url": html.escape(relative_link(page, self.page_of_op[op[_KEY]])),
                            "method": plain_text(op.get(X + "method", "")),
                        }
                    )
        models = []
        ctx = self.ctx(page, "")
        cell_ctx = self.ctx(page, "", cell=True)
        for name, schema in self.schemas.components.items():
            resolved, _ = self.schemas.resolve(schema)
            # An HTML table unless a field has a description (Markdown, which only Markdown
            # renders): inferred models rarely have any.
            rows, skipped = field_rows(self.schemas, schema, None, page, cell_ctx, as_html=True)
            as_html = not any(row.description for row in rows)
            if not as_html:
                rows, skipped = field_rows(self.schemas, schema, None, page, cell_ctx)
            top_level = [
                r
                for r in rows
                if "." not in html.unescape(r.path) and "[]" not in html.unescape(r.path)
            ]
            models.append(
                {
                    "name": plain_text(name),
                    "anchor": self.schemas.anchors[name],
                    "description": safe_markdown(str(resolved.get("description") or ""), ctx),
                    "type": self.schemas.type_label(resolved, page)
                    if not resolved.get("properties")
                    else "object",
                    "fields": rows,
                    "fields_as_html": as_html,
                    "top_level": top_level,
                    "skipped": skipped,
                    "users": users[name],
                }
            )
        return {"models": models}

    def edit_url(self, source: str | None) -> str | None:
        repo = self.config.repo_url
        if not source or not repo or link_scheme(repo) not in ("http", "https"):
            return None
        edit = (self.config.edit_uri or "edit/main/").strip("/")
        return _encode_url(f"{repo.rstrip('/')}/{edit}/{source}")

    # ---- navigation ----------------------------------------------------------------------

    def nav(self) -> list[JsonDict]:
        """The navigation tree: plain titles (the plugin escapes them for HTML)."""
        entries: list[JsonDict] = [{"title": "Home", "page": "index.md"}]
        entries.extend(self._nav_folder(""))
        if self.models_page:
            entries.append({"title": "Models", "page": self.models_page})
        return entries

    def _nav_folder(self, folder: str) -> list[JsonDict]:
        out: list[JsonDict] = []
        children = self._children(folder)
        groups = resource_groups([item for _, _, kind, item in children if kind == "op"])
        placed: set[str] = set()
        for _, title, kind, item in children:
            if kind == "op":
                group = groups.get(item[_KEY])
                if group is None:
                    out.append({"title": title, "page": self.page_of_op[item[_KEY]]})
                elif group[0] not in placed:
                    # A large section's endpoints, grouped by resource: with navigation.prune
                    # each page then lists one group, not the whole section.
                    placed.add(group[0])
                    members = [
                        c for c in children if c[2] == "op" and groups.get(c[3][_KEY]) == group
                    ]
                    out.append(
                        {
                            "title": group[1],
                            "children": [
                                {"title": t, "page": self.page_of_op[op[_KEY]]}
                                for _, t, _, op in members
                            ],
                        }
                    )
            elif kind == "page":
                out.append({"title": title, "page": self.page_of_source[item.source]})
            else:
                nested = self._nav_folder(item.path)
                if item.page:
                    nested.insert(0, {"title": title, "page": item.page})
                if nested:
                    out.append({"title": title, "children": nested})
        return out


NAV_GROUP_THRESHOLD = 30


def resource_groups(operations: Sequence[JsonDict]) -> dict[str, tuple[str, str]]:
    """Operation (its docs key, else its id) -> (key, title) of its resource group, for
    sections over the threshold.

    The resource is the path segment after the segment most of the section shares (for
    `/repos/{owner}/{repo}/actions/runners/{id}` in a section mostly under `actions`: `runners`);
    for a path without that segment, the segment after its first one.
    Groups of one stay ungrouped; a section that would make fewer than two groups is not grouped.
    """
    if len(operations) <= NAV_GROUP_THRESHOLD:
        return {}
    literals: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for op in operations:
        path = op.get(X + "path")
        if not isinstance(path, str):
            continue
        segments = [s for s in path.split("/") if s and "{" not in s]
        literals[str(op.get(_KEY) or op.get("operationId"))] = segments
        for segment in set(segments):
            counts[segment] = counts.get(segment, 0) + 1
    if not counts:
        return {}
    anchor, share = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    if share * 2 < len(operations):
        return {}
    keys: dict[str, str] = {}
    for op_id, segments in literals.items():
        if anchor in segments and segments.index(anchor) + 1 < len(segments):
            keys[op_id] = segments[segments.index(anchor) + 1]
        elif anchor not in segments and len(segments) > 1:
            # Outside the common prefix (`/repos/{o}/{r}/environments/...` among `actions/`
            # paths): the resource after the scope segment.
            keys[op_id] = segments[1]
    sizes: dict[str, int] = {}
    for key in keys.values():
        sizes[key] = sizes.get(key, 0) + 1
    keys = {op_id: key for op_id, key in keys.items() if sizes[key] > 1}
    if len(set(keys.values())) < 2:
        return {}
    return {op_id: (key, _group_title(key)) for op_id, key in keys.items()}


def _group_title(key: str) -> str:
    text = " ".join(re.split(r"[-_.\s]+", key)).strip() or key
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------------------------
# Endpoint pages
# --------------------------------------------------------------------------------------------


class _EndpointView:
    """Everything an endpoint page shows, each piece safe for where the template puts it."""

    def __init__(self, op: JsonDict, page: str, site: _Site) -> None:
        self.op = op
        self.page = page
        self.site = site
        source = op.get(X + "source")
        self.source_dir = posixpath.dirname(source) if isinstance(source, str) else ""
        self.md = site.ctx(page, self.source_dir, demote_headings=2)
        self.cell_ctx = site.ctx(page, self.source_dir, cell=True)
        examples = op.get(X + "examples") or {}
        self.request = parse_raw_http(
            examples.get("request") if isinstance(examples, dict) else None
        )
        self.response = parse_raw_http(
            examples.get("response") if isinstance(examples, dict) else None
        )
        self.raw_request = examples.get("request") if isinstance(examples, dict) else None

    def as_dict(self) -> JsonDict:
        op = self.op
        method = str(op.get(X + "method", "GET")).upper()
        path = op.get(X + "path")
        return {
            "title": plain_text(op.get("summary") or op["operationId"]),
            "method": plain_text(method),
            "method_class": re.sub(r"[^a-z]", "", method.lower()),
            # The method badge line is a raw HTML block: Markdown does not read inside it, so
            # HTML escaping is all the path needs (and it stays readable in the Markdown).
            "path": f"<code>{html.escape(str(path))}</code>" if path else None,
            "deprecated": bool(op.get("deprecated")),
            "warning": safe_markdown(op.get(X + "warning"), self.md),
            "description": safe_markdown(op.get("description"), self.md),
            "parameters": self.parameter_groups(),
            "body": self.body_view(),
            "authentication": self.authentication(),
            "samples": self.samples(),
            "response": self.response_view(),
            "pagination": self.pagination(),
            # The footer is an HTML block: HTML values from here on.
            "edit_url": _attribute(
                self.site.edit_url(
                    op.get(X + "source") if isinstance(op.get(X + "source"), str) else None
                )
            ),
            "source": html_code_span(op.get(X + "source")) if op.get(X + "source") else None,
            "operation_id": html_code_span(op["operationId"]),
            "openapi_url": html.escape(relative_link(self.page, OPENAPI_FILE)),
            "section": self.section_link(),
        }

    def section_link(self) -> JsonDict | None:
        section = self.site.section_of_folder.get(self.source_dir)
        if section is None or not section.page:
            return None
        url = html.escape(relative_link(self.page, section.page))
        return {"title": plain_text(section.title), "url": url}

    # ---- parameters ----------------------------------------------------------------------

    def parameter_groups(self) -> list[JsonDict]:
        params = [p for p in self.op.get("parameters") or [] if isinstance(p, dict)]
        groups = []
        for location, heading in (
            ("path", "Path parameters"),
            ("query", "Query parameters"),
            ("header", "Header parameters"),
        ):
            rows = [self._param_row(p) for p in params if p.get("in") == location]
            if rows:
                groups.append({"heading": heading, "rows": rows})
        return groups

    def _param_row(self, param: JsonDict) -> JsonDict:
        schema = param.get("schema") or {}
        return {
            "name": code_span(param.get("name", "")),
            "type": self.site.schemas.type_label(schema, self.page),
            "format": self.site.schemas.format_label(schema),
            "required": "yes" if param.get("required") else "no",
            "description": safe_markdown(str(param.get("description") or ""), self.cell_ctx),
        }

    def _body_content(self) -> tuple[str, JsonDict] | None:
        body = self.op.get("requestBody")
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("content"), dict)
            or not body["content"]
        ):
            return None
        media = next(iter(body["content"]))
        content = body["content"][media]
        return media, content if isinstance(content, dict) else {}

    def body_view(self) -> JsonDict | None:
        found = self._body_content()
        if found is None:
            return None
        media, content = found
        schema, _ = self.site.schemas.resolve(content.get("schema") or {})
        rows = []
        required = set(schema.get("required") or [])
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, prop in properties.items():
                prop_resolved, _ = self.site.schemas.resolve(prop)
                rows.append(
                    {
                        "name": code_span(name),
                        "type": self.site.schemas.type_label(prop, self.page),
                        "format": self.site.schemas.format_label(prop),
                        "required": "yes" if name in required else "no",
                        "description": safe_markdown(
                            str(prop_resolved.get("description") or ""), self.cell_ctx
                        ),
                    }
                )
        model = _ref_name(content.get("schema"))
        return {
            "media": code_span(media),
            "rows": rows,
            "model": self.site.schemas.model_link(model, self.page) if model else None,
            "type": self.site.schemas.type_label(content.get("schema") or {}, self.page)
            if not rows
            else None,
        }

    def authentication(self) -> JsonDict | None:
        text = self.op.get(X + "authentication")
        security = self.op.get("security") or []
        bearer = any(isinstance(s, dict) and "bearerAuth" in s for s in security)
        if not text and not bearer:
            return None
        return {
            "text": safe_markdown(str(text), self.md) if text else "",
            "bearer": bearer,
            "token_env": html_code_span(self._token_env()),  # in an HTML block
        }

    def _token_env(self) -> str:
        name = self.site.config.token_env
        return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,100}", name) else "API_TOKEN"

    def _base_url_env(self) -> str:
        name = self.site.config.base_url_variable
        return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,100}", name) else "API_BASE_URL"

    def pagination(self) -> str:
        info = self.op.get(X + "pagination")
        if not isinstance(info, dict):
            return ""
        rel = plain_text(info.get("rel", "next"))
        parts = [
            f"This endpoint returns results one page at a time. The `Link` response header holds the "
            f'URL of the next page (`rel="{rel}"`); follow it until there is none'
        ]
        if info.get("results-parameter"):
            parts[0] += f' or its {code_span(info["results-parameter"])} attribute is `"false"`'
        parts[0] += "."
        if info.get("cursor-parameter"):
            parts.append(
                f"The page position travels in the {code_span(info['cursor-parameter'])} query parameter."
            )
        return " ".join(parts)

    # ---- code samples --------------------------------------------------------------------

    def samples(self) -> list[JsonDict]:
        http_text = self._http_sample()
        return [
            {"label": "HTTP", "code": code_block(http_text, "http", indent=4)},
            {"label": "curl", "code": code_block(self._curl_sample(), "bash", indent=4)},
            {"label": "Python", "code": code_block(self._python_sample(), "python", indent=4)},
        ]

    def _path_values(self) -> dict[str, str]:
        """Path parameter values from the example request's path, matched to the template."""
        template = self.op.get(X + "path")
        if not template or self.request is None:
            return {}
        parts = self.request.start.split()
        if len(parts) < 2:
            return {}
        target = urlsplit(parts[1]).path if "://" in parts[1] else parts[1].split("?", 1)[0]
        return template_values(template, target) or {}

    def _query_values(self) -> list[tuple[str, str]]:
        if self.request is None:
            return []
        parts = self.request.start.split()
        if len(parts) < 2 or "?" not in parts[1]:
            return []
        from urllib.parse import parse_qsl

        return parse_qsl(parts[1].split("?", 1)[1], keep_blank_values=True)

    def _base_url(self) -> str:
        host = self.request.header("Host") if self.request else None
        if host and re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?", host):
            local = host.split(":")[0] in ("localhost", "127.0.0.1")
            return f"{'http' if local else 'https'}://{host}"
        servers = self.site.openapi.get("servers") or [{}]
        url = str(servers[0].get("url") or "")
        return (
            url.rstrip("/")
            if url.startswith(("http://", "https://"))
            else "https://api.example.com"
        )

    def _request_target(self) -> str:
        """The path and query the samples call: the example request's, when its path fits
        the documented path; else the documented path with each placeholder filled from the
        example or named in capitals for the reader to replace (`/teams/TEAM_SLUG/`)."""
        template = self.op.get(X + "path")
        target = None
        if self.request is not None:
            parts = self.request.start.split()
            if len(parts) >= 2:
                target = parts[1]
                if "://" in target:
                    split = urlsplit(target)
                    target = split.path + ("?" + split.query if split.query else "")
        if target is not None and (
            not isinstance(template, str)
            or template_values(template, target.split("?")[0]) is not None
        ):
            return target
        values = self._path_values()
        query = target.partition("?")[2] if target is not None else ""
        path = re.sub(
            r"\{([^{}]*)\}",
            lambda m: quote(values.get(m.group(1)) or m.group(1).upper() or "VALUE", safe=""),
            str(template or "/"),
        )
        return path + ("?" + query if query else "")

    def _method(self) -> str:
        return str(self.op.get(X + "method", "GET")).upper()

    def _http_sample(self) -> str:
        if self.raw_request and self.raw_request.strip():
            return str(self.raw_request).strip("\n")
        lines = [
            f"{self._method()} {self._request_target()} HTTP/1.1",
            f"Host: {urlsplit(self._base_url()).netloc}",
        ]
        if self.authentication() and self.authentication()["bearer"]:  # type: ignore[index]
            lines.append("Authorization: Bearer <token>")
        return "\n".join(lines)

    def _curl_sample(self) -> str:
        if not self.op.get(X + "path") and self.request is None:
            return "# This endpoint documents no path: there is no request to show."
        method = self._method()
        args = ["curl"]
        if method != "GET":
            args += ["-X", shlex.quote(method)]
        if re.search(r"[\[\]{}]", self._request_target()):
            args.append("--globoff")  # brackets and braces are curl's URL patterns otherwise
        args.append(self._curl_url())
        lines = [" ".join(args)]
        headers = list(self.request.headers) if self.request else []
        has_auth = False
        media = ""
        for key, value in headers:
            lower = key.lower()
            if lower in ("host", "content-length", "connection"):
                continue
            if lower == "content-type":
                media = value.split(";")[0].strip().lower()
                if media.startswith("multipart/"):
                    continue  # curl writes its own boundary for -F
            if lower == "authorization" and value.lower().startswith("bearer "):
                has_auth = True
                lines.append(f'-H "Authorization: Bearer ${self._token_env()}"')
                continue
            lines.append("-H " + shlex.quote(f"{key}: {value}"))
        auth = self.authentication()
        if not has_auth and auth is not None and auth["bearer"]:
            lines.append(f'-H "Authorization: Bearer ${self._token_env()}"')
        found = self._body_content()
        if media.startswith("multipart/") or (found and found[0].startswith("multipart/")):
            files = set(self._file_fields())
            for name, value in self._form_fields():
                if name in files:
                    lines.append("-F " + shlex.quote(f"{name}=@{value.lstrip('@')}"))
                else:  # a value starting with @ or < is text here, never a file to read
                    lines.append("--form-string " + shlex.quote(f"{name}={value}"))
        elif self.request is not None and self.request.body.strip():
            if not any(k.lower() == "content-type" for k, _ in headers):
                lines.append("-H 'Content-Type: application/json'")
            lines.append("--data-raw " + shlex.quote(self.request.body.strip()))
        return " \\\n  ".join(lines)

    def _curl_url(self) -> str:
        """The URL for the shell: the base URL from the environment (`${VAR:-default}`), then
        the example's path, in double quotes where nothing in it is special to the shell."""
        plain = re.compile(r"[A-Za-z0-9/._~%&=?:@+,;*()'-]*")
        default, target = self._base_url(), self._request_target()
        if not plain.fullmatch(default):
            return shlex.quote(default + target)
        base = f'"${{{self._base_url_env()}:-{default}}}'
        if plain.fullmatch(target):
            return f'{base}{target}"'
        return f'{base}"{shlex.quote(target)}'

    def _form_fields(self) -> list[tuple[str, str]]:
        found = self._body_content()
        if found is None:
            return []
        schema, _ = self.site.schemas.resolve(found[1].get("schema") or {})
        example = found[1].get("example")
        fields = []
        for name, prop in (schema.get("properties") or {}).items():
            resolved, _ = self.site.schemas.resolve(prop)
            if resolved.get("format") == "binary":
                fields.append((name, "@" + name))
            elif isinstance(example, dict) and name in example:
                value = example[name]
                fields.append((name, value if isinstance(value, str) else json.dumps(value)))
            else:
                fields.append((name, f"<{name}>"))
        return fields

    def _python_sample(self) -> str:
        """A program that calls the operation as the example request did, with the client's
        own method and argument names; the token and base URL come from the environment."""
        config = self.site.config
        lines = [
            f"from {config.package} import Client",
            "",
            f"# The token comes from ${self._token_env()}; "
            f"${self._base_url_env()} overrides the base URL.",
            "with Client() as client:",
        ]
        path = self.op.get(X + "path")
        found = self.site.python_call(self._method(), path) if isinstance(path, str) else None
        if found is None:
            lines.append("    # The client has no method for this endpoint: it documents no path.")
            lines.append("    pass")
            return "\n".join(lines)
        group, call = found
        arguments = self._python_arguments(call)
        returns = call.return_type != "None"  # a call answered without a body returns None
        head = f"    {'result = ' if returns else ''}client.{group}.{call.name}("
        one_line = head + ", ".join(arguments) + ")"
        if len(one_line) <= 88 and "\n" not in one_line:
            lines.append(one_line)
        else:
            lines.append(head)
            lines.extend(_indent_block(argument, 8) + "," for argument in arguments)
            lines.append("    )")
        if returns:
            lines.append("    print(result)")
        return "\n".join(lines)

    def _python_arguments(self, call: OperationView) -> list[str]:
        """`name=value` for every required argument and for the optional ones the example
        request sets; values typed as the method's annotations want them."""
        path_values = self._path_values()
        query_values: dict[str, list[str]] = {}
        for name, value in self._query_values():
            query_values.setdefault(name, []).append(value)
        arguments: list[str] = []
        for argument in call.arguments:
            if argument.location == "path":
                value = _argument_value(argument, [path_values.get(argument.wire, "")])
            elif argument.location == "query":
                if argument.wire not in query_values and not argument.required:
                    continue
                value = _argument_value(argument, query_values.get(argument.wire, [""]))
            else:
                body = self._body_argument(argument)
                if body is None:
                    continue
                value = body
            arguments.append(f"{argument.name}={value}")
        return arguments

    def _body_argument(self, argument: ArgumentView) -> str | None:
        """The request body argument as the example request sent it (None: leave it out)."""
        found = self._body_content()
        example = found[1].get("example") if found is not None else None
        if argument.location == "body":
            if example is None:
                return "{}" if argument.required else None
            return python_literal(example, indent=8)
        if argument.location == "files":
            fields = self._file_fields()
            if not fields:
                return None
            return python_literal_dict({name: f'open("{name}", "rb")' for name in fields}, indent=8)
        if argument.location == "data":
            values = {
                name: value
                for name, value in (example.items() if isinstance(example, dict) else [])
                if name not in self._file_fields()
            }
            return python_literal(values, indent=8) if values else None
        if self.request is not None and self.request.body.strip():
            return python_literal(self.request.body.strip("\n"), indent=8)
        return '""' if argument.required else None

    def _file_fields(self) -> list[str]:
        """The names of the binary (file) fields of a form body."""
        found = self._body_content()
        if found is None:
            return []
        schema, _ = self.site.schemas.resolve(found[1].get("schema") or {})
        return [
            name
            for name, prop in (schema.get("properties") or {}).items()
            if self.site.schemas.resolve(prop)[0].get("format") == "binary"
        ]

    # ---- example response ----------------------------------------------------------------

    def response_view(self) -> JsonDict | None:
        responses = self.op.get("responses") or {}
        if not isinstance(responses, dict) or not responses:
            return None
        status = next(iter(responses))
        response = responses[status] if isinstance(responses[status], dict) else {}
        if status == "default" and not response.get("content") and self.response is None:
            return {"missing": True, "description": plain_text(response.get("description") or "")}
        is_error = status.isdigit() and int(status) >= 400
        media: str = ""
        content: JsonDict = {}
        if isinstance(response.get("content"), dict) and response["content"]:
            media = next(iter(response["content"]))
            content = (
                response["content"][media] if isinstance(response["content"][media], dict) else {}
            )
        if self.response is not None:
            head_lines = [self.response.start] + [f"{k}: {v}" for k, v in self.response.headers]
        else:
            head_lines = [f"HTTP/1.1 {status} {response.get('description') or ''}".rstrip()]
            if media:
                head_lines.append(f"Content-Type: {media}")
        body_text, cut = self._body_text(content)
        # One `http` block: Pygments' HTTP lexer highlights the body by its Content-Type, and
        # each code block has a fixed cost (a formatter) that adds up over a large site.
        message = "\n".join(head_lines) + ("\n\n" + body_text if body_text else "")
        lines = message.count("\n") + 1
        collapsible = lines > _COLLAPSE_LINES
        rows: list[FieldRow] = []
        skipped = 0
        shape = ""
        if not is_error and content.get("schema") is not None:
            rows, skipped = field_rows(
                self.site.schemas,
                content["schema"],
                content.get("example"),
                self.page,
                self.cell_ctx,
                as_html=True,
            )
            shape = self._shape(content["schema"])
        return {
            "missing": False,
            "status": plain_text(status),
            "reason": plain_text(response.get("description") or ""),
            "is_error": is_error,
            "message": code_block(message, "http", indent=4 if collapsible else 0),
            "media": plain_text(media),
            "lines": lines,
            "collapsible": collapsible,
            "shortened": cut,
            "fields": rows,
            "skipped": skipped,
            "shape": shape,
            "link_header": code_span(response.get("headers", {}).get("Link", {}).get("example", ""))
            if isinstance(response.get("headers"), dict) and "Link" in response["headers"]
            else "",
        }

    def _shape(self, schema: Any) -> str:
        """The sentence above the fields table (HTML: it is in the table's HTML block)."""
        resolved, name = self.site.schemas.resolve(schema)
        label = self.site.schemas.type_label(schema, self.page, as_html=True)
        if _is_array(resolved):
            return f"The response body is an {label}; each item has the fields below."
        if name is not None:
            return f"The response body is a {label} object."
        return ""

    def _body_text(self, content: JsonDict) -> tuple[str, bool]:
        """The example body (structured examples pretty-printed, text ones as captured), cut
        short past `MAX_EXAMPLE_CHARS`; and whether it was."""
        if "example" in content:
            example = content["example"]
            if isinstance(example, str):
                return shortened(example.strip("\n"), MAX_EXAMPLE_CHARS)
            return pretty_json(example, MAX_EXAMPLE_CHARS)
        if self.response is not None and self.response.body.strip():
            return shortened(self.response.body.strip("\n"), MAX_EXAMPLE_CHARS)
        return "", False


def pretty_json(value: Any, limit: int) -> tuple[str, bool]:
    """`json.dumps(value, indent=2)`, or its first lines when it runs past `limit`
    characters (never built whole: a 50 MB body would be 250 MB of text)."""
    chunks: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return shortened("".join(chunks), limit)[0], True
    return "".join(chunks), False


def shortened(text: str, limit: int) -> tuple[str, bool]:
    """`text`, or its first whole lines up to `limit` characters and `MAX_EXAMPLE_LINES`
    lines; and whether it was cut."""
    cut = len(text) if len(text) <= limit else text.rfind("\n", 0, limit)
    cut = cut if cut > 0 else limit
    line_end = -1
    for _ in range(MAX_EXAMPLE_LINES):
        line_end = text.find("\n", line_end + 1, cut)
        if line_end < 0:
            break
    else:
        cut = line_end
    return text[:cut], cut < len(text)


def _template_pieces(template: str) -> list[tuple[int, str | None]]:
    """Literal pieces (index, text) and placeholders (index, None) of a path template."""
    pieces: list[tuple[int, str | None]] = []
    position = 0
    count = 0
    for match in re.finditer(r"\{[^{}]+\}", template):
        pieces.append((-1, template[position : match.start()]))
        pieces.append((count, None))
        count += 1
        position = match.end()
    pieces.append((-1, template[position:]))
    return pieces


def _argument_value(argument: ArgumentView, values: list[str]) -> str:
    """A Python literal of the argument's annotation from the example's text values (a value
    that cannot be that type gives way to a placeholder of the type)."""
    annotation = argument.annotation
    if annotation.startswith("list["):
        item = ArgumentView(argument.name, annotation[5:-1], True, "")
        return "[" + ", ".join(_argument_value(item, [v]) for v in values if v) + "]"
    text = values[0] if values else ""
    if annotation == "int":
        return str(int(text)) if re.fullmatch(r"-?\d{1,18}", text) else "1"
    if annotation == "float":
        try:
            number = float(text)
        except ValueError:
            return "1.0"
        return repr(number) if math.isfinite(number) else "1.0"
    if annotation == "bool":
        return "False" if text.lower() in ("false", "0", "no") else "True"
    return python_literal(text or argument.wire.upper() or "VALUE")


def python_literal_dict(expressions: dict[str, str], indent: int = 0) -> str:
    """A dict literal of string keys and Python expressions (written as they are)."""
    items = [f"{json.dumps(str(k), ensure_ascii=False)}: {v}" for k, v in expressions.items()]
    flat = "{" + ", ".join(items) + "}"
    if len(flat) <= 60:
        return flat
    pad = " " * (indent + 4)
    return "{\n" + "".join(f"{pad}{item},\n" for item in items) + " " * indent + "}"


def python_literal(value: Any, indent: int = 0) -> str:
    """A Python expression for a JSON value (short ones on one line)."""
    flat = _python_flat(value)
    if len(flat) <= 60 or not isinstance(value, dict | list):
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, list):
        inner = [pad + python_literal(v, indent + 4) + "," for v in value]
        return "[\n" + "\n".join(inner) + "\n" + " " * indent + "]"
    items = [
        pad + f"{json.dumps(str(k), ensure_ascii=False)}: {python_literal(v, indent + 4)},"
        for k, v in value.items()
    ]
    return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"


def _python_flat(value: Any) -> str:
    if value is None:
        return "None"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, bytes):
        return 'b""'
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_python_flat(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(str(k), ensure_ascii=False)}: {_python_flat(v)}"
                for k, v in value.items()
            )
            + "}"
        )
    return json.dumps(str(value))


def _indent_block(text: str, amount: int) -> str:
    pad = " " * amount
    return "\n".join(pad + line for line in text.split("\n"))


__all__: list[str] = [
    "NAV_FILE",
    "STYLESHEET",
    "MarkdownContext",
    "LinkTargets",
    "code_block",
    "code_span",
    "generator_comment",
    "plain_text",
    "render_docs",
    "safe_markdown",
]
