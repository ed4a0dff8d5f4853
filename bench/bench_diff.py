#!/usr/bin/env python3
"""`apidocgen diff` against what really changed between two versions of GitHub's API.

The corpus holds the same tags of GitHub's REST API at 22.0.0 (`github-dev-v22`) and 23.0.2
(`github-dev`). The ground truth of what changed:

- operations added and removed: the descriptors of the two versions (by method and route);
- response fields added, removed or changed in type: the response schemas GitHub declares
  (`truth/`), for operations present in both versions, flattened into field paths
  (`owner.login`, `[].id` for the items of a list body, `labels[].name`, `*` for map values).
  A field added or removed with its subfields counts once, at the field.

apidocgen never reads `truth/`: it compares the APIs it infers from the two descriptor
folders. Recall is the share of true changes it reports, precision the share of its reports
that are true. Field changes that the examples cannot show (a field GitHub declares but no
example carries) are out of reach of any example-based tool: the "visible" rows count only
true changes whose field appears in the example of one version and not the other (added,
removed) or with values of another type (type changed).

usage: bench/bench_diff.py [OLD_CORPUS NEW_CORPUS]
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apidocgen.config import Config  # noqa: E402
from apidocgen.diff.rules import compare  # noqa: E402
from apidocgen.diff.surface import surface_of_api  # noqa: E402
from apidocgen.model import Api  # noqa: E402
from apidocgen.paths import route_key  # noqa: E402
from apidocgen.pipeline import api_model  # noqa: E402

Route = tuple[str, str]
FieldChange = tuple[str, str, str, str]  # method, route, kind, field path
KINDS = ("response-field-added", "response-field-removed", "response-field-type-changed")


def main() -> int:
    corpora = ROOT.parent / "shared" / "corpus"
    args = sys.argv[1:]
    old_dir = Path(args[0]) if args else corpora / "github-dev-v22"
    new_dir = Path(args[1]) if len(args) > 1 else corpora / "github-dev"
    if not (old_dir / "truth").is_dir() or not (new_dir / "truth").is_dir():
        print(f"skipped: {old_dir} and {new_dir} need api-docs/ and truth/")
        return 0
    started = time.perf_counter()
    old_api, new_api = _api(old_dir), _api(new_dir)
    changes = compare(surface_of_api(old_api), surface_of_api(new_api))
    seconds = time.perf_counter() - started
    old_ops, new_ops = _operations(old_api, old_dir), _operations(new_api, new_dir)

    true_ops = {("operation-added", r) for r in new_ops.keys() - old_ops.keys()}
    true_ops |= {("operation-removed", r) for r in old_ops.keys() - new_ops.keys()}
    found_ops = {
        (c.rule, (c.method, route_key(c.path)))
        for c in changes
        if c.rule in ("operation-added", "operation-removed")
    }
    both = sorted(old_ops.keys() & new_ops.keys())
    truth, visible = _true_field_changes(both, old_ops, new_ops, old_dir, new_dir)
    judged = {route for route in both if old_ops[route][1] and new_ops[route][1]}
    found_fields = {
        (c.method, route_key(c.path), c.rule, c.target.removeprefix("response field "))
        for c in changes
        if c.rule in KINDS and (c.method, route_key(c.path)) in judged
    }
    # A list body's item fields are shown without the leading `[].`: compare both spellings.
    found_fields = {_normal(change) for change in found_fields}
    truth = {_normal(change) for change in truth}
    visible = {_normal(change) for change in visible}

    print(f"{old_dir.name} ({len(old_ops)} operations) -> {new_dir.name} ({len(new_ops)})")
    print(f"compared in {seconds:.1f} s; {len(changes)} changes reported in all")
    print()
    print(f"{'':34} {'truth':>6} {'found':>6} {'recall':>7} {'precision':>9}")
    _row("operations added or removed", true_ops, found_ops)
    for kind in KINDS:
        _row(
            kind.removeprefix("response-"),
            {c for c in truth if c[2] == kind},
            {c for c in found_fields if c[2] == kind},
        )
    _row("response fields, all three", truth, found_fields)
    _row("  visible in the examples", visible, found_fields & visible | found_fields - truth)
    print()
    print(f"field changes judged on {len(judged)} operations present in both versions with a")
    print("declared response schema in both")
    _false_positives(found_fields - truth, old_ops, new_ops)
    return 0


def _false_positives(
    wrong: set[FieldChange],
    old_ops: dict[Route, tuple[Any, dict[str, Any] | None]],
    new_ops: dict[Route, tuple[Any, dict[str, Any] | None]],
) -> None:
    """Why reported field changes are not in the declared schemas' diff."""
    reasons = {"the operation's own example changed": 0, "a model shared with other operations": 0}
    for method, route, _kind, path in wrong:
        seen_old = _seen(old_ops[(method, route)][0])
        seen_new = _seen(new_ops[(method, route)][0])
        spellings = {path, f"[].{path}"}
        if any(
            (p in seen_old) != (p in seen_new) or seen_old.get(p) != seen_new.get(p)
            for p in spellings
        ):
            reasons["the operation's own example changed"] += 1
        else:
            reasons["a model shared with other operations"] += 1
    print(f"reported field changes the declared schemas do not show: {len(wrong)}")
    for reason, count in reasons.items():
        print(f"  {reason:40} {count:5}")


