"""Stage 3, infer: example bodies of all endpoints -> JSON Schemas, unified and named.

Public surface: `BodySample`, `DocumentedField`, `InferenceResult`, `Thresholds`,
`infer_schemas`, and `explain_components` with its `ComponentExplanation`.
"""

from __future__ import annotations

from collections.abc import Sequence

from apidocgen.infer.explain import ComponentExplanation
from apidocgen.infer.records import BodySample, DocumentedField, InferenceResult
from apidocgen.infer.settings import DEFAULT, Thresholds


def infer_schemas(
    samples: Sequence[BodySample], thresholds: Thresholds = DEFAULT
) -> InferenceResult:
    """Infer one schema per sample, sharing named components across samples. `thresholds`
    are the rules' numbers (the cross-validated defaults unless a benchmark varies them)."""
    from apidocgen.infer.engine import infer

    return infer(samples, thresholds)


def explain_components(
    samples: Sequence[BodySample], thresholds: Thresholds = DEFAULT
) -> dict[str, ComponentExplanation]:
    """Inference's account of each component, by name: where it occurs, which places were
    merged into it and why, and where its name came from."""
    from apidocgen.infer.engine import explain

    return explain(samples, thresholds)


__all__ = [
    "BodySample",
    "ComponentExplanation",
    "DocumentedField",
    "InferenceResult",
    "Thresholds",
    "explain_components",
    "infer_schemas",
]
