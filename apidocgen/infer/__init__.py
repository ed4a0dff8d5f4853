"""Stage 3, infer: example bodies of all endpoints -> JSON Schemas, unified and named.

Public surface: `BodySample`, `DocumentedField`, `InferenceResult`, `infer_schemas`.
"""

from __future__ import annotations

from collections.abc import Sequence

from apidocgen.infer.records import BodySample, DocumentedField, InferenceResult


def infer_schemas(samples: Sequence[BodySample]) -> InferenceResult:
    """Infer one schema per sample, sharing named components across samples."""
    from apidocgen.infer.engine import infer

    return infer(samples)


__all__ = ["BodySample", "DocumentedField", "InferenceResult", "infer_schemas"]
