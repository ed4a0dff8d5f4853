"""Search indexing in a second process (apidocgen.search_worker): the index it builds is the
one the search plugin builds in the build's own process, byte for byte, and a worker that
fails leaves the same index behind."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from conftest import corpus_dir, run_python
from material.plugins.search.plugin import SearchIndex
from test_site import site_config

from apidocgen.search_worker import index_pages

# Builds the site of argv[1] (a mkdocs.yml) in this process, with the search worker as argv[2]
# says ("on", "off": never used, "fail": its second process fails), and prints what it did.
_BUILD = r"""
import json, os, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
import apidocgen.search_worker as worker

mode = sys.argv[2]
made = []
if mode == "off":
    worker.SearchWorker.usable = staticmethod(lambda index, pages: False)
if mode == "fail":
    parent = os.getpid()
    index_pages = worker.index_pages

    def failing(index, pages, prepare):
        if os.getpid() != parent:
            raise RuntimeError("the second process fails")
        return index_pages(index, pages, prepare)

    worker.index_pages = failing
finish = worker.SearchWorker.finish

def recorded(self):
    made.append(finish(self))
    return made[-1]

worker.SearchWorker.finish = recorded
build(load_config(sys.argv[1]))
print(json.dumps(made))
"""


def _page(content: str, url: str, title: str, **meta: object) -> SimpleNamespace:
    return SimpleNamespace(content=content, url=url, title=title, toc=[], meta=dict(meta))


def test_index_pages_gives_each_pages_entries_and_leaves_the_page_alone() -> None:
    options = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}}
    pages = [
        _page('<h1 id="a">A</h1><p>alpha <span class="x">beta</span></p>', "a/", "A"),
        _page('<h1 id="b">B</h1><p>gamma</p><h2 id="c">C</h2><p>delta</p>', "b/", "B"),
        _page("<p>hidden</p>", "c/", "C", search={"exclude": True}),
    ]
    found = index_pages(SearchIndex(**options), pages, lambda html: html.replace("beta", "BETA"))
    assert [[(e["location"], e["title"], e["text"]) for e in entries] for entries in found] == [
        [("a/", "A", "<p>alpha BETA</p>")],
        [("b/", "B", "<p>gamma</p>"), ("b/#c", "C", "<p>delta</p>")],
        [],
    ]
    assert pages[0].content == '<h1 id="a">A</h1><p>alpha <span class="x">beta</span></p>'


def _build(tmp_path: Path, mode: str) -> tuple[list[bool], bytes]:
    tmp_path.mkdir(parents=True)
    config = site_config(tmp_path, corpus_dir("sentry"))
    result = run_python(
        "-c", _BUILD, str(config), mode, cwd=tmp_path, env={"NO_MKDOCS_2_WARNING": "1"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    made = json.loads(result.stdout.strip().splitlines()[-1])
    return made, (tmp_path / "site" / "search" / "search_index.json").read_bytes()


def test_the_index_is_the_one_search_builds_itself(tmp_path: Path) -> None:
    # The build process has one thread and the site more pages than MIN_PAGES: the worker
    # runs; when it fails, the pages are indexed in the build's own process.
    made, index = _build(tmp_path / "on", "on")
    assert made == [True]
    made_failing, index_failing = _build(tmp_path / "fail", "fail")
    assert made_failing == [False]
    made_here, index_here = _build(tmp_path / "off", "off")
    assert made_here == []
    assert index == index_here
    assert index_failing == index_here
    entries = json.loads(index)["docs"]
    assert len(entries) > 300
    assert any("list_issue_events" in entry["text"] for entry in entries)
