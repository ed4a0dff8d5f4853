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
  `on_page_markdown` tells it which page is being rendered (for the links of those tables),
  and gives a generated page the stand-in for `page.render` that puts its frame together and
  has mkdocs convert only its texts (`apidocgen.page_assembly`).
* With a second CPU, a second process converts pages from the last one back while mkdocs
  converts them from the first (`apidocgen.conversion_worker`); failing that, it renders the
  generated blocks ahead (`BlockPrefetch`).
* Once every page is converted (`on_env`), a second process indexes the pages for search while
  this one lays them out (`apidocgen.search_worker`; both through `apidocgen.site_workers`).
* `on_page_content` sanitizes each page's HTML with nh3 (defence in depth: the generated
  Markdown is already safe) and gives the page an HTML-safe `meta.title`, because mkdocs
  themes print titles unescaped, and Material's `<title>` even un-escapes them (`striptags`).
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import re
from collections.abc import Iterable
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
from apidocgen.diagnostics import errors_message
from apidocgen.generated_blocks import (
    PLAIN_TOKEN,
    BlockPrefetch,
    CodeHighlighter,
    GeneratedBlocksExtension,
    TableConverter,
    highlight_is_reproducible,
    rows_are_page_independent,
)
from apidocgen.live_preview import (
    PAGE_EVENTS,
    REUSED_TEMPLATE,
    SEARCH_PLUGIN_MODULES,
    LivePreview,
    MemoryBytecodeCache,
    QuietSkippedPages,
    folder_state,
    keep_site_aside,
    nav_entries,
    prune_site,
    put_site_back,
    reads_other_files,
)
from apidocgen.manifest import MANIFEST
from apidocgen.nav_cache import NavCache
from apidocgen.nav_cache import install as install_nav_cache
from apidocgen.page_assembly import PageAssembler
from apidocgen.page_assembly import usable as assembly_usable
from apidocgen.page_sanitizer import page_cleaner, safe_title
from apidocgen.search_worker import light_copy
from apidocgen.site_layout import NAV_FILE, NON_DOC_FOLDERS, STYLESHEET, read_nav
from apidocgen.site_theme import (
    SEARCH_SEPARATOR,
    label_search_dialog,
    search_entries,
    search_index,
    set_search_separator,
    use_system_fonts,
)
from apidocgen.site_workers import SecondProcesses

__all__ = [
    "SEARCH_SEPARATOR",
    "ApidocgenPlugin",
    "label_search_dialog",
    "page_cleaner",
    "safe_title",
]

