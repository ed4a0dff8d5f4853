"""Pages converted in a second process while mkdocs converts them in the first.

mkdocs converts the pages of a site one after another in one process (reading, Markdown, the
plugins' handlers of the page's Markdown and HTML). With a second CPU, the apidocgen plugin
forks a copy of the build's process once the navigation is built, just before the conversions
start. The copy converts pages as the build would (the same mkdocs calls, with the same
configuration, files and plugins), from the last page back, and hands each result over as soon
as it is done; the build's process converts from the first page forward and takes the copy's
result for a page when there is one. The two meet in the middle: the copy stops at the first
page the build has reached. A result is used only for the same Markdown source, through the
stand-in for `page.render` that the live preview uses (`live_preview.restorer`).

A page whose conversion in the copy logged anything (a broken link, an extension's warning) or
raised is converted again by the build's process, so that every message is reported, and
counted by `--strict`, as mkdocs reports it.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable, Sequence
from typing import Any

from apidocgen.forking import MIN_PAGES, ForkedCopy, Quietly, can_fork
from apidocgen.live_preview import Converted, conversion_of

# page -> what converting it made; `Converted.key` is the page's Markdown as read.
Convert = Callable[[Any], Converted]


def converter(config: Any, files: Any) -> Convert:
    """How the second process converts a page: the steps of mkdocs' build (its plugins'
    handlers included), keyed by the Markdown it read."""

    def convert(page: Any) -> Converted:
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            source = page.markdown or ""
            page.markdown = config.plugins.on_page_markdown(
                source, page=page, config=config, files=files
            )
            page.render(config, files)
            content = config.plugins.on_page_content(
                page.content or "", page=page, config=config, files=files
            )
        finally:
            config._current_page = None
        return conversion_of(page, source, content or "", page.meta.get("title"))

    return convert


def _convert_from_the_end(
    results: Any, pages: Sequence[Any], convert: Convert, reached: Any
) -> None:
    quietly = Quietly()
    for number in range(len(pages) - 1, -1, -1):
        if reached.value >= number:
            break  # the build's process has reached this page
        results.put((number, quietly.run(convert, pages[number])))
    results.close()


class ConversionWorker:
    """Converts `pages` from the last back in a forked process; `take` hands over a page's
    conversion when the build's process reaches that page."""

    @staticmethod
    def usable(pages: Sequence[Any]) -> bool:
        """Enough pages, and a process that may fork (`forking.can_fork`)."""
        return len(pages) >= MIN_PAGES and can_fork()

    def __init__(self, pages: Sequence[Any], convert: Convert) -> None:
        self._pages = list(pages)
        self._number = {id(page): n for n, page in enumerate(self._pages)}
        self._done: dict[int, Converted | None] = {}
        # The page the build's process has reached (the copy stops there).
        self._reached = multiprocessing.get_context("fork").RawValue("i", -1)
        # The pages, settings and plugins are in the copy's memory already.
        self._copy = ForkedCopy(_convert_from_the_end, self._pages, convert, self._reached)
        self.taken = 0

    def take(self, page: Any) -> Converted | None:
        """The build's process has reached `page`: the copy's conversion of it, if done."""
        number = self._number.get(id(page))
        if number is None:
            return None
        self._reached.value = max(self._reached.value, number)
        while True:
            try:
                done, found = self._copy.results.get_nowait()
            except (queue.Empty, EOFError, OSError, ValueError):
                break
            self._done[done] = found
        found = self._done.pop(number, None)
        self.taken += found is not None
        return found

    def close(self) -> None:
        """Stop the copy (the build's process has passed every page, or the build failed)."""
        self._copy.close()
        self._done = {}
