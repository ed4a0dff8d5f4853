"""The second processes of a `mkdocs build`, as the apidocgen plugin uses them.

* Conversion (`apidocgen.conversion_worker`): once the navigation is built, a copy of the build's
  process converts pages from the last back; the build takes a page's conversion when it
  reaches that page (`take_conversion`, then `converted_title`).
* Search and layout (`apidocgen.search_worker`): once every page is converted, a copy indexes
  every page for search, then lays out pages from the last back; the build leaves the copy's
  pages out of its own indexing (`indexed_there`) and takes a page's finished HTML when it
  reaches that page (`laid_out`).

The plugin starts each only where it allows it (a full build, only itself and search handling
the events concerned); each starts only where the machine may fork (`apidocgen.forking`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from apidocgen.conversion_worker import ConversionWorker, converter
from apidocgen.live_preview import REUSED_TEMPLATE, restorer
from apidocgen.search_worker import LayOut, SearchWorker, light_copy

log = logging.getLogger("mkdocs.plugins.apidocgen")


class SecondProcesses:
    """The build's second processes, and what the build takes from them."""

    def __init__(self) -> None:
        self._converter: ConversionWorker | None = None
        self._taken: dict[int, str | None] = {}  # page converted there -> its title
        self._search: SearchWorker | None = None
        self._page_after: dict[int, Any] = {}  # the page mkdocs lays out after this one
        # page laid out there -> its HTML, and its own template (`template` in its metadata?)
        self._laid_out: dict[int, tuple[str, bool, Any]] = {}

    @property
    def converting(self) -> bool:
        return self._converter is not None

    @property
    def searching(self) -> bool:
        return self._search is not None

    # ---- conversion: from on_nav to on_env ------------------------------------------------------

    @staticmethod
    def can_convert(pages: Sequence[Any]) -> bool:
        return ConversionWorker.usable(pages)

    def start_conversion(self, config: Any, files: Any, pages: Sequence[Any]) -> None:
        self.stop_conversion()
        if not ConversionWorker.usable(pages):
            return
        try:
            self._converter = ConversionWorker(pages, converter(config, files))
        except OSError as problem:  # no process could be started: the build converts them
            log.debug("apidocgen: converting pages in one process (%s)", problem)

    def take_conversion(self, page: Any, markdown: str) -> bool:
        """The build reaches `page` (its Markdown as read): whether its conversion comes from
        the copy (the page's `render` then puts it in place)."""
        if self._converter is None:
            return False
        found = self._converter.take(page)
        if found is None or found.key != markdown:
            return False
        page.render = restorer(page, found)
        self._taken[id(page)] = found.title
        return True

    def converted_title(self, page: Any) -> tuple[bool, str | None]:
        """Whether the copy converted `page` (its HTML is final then), and its title."""
        if id(page) not in self._taken:
            return False, None
        return True, self._taken.pop(id(page))

    def stop_conversion(self) -> None:
        if self._converter is not None:
            log.debug("apidocgen: %d pages converted in a second process", self._converter.taken)
            self._converter.close()
            self._converter = None
        self._taken = {}

    # ---- search and layout: from on_env to on_post_build ---------------------------------------

    def start_search(self, index: Any, pages: Sequence[Any], lay_out: LayOut | None) -> None:
        """Index `pages` for search in a copy (then lay out pages there, with `lay_out`)."""
        self.stop_search()
        if not SearchWorker.usable(index, pages):
            return
        try:
            self._search = SearchWorker(index, pages, light_copy, lay_out)
        except OSError as problem:  # no process could be started: search indexes here
            log.debug("apidocgen: indexing for search in one process (%s)", problem)
            return
        if lay_out is not None:
            self._page_after = {id(p): after for p, after in zip(pages, pages[1:], strict=False)}

    @property
    def lays_out(self) -> bool:
        return self._search is not None and bool(self._page_after)

    def indexed_there(self, page: Any) -> bool:
        """Search is about to index `page`: whether the copy does (its entries go here)."""
        if self._search is None or not self._search.handles(page):
            return False
        self._search.place(page)
        return True

    def laid_out(self, page: Any) -> str | None:
        """`page` is laid out: its HTML from the copy (None: the build's own). The page mkdocs
        lays out next gets the template that renders nothing when the copy has laid it out."""
        after = self._page_after.get(id(page))
        if after is not None and self._search is not None:
            output = self._search.laid_out(after)
            if output is not None:
                meta = after.meta
                self._laid_out[id(after)] = (output, "template" in meta, meta.get("template"))
                meta["template"] = REUSED_TEMPLATE
        found = self._laid_out.pop(id(page), None)
        if found is None:
            return None
        output, had_template, template = found
        if had_template:
            page.meta["template"] = template
        else:
            del page.meta["template"]
        return output

    def finish_search(self) -> None:
        """Put the copy's entries in the search index (before search writes it)."""
        if self._search is not None:
            search, self._search = self._search, None
            if not search.finish():
                log.debug("apidocgen: the search worker failed; pages indexed in this process")
        self.stop_search()

    def stop_search(self) -> None:
        if self._search is not None:
            self._search.close()
            self._search = None
        self._page_after, self._laid_out = {}, {}

    def stop(self) -> None:
        """Stop both (a build that failed)."""
        self.stop_conversion()
        self.stop_search()
