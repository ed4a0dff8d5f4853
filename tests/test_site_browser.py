"""The built site in a real browser: headless Debian chromium driven by Playwright.

One site is built from a copy of api-docs/ plus a section of hostile descriptors, served by
`http.server` on 127.0.0.1 (ephemeral port). Without /usr/bin/chromium the tests skip, unless
the CI environment variable is set, in which case they fail.

The accessibility tests run axe-core (installed from npm into .venv by `make test`; its
path can be given in APIDOCGEN_AXE) in the page; without it they skip, unless
APIDOCGEN_AXE_REQUIRED=1, in which case they fail. Their results are listed at the end of
the test run (the `axe-core` section).

`APIDOCGEN_UPDATE_SCREENSHOT=1` also saves the seed page's screenshots, at 1280 and 390 px
wide, light and dark, to docs-assets/screenshots/ (for the README); normal runs never write
into the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_site import build

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
NARROW = {"width": 390, "height": 844}
SEED_PAGE = "/events/get-group-events/"
# One page of each kind the site has.
PAGE_KINDS = {
    "home": "/",
    "section": "/events/",
    "endpoint": SEED_PAGE,
    "models": "/models/",
    "guide": "/pagination/",
}
AXE = Path(os.environ.get("APIDOCGEN_AXE") or ROOT / ".venv/node_modules/axe-core/axe.min.js")
EVIL_PAGE = "/evil/get-evil/"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE_DESCRIPTOR = """---
{
  "api_path": "/api/0/evil/{evil_id}/",
  "method": "GET",
  "title": "Evil endpoint <script>window.__pwned=1</script>",
  "description": "Look: <img src=x onerror=\\"window.__pwned=1\\"> and <script>window.__pwned=1</script> and [click me](javascript:window.__pwned=1) and {{ 7*7 }} here.",
  "path_parameters": [{"name": "evil_id", "type": "string", "description": "<img src=x onerror=\\"window.__pwned=1\\">"}],
  "example_request": "GET /api/0/evil/1/ HTTP/1.1\\nHost: sentry.io",
  "example_response": "HTTP/1.1 200 OK\\nContent-Type: application/json\\n\\n{\\"name\\": \\"<script>window.__pwned=1</script>\\", \\"t\\": \\"{{ 7*7 }}\\"}",
  "sidebar_order": 1
}
---
"""


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = (
        f"{CHROMIUM} is missing: apt-get install -y chromium (the tests never download a browser)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    base = tmp_path_factory.mktemp("browser")
    source = base / "in"
    shutil.copytree(ROOT / "api-docs", source)
    (source / "evil").mkdir()
    (source / "evil" / "get-evil.md").write_text(HOSTILE_DESCRIPTOR, "utf-8")
    site = build(base, source)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(site_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    try:
        yield tab
    finally:
        context.close()


def test_seed_page_shows_method_path_parameters_samples_and_example(
    page: Any, site_url: str
) -> None:
    page.goto(site_url + SEED_PAGE)
    article = page.locator("article.md-content__inner")
    assert page.locator("h1").inner_text().rstrip("\u00b6 \n") == "List an Issue's Events"
    assert article.locator(".apidocgen-method").inner_text() == "GET"
    assert (
        "/api/0/issues/{issue_id}/events/"
        in article.locator(".apidocgen-endpoint code").inner_text()
    )
    row = article.locator("table tr", has_text="issue_id")
    assert row.locator("td").nth(2).inner_text() == "yes"
    labels = article.locator(".tabbed-labels label")
    assert [labels.nth(n).inner_text() for n in range(labels.count())] == ["HTTP", "curl", "Python"]
    assert article.locator(".tabbed-block").first.is_visible()
    assert (
        "GET /api/0/issues/1/events/ HTTP/1.1"
        in article.locator(".tabbed-block").first.inner_text()
    )
    status = article.locator(".apidocgen-response-status")
    assert status.inner_text() == "Response 200 OK, application/json (604 lines)"
    response = article.locator(".apidocgen-response pre")
    assert response.is_visible() and "HTTP/1.1 200 OK" in response.inner_text()
    # The first lines show; the rest is one click away.
    code = article.locator(".apidocgen-response pre code")
    clamped = code.bounding_box()["height"]
    assert clamped < 700 and code.evaluate("c => c.scrollHeight") > 5 * clamped
    show_all = article.locator("label.apidocgen-more-label")
    assert show_all.inner_text() == "Show all 604 lines"
    show_all.click()
    assert code.bounding_box()["height"] > 5 * clamped
    assert show_all.inner_text() == "Show the first lines only"


def test_switching_to_the_curl_tab_shows_its_code(page: Any, site_url: str) -> None:
    page.goto(site_url + SEED_PAGE)
    blocks = page.locator("article.md-content__inner .tabbed-block")
    curl = blocks.nth(1)
    assert not curl.is_visible()
    page.locator("article.md-content__inner .tabbed-labels label", has_text="curl").click()
    curl.wait_for(state="visible")
    assert (
        'curl "${SENTRY_API_BASE_URL:-https://sentry.io}/api/0/issues/1/events/"'
        in curl.inner_text()
    )
    assert not blocks.nth(0).is_visible()


def type_search(page: Any, url: str, words: str) -> None:
    """Open `url` and type into the search box (keystrokes: Material listens to key events)."""
    with page.expect_response(lambda response: "search_index.json" in response.url):
        page.goto(url)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(words, delay=30)


def test_search_finds_an_endpoint_by_a_title_word(page: Any, site_url: str) -> None:
    type_search(page, site_url + "/", "issue")
    result = page.locator(".md-search-result__item a[href*='events/get-group-events']").first
    result.wait_for(state="visible")
    assert "Events" in result.inner_text()


def test_hostile_text_shows_literally_and_runs_nothing(page: Any, site_url: str) -> None:
    type_search(page, site_url + EVIL_PAGE, "Evil")
    page.locator(".md-search-result__item").first.wait_for(state="visible")
    assert page.evaluate("() => window.__pwned") is None
    page.keyboard.press("Escape")
    assert page.evaluate("() => window.__pwned") is None
    article = page.locator("article.md-content__inner")
    assert SCRIPT in article.locator("h1").inner_text()
    text = article.inner_text()
    assert IMG in text and SCRIPT in text
    assert "{{ 7*7 }}" in text and "49" not in text
    assert article.locator("a", has_text="click me").count() == 0
    assert article.locator("img").count() == 0
    assert SCRIPT in page.title()
    article.locator("pre", has_text="window.__pwned").first.scroll_into_view_if_needed()
    assert page.evaluate("() => window.__pwned") is None


def test_palette_toggle_switches_to_dark(page: Any, site_url: str) -> None:
    page.goto(site_url + SEED_PAGE)
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") != scheme


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_screenshot_of_the_seed_page(page: Any, site_url: str, tmp_path: Path) -> None:
    page.goto(site_url + SEED_PAGE)
    page.wait_for_load_state("networkidle")
    shot = tmp_path / "seed.png"
    page.screenshot(path=str(shot))
    assert png_size(shot) == (VIEWPORT["width"], VIEWPORT["height"])


# ---- layout ------------------------------------------------------------------------------


def open_page(browser: Any, url: str, viewport: dict[str, int], scheme: str = "light") -> Any:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    return tab


def test_wide_screens_show_the_examples_beside_the_parameters(browser: Any, site_url: str) -> None:
    tab = open_page(browser, site_url + SEED_PAGE, VIEWPORT)
    try:
        article = tab.locator("article.md-content__inner")
        parameters = article.locator(".apidocgen-parameters table").first.bounding_box()
        response = article.locator(".apidocgen-response pre").first.bounding_box()
        request = article.locator(".apidocgen-examples .tabbed-set").first.bounding_box()
        assert response["x"] >= parameters["x"] + parameters["width"]  # to the right of it
        assert request["x"] >= parameters["x"] + parameters["width"]
        # The example response starts in the first screen, with lines of it showing.
        assert response["y"] + 120 < VIEWPORT["height"]
        # The response fields stay in the left column, under the parameters.
        fields = article.locator(".apidocgen-field-list table").bounding_box()
        assert fields["x"] == pytest.approx(parameters["x"], abs=2)
        assert fields["y"] > parameters["y"]
        # The table of contents gives its room to the examples.
        assert not tab.locator(".md-sidebar--secondary").is_visible()
    finally:
        tab.context.close()


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_narrow_screens_have_nothing_wider_than_the_screen(
    browser: Any, site_url: str, kind: str
) -> None:
    tab = open_page(browser, site_url + PAGE_KINDS[kind], NARROW)
    try:
        found = tab.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                const wide = [];
                for (const el of document.querySelectorAll(".md-header *, .md-content *")) {
                    // Code scrolls inside its own box; search is a dialog, shut until opened.
                    if (el.closest("pre, .md-search")) continue;
                    const box = el.getBoundingClientRect();
                    if (box.width === 0 || box.height === 0) continue;
                    if (box.right > width + 0.5 || box.left < -0.5) {
                        wide.push(`${el.tagName}.${el.className} ${box.left}..${box.right}`);
                    }
                }
                return {width, page: document.documentElement.scrollWidth, wide};
            }"""
        )
        assert found["wide"] == [] and found["page"] <= found["width"], found
        if kind == "endpoint":
            # Stacked: the examples come after the parameters, the fields after the examples.
            article = tab.locator("article.md-content__inner")
            parameters = article.locator(".apidocgen-parameters").first.bounding_box()
            response = article.locator(".apidocgen-response").first.bounding_box()
            fields = article.locator(".apidocgen-field-list").first.bounding_box()
            assert parameters["y"] < response["y"] < fields["y"]
    finally:
        tab.context.close()


