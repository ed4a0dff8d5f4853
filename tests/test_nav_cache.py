"""Navigation items rendered once per folder (apidocgen.nav_cache): the site built with the
cache is the site built without it, byte for byte, and the cache turns itself off when an
item depends on more than the page's folder."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
import yaml
from conftest import corpus_dir, run_python
from mkdocs.utils import get_relative_url
from test_site import site_config, site_digests

from apidocgen.nav_cache import GLOBAL, ROUTES, NavCache, install, url_parts

# Builds the site of argv[1] (a mkdocs.yml) in this process, with the navigation cache when
# argv[2] is "on", and prints whether the cache stayed on and how often it was used.
_BUILD = r"""
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
import apidocgen.mkdocs_plugin as plugin

caches = []
install = plugin.install_nav_cache

def installing(env):
    cache = None if sys.argv[2] == "off" else install(env)
    caches.append(cache)
    return cache

plugin.install_nav_cache = installing
build(load_config(sys.argv[1]))
print(json.dumps([None if c is None else [c.enabled, c.hits, c.shells, c.shell_hits] for c in caches]))
"""


def _build(folder: Path, cache: str, **settings: Any) -> tuple[list[Any], dict[str, str]]:
    """What the cache did, and the digest of every file of the built site."""
    folder.mkdir(parents=True)
    config = site_config(folder, corpus_dir("sentry"))
    if settings:
        loaded = yaml.safe_load(config.read_text("utf-8"))
        for key, value in settings.items():
            if key == "features":
                loaded["theme"]["features"] = value
            else:
                loaded[key] = value
        config.write_text(yaml.safe_dump(loaded, sort_keys=False), "utf-8")
    result = run_python(
        "-c", _BUILD, str(config), cache, cwd=folder, env={"NO_MKDOCS_2_WARNING": "1"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    done = json.loads(result.stdout.strip().splitlines()[-1])
    return done, site_digests(folder / "site")


def _features(*more: str) -> list[str]:
    """The repository's theme features without navigation.prune, and `more`."""
    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text())
    return [f for f in config["theme"]["features"] if f != "navigation.prune"] + list(more)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"use_directory_urls": False},
        {"features": _features()},
        # Items whose markup depends on their parent's state (sections under tabs).
        {"features": _features("navigation.tabs", "navigation.sections", "navigation.expand")},
    ],
    ids=["repository-settings", "file-urls", "no-prune", "tabs-and-sections"],
)
def test_the_site_is_the_one_built_without_the_cache(tmp_path: Path, settings: Any) -> None:
    done, site = _build(tmp_path / "on", "on", **settings)
    assert len(done) == 1 and done[0][0] is True  # installed, and never found wrong
    assert done[0][1] > 500  # items reused (the Sentry site has 90 pages)
    assert done[0][2] is True and done[0][3] > 20  # sections' own markup reused too
    alone, alone_site = _build(tmp_path / "off", "off", **settings)
    assert alone == [None]
    assert len(alone_site) > 100
    assert site == alone_site


def test_url_parts_are_what_relative_links_start_from() -> None:
    assert url_parts("events/list-events/") == ("events", "list-events")
    assert url_parts("events/list-events.html") == ("events",)
    assert url_parts("") == ()
    assert url_parts("index.html") == ()
    assert url_parts("a/../b/./c/") == ("b", "c")


def _item(url: str | None, active: bool = False, children: list[Any] | None = None) -> Any:
    return SimpleNamespace(url=url, active=active, children=children)


def test_an_item_is_reused_only_for_pages_it_does_not_hold_or_lie_under() -> None:
    cache = NavCache()
    section = _item(None, children=[_item("users/list/"), _item("users/get/")])
    here = SimpleNamespace(url="events/list/")
    key = cache.key(section, "__nav_2", 1, None, here, "../..")
    assert key is not None
    # A page of the same folder shares the key; one of another folder does not.
    assert (
        cache.key(section, "__nav_2", 1, None, SimpleNamespace(url="events/get/"), "../..") == key
    )
    assert cache.key(section, "__nav_2", 1, None, SimpleNamespace(url="teams/get/"), "../..") != key
    # The section of the page, the home page (every link lies under it), a page with links
    # inside its own URL, and a page without a URL: rendered each time.
    assert cache.key(_item(None, active=True, children=[]), "__nav_1", 1, None, here, "") is None
    assert cache.key(section, "__nav_2", 1, None, SimpleNamespace(url=""), ".") is None
    assert cache.key(section, "__nav_2", 1, None, SimpleNamespace(url="users/"), "..") is None
    assert cache.key(section, "__nav_2", 1, None, None, "") is None
    # An item without an `active` flag (a link to another site) is not reused either.
    assert cache.key(SimpleNamespace(url="https://x.test/"), "__nav_3", 1, None, here, "") is None


def test_the_cache_turns_itself_off_when_an_item_depends_on_more_than_the_folder() -> None:
    cache = NavCache()
    section = _item(None, children=[_item("users/list/")])
    calls: list[str] = []

    def macro(item: Any, path: str, level: int) -> str:
        calls.append(page.title)
        return f"<li>{path} seen from {page.title}</li>"  # depends on the page itself

    outputs = []
    for title, url in [("A", "events/a/"), ("B", "events/b/"), ("C", "events/c/")]:
        page = SimpleNamespace(title=title, url=url)
        context = {"page": page, "base_url": "../.."}
        outputs.append(cache.render(context, macro, section, "__nav_2", 1))
    assert outputs == [f"<li>__nav_2 seen from {t}</li>" for t in "ABC"]
    assert calls == ["A", "B", "C"] and cache.enabled is False and cache.hits == 0


