"""The site's second processes: pages converted ahead (apidocgen.conversion_worker), and pages
indexed for search (apidocgen.search_worker). A site built with them is the site built without
them, byte for byte, also when a second process fails."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from conftest import ROOT, corpus_dir, run_python
from material.plugins.search.plugin import SearchIndex
from test_site import site_config, site_digests

from apidocgen.search_worker import index_pages

# Builds the site of argv[1] (a mkdocs.yml) in this process, with each worker as argv[2] and
# argv[3] say ("on"; "off": never used; "fail": its second process fails), and prints what the
# workers did.
_BUILD = r"""
import json, os, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
import apidocgen.conversion_worker as conversion
import apidocgen.search_worker as search

convert_mode, search_mode = sys.argv[2], sys.argv[3]
parent = os.getpid()
done = {"taken": [], "indexed": []}
if convert_mode == "off":
    conversion.ConversionWorker.usable = staticmethod(lambda pages: False)
if search_mode == "off":
    search.SearchWorker.usable = staticmethod(lambda index, pages: False)
if convert_mode == "fail":
    start = conversion.ConversionWorker.__init__

    def failing_start(self, pages, convert):
        def failing(page):
            if os.getpid() != parent:
                raise RuntimeError("the second process fails")
            return convert(page)

        start(self, pages, failing)

    conversion.ConversionWorker.__init__ = failing_start
if search_mode == "fail":
    index_pages = search.index_pages

    def failing_index(index, pages, prepare):
        if os.getpid() != parent:
            raise RuntimeError("the second process fails")
        return index_pages(index, pages, prepare)

    search.index_pages = failing_index
close, finish = conversion.ConversionWorker.close, search.SearchWorker.finish

def closing(self):
    done["taken"].append(self.taken)
    close(self)

def finishing(self):
    done["indexed"].append(finish(self))
    return done["indexed"][-1]

conversion.ConversionWorker.close = closing
search.SearchWorker.finish = finishing
build(load_config(sys.argv[1]))
print(json.dumps(done))
"""


def _build(folder: Path, convert: str, search: str) -> tuple[dict[str, list[int]], dict[str, str]]:
    """What the workers did, and the digest of every file of the built site."""
    folder.mkdir(parents=True)
    config = site_config(folder, corpus_dir("sentry"))
    result = run_python(
        "-c", _BUILD, str(config), convert, search, cwd=folder, env={"NO_MKDOCS_2_WARNING": "1"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    done = json.loads(result.stdout.strip().splitlines()[-1])
    return done, site_digests(folder / "site")


def test_the_site_is_the_one_mkdocs_builds_in_one_process(tmp_path: Path) -> None:
    # The build process has one thread and the site more pages than either worker's minimum:
    # both run. Conversions made there are used; a failing worker leaves the work to the
    # build's process.
    done, site = _build(tmp_path / "on", "on", "on")
    assert len(done["taken"]) == 1 and done["taken"][0] > 20
    assert done["indexed"] == [True]
    failing, failing_site = _build(tmp_path / "fail", "fail", "fail")
    assert failing == {"taken": [0], "indexed": [False]}
    alone, alone_site = _build(tmp_path / "off", "off", "off")
    assert alone == {"taken": [], "indexed": []}
    assert len(alone_site) > 100
    assert site == alone_site
    assert failing_site == alone_site
    entries = json.loads((tmp_path / "on" / "site" / "search" / "search_index.json").read_text())
    assert len(entries["docs"]) > 300
    assert any("list_issue_events" in entry["text"] for entry in entries["docs"])


# Converts fake pages in the second process, with a page that logs and one that raises; waits
# until the copy has converted every page, then takes each, and prints what it got.
_CONVERT = r"""
import json, logging, sys, time
from types import SimpleNamespace
from apidocgen.conversion_worker import ConversionWorker
from apidocgen.live_preview import Converted

pages = [SimpleNamespace(number=n) for n in range(60)]

def convert(page):
    if page.number == 50:
        logging.getLogger("mkdocs.structure.pages").warning("a link to a missing page")
    if page.number == 40:
        raise ValueError("cannot convert")
    return Converted(f"source {page.number}", f"<p>{page.number}</p>", [], set(), None)

worker = ConversionWorker(pages, convert)
while worker._copy.alive():
    time.sleep(0.05)
got = []
for page in pages:
    found = worker.take(page)
    got.append(None if found is None else [found.key, found.content])
worker.close()
print(json.dumps(got))
"""


def test_pages_that_log_or_fail_in_the_second_process_are_left_to_the_build(
    tmp_path: Path,
) -> None:
    result = run_python("-c", _CONVERT, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got[40] is None and got[50] is None
    assert [g for n, g in enumerate(got) if n not in (40, 50)] == [
        [f"source {n}", f"<p>{n}</p>"] for n in range(60) if n not in (40, 50)
    ]
    assert "a link to a missing page" not in result.stderr  # reported by the build, not here


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
