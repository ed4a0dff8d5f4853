"""Pagination over `Link: <...>; rel="next"` headers (RFC 8288).

`client.<group>.iter_<method>(...)` returns a paginator: iterate it (`for`, or `async for` on
the async client) for the items of every page, or call `.pages()` for the pages themselves.
It follows `rel="next"` until a response has none, or until the next link says
`results="false"` (there is nothing more to fetch), and never leaves the API's origin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._errors import APIError

if TYPE_CHECKING:
    from ._request import RequestOptions
    from ._response import APIResponse
    from ._transport import AsyncAPIClient, SyncAPIClient

__all__ = [
    "AsyncPaginator",
    "Link",
    "Page",
    "SyncPaginator",
    "next_page_url",
    "parse_link_header",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Link:
    """One link of a `Link` header: its target, relations and other parameters."""

    url: str
    rel: frozenset[str]
    params: dict[str, str]


def parse_link_header(value: str) -> list[Link]:
    """Every link in a `Link` header value; malformed parts are skipped, never fatal."""
    links: list[Link] = []
    for part in _split(value, ","):
        part = part.strip()
        if not part.startswith("<") or ">" not in part:
            continue
        url, _, rest = part[1:].partition(">")
        params: dict[str, str] = {}
        for piece in _split(rest, ";"):
            key, _, raw = piece.partition("=")
            key = key.strip().lower()
            if key and key not in params:
                params[key] = _unquote(raw.strip())
        rel = frozenset(params.pop("rel", "").lower().split())
        links.append(Link(url.strip(), rel, params))
    return links


def _split(text: str, separator: str) -> list[str]:
    """Split on `separator` outside `<...>` and double quotes (with backslash escapes)."""
    parts: list[str] = []
    current: list[str] = []
    in_angle = in_quote = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif in_quote and char == "\\":
            escaped = True
        elif char == '"' and not in_angle:
            in_quote = not in_quote
        elif char == "<" and not in_quote:
            in_angle = True
        elif char == ">" and not in_quote:
            in_angle = False
        elif char == separator and not in_angle and not in_quote:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
        out: list[str] = []
        escaped = False
        for char in value:
            if char == "\\" and not escaped:
                escaped = True
                continue
            out.append(char)
            escaped = False
        return "".join(out)
    return value


def next_page_url(response: httpx.Response) -> str | None:
    """The absolute URL of the next page, or None when this is the last page."""
    for header in response.headers.get_list("link"):
        for link in parse_link_header(header):
            if "next" not in link.rel:
                continue
            if link.params.get("results", "").lower() == "false":
                return None
            return str(response.url.join(link.url))
    return None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page: its items, its `APIResponse`, and the URL of the next page (if any)."""

    items: list[T]
    response: APIResponse[Any]
    next_url: str | None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _page(response: APIResponse[Any], items_are_list: bool) -> Page[Any]:
    body = response.parse()
    if items_are_list and isinstance(body, list):
        items = list(body)
    else:
        items = [] if body is None else [body]
    return Page(items, response, next_page_url(response.http_response))


def _check_loop(url: str, seen: set[str]) -> None:
    if url in seen:
        raise APIError(f"pagination loop: the next link points back to {url}")
    seen.add(url)


class SyncPaginator(Generic[T]):
    """Iterates the items of every page, fetching the next page when one runs out."""

    def __init__(
        self, client: SyncAPIClient, options: RequestOptions, *, items_are_list: bool
    ) -> None:
        self._client = client
        self._options = options
        self._items_are_list = items_are_list

    def pages(self) -> Iterator[Page[T]]:
        """Every page, first to last."""
        options = self._options
        seen: set[str] = set()
        while True:
            page: Page[T] = _page(self._client._send(options), self._items_are_list)
            yield page
            if page.next_url is None:
                return
            _check_loop(page.next_url, seen)
            options = options.follow(page.next_url)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def __repr__(self) -> str:
        return f"<SyncPaginator {self._options.method} {self._options.path}>"


class AsyncPaginator(Generic[T]):
    """The async paginator: `async for item in paginator`, or `async for page in .pages()`."""

    def __init__(
        self, client: AsyncAPIClient, options: RequestOptions, *, items_are_list: bool
    ) -> None:
        self._client = client
        self._options = options
        self._items_are_list = items_are_list

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Every page, first to last."""
        options = self._options
        seen: set[str] = set()
        while True:
            page: Page[T] = _page(
                await self._client._send(options), self._items_are_list
            )
            yield page
            if page.next_url is None:
                return
            _check_loop(page.next_url, seen)
            options = options.follow(page.next_url)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    def __repr__(self) -> str:
        return f"<AsyncPaginator {self._options.method} {self._options.path}>"
