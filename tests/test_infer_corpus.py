"""Schema inference over the real corpora beside the repository (`../shared/corpus/`)."""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from apidocgen.config import Config
from apidocgen.infer import BodySample, InferenceResult, infer_schemas
from apidocgen.pipeline import collect_samples
from tests.conftest import corpus_dir

REF = "#/components/schemas/"


@cache
def _samples(name: str) -> tuple[BodySample, ...]:
    folder = corpus_dir(name)
    if (folder / "api-docs").is_dir():
        folder = folder / "api-docs"  # github-dev keeps its answer key beside the descriptors
    samples, diagnostics = collect_samples(Config(input=folder, output=Path("unused")))
    assert [d for d in diagnostics if d.severity == "error"] == []
    return tuple(samples)


@cache
def _result(name: str) -> InferenceResult:
    return infer_schemas(_samples(name))


@pytest.mark.parametrize("name", ["sentry", "github-dev"])
def test_every_example_validates_against_its_inferred_schema(name: str) -> None:
    samples, result = _samples(name), _result(name)
    components = {"schemas": result.components}
    for item in samples:
        document = {
            "$ref": "#/$defs/root",
            "$defs": {"root": result.roots[item.key]},
            "components": components,
        }
        validator = jsonschema.Draft202012Validator(
            document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        errors = list(validator.iter_errors(item.value))
        assert not errors, (item.key, errors[0].message[:200])


@pytest.mark.parametrize("name", ["sentry", "github-dev"])
def test_component_names_are_words(name: str) -> None:
    result = _result(name)
    assert result.components
    for component in result.components:
        assert component.isidentifier() and component.isascii() and component[0].isupper(), (
            component
        )
        assert not component[-1].isdigit(), component


@pytest.mark.parametrize("name", ["sentry", "github-dev"])
def test_no_two_components_are_identical(name: str) -> None:
    result = _result(name)
    seen: dict[str, str] = {}
    for component, schema in result.components.items():
        text = json.dumps(schema, sort_keys=True).replace(json.dumps(REF + component), '"#self"')
        assert text not in seen, (component, seen.get(text))
        seen[text] = component
    referenced = {ref for schema in result.roots.values() for ref in _refs(schema)}
    for schema in result.components.values():
        referenced |= _refs(schema)
    assert referenced <= set(result.components)


def _refs(schema: Any) -> set[str]:
    found: set[str] = set()
    pending = [schema]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if isinstance(item.get("$ref"), str):
                found.add(item["$ref"][len(REF) :])
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def _resource_component(result: InferenceResult, item: BodySample) -> str | None:
    root = result.roots[item.key]
    if isinstance(item.value, list):
        root = root.get("items", {})
    ref = root.get("$ref")
    return ref[len(REF) :] if isinstance(ref, str) else None


def test_sentry_resources_are_one_component_each() -> None:
    """The projects, teams and releases that Sentry returns from their lists, their detail
    endpoints and their create/update endpoints come out as one component per resource.

    Endpoints are grouped by the resource their path ends in (`.../projects/`,
    `.../projects/{organization_slug}/{project_slug}/`), from the data, not by file name.
    """
    samples, result = _samples("sentry"), _result("sentry")
    by_resource: dict[str, set[str]] = defaultdict(set)
    for item in samples:
        if item.role != "response" or not item.value:
            continue
        fixed = [part for part in item.api_path.split("/") if part and not part.startswith("{")]
        component = _resource_component(result, item)
        if fixed and component is not None:
            by_resource[fixed[-1]].add(component)
    for resource in ("projects", "teams", "releases"):
        assert len(by_resource[resource]) == 1, (resource, by_resource[resource])
    # and the project that a team lists is the project a project endpoint returns
    assert by_resource["projects"] == {"Project"}
    assert by_resource["teams"] == {"Team"}
    assert by_resource["releases"] == {"Release"}


@pytest.mark.parametrize("name", ["sentry", "github-dev"])
def test_recurring_shapes_share_a_component(name: str) -> None:
    """Objects that appear under the same property name with the same keys anywhere in the
    corpus (a Sentry event's `user`, a GitHub issue's `assignee`) use one component."""
    samples, result = _samples(name), _result(name)
    used: dict[tuple[str, str, frozenset[str]], set[str]] = defaultdict(set)
    for item in samples:
        stack: list[tuple[str, Any, dict[str, Any]]] = [("", item.value, result.roots[item.key])]
        while stack:
            key, value, schema = stack.pop()
            options = schema.get("anyOf", [schema])
            refs = [o["$ref"][len(REF) :] for o in options if "$ref" in o]
            if isinstance(value, dict) and key and len(value) >= 4 and len(refs) == 1:
                used[(item.role, key, frozenset(value))].add(refs[0])
            for option in options:
                while "$ref" in option:
                    option = result.components[option["$ref"][len(REF) :]]
                if isinstance(value, dict) and "properties" in option:
                    stack.extend((k, v, option["properties"].get(k, {})) for k, v in value.items())
                elif isinstance(value, list) and isinstance(option.get("items"), dict):
                    stack.extend((key, v, option["items"]) for v in value)
    assert used
    split = {where: names for where, names in used.items() if len(names) > 1}
    assert not split, list(split.items())[:3]
