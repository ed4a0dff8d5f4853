#!/usr/bin/env python3
"""Peak memory of a whole run against the size of its largest example body.

Generates a folder holding one descriptor whose example response is a JSON body of 5, 20 and
50 MB (an array of small objects, as a large list endpoint answers), runs `apidocgen` on it
in a child process and prints the child's peak resident memory beside the body size. The
first row is a run over a tiny body: the fixed base every run pays (interpreter, imports).
The goal is a peak within about ten times the body plus that base.

usage: bench/bench_memory.py [MB ...]   (default: 5 20 50)
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


def body_of(size: int) -> str:
    """A JSON array of objects, `size` bytes long (padded with spaces)."""
    item = json.dumps({"id": 123456, "name": "widget", "tags": ["a", "b"], "active": True})
    count = max(1, (size - 2) // (len(item) + 1))
    text = "[" + ",".join([item] * count) + "]"
    return text + " " * max(0, size - len(text))


def run_once(work: Path, size: int) -> tuple[float, float]:
    """(peak MB, seconds) of one generation over a body of `size` bytes."""
    source = work / "in"
    source.mkdir(parents=True)
    descriptor = {
        "api_path": "/api/widgets/",
        "method": "GET",
        "title": "List Widgets",
        "example_request": "GET /api/widgets/ HTTP/1.1\nHost: api.example.com",
        "example_response": "HTTP/1.1 200 OK\nContent-Type: application/json\n\n" + body_of(size),
    }
    (source / "list-widgets.md").write_text("---\n" + json.dumps(descriptor) + "\n---\n")
    limit = 4 * size + MB
    (work / "pyproject.toml").write_text(
        f"[tool.apidocgen]\nmax_descriptor_bytes = {limit}\nmax_body_bytes = {limit}\n"
    )
    command = [sys.executable, "-m", "apidocgen", "--input", "in", "--output", "out", "-q"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"apidocgen failed: {done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of them all: each size runs in a fresh process
    # after smaller ones, so the figure is this run's unless an earlier one was larger.
    return max(peak, before) / 1024, seconds


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [5, 20, 50]
    print(f"{'body':>8} {'peak RSS':>10} {'peak - base':>12} {'x body':>8} {'seconds':>8}")
    with tempfile.TemporaryDirectory(prefix="apidocgen-memory-") as tmp:
        base, seconds = run_once(Path(tmp) / "base", 1024)
        print(f"{'1 KB':>8} {base:9.0f}M {'':>12} {'':>8} {seconds:8.2f}")
        for megabytes in sorted(sizes):
            peak, seconds = run_once(Path(tmp) / f"b{megabytes}", megabytes * MB)
            ratio = (peak - base) / megabytes
            print(f"{megabytes:>6}MB {peak:9.0f}M {peak - base:11.0f}M {ratio:8.1f} {seconds:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
