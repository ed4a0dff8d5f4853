"""Generated pages put together around Python-Markdown, which converts only their texts.

A page the generator makes is mostly blocks it marked (`apidocgen.generated_blocks`) in a frame
of its own: `<div class="..." markdown>` wrappers, tab sets (`=== "curl"`) that each hold one
marked code block, and between them headings and short Markdown texts (descriptions, notes).
Python-Markdown's cost is per block of that frame, not per character, so on an API site it
spends more time on the frame than on the texts or the blocks.

`PageAssembler.render` stands in for mkdocs' `Page.render` on such a page. It reads the frame,
renders the marked blocks as the extension would, and gives mkdocs' own `Page.render` a
Markdown text made only of the page's texts, in order, each separated from the next by a
comment (`PIECE`). So headings, their ids and permalinks, the table of contents, the title,
links and anchors all come from mkdocs and Python-Markdown as before, and so does every text.
The frame is then put back around the converted texts with the markup Python-Markdown gives it:
md_in_html's `<div>`, pymdownx.tabbed's tab sets (alternate style).

Anything outside that frame leaves the page to mkdocs whole: a line this module does not
recognise as the frame's, a frame line not set apart by blank lines, a tab holding more than
one marked code block, a block the extension would leave to the site's own extensions, a text
that could open a tab set or that holds a mark, or converted texts that do not come back one
per piece. `usable` allows it only with the extensions whose markup it reproduces.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from apidocgen.generated_blocks import (
    GeneratedBlocksExtension,
    MarkedBlock,
    find_marked_block,
    find_marked_blocks,
    rows_are_page_independent,
)

PIECE = "<!-- apidocgen:piece -->"
_PIECES = re.compile(r"\n*" + re.escape(PIECE) + r"\n*")
_DIV_OPEN = re.compile(r'<div class="([A-Za-z0-9 _-]+)" markdown>')
# A tab's label: words and single spaces, which no Markdown extension changes.
_TAB = re.compile(r'=== "([A-Za-z0-9]+(?: [A-Za-z0-9]+)*)"')
_TAB_INDENT = "    "
N = TypeVar("N")


@dataclass
class _Text:
    lines: list[str]


@dataclass
class _Html:
    html: str


@dataclass
class _Div:
    css: str
    children: list[Any] = field(default_factory=list)


@dataclass
class _Tabs:
    labels: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)


# A marked block -> its HTML, or None when the site's extensions must render it.
RenderBlock = Callable[[MarkedBlock], "str | None"]


def usable(extensions: list[Any], configs: dict[str, Any]) -> bool:
    """Whether the site's Markdown gives the frame the markup this module gives it: md_in_html
    and pymdownx.tabbed in its alternate style (`=== "label"` lines are tabs), nothing else
    configured for tabs, and only extensions known to change nothing in the frame (an unknown
    one might rewrite every `<div>`)."""
    if not rows_are_page_independent(extensions):
        return False
    names = {e.removeprefix("markdown.extensions.") for e in extensions if isinstance(e, str)}
    if "md_in_html" not in names or "pymdownx.tabbed" not in names:
        return False
    return configs.get("pymdownx.tabbed") == {"alternate_style": True}


def read_frame(lines: list[str], render: RenderBlock) -> list[Any] | None:
    """The page's frame: texts, rendered blocks, divs and tab sets, in order; None when the
    page is not all made of them (see the module docstring)."""
    root: list[Any] = []
    stack: list[list[Any]] = [root]
    text: list[str] = []

    def apart(line: str) -> bool:  # a line that ends or begins no text
        return not line or line == "</div>" or _DIV_OPEN.fullmatch(line) is not None

    def set_apart(start: int, end: int) -> bool:  # no text line right before or after
        return (start == 0 or apart(lines[start - 1])) and (
            end + 1 >= len(lines) or apart(lines[end + 1])
        )

    def flush() -> None:
        while text and not text[-1]:
            text.pop()
        if any(text):
            stack[-1].append(_Text(text[:]))
        text.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        if not line:
            text.append(line)
            index += 1
            continue
        if not any(text) and line.startswith(" "):
            return None  # would continue the frame element above it
        block = find_marked_block(lines, index) if line.startswith("<!-- apidocgen:") else None
        if block is not None:
            html = render(block)
            if html is None or not set_apart(block.start, block.end):
                return None
            flush()
            stack[-1].append(_Html(html))
            index = block.end + 1
            continue
        div = _DIV_OPEN.fullmatch(line)
        if div is not None or line == "</div>":
            if not set_apart(index, index):
                return None
            flush()
            if div is not None:
                node = _Div(div.group(1))
                stack[-1].append(node)
                stack.append(node.children)
            elif len(stack) == 1:
                return None  # closes nothing
            else:
                stack.pop()
            index += 1
            continue
        tab = _TAB.fullmatch(line)
        if tab is not None:
            found = _tab(lines, index, render)
            if found is None or not set_apart(index, found[1]):
                return None
            joins = not any(text) and stack[-1] and isinstance(stack[-1][-1], _Tabs)
            flush()
            if not joins:
                stack[-1].append(_Tabs())
            tabs = stack[-1][-1]
            tabs.labels.append(tab.group(1))
            tabs.blocks.append(found[0])
            index = found[1] + 1
            continue
        if line.lstrip().startswith("===") or "apidocgen:" in line:
            return None  # a tab set in a text, or a mark this module does not read
        text.append(line)
        index += 1
    flush()
    return root if len(stack) == 1 else None


def _tab(lines: list[str], index: int, render: RenderBlock) -> tuple[str, int] | None:
    """A tab's one marked code block (a blank line, then the block indented): its HTML and
    the index of its last line."""
    if index + 2 >= len(lines) or lines[index + 1]:
        return None
    block = find_marked_block(lines, index + 2)
    if block is None or block.kind != "code" or block.indent != _TAB_INDENT:
        return None
    html = render(block)
    return None if html is None else (html, block.end)


def nodes_of(frame: list[Any], kind: type[N]) -> list[N]:
    """The frame's nodes of one kind (texts, tab sets), in page order, inside divs too
    (pymdownx.tabbed numbers tab sets in that order)."""
    found: list[N] = []
    for node in frame:
        if isinstance(node, kind):
            found.append(node)
        elif isinstance(node, _Div):
            found.extend(nodes_of(node.children, kind))
    return found


class _Assembly:
    """The frame's HTML, with each text's conversion in its place."""

    def __init__(self, converted: list[str], tabs: list[_Tabs]) -> None:
        self._converted = iter(converted)
        self._number = {id(t): n for n, t in enumerate(tabs, 1)}

    def html(self, nodes: list[Any]) -> str:
        return "\n".join(self._node(node) for node in nodes)

    def _node(self, node: Any) -> str:
        if isinstance(node, _Text):
            return next(self._converted)
        if isinstance(node, _Html):
            return str(node.html)
        if isinstance(node, _Div):
            if not node.children:
                return f'<div class="{node.css}"></div>'
            return f'<div class="{node.css}">\n{self.html(node.children)}\n</div>'
        return self._tabs(node)

    def _tabs(self, tabs: _Tabs) -> str:
        number = self._number[id(tabs)]
        count = len(tabs.labels)
        name = f"__tabbed_{number}"
        first = ' checked="checked"'
        inputs = "".join(
            f'<input{first if n == 1 else ""} id="{name}_{n}" name="{name}" type="radio" />'
            for n in range(1, count + 1)
        )
        labels = "".join(
            f'<label for="{name}_{n}">{label}</label>' for n, label in enumerate(tabs.labels, 1)
        )
        blocks = "\n".join(f'<div class="tabbed-block">\n{b}\n</div>' for b in tabs.blocks)
        return (
            f'<div class="tabbed-set tabbed-alternate" data-tabs="{number}:{count}">{inputs}'
            f'<div class="tabbed-labels">{labels}</div>\n'
            f'<div class="tabbed-content">\n{blocks}\n</div>\n</div>'
        )


def tab_anchors(tabs: list[_Tabs]) -> set[str]:
    """The ids of the tab sets' inputs (anchors of the page, as mkdocs collects them)."""
    return {
        f"__tabbed_{number}_{n}"
        for number, tab_set in enumerate(tabs, 1)
        for n in range(1, len(tab_set.labels) + 1)
    }