log = logging.getLogger("mkdocs.plugins.apidocgen")


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
    # Generated pages: Python-Markdown converts their texts only (apidocgen.page_assembly).
    assemble_pages = c.Type(bool, default=True)
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
        self._assembler: PageAssembler | None = None
        self._prefetch: BlockPrefetch | None = None
        self._convert_ahead = False
        self._workers = SecondProcesses()
        self.nav_cache: NavCache | None = None  # this build's, when the theme's nav allows
        self.serving = False
        self.preview = LivePreview()
        self._nav: Any = None
        self._search_index: list[Any] | None = None
        self._search_meta: dict[int, Any] = {}  # page -> its search metadata, while hidden
        self._search_marks: dict[str, int] = {}
        self._dirty = False
        self._page_search: dict[str, list[Any]] = {}
        self._kept_site: Path | None = None
        self._site_dir = ""
        self._templates = MemoryBytecodeCache()
        self._files: Files | None = None
        self._quiet: QuietSkippedPages | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """mkdocs keeps a plugin with this event loaded across the builds of one `mkdocs serve`:
        the live preview reuses what the previous build made of unchanged pages. (With
        `--dirty`, mkdocs skips unchanged pages itself.)"""
        self.serving = command == "serve" and not dirty
        self._dirty = dirty
        if self.serving and self._quiet is None:
            self._quiet = QuietSkippedPages(self.preview)
            logging.getLogger("mkdocs.commands.build").addFilter(self._quiet)

    def on_shutdown(self) -> None:
        if self._quiet is not None:
            logging.getLogger("mkdocs.commands.build").removeFilter(self._quiet)
            self._quiet = None

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
            raise PluginError(errors_message(problems))
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
        self._markdown_settings = (extensions, configs)
        self._assembler = None
        if self.config.assemble_pages and assembly_usable(extensions, configs):
            site_markdown = markdown.Markdown(extensions=extensions, extension_configs=configs)
            self._assembler = PageAssembler(self._blocks, site_markdown, extensions)
        config.markdown_extensions.append(self._blocks)  # an instance: Markdown accepts both
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Run the generator (when its inputs changed), then take the navigation."""
        assert self.generator_config is not None
        if self.config.generate:
            self._generate(self.generator_config)
        if self.config.nav and not self.user_nav:
            nav = read_nav(Path(config.docs_dir) / NAV_FILE)
            if nav is not None:
                config.nav = nav
        files = get_files(config)
        self._plan_reuse(config, files)
        self._convert_ahead = self._conversion_allowed(config) and SecondProcesses.can_convert(
            [f for f in files.documentation_pages() if _in_site(f.src_uri)]
        )
        if self.preview.enabled:
            self._site_dir = config.site_dir
            self._kept_site = keep_site_aside(config.site_dir)
        # As early as the pages exist: the first pages are needed right after the nav is built.
        self._start_prefetch(files)

    def _plan_reuse(self, config: MkDocsConfig, files: Files) -> None:
        """Under `mkdocs serve`: the key of each page, to reuse what the previous build made of
        the unchanged ones (apidocgen.live_preview)."""
        if not self._reuse_allowed(config):
            self.preview.start(False, (), {})
            return
        pages = {
            f.src_uri: (f.url, Path(f.abs_src_path))
            for f in files.documentation_pages()
            if f.abs_src_path and _in_site(f.src_uri)
        }
        settings: list[Any] = [
            Path(config.config_file_path).read_bytes() if config.config_file_path else b"",
            sorted(self.config.items()),
            [e for e in config.markdown_extensions if isinstance(e, str)],
            config.mdx_configs,
            folder_state(config.theme.custom_dir),
            sorted((f.src_uri, f.url) for f in files if _in_site(f.src_uri)),
        ]
        self.preview.start(True, settings, pages)

    def _conversion_allowed(self, config: MkDocsConfig) -> bool:
        """A full build in which every handler of the conversion's events is this plugin's or
        a search plugin's (another plugin's state would not see the pages converted in the
        second process): pages may be converted ahead (apidocgen.conversion_worker)."""
        if self.preview.enabled or self._dirty:
            return False
        if logging.getLogger("mkdocs").getEffectiveLevel() <= logging.DEBUG:
            return False  # every conversion logs: each would be done again here (`--verbose`)
        return self._only_self_and_search_handle(
            config, ("pre_page", "page_read_source", "page_markdown", "page_content")
        )

    def _reuse_allowed(self, config: MkDocsConfig) -> bool:
        """Serving, and every handler of page events is this plugin's or a search plugin's."""
        if not self.serving or reads_other_files(config.markdown_extensions):
            return False
        return self._only_self_and_search_handle(config, PAGE_EVENTS)

    def _only_self_and_search_handle(self, config: MkDocsConfig, events: Iterable[str]) -> bool:
        """Whether every handler of these mkdocs events is this plugin's or a search plugin's."""
        for event in events:
            for handler in config.plugins.events.get(event, []):
                owner = getattr(handler, "__self__", None)
                if owner is not self and not type(owner).__module__.startswith(
                    SEARCH_PLUGIN_MODULES
                ):
                    return False
        return True

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
            raise PluginError(errors_message(result.diagnostics))
        log.info(
            "apidocgen: %d endpoints; %d files written, %d removed",
            result.counts.get("endpoints", 0),
            len(changes.added) + len(changes.changed),
            len(changes.removed),
        )

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        """Rebuild when a descriptor (or the generator's configuration) changes. docs_dir is
        the generator's output: its own writes there must not start a second build."""
        if self.generator_config is not None and self.config.generate:
            try:
                server.unwatch(config.docs_dir)
            except KeyError:
                pass  # not watched (no live reload)
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
        if self._kept_site is not None:  # mkdocs has emptied site_dir: overwrite, not create
            put_site_back(self._kept_site, config.site_dir)
            self._kept_site = None
        self._files = files
        return files

    def _start_prefetch(self, files: Files) -> None:
        """Render the generator's marked blocks in a second process, when there is a CPU for it
        and something to render (see apidocgen.generated_blocks.BlockPrefetch)."""
        self._stop_prefetch()
        blocks = self._blocks
        if blocks is None or (blocks.highlighter is None and blocks.tables is None):
            return
        if self._convert_ahead:
            return  # the conversion worker renders its pages' blocks with the rest
        if not BlockPrefetch.available():
            return
        paths = [
            f.abs_src_path
            for f in files.documentation_pages()
            if f.abs_src_path
            and _in_site(f.src_uri)
            and not self.preview.content_reusable(f.src_uri)
        ]
        if len(paths) < 2 * BlockPrefetch.CHUNK:
            return  # a small site: starting a process costs more than it saves
        extensions, configs = self._markdown_settings
        try:
            self._prefetch = BlockPrefetch(paths, extensions, configs, blocks)
        except OSError as problem:  # no process could be started: render everything here
            log.debug("apidocgen: rendering blocks in one process (%s)", problem)

    def _stop_prefetch(self, *, wait: bool = False) -> None:
        if self._prefetch is not None:
            self._prefetch.close(wait=wait)
            self._prefetch = None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Name the search dialog (accessibility: a dialog needs a name); under `mkdocs serve`,
        keep the finished page, or hand back the one kept from the previous build."""
        src_uri = page.file.src_uri
        if self.preview.output_reused(src_uri):
            return self.preview.finished_output(src_uri, page.file.abs_dest_path)
        output = label_search_dialog(output)
        self.preview.keep_output(src_uri, output, self._page_search.pop(src_uri, []))
        return output

    # Before other plugins' on_post_build: what they write there is not pruned.
    @event_priority(100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Under `mkdocs serve`, delete what is left of the previous build and was not written
        again (a page that is gone). The search worker's entries go into the index first."""
        self._stop_prefetch()
        self._workers.finish_search()
        if self.preview.enabled and self._files is not None:
            # What mkdocs wrote: its files, the theme's templates, the search index.
            site = config.site_dir
            written = {f.abs_dest_path for f in self._files}
            written |= {os.path.join(site, name) for name in config.theme.static_templates}
            written.add(os.path.join(site, "sitemap.xml.gz"))
            prune_site(site, written, ["search"])
        preview = self.preview
        if preview.enabled and (preview.reused_content or preview.reused_output):
            log.info(
                "apidocgen: %d of %d pages converted, %d laid out; the others as in the"
                " previous build",
                len(preview.keys) - len(preview.reused_content),
                len(preview.keys),
                len(preview.keys) - len(preview.reused_output),
            )

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_prefetch()
        self._workers.stop()
        self.preview.forget()
        if self._kept_site is not None:  # the build failed before mkdocs emptied site_dir
            put_site_back(self._kept_site, self._site_dir)
            self._kept_site = None

    def on_page_read_source(self, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """The source as read for the page's key (not read twice)."""
        return self.preview.source_of(page.file.src_uri)

    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """The pages exist: start converting them ahead from the last one, when allowed."""
        self._nav = nav
        if self._convert_ahead:
            pages = [
                f.page
                for f in files.documentation_pages()
                if f.page is not None and _in_site(f.src_uri)
            ]
            self._workers.start_conversion(config, files, pages)
        return nav

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Every page is converted: the pages whose finished HTML is reused get a template that
        renders nothing (on_post_page hands mkdocs the page kept from the last build)."""
        if self.serving:
            env.bytecode_cache = self._templates
        self._workers.stop_conversion()  # every page is converted
        self._search_index = search_entries(config) if self.preview.enabled else None
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        items = self._nav.items if self._nav is not None else []
        reused = self.preview.plan_output(nav_entries(items), pages)
        self._start_search_worker(config, pages)
        self.nav_cache = install_nav_cache(env)
        if reused:
            import jinja2

            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({REUSED_TEMPLATE: ""}), env.loader])
            for page in reused:
                page.meta["template"] = REUSED_TEMPLATE
        return env

    def _start_search_worker(self, config: MkDocsConfig, pages: list[Page]) -> None:
        """Index the pages for search in a second process (apidocgen.site_workers): in a full
        build where only this plugin and search see the page context."""
        self._workers.stop_search()
        index = search_index(config)
        if self.preview.enabled or self._dirty or not self._lighten_for_search or index is None:
            return
        self._stop_prefetch(wait=True)  # its work is done; a process forks with no thread
        self._workers.start_search(index, pages)

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Point the generated-blocks extension at this page: its links resolve from here.
        Under `mkdocs serve`, a page unchanged since the last build is not converted again;
        a page the conversion worker converted already is not converted here."""
        if self._workers.take_conversion(page, markdown):
            return markdown
        if self.preview.content_reusable(page.file.src_uri):
            # mkdocs converts every page; this one's conversion is taken from the last build.
            restore = self.preview.restore_content(page.file.src_uri, page)
            page.render = restore  # type: ignore[method-assign]
            return markdown
        if self._prefetch is not None:
            self._prefetch.collect()
        if self._blocks is not None:
            here = page.file

            def resolve(path: str) -> str | None:
                target = files.get_file_from_path(path)
                return html.escape(target.url_relative_to(here)) if target is not None else None

            self._blocks.start_page(posixpath.dirname(here.src_uri), resolve)
            if self._assembler is not None and "<!-- apidocgen:" in markdown:
                page.render = self._assembler.stand_in(page)  # type: ignore[method-assign]
        return markdown

    # Before other plugins' handlers: they see the page sanitized.
    @event_priority(50)
    def on_page_content(
        self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Sanitize the page's HTML; give it a title that is safe wherever a theme prints it."""
        src_uri = page.file.src_uri
        converted_there, title = self._workers.converted_title(page)
        if converted_there:  # processed there
            if title:
                page.meta["title"] = title
            return html_text
        if src_uri in self.preview.reused_content:  # processed when it was converted
            title = self.preview.cached_title(src_uri)
            if title:
                page.meta["title"] = title
            return html_text
        # Whitespace and punctuation tokens of highlighted code need no span of their own
        # (whitespace has no colour; punctuation keeps the code colour). On an API site they
        # are half of all tags, and every tag costs time in search indexing and sanitizing.
        html_text = PLAIN_TOKEN.sub(r"\1", html_text)
        if self._cleaner is not None:
            html_text = self._cleaner.clean(html_text)
        title = page.title
        if title is None or "title" not in page.meta and not page.__dict__.get("title"):
            found = re.search(r"<h1[^>]*>(.*?)</h1>", html_text, re.DOTALL)
            if found:
                title = re.sub(r"<[^>]+>", "", found.group(1))
        if title:
            page.meta["title"] = safe_title(title)
        self.preview.keep_content(src_uri, page, html_text, page.meta.get("title"))
        return html_text

    # The search plugin parses each page's HTML in Python, tag by tag; highlighting spans and
    # table markup are most of the tags of an API page, yet the index keeps only their text.
    # So search is given the page without them (the same index in less than half the time),
    # and the page gets them back afterwards. A page using `data-search-exclude` is left
    # alone, since what that excludes depends on the element carrying it.
    def _only_search_reads_page_context(self, config: MkDocsConfig) -> bool:
        # Another plugin's on_page_context would see (and might edit) the light copy.
        return self._only_self_and_search_handle(config, ("page_context",))

    @event_priority(100)
    def _before_search(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        src_uri = page.file.src_uri
        there = self._workers.indexed_there(page)
        if there or self._search_index is not None and self.preview.output_reused(src_uri):
            # Indexed by the worker (its entries take this place in on_post_build), or as in
            # the last build (_after_search adds its entries): search skips it, and the page
            # gets its metadata back in _after_search.
            self._search_meta[id(page)] = page.meta.get("search")
            page.meta["search"] = {"exclude": True}
            return context
        if self._search_index is not None:
            self._search_marks[src_uri] = len(self._search_index)
        if not self._lighten_for_search or (page.meta.get("search") or {}).get("exclude"):
            return context  # not indexed (search only strips its attributes)
        content = page.content
        if content:
            light = light_copy(content)
            if light is not content:
                self._held_content[id(page)] = (content, light)
                page.content = light
        return context

    @event_priority(-100)
    def _after_search(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        src_uri = page.file.src_uri
        index = self._search_index
        if id(page) in self._search_meta:
            meta = self._search_meta.pop(id(page))
            if meta is None:
                del page.meta["search"]
            else:
                page.meta["search"] = meta
            if index is not None:  # reused from the last build (not the worker's)
                index.extend(self.preview.search_entries(src_uri))
        elif index is not None and src_uri in self._search_marks:
            self._page_search[src_uri] = index[self._search_marks.pop(src_uri) :]
        held = self._held_content.pop(id(page), None)
        # Restore only what is unchanged since: another plugin's edit is not undone.
        if held is not None and page.content == held[1]:
            page.content = held[0]
        return context

    on_page_context = CombinedEvent(_before_search, _after_search)


def _in_site(src_uri: str) -> bool:
    """Whether a file of docs_dir belongs in the site (not the generated Python package, not
    the generator's bookkeeping)."""
    top = src_uri.split("/", 1)[0]
    return not (top in NON_DOC_FOLDERS and "/" in src_uri) and src_uri not in (MANIFEST, NAV_FILE)


def _shown(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return str(path)