def test_navigation_and_section_tables_show_method_pills(browser: Any, site_url: str) -> None:
    tab = open_page(browser, site_url + "/teams/", VIEWPORT)
    try:
        nav = tab.locator("nav.md-nav--primary")
        pills = nav.locator(".md-status[class*='md-status--method-']")
        assert pills.count() == 4 and pills.first.is_visible()
        words = [
            pills.nth(n).evaluate("p => getComputedStyle(p, '::after').content")
            for n in range(pills.count())
        ]
        assert sorted(words) == ['"DEL"', '"GET"', '"POST"', '"PUT"']
        # Before the title, not after it.
        title = pills.first.locator("xpath=..").locator(".md-ellipsis").bounding_box()
        assert pills.first.bounding_box()["x"] < title["x"]
        table = tab.locator("article .apidocgen-endpoints table")
        assert table.locator(".apidocgen-method").count() == 4
        path = table.locator("code.apidocgen-path").first
        assert path.inner_text().startswith("/api/0/")
    finally:
        tab.context.close()


@pytest.mark.parametrize(
    "words", ["list_issue_events", "/api/0/issues/{issue_id}/events/", "get_group_events"]
)
def test_search_finds_an_endpoint_by_its_client_method_path_or_operation_id(
    page: Any, site_url: str, words: str
) -> None:
    from playwright.sync_api import expect

    type_search(page, site_url + "/", words)
    first = page.locator(".md-search-result__item a").first
    # The results settle once the last key is read: the endpoint's page comes first.
    expect(first).to_have_attribute("href", re.compile(r"/events/get-group-events/"))


