"""Stage 3, infer: example bodies of all endpoints -> JSON Schemas, unified and named.

Public surface: `BodySample`, `DocumentedField`, `InferenceResult`, `Thresholds`,
`infer_schemas`.
"""

from __future__ import annotations

from collections.abc import Sequence

from apidocgen.infer.records import BodySample, DocumentedField, InferenceResult
from apidocgen.infer.settings import DEFAULT, Thresholds


def infer_schemas(
    samples: Sequence[BodySample], thresholds: Thresholds = DEFAULT
) -> InferenceResult:
    """Infer one schema per sample, sharing named components across samples. `thresholds`
    are the rules' numbers (the cross-validated defaults unless a benchmark varies them)."""
    from apidocgen.infer.engine import infer

    return infer(samples, thresholds)


__all__ = ["BodySample", "DocumentedField", "InferenceResult", "Thresholds", "infer_schemas"]
