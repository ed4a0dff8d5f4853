"""A Python-Markdown extension that renders the generator's marked blocks directly.

Most of an API page is made by the generator, not written by people: example messages and code
samples (fenced blocks) and field tables. Python-Markdown would treat them as general Markdown,
block by block and cell by cell, and pymdown-extensions builds a new Pygments formatter for
every code block; on a large API that is most of the `mkdocs build` time. The generator marks
these blocks (see `apidocgen.site_layout`: `CODE_BLOCK_MARK` before a fence it made,
`HTML_BLOCK_OPEN`/`HTML_BLOCK_CLOSE` around HTML it made with all text escaped, `TABLE_MARK`
before a Markdown table it made), and this extension's preprocessor puts them into
Python-Markdown's HTML stash, where the result is kept verbatim:

* a marked fence is highlighted with Pygments as pymdownx.highlight would (same markup and
  classes), reusing one formatter and one lexer per language. This is done only when the site
  uses pymdownx.superfences with highlight options this module knows produce that markup;
  otherwise the fence is left to the site's own extensions;
* a marked HTML block is kept as written;
* a marked Markdown table (parameters, whose descriptions are Markdown) is converted row by row
  with a Markdown instance configured like the site, and each distinct row is converted once
  per build: an API repeats the same parameter (`owner`, `per_page`, ...) on many pages. This
  is done only when the site's extensions keep no page-wide state that a row could depend on
  (abbreviations, footnotes, ...);
* in both, relative links and image sources become the site's URLs for their targets (what
  mkdocs does for the links of Markdown it converts).

Text inside a marked fence is never read as a mark, so descriptor text shown as code cannot
open or close a block. Highlighted code goes through the site's sanitizer like every other
part of the page.

On a machine with more than one CPU, `BlockPrefetch` renders the marked blocks of every page in
a second process while mkdocs works through the pages in the first; whatever is not ready when
a page needs it is rendered on the spot, so the output never depends on it.
"""

from __future__ import annotations

import multiprocessing
import posixpath
import re
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from apidocgen.forking import can_fork
from apidocgen.site_layout import CODE_BLOCK_MARK, HTML_BLOCK_CLOSE, HTML_BLOCK_OPEN, TABLE_MARK

_FENCE = re.compile(r"(`{3,})([A-Za-z0-9_+-]*)")
# Whitespace and punctuation tokens of highlighted code need no span of their own (whitespace
# has no colour; punctuation keeps the code colour): half of all tags on an API page.
PLAIN_TOKEN = re.compile(r'<span class="(?:w|p)">([^<]*)</span>')
# A relative URL in an attribute: no scheme, not absolute, not only a fragment or query.
_RELATIVE_URL = re.compile(
    r'\b(href|src)="(?![A-Za-z][A-Za-z0-9+.-]*:|/|#|\?)([^"#?]+)([?#][^"]*)?"'
)
# Extensions whose output for a table row depends on nothing else in the page. With any other
# extension (abbr and footnotes collect definitions from the whole page), tables are left to
# the page's own conversion.
_ROW_LOCAL_EXTENSIONS = frozenset(
    "admonition attr_list codehilite def_list fenced_code md_in_html meta nl2br sane_lists smarty "
    "tables toc "
    "pymdownx.betterem pymdownx.caret pymdownx.critic pymdownx.details pymdownx.emoji "
    "pymdownx.highlight pymdownx.inlinehilite pymdownx.keys pymdownx.magiclink pymdownx.mark "
    "pymdownx.saneheaders pymdownx.smartsymbols pymdownx.superfences pymdownx.tabbed "
    "pymdownx.tasklist pymdownx.tilde".split()
)
# pymdownx.highlight options whose values this module reproduces: their defaults, or what
# does not change the markup of a block without line numbers or titles.
_HIGHLIGHT_DEFAULTS: dict[str, Any] = {
    "use_pygments": True,
    "css_class": "highlight",
    "guess_lang": False,
    "pygments_lang_class": False,
    "linenums": None,
    "linenums_style": "table",
    "line_spans": "",
    "anchor_linenums": False,
    "line_anchors": "",
    "auto_title": False,
    "stripnl": True,
    "pygments_style": "default",
    "noclasses": False,
    "default_lang": "",
    "language_prefix": "language-",
    "code_attr_on_pre": False,
    "extend_pygments_lang": [],
}
# Resolves an output-relative path (already normalised) to its URL relative to the page being
# rendered, or None when the site has no such file.
LinkResolver = Callable[[str], "str | None"]


