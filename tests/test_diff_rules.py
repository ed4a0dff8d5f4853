"""The rules that classify API changes, on OpenAPI documents written here by hand; and the
operations added and removed between two real versions of GitHub's API."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from apidocgen.config import Config
from apidocgen.diff.rules import compare
from apidocgen.diff.surface import surface_of_api, surface_of_document
from apidocgen.load import load_input
from apidocgen.model import RULES, Change
from apidocgen.paths import route_key
from apidocgen.pipeline import api_model
from tests.conftest import corpus_dir


def document() -> dict[str, Any]:
    user = {
        "type": "object",
        "properties": {
            "login": {"type": "string"},
            "id": {"type": "integer"},
            "manager": {"anyOf": [{"$ref": "#/components/schemas/User"}, {"type": "null"}]},
        },
        "required": ["login", "id"],
    }
    return {
        "openapi": "3.1.0",
        "paths": {
            "/users/{name}": {
                "get": {
                    "operationId": "get_user",
                    "summary": "Get a user",
                    "tags": ["users"],
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": "fields", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/User"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": {"User": user}},
    }


def changes(edit: Any) -> list[Change]:
    base = document()
    head = copy.deepcopy(base)
    edit(head)
    return compare(surface_of_document(base), surface_of_document(head))


def op(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["paths"]["/users/{name}"]["get"]
    return result


def user(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["components"]["schemas"]["User"]
    return result


def rules(found: list[Change]) -> list[tuple[str, str]]:
    return [(c.rule, c.target) for c in found]


def test_prose_is_never_a_change() -> None:
    def edit(doc: dict[str, Any]) -> None:
        op(doc)["description"] = "New words."
        user(doc)["properties"]["login"]["description"] = "The handle."

    assert changes(edit) == []


def test_a_self_referring_schema_is_flattened_once() -> None:
    surface = surface_of_document(document())
    fields = surface.operations[("GET", route_key("/users/{name}"))].success
    assert fields is not None
    assert sorted(fields.fields) == ["id", "login", "manager"]


@pytest.mark.parametrize(
    ("edit", "expected", "breaking"),
    [
        (
            lambda d: user(d)["properties"].pop("id"),
            ("response-field-removed", "response field id"),
            True,
        ),
        (
            lambda d: user(d)["properties"].update(email={"type": "string"}),
            ("response-field-added", "response field email"),
            False,
        ),
        (
            lambda d: user(d)["properties"]["id"].update(type="string"),
            ("response-field-type-changed", "response field id"),
            True,
        ),
        (
            lambda d: user(d)["properties"]["login"].update(format="email"),
            ("response-field-format-changed", "response field login"),
            True,
        ),
        (
            lambda d: user(d)["properties"]["login"].update(type=["string", "null"]),
            ("response-field-became-nullable", "response field login"),
            True,
        ),
        (
            lambda d: user(d).update(required=["login"]),
            ("response-field-became-optional", "response field id"),
            True,
        ),
        (
            lambda d: op(d)["parameters"][1].update(required=True),
            ("parameter-became-required", "query parameter fields"),
            True,
        ),
        (
            lambda d: op(d)["parameters"].append(
                {"name": "page", "in": "query", "schema": {"type": "integer"}}
            ),
            ("parameter-added-optional", "query parameter page"),
            False,
        ),
        (
            lambda d: op(d)["parameters"][1]["schema"].update(type="integer"),
            ("parameter-type-changed", "query parameter fields"),
            True,
        ),
        (
            lambda d: op(d)["responses"].update({"201": op(d)["responses"].pop("200")}),
            ("response-status-changed", "response"),
            True,
        ),
        (
            lambda d: op(d)["responses"]["200"].update(
                content={
                    "application/xml": op(d)["responses"]["200"]["content"]["application/json"]
                }
            ),
            ("response-media-type-changed", "response body"),
            True,
        ),
        (lambda d: op(d).update(deprecated=True), ("operation-deprecated", ""), False),
        (
            lambda d: op(d)["responses"]["200"].pop("content"),
            ("response-body-removed", "response body"),
            True,
        ),
        (
            lambda d: op(d).update(
                requestBody={"content": {"application/json": {"schema": {"type": "object"}}}}
            ),
            ("request-body-added", "request body"),
            False,
        ),
        (lambda d: op(d).update({"x-apidocgen-pagination": {}}), ("pagination-added", ""), False),
    ],
)
def test_each_rule(edit: Any, expected: tuple[str, str], breaking: bool) -> None:
    found = changes(edit)
    assert expected in rules(found)
    change = next(c for c in found if (c.rule, c.target) == expected)
    assert change.breaking is breaking is RULES[change.rule][0]


def test_a_field_added_with_its_subfields_is_one_change() -> None:
    def edit(doc: dict[str, Any]) -> None:
        user(doc)["properties"]["team"] = {
            "type": "object",
            "properties": {
                "slug": {"type": "string"},
                "members": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"id": {"type": "integer"}}},
                },
            },
        }

    assert rules(changes(edit)) == [("response-field-added", "response field team")]


def test_a_list_that_became_an_object_is_one_breaking_change() -> None:
    def edit(doc: dict[str, Any]) -> None:
        content = op(doc)["responses"]["200"]["content"]["application/json"]
        content["schema"] = {"type": "array", "items": {"$ref": "#/components/schemas/User"}}

    found = changes(edit)
    assert rules(found) == [("response-body-type-changed", "response body")]
    assert found[0].detail == "object -> array" and found[0].breaking


def test_a_renamed_component_is_a_model_rename_not_fields_removed_and_added() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schemas = doc["components"]["schemas"]
        schemas["Person"] = schemas.pop("User")
        text = json.dumps(doc).replace("#/components/schemas/User", "#/components/schemas/Person")
        doc.clear()
        doc.update(json.loads(text))

    found = changes(edit)
    assert [c.rule for c in found] == ["client-model-renamed"] * 2
    assert {c.target for c in found} == {"response body", "response field manager"}
    assert found[0].client == "User is now Person"


def test_operations_added_and_removed_between_two_versions_of_githubs_api() -> None:
    """Every operation added or removed between 22.0.0 and 23.0.2 of GitHub's API (the
    descriptors say which) is reported, and nothing else is."""
    old_dir, new_dir = (
        corpus_dir("github-dev-v22") / "api-docs",
        corpus_dir("github-dev") / "api-docs",
    )
    routes = {}
    for folder in (old_dir, new_dir):
        loaded = load_input(folder, max_descriptor_bytes=10 << 20, max_depth=64)
        routes[folder] = {
            (d.method, route_key(d.api_path)) for d in loaded.descriptors if d.api_path
        }
    apis = [api_model(Config(input=folder))[0] for folder in (old_dir, new_dir)]
    assert apis[0] is not None and apis[1] is not None
    found = compare(surface_of_api(apis[0]), surface_of_api(apis[1]))
    added = {(c.method, route_key(c.path)) for c in found if c.rule == "operation-added"}
    removed = {(c.method, route_key(c.path)) for c in found if c.rule == "operation-removed"}
    assert added == routes[new_dir] - routes[old_dir]
    assert removed == routes[old_dir] - routes[new_dir]
    assert len(added) + len(removed) == 70
