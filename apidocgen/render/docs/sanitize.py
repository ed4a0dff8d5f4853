"""Untrusted Markdown (descriptions, titles, examples, hand-written pages) made safe to render,
and the link targets it may use.

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
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from apidocgen.render.docs.markup import code_block, html_code

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


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
        return holds.put(encode_url(relative_link(ctx.page, out)), "liquid")

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
    return holds.put(f"<{encode_url(html.unescape(url))}>")


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
            else held.group(0)[: held.start(2)] + encode_url(held.group(2))
        )
    decoded = html.unescape(destination)
    scheme = link_scheme(decoded)
    if scheme is not None:
        return encode_url(_CONTROL.sub("", decoded)) if scheme in _SAFE_SCHEMES else None
    if decoded.startswith("//"):
        return None  # protocol-relative: another site with whatever scheme the page has
    if decoded.startswith(("/", "#")):
        return encode_url(decoded)
    resolved = ctx.targets.relative(ctx.source_dir, ctx.page, decoded)
    return None if resolved is None else encode_url(resolved)


def encode_url(url: str) -> str:
    """`url` with every character a link target may not hold as it is percent-encoded."""
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
