"""The plugin's Markdown extension for the generator's marked blocks (apidocgen/generated_blocks.py).

Its output must be what Python-Markdown and pymdown-extensions make of the same page (it only
makes it faster), and descriptor text must never be able to open or close a marked block.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import corpus_dir, write_descriptor
from hypothesis import given, settings
from hypothesis import strategies as st

from apidocgen.config import Config
from apidocgen.generated_blocks import (
    BlockPrefetch,
    CodeHighlighter,
    GeneratedBlocksExtension,
    TableConverter,
    highlight_is_reproducible,
    rows_are_page_independent,
)
from apidocgen.page_sanitizer import page_cleaner
from apidocgen.pipeline import run
from apidocgen.render.docs import CODE_BLOCK_MARK, HTML_BLOCK_CLOSE, HTML_BLOCK_OPEN, TABLE_MARK

ROOT = Path(__file__).resolve().parents[1]
# The repository's mkdocs.yml extensions, plus fenced_code, which mkdocs always adds.
EXTENSIONS = [
    "toc",
    "tables",
    "fenced_code",
    "admonition",
    "attr_list",
    "md_in_html",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.superfences",
    "pymdownx.tabbed",
]
CONFIGS = {"toc": {"permalink": True}, "pymdownx.tabbed": {"alternate_style": True}}
MARKS = (CODE_BLOCK_MARK, HTML_BLOCK_OPEN, HTML_BLOCK_CLOSE, TABLE_MARK)
SCRIPT = "<script>window.__pwned=1</script>"


def generate(input_dir: Path, output: Path) -> list[Path]:
    """The generated Markdown pages, written under `output`."""
    result = run(Config(input=input_dir, output=output))
    assert not result.failed, [d.format() for d in result.diagnostics]
    pages = []
    for name, text in sorted(result.files.items()):
        if name.endswith(".md") and not name.startswith("python/"):
            path = output / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
            pages.append(path)
    return pages


def plain(html: str) -> str:
    """What a page shows, for comparing two conversions: without the marks (HTML comments, left
    in place by plain Python-Markdown), without the spans the plugin drops from highlighted
    code anyway (whitespace and punctuation tokens), without blank lines, and without line
    breaks before block tags (md_in_html writes the generator's HTML inside the page's
    Markdown blocks again, one element a line; the plugin keeps it as the generator wrote it)."""
    for mark in MARKS:
        html = html.replace(mark, "")
    html = re.sub(r'<span class="(?:w|p)">([^<]*)</span>', r"\1", html)
    html = re.sub(r">\n+(?=</?(?:table|thead|tbody|tr|th|td|div|p)\b)", ">", html)
    return re.sub(r"\n\s*\n", "\n", html).strip()


def fast(text: str, tables: TableConverter | None = None) -> str:
    extension = GeneratedBlocksExtension(CodeHighlighter(), tables or table_converter())
    md = markdown.Markdown(extensions=[*EXTENSIONS, extension], extension_configs=CONFIGS)
    return md.convert(text)


def slow(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS).convert(text)


def table_converter() -> TableConverter:
    return TableConverter(
        lambda: markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    )


def assert_same_pages(pages: list[Path]) -> int:
    """Every page converts to the same HTML both ways; returns how many marks were used."""
    tables = table_converter()  # shared, as in a build: rows converted for one page are reused
    used = 0
    for page in pages:
        text = page.read_text("utf-8")
        used += sum(text.count(mark) for mark in (CODE_BLOCK_MARK, HTML_BLOCK_OPEN, TABLE_MARK))
        expected, got = plain(slow(text)), plain(fast(text, tables))
        assert not any(mark in got for mark in MARKS), page
        if expected != got:
            diff = difflib.unified_diff(expected.split("\n"), got.split("\n"), lineterm="")
            pytest.fail(f"{page}\n" + "\n".join(list(diff)[:40]))
    return used


def test_seed_pages_render_as_python_markdown_renders_them(tmp_path: Path) -> None:
    pages = generate(ROOT / "api-docs", tmp_path / "out")
    assert assert_same_pages(pages) > 30


def test_sentry_pages_render_as_python_markdown_renders_them(tmp_path: Path) -> None:
    pages = generate(corpus_dir("sentry"), tmp_path / "out")
    assert assert_same_pages(pages) > 300


def test_marks_in_descriptor_text_stay_text(tmp_path: Path) -> None:
    """Marks written into a description, a code span, a fenced block and an example cannot
    open or close a block: the page shows them, and nothing in them becomes markup."""
    hostile = "\n".join(MARKS)
    description = (
        f"Intro {HTML_BLOCK_OPEN} inline `{HTML_BLOCK_CLOSE}` span.\n\n"
        f"{hostile}\n{SCRIPT}\n\n"
        f"```\n{HTML_BLOCK_CLOSE}\n{SCRIPT}\n{CODE_BLOCK_MARK}\n\n```\n{SCRIPT}\n```\n```\n\n"
        f"    {HTML_BLOCK_OPEN}\n    {SCRIPT}\n\nEnd."
    )
    descriptor = {
        "api_path": "/things/{id}/",
        "method": "POST",
        "title": "Make a Thing",
        "description": description,
        "warning": description,
        "path_parameters": [{"name": "id", "type": "string", "description": description}],
        "example_request": f"POST /things/1/ HTTP/1.1\nHost: api.test\n\n{hostile}\n{SCRIPT}",
        "example_response": (
            "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
            + json.dumps({"note": f"{hostile}\n{SCRIPT}", "id": 1})
        ),
    }
    write_descriptor(tmp_path / "in" / "things", "make-thing.md", json.dumps(descriptor))
    pages = generate(tmp_path / "in", tmp_path / "out")
    page = next(p for p in pages if p.name == "make-thing.md")
    text = page.read_text("utf-8")
    html = fast(text)
    assert "<script" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    # Each hostile copy of a mark shows as text somewhere on the page.
    assert html.count("&lt;!-- /apidocgen:html --&gt;") >= 4
    # Only the generator's own marks were taken: the page has the code blocks plain
    # Python-Markdown finds (3 samples, the example, and 3 in each copy of the description).
    assert (
        html.count('<div class="highlight">') == slow(text).count('<div class="highlight">') == 10
    )
    assert_same_pages(pages)


def test_marked_html_block_links_become_site_urls() -> None:
    extension = GeneratedBlocksExtension(None, None)
    extension.page_dir = "things"
    targets = {"models.md": "../../models/", "things/img.png": "../img.png"}
    extension.resolve_link = targets.get
    md = markdown.Markdown(extensions=[*EXTENSIONS, extension], extension_configs=CONFIGS)
    html = md.convert(
        f"{HTML_BLOCK_OPEN}\n"
        '<p><a href="../models.md#model-thing">Thing</a> <img src="img.png"> '
        '<a href="https://example.org/a.md">abs</a> <a href="#here">here</a> '
        '<a href="missing.md">missing</a></p>\n'
        f"{HTML_BLOCK_CLOSE}\n"
    )
    assert '<a href="../../models/#model-thing">Thing</a>' in html
    assert '<img src="../img.png">' in html
    assert 'href="https://example.org/a.md"' in html and 'href="#here"' in html
    assert 'href="missing.md"' in html


def test_only_settings_it_reproduces_take_the_fast_path() -> None:
    assert highlight_is_reproducible(EXTENSIONS, CONFIGS)
    assert not highlight_is_reproducible(EXTENSIONS, {"pymdownx.highlight": {"linenums": True}})
    assert not highlight_is_reproducible(["pymdownx.highlight", "tables"], {})
    assert rows_are_page_independent(EXTENSIONS)
    assert not rows_are_page_independent([*EXTENSIONS, "abbr"])
    assert not rows_are_page_independent([*EXTENSIONS, "footnotes"])


def test_without_the_highlighter_code_is_left_to_superfences(tmp_path: Path) -> None:
    pages = generate(ROOT / "api-docs", tmp_path / "out")
    text = next(p for p in pages if p.name == "get-group-events.md").read_text("utf-8")
    extension = GeneratedBlocksExtension(None, None)
    md = markdown.Markdown(
        extensions=[*EXTENSIONS, extension],
        extension_configs={**CONFIGS, "pymdownx.highlight": {"linenums": True}},
    )
    html = md.convert(text)
    # Line numbers: pymdownx.highlight did the highlighting, with the site's own options.
    assert html.count('class="linenos"') + html.count("linenodiv") >= 4


def test_blocks_rendered_in_a_second_process_are_the_same(tmp_path: Path) -> None:
    """BlockPrefetch renders every marked block of a site in another process; the pages then
    convert exactly as without it, from its results."""
    pages = generate(corpus_dir("sentry"), tmp_path / "out")
    highlighter, tables = CodeHighlighter(), table_converter()
    extension = GeneratedBlocksExtension(highlighter, tables)
    prefetch = BlockPrefetch([str(p) for p in pages], EXTENSIONS, CONFIGS, extension)
    try:
        deadline = time.monotonic() + 120
        while prefetch.pending() and time.monotonic() < deadline:
            prefetch.collect()
            time.sleep(0.05)
        assert not prefetch.pending()
    finally:
        prefetch.close()
    assert len(highlighter.known) > 250 and len(tables.known()[1]) > 100
    for (language, code), html in list(highlighter.known.items())[:50]:
        assert CodeHighlighter().block(code, language) == html
    for page in pages:
        text = page.read_text("utf-8")
        md = markdown.Markdown(extensions=[*EXTENSIONS, extension], extension_configs=CONFIGS)
        assert plain(md.convert(text)) == plain(slow(text)), page


class _Markup(HTMLParser):
    """Every tag and attribute of some HTML, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[tuple[str, str | None]] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=300),
    st.sampled_from(["http", "bash", "python", "json", "", "no-such-language"]),
)
def test_highlighted_code_is_plain_markup_the_sanitizer_keeps(code: str, language: str) -> None:
    """Highlighted code is Pygments' own escaped markup, whatever the code says (`<script>`,
    entities), shows the code exactly, and passes the site's sanitizer unchanged in meaning."""
    html_text = CodeHighlighter().block(code, language)
    markup = _Markup()
    markup.feed(html_text)
    markup.close()
    cleaned = _Markup()
    cleaned.feed(page_cleaner().clean(html_text))
    cleaned.close()
    # The sanitizer drops NUL characters (as HTML parsers do), nothing else.
    assert (cleaned.tags, cleaned.attributes, "".join(cleaned.text)) == (
        markup.tags,
        markup.attributes,
        "".join(markup.text).replace("\x00", ""),
    )
    assert markup.tags <= {"div", "pre", "span", "code"}
    assert all(
        name == "class" and value is not None and re.fullmatch(r"[a-z0-9 ]*", value)
        for name, value in markup.attributes
    ), markup.attributes
    # Pygments drops blank lines at both ends (as pymdownx shows code too), ends the code
    # with one line break and turns other line ends into `\n`.
    expected = code.replace("\r\n", "\n").replace("\r", "\n")
    assert "".join(markup.text).strip("\n") == expected.strip("\n")
