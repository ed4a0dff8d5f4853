"""Live preview: under `mkdocs serve`, pages whose inputs did not change since the previous
build are not converted, laid out or indexed for search again.

mkdocs rebuilds the whole site whenever something changes; its `--dirty` mode skips the pages
whose file did not change, but leaves their navigation stale, and the page a user edits is
one of hundreds. The apidocgen plugin stays loaded between the builds of one `mkdocs serve`
(it has `on_startup`) and keeps, for each page, what the previous build made of it:

* its converted HTML, table of contents and anchors, under a key made of the page's source, its
  URL, the site's files (links resolve against them) and the site's settings: a page whose key
  is unchanged is not converted again;
* its finished HTML file and its search index entries, under that key and the navigation's
  (every entry's title and URL, and the page metadata the theme shows in it): while both are
  unchanged, the page is written and indexed as before.

So an edited descriptor converts and lays out one page; a change to the navigation (a new
endpoint, a new title) lays out every page again, since each shows the navigation, and converts
only the pages whose source changed. Reuse applies only where the outcome is known: when every
plugin handling page events is this one or a search plugin, and no Markdown extension reads
other files (snippets, includes). Anything else builds every page, as mkdocs does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from apidocgen import __version__

# Page events whose handlers could make a page depend on more than its key says.
PAGE_EVENTS = (
    "pre_page",
    "page_read_source",
    "page_markdown",
    "page_content",
    "page_context",
    "post_page",
)
SEARCH_PLUGIN_MODULES = ("material.plugins.search", "mkdocs.contrib.search")
# The template of a page whose finished HTML is reused: it renders nothing (the plugin hands
# mkdocs the finished page in on_post_page), which spares the theme's templates.
REUSED_TEMPLATE = "apidocgen-reused-page.html"
# Page metadata that a theme shows in other pages' navigation (mkdocs-material: icons,
# statuses, subtitles).
NAV_META = ("title", "icon", "status", "subtitle")


def digest(*parts: Any) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(repr(part).encode("utf-8", "surrogatepass"))
        hasher.update(b"\x00")
    return hasher.hexdigest()


@dataclass
class Converted:
    """A page as conversion (and the plugin's processing of its HTML) left it."""

    key: str
    content: str
    toc: Any
    anchors: set[str] | None
    title: str | None
    title_from_render: str | None = None
    # Links to anchors of other pages, by the linked page's source path (checked by mkdocs
    # after every page is converted, against this build's pages).
    links_to_anchors: dict[str, dict[str, str]] | None = None


def conversion_of(page: Any, key: str, content: str, title: str | None) -> Converted:
    """What converting `page` made (after `page.render`), with the HTML and title that the
    plugin's on_page_content made of it."""
    links = getattr(page, "links_to_anchors", None)
    return Converted(
        key,
        content,
        page.toc,
        page.present_anchor_ids,
        title,
        getattr(page, "_title_from_render", None),
        None if links is None else {linked.src_uri: dict(found) for linked, found in links.items()},
    )


def restorer(page: Any, found: Converted) -> Callable[..., None]:
    """A stand-in for `page.render(config, files)` that gives the page what `found` holds."""

    def render(config: Any, files: Any) -> None:
        page.content = found.content
        page.toc = found.toc
        page._title_from_render = found.title_from_render
        page.present_anchor_ids = found.anchors
        page.links_to_anchors = None
        if found.links_to_anchors is not None:
            page.links_to_anchors = {
                linked: links
                for src_uri, links in found.links_to_anchors.items()
                if (linked := files.get_file_from_path(src_uri)) is not None
            }

    return render


@dataclass
class Finished:
    """A page's finished HTML file and its search index entries."""

    key: str
    output: str
    search_entries: list[Any]


@dataclass
class LivePreview:
    """What the previous builds made of each page (by source path), and this build's keys."""

    converted: dict[str, Converted] = field(default_factory=dict)
    finished: dict[str, Finished] = field(default_factory=dict)
    enabled: bool = False
    site_key: str = ""
    nav_key: str = ""
    # This build: each page's source and conversion key; the pages converted or finished anew.
    sources: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    reused_content: set[str] = field(default_factory=set)
    reused_output: set[str] = field(default_factory=set)

    # ---- the build's keys -------------------------------------------------------------------

    def start(
        self, enabled: bool, settings: Iterable[Any], pages: dict[str, tuple[str, Path]]
    ) -> None:
        """A build starts: `settings` are what every page depends on; `pages` maps each page's
        source path to its URL and file. Reads each page's source for its key."""
        self.enabled = enabled
        self.sources, self.keys = {}, {}
        self.reused_content, self.reused_output = set(), set()
        if not enabled:
            self.converted, self.finished = {}, {}
            return
        self.site_key = digest(__version__, *settings, sorted((k, v[0]) for k, v in pages.items()))
        for src_uri, (url, path) in pages.items():
            try:
                source = path.read_text("utf-8-sig")
            except (OSError, ValueError):
                continue  # mkdocs reads it and reports the problem
            self.sources[src_uri] = source
            self.keys[src_uri] = digest(self.site_key, src_uri, url, source)
        # Forget pages that are gone.
        for cache in (self.converted, self.finished):
            for src_uri in [k for k in cache if k not in self.keys]:
                del cache[src_uri]

    def content_reusable(self, src_uri: str) -> bool:
        found = self.converted.get(src_uri)
        return self.enabled and found is not None and found.key == self.keys.get(src_uri)

    def source_of(self, src_uri: str) -> str | None:
        """The page's source as read for its key (mkdocs need not read it again)."""
        return self.sources.get(src_uri) if self.enabled else None

    # ---- conversion ---------------------------------------------------------------------------

    def restore_content(self, src_uri: str, page: Any) -> Callable[..., None]:
        """A stand-in for `page.render` that puts back what the last conversion made."""
        self.reused_content.add(src_uri)
        return restorer(page, self.converted[src_uri])

    def cached_title(self, src_uri: str) -> str | None:
        return self.converted[src_uri].title

    def keep_content(self, src_uri: str, page: Any, content: str, title: str | None) -> None:
        if self.enabled and src_uri in self.keys:
            self.converted[src_uri] = conversion_of(page, self.keys[src_uri], content, title)

    # ---- layout and search ---------------------------------------------------------------------

    def plan_output(self, nav_entries: Iterable[Any], pages: Iterable[Any]) -> list[Any]:
        """After every page is converted: the navigation's key, and the pages whose finished
        HTML is reused (their template becomes `REUSED_TEMPLATE`)."""
        if not self.enabled:
            return []
        self.nav_key = digest(list(nav_entries))
        reused = []
        for page in pages:
            src_uri = page.file.src_uri
            found = self.finished.get(src_uri)
            if found is not None and found.key == self.output_key(src_uri):
                self.reused_output.add(src_uri)
                reused.append(page)
        return reused

    def output_key(self, src_uri: str) -> str:
        return digest(self.keys.get(src_uri), self.nav_key)

    def output_reused(self, src_uri: str) -> bool:
        return src_uri in self.reused_output

    def finished_output(self, src_uri: str, dest_path: str) -> str:
        """The finished page for mkdocs to write; empty (mkdocs then writes nothing) when the
        previous build's file is still in place, as it is after `put_site_back`."""
        if os.path.isfile(dest_path):
            return ""
        return self.finished[src_uri].output

    def search_entries(self, src_uri: str) -> list[Any]:
        return self.finished[src_uri].search_entries

    def keep_output(self, src_uri: str, output: str, search_entries: list[Any]) -> None:
        if self.enabled and src_uri in self.keys:
            self.finished[src_uri] = Finished(self.output_key(src_uri), output, search_entries)

    def forget(self) -> None:
        """After a failed build: nothing is reused from it."""
        self.converted, self.finished = {}, {}
        self.enabled = False


def nav_entries(items: Iterable[Any]) -> list[Any]:
    """What the navigation shows of each entry (nested), for its key."""
    out: list[Any] = []
    for item in items:
        children = getattr(item, "children", None)
        meta = getattr(item, "meta", None) or {}
        out.append(
            [
                type(item).__name__,
                getattr(item, "title", None),
                getattr(item, "url", None),
                [(k, meta.get(k)) for k in NAV_META],
                nav_entries(children) if children else None,
            ]
        )
    return out


def folder_state(folder: str | None) -> list[Any]:
    """Every file under a folder (a theme's overrides), with its size and modification time."""
    if not folder or not os.path.isdir(folder):
        return []
    found = []
    for root, _, names in os.walk(folder):
        for name in sorted(names):
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found.append((path, stat.st_size, stat.st_mtime_ns))
    return sorted(found)


def reads_other_files(extensions: Iterable[Any]) -> bool:
    """Whether a Markdown extension of the site may put other files into a page."""
    for extension in extensions:
        name = extension if isinstance(extension, str) else type(extension).__module__
        if "snippet" in name or "include" in name:
            return True
    return False


# ---- the site folder between builds ----------------------------------------------------------
#
# mkdocs empties site_dir before each build and writes every file again; on many disks deleting
# and creating hundreds of folders and files costs seconds, overwriting a file in place next to
# nothing. So the previous build's files are moved aside before mkdocs empties the folder and
# moved back after (each a rename), mkdocs then overwrites them, and what the build did not
# write (a page that is gone) is deleted afterwards: the folder ends as a clean build leaves it.


def keep_site_aside(site_dir: str) -> Path | None:
    """Move the previous build's files out of site_dir (into a folder beside it)."""
    site = Path(site_dir)
    try:
        entries = list(site.iterdir()) if site.is_dir() else []
    except OSError:
        return None
    if not entries:
        return None
    kept = Path(tempfile.mkdtemp(prefix=".apidocgen-previous-", dir=site.parent))
    for entry in entries:
        os.rename(entry, kept / entry.name)
    return kept


def put_site_back(kept: Path, site_dir: str) -> None:
    """Move the previous build's files back into the (emptied) site_dir."""
    site = Path(site_dir)
    site.mkdir(parents=True, exist_ok=True)
    for entry in list(kept.iterdir()):
        target = site / entry.name
        if not target.exists():
            os.rename(entry, target)
    shutil.rmtree(kept, ignore_errors=True)


def prune_site(site_dir: str, written: set[str], written_folders: Iterable[str]) -> int:
    """Delete what this build did not write: files outside `written` (absolute paths) and
    outside the `written_folders` (relative to site_dir), then empty folders. Returns how many
    files were deleted."""
    site = Path(site_dir)
    folders = tuple(str(site / name) + os.sep for name in written_folders)
    deleted = 0
    for root, dirs, names in os.walk(site, topdown=False):
        for name in names:
            path = os.path.join(root, name)
            if path not in written and not path.startswith(folders):
                os.unlink(path)
                deleted += 1
        for name in dirs:
            folder = os.path.join(root, name)
            try:
                os.rmdir(folder)  # only when empty
            except OSError:
                pass
    return deleted


class QuietSkippedPages(logging.Filter):
    """Leaves out mkdocs' "Page skipped" line for the pages whose previous file is kept (an
    empty output is how a plugin keeps mkdocs from writing a page)."""

    def __init__(self, preview: LivePreview) -> None:
        super().__init__()
        self.preview = preview

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        if not message.startswith("Page skipped: '"):
            return True
        src_uri = message[len("Page skipped: '") :].split("'", 1)[0]
        return not self.preview.output_reused(src_uri)


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates kept between builds (mkdocs makes a new template environment
    for each); Jinja checks each against its template's source before using it."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