def _row(label: str, truth: set[Any], found: set[Any]) -> None:
    hits = len(truth & found)
    recall = 100 * hits / len(truth) if truth else 100.0
    precision = 100 * hits / len(found) if found else 100.0
    print(f"{label:34} {len(truth):6} {len(found):6} {recall:7.1f} {precision:9.1f}")


def _normal(change: FieldChange) -> FieldChange:
    method, route, kind, path = change
    return (method, route, kind, path.removeprefix("[]."))


def _api(corpus: Path) -> Api:
    config = Config(input=corpus / "api-docs", package="github_api", title="GitHub")
    api, diagnostics = api_model(config)
    if api is None:
        raise SystemExit(f"{corpus}: descriptors do not load: {diagnostics[0].format()}")
    return api


def _operations(api: Api, corpus: Path) -> dict[Route, tuple[Any, dict[str, Any] | None]]:
    """Route -> (the example response body, the declared schema when there is one)."""
    out: dict[Route, tuple[Any, dict[str, Any] | None]] = {}
    for op in api.operations:
        if not op.routed or op.path is None:
            continue
        truth = corpus / "truth" / Path(op.source).with_suffix(".schema.json")
        schema = json.loads(truth.read_text("utf-8")) if truth.is_file() else None
        success = op.success
        example = success.content.example if success and success.content else None
        out[(op.method, route_key(op.path))] = (example, schema)
    return out


def _true_field_changes(
    both: list[Route],
    old_ops: dict[Route, tuple[Any, dict[str, Any] | None]],
    new_ops: dict[Route, tuple[Any, dict[str, Any] | None]],
    old_dir: Path,
    new_dir: Path,
) -> tuple[set[FieldChange], set[FieldChange]]:
    truth: set[FieldChange] = set()
    visible: set[FieldChange] = set()
    for route in both:
        (old_example, old_schema), (new_example, new_schema) = old_ops[route], new_ops[route]
        if old_schema is None or new_schema is None:
            continue
        before, after = _declared(old_schema), _declared(new_schema)
        seen_before, seen_after = _seen(old_example), _seen(new_example)
        for path in _outermost(after.keys() - before.keys()):
            change = (*route, "response-field-added", path)
            truth.add(change)
            if path in seen_after and path not in seen_before:
                visible.add(change)
        for path in _outermost(before.keys() - after.keys()):
            change = (*route, "response-field-removed", path)
            truth.add(change)
            if path in seen_before and path not in seen_after:
                visible.add(change)
        for path in before.keys() & after.keys():
            if before[path] and after[path] and before[path] != after[path]:
                change = (*route, "response-field-type-changed", path)
                truth.add(change)
                old_seen, new_seen = seen_before.get(path), seen_after.get(path)
                if old_seen and new_seen and old_seen != new_seen:
                    visible.add(change)
    return truth, visible


def _outermost(paths: set[str]) -> set[str]:
    """A field added (or removed) with its subfields counts once, at the field."""

    def inside(path: str) -> bool:
        return any(
            path.startswith(other) and path[len(other) : len(other) + 1] in (".", "[")
            for other in paths
            if other != path
        )

    return {path for path in paths if not inside(path)}


def _declared(schema: dict[str, Any]) -> dict[str, frozenset[str]]:
    """Field path -> declared JSON types (null aside) of a declared schema."""
    out: dict[str, frozenset[str]] = {}
    for path, node in _walk(schema, ""):
        out[path] = _types(node)
    return out


def _walk(schema: Any, prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(schema, dict):
        return
    members = [schema] + [
        m
        for key in ("allOf", "anyOf", "oneOf")
        for m in schema.get(key) or []
        if isinstance(m, dict)
    ]
    for member in members:
        for name, sub in (member.get("properties") or {}).items():
            path = f"{prefix}.{name}" if prefix else name
            if isinstance(sub, dict):
                yield path, _merged(sub)
                yield from _walk(sub, path)
        if isinstance(member.get("items"), dict):
            yield from _walk(member["items"], f"{prefix}[]")
        extra = member.get("additionalProperties")
        if isinstance(extra, dict) and not member.get("properties"):
            yield from _walk(extra, f"{prefix}.*" if prefix else "*")


def _merged(schema: dict[str, Any]) -> dict[str, Any]:
    types = set(_types(schema))
    for key in ("allOf", "anyOf", "oneOf"):
        for member in schema.get(key) or []:
            if isinstance(member, dict):
                types |= _types(member)
    return {"type": sorted(types)}


def _types(schema: dict[str, Any]) -> frozenset[str]:
    declared = schema.get("type")
    names = declared if isinstance(declared, list) else [declared] if declared else []
    found = {str(n) for n in names if n != "null"}
    if not found and "properties" in schema:
        found.add("object")
    return frozenset(found)


def _seen(example: Any) -> dict[str, frozenset[str]]:
    """Field path -> JSON types of the values an example body carries there."""
    out: dict[str, set[str]] = {}

    def visit(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for name, sub in value.items():
                path = f"{prefix}.{name}" if prefix else str(name)
                if sub is not None:
                    out.setdefault(path, set()).add(_json_type(sub))
                else:
                    out.setdefault(path, set())
                visit(sub, path)
        elif isinstance(value, list):
            for item in value:
                visit(item, f"{prefix}[]")

    visit(example, "")
    return {path: frozenset(types) for path, types in out.items()}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


if __name__ == "__main__":
    raise SystemExit(main())
