"""The second processes of a `mkdocs build`, as the apidocgen plugin uses them.

* Conversion (`apidocgen.conversion_worker`): once the navigation is built, a copy of the build's
  process converts pages from the last back; the build takes a page's conversion when it
  reaches that page (`take_conversion`, then `converted_title`).
* Search (`apidocgen.search_worker`): once every page is converted, a copy indexes every page
  for search; the build leaves those pages out of its own indexing (`indexed_there`) and puts
  the copy's entries in their place before the index is written (`finish_search`).

The plugin starts each only where it allows it (a full build, only itself and search handling
the events concerned); each starts only where the machine may fork (`apidocgen.forking`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from apidocgen.conversion_worker import ConversionWorker, converter
from apidocgen.live_preview import restorer
from apidocgen.search_worker import SearchWorker, light_copy

log = logging.getLogger("mkdocs.plugins.apidocgen")


class SecondProcesses:
    """The build's second processes, and what the build takes from them."""

    def __init__(self) -> None:
        self._converter: ConversionWorker | None = None
        self._taken: dict[int, str | None] = {}  # page converted there -> its title
        self._search: SearchWorker | None = None

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

    # ---- search: from on_env to on_post_build ---------------------------------------------------

    def start_search(self, index: Any, pages: Sequence[Any]) -> None:
        """Index `pages` for search in a copy."""
        self.stop_search()
        if not SearchWorker.usable(index, pages):
            return
        try:
            self._search = SearchWorker(index, pages, light_copy)
        except OSError as problem:  # no process could be started: search indexes here
            log.debug("apidocgen: indexing for search in one process (%s)", problem)

    def indexed_there(self, page: Any) -> bool:
        """Search is about to index `page`: whether the copy does (its entries go here)."""
        if self._search is None or not self._search.handles(page):
            return False
        self._search.place(page)
        return True

    def finish_search(self) -> None:
        """Put the copy's entries in the search index (before search writes it)."""
        if self._search is not None:
            search, self._search = self._search, None
            if not search.finish():
                log.debug("apidocgen: the search worker failed; pages indexed in this process")

    def stop_search(self) -> None:
        if self._search is not None:
            self._search.close()
            self._search = None

    def stop(self) -> None:
        """Stop both (a build that failed)."""
        self.stop_conversion()
        self.stop_search()
