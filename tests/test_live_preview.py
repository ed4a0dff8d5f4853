"""The live preview: the builds of one `mkdocs serve` (the plugin kept between them) rebuild
only the pages whose inputs changed, and leave the site exactly as a full build does.

mkdocs serve loads the configuration again for each build and keeps a plugin that has
`on_startup`; the tests do the same in-process, then compare the site with a fresh
`mkdocs build` of the same input.
"""

from __future__ import annotations

import gzip
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from test_site import ROOT, mkdocs_build, primary_nav, site_config

from apidocgen.mkdocs_plugin import ApidocgenPlugin

SERVE_URL = "http://127.0.0.1:8000/"
EDITED = "teams/delete-team-details"


class ServeSession:
    """Builds as `mkdocs serve` runs them: one plugin, started with command='serve'."""

    def __init__(self, tmp_path: Path) -> None:
        from mkdocs.config import load_config

        self.tmp_path = tmp_path
        self.source = tmp_path / "in"
        shutil.copytree(ROOT / "api-docs", self.source)
        self.config_file = full_nav_config(tmp_path / "serve", self.source)
        self.site = tmp_path / "serve" / "site"
        config = load_config(str(self.config_file))
        config.plugins.on_startup(command="serve", dirty=False)
        plugin = config.plugins["apidocgen"]
        assert isinstance(plugin, ApidocgenPlugin) and plugin.serving
        self.plugin = plugin

    def build(self) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        config = load_config(str(self.config_file))
        assert config.plugins["apidocgen"] is self.plugin  # kept, as under `mkdocs serve`
        build(config, serve_url=SERVE_URL)

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace text in the descriptor `name` (a path in the input, without `.md`)."""
        descriptor = self.source / f"{name}.md"
        text = descriptor.read_text("utf-8")
        assert old in text
        descriptor.write_text(text.replace(old, new, 1), "utf-8")

    def assert_same_as_a_full_build(self) -> None:
        """The site is byte for byte what `mkdocs build` makes of the same input."""
        fresh_dir = self.tmp_path / "fresh"
        shutil.rmtree(fresh_dir, ignore_errors=True)
        result = mkdocs_build(full_nav_config(fresh_dir, self.source))
        assert result.returncode == 0, result.stdout + result.stderr
        fresh, served = site_files(fresh_dir / "site"), site_files(self.site)
        assert sorted(served) == sorted(fresh)
        assert [k for k in fresh if fresh[k] != served[k]] == []

    def close(self) -> None:
        # mkdocs keeps the plugin for the rest of the process: leave it as `mkdocs build` would.
        self.plugin.on_startup(command="build", dirty=False)
        self.plugin.on_shutdown()


def full_nav_config(folder: Path, source: Path) -> Path:
    """The site's configuration with every page showing the whole navigation (the repository's
    prunes it to the current section)."""
    folder.mkdir()
    path = site_config(folder, source)
    config = yaml.safe_load(path.read_text("utf-8"))
    config["theme"]["features"].remove("navigation.prune")
    path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return path


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[ServeSession]:
    """A serve session after its first build."""
    session = ServeSession(tmp_path)
    try:
        session.build()
        yield session
    finally:
        session.close()


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site; the sitemap's gzip copy without its gzip timestamp."""
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            files[path.relative_to(site).as_posix()] = (
                gzip.decompress(data) if path.name.endswith(".gz") else data
            )
    return files


def page_stamps(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def test_an_edit_rebuilds_only_its_page_and_the_site_is_as_a_full_build(
    serving: ServeSession, caplog: pytest.LogCaptureFixture
) -> None:
    before = page_stamps(serving.site)
    serving.edit(EDITED, "Schedules a team", "Marks a team")
    with caplog.at_level(logging.INFO):
        serving.build()
    # A page kept from the last build is not written: mkdocs' "Page skipped" line is left out.
    assert "Page skipped" not in caplog.text
    assert re.search(r"apidocgen: 1 of \d+ pages converted, 1 laid out", caplog.text)

    preview = serving.plugin.preview
    converted = set(preview.keys) - preview.reused_content
    laid_out = set(preview.keys) - preview.reused_output
    assert converted == laid_out == {f"{EDITED}.md"}
    after = page_stamps(serving.site)
    pages = {k for k in after if k != "404.html"}  # a theme template, written on every build
    assert {k for k in pages if after[k] != before.get(k)} == {f"{EDITED}/index.html"}
    assert "Marks a team" in (serving.site / EDITED / "index.html").read_text("utf-8")
    serving.assert_same_as_a_full_build()


def test_a_new_endpoint_updates_the_navigation_of_every_page(serving: ServeSession) -> None:
    text = (serving.source / f"{EDITED}.md").read_text("utf-8")
    new = text.replace('"title": "Delete a Team"', '"title": "Archive a Team"')
    new = new.replace("{team_slug}/", "{team_slug}/archive/").replace('"DELETE"', '"POST"')
    assert new.count("Archive a Team") == 1 and "/archive/" in new
    (serving.source / "teams" / "post-team-archive.md").write_text(new, "utf-8")
    serving.build()

    preview = serving.plugin.preview
    # The navigation changed: every page is laid out again. (A new file can change how any
    # page's links resolve: every page is converted again too.)
    assert preview.reused_output == set()
    assert "teams/post-team-archive.md" in preview.keys
    pages = list(serving.site.rglob("index.html"))
    assert len(pages) > 10
    for page in pages:
        assert "Archive a Team" in primary_nav(page.read_text("utf-8")), page
    serving.assert_same_as_a_full_build()


def test_a_renamed_endpoint_is_renamed_in_every_pages_navigation(serving: ServeSession) -> None:
    serving.edit(EDITED, '"Delete a Team"', '"Retire a Team"')
    serving.build()

    preview = serving.plugin.preview
    assert preview.reused_output == set()  # every page shows the navigation
    assert f"{EDITED}.md" not in preview.reused_content
    assert "events/get-group-events.md" in preview.reused_content  # its source is unchanged
    for page in serving.site.rglob("index.html"):
        nav = primary_nav(page.read_text("utf-8"))
        assert "Retire a Team" in nav and "Delete a Team" not in nav, page
    serving.assert_same_as_a_full_build()


def test_a_removed_endpoints_page_leaves_the_site(serving: ServeSession) -> None:
    assert (serving.site / EDITED / "index.html").is_file()
    (serving.source / f"{EDITED}.md").unlink()
    serving.build()

    assert not (serving.site / EDITED).exists()
    serving.assert_same_as_a_full_build()
