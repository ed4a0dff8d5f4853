#!/usr/bin/env python3
"""`apidocgen import har` on traffic nobody here recorded: GitHub's own examples.

Builds a HAR 1.2 file from a corpus's descriptors (each example exchange at its concrete URL,
`https://api.github.com/...`, shuffled, with requests to two other hosts mixed in: a page's
stylesheet and an analytics endpoint), then:

1. imports it into an empty folder: the share of operations whose method and route template
   come back exactly (placeholder names aside), overall and for the routes whose parameters
   the traffic can show (each is an identifier by its form, or takes other values elsewhere
   in the HAR after the same segments), and the list of the rest;
2. imports it into a copy of the corpus's own descriptors: how many files change (an
   exchange equal to a descriptor's example is not added again: none should).

usage: bench/bench_har.py [CORPUS_API_DOCS]
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apidocgen.capture import plan_import, read_har, write_plan  # noqa: E402
from apidocgen.capture.routes import is_identifier  # noqa: E402
from apidocgen.config import Config  # noqa: E402
from apidocgen.paths import route_key, template_values  # noqa: E402
from apidocgen.pipeline import parse_input  # noqa: E402


def main() -> int:
    corpus = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else ROOT.parent / "shared" / "corpus" / "github-dev" / "api-docs"
    )
    if not corpus.is_dir():
        print(f"skipped: {corpus} is absent")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        har, truth = build_har(corpus, folder / "traffic.har")
        started = time.perf_counter()
        exchanges, problems = read_har(har)
        plan = plan_import(exchanges, folder / "empty")
        seconds = time.perf_counter() - started
        errors = [d for d in problems + plan.diagnostics if d.severity == "error"]
        if errors:
            print("\n".join(d.format() for d in errors[:5]))
            return 1
        found = {
            (json.loads(_front(text))["method"], route_key(json.loads(_front(text))["api_path"]))
            for text in plan.files.values()
        }
        print(
            f"{len(truth)} operations, {len(exchanges)} exchanges read; planned in {seconds:.1f} s"
        )
        visible = {op for op, shown in truth.items() if shown}
        hits = {op for op in truth if (op[0], route_key(op[1])) in found}
        print(
            f"routes recovered exactly: {len(hits)}/{len(truth)} = {100 * len(hits) / len(truth):.1f}%"
        )
        print(
            f"  whose parameters the traffic shows: {len(hits & visible)}/{len(visible)}"
            f" = {100 * len(hits & visible) / max(1, len(visible)):.1f}%"
        )
        rest = sorted(set(truth) - hits)
        print(f"  not recovered ({len(rest)}), first 15:")
        for method, template in rest[:15]:
            print(f"    {method} {template}")
        copy = folder / "copy"
        shutil.copytree(corpus, copy)
        before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
        plan = plan_import(exchanges, copy)
        write_plan(plan)
        changed = [p for p, data in before.items() if p.read_bytes() != data]
        added = [p for p in copy.rglob("*") if p.is_file() and p not in before]
        print(
            f"imported into a copy of the descriptors: {len(changed)} file(s) changed,"
            f" {len(added)} added"
        )
    return 0


def _front(text: str) -> str:
    return text.split("\n---\n", 1)[0].split("\n", 2)[2]


def build_har(corpus: Path, out: Path) -> tuple[Path, dict[tuple[str, str], bool]]:
    """A HAR of the corpus's examples; and each operation (method, template) with whether
    the traffic shows its parameters."""
    loaded, endpoints, _ = parse_input(Config(input=corpus))
    entries: list[dict[str, Any]] = []
    operations: list[tuple[str, str, str]] = []
    for endpoint in endpoints:
        request, response = endpoint.examples.request, endpoint.examples.response
        d = endpoint.descriptor
        if request is None or response is None or d.api_path is None or not endpoint.routed:
            continue
        url = f"https://api.github.com{request.target}"
        operations.append((d.method, d.api_path, request.path))
        entries.append(_entry(d.method, url, request, response))
    for number in range(20):
        entries.append(_other("https://fonts.example.net/css?family=Inter", "text/css", "a{}"))
        entries.append(
            _other(f"https://stats.example.org/v1/hit/{number}", "application/json", '{"ok":1}')
        )
    random.Random(20261201).shuffle(entries)
    out.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), "utf-8")
    values: dict[tuple[str, int], set[str]] = defaultdict(set)
    for _, _, path in operations:
        parts = path.split("/")
        for position in range(1, len(parts)):
            values[("/".join(parts[:position]), position)].add(parts[position])
    truth = {}
    for method, template, path in operations:
        names = template_values(template, path) or {}
        parts = path.split("/")
        shown = True
        for position, segment in enumerate(template.split("/")):
            if "{" not in segment:
                continue
            value = parts[position] if position < len(parts) else ""
            prefix = "/".join(parts[:position])
            if not is_identifier(value) and len(values[(prefix, position)]) < 2:
                shown = False
        shown = shown and bool(names or "{" not in template)
        truth[(method, template)] = shown
    return out, truth


def _entry(method: str, url: str, request: Any, response: Any) -> dict[str, Any]:
    return {
        "startedDateTime": "2026-12-01T00:00:00Z",
        "time": 1,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": h.name, "value": h.value} for h in request.headers.items],
            "queryString": [],
            **(
                {"postData": {"mimeType": "application/json", "text": request.body.text}}
                if request.body.text
                else {}
            ),
        },
        "response": {
            "status": response.status,
            "statusText": response.reason,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": h.name, "value": h.value} for h in response.headers.items],
            "content": {
                "size": len(response.body.text),
                "mimeType": response.headers.get("Content-Type") or "application/json",
                "text": response.body.text,
            },
        },
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
    }


def _other(url: str, media: str, text: str) -> dict[str, Any]:
    return {
        "request": {"method": "GET", "url": url, "headers": []},
        "response": {
            "status": 200,
            "statusText": "OK",
            "headers": [{"name": "Content-Type", "value": media}],
            "content": {"mimeType": media, "text": text},
        },
    }


if __name__ == "__main__":
    raise SystemExit(main())
