#!/usr/bin/env python3
"""The generated client against responses that differ from its examples, in both modes.

Generates the client of a corpus with an answer key (default: github-dev), then:

1. runs `../shared/tools/client_robustness.py` on it: one-field variants of each example (an
   optional property left out, a nullable value set to null, as GitHub's declared schemas
   allow) served to the generated method; `accepted` is the share of calls that return (the
   default, lenient mode), `kept` the share whose untouched fields come back unchanged;
2. calls the same variants with `strict=True` and compares each outcome with what the
   inferred schema (openapi.json) admits: strict mode must reject exactly the variants the
   inferred schema does not admit.

usage: bench/bench_robustness.py [CORPUS_DIR] [--per-op N]
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT.parent / "shared" / "tools"
sys.path.insert(0, str(ROOT))


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = Path(args[0]) if args else ROOT.parent / "shared" / "corpus" / "github-dev"
    per_op = int(sys.argv[sys.argv.index("--per-op") + 1]) if "--per-op" in sys.argv else 40
    if not (TOOLS / "client_robustness.py").is_file() or not (corpus / "truth").is_dir():
        print(f"needs {TOOLS}/client_robustness.py and a corpus with truth/: {corpus}")
        return 2
    from apidocgen.config import Config
    from apidocgen.pipeline import run
    from apidocgen.write import write_output

    package = "robustness_api"
    with tempfile.TemporaryDirectory(prefix="apidocgen-robustness-") as tmp:
        out = Path(tmp) / "out"
        result = run(Config(input=corpus / "api-docs", output=out, package=package))
        if result.failed:
            print("the corpus has errors")
            return 1
        write_output(out, result.files)
        env = dict(os.environ, PYTHONPATH=str(out / "python"), PYTHONWARNINGS="ignore")
        tool = [sys.executable, str(TOOLS / "client_robustness.py"), str(corpus), str(out)]
        done = subprocess.run(
            [*tool, package, "--per-op", str(per_op)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        print("lenient (default):", done.stdout.strip().splitlines()[-1] if done.stdout else "")
        if done.returncode != 0:
            print(done.stderr[-2000:])
            return 1
        sys.path.insert(0, str(out / "python"))
        print("strict:", strict_agreement(corpus, out, package, per_op))
    return 0


def strict_agreement(corpus: Path, out: Path, package: str, per_op: int) -> str:
    """Share of variants where strict mode and the inferred schema agree."""
    import warnings

    import httpx
    import jsonschema

    warnings.simplefilter("ignore")
    sys.path.insert(0, str(TOOLS))
    robustness = importlib.import_module("client_robustness")
    fidelity = importlib.import_module("fidelity")
    module = importlib.import_module(package)
    document = json.loads((out / "openapi.json").read_text(encoding="utf-8"))
    index = robustness.method_index(module)
    rng = random.Random(20261201)
    counts = {"admitted": 0, "admitted_accepted": 0, "refused": 0, "refused_rejected": 0}
    # Accepted although the inferred schema refuses them, by the models' design: a field only
    # ever seen as null left out (such fields are optional), or null in an optional field
    # (an optional field is `X | None = None` in Python, so null passes).
    by_design = {"null-only field left out": 0, "null in an optional field": 0}
    for truth_file in sorted((corpus / "truth").glob("*/*.schema.json")):
        rel = truth_file.relative_to(corpus / "truth").as_posix()[: -len(".schema.json")]
        descriptor = fidelity.load_desc(str(corpus / "api-docs" / f"{rel}.md"))
        head = (descriptor.get("example_response") or "").split("\n", 1)[0]
        status = re.match(r"HTTP/\S+ (2\d\d)", head)
        key = (descriptor["method"].upper(), descriptor["api_path"])
        if status is None or key not in index:
            continue
        try:
            value = json.loads(fidelity.body_of(descriptor["example_response"]))
        except ValueError:
            continue
        operation = document["paths"][descriptor["api_path"]][descriptor["method"].lower()]
        content = operation["responses"].get(status.group(1), {}).get("content", {})
        schema = next((c["schema"] for c in content.values() if "schema" in c), None)
        if schema is None:
            continue
        validator = jsonschema.Draft202012Validator(
            {**schema, "components": document["components"]}
        )
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        variants = sorted(
            set(robustness.mutations(value, [truth], fidelity.Resolver(truth))), key=repr
        )
        rng.shuffle(variants)
        group, method = index[key]
        for path, kind in variants[:per_op]:
            body = robustness.apply(value, path, kind)
            admitted = validator.is_valid(body)
            accepted = _call(module, httpx, group, method, int(status.group(1)), body)
            counts["admitted" if admitted else "refused"] += 1
            if admitted and accepted:
                counts["admitted_accepted"] += 1
            if not admitted and not accepted:
                counts["refused_rejected"] += 1
            elif not admitted and kind == "drop" and _null_only(validator, value, path):
                by_design["null-only field left out"] += 1
            elif not admitted and kind == "null" and _optional(validator, value, path):
                by_design["null in an optional field"] += 1
    total = counts["admitted"] + counts["refused"]
    agree = counts["admitted_accepted"] + counts["refused_rejected"]
    return (
        f"variants={total} agreement={100.0 * agree / max(total, 1):.2f} "
        f"(accepted {counts['admitted_accepted']} of {counts['admitted']} the inferred schema "
        f"admits, rejected {counts['refused_rejected']} of {counts['refused']} it does not; "
        f"of the others, by the models' design: {by_design})"
    )


def _optional(validator: Any, value: Any, path: tuple[Any, ...]) -> bool:
    """Whether the property at `path` may be left out (the body without it validates)."""
    import copy

    node = copy.deepcopy(value)
    parent = node
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return bool(validator.is_valid(node))


def _null_only(validator: Any, value: Any, path: tuple[Any, ...]) -> bool:
    """Whether the property at `path` is typed only null in the inferred schema: the body
    with it set back to null validates, and with any other value in its place it does not."""
    import copy

    node = copy.deepcopy(value)
    parent = node
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = None
    if not validator.is_valid(node):
        return False
    parent[path[-1]] = "a string"
    return not validator.is_valid(node)


def _call(module: Any, httpx: Any, group: str, method: str, status: int, body: Any) -> bool:
    def handler(request: Any) -> Any:
        return httpx.Response(status, json=body)

    client = module.Client(
        base_url="http://127.0.0.1:9",
        token="t",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    function = getattr(getattr(client, group), method)
    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.default is inspect.Parameter.empty:
            arguments[name] = {} if name == "body" else "1"
    try:
        function(**arguments, strict=True)
    except module.APIResponseValidationError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
