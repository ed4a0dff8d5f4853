#!/usr/bin/env python3
"""How the scanners' time grows on hostile text: linear, not quadratic.

Each scanner runs on hostile text of N and of 4N characters (the inputs that once took
minutes with a backtracking regex or json5). A linear scanner takes about 4 times as long on
4N; a quadratic one about 16 times. The ratio is printed beside the times, with a verdict
(`linear` below 8); each time is the best of three runs, so a busy machine blurs the ratio
less. The test suite runs the same inputs for correctness only (tests/test_hostile.py).

usage: bench/bench_scanners.py [N]   (default 50,000)
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apidocgen import http, load, naming  # noqa: E402
from apidocgen.render.docs import (  # noqa: E402
    LinkTargets,  # noqa: E402
    MarkdownContext,
    safe_markdown,
)

MB = 1024 * 1024
LIMITS = {"max_body_bytes": 100 * MB, "max_depth": 64}
BODY = {"max_bytes": 100 * MB, "max_depth": 64}


def scans() -> dict[str, Callable[[int], object]]:
    def body(text: str) -> object:
        return http.parse_body(text, 1, None, "r", **BODY)

    context = MarkdownContext(LinkTargets(by_source={}, outputs=set()), "a.md", "")
    return {
        "nesting_depth: unclosed escaped quotes": lambda n: http.nesting_depth('"\\' * n),
        "field lines: unclosed escaped quotes": lambda n: load._field_lines_json('"\\' * n, 1),
        "field lines: many keys": lambda n: load._field_lines_json(
            "{" + ",\n".join(f'"k{i}": 1' for i in range(n)) + "}", 1
        ),
        "words: a run of capitals": lambda n: naming.words("A" * n),
        "snake_identifier: camel case": lambda n: naming.snake_identifier("aB" * n, fallback="x"),
        "body: unclosed comments": lambda n: body("{" + "/*" * n),
        "body: unclosed strings": lambda n: body("{" + "'\\" * n),
        "body: JavaScript objects": lambda n: body("[" + "{a: 'x'}," * n + "]"),
        "body: long numbers": lambda n: body("[" + "9" * n + "e999]"),
        "response: many headers": lambda n: http.parse_response(
            "HTTP/1.1 200 OK\n" + "X-A: b\n" * n, **LIMITS
        ),
        "request: long line": lambda n: http.parse_request("GET /x" + " \t" * n + "y", **LIMITS),
        "link header: brackets and quotes": lambda n: http.parse_link_header(
            "<" * n + '"' * n + "," * n
        ),
        "api_path: many placeholders": lambda n: load.check_api_path("/" + "{a}" * n),
        "path template: backtracking bait": lambda n: load.path_matches_template(
            "/{a}/x/{b}/x/{c}/x/{d}/y", "/" + "x/" * n
        ),
        "yaml: nested block sequences": lambda n: load._parse_yaml(
            "a: " + "- " * (n // 10), 2, "w", load._Limits(MB, 64)
        ),
        "markdown: unclosed links": lambda n: safe_markdown("[a](" * (n // 10), context),
    }


def best_of(function: Callable[[int], object], n: int, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        function(n)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print(f"{'scanner':42} {'N':>10} {'4N':>10} {'ratio':>7}  verdict")
    worst = 0.0
    results = {}
    for name, function in scans().items():
        small, large = best_of(function, n), best_of(function, 4 * n)
        ratio = large / max(small, 1e-6)
        worst = max(worst, ratio)
        verdict = "linear" if ratio < 8 else "SUPERLINEAR"
        results[name] = ratio
        print(f"{name:42} {small:9.4f}s {large:9.4f}s {ratio:7.2f}  {verdict}")
    print(f"worst ratio {worst:.2f} (linear is about 4, quadratic about 16)")
    if "--json" in sys.argv:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