def highlight_is_reproducible(extensions: list[Any], configs: dict[str, Any]) -> bool:
    """Whether this module's highlighting matches the site's: pymdownx.superfences and
    pymdownx.highlight in use, with options at values whose markup it reproduces."""
    names = {e for e in extensions if isinstance(e, str)}
    if "pymdownx.superfences" not in names or "pymdownx.highlight" not in names:
        return False
    options = configs.get("pymdownx.highlight") or {}
    return all(
        key in _HIGHLIGHT_DEFAULTS and value == _HIGHLIGHT_DEFAULTS[key]
        for key, value in options.items()
    )


def rows_are_page_independent(extensions: list[Any]) -> bool:
    """Whether every Markdown extension of the site converts a table row by itself alone."""
    for extension in extensions:
        if not isinstance(extension, str):
            return False
        name = extension.removeprefix("markdown.extensions.")
        if name not in _ROW_LOCAL_EXTENSIONS:
            return False
    return True


class TableConverter:
    """Markdown tables to HTML, each distinct row converted once (with its header)."""

    def __init__(self, make_markdown: Callable[[], Markdown]) -> None:
        self._make_markdown = make_markdown
        self._markdown: Markdown | None = None
        self._heads: dict[str, str] = {}
        self._rows: dict[tuple[str, str], str] = {}

    def known(self) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
        """The headers and rows converted so far (to hand to another process)."""
        return self._heads, self._rows

    def learn(self, heads: dict[str, str], rows: dict[tuple[str, str], str]) -> None:
        """Take conversions made elsewhere (by another process, with the same settings)."""
        self._heads.update(heads)
        self._rows.update(rows)

    def prepare(self, tables: list[tuple[str, tuple[str, ...]]]) -> None:
        """Convert the rows not seen yet of several tables, one conversion per header (a
        page's tables: far cheaper than one conversion each)."""
        missing: dict[str, dict[str, None]] = {}
        for head, rows in tables:
            wanted = missing.setdefault(head, {})
            for row in rows:
                if (head, row) not in self._rows:
                    wanted[row] = None
        for head, wanted in missing.items():
            if wanted:
                self._convert(head, list(wanted))  # on failure, `table` answers None

    def table(self, head: str, rows: list[str]) -> str | None:
        """HTML for a table given its header and separator lines (`head`) and its rows; None
        when Python-Markdown does not read them as one table of one row per line."""
        self.prepare([(head, tuple(rows))])
        if head not in self._heads or any((head, row) not in self._rows for row in rows):
            return None
        body = "\n".join(self._rows[head, row] for row in rows)
        return (
            f"<table>\n<thead>\n{self._heads[head]}\n</thead>\n<tbody>\n{body}\n</tbody>\n</table>"
        )

    def _convert(self, head: str, rows: list[str]) -> bool:
        if self._markdown is None:
            self._markdown = self._make_markdown()
        self._markdown.reset()
        html = self._markdown.convert("\n".join([head, *rows]))
        start, split, end = "<table>\n<thead>\n", "\n</thead>\n<tbody>\n", "\n</tbody>\n</table>"
        middle = html.find(split)
        if not html.startswith(start) or not html.endswith(end) or middle < 0:
            return False
        # Rows are one line each, so a row's cells hold no line break: this split is exact
        # when it yields one piece per row (checked).
        pieces = html[middle + len(split) : -len(end)].split("\n</tr>\n<tr>\n")
        if len(pieces) != len(rows):
            return False
        for index, row in enumerate(rows):
            piece = pieces[index]
            if index > 0:
                piece = "<tr>\n" + piece
            if index < len(rows) - 1:
                piece += "\n</tr>"
            if not piece.startswith("<tr>\n") or not piece.endswith("\n</tr>"):
                return False
            self._rows[head, row] = piece
        self._heads[head] = html[len(start) : middle]
        return True


class CodeHighlighter:
    """Pygments highlighting with pymdownx.highlight's block markup, one formatter in all."""

    def __init__(self) -> None:
        self._formatter = HtmlFormatter(nowrap=True)
        self._lexers: dict[str, Lexer] = {}
        self.known: dict[tuple[str, str], str] = {}  # (language, code) -> HTML made elsewhere

    def lexer(self, language: str) -> Lexer:
        found = self._lexers.get(language)
        if found is None:
            try:
                found = get_lexer_by_name(language) if language else TextLexer()
            except ClassNotFound:
                found = TextLexer()
            self._lexers[language] = found
        return found

    def block(self, code: str, language: str) -> str:
        done = self.known.get((language, code))
        if done is not None:
            return done
        body = PLAIN_TOKEN.sub(r"\1", highlight(code, self.lexer(language), self._formatter))
        return f'<div class="highlight"><pre><span></span><code>{body}</code></pre></div>'