# ---- offline and private ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_pages_ask_no_other_host_and_work_offline(browser: Any, site_url: str, kind: str) -> None:
    """The network is off but for the site's own server: any request elsewhere is recorded
    and aborted; the page must make none, and load everything it asks for."""
    context = browser.new_context(viewport=VIEWPORT)
    elsewhere: list[str] = []
    failed: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(site_url + "/"):
            request_route.continue_()
        else:
            elsewhere.append(url)
            request_route.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.on("requestfailed", lambda request: failed.append(request.url))
    try:
        with tab.expect_response(lambda response: "search_index.json" in response.url):
            tab.goto(site_url + PAGE_KINDS[kind])
        tab.wait_for_load_state("networkidle")
        tab.locator("form[data-md-component='palette'] label:visible").first.click()
        tab.locator("input.md-search__input").click()  # the search worker
        tab.locator("input.md-search__input").press_sequentially("events", delay=30)
        tab.locator(".md-search-result__item").first.wait_for(state="visible")
        tab.wait_for_load_state("networkidle")
        assert elsewhere == [] and failed == []
        fonts = tab.evaluate("() => [...document.fonts].map(f => f.family)")
        assert not any("Roboto" in family for family in fonts)
    finally:
        context.close()


# ---- accessibility -----------------------------------------------------------------------------


