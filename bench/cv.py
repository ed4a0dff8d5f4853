"""Cross-validated fidelity and naming: held-out figures per fold, their mean and worst fold.

usage: .venv/bin/python bench/cv.py [CORPUS_DIR] [--folds 5] [--quicktype BIN]
           [--cache DIR] [--choose] [--set NAME=VALUE ...] [--json FILE]

The corpus's tags are dealt into folds (largest tag first, to the fold with the fewest
operations, so folds are balanced and every tag stays whole). For each fold, a temporary folder
of symlinks holds that fold's descriptors and truth only; the generator's inference runs on it
alone and the shared `fidelity.py` and `naming_quality.py` score it against that fold's truth,
beside GenSON and quicktype run on the same folder. Nothing of the corpus is copied.

`--choose` also chooses the thresholds (`apidocgen.infer.Thresholds`) the honest way: for each
fold, every candidate in `CANDIDATES` is tried on the other folds together (one parameter at a
time, keeping the best so far) and the winner is scored on the held-out fold. It prints what
each fold chose, so the defaults can be checked against them. Figures from the folds a choice
was made on are never reported.

quicktype (npm `quicktype`) runs when `--quicktype` names it or it is on PATH; its documents are
kept in `--cache` (default: the system temporary folder), keyed by the fold's tags.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_infer import SHARED, openapi_document  # noqa: E402

from apidocgen.config import Config  # noqa: E402
from apidocgen.infer import BodySample, Thresholds, infer_schemas  # noqa: E402
from apidocgen.model.endpoints import body_samples  # noqa: E402
from apidocgen.pipeline import parse_input  # noqa: E402

FIDELITY = ("valid", "type_agree", "fmt_recall", "fmt_prec", "null_recall", "opt_recall")
FIDELITY_LOW = ("over_null", "over_opt")  # lower is better
NAMING = ("name_agree", "purity")
NAMING_LOW = ("split", "numbered")
FIGURES = FIDELITY + FIDELITY_LOW + NAMING + NAMING_LOW
LOWER_IS_BETTER = frozenset(FIDELITY_LOW + NAMING_LOW)

# The values `--choose` tries for each threshold, one parameter at a time, in this order.
CANDIDATES: dict[str, tuple[Any, ...]] = {
    "same_name_jaccard": (0.5, 0.6, 0.7),
    "subset_share": (0.5, 0.6, 0.7),
    "strong_min_keys": (2, 3, 4),
    "any_name_jaccard": (0.7, 0.8, 0.9),
    "any_name_min_keys": (4, 6, 8),
    "resource_overlap": (0.2, 0.3, 0.4),
    "stable_min": (2, 3, 4),
    "unalike_share": (0.05, 0.1, 0.2),
    "named_unalike_share": (0.2, 0.3, 0.4),
}


def tag_sizes(corpus: Path) -> dict[str, int]:
    """Operations (descriptor files) per tag."""
    docs = corpus / "api-docs"
    return {
        tag.name: sum(1 for _ in tag.glob("*.md")) for tag in sorted(docs.iterdir()) if tag.is_dir()
    }


def make_folds(corpus: Path, count: int) -> list[list[str]]:
    """Tags dealt into `count` folds: largest first, each to the fold with fewest operations."""
    folds: list[list[str]] = [[] for _ in range(count)]
    load = [0] * count
    for tag, size in sorted(tag_sizes(corpus).items(), key=lambda item: (-item[1], item[0])):
        target = min(range(count), key=lambda n: (load[n], n))
        folds[target].append(tag)
        load[target] += size
    return [sorted(fold) for fold in folds]


class Corpus:
    """The corpus loaded once; the inference samples of any set of its tags."""

    def __init__(self, corpus: Path) -> None:
        loaded, self.endpoints, _ = parse_input(Config(input=corpus / "api-docs", output=Path("-")))
        self.sections = loaded.sections

    def samples(self, tags: Sequence[str]) -> tuple[list[BodySample], dict[str, Any]]:
        """The samples of `tags`' descriptors only, as a run on them alone would gather them,
        and where each response belongs in a document."""
        wanted = set(tags)
        endpoints = [e for e in self.endpoints if e.descriptor.source.split("/")[0] in wanted]
        samples = body_samples(endpoints, self.sections)
        where = {
            s.key: (s.api_path, s.method.lower(), 200) for s in samples if s.role == "response"
        }
        return samples, where


def fold_folder(corpus: Path, tags: Sequence[str], root: Path) -> Path:
    """A folder of symlinks holding only `tags`' descriptors and truth, for the scorers (the
    generator reads descriptors from real folders only: see `Corpus`)."""
    name = hashlib.sha256(",".join(sorted(tags)).encode()).hexdigest()[:12]
    folder = root / name
    if folder.is_dir():
        return folder
    for part in ("api-docs", "truth"):
        (folder / part).mkdir(parents=True, exist_ok=True)
        for tag in tags:
            source = corpus / part / tag
            if source.is_dir():
                (folder / part / tag).symlink_to(source.resolve(), target_is_directory=True)
    return folder


def infer_document(corpus: Corpus, tags: Sequence[str], thresholds: Thresholds, out: Path) -> Path:
    """apidocgen's inferred OpenAPI document for `tags`' descriptors."""
    samples, where = corpus.samples(tags)
    result = infer_schemas(samples, thresholds)
    out.write_text(json.dumps(openapi_document(result, where)))
    return out


def score(folder: Path, document: Path) -> dict[str, float]:
    """Fidelity and naming figures of one document against `folder`'s truth."""
    tools = SHARED / "tools"
    fidelity = subprocess.run(
        [sys.executable, str(tools / "fidelity.py"), str(folder), str(document), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    naming = subprocess.run(
        [sys.executable, str(tools / "naming_quality.py"), str(folder), str(document), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(fidelity.stdout)
    named = json.loads(naming.stdout)
    figures.update({key: named[key] for key in ("positions", *NAMING, "split")})
    spec = json.loads(document.read_text())
    names = spec.get("components", {}).get("schemas", {})
    figures["numbered"] = sum(1 for name in names if any(ch.isdigit() for ch in name))
    return figures


def objective(figures: dict[str, float]) -> float:
    """What `--choose` maximises: recall of optional and nullable, names and purity, with the
    issue's bounds as steep penalties (over_opt 5, over_null 3, split 1.10, type_agree 99.5,
    valid 100) and each wrong claim costing what a right one gains."""
    gain = (
        figures["opt_recall"]
        + figures["null_recall"]
        + figures["name_agree"]
        + figures["purity"]
        - figures["over_opt"]
        - figures["over_null"]
    )
    penalty = (
        10 * max(0.0, figures["over_opt"] - 5)
        + 10 * max(0.0, figures["over_null"] - 3)
        + 100 * max(0.0, figures["split"] - 1.10)
        + 10 * max(0.0, 99.5 - figures["type_agree"])
        + 10 * (100 - figures["valid"])
    )
    return gain - penalty


def baseline(kind: str, folder: Path, cache: Path, quicktype: str | None) -> Path | None:
    """The GenSON or quicktype document for `folder` (quicktype's cached by its tags)."""
    tools = SHARED / "tools"
    cache.mkdir(parents=True, exist_ok=True)
    out = cache / f"{kind}-{folder.name}.json"
    if out.exists():
        return out
    if kind == "genson":
        command = [sys.executable, str(tools / "genson_baseline.py"), str(folder), str(out)]
    elif quicktype:
        command = [sys.executable, str(tools / "quicktype_baseline.py"), str(folder), str(out)]
        command.append(quicktype)
    else:
        return None
    subprocess.run(command, check=True, capture_output=True)
    return out


Evaluate = Callable[[Sequence[str], Thresholds, Path], dict[str, float]]


def choose(train: Sequence[str], work: Path, evaluate: Evaluate) -> tuple[Thresholds, float]:
    """Coordinate search over `CANDIDATES` on the training folder: the best thresholds found."""
    best = Thresholds()
    best_value = objective(evaluate(train, best, work / "train.json"))
    for name, values in CANDIDATES.items():
        for value in values:
            if getattr(best, name) == value:
                continue
            trial = best.with_values(**{name: value})
            trial_value = objective(evaluate(train, trial, work / "train.json"))
            if trial_value > best_value + 1e-9:
                best, best_value = trial, trial_value
    return best, best_value


def summary_rows(per_fold: dict[str, list[dict[str, float]]]) -> list[tuple[str, dict[str, float]]]:
    """Per tool: the mean and the worst fold of each figure."""
    rows = []
    for tool, folds in per_fold.items():
        mean = {f: round(sum(x[f] for x in folds) / len(folds), 2) for f in FIGURES}
        worst = {f: (max if f in LOWER_IS_BETTER else min)(x[f] for x in folds) for f in FIGURES}
        rows += [(f"{tool} mean", mean), (f"{tool} worst", worst)]
    return rows


def print_table(rows: Sequence[tuple[str, dict[str, float]]]) -> None:
    print(f"{'':<22}" + "".join(f"{name:>11}" for name in FIGURES))
    for label, figures in rows:
        print(
            f"{label:<22}" + "".join(f"{figures.get(name, float('nan')):>11}" for name in FIGURES)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(SHARED / "corpus" / "github-dev"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quicktype", default=shutil.which("quicktype"))
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "apidocgen-cv"))
    parser.add_argument("--choose", action="store_true", help="choose thresholds per fold")
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE threshold")
    parser.add_argument("--json", help="also write every figure to this file")
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    cache = Path(args.cache)
    work = Path(tempfile.mkdtemp(prefix="apidocgen-cv-"))
    links = work / "folds"
    fixed = Thresholds().with_values(**dict(_parse_setting(text) for text in args.set))

    loaded = Corpus(corpus)

    def evaluate(tags: Sequence[str], thresholds: Thresholds, out: Path) -> dict[str, float]:
        folder = fold_folder(corpus, tags, links)
        return score(folder, infer_document(loaded, tags, thresholds, out))

    folds = make_folds(corpus, args.folds)
    per_fold: dict[str, list[dict[str, float]]] = {"apidocgen": [], "genson": []}
    if args.quicktype:
        per_fold["quicktype"] = []
    rows: list[tuple[str, dict[str, float]]] = []
    chosen: list[dict[str, Any]] = []
    for number, tags in enumerate(folds):
        held_out = fold_folder(corpus, tags, links)
        thresholds = fixed
        if args.choose:
            train_tags = [tag for n, fold in enumerate(folds) if n != number for tag in fold]
            thresholds, _ = choose(train_tags, work, evaluate)
            changed = {
                name: getattr(thresholds, name)
                for name in CANDIDATES
                if getattr(thresholds, name) != getattr(Thresholds(), name)
            }
            chosen.append(changed)
            print(f"fold {number + 1} chose {changed or 'the defaults'}", flush=True)
        ours = evaluate(tags, thresholds, work / f"fold{number}.json")
        with ThreadPoolExecutor(2) as pool:
            documents = {
                kind: pool.submit(baseline, kind, held_out, cache, args.quicktype)
                for kind in per_fold
                if kind != "apidocgen"
            }
            others = {kind: future.result() for kind, future in documents.items()}
        per_fold["apidocgen"].append(ours)
        rows.append((f"fold {number + 1} apidocgen", ours))
        for kind, document in others.items():
            if document is not None:
                figures = score(held_out, document)
                per_fold[kind].append(figures)
                rows.append((f"fold {number + 1} {kind}", figures))
    print(f"folds by tag ({args.folds}):")
    for number, tags in enumerate(folds):
        print(f"  fold {number + 1}: {', '.join(tags)}")
    print_table(rows + summary_rows(per_fold))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"folds": folds, "per_fold": per_fold, "chosen": chosen}, indent=1)
        )
    shutil.rmtree(work, ignore_errors=True)


def _parse_setting(text: str) -> tuple[str, Any]:
    name, _, value = text.partition("=")
    default = getattr(Thresholds(), name)
    if isinstance(default, bool):
        return name, value.lower() in ("1", "true", "yes")
    return name, type(default)(value)


if __name__ == "__main__":
    main()
