"""The inference pipeline: observe -> maps -> positions -> unify -> name -> emit -> dedupe."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from apidocgen.infer.documented import merge_documented
from apidocgen.infer.emit import REF_PREFIX, SchemaEmitter
from apidocgen.infer.evidence import collect_marks
from apidocgen.infer.explain import ComponentExplanation, explain_clusters
from apidocgen.infer.identity import PathIndex, object_words, resource_names
from apidocgen.infer.maps import detect_maps
from apidocgen.infer.naming import name_clusters
from apidocgen.infer.nullability import nullable_names
from apidocgen.infer.observe import observe
from apidocgen.infer.records import BodySample, InferenceResult
from apidocgen.infer.settings import DEFAULT, Thresholds
from apidocgen.infer.strategies import Schema
from apidocgen.infer.unify import collect_positions, unify


def infer(samples: Sequence[BodySample], thresholds: Thresholds = DEFAULT) -> InferenceResult:
    """Infer one schema per sample, sharing named components across samples."""
    return _run(samples, thresholds, explaining=False)[0]


def explain(
    samples: Sequence[BodySample], thresholds: Thresholds = DEFAULT
) -> dict[str, ComponentExplanation]:
    """Inference's account of every component (see `explain`)."""
    return _run(samples, thresholds, explaining=True)[1]


def _run(
    samples: Sequence[BodySample], thresholds: Thresholds, *, explaining: bool
) -> tuple[InferenceResult, dict[str, ComponentExplanation]]:
    ordered = sorted(samples, key=lambda s: (s.key, s.role, s.operation_id))
    roots = [observe(sample.value) for sample in ordered]
    for root in roots:
        detect_maps(root)
    positions = collect_positions(ordered, roots)
    clusters, owner, joins = unify(positions, thresholds)
    # components: clusters with properties, and request bodies with documented fields (an
    # empty example body still documents what may be sent)
    named = [
        c
        for c in clusters
        if any(m.obj.props or (m.request_root and ordered[m.sample].documented) for m in c.members)
    ]
    identities = (
        resource_names(named, PathIndex(ordered, object_words(positions)))
        if thresholds.resource_names
        else {}
    )
    names, rank, sources = name_clusters(
        named, owner, ordered, identities, thresholds.container_siblings
    )
    marks = collect_marks(ordered, positions, thresholds)
    emitter = SchemaEmitter(owner, names, nullable_names(positions), marks)
    components: dict[str, Schema] = {}
    for cluster in named:
        schema = emitter.component(cluster)
        first = cluster.members[0]
        if first.request_root:
            schema = merge_documented(schema, ordered[first.sample].documented)
        components[names[cluster.key]] = schema
    # A body's schema covers every example of it (samples that share a key).
    roots_of: dict[str, list[Any]] = {}
    for sample, root in zip(ordered, roots, strict=True):
        roots_of.setdefault(sample.key, []).append(root)
    bodies = {key: emitter.schema_of(found) for key, found in roots_of.items()}
    components, bodies, folded = _deduplicate(components, bodies, rank)
    result = InferenceResult(dict(sorted(components.items())), dict(sorted(bodies.items())))
    if not explaining:
        return result, {}
    accounts = explain_clusters(named, names, sources, joins, positions, ordered, marks, folded)
    return result, accounts


def _deduplicate(
    components: dict[str, Schema], bodies: dict[str, Schema], rank: dict[str, int]
) -> tuple[dict[str, Schema], dict[str, Schema], dict[str, str]]:
    """Fold components with identical schemas into one (the highest-ranked name), repeatedly:
    folding can make more components identical. A component's references to itself compare
    equal across components. Also returns each folded name's keeper."""
    folded: dict[str, str] = {}
    while True:
        keeper: dict[str, str] = {}
        first_of: dict[str, str] = {}
        for name in sorted(components, key=lambda n: rank.get(n, len(rank))):
            text = json.dumps(components[name], sort_keys=True).replace(
                json.dumps(REF_PREFIX + name), '"#self"'
            )
            if text in first_of:
                keeper[name] = first_of[text]
            else:
                first_of[text] = name
        if not keeper:
            return components, bodies, folded
        for name, kept in keeper.items():
            folded[name] = kept
        folded = {name: keeper.get(kept, kept) for name, kept in folded.items()}
        components = {
            name: _rename_refs(schema, keeper)
            for name, schema in components.items()
            if name not in keeper
        }
        bodies = {key: _rename_refs(schema, keeper) for key, schema in bodies.items()}


def _rename_refs(schema: Schema, renamed: dict[str, str]) -> Schema:
    """A copy of `schema` with references to renamed components pointing at their keepers."""
    text = json.dumps(schema)
    if REF_PREFIX not in text:
        return schema
    result: Any = json.loads(text)
    pending: list[Any] = [result]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            target = item.get("$ref")
            if isinstance(target, str) and target.startswith(REF_PREFIX):
                name = target[len(REF_PREFIX) :]
                if name in renamed:
                    item["$ref"] = REF_PREFIX + renamed[name]
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return dict(result)