# Extensions that leave a plain text as it is (letters, digits, spaces and the punctuation of
# `_PLAIN_PARAGRAPH`): with any other (smarty's quotes, magiclink's URLs, emoji, meta's
# `key: value` first lines, nl2br's line breaks, ...), every text goes to Python-Markdown.
_PLAIN_SAFE_EXTENSIONS = frozenset(
    "admonition attr_list def_list fenced_code footnotes md_in_html sane_lists tables "
    "toc pymdownx.details pymdownx.highlight pymdownx.superfences pymdownx.tabbed "
    "pymdownx.tasklist".split()
)
# Plain text: what every extension allowed with it leaves as it is. A paragraph's line may also
# hold `<code>` tags and character references, which Python-Markdown keeps as they are.
_WORDS = r"[A-Za-z0-9 .,;:?()'\"/%-]"
_PLAIN_HEADING = re.compile(
    rf"(#{{1,6}}) ([A-Za-z0-9]{_WORDS}*(?<! ))(?: \{{ ?#([A-Za-z][A-Za-z0-9_-]*) ?\}})?"
)
# A paragraph's line starts with a letter (no list, quote or heading) and ends with no space
# (no line break).
_PLAIN_PARAGRAPH = re.compile(
    rf"[A-Za-z](?:{_WORDS}|</?code>|&#[0-9]+;|&[A-Za-z][A-Za-z0-9]*;)*(?<! )"
)
_COMMENT = re.compile(r"<!--(?:(?!--).)*-->")
_HEADING_TAG = re.compile(r"<h[1-6][ >]")


