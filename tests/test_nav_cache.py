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
from test_site import site_config, site_digests

from apidocgen.nav_cache import GLOBAL, NavCache, install, url_parts

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
print(json.dumps([None if c is None else [c.enabled, c.hits] for c in caches]))
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
