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

The sections that hold the page (its path in the navigation) differ from page to page only
in the children that hold it. So a section's own markup, its shell (the text around its
children), is kept too, per folder and per whether the section holds the page or the page is
an index: it is found by rendering the section once with a token for each child, and a page
then gets the shell with its children filled in, each kept or rendered. A shell is used only
if filling it gives the section as the theme renders it, for the page it was found with (a
template may do more with a child than print it) and for the first page that reuses it;
otherwise shells are off for the rest of the build.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
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
ShellKey = tuple[Key, bool, bool]
# A call of the theme's item macro: the macro, the item, its path, its level, its parent (if any)
Call = tuple[Callable[..., Any], Any, str, int, tuple[Any, ...]]


@functools.lru_cache(maxsize=4096)  # every page's URL, looked up for each item of its nav
def url_parts(url: str) -> tuple[str, ...]:
    """The path segments relative links are computed from (as `get_relative_url` does: a
    last segment holding a dot is a file, and relative links start from its folder)."""
    folder, _, last = url.rpartition("/")
    origin = folder if "." in last else url
    normal = posixpath.normpath("/" + origin)
    return tuple(part for part in normal.split("/") if part)


@dataclass
class _Shell:
    """A section's markup around its children (`texts` before, between and after them),
    for the pages of one folder that it holds."""

    texts: list[str]
    children: list[tuple[Any, str, int]]  # each child's item, path and level, in order
    kind: Callable[[str], Any]  # str, or Markup when the environment escapes
    keys: list[Key] = field(default_factory=list)  # each child's key for this folder
    inside: list[frozenset[tuple[str, ...]]] = field(default_factory=list)
    # The section with every child as kept for this folder, and where each child is in it.
    whole: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)

    def join(self, outputs: list[str]) -> str:
        pieces = [self.texts[0]]
        for output, text in zip(outputs, self.texts[1:], strict=True):
            pieces += [output, text]
        return "".join(pieces)


_TOKEN = "\x00apidocgen-nav-"


class _Gathering:
    """A section rendered once with a token in place of each child, to find its shell."""

    def __init__(self, section: Any) -> None:
        self.section = section
        self.children: list[tuple[Any, str, int]] = []
        self.outputs: list[Any] = []

    def token(self, item: Any, path: str, level: int, output: Any) -> str:
        self.children.append((item, path, level))
        self.outputs.append(output)
        return f"{_TOKEN}{len(self.outputs) - 1}\x00"

    def split(self, output: Any) -> _Shell | None:
        """The shell, when every token is in `output` once and in order."""
        text = str(output)
        texts: list[str] = []
        start = 0
        for n in range(len(self.outputs)):
            token = f"{_TOKEN}{n}\x00"
            at = text.find(token, start)
            if at < 0:
                return None
            texts.append(text[start:at])
            start = at + len(token)
        texts.append(text[start:])
        if any(_TOKEN in text for text in texts):  # a token twice, or out of order
            return None
        return _Shell(texts, self.children, type(output) if isinstance(output, str) else str)

    def joined(self, shell: _Shell) -> str:
        """The section as the theme rendered it, if it printed each child as it is."""
        return shell.join([str(output) for output in self.outputs])


def _folder_key(
    item: Any, path: str, level: int, parent: Any, folder: tuple[str, ...], base_url: str
) -> Key:
    parent_active = bool(getattr(parent, "active", False))
    return (id(item), path, level, id(parent), parent_active, folder, base_url)