@dataclass
class _Plain:
    """A text whose HTML is known without Python-Markdown: its headings (level, text, the id
    given with attr_list's `{ #id }` or ""), paragraphs (level 0) and one-line HTML comments
    (level -1), in order."""

    blocks: list[tuple[int, str, str]]


def plain_blocks(text: _Text, ids: bool) -> _Plain | None:
    """`text` as plain headings and paragraphs, after at most one HTML comment of one line;
    None when it is anything else. `ids`: attr_list reads `{ #id }` after a heading."""
    blocks: list[tuple[int, str, str]] = []
    chunks = "\n".join(text.lines).strip("\n").split("\n\n")
    for number, chunk in enumerate(chunks):
        heading = _PLAIN_HEADING.fullmatch(chunk)
        if heading is not None:
            if heading.group(3) and not ids:
                return None
            blocks.append((len(heading.group(1)), heading.group(2), heading.group(3) or ""))
        elif number == 0 and len(chunks) > 1 and _COMMENT.fullmatch(chunk) is not None:
            blocks.append((-1, chunk, ""))
        elif all(_PLAIN_PARAGRAPH.fullmatch(line) for line in chunk.split("\n")):
            blocks.append((0, chunk, ""))
        else:
            return None
    return _Plain(blocks)


@dataclass
class _Headings:
    """How the site's toc extension marks headings (its settings, as Python-Markdown keeps them)."""

    slugify: Callable[[str, str], str]
    separator: str
    permalink: bool

    @staticmethod
    def of(toc: Any) -> _Headings | None:
        """The settings, when they are ones this module reproduces (no anchor links, no leading
        or custom permalink, every level in the table of contents)."""
        if (
            toc is None
            or toc.use_anchors
            or toc.permalink_leading
            or toc.use_permalinks not in (True, False)
            or (toc.toc_top, toc.toc_bottom, toc.base_level) != (1, 6, 0)
            or (toc.permalink_class, toc.permalink_title) != ("headerlink", "Permanent link")
        ):
            return None
        return _Headings(toc.slugify, toc.sep, toc.use_permalinks is True)

    def html(self, level: int, text: str, anchor: str) -> str:
        link = ""
        if self.permalink:
            link = f'<a class="headerlink" href="#{anchor}" title="Permanent link">&para;</a>'
        return f'<h{level} id="{anchor}">{text}{link}</h{level}>'