class GeneratedBlocksExtension(Extension):  # type: ignore[misc]  # untyped library
    """See the module docstring. `resolve_link` is consulted for each relative link or image
    source of a marked HTML block or table (the mkdocs plugin points it at the page being
    rendered); `highlighter` is None when the site's code blocks must be left to its own
    extensions, `tables` None when its tables must."""

    def __init__(self, highlighter: CodeHighlighter | None, tables: TableConverter | None) -> None:
        super().__init__()
        self.highlighter = highlighter
        self.tables = tables
        self.resolve_link: LinkResolver = lambda path: None
        self.page_dir = ""

    def start_page(self, page_dir: str, resolve_link: LinkResolver) -> None:
        """Before a page is converted: where it is, how its links resolve."""
        self.page_dir = page_dir
        self.resolve_link = resolve_link

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After normalize_whitespace (30), which would strip the stash's placeholder marks;
        # before superfences (25) and raw HTML (20), which would otherwise parse these blocks.
        md.preprocessors.register(GeneratedBlocksPreprocessor(md, self), "apidocgen_blocks", 29)

    def prepare(self, blocks: list[MarkedBlock]) -> None:
        """Before a page's blocks are rendered: convert the new rows of all its tables at once
        (one conversion instead of one per table)."""
        if self.tables is not None:
            self.tables.prepare([(b.head, b.rows) for b in blocks if b.kind == "table"])

    def render(self, block: MarkedBlock) -> str | None:
        """A marked block's HTML on the page being rendered; None when it is left to the site's
        own extensions."""
        if block.kind == "code":
            if self.highlighter is None or block.plain:
                return None
            return self.highlighter.block(block.code, block.language)
        if block.kind == "table":
            tables = self.tables
            html = tables.table(block.head, list(block.rows)) if tables is not None else None
            return self._site_urls(html) if html is not None else None
        return self._site_urls(block.html)

    def _site_urls(self, html: str) -> str:
        return _RELATIVE_URL.sub(self._site_url, html) if ('="' in html) else html

    def _site_url(self, match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(self.page_dir, match.group(2)))
        url = self.resolve_link(target)
        if url is None:
            return match.group(0)
        return f'{match.group(1)}="{url}{match.group(3) or ""}"'


@dataclass(frozen=True)
class MarkedBlock:
    """A block the generator marked, found at `lines[start]` (its mark) up to `lines[end]`.

    `kind` is "code" (`code` in `language`; `plain` when its lines are not all indented like
    the mark, so it must be left to the site's extensions), "html" (`html`) or "table" (`head`:
    the header and separator lines; `rows`)."""

    kind: str
    start: int
    end: int
    indent: str
    code: str = ""
    language: str = ""
    plain: bool = False
    html: str = ""
    head: str = ""
    rows: tuple[str, ...] = ()


def find_marked_block(lines: list[str], index: int) -> MarkedBlock | None:
    """The marked block whose mark is `lines[index]`, or None (not a mark, or not followed by
    what the mark announces: then the lines are ordinary Markdown)."""
    line = lines[index]
    stripped = line.lstrip(" ")
    if not stripped.startswith("<!-- "):
        return None
    indent = line[: len(line) - len(stripped)]
    if stripped == CODE_BLOCK_MARK:
        return _code_block(lines, index, indent)
    if stripped == HTML_BLOCK_OPEN:
        closing = indent + HTML_BLOCK_CLOSE
        end = next((n for n in range(index + 1, len(lines)) if lines[n] == closing), None)
        if end is None:
            return None
        html = "\n".join(text[len(indent) :] for text in lines[index + 1 : end])
        return MarkedBlock("html", index, end, indent, html=html)
    if stripped == TABLE_MARK:
        end = index + 1
        while end < len(lines) and lines[end].startswith(indent + "|"):
            end += 1
        table = [text[len(indent) :] for text in lines[index + 1 : end]]
        if len(table) < 3 or (end < len(lines) and lines[end].strip()):
            return None  # not one row per line up to a blank line: Python-Markdown's to read
        return MarkedBlock(
            "table", index, end - 1, indent, head="\n".join(table[:2]), rows=tuple(table[2:])
        )
    return None


def find_marked_blocks(lines: list[str]) -> list[MarkedBlock]:
    """Every marked block of these lines, in order (the lines inside one are not read as
    marks)."""
    blocks: list[MarkedBlock] = []
    index = 0
    while index < len(lines):
        block = find_marked_block(lines, index)
        if block is None:
            index += 1
        else:
            blocks.append(block)
            index = block.end + 1
    return blocks


def _code_block(lines: list[str], mark: int, indent: str) -> MarkedBlock | None:
    fence = mark + 2  # after the mark's blank line
    if fence >= len(lines) or lines[mark + 1] or not lines[fence].startswith(indent):
        return None
    opening = _FENCE.fullmatch(lines[fence][len(indent) :])
    if opening is None:
        return None
    closing = indent + opening.group(1)
    end = next((n for n in range(fence + 1, len(lines)) if lines[n] == closing), None)
    if end is None:
        return None
    body = lines[fence + 1 : end]
    if any(text and not text.startswith(indent) for text in body):
        return MarkedBlock("code", mark, end, indent, plain=True)
    code = "\n".join(text[len(indent) :] for text in body)
    return MarkedBlock("code", mark, end, indent, code=code, language=opening.group(2))


