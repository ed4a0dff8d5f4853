"""Provisional inference: one schema per value, no unification (to be replaced)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apidocgen.infer import BodySample, InferenceResult


def infer(samples: Sequence[BodySample]) -> InferenceResult:
    roots: dict[str, dict[str, Any]] = {}
    for sample in samples:
        schema = _schema(sample.value)
        if sample.role == "request" and sample.documented and schema.get("type") == "object":
            props = schema.setdefault("properties", {})
            for doc in sample.documented:
                props.setdefault(doc.name, dict(doc.schema))
                if doc.description:
                    props[doc.name]["description"] = doc.description
        roots[sample.key] = schema
    return InferenceResult({}, roots)


def _schema(value: Any) -> dict[str, Any]:
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array", "items": _schema(value[0]) if value else {}}
    return {
        "type": "object",
        "properties": {k: _schema(v) for k, v in value.items()},
        "required": sorted(value),
    }
