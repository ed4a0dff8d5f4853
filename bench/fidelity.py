"""Compare schema-inference fidelity: apidocgen against the GenSON and quicktype peers.

usage: .venv/bin/python bench/fidelity.py [CORPUS_DIR] [--quicktype BIN | --quicktype-json FILE]
           [--openapi FILE]

Scores, with the shared `fidelity.py`, an OpenAPI document built by `bench_infer` from this
checkout's inference (or `--openapi`, e.g. the real `OUT/openapi.json` of `generate.py`), the
GenSON baseline, and quicktype when given (running it takes minutes; `--quicktype-json` reuses
a document it wrote before). Prints one line of figures per tool. For held-out figures per
tag fold (mean and worst fold), run `bench/cv.py`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_infer import SHARED, build_samples, openapi_document  # noqa: E402

from apidocgen.infer import infer_schemas  # noqa: E402

FIGURES = (
    "valid",
    "type_agree",
    "fmt_recall",
    "fmt_prec",
    "null_recall",
    "opt_recall",
    "over_null",
    "over_opt",
    "variants",
)


def score(corpus: Path, document: Path) -> dict[str, float]:
    """The fidelity figures of one OpenAPI document."""
    scorer = SHARED / "tools" / "fidelity.py"
    run = subprocess.run(
        [sys.executable, str(scorer), str(corpus), str(document), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(run.stdout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(SHARED / "corpus" / "github-dev"))
    parser.add_argument("--quicktype", help="path to the quicktype executable")
    parser.add_argument("--quicktype-json", help="a quicktype baseline document written before")
    parser.add_argument("--openapi", help="score this document as apidocgen's instead")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    work = Path(tempfile.mkdtemp())
    documents: dict[str, Path] = {}

    if args.openapi:
        documents["apidocgen"] = Path(args.openapi)
    else:
        samples, where = build_samples(corpus)
        ours = work / "apidocgen.json"
        ours.write_text(json.dumps(openapi_document(infer_schemas(samples), where)))
        documents["apidocgen"] = ours

    genson = work / "genson.json"
    baseline = SHARED / "tools" / "genson_baseline.py"
    subprocess.run([sys.executable, str(baseline), str(corpus), str(genson)], check=True)
    documents["genson"] = genson

    if args.quicktype_json:
        documents["quicktype"] = Path(args.quicktype_json)
    elif args.quicktype:
        quicktype = work / "quicktype.json"
        baseline = SHARED / "tools" / "quicktype_baseline.py"
        subprocess.run(
            [sys.executable, str(baseline), str(corpus), str(quicktype), args.quicktype], check=True
        )
        documents["quicktype"] = quicktype

    print(f"{'tool':<10} " + " ".join(f"{name:>11}" for name in FIGURES))
    for tool, document in documents.items():
        figures = score(corpus, document)
        print(f"{tool:<10} " + " ".join(f"{figures[name]:>11}" for name in FIGURES))


if __name__ == "__main__":
    main()
