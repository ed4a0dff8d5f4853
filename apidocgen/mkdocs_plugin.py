"""The `apidocgen` mkdocs plugin: generate on build, deliver the navigation, sanitize pages.

```yaml
plugins:
  - search
  - apidocgen            # options: config, input, generate, nav, sanitize
```

* `on_config` reads `[tool.apidocgen]` (from `pyproject.toml` beside mkdocs.yml, or the
  `config` option); `input` overrides its input folder. The output folder is always the site's
  `docs_dir`, since that is what mkdocs builds. It also links the generated stylesheet.
* `on_pre_build` runs the generator as the command line does: nothing when the manifest says
  the output is up to date, otherwise only changed parts are re-rendered and only files that
  differ are written (so `mkdocs serve`, which watches docs_dir, settles after one rebuild).
  Input errors fail the build with one line per diagnostic; warnings are logged at info level.
* When the user's mkdocs.yml has no `nav:`, the generated navigation file becomes the nav.
  The user's file is never written to.
* `on_files` leaves the generated Python package and the generator's bookkeeping out of the site.
* It adds a Markdown extension (`apidocgen.generated_blocks`) that renders the generator's marked
  code blocks and HTML tables directly, so a large API builds in a fraction of the time;
  `on_page_markdown` tells it which page is being rendered (for the links of those tables).
* `on_page_content` sanitizes each page's HTML with nh3 (defence in depth: the generated
  Markdown is already safe) and gives the page an HTML-safe `meta.title`, because mkdocs
  themes print titles unescaped, and Material's `<title>` even un-escapes them (`striptags`).
"""

from __future__ import annotations

import html
import json
import logging
import os
import posixpath
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import markdown
import nh3
from mkdocs.config import config_options as c
from mkdocs.config.base import Config as MkDocsBaseConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files, get_files
from mkdocs.structure.pages import Page

from apidocgen.config import Config, check_config, load_config
from apidocgen.generated_blocks import (
    PLAIN_TOKEN,
    BlockPrefetch,
    CodeHighlighter,
    GeneratedBlocksExtension,
    TableConverter,
    highlight_is_reproducible,
    rows_are_page_independent,
)
from apidocgen.manifest import MANIFEST
from apidocgen.site_layout import NAV_FILE, NON_DOC_FOLDERS, STYLESHEET

log = logging.getLogger("mkdocs.plugins.apidocgen")

# Tags the search index does not keep (it keeps the text inside them): its parser's time is
# spent per tag, and on an API site these are most of them (highlighting and tables).
_SEARCH_PLUGIN_MODULES = ("material.plugins.search", "mkdocs.contrib.search")
_SEARCH_NOISE = re.compile(
    r"</?(?:span|table|thead|tbody|tfoot|tr|label|input|small|wbr)\b[^>]*>|<t[hd]\b[^>]*>"
)
# The end of a table cell or tab label becomes a space in what search indexes: its text
# must not run into the next.
_SEARCH_CELL_END = re.compile(r"</(?:t[hd]|label)>")
# How search splits text into words, unless mkdocs.yml says otherwise: also at the slashes
# and braces of paths, the dots and brackets of code and the case changes of camelCase, so
# that `/api/0/issues/{issue_id}/events/`, `client.events.list_issue_events()` and
# `listIssueEvents` are found by any of their words. Unlike mkdocs-material's separator for
# sites that document code, an underscore joins: `list_issue_events` and `issue_id` are
# words of their own, found whole (and by their start).
SEARCH_SEPARATOR = r'[\s\u200b\-,:!=\[\]{}()"`/]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])'


# mkdocs-material's search dialog has no accessible name; it gets its search box's label.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_BOX_LABEL = re.compile(r'<input [^>]*class="md-search__input"[^>]*aria-label="([^"<>]*)"')

# What mkdocs, Python-Markdown, pymdown-extensions and Material put into page content.
_TAGS = frozenset(
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark ol p pre s small span strong sub summary "
    "sup table tbody td tfoot th thead tr u ul wbr "
    # Inline icons (pymdownx.emoji with Material's icon sets): shapes only, no scripts or links.
    "svg path g circle rect line polyline polygon".split()
)
_SVG_ATTRIBUTES = {"viewBox", "xmlns", "width", "height", "fill", "stroke", "stroke-width"}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "download", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "name", "checked", "disabled"},
    "label": {"for"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style"},
    "ol": {"start", "type"},
    "details": {"open"},
    "col": {"span"},
    "colgroup": {"span"},
    "svg": _SVG_ATTRIBUTES,
    "g": {"fill", "stroke", "transform"},
    "path": {"d", "fill", "stroke", "stroke-width", "transform"},
    "circle": {"cx", "cy", "r", "fill", "stroke"},
    "rect": {"x", "y", "width", "height", "rx", "ry", "fill", "stroke"},
    "line": {"x1", "y1", "x2", "y2", "stroke"},
    "polyline": {"points", "fill", "stroke"},
    "polygon": {"points", "fill", "stroke"},
}


