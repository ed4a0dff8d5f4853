#!/usr/bin/env python3
"""Benchmark of the whole generator on a corpus: speed and memory, with a peer for scale.

usage: python bench/run.py [CORPUS_API_DOCS] [--scale N] [--skip-scale]

Prints, for the corpus (default ../shared/corpus/github-dev/api-docs):
  cold      a full generation into an empty folder (pages, openapi.json, models, client),
            per-stage seconds, wall time and peak RSS (the process and its children)
  noop      a re-run with nothing changed
  edit      a re-run after one descriptor's description was edited
  dmcg      datamodel-code-generator alone on our openapi.json
            (--input-file-type openapi --formatters builtin), for the ratio
  scale     the corpus copied N times (default 10) under renamed sections and paths:
            cold wall time, and its ratio to the single corpus

Each figure comes from a fresh process. Targets (issue: CI and daily use) on the GitHub dev
corpus, on a 2-core machine: cold <= 3 s, noop <= 0.5 s, edit <= 1 s, peak RSS <= 400 MB,
scale x10 <= 11 x cold.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "github-dev" / "api-docs"

# Runs the CLI in this process and reports the peak RSS of it and its children.
_WRAPPER = """
import json, resource, sys, time
from apidocgen.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
wall = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "wall": wall, "rss_mb": max(own, children) / 1024}), file=sys.stderr)
"""


def run_generator(source: Path, out: Path) -> dict[str, object]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, "--input", str(source), "--output", str(out), "-v"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    if report["code"] != 0:
        sys.exit(f"generator failed:\n{proc.stderr}")
    stages = dict(re.findall(r"^  (\w+)\s+([\d.]+) s$", proc.stdout, re.M))
    report["process"] = elapsed
    report["stages"] = {k: float(v) for k, v in stages.items()}
    return report


def show(name: str, report: dict[str, object], target: str = "") -> None:
    stages = " ".join(f"{k}={v:.3f}" for k, v in report.get("stages", {}).items())  # type: ignore[union-attr]
    print(
        f"{name:<6} wall {report['wall']:.2f} s (process {report['process']:.2f} s)"
        f" peak RSS {report['rss_mb']:.0f} MB  {stages}  {target}"
    )


def edit_one_description(source: Path) -> None:
    for path in sorted(source.rglob("*.md")):
        text = path.read_text("utf-8")
        if '"description": "' in text:
            path.write_text(
                text.replace('"description": "', '"description": "Edited. ', 1), "utf-8"
            )
            return


def scaled_copy(source: Path, target: Path, times: int) -> int:
    """Copy every descriptor `times` times under renamed sections and paths."""
    count = 0
    for n in range(times):
        for path in sorted(source.rglob("*.md")):
            rel = path.relative_to(source)
            text = path.read_text("utf-8")
            head, sep, rest = text.partition("\n---\n")
            lines = head.split("\n")
            body = "\n".join(line for line in lines[1:] if not line.startswith("#"))
            try:
                data = json.loads(body)
            except ValueError:
                continue
            if isinstance(data.get("api_path"), str):
                data["api_path"] = f"/copy{n}{data['api_path']}"
            request = data.get("example_request") or ""
            data["example_request"] = re.sub(r"^(\w+ )/", rf"\g<1>/copy{n}/", request, count=1)
            dest = target / f"{rel.parts[0]}-copy{n}" / Path(*rel.parts[1:])
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text("---\n" + json.dumps(data, indent=2) + "\n---\n" + rest, "utf-8")
            count += 1
    return count


def run_dmcg(openapi: Path, out: Path) -> float:
    exe = Path(sys.executable).with_name("datamodel-codegen")
    started = time.perf_counter()
    proc = subprocess.run(
        [
            str(exe),
            "--input",
            str(openapi),
            "--input-file-type",
            "openapi",
            "--output",
            str(out),
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--target-python-version",
            "3.10",
            "--formatters",
            "builtin",
            "--disable-timestamp",
        ],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        print(f"dmcg failed: {proc.stderr[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="apidocgen-bench-"))
    try:
        source = work / "in"
        shutil.copytree(args.corpus, source)
        out = work / "out"
        cold = run_generator(source, out)
        show("cold", cold, "(target <= 3 s, <= 400 MB)")
        noop = run_generator(source, out)
        show("noop", noop, "(target <= 0.5 s)")
        edit_one_description(source)
        edit = run_generator(source, out)
        show("edit", edit, "(target <= 1 s)")
        dmcg = run_dmcg(out / "openapi.json", work / "dmcg_models.py")
        print(
            f"dmcg   {dmcg:.2f} s for datamodel-code-generator alone on our openapi.json;"
            f" our cold run is {cold['wall'] / dmcg:.2f} x that"
        )  # type: ignore[operator]
        if not args.skip_scale:
            big = work / "big"
            count = scaled_copy(args.corpus, big, args.scale)
            scaled = run_generator(big, work / "big-out")
            show(f"x{args.scale}", scaled, f"({count} descriptors)")
            ratio = scaled["wall"] / cold["wall"]  # type: ignore[operator]
            print(
                f"scale  x{args.scale} corpus took {ratio:.1f} x the single corpus (target <= {args.scale * 1.1:.0f} x)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
