"""The site: `mkdocs build --strict` through the apidocgen plugin, for the seed and the corpora.

Each build gets a temporary mkdocs.yml made from the repository's own (same theme and
extensions) with `docs_dir`/`site_dir` in the test's folder and the plugin's `input` option
pointing at the descriptors, so the repository's generated/ and site/ are never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import corpus_dir, run_cli

ROOT = Path(__file__).resolve().parents[1]


def site_config(tmp_path: Path, input_dir: Path, **plugin_options: Any) -> Path:
    """A mkdocs.yml like the repository's, building `input_dir` into `tmp_path`."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    # mkdocs checks docs_dir exists before any plugin runs (a fresh checkout needs
    # `make generate` once, as `make site` does).
    (tmp_path / "docs").mkdir(exist_ok=True)
    config["docs_dir"] = str(tmp_path / "docs")
    config["site_dir"] = str(tmp_path / "site")
    options = {"input": str(input_dir), "config": str(ROOT / "pyproject.toml"), **plugin_options}
    config["plugins"] = ["search", {"apidocgen": options}]
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return path


def site_digests(site: Path) -> dict[str, str]:
    """The digest of every file of a built site, by its path in the site."""
    return {
        str(path.relative_to(site)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name != "sitemap.xml.gz"  # gzip's header has a time
    }


def mkdocs_build(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("APIDOCGEN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        cwd=config.parent,
    )


def primary_nav(html: str) -> str:
    """The text of the left-hand navigation of a built page."""
    return html.split("md-nav--primary", 1)[1].split("md-sidebar--secondary", 1)[0]


def build(tmp_path: Path, input_dir: Path, **plugin_options: Any) -> Path:
    result = mkdocs_build(site_config(tmp_path, input_dir, **plugin_options))
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path / "site"


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("seed"), ROOT / "api-docs")


def test_seed_site_has_the_endpoint_page(seed_site: Path) -> None:
    page = (seed_site / "events" / "get-group-events" / "index.html").read_text("utf-8")
    assert "<title>List an Issue&#x27;s Events" in page or "<title>List an Issue's Events" in page
    assert "apidocgen-method-get" in page
    assert "/api/<wbr>0/<wbr>issues/<wbr>{issue_id}/<wbr>events/" in page
    assert "stylesheets/apidocgen.css" in page
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page


def test_sanitized_pages_keep_tabs_highlighting_and_details(seed_site: Path) -> None:
    page = (seed_site / "events" / "get-group-events" / "index.html").read_text("utf-8")
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    assert 'class="tabbed-set tabbed-alternate"' in article
    assert (
        re.search(r'<input[^>]*type="radio"', article)
        and '<label for="__tabbed_1_2">curl</label>' in article
    )
    assert '<span class="na">' in article  # highlighted header names
    # The example response: its first lines, the rest behind a labelled checkbox.
    assert (
        '<div class="apidocgen-more-bar"><input type="checkbox" class="apidocgen-more"'
        ' id="apidocgen-response-1"><label class="apidocgen-more-label" for="apidocgen-response-1">'
        in article
    )
    assert 'class="headerlink"' in article
    assert 'href="../../models/#model-' in article


def test_fields_tables_link_to_the_models_page(seed_site: Path) -> None:
    page = (seed_site / "events" / "get-group-events" / "index.html").read_text("utf-8")
    fields = page.split('id="response-fields"', 1)[1].split("</table>", 1)[0]
    assert '<td><a href="../../models/#model-context">Context</a></td>' in fields
    section = (seed_site / "teams" / "index.html").read_text("utf-8")
    assert '<a href="get-organization-teams/">List an Organization' in section
    # The footer (an HTML block too): its links are the site's URLs.
    assert '<a href="../">Events</a>' in page
    assert '<a href="../../openapi.json">OpenAPI document</a>' in page


def test_plugin_highlighting_matches_pymdownx(seed_site: Path, tmp_path: Path) -> None:
    """The plugin highlights the generator's code blocks itself; with that switched off,
    pymdownx does it: the pages come out the same."""
    other = build(tmp_path, ROOT / "api-docs", fast_code_blocks=False)
    pages = sorted(p.relative_to(seed_site) for p in seed_site.rglob("index.html"))
    assert len(pages) > 10

    def article(site: Path, name: Path) -> str:
        text = (site / name).read_text("utf-8").split("<article", 1)[1].split("</article>")[0]
        return re.sub(r"\n\s*\n", "\n", text)  # where pymdownx saw a mark (a comment)

    for name in pages:
        assert article(seed_site, name) == article(other, name), name


def test_generated_navigation_is_used(seed_site: Path) -> None:
    nav = primary_nav((seed_site / "index.html").read_text("utf-8"))
    for title in ("Guides", "Events", "Teams", "Models"):
        assert title in nav
    assert nav.index("Guides") < nav.index("Events")  # the guides apart, before the API
    guide = primary_nav((seed_site / "pagination" / "index.html").read_text("utf-8"))
    assert "Pagination" in guide
    # Endpoint entries carry their method (the page status Material draws, as a pill).
    teams = primary_nav((seed_site / "teams" / "index.html").read_text("utf-8"))
    assert teams.count('class="md-status md-status--method-') == 4
    assert "md-status--method-delete" in teams and "md-status--method-post" in teams


def test_non_documentation_outputs_stay_out_of_the_site(seed_site: Path) -> None:
    assert (seed_site / "openapi.json").is_file()
    assert not (seed_site / "python").exists()
    assert not (seed_site / ".apidocgen-manifest.json").exists()
    assert not (seed_site / ".apidocgen-nav.json").exists()
    home = (seed_site / "index.html").read_text("utf-8")
    assert 'href="openapi.json"' in home and "download" in home


def test_user_nav_wins_and_mkdocs_yml_is_not_written(tmp_path: Path) -> None:
    config = site_config(tmp_path, ROOT / "api-docs")
    data = yaml.safe_load(config.read_text("utf-8"))
    data["nav"] = [{"Start": "index.md"}, {"The events": "events/get-group-events.md"}]
    config.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    before = hashlib.sha256(config.read_bytes()).hexdigest()
    result = mkdocs_build(config)
    assert result.returncode == 0, result.stderr
    assert hashlib.sha256(config.read_bytes()).hexdigest() == before
    nav = primary_nav((tmp_path / "site" / "index.html").read_text("utf-8"))
    assert "The events" in nav and "Teams" not in nav


def test_input_errors_fail_the_build_with_one_line_diagnostics(tmp_path: Path) -> None:
    source = tmp_path / "in" / "things"
    source.mkdir(parents=True)
    (source / "get-thing.md").write_text(
        '---\n{"method": "GET", "title": "x", "api_path": \n---\n', "utf-8"
    )
    result = mkdocs_build(site_config(tmp_path, tmp_path / "in"))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert re.search(r"things/get-thing\.md:\d+:\d+: error: ", output), output
    assert "Traceback" not in output


def test_a_descriptor_edit_shows_on_the_next_build(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for item in (ROOT / "api-docs").rglob("*.md"):
        target = source / item.relative_to(ROOT / "api-docs")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.read_bytes())
    config = site_config(tmp_path, source)
    assert mkdocs_build(config).returncode == 0
    generated = tmp_path / "docs" / "events" / "get-group-events.md"
    stamp = generated.stat().st_mtime_ns
    assert mkdocs_build(config).returncode == 0
    assert generated.stat().st_mtime_ns == stamp  # up to date: nothing regenerated
    descriptor = source / "events" / "get-group-events.md"
    descriptor.write_text(
        descriptor.read_text("utf-8").replace("List an Issue's Events", "List the Events"), "utf-8"
    )
    assert mkdocs_build(config).returncode == 0
    page = (tmp_path / "site" / "events" / "get-group-events" / "index.html").read_text("utf-8")
    assert "List the Events" in page


def test_serve_watches_the_input_folder(tmp_path: Path) -> None:
    from mkdocs.config import load_config as load_mkdocs_config

    from apidocgen.mkdocs_plugin import ApidocgenPlugin

    config = load_mkdocs_config(str(site_config(tmp_path, ROOT / "api-docs")))
    plugin = config.plugins["apidocgen"]
    assert isinstance(plugin, ApidocgenPlugin)
    plugin.on_config(config)

    class Server:
        watched: list[str] = [config.docs_dir]

        def watch(self, path: str) -> None:
            self.watched.append(path)

        def unwatch(self, path: str) -> None:
            self.watched.remove(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=lambda: None)  # type: ignore[arg-type]
    assert str(ROOT / "api-docs") in server.watched
    # The generator writes docs_dir during a build: watching it would start a second build.
    assert config.docs_dir not in server.watched


def test_hostile_input_builds_into_inert_pages(tmp_path: Path) -> None:
    source = tmp_path / "in" / "evil"
    source.mkdir(parents=True)
    (source / "get-evil.md").write_text(
        "---\n"
        '{"api_path": "/evil/", "method": "GET", "title": "Evil <script>window.__pwned=1</script>",'
        ' "description": "<img src=x onerror=\\"window.__pwned=1\\"> [x](javascript:alert(1)) {{ 7*7 }}",'
        ' "example_request": "GET /evil/ HTTP/1.1\\nHost: example.org",'
        ' "example_response": "HTTP/1.1 200 OK\\nContent-Type: application/json\\n\\n{\\"a\\": \\"<script>x</script>\\"}"}\n'
        "---\n",
        "utf-8",
    )
    (tmp_path / "in" / "guide.md").write_text(
        '---\ntitle: Guide\n---\n\n<div onclick="x()"><a href="javascript:alert(1)">a</a></div>\n',
        "utf-8",
    )
    site = build(tmp_path, tmp_path / "in")
    for page in site.rglob("*.html"):
        html = page.read_text("utf-8")
        article = html.split("<article", 1)[-1].split("</article>", 1)[0]
        assert "<script>window" not in html and "<img src=x" not in article
        assert not re.search(r"<[^>]+\son\w+=", article), page
        assert 'href="javascript' not in html.lower()
    evil = (site / "evil" / "get-evil" / "index.html").read_text("utf-8")
    assert "<title>Evil &lt;script&gt;window.__pwned=1&lt;/script&gt;" in evil
    assert "{{ 7*7 }}" in evil


def test_search_index_keeps_table_and_code_text(seed_site: Path) -> None:
    index = json.loads((seed_site / "search" / "search_index.json").read_text("utf-8"))
    texts = [doc["text"] for doc in index["docs"] if "get-group-events" in doc["location"]]
    joined = " ".join(texts)
    assert "the ID of the issue to retrieve." in joined  # a table cell
    assert "<code>issue_id</code>" in joined
    assert 'curl "${SENTRY_API_BASE_URL:-https://sentry.io}/api/0/issues/1/events/"' in joined


def test_page_cleaner_keeps_material_markup_and_drops_scripts() -> None:
    from apidocgen.mkdocs_plugin import page_cleaner, safe_title

    kept = (
        '<div class="tabbed-set tabbed-alternate"><input checked="checked" id="__tabbed_1_1"'
        ' name="__tabbed_1" type="radio"><div class="tabbed-labels"><label for="__tabbed_1_1">A'
        '</label></div></div><details class="example" open=""><summary>S</summary></details>'
        '<h2 id="x">X<a class="headerlink" href="#x" title="Permanent link">\u00b6</a></h2>'
        '<div class="highlight"><pre><span></span><code><span class="nt">"a"</span></code></pre></div>'
    )
    cleaner = page_cleaner()
    assert cleaner.clean(kept) == kept
    hostile = '<p onclick="x()">p</p><script>x()</script><a href="javascript:x()">a</a><iframe src="https://e"></iframe>'
    assert cleaner.clean(hostile) == "<p>p</p><a>a</a>"
    assert (
        safe_title("Evil &lt;script&gt;x&lt;/script&gt;") == "Evil &lt;script&gt;x&lt;/script&gt;"
    )
    assert safe_title("A <em>b</em> &amp; c") == "A b &amp; c"


@pytest.mark.parametrize("name", ["sentry", "github-dev/api-docs"])
def test_corpus_sites_build_strict(tmp_path: Path, name: str) -> None:
    source = corpus_dir(name.split("/")[0]) / (name.split("/", 1)[1] if "/" in name else "")
    site = build(tmp_path, source)
    pages = list(site.rglob("index.html"))
    assert len(pages) > (60 if name == "sentry" else 600)
    assert not (site / "python").exists()


def test_plugin_regenerates_with_the_command_lines_caches(tmp_path: Path) -> None:
    """The plugin regenerates as `apidocgen generate` does: after a build, a second build of
    the same input reuses everything (parse cache included), and the CLI finds it up to date."""
    source = tmp_path / "in"
    shutil.copytree(ROOT / "api-docs", source)
    config = site_config(tmp_path, source)
    assert mkdocs_build(config).returncode == 0
    docs = tmp_path / "docs"
    assert (docs / ".apidocgen-cache" / "parsed.jsonl").is_file()
    result = run_cli("--input", str(source), "--output", str(docs))
    assert result.returncode == 0 and "is up to date; nothing to do" in result.stdout


def test_a_fresh_clone_builds_without_generating_first(tmp_path: Path) -> None:
    """What `git clone` gives: mkdocs.yml, pyproject.toml, api-docs/ and the committed
    generated/.gitignore (mkdocs checks that docs_dir exists before any plugin runs)."""
    tracked = subprocess.run(
        ["git", "ls-files", "generated"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == ["generated/.gitignore"]
    for name in ("mkdocs.yml", "pyproject.toml", "generated/.gitignore"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "api-docs", tmp_path / "api-docs")
    result = mkdocs_build(tmp_path / "mkdocs.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "events" / "get-group-events" / "index.html").is_file()
    assert (tmp_path / "generated" / ".gitignore").read_bytes() == (
        ROOT / "generated" / ".gitignore"
    ).read_bytes()


def test_the_site_uses_system_fonts_unless_it_hosts_its_own(tmp_path: Path) -> None:
    """mkdocs-material asks Google Fonts for its fonts unless `font: false`: the plugin sets
    it, unless told not to or the privacy plugin serves the fonts with the site."""
    from mkdocs.config import load_config as load_mkdocs_config

    def font_after_on_config(**changes: Any) -> Any:
        path = site_config(tmp_path, ROOT / "api-docs", **changes.pop("plugin", {}))
        data = yaml.safe_load(path.read_text("utf-8"))
        data["plugins"] = changes.get("plugins", data["plugins"])
        path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
        config = load_mkdocs_config(str(path))
        config.plugins.on_config(config)
        return config.theme["font"]

    assert font_after_on_config() is False
    assert font_after_on_config(plugin={"system_fonts": False}) == {
        "text": "Roboto",
        "code": "Roboto Mono",
    }
    options = {"input": str(ROOT / "api-docs"), "config": str(ROOT / "pyproject.toml")}
    privacy = ["search", "privacy", {"apidocgen": options}]
    assert font_after_on_config(plugins=privacy) == {"text": "Roboto", "code": "Roboto Mono"}


def test_search_splits_paths_and_code_unless_mkdocs_yml_says_otherwise(tmp_path: Path) -> None:
    from mkdocs.config import load_config as load_mkdocs_config

    from apidocgen.mkdocs_plugin import SEARCH_SEPARATOR

    path = site_config(tmp_path, ROOT / "api-docs")
    config = load_mkdocs_config(str(path))
    config.plugins.on_config(config)
    assert config.plugins["material/search"].config["separator"] == SEARCH_SEPARATOR
    data = yaml.safe_load(path.read_text("utf-8"))
    data["plugins"][0] = {"search": {"separator": r"[\s]+"}}
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    config = load_mkdocs_config(str(path))
    config.plugins.on_config(config)
    assert config.plugins["material/search"].config["separator"] == r"[\s]+"


def test_search_index_has_paths_client_methods_and_separate_cells(seed_site: Path) -> None:
    index = json.loads((seed_site / "search" / "search_index.json").read_text("utf-8"))
    by_location = {doc["location"]: doc["text"] for doc in index["docs"]}
    head = by_location["events/get-group-events/#list-an-issues-events"]
    assert "<code>/api/0/issues/{issue_id}/events/</code>" in head
    assert "<code>client.events.list_issue_events()</code>" in head
    assert "<code>get_group_events</code>" in head
    # Table cells and tab labels do not run into each other.
    fields = by_location["events/get-group-events/#response-fields"]
    assert "<code>dist</code> always null in the examples <code>null</code>" in fields
    assert "HTTP curl Python" in by_location["events/get-group-events/#example-request"]


def test_search_dialog_is_named() -> None:
    from apidocgen.mkdocs_plugin import label_search_dialog

    page = (
        '<div class="md-search" data-md-component="search" role="dialog">'
        '<input type="text" class="md-search__input" name="query" aria-label="Suche">'
    )
    assert label_search_dialog(page).startswith(
        '<div class="md-search" data-md-component="search" role="dialog" aria-label="Suche">'
    )
    assert label_search_dialog("<p>no search</p>") == "<p>no search</p>"
