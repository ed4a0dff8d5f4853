"""Navigation items rendered once per folder, not once per page.

mkdocs-material renders the whole navigation into every page. On a large API most of a page's
layout time is that navigation, and most of it is items the page is not in (the sections it
is not in, the other pages of its own section). Such an item renders the same for every page,
except for its links, which are relative to the page; and links from pages in one folder are
alike (mkdocs' `get_relative_url` depends on the page's folder, unless the link points into
the page's own URL). So an item's HTML is kept per folder and reused.

The theme's templates stay the theme's (or the user's overrides of them): the two calls that
render a navigation item, in `partials/nav.html` (a top-level item) and in
`partials/nav-item.html` (an item's children), are routed through `NavCache.render`, which
calls the same macro with the same arguments. A template without its call is left as it is.
The cache checks itself: a kept item is rendered again the first time it is reused, and if
the two differ (a theme whose navigation depends on more than the page's folder), the cache
turns itself off for the rest of the build.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable
from typing import Any

import jinja2

GLOBAL = "apidocgen_nav_item"
# (template, the call that renders one navigation item, the same call routed through the cache)
ROUTES = (
    (
        "partials/nav.html",
        "{{ item.render(nav_item, path, 1) }}",
        "{{ " + GLOBAL + "(item.render, nav_item, path, 1) }}",
    ),
    (
        "partials/nav-item.html",
        '{{ render(item, path ~ "_" ~ loop.index, level + 1, nav_item) }}',
        "{{ " + GLOBAL + '(render, item, path ~ "_" ~ loop.index, level + 1, nav_item) }}',
    ),
)

Key = tuple[int, str, int, int, bool, tuple[str, ...], str]


@functools.lru_cache(maxsize=4096)  # every page's URL, looked up for each item of its nav
def url_parts(url: str) -> tuple[str, ...]:
    """The path segments relative links are computed from (as `get_relative_url` does: a
    last segment holding a dot is a file, and relative links start from its folder)."""
    folder, _, last = url.rpartition("/")
    origin = folder if "." in last else url
    normal = posixpath.normpath("/" + origin)
    return tuple(part for part in normal.split("/") if part)


class NavCache:
    """Navigation items' HTML per (item, its place, folder of the page), for one build."""

    def __init__(self) -> None:
        self.enabled = True
        self.hits = 0
        self._kept: dict[Key, Any] = {}
        self._checked: set[Key] = set()
        self._prefixes: dict[int, frozenset[tuple[str, ...]]] = {}

    def _inside(self, item: Any) -> frozenset[tuple[str, ...]]:
        """Every leading part of every link in `item`: a page whose own parts are among them
        has a link inside its URL, which its folder alone does not decide."""
        found = self._prefixes.get(id(item))
        if found is None:
            prefixes: set[tuple[str, ...]] = set()
            stack = [item]
            while stack:
                node = stack.pop()
                children = getattr(node, "children", None)
                if children:
                    stack.extend(children)
                url = getattr(node, "url", None)
                if isinstance(url, str):
                    parts = url_parts(url)
                    prefixes.update(parts[:n] for n in range(len(parts) + 1))
            found = self._prefixes[id(item)] = frozenset(prefixes)
        return found

    def key(
        self, item: Any, path: str, level: int, parent: Any, page: Any, base_url: str
    ) -> Key | None:
        """Where `item` rendered for `page` may be reused: None when it may not (the page is
        in it, or has a link inside its URL)."""
        if not self.enabled or page is None or getattr(item, "active", True) is not False:
            return None
        if not isinstance(getattr(page, "url", None), str):
            return None
        parts = url_parts(page.url)
        if parts in self._inside(item):
            return None
        parent_active = bool(getattr(parent, "active", False))
        return (id(item), path, level, id(parent), parent_active, parts[:-1], base_url)

    @jinja2.pass_context
    def render(
        self,
        context: Any,
        macro: Callable[..., Any],
        item: Any,
        path: str,
        level: int,
        *parent: Any,
    ) -> Any:
        """The theme's `macro(item, path, level, *parent)`, reused where the page's folder
        allows."""
        page, base_url = context.get("page"), str(context.get("base_url", ""))
        key = self.key(item, path, level, parent[0] if parent else None, page, base_url)
        if key is None:
            return macro(item, path, level, *parent)
        if key in self._checked:
            self.hits += 1
            return self._kept[key]
        output = macro(item, path, level, *parent)
        if key not in self._kept:
            self._kept[key] = output
        elif self._kept[key] == output:
            self._checked.add(key)
        else:  # the section depends on more than the page's folder: render every time
            self.enabled = False
            self._kept.clear()
            self._checked.clear()
        return output


def install(env: jinja2.Environment) -> NavCache | None:
    """Route the theme's navigation items through a new `NavCache` in `env` (None when neither
    navigation template holds its call once)."""
    loader = env.loader
    if loader is None:
        return None
    routed: dict[str, str] = {}
    for name, call, through_cache in ROUTES:
        try:
            source, _, _ = loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            continue
        if source.count(call) == 1:
            routed[name] = source.replace(call, through_cache)
    if not routed:
        return None
    cache = NavCache()
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader(routed), loader])
    env.globals[GLOBAL] = cache.render
    return cache