class ApidocgenPluginConfig(MkDocsBaseConfig):  # type: ignore[no-untyped-call]
    """Options of the plugin (all optional)."""

    config = c.Optional(c.Type(str))  # pyproject.toml holding [tool.apidocgen]
    input = c.Optional(c.Type(str))  # descriptor folder (overrides [tool.apidocgen] input)
    generate = c.Type(bool, default=True)  # run the generator before each build
    nav = c.Type(bool, default=True)  # use the generated navigation when mkdocs.yml has none
    sanitize = c.Type(bool, default=True)  # nh3 over each page's HTML
    # Highlight the generator's code blocks in the plugin (the markup pymdownx.highlight makes,
    # without its per-block cost); false leaves them to pymdownx.
    fast_code_blocks = c.Type(bool, default=True)
    # The site's text in the reader's system fonts, so that no page asks another host (Google
    # Fonts) for any; false keeps the theme's font setting. A site that self-hosts its fonts
    # (mkdocs-material's privacy plugin) keeps its fonts either way.
    system_fonts = c.Type(bool, default=True)


class ApidocgenPlugin(BasePlugin[ApidocgenPluginConfig]):  # type: ignore[no-untyped-call]
    """Generate the docs pages from the descriptors and feed them to mkdocs."""

    def __init__(self) -> None:
        self.generator_config: Config | None = None
        self.base_dir = Path(".")
        self.user_nav = False
        self._cleaner: nh3.Cleaner | None = None
        self._held_content: dict[int, tuple[str, str]] = {}
        self._lighten_for_search = False
        self._blocks: GeneratedBlocksExtension | None = None
        self._markdown_settings: tuple[list[Any], dict[str, Any]] = ([], {})
        self._prefetch: BlockPrefetch | None = None

    # ---- configuration -------------------------------------------------------------------

    # Before the search plugin's own on_config, which fills in its defaults.
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Resolve the generator's configuration; link the stylesheet; make the site ask no
        other host for fonts, and search split paths and code into words."""
        self.base_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.user_nav = config.nav is not None
        pyproject = Path(self.config.config) if self.config.config else Path("pyproject.toml")
        if not pyproject.is_absolute():
            pyproject = self.base_dir / pyproject
        if self.config.config and not pyproject.is_file():
            raise PluginError(f"apidocgen: configuration file {pyproject} does not exist")
        generator_config, problems = load_config(pyproject)
        overrides: dict[str, Any] = {"output": Path(config.docs_dir)}
        if self.config.input:
            given = Path(self.config.input)
            overrides["input"] = given if given.is_absolute() else self.base_dir / given
        generator_config = replace(generator_config, **overrides)
        problems += check_config(generator_config, str(pyproject))
        if problems:
            raise PluginError(_diagnostics_message(problems))
        if self.config.generate:
            source = generator_config.input.resolve()
            target = generator_config.output.resolve()
            if not source.is_dir():
                raise PluginError(
                    f"apidocgen: input folder {generator_config.input} does not exist"
                )
            if source == target or source.is_relative_to(target) or target.is_relative_to(source):
                raise PluginError(
                    f"apidocgen: docs_dir {target} and the input folder {source} must be separate"
                    " (the generator replaces docs_dir's generated files)"
                )
        self.generator_config = generator_config
        if STYLESHEET not in config.extra_css:
            config.extra_css.insert(0, STYLESHEET)  # first: the site's own stylesheets win
        if self.config.system_fonts:
            use_system_fonts(config)
        set_search_separator(config)
        if self.config.sanitize:
            self._cleaner = page_cleaner()
        self._lighten_for_search = self._only_search_reads_page_context(config)
        # Endpoint pages lay out their columns as HTML blocks with Markdown inside.
        if not {"md_in_html", "markdown.extensions.md_in_html"} & {
            e for e in config.markdown_extensions if isinstance(e, str)
        }:
            config.markdown_extensions.append("md_in_html")
        extensions, configs = list(config.markdown_extensions), dict(config.mdx_configs)
        fast = self.config.fast_code_blocks and highlight_is_reproducible(extensions, configs)
        tables = None
        if rows_are_page_independent(extensions):
            tables = TableConverter(
                lambda: markdown.Markdown(extensions=extensions, extension_configs=configs)
            )
        self._blocks = GeneratedBlocksExtension(CodeHighlighter() if fast else None, tables)
        self._blocks.hold_code = True
        self._markdown_settings = (extensions, configs)
        config.markdown_extensions.append(self._blocks)  # an instance: Markdown accepts both
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Run the generator (when its inputs changed), then take the navigation."""
        assert self.generator_config is not None
        if self.config.generate:
            self._generate(self.generator_config)
        if self.config.nav and not self.user_nav:
            nav = _read_nav(Path(config.docs_dir) / NAV_FILE)
            if nav is not None:
                config.nav = nav
        # As early as the pages exist: the first pages are needed right after the nav is built.
        self._start_prefetch(get_files(config))

    def _generate(self, generator_config: Config) -> None:
        """Generate as the command line does: nothing when the output is up to date, else
        re-render only what changed, and write only the files that differ."""
        from apidocgen.incremental import last_run

        last = last_run(generator_config)
        if last.up_to_date:
            return
        from apidocgen.incremental import generate
        from apidocgen.write import UnsafePathError

        output = generator_config.output
        try:
            result, changes = generate(
                generator_config,
                last,
                display_input=_shown(generator_config.input, self.base_dir),
            )
        except (OSError, UnsafePathError) as exc:
            raise PluginError(f"apidocgen: cannot write {output}: {exc}") from None
        except Exception as exc:  # a generator bug: one line unless debugging is asked for
            if os.environ.get("APIDOCGEN_DEBUG"):
                raise
            raise PluginError(
                f"apidocgen: internal error: {type(exc).__name__}: {exc}"
                " (set APIDOCGEN_DEBUG=1 for details)"
            ) from None
        for diagnostic in result.diagnostics:
            if diagnostic.severity == "warning":
                log.info(diagnostic.format())  # info: input warnings must not fail --strict
        if changes is None:
            raise PluginError(_diagnostics_message(result.diagnostics))
        log.info(
            "apidocgen: %d endpoints; %d files written, %d removed",
            result.counts.get("endpoints", 0),
            len(changes.added) + len(changes.changed),
            len(changes.removed),
        )

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        """Rebuild when a descriptor (or the generator's configuration) changes."""
        if self.generator_config is not None and self.config.generate:
            server.watch(str(self.generator_config.input))
            if self.generator_config.templates is not None:
                server.watch(str(self.generator_config.templates))
            pyproject = self.base_dir / (self.config.config or "pyproject.toml")
            if pyproject.is_file():
                server.watch(str(pyproject))
        return server

    # ---- files and pages -----------------------------------------------------------------

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Leave the generated Python package and the bookkeeping files out of the site."""
        for file in list(files):
            if not _in_site(file.src_uri):
                files.remove(file)
        return files

    def _start_prefetch(self, files: Files) -> None:
        """Render the generator's marked blocks in a second process, when there is a CPU for it
        and something to render (see apidocgen.generated_blocks.BlockPrefetch)."""
        self._stop_prefetch()
        blocks = self._blocks
        if blocks is None or (blocks.highlighter is None and blocks.tables is None):
            return
        if not BlockPrefetch.available():
            return
        paths = [
            f.abs_src_path
            for f in files.documentation_pages()
            if f.abs_src_path and _in_site(f.src_uri)
        ]
        if len(paths) < 2 * BlockPrefetch.CHUNK:
            return  # a small site: starting a process costs more than it saves
        extensions, configs = self._markdown_settings
        try:
            self._prefetch = BlockPrefetch(paths, extensions, configs, blocks)
        except OSError as problem:  # no process could be started: render everything here
            log.debug("apidocgen: rendering blocks in one process (%s)", problem)

    def _stop_prefetch(self) -> None:
        if self._prefetch is not None:
            self._prefetch.close()
            self._prefetch = None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Name the search dialog (accessibility: a dialog needs a name)."""
        return label_search_dialog(output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._stop_prefetch()

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_prefetch()

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Point the generated-blocks extension at this page: its links resolve from here."""
        if self._prefetch is not None:
            self._prefetch.collect()
        if self._blocks is not None:
            here = page.file

            def resolve(path: str) -> str | None:
                target = files.get_file_from_path(path)
                return html.escape(target.url_relative_to(here)) if target is not None else None

            self._blocks.start_page(posixpath.dirname(here.src_uri), resolve)
        return markdown

    # Before other plugins' handlers: they see the page whole (the generated-blocks extension
    # holds highlighted code out of it until sanitizing is done).
    @event_priority(50)
    def on_page_content(
        self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Sanitize the page's HTML; give it a title that is safe wherever a theme prints it."""
        # Whitespace and punctuation tokens of highlighted code need no span of their own
        # (whitespace has no colour; punctuation keeps the code colour). On an API site they
        # are half of all tags, and every tag costs time in search indexing and sanitizing.
        html_text = PLAIN_TOKEN.sub(r"\1", html_text)
        if self._cleaner is not None:
            html_text = self._cleaner.clean(html_text)
        if self._blocks is not None:
            html_text = self._blocks.release(html_text)
        title = page.title
        if title is None or "title" not in page.meta and not page.__dict__.get("title"):
            found = re.search(r"<h1[^>]*>(.*?)</h1>", html_text, re.DOTALL)
            if found:
                title = re.sub(r"<[^>]+>", "", found.group(1))
        if title:
            page.meta["title"] = safe_title(title)
        return html_text

    # The search plugin parses each page's HTML in Python, tag by tag; highlighting spans and
    # table markup are most of the tags of an API page, yet the index keeps only their text.
    # So search is given the page without them (the same index in less than half the time),
    # and the page gets them back afterwards. A page using `data-search-exclude` is left
    # alone, since what that excludes depends on the element carrying it.
    def _only_search_reads_page_context(self, config: MkDocsConfig) -> bool:
        # Another plugin's on_page_context would see (and might edit) the light copy.
        for handler in config.plugins.events.get("page_context", []):
            owner = getattr(handler, "__self__", None)
            if owner is self:
                continue
            if not type(owner).__module__.startswith(_SEARCH_PLUGIN_MODULES):
                return False
        return True

    @event_priority(100)
    def _before_search(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if not self._lighten_for_search:
            return context
        if page.content and "data-search-exclude" not in page.content:
            light = _SEARCH_NOISE.sub("", _SEARCH_CELL_END.sub(" ", page.content))
            self._held_content[id(page)] = (page.content, light)
            page.content = light
        return context

    @event_priority(-100)
    def _after_search(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        held = self._held_content.pop(id(page), None)
        # Restore only what is unchanged since: another plugin's edit is not undone.
        if held is not None and page.content == held[1]:
            page.content = held[0]
        return context

    on_page_context = CombinedEvent(_before_search, _after_search)


def label_search_dialog(output: str) -> str:
    """The page with mkdocs-material's search dialog named after its search box."""
    at = output.find(_SEARCH_DIALOG)
    if at < 0:
        return output
    found = _SEARCH_BOX_LABEL.search(output, at)
    label = found.group(1) if found else "Search"
    named = _SEARCH_DIALOG[:-1] + f' aria-label="{label}">'
    return output[:at] + named + output[at + len(_SEARCH_DIALOG) :]


def use_system_fonts(config: MkDocsConfig) -> None:
    """mkdocs-material loads its fonts from Google Fonts unless `theme.font` is false (or the
    privacy plugin downloads them at build time and serves them with the site)."""
    if config.theme.name != "material" or config.theme.get("font") is False:
        return
    for plugin in config.plugins.values():
        module = type(plugin).__module__
        if module.startswith("material.plugins.privacy") and plugin.config.get("enabled", True):
            return
    config.theme["font"] = False


def set_search_separator(config: MkDocsConfig) -> None:
    """`SEARCH_SEPARATOR` for the search plugin, unless mkdocs.yml gives it one."""
    for plugin in config.plugins.values():
        module = type(plugin).__module__
        if module.startswith("material.plugins.search") and not plugin.config.get("separator"):
            plugin.config["separator"] = SEARCH_SEPARATOR
        elif module.startswith("mkdocs.contrib.search") and plugin.config.get("separator") == (
            r"[\s\-]+"  # mkdocs' default: the option has no "unset" value
        ):
            plugin.config["separator"] = SEARCH_SEPARATOR


def _in_site(src_uri: str) -> bool:
    """Whether a file of docs_dir belongs in the site (not the generated Python package, not
    the generator's bookkeeping)."""
    top = src_uri.split("/", 1)[0]
    return not (top in NON_DOC_FOLDERS and "/" in src_uri) and src_uri not in (MANIFEST, NAV_FILE)


def page_cleaner() -> nh3.Cleaner:
    """The sanitizer for page content: what mkdocs, Python-Markdown, pymdown-extensions and
    Material produce, and nothing that runs (no scripts, event handlers or script URLs)."""
    return nh3.Cleaner(
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        generic_attribute_prefixes={"aria-"},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def safe_title(title: str) -> str:
    """Title text as HTML (entities), whether it came as text or as HTML-escaped text."""
    text = re.sub(r"<[^>]*>", "", title)
    text = html.unescape(text).replace("\u00b6", "").strip()
    return html.escape(" ".join(text.split()), quote=True)


def _read_nav(path: Path) -> list[Any] | None:
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


def _shown(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _diagnostics_message(diagnostics: Any) -> str:
    errors = [d for d in diagnostics if d.severity == "error"]
    lines = [d.format() for d in errors[:50]]
    if len(errors) > 50:
        lines.append(f"... and {len(errors) - 50} more errors")
    return f"apidocgen: {len(errors)} error(s) in the input:\n" + "\n".join(lines)
