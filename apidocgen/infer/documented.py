"""Request bodies: merge the descriptor's documented body parameters into the inferred root."""

from __future__ import annotations

from collections.abc import Sequence

from apidocgen.infer.records import DocumentedField
from apidocgen.infer.strategies import Schema


def merge_documented(schema: Schema, documented: Sequence[DocumentedField]) -> Schema:
    """`schema` (an object component) with the documented fields merged in.

    A documented field present in the example keeps its inferred type (the example is evidence
    of what is sent) and gains the description. One absent from the example becomes an optional
    property of its documented type: optional even when documented as required, since the
    example shows a body without it being accepted, and the example must validate.
    """
    if schema.get("type") != "object":
        return schema
    merged = dict(schema)
    properties = dict(merged.get("properties", {}))
    for field in sorted(documented, key=lambda f: f.name):
        if field.name in properties:
            entry = dict(properties[field.name])
        else:
            entry = dict(field.schema)
        if field.description:
            entry["description"] = field.description
        properties[field.name] = entry
    merged["properties"] = dict(sorted(properties.items()))
    return merged
