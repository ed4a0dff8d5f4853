"""Generated pages assembled around Python-Markdown (apidocgen.page_assembly): the site built so
is the site mkdocs converts page by page, byte for byte, and whatever the assembler does not
read as the generator's frame is left to mkdocs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import ROOT, corpus_dir, run_python, write_descriptor
from test_site import site_config, site_digests

from apidocgen.page_assembly import PageAssembler, plain_blocks, read_frame, usable

# Builds the site of argv[1] (a mkdocs.yml) in this process, in one process when argv[2] is
# "one" (no second process converts pages), logs as `mkdocs build` does, and prints how many
# pages were assembled (None: the assembler is off).
_BUILD = r"""
import json, logging, os, sys
if sys.argv[2] == "one":
    os.cpu_count = lambda: 1
logger = logging.getLogger("mkdocs")  # what `mkdocs build` shows: info and up, on stderr
logger.addHandler(logging.StreamHandler())
logger.setLevel(logging.INFO)
from mkdocs.commands.build import build
from mkdocs.config import load_config

config = load_config(sys.argv[1])
build(config)
assembler = config.plugins["apidocgen"]._assembler
print(json.dumps(None if assembler is None else assembler.assembled))
"""


def _build(
    folder: Path, corpus: Path, processes: str, **options: Any
) -> tuple[Any, dict[str, str], list[str]]:
    """How many pages were assembled, the built site's digests and what the build logged."""
    folder.mkdir(parents=True)
    config = site_config(folder, corpus, **options)
    result = run_python(
        "-c", _BUILD, str(config), processes, cwd=folder, env={"NO_MKDOCS_2_WARNING": "1"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    log = [line for line in result.stderr.splitlines() if " built in " not in line]
    return json.loads(result.stdout.strip().splitlines()[-1]), site_digests(folder / "site"), log


def _same_site(tmp_path: Path, corpus: Path, least: int, **options: Any) -> None:
    assembled, site, log = _build(tmp_path / "on", corpus, "one", **options)
    assert assembled is not None and assembled >= least
    off, converted, converted_log = _build(
        tmp_path / "off", corpus, "one", assemble_pages=False, **options
    )
    assert off is None
    assert len(site) > least
    assert site == converted
    assert [line.replace("/on/", "/") for line in log] == [
        line.replace("/off/", "/") for line in converted_log
    ]
    # With the second process (it converts pages from the last back), the same site again.
    _, forked, _ = _build(tmp_path / "forked", corpus, "two", **options)
    assert forked == converted


def test_the_seed_site_is_the_one_mkdocs_converts(tmp_path: Path) -> None:
    _same_site(tmp_path, ROOT / "api-docs", 10)


def test_unsanitized_pages_are_the_ones_mkdocs_converts(tmp_path: Path) -> None:
    """Without the sanitizer, which would even out some differences of markup."""
    _same_site(tmp_path, ROOT / "api-docs", 10, sanitize=False)


@pytest.mark.parametrize("name", ["sentry", "github-dev"])
def test_a_corpus_site_is_the_one_mkdocs_converts(tmp_path: Path, name: str) -> None:
    _same_site(tmp_path, corpus_dir(name), 60 if name == "sentry" else 600)


# Descriptions that reach a page's texts as Markdown of every kind: plain words, headings that
# collide with the page's own, explicit ids, code, links, lists, admonitions, tabs, HTML.
_DESCRIPTIONS = [
    'Plain words, with commas: and (brackets); it\'s "quoted" 50% a/b?',
    "## Example request\n\nA heading the page has too.",
    "## Example request { #example-request }\n\nThe id given.",
    "## Notes { #notes }\n\nFirst.\n\n## Notes\n\nSecond, its slug taken.",
    "Uses `code`, **bold**, _emphasis_ and a [link](https://example.com/) & more.",
    "- one\n- two\n\n1. first\n2. second",
    '!!! note "Careful"\n\n    Indented text in a note.',
    '=== "Tab"\n\n    Text in a tab of a description.',
    "Line one\nLine two <code>x&#95;y</code> &amp; z.\n\n---\n\nAfter a rule.",
    "# Another title\n\n###### Deep heading\n\nText.",
    "A paragraph that ends with two spaces  \nthen a line break.",
    "__tabbed_1_1\n\n## __tabbed_1_1",
]


def test_descriptions_of_every_kind_convert_as_mkdocs_converts_them(tmp_path: Path) -> None:
    source = tmp_path / "in"
    shutil.copytree(ROOT / "api-docs", source)
    for number, text in enumerate(_DESCRIPTIONS):
        front = {
            "api_path": f"/api/0/widgets/{number}/",
            "method": "POST",
            "title": f"Change widget {number}" if number % 2 else f"Widget's change ({number})",
            "description": text,
            "parameters": [{"name": "name", "type": "string", "description": text.split("\n")[0]}],
            "example_request": 'POST /api/0/widgets/ HTTP/1.1\nContent-Type: application/json\n\n{"name": "a"}',
            "example_response": 'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{"id": "1", "name": "a"}',
        }
        write_descriptor(source, f"widgets/change-{number}.md", json.dumps(front, indent=2))
    _same_site(tmp_path / "sites", source, 10)
    _same_site(tmp_path / "raw", source, 10, sanitize=False)


def _frame(text: str) -> list[Any] | None:
    lines = markdown.Markdown().preprocessors["normalize_whitespace"].run(text.split("\n"))
    return read_frame(lines, lambda block: f"[{block.kind}]")


_CODE = "<!-- apidocgen:code -->\n\n```json\n{}\n```"


def test_the_frame_is_read_with_its_texts_blocks_divs_and_tabs() -> None:
    frame = _frame(
        f'# Title\n\nText.\n\n<div class="a" markdown>\n<div class="b" markdown>\n\n## H\n\n'
        f'{_CODE}\n\n</div>\n</div>\n\n=== "HTTP"\n\n    {_CODE.replace(chr(10), chr(10) + "    ")}'
        f'\n\n=== "curl"\n\n    {_CODE.replace(chr(10), chr(10) + "    ")}\n'
    )
    assert frame is not None
    kinds = [type(node).__name__ for node in frame]
    assert kinds == ["_Text", "_Div", "_Tabs"]
    assert frame[0].lines == ["# Title", "", "Text."]
    inner = frame[1].children[0]
    assert [type(n).__name__ for n in inner.children] == ["_Text", "_Html"]
    assert frame[2].labels == ["HTTP", "curl"] and frame[2].blocks == ["[code]", "[code]"]


@pytest.mark.parametrize(
    "text",
    [
        'Text right above a div.\n<div class="a" markdown>\n\nx\n\n</div>',  # not set apart
        '<div class="a" markdown>\n\nx\n',  # never closed
        "x\n\n</div>",  # closes nothing
        '=== "HTTP"\n\n    Text, not a marked block.',
        '=== "A label with `code`"\n\n    ' + _CODE.replace("\n", "\n    "),
        "Text\n\n    <!-- apidocgen:code -->\n\n    ```json\n    {}\n    ```",  # a mark in a text
        "Text <!-- apidocgen:piece --> here.",
        "Text\n\n=== Not a tab line",
        '=== "C--"\n\n    ' + _CODE.replace("\n", "\n    "),  # smarty would make a dash
    ],
)
def test_what_is_not_the_frame_is_left_to_mkdocs(text: str) -> None:
    assert _frame(text) is None


def test_only_plain_texts_skip_python_markdown() -> None:
    def blocks(text: str, ids: bool = True) -> Any:
        found = plain_blocks(_frame(text)[0], ids)  # type: ignore[index]
        return None if found is None else found.blocks

    assert blocks("<!-- c -->\n\n# A title (v2)\n\nSome words, <code>x</code> &#95;.") == [
        (-1, "<!-- c -->", ""),
        (1, "A title (v2)", ""),
        (0, "Some words, <code>x</code> &#95;.", ""),
    ]
    assert blocks("## Model { #model-a }") == [(2, "Model", "model-a")]
    assert blocks("## Model { #model-a }", ids=False) is None  # no attr_list: literal text
    for text in ["Uses `code`.", "A & B", "- item", "1. item", "Two spaces  ", "x *y*", "## H #"]:
        assert blocks(text) is None, text


def test_only_sites_whose_markup_it_reproduces_are_assembled() -> None:
    tabbed = {"pymdownx.tabbed": {"alternate_style": True}}
    assert usable(["md_in_html", "pymdownx.tabbed"], tabbed)
    assert not usable(["md_in_html", "pymdownx.tabbed"], {})  # the older tab markup
    assert not usable(["pymdownx.tabbed"], tabbed)
    assert not usable(["md_in_html"], tabbed)
    # An extension it does not know might change the frame's markup.
    assert not usable(["md_in_html", "pymdownx.tabbed", "my_site.divs"], tabbed)
    assert usable(["md_in_html", "pymdownx.tabbed", "smarty", "pymdownx.emoji"], tabbed)


def test_plain_texts_are_left_to_mkdocs_with_extensions_that_change_text() -> None:
    from apidocgen.generated_blocks import GeneratedBlocksExtension

    def plain(extensions: list[Any], configs: dict[str, Any]) -> bool:
        site = markdown.Markdown(extensions=extensions, extension_configs=configs)
        return bool(PageAssembler(GeneratedBlocksExtension(None, None), site, extensions)._plain)

    base = ["toc", "attr_list", "md_in_html", "pymdownx.tabbed"]
    assert plain(base, {"toc": {"permalink": True}})
    assert plain(base, {})
    assert not plain([*base, "smarty"], {})  # quotes and dashes become entities
    assert not plain([*base, "abbr"], {})  # abbreviations defined anywhere in the page
    assert not plain([*base, "meta"], {})  # `Key: value` first lines are metadata
    assert not plain([*base, "nl2br"], {})  # a paragraph's line ends are line breaks
    assert not plain(base, {"toc": {"permalink": "#"}})
    assert not plain(base, {"toc": {"anchorlink": True}})
    assert not plain(base, {"toc": {"toc_depth": 2}})
    assert not plain(["attr_list", "md_in_html", "pymdownx.tabbed"], {})  # no ids at all


def test_links_are_checked_as_mkdocs_checks_them(tmp_path: Path) -> None:
    """Every anchor of an assembled page is known (its own links to them pass), and a link's
    message is reported once, whether the page was assembled or left to mkdocs after all."""
    from test_site import mkdocs_build

    source = tmp_path / "in"
    texts = {
        # Its heading takes the id the page's own heading needs: mkdocs converts it whole.
        "left": "See [the other](get-assembled.md#nowhere).\n\n## Example request\n\nText.",
        "assembled": "See [the other](get-left.md#nowhere).",
    }
    for name, text in texts.items():
        front = {
            "api_path": f"/api/0/{name}/",
            "method": "GET",
            "title": f"Get {name}",
            "description": text,
            "example_response": 'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{"id": 1}',
        }
        write_descriptor(source, f"things/get-{name}.md", json.dumps(front))
    result = mkdocs_build(site_config(tmp_path, source), "--no-strict")
    assert result.returncode == 0, result.stderr
    for name in texts:
        assert result.stderr.count(f"things/get-{name}.md' contains a link") == 1, result.stderr
    assert "no such anchor" not in result.stderr


def test_held_logs_hold_only_this_threads_records() -> None:
    """While a page's texts convert, what this thread logs waits for the verdict; what other
    threads log (mkdocs serve's server and watcher) passes at once."""
    import logging
    import threading

    from apidocgen.page_assembly import _HeldLogs

    seen: list[str] = []

    class Seen(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    logger = logging.getLogger("mkdocs")
    saved = logger.handlers[:], logger.level
    logger.handlers, logger.level = [Seen()], logging.INFO
    try:
        with _HeldLogs() as held:
            logging.getLogger("mkdocs.structure.pages").info("from the page")
            other = threading.Thread(target=lambda: logger.info("from the server"))
            other.start()
            other.join()
            assert seen == ["from the server"]
        assert logger.handlers[0].__class__ is Seen  # put back
        held.report()
        assert seen == ["from the server", "from the page"]
        with _HeldLogs():
            logger.warning("dropped: the page is converted again, and says it then")
        assert len(seen) == 2
    finally:
        logger.handlers, logger.level = saved