def require_axe() -> Path:
    if AXE.is_file():
        return AXE
    message = f"axe-core is not installed at {AXE} (make test installs it with npm)"
    if os.environ.get("APIDOCGEN_AXE_REQUIRED") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_pages_pass_axe_core(
    browser: Any,
    site_url: str,
    kind: str,
    width: int,
    scheme: str,
    record_property: Any,
) -> None:
    axe = require_axe()
    viewport = VIEWPORT if width == VIEWPORT["width"] else NARROW
    tab = open_page(browser, site_url + PAGE_KINDS[kind], viewport, scheme)
    try:
        expected = "slate" if scheme == "dark" else "default"
        assert tab.locator("body").get_attribute("data-md-color-scheme") == expected
        tab.add_script_tag(path=str(axe))
        results = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = results["violations"]
        blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
        others = sorted(f"{v['id']} ({v['impact']})" for v in violations if v not in blocking)
        record_property(
            "axe",
            f"{kind} {width} px {scheme}: {len(blocking)} serious or critical"
            + (f"; also {', '.join(others)}" if others else ""),
        )
        assert [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in blocking
        ] == []
    finally:
        tab.context.close()


# ---- screenshots -------------------------------------------------------------------------------


@pytest.mark.skipif(
    os.environ.get("APIDOCGEN_UPDATE_SCREENSHOT") != "1",
    reason="writes docs-assets/screenshots/ only when APIDOCGEN_UPDATE_SCREENSHOT=1",
)
def test_update_readme_screenshots(browser: Any, tmp_path: Path) -> None:
    """The README's pictures: the seed page of a site built from api-docs/ alone, at 1280 and
    390 px wide, light and dark."""
    from dataclasses import replace

    from apidocgen.config import load_config
    from apidocgen.pipeline import run
    from apidocgen.render.docs import render_docs
    from apidocgen.render.templates import template_environment
    from apidocgen.write import write_output

    config, _ = load_config(ROOT / "pyproject.toml")
    config = replace(config, input=ROOT / "api-docs", output=tmp_path / "docs")
    result = run(config)
    assert result.api is not None and not result.failed
    files = dict(result.files)
    # The pages as the project's configuration names the client (package, token variable).
    env = template_environment(config.templates)
    files.update(render_docs(result.api, env, config=config))
    write_output(config.output, files)
    site = build(tmp_path, ROOT / "api-docs", generate=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder = ROOT / "docs-assets" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for viewport in (VIEWPORT, NARROW):
            for scheme in ("light", "dark"):
                url = f"http://127.0.0.1:{server.server_address[1]}{SEED_PAGE}"
                tab = open_page(browser, url, viewport, scheme)
                target = folder / f"endpoint-{viewport['width']}-{scheme}.png"
                tab.screenshot(path=str(target))
                tab.context.close()
                assert png_size(target) == (viewport["width"], viewport["height"])
    finally:
        server.shutdown()
        server.server_close()