class NavCache:
    """Navigation items' HTML per (item, its place, folder of the page), for one build."""

    def __init__(self) -> None:
        self.enabled = True
        self.hits = 0
        self._kept: dict[Key, Any] = {}
        self._checked: set[Key] = set()
        self._prefixes: dict[int, frozenset[tuple[str, ...]]] = {}
        self.shells = True
        self.shell_hits = 0
        self._shells: dict[ShellKey, _Shell] = {}
        self._shells_checked: set[ShellKey] = set()
        self._gathering: list[_Gathering] = []

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
        return _folder_key(item, path, level, parent, parts[:-1], base_url)

    def shell_key(
        self, item: Any, path: str, level: int, parent: Any, page: Any, base_url: str
    ) -> ShellKey | None:
        """Where the markup of a section around its children, rendered for `page`, may be
        reused: for the pages of one folder that it holds alike (None when it may not)."""
        if not (self.shells and self.enabled) or not getattr(item, "children", None):
            return None
        if not isinstance(getattr(page, "url", None), str):
            return None
        folder = _folder_key(item, path, level, parent, url_parts(page.url)[:-1], base_url)
        # A section's own markup shows whether it holds the page, and may tell its index page.
        return folder, bool(getattr(item, "active", False)), bool(getattr(page, "is_index", False))

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
        output = self._item((macro, item, path, level, parent), page, base_url)
        gathering = self._gathering[-1] if self._gathering else None
        if gathering is not None and parent and parent[0] is gathering.section:
            return gathering.token(item, path, level, output)
        return output

    def _item(self, call: Call, page: Any, base_url: str) -> Any:
        macro, item, path, level, parent = call
        key = self.key(item, path, level, parent[0] if parent else None, page, base_url)
        if key is None:
            return self._section(call, page, base_url)
        if key in self._checked:
            self.hits += 1
            return self._kept[key]
        output = macro(item, path, level, *parent)
        if key not in self._kept:
            self._kept[key] = output
        elif self._kept[key] == output:
            self._checked.add(key)
        else:  # the section depends on more than the page's folder: render every time
            self.enabled = False  # and sections' own markup is not trusted either
            self._kept.clear()
            self._checked.clear()
            self._drop_shells()
        return output

    def _section(self, call: Call, page: Any, base_url: str) -> Any:
        """An item rendered for a page it holds: its own markup (its shell) is kept per
        folder, and only its children are rendered (or reused) for each page."""
        macro, item, path, level, parent = call
        key = self.shell_key(item, path, level, parent[0] if parent else None, page, base_url)
        if key is None:
            return macro(item, path, level, *parent)
        shell = self._shells.get(key)
        if shell is None:
            gathering = _Gathering(item)
            self._gathering.append(gathering)
            try:
                output = macro(item, path, level, *parent)
            finally:
                self._gathering.pop()
            shell = gathering.split(output)
            # The template may do more with a child than print it (and did it to a token).
            output = macro(item, path, level, *parent)
            if shell is None or gathering.joined(shell) != output:
                self._drop_shells()
                return output
            folder = url_parts(page.url)[:-1]
            for child, child_path, child_level in shell.children:
                shell.keys.append(
                    _folder_key(child, child_path, child_level, item, folder, base_url)
                )
                shell.inside.append(self._inside(child))
            self._shells[key] = shell
            return output
        assembled = self._assemble(shell, macro, item, page, base_url)
        if key in self._shells_checked:
            self.shell_hits += 1
            return assembled
        output = macro(item, path, level, *parent)
        if output == assembled:
            self._shells_checked.add(key)
        else:
            self._drop_shells()
        return output

    def _assemble(
        self, shell: _Shell, macro: Callable[..., Any], item: Any, page: Any, base_url: str
    ) -> Any:
        """The section for `page`: its shell with its children, each kept or rendered."""
        if shell.whole is None and self.enabled:
            self._complete(shell)
        if shell.whole is None or not self.enabled:
            outputs = [
                str(self._item((macro, child, path, level, (item,)), page, base_url))
                for child, path, level in shell.children
            ]
            return shell.kind(shell.join(outputs))
        # Every child is kept for this folder: only those that hold the page, or that key()
        # would not reuse for it, are rendered; the rest of the section is copied whole.
        parts = url_parts(page.url)
        pieces, at = [], 0
        for number, (child, path, level) in enumerate(shell.children):
            if getattr(child, "active", True) is False and parts not in shell.inside[number]:
                continue
            start, end = shell.spans[number]
            output = self._item((macro, child, path, level, (item,)), page, base_url)
            pieces += [shell.whole[at:start], str(output)]
            at = end
        pieces.append(shell.whole[at:])
        return shell.kind("".join(pieces))

    def _complete(self, shell: _Shell) -> None:
        """Fill in `shell.whole` once every child that may be reused has been checked."""
        outputs = []
        for (child, _, _), key in zip(shell.children, shell.keys, strict=True):
            if not hasattr(child, "active"):  # never reused (key() is None): rendered each time
                outputs.append("")
            elif key in self._checked:
                outputs.append(str(self._kept[key]))
            else:
                return
        shell.spans = []
        at = len(shell.texts[0])
        for output, text in zip(outputs, shell.texts[1:], strict=True):
            shell.spans.append((at, at + len(output)))
            at += len(output) + len(text)
        shell.whole = shell.join(outputs)

    def _drop_shells(self) -> None:
        self.shells = False
        self._shells.clear()
        self._shells_checked.clear()


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
