"""Benchmark and score the inference stage on a corpus folder.

usage: .venv/bin/python bench/bench_infer.py [CORPUS_DIR] [--out OPENAPI_JSON] [--repeat N]

Loads the descriptors, builds one `BodySample` per structured example body (responses with a
status below 400, and request bodies), times `infer_schemas`, wraps the roots in a minimal
OpenAPI 3.1 document and, when the corpus has `truth/` files, runs the shared fidelity scorer
on it. It also counts components against the distinct object `title`s of the truth files.
Prints figures; it never asserts on time.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apidocgen.config import Config  # noqa: E402
from apidocgen.infer import BodySample, InferenceResult, infer_schemas  # noqa: E402
from apidocgen.pipeline import collect_samples  # noqa: E402

SHARED = ROOT.parent / "shared"


def build_samples(corpus: Path) -> tuple[list[BodySample], dict[str, tuple[str, str, int]]]:
    """The samples a run infers from, and where each response sample belongs in a document."""
    folder = corpus / "api-docs" if (corpus / "api-docs").is_dir() else corpus
    samples, _ = collect_samples(Config(input=folder, output=Path("unused")))
    where = {s.key: (s.api_path, s.method.lower(), 200) for s in samples if s.role == "response"}
    return samples, where


def openapi_document(
    result: InferenceResult, where: dict[str, tuple[str, str, int]]
) -> dict[str, Any]:
    """A minimal OpenAPI 3.1 document holding the response roots, for the fidelity scorer."""
    paths: dict[str, Any] = {}
    for key, (api_path, method, status) in sorted(where.items()):
        paths.setdefault(api_path, {})[method] = {
            "responses": {
                str(status): {
                    "description": "",
                    "content": {"application/json": {"schema": result.roots[key]}},
                }
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "bench", "version": "0"},
        "paths": paths,
        "components": {"schemas": result.components},
    }


def truth_titles(corpus: Path) -> set[str]:
    """Distinct `title`s of object schemas in the truth files (the declared named shapes)."""
    titles: set[str] = set()
    for name in glob.glob(str(corpus / "truth" / "**" / "*.schema.json"), recursive=True):
        stack: list[Any] = [json.loads(Path(name).read_text(encoding="utf-8"))]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("title"), str) and (
                    node.get("type") == "object" or "properties" in node
                ):
                    titles.add(node["title"])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return titles


def response_components(
    result: InferenceResult, where: dict[str, tuple[str, str, int]]
) -> set[str]:
    """Components reachable from the response roots (request bodies are not in the truth)."""
    seen: set[str] = set()
    pending: list[Any] = [result.roots[key] for key in where]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    pending.append(result.components[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return seen


def synthetic() -> None:
    """Time inference on big synthetic bodies (no truth; figures only)."""
    cases = {
        "100k small objects": [
            {"id": n, "name": f"n{n}", "tags": ["a"], "at": None} for n in range(100_000)
        ],
        "1M integers": list(range(1_000_000)),
        "100k URL strings": [f"https://example.com/{n}" for n in range(100_000)],
        "64-deep nesting x 1000": [_deep(64) for _ in range(1000)],
    }
    for label, value in cases.items():
        item = BodySample("big.response", "response", value, "big", "Get big", "/big", "GET", "big")
        started = time.perf_counter()
        infer_schemas([item])
        print(f"synthetic {label}: {time.perf_counter() - started:.3f} s")


def _deep(levels: int) -> Any:
    value: Any = "leaf"
    for n in range(levels):
        value = {"next": value, "n": n} if n % 2 else [value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(SHARED / "corpus" / "github-dev"))
    parser.add_argument("--out", default=None, help="where to write the OpenAPI document")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--synthetic", action="store_true", help="also time big synthetic bodies")
    args = parser.parse_args()
    corpus = Path(args.corpus)

    started = time.perf_counter()
    samples, where = build_samples(corpus)
    print(f"loaded {len(samples)} samples in {time.perf_counter() - started:.2f} s")

    times = []
    result = InferenceResult()
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        result = infer_schemas(samples)
        times.append(time.perf_counter() - started)
    print(
        f"inference: best {min(times):.3f} s, median {statistics.median(times):.3f} s"
        f" over {len(times)} runs; {len(result.components)} components"
    )
    digits = [n for n in result.components if n[-1:].isdigit()]
    print(f"component names ending in a digit: {len(digits)} {digits[:5]}")

    out = args.out or os.path.join(tempfile.mkdtemp(), "openapi.json")
    Path(out).write_text(json.dumps(openapi_document(result, where), indent=1, sort_keys=True))
    print(f"wrote {out}")
    if (corpus / "truth").is_dir():
        titles = truth_titles(corpus)
        reachable = response_components(result, where)
        print(
            f"components: {len(result.components)} ({len(reachable)} used by responses);"
            f" distinct truth object titles: {len(titles)}"
        )
        scorer = SHARED / "tools" / "fidelity.py"
        subprocess.run([sys.executable, str(scorer), str(corpus), out], check=False)
    if args.synthetic:
        synthetic()


if __name__ == "__main__":
    main()
