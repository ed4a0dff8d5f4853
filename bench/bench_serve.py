#!/usr/bin/env python3
"""Live preview figures: the builds of one `mkdocs serve`, after an edit to one descriptor.

usage: .venv/bin/python bench/bench_serve.py [--corpus DIR] [--edits N]

The corpus (default: ../shared/corpus/github-dev/api-docs) is copied to a temporary folder and
built as `mkdocs serve` builds it, in this process: the configuration loaded again for each
build, the apidocgen plugin kept (started with command='serve'). After the first build, each
edit changes one endpoint's description and times the rebuild, with the pages the plugin
converted and laid out again. The edit-to-browser time of a real `mkdocs serve` (file polling
and the page request included) is what ../shared/tools/serve_latency.py measures.
Prints figures only; it asserts nothing (timings depend on the machine and its load).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "github-dev" / "api-docs"


def first_described(folder: Path) -> Path:
    """The first endpoint descriptor (in path order) that has a description."""
    for path in sorted(folder.rglob("*.md")):
        if '"description": "' in path.read_text("utf-8"):
            return path
    raise SystemExit(f"no descriptor with a description under {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found: {args.corpus}")
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        source = work / "api-docs"
        shutil.copytree(args.corpus, source)
        config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
        config.update(docs_dir=str(work / "docs"), site_dir=str(work / "site"))
        options = {"input": str(source), "config": str(ROOT / "pyproject.toml")}
        config["plugins"] = ["search", {"apidocgen": options}]
        (work / "docs").mkdir()
        config_file = work / "mkdocs.yml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")

        first = load_config(str(config_file))
        first.plugins.on_startup(command="serve", dirty=False)
        plugin = first.plugins["apidocgen"]
        started = time.perf_counter()
        build(first, serve_url="http://127.0.0.1:8000/")
        print(f"first build: {time.perf_counter() - started:.2f} s")

        target = first_described(source)
        times = []
        for number in range(args.edits):
            text = target.read_text("utf-8")
            marker = f'"description": "Edit{number} '
            target.write_text(text.replace('"description": "', marker, 1), "utf-8")
            started = time.perf_counter()
            build(load_config(str(config_file)), serve_url="http://127.0.0.1:8000/")
            times.append(time.perf_counter() - started)
            preview = plugin.preview
            print(
                f"edit {number}: rebuilt in {times[-1]:.2f} s;"
                f" {len(preview.keys) - len(preview.reused_content)} of {len(preview.keys)}"
                f" pages converted, {len(preview.keys) - len(preview.reused_output)} laid out"
            )
        print(
            f"rebuild after an edit: median {statistics.median(times):.2f} s,"
            f" {min(times):.2f}-{max(times):.2f} s over {len(times)} edits"
        )
        plugin.on_shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
