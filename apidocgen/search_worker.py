"""Search indexing in a second process while mkdocs lays out the pages in the first.

mkdocs-material's search plugin indexes each page when the page is laid out (its
`on_page_context`), parsing the page's HTML in Python: on a large API a third of the build.
A page's HTML is final once every page is converted (mkdocs' `on_env`), so the indexing can
start there, in a forked copy of the build's process that runs the search plugin's own indexer
over the pages in order, while the build lays them out. Meanwhile the plugin's in-process
indexing skips them (the apidocgen plugin marks each page `search: exclude` while search looks
at it and restores its metadata before the page is laid out), and their entries go in their
place in the index before the search plugin writes it.

The index is the one the search plugin would have built: the same code over the same pages.
When the copy fails, the pages are indexed in the build's process instead, from the HTML
search would have been given.
"""

from __future__ import annotations

import queue
import re
from collections.abc import Callable, Sequence
from typing import Any

from apidocgen.forking import MIN_PAGES, ForkedCopy, can_fork

Prepare = Callable[[str], str]

# Tags the search index does not keep (it keeps the text inside them): its parser's time is
# spent per tag, and on an API site these are most of them (highlighting and tables).
_SEARCH_NOISE = re.compile(
    r"</?(?:span|table|thead|tbody|tfoot|tr|label|input|small|wbr)\b[^>]*>|<t[hd]\b[^>]*>"
)
# The end of a table cell or tab label becomes a space in what search indexes: its text
# must not run into the next.
_SEARCH_CELL_END = re.compile(r"</(?:t[hd]|label)>")


def light_copy(content: str) -> str:
    """A page's HTML as search is given it: without the tags whose text is all it keeps (the
    page itself when it uses `data-search-exclude`, whose effect depends on the element)."""
    if "data-search-exclude" in content:
        return content
    return _SEARCH_NOISE.sub("", _SEARCH_CELL_END.sub(" ", content))


def index_pages(index: Any, pages: Sequence[Any], prepare: Prepare) -> list[list[Any]]:
    """The entries a search index like `index` makes for each page, in order, when it is
    given `prepare(page.content)` (the page is left as it was)."""
    fresh = type(index)(**index.config)
    found: list[list[Any]] = []
    for page in pages:
        start = len(fresh.entries)
        content = page.content
        page.content = prepare(content) if content else content
        try:
            fresh.add_entry_from_context(page)
        finally:
            page.content = content
        found.append(fresh.entries[start:])
    return found


def _child(results: Any, index: Any, pages: Sequence[Any], prepare: Prepare) -> None:
    try:
        found: list[list[Any]] | None = index_pages(index, pages, prepare)
    except Exception:  # the parent indexes the pages itself
        found = None
    results.put(found)
    results.close()


class SearchWorker:
    """Indexes `pages` (in order) in a forked process; `place` records where a page's
    entries belong in the index, `finish` puts them there."""

    @staticmethod
    def usable(index: Any, pages: Sequence[Any]) -> bool:
        """An index this module knows how to copy (mkdocs-material's), enough pages, and a
        process that may fork (`forking.can_fork`)."""
        return (
            type(index).__module__.startswith("material.plugins.search")
            and isinstance(getattr(index, "config", None), dict)
            and isinstance(getattr(index, "entries", None), list)
            and len(pages) >= MIN_PAGES
            and can_fork()
        )

    def __init__(self, index: Any, pages: Sequence[Any], prepare: Prepare) -> None:
        self._index = index
        self._pages = list(pages)
        self._prepare = prepare
        self._number = {id(page): n for n, page in enumerate(self._pages)}
        self._places: list[tuple[int, int]] = []  # (position in the index, page number)
        self._content: dict[int, str] = {}  # page number -> HTML search would have had
        # The pages are in the copy's memory already; only the result is sent.
        self._copy = ForkedCopy(_child, index, self._pages, prepare)

    def handles(self, page: Any) -> bool:
        return id(page) in self._number

    def place(self, page: Any) -> None:
        """The page's entries go here, at the index's current end."""
        number = self._number[id(page)]
        self._places.append((len(self._index.entries), number))
        self._content[number] = page.content

    def finish(self) -> bool:
        """Put the placed pages' entries in the index; whether the second process made them."""
        found: list[list[Any]] | None = None
        while True:  # until the copy's entries are in, or it has ended without them
            try:
                found = self._copy.results.get(timeout=0.05)
                break
            except queue.Empty:
                if not self._copy.alive() and self._copy.results.empty():
                    break
            except (EOFError, OSError, ValueError):
                break
        self._copy.close()
        made_there = found is not None and len(found) == len(self._pages)
        if not made_there:
            placed = sorted(self._content)
            pages = [_WithContent(self._pages[n], self._content[n]) for n in placed]
            made = index_pages(self._index, pages, self._prepare)
            found = [[] for _ in self._pages]
            for number, entries in zip(placed, made, strict=True):
                found[number] = entries
        assert found is not None
        # From the last place to the first, so that earlier places stay where they were (and
        # pages placed at the same position keep their order).
        for position, number in sorted(self._places, reverse=True):
            self._index.entries[position:position] = found[number]
        self._places, self._content = [], {}
        return made_there

    def close(self) -> None:
        """Stop the second process (the build failed)."""
        self._copy.close()


class _WithContent:
    """A page as search reads it, with the HTML it had when it was laid out."""

    def __init__(self, page: Any, content: str) -> None:
        self._page = page
        self.content = content

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)