def _flat(items: Any) -> list[Any]:
    found: list[Any] = []
    for item in items:
        found.append(item)
        found.extend(_flat(item.children))
    return found


class PageAssembler:
    """`render(page, config, files)` converts a generated page as described in the module
    docstring, with the generated-blocks extension `blocks` (pointed at the page already);
    `markdown` is a Markdown instance with the site's extensions (its whitespace normalisation
    and heading settings are used, never its conversion)."""

    def __init__(self, blocks: GeneratedBlocksExtension, markdown: Any, extensions: list[Any]):
        self._blocks = blocks
        self._normalize = markdown.preprocessors["normalize_whitespace"].run
        toc = markdown.treeprocessors["toc"] if "toc" in markdown.treeprocessors else None
        self._headings = _Headings.of(toc)
        names = {
            e.removeprefix("markdown.extensions.") if isinstance(e, str) else e for e in extensions
        }
        self._plain = self._headings is not None and names <= _PLAIN_SAFE_EXTENSIONS
        self._ids = "attr_list" in names
        self.assembled = 0

    def render(self, page: Any, config: Any, files: Any) -> bool:
        """Convert `page` (its `markdown` read) as mkdocs' `Page.render` would; False when it
        was left alone (not a frame this module reads: mkdocs must convert it). What mkdocs
        logs meanwhile (a broken link in a text) is reported only when the page is assembled:
        otherwise mkdocs, converting the page whole, reports it once."""
        with _HeldLogs() as held:
            done = self._render(page, config, files)
        if done:
            held.report()
        return done

    def _render(self, page: Any, config: Any, files: Any) -> bool:
        source = page.markdown or ""
        frame = self._frame(source)
        if frame is None:
            return False
        texts = nodes_of(frame, _Text)
        tabs = nodes_of(frame, _Tabs)
        plain: dict[int, _Plain] = {}
        if self._plain:
            for text in texts:
                found = plain_blocks(text, self._ids)
                if found is not None:
                    plain[id(text)] = found
        marked = [text for text in texts if id(text) not in plain]
        converted: dict[int, str] = {}
        headings: dict[int, list[Any]] = {}
        if marked or not plain:
            pieces = self._convert(page, config, files, source, marked)
            if pieces is None:
                return False
            flat = _flat(page.toc)
            for text, piece in zip(marked, pieces, strict=True):
                converted[id(text)] = piece
                count = len(_HEADING_TAG.findall(piece))
                headings[id(text)], flat = flat[:count], flat[count:]
            if flat:
                return False  # a heading not in a piece
            anchors = set(page.present_anchor_ids or ())
        else:
            page.toc, page._title_from_render, anchors = None, None, set()
            page.links_to_anchors = {} if _records_links() else None
        tab_ids = tab_anchors(tabs)
        if tab_ids & anchors:
            return False
        anchors |= tab_ids
        if plain and not self._put_plain(page, texts, plain, converted, headings, anchors):
            return False
        if not texts or frame[0] is not texts[0]:
            page._title_from_render = None  # the page does not begin with a text
        page.content = _Assembly([converted[id(t)] for t in texts], tabs).html(frame)
        page.present_anchor_ids = anchors
        self.assembled += 1
        return True

    def _convert(
        self, page: Any, config: Any, files: Any, source: str, texts: list[_Text]
    ) -> list[str] | None:
        """The texts converted by mkdocs' `Page.render`, one piece each (None: not one each)."""
        page.markdown = f"\n\n{PIECE}\n\n".join("\n".join(t.lines) for t in texts)
        try:
            type(page).render(page, config, files)
        finally:
            page.markdown = source
        pieces = _PIECES.split(page.content or "") if texts else []
        return pieces if len(pieces) == len(texts) else None

    def _put_plain(
        self,
        page: Any,
        texts: list[_Text],
        plain: dict[int, _Plain],
        converted: dict[int, str],
        headings: dict[int, list[Any]],
        used: set[str],
    ) -> bool:
        """The plain texts' HTML, their headings' ids (as the toc extension would give them:
        False when one would not be its plain slug; added to `used`) and the table of contents
        of them all."""
        from markdown.extensions.toc import nest_toc_tokens
        from mkdocs.structure.toc import AnchorLink, get_toc

        marks = self._headings
        assert marks is not None
        own: dict[str, str] = {}
        # The toc extension keeps the ids given, and gives no heading an id the page has.
        given = {b[2] for found in plain.values() for b in found.blocks if b[2]}
        if given & used:
            return False
        used |= given
        for text in texts:
            found = plain.get(id(text))
            if found is None:
                continue
            html: list[str] = []
            links: list[Any] = []
            for level, words, anchor in found.blocks:
                if level < 0:
                    html.append(words + "\n")
                elif level == 0:
                    html.append(f"<p>{words}</p>")
                else:
                    if not anchor:
                        anchor = marks.slugify(words, marks.separator)
                        if not anchor or anchor in used:
                            return False
                        used.add(anchor)
                    html.append(marks.html(level, words, anchor))
                    links.append(AnchorLink(words, anchor, level))
                    if marks.permalink:
                        own.setdefault(anchor, "#" + anchor)
            converted[id(text)] = "\n".join(html)
            headings[id(text)] = links
        if texts and id(texts[0]) in plain:
            first = plain[id(texts[0])].blocks[0]
            page._title_from_render = first[1] if first[0] == 1 else None
        tokens = [
            {"level": item.level, "id": item.id, "name": item.title}
            for text in texts
            for item in headings.get(id(text), [])
        ]
        page.toc = get_toc(nest_toc_tokens(tokens))
        if own and page.links_to_anchors is not None:
            mine = page.links_to_anchors.setdefault(page.file, {})
            for anchor, url in own.items():
                mine.setdefault(anchor, url)
        return True

    def _frame(self, source: str) -> list[Any] | None:
        highlighter, tables = self._blocks.highlighter, self._blocks.tables
        if highlighter is None or tables is None or PIECE in source:
            return None
        lines = self._normalize(source.split("\n"))
        self._blocks.prepare(find_marked_blocks(lines))
        return read_frame(lines, self._blocks.render)

    def stand_in(self, page: Any) -> Callable[..., None]:
        """A `page.render` that assembles the page, or has mkdocs convert it whole."""

        def render(config: Any, files: Any) -> None:
            if not self.render(page, config, files):
                type(page).render(page, config, files)

        return render


def _records_links() -> bool:
    """Whether mkdocs' `Page.render` keeps a page's links to anchors (not when debugging)."""
    return logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG


class _HeldLogs(logging.Handler):
    """Holds what this thread logs to mkdocs' loggers until `report` (others' pass through)."""

    def __init__(self) -> None:
        super().__init__()
        self._logger = logging.getLogger("mkdocs")  # mkdocs' records stop here (no propagation)
        self._handlers: list[logging.Handler] = []
        self._thread = threading.get_ident()
        self._held: list[logging.LogRecord] = []

    def __enter__(self) -> _HeldLogs:
        self._handlers = self._logger.handlers[:]
        self._logger.handlers = [self]
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.handlers = self._handlers

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._thread:
            self._held.append(record)
        else:
            self._pass(record)

    def report(self) -> None:
        for record in self._held:
            self._pass(record)
        self._held = []

    def _pass(self, record: logging.LogRecord) -> None:
        for handler in self._handlers:
            if record.levelno >= handler.level:
                handler.handle(record)