def test_a_checked_item_is_reused() -> None:
    cache = NavCache()
    section = _item(None, children=[_item("users/list/")])
    calls = []

    def macro(item: Any, path: str, level: int, parent: Any) -> str:
        calls.append(path)
        return f"<li>{path} {level}</li>"

    for url in ["events/a/", "events/b/", "events/c/", "events/d/"]:
        context = {"page": SimpleNamespace(url=url), "base_url": "../.."}
        got = cache.render(context, macro, section, "__nav_2_1", 2, None)
        assert got == "<li>__nav_2_1 2</li>"
    # Rendered for the first page, again for the second (the check), then reused.
    assert calls == ["__nav_2_1", "__nav_2_1"] and cache.hits == 2 and cache.enabled


def test_install_routes_only_templates_that_hold_the_call() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"partials/nav.html": "no call here"}))
    assert install(env) is None
    assert GLOBAL not in env.globals
    nav = (
        '{% import "partials/nav-item.html" as item with context %}'
        "{% for nav_item in items %}{{ item.render(nav_item, path, 1) }}{% endfor %}"
    )
    item = "{% macro render(nav_item, path, level) %}<{{ nav_item }}>{% endmacro %}"
    templates = {"partials/nav.html": nav, "partials/nav-item.html": item}
    env = jinja2.Environment(loader=jinja2.DictLoader(templates))
    cache = install(env)
    assert cache is not None and GLOBAL in env.globals
    source = env.loader.get_source(env, "partials/nav.html")[0]  # type: ignore[union-attr]
    assert f"{GLOBAL}(item.render, nav_item, path, 1)" in source
    rendered = env.get_template("partials/nav.html").render(items=["a", "b"], path="p", page=None)
    assert rendered == "<a><b>"


# A navigation like the theme's, with its two calls: a section renders its children through
# the cache and marks the page's own item. `extra` is more of the section's own markup,
# `child` how the template uses a child's output (CALL: the theme's call).
def _templates(extra: str = "", child: str = "CALL") -> dict[str, str]:
    item = (
        "{% macro render(nav_item, path, level, parent) %}"
        "{% if nav_item.children %}<li class='{{ nav_item.active }}'>" + extra + "<ul>"
        "{% for item in nav_item.children %}" + child.replace("CALL", ROUTES[1][1]) + ""
        "{% endfor %}</ul></li>"
        "{% elif nav_item == page %}<li>here: {{ page.title }}</li>"
        "{% else %}<li><a href='{{ nav_item.url | url }}'>{{ nav_item.title }}</a></li>{% endif %}"
        "{% endmacro %}"
    )
    nav = (
        '{% import "partials/nav-item.html" as item with context %}'
        "{% for nav_item in items %}" + ROUTES[0][1] + "{% endfor %}"
    )
    return {"partials/nav.html": nav, "partials/nav-item.html": item}


def _pages(count: int) -> tuple[Any, list[Any]]:
    """A section of `count` pages in one folder."""
    pages = [
        SimpleNamespace(title=f"P{n}", url=f"events/p{n}/", active=False, children=None)
        for n in range(count)
    ]
    return _item(None, children=pages), pages


def _render(env: jinja2.Environment, section: Any, page: Any) -> str:
    """The navigation of `page`, marked active with its section as mkdocs does."""
    section.active = page.active = True
    try:
        template = env.get_template("partials/nav.html")
        return template.render(items=[section], path="__nav_1", page=page, base_url="../..")
    finally:
        section.active = page.active = False


def _env(**template: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(_templates(**template)))
    # Links relative to the page, as mkdocs' `url` filter makes them.
    env.filters["url"] = jinja2.pass_context(
        lambda context, url: get_relative_url(url, context["page"].url)
    )
    return env


def _outputs(count: int, **template: str) -> tuple[list[str], list[str], NavCache]:
    """Each page's navigation with the cache, the same without it, and the cache."""
    section, pages = _pages(count)
    env = _env(**template)
    cache = install(env)
    assert cache is not None
    cached = [_render(env, section, page) for page in pages]
    return cached, [_render(_env(**template), section, page) for page in pages], cache


def test_a_section_holding_the_page_keeps_its_own_markup_and_renders_the_page_item() -> None:
    cached, direct, cache = _outputs(6)
    assert cached == direct
    assert all(f"here: P{n}" in output for n, output in enumerate(cached))
    # Found for the first page, checked with the second, reused from the third on.
    assert cache.shells and cache.shell_hits == 4 and cache.enabled


def test_a_sibling_whose_links_lie_under_the_page_is_rendered_for_that_page() -> None:
    section, pages = _pages(5)
    below = SimpleNamespace(title="Sub", url="events/p4/sub/", active=False, children=None)
    section.children.append(below)  # relative to events/p4/ its link is sub/, not ../p4/sub/
    env = _env()
    cache = install(env)
    assert cache is not None
    order = [*pages, below]  # events/p4/ comes after the section is kept whole for the folder
    cached = [_render(env, section, page) for page in order]
    assert cached == [_render(_env(), section, page) for page in order]
    assert "href='sub/'" in cached[4] and "href='../p4/sub/'" in cached[3]
    assert cache.shells and cache.shell_hits >= 2


def test_a_section_whose_own_markup_depends_on_the_page_is_rendered_every_time() -> None:
    cached, direct, cache = _outputs(4, extra="<b>{{ page.title }}</b>")
    assert cached == direct and "<b>P3</b>" in cached[3]
    assert cache.shells is False and cache.shell_hits == 0


def test_a_child_the_template_changes_turns_the_shells_off() -> None:
    child = "{% set out %}CALL{% endset %}{{ out | replace('<li', '<li data-x') }}"
    cached, direct, cache = _outputs(4, child=child)
    assert cached == direct and "<li data-x><a href" in cached[0]
    assert cache.shells is False and cache.shell_hits == 0
