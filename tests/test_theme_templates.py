"""The theme's templates are compiled once, not in every `mkdocs build`: the second build of
a site loads them from the bytecode cache and builds the same site."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import corpus_dir, run_python
from test_site import site_config, site_digests

# Builds the site of argv[1] with the theme's compiled templates kept in argv[2], and prints
# the names of the templates Jinja compiled.
_BUILD = r"""
import json, sys
from pathlib import Path
import jinja2
from mkdocs.commands.build import build
from mkdocs.config import load_config
import apidocgen.mkdocs_plugin as plugin

compiled = []
compile = jinja2.Environment.compile

def compiling(self, source, name=None, filename=None, raw=False, defer_init=False):
    compiled.append(name)
    return compile(self, source, name, filename, raw, defer_init)

jinja2.Environment.compile = compiling
cache = plugin.template_bytecode_cache
plugin.template_bytecode_cache = lambda folder, settings: cache(Path(sys.argv[2]), settings)
build(load_config(sys.argv[1]))
print(json.dumps(compiled))
"""


def _build(folder: Path, config: Path, cache: Path) -> list[str]:
    result = run_python(
        "-c", _BUILD, str(config), str(cache), cwd=folder, env={"NO_MKDOCS_2_WARNING": "1"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_second_build_compiles_no_theme_template_and_builds_the_same_site(
    tmp_path: Path,
) -> None:
    config = site_config(tmp_path, corpus_dir("sentry"))
    cache = tmp_path / "compiled"
    cache.mkdir()
    first = _build(tmp_path, config, cache)
    site = site_digests(tmp_path / "site")
    assert {"main.html", "partials/nav.html", "partials/nav-item.html"} <= set(first)
    assert any(cache.iterdir())
    second = _build(tmp_path, config, cache)
    assert not {"main.html", "base.html", "partials/nav.html", "partials/nav-item.html"} & set(
        second
    )
    assert site_digests(tmp_path / "site") == site
    # A damaged entry is compiled again, into the same site.
    for entry in cache.iterdir():
        entry.write_bytes(b"not bytecode")
    third = _build(tmp_path, config, cache)
    assert "main.html" in third
    assert site_digests(tmp_path / "site") == site