class GeneratedBlocksPreprocessor(Preprocessor):  # type: ignore[misc]  # untyped library
    def __init__(self, md: Markdown, extension: GeneratedBlocksExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        blocks = find_marked_blocks(lines)
        self.extension.prepare(blocks)
        out: list[str] = []
        position = 0
        for block in blocks:
            out.extend(lines[position : block.start])
            rendered = self.extension.render(block)
            if rendered is None:
                # Left to the site's extensions, whole, so that no line of it is read as a mark.
                out.extend(lines[block.start : block.end + 1])
            else:
                out.extend(["", block.indent + self.md.htmlStash.store(rendered), ""])
            position = block.end + 1
        out.extend(lines[position:])
        return out


@dataclass
class RenderedBlocks:
    """What `render_marked_blocks` made: highlighted code, and table headers and rows."""

    code: dict[tuple[str, str], str]
    heads: dict[str, str]
    rows: dict[tuple[str, str], str]


def render_marked_blocks(
    paths: list[str],
    extensions: list[Any],
    configs: dict[str, Any],
    highlight_code: bool,
    convert_tables: bool,
) -> RenderedBlocks:
    """Render the marked blocks of these Markdown files ahead of time, as the extension would
    (run in a second process while mkdocs converts pages in the first). The lines are
    normalised as Python-Markdown normalises a page first, so the blocks are found as the
    extension will find them; a file changed on the way only means a block the extension
    renders itself."""
    md = Markdown(extensions=extensions, extension_configs=configs)
    normalize = md.preprocessors["normalize_whitespace"]
    highlighter = CodeHighlighter() if highlight_code else None
    tables = (
        TableConverter(lambda: Markdown(extensions=extensions, extension_configs=configs))
        if convert_tables
        else None
    )
    code: dict[tuple[str, str], str] = {}
    for path in paths:
        try:
            text = Path(path).read_text("utf-8-sig")
        except (OSError, UnicodeError):
            continue
        for block in find_marked_blocks(normalize.run(text.split("\n"))):
            if block.kind == "code" and highlighter is not None and not block.plain:
                code[block.language, block.code] = highlighter.block(block.code, block.language)
            elif block.kind == "table" and tables is not None:
                tables.table(block.head, list(block.rows))
    heads, rows = tables.known() if tables is not None else ({}, {})
    return RenderedBlocks(code, heads, rows)


class BlockPrefetch:
    """`render_marked_blocks` for a site's pages in a second process, in page order and in
    chunks; `collect` hands over what is ready (never waits). What is not ready when a page
    needs it is rendered in this process, with the same result: a second CPU only makes the
    build faster."""

    CHUNK = 24

    @staticmethod
    def available() -> bool:
        """Whether a worker may be forked here (`forking.can_fork`)."""
        return can_fork()

    def __init__(
        self,
        paths: list[str],
        extensions: list[Any],
        configs: dict[str, Any],
        extension: GeneratedBlocksExtension,
    ) -> None:
        self._extension = extension
        # fork: the second process has the settings and modules already, and does not re-run
        # the program's main module (spawn would, and a build script without a main guard
        # would build twice); `available` allows it only where forking is safe.
        context = multiprocessing.get_context("fork")
        self._executor = ProcessPoolExecutor(max_workers=1, mp_context=context)
        highlight_code = extension.highlighter is not None
        convert_tables = extension.tables is not None
        self._futures: list[Future[RenderedBlocks]] = []
        start, size = 0, 1  # small chunks first: the first pages are needed soonest
        while start < len(paths):
            chunk = paths[start : start + size]
            self._futures.append(
                self._executor.submit(
                    render_marked_blocks, chunk, extensions, configs, highlight_code, convert_tables
                )
            )
            start, size = start + size, min(size * 2, self.CHUNK)

    def pending(self) -> int:
        """How many chunks have not been collected yet."""
        return len(self._futures)

    def collect(self) -> None:
        while self._futures and self._futures[0].done():
            future = self._futures.pop(0)
            if future.cancelled() or future.exception() is not None:
                continue  # e.g. settings that cannot be sent to another process
            found = future.result()
            if self._extension.highlighter is not None:
                self._extension.highlighter.known.update(found.code)
            if self._extension.tables is not None:
                self._extension.tables.learn(found.heads, found.rows)

    def close(self, *, wait: bool = False) -> None:
        """Stop (`wait`: until the second process has ended)."""
        for future in self._futures:
            future.cancel()
        self._futures = []
        self._executor.shutdown(wait=wait, cancel_futures=True)
