"""The descriptor JSON Schema: the shipped file, a quick check for the common case, and
jsonschema's errors turned into messages."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from apidocgen.load.quoting import _kind

if TYPE_CHECKING:
    # Imported where used: only descriptors that fail the quick check need jsonschema, and
    # importing it costs more than parsing a few hundred JSON descriptors.
    import jsonschema


@cache
def descriptor_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every descriptor's front matter must satisfy."""
    schema: dict[str, Any] = json.loads(descriptor_schema_text())
    return schema


@cache
def descriptor_schema_text() -> str:
    """The descriptor schema as shipped (the site publishes it beside openapi.json)."""
    return resources.files("apidocgen").joinpath("descriptor.schema.json").read_text("utf-8")


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(descriptor_schema())


def _schema_errors(data: dict[str, Any]) -> list[jsonschema.ValidationError]:
    import jsonschema

    try:
        return sorted(
            _validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
        )
    except RecursionError:  # pragma: no cover - depth is bounded before this point
        return [jsonschema.ValidationError("value nests too deeply")]


def _is_str(value: Any, nullable: bool = True) -> bool:
    return isinstance(value, str) or (nullable and value is None)


def _fast_valid(data: dict[str, Any]) -> bool:
    """A quick check equivalent to `descriptor.schema.json` for well-formed descriptors.

    jsonschema is the authority (and gives the messages); this only spares its cost on the
    common case. A test checks that both agree.
    """
    if not (isinstance(data.get("method"), str) and isinstance(data.get("title"), str)):
        return False
    for key in (
        "api_path",
        "description",
        "authentication",
        "warning",
        "example_request",
        "example_response",
    ):
        if not _is_str(data.get(key)):
            return False
    order = data.get("sidebar_order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
        return False
    examples = data.get("examples")
    if examples is not None:
        if not isinstance(examples, list):
            return False
        for item in examples:
            if not isinstance(item, dict) or item.keys() - {"name", "request", "response"}:
                return False
            if not all(_is_str(value) for value in item.values()):
                return False
    for key in ("path_parameters", "query_parameters", "parameters"):
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            return False
        for item in items:
            if not isinstance(item, dict):
                return False
            name = item.get("name")
            if not isinstance(name, str) or not name:
                return False
            if not (_is_str(item.get("type")) and _is_str(item.get("description"))):
                return False
            required = item.get("required")
            if required is not None and not isinstance(required, bool):
                return False
    return True


def _schema_message(err: jsonschema.ValidationError) -> str:
    if err.validator == "type":
        expected = err.validator_value
        if isinstance(expected, list):
            expected = " or ".join(t for t in expected if t != "null")
        return f"expected {expected}, found {_kind(err.instance)}"
    if err.validator == "required":
        missing = re.match(r"'([^']+)'", err.message)
        return f"missing '{missing.group(1)}'" if missing else err.message
    if err.validator == "minLength":
        return "must not be empty"
    return str(err.message)
