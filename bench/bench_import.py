"""Import time of the client package generated from the GitHub dev corpus (target: < 0.5 s).

usage: .venv/bin/python bench/bench_import.py [CORPUS_API_DOCS] [--runs N] [--keep DIR]

Generates the package into a temporary folder (or DIR), then imports it in fresh interpreters:
the first run compiles the bytecode (cold), the others reuse it (warm, reported as median and
best). It also times the first use of the models (`import <package>.models`, which the client
does on its first call) and creating a client and touching one section. Prints figures; it
never asserts on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apidocgen.config import Config  # noqa: E402
from apidocgen.pipeline import run  # noqa: E402
from apidocgen.write import write_output  # noqa: E402

PACKAGE = "github_dev_api"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "github-dev" / "api-docs"

PROBE = """
import sys, time
started = time.perf_counter()
import {package}
imported = time.perf_counter()
client = {package}.Client(base_url="http://127.0.0.1:9", token="t")
section = getattr(client, sys.argv[1])
ready = time.perf_counter()
import {package}.models
models = time.perf_counter()
print(imported - started, ready - imported, models - ready)
"""


def measure(python_dir: Path, section: str) -> tuple[float, float, float]:
    """(import, client + one section, models) seconds in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(python_dir), PYTHONDONTWRITEBYTECODE="")
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(package=PACKAGE), section],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    first, second, third = (float(x) for x in done.stdout.split())
    return first, second, third


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or Path(scratch) / "out"
        started = time.perf_counter()
        result = run(Config(input=args.corpus, output=out, package=PACKAGE, title="GitHub"))
        if result.failed or result.openapi is None:
            print("generation failed", file=sys.stderr)
            return 1
        write_output(out, result.files)
        generated = time.perf_counter() - started
        python_dir = out / "python"
        resources = sorted((python_dir / PACKAGE / "_resources").glob("[!_]*.py"))
        section = resources[0].stem if resources else "api"
        lines = sum(p.read_text("utf-8").count("\n") for p in python_dir.rglob("*.py"))
        print(
            f"generated {len(result.openapi['paths'])} paths, {lines} lines of Python in {generated:.2f} s"
        )
        cold = measure(python_dir, section)
        warm = [measure(python_dir, section) for _ in range(max(1, args.runs))]
        imports = [w[0] for w in warm]
        rows = [
            (f"import {PACKAGE}, cold (compiles bytecode)", f"{cold[0]:.3f} s"),
            (
                f"import {PACKAGE}, warm ({len(warm)} runs)",
                f"median {statistics.median(imports):.3f} s, best {min(imports):.3f} s (target < 0.5 s)",
            ),
            (
                f"Client() + client.{section}",
                f"median {statistics.median(w[1] for w in warm):.3f} s",
            ),
            (
                f"import {PACKAGE}.models (first call)",
                f"median {statistics.median(w[2] for w in warm):.3f} s",
            ),
        ]
        width = max(len(label) for label, _ in rows)
        for label, figure in rows:
            print(f"{label:<{width}}  {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
