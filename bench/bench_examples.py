#!/usr/bin/env python3
"""What a second example per operation teaches inference, on GitHub's API.

github-dev's descriptors carry one example each. The same operations one major version
earlier (github-dev-v22) were captured separately: where an operation's earlier example
differs, it is added to the operation's descriptor as a further example (`examples`), in a
temporary copy. `../shared/tools/fidelity.py` then scores the inferred schemas against
github-dev's declared ones (`truth/`, never read by the generator), with one example and
with two, on the same operations. Last, inference time over 1, 2 and 4 copies of every body
(each copy a different example of its operation), to show it grows linearly.

usage: bench/bench_examples.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apidocgen.capture.front_matter import add_examples  # noqa: E402
from apidocgen.config import Config  # noqa: E402
from apidocgen.infer import infer_schemas  # noqa: E402
from apidocgen.paths import route_key  # noqa: E402
from apidocgen.pipeline import collect_samples, parse_input, run  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpus"
FIDELITY = ROOT.parent / "shared" / "tools" / "fidelity.py"
FIGURES = ("valid", "type_agree", "opt_recall", "null_recall", "over_opt", "over_null", "variants")


def main() -> int:
    new, old = CORPORA / "github-dev", CORPORA / "github-dev-v22"
    if not (new / "truth").is_dir() or not (old / "api-docs").is_dir() or not FIDELITY.exists():
        print("skipped: the github-dev corpora or the fidelity tool are absent")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        one, two = work / "one", work / "two"
        sources = _with_earlier_examples(old / "api-docs", new / "api-docs", two / "api-docs")
        for source in sources:
            target = one / "api-docs" / source
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(new / "api-docs" / source, target)
        for corpus in (one, two):
            for source in sources:
                truth = Path(source).with_suffix(".schema.json")
                if (new / "truth" / truth).exists():
                    (corpus / "truth" / truth).parent.mkdir(parents=True, exist_ok=True)
                    (corpus / "truth" / truth).symlink_to(new / "truth" / truth)
        print(
            f"{len(sources)} operations whose 22.0.0 example differs get it as a second example;"
            " figures on those operations:"
        )
        rows = {}
        for label, corpus in (("one example", one), ("two examples", two)):
            out = work / label.replace(" ", "-")
            result = run(Config(input=corpus / "api-docs", output=out, package="github_api"))
            out.mkdir(parents=True, exist_ok=True)
            (out / "openapi.json").write_text(result.files["openapi.json"], "utf-8")
            done = subprocess.run(
                [sys.executable, str(FIDELITY), str(corpus), str(out / "openapi.json"), "--json"],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                print(done.stderr[-2000:])
                return 1
            rows[label] = json.loads(done.stdout)
        print(f"{'':14}" + "".join(f"{name:>12}" for name in FIGURES))
        for label, figures in rows.items():
            overall = figures.get("overall", figures)
            print(f"{label:14}" + "".join(f"{_figure(overall, n):>12}" for n in FIGURES))
    _linear()
    return 0


def _figure(figures: dict[str, object], name: str) -> str:
    value = figures.get(name)
    return f"{value:.2f}" if isinstance(value, int | float) else str(value)


def _with_earlier_examples(old: Path, new: Path, out: Path) -> list[str]:
    """Copy into `out` each descriptor of `new` whose operation's example in `old` differs,
    with that example added; the descriptors' paths (relative)."""
    _, old_endpoints, _ = parse_input(Config(input=old))
    earlier = {
        (e.descriptor.method, route_key(e.descriptor.api_path or "")): e.descriptor
        for e in old_endpoints
    }
    _, endpoints, _ = parse_input(Config(input=new))
    sources = []
    for endpoint in endpoints:
        d = endpoint.descriptor
        before = earlier.get((d.method, route_key(d.api_path or "")))
        if before is None or before.example_response.strip() == d.example_response.strip():
            continue
        item = {
            "name": "22.0.0",
            "request": before.example_request,
            "response": before.example_response,
        }
        edited = add_examples((new / d.source).read_text("utf-8"), [item])
        if edited is not None:
            target = out / d.source
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(edited, "utf-8")
            sources.append(d.source)
    return sources


def _linear() -> None:
    samples, _ = collect_samples(Config(input=CORPORA / "github-dev" / "api-docs"))
    print("inference time by examples per body (fastest of 3):")
    base = None
    for copies in (1, 2, 4):
        many = [s for s in samples for _ in range(copies)]
        best = min(_timed(many) for _ in range(3))
        base = base or best
        print(f"  x{copies}: {len(many):5} bodies {best:6.2f} s  ({best / base:.2f} of x1)")


def _timed(samples: list[object]) -> float:
    started = time.perf_counter()
    infer_schemas(samples)  # type: ignore[arg-type]
    return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
