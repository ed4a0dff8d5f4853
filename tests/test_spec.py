"""The OpenAPI document: valid OpenAPI 3.1, complete operations, examples validate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

from apidocgen.config import Config
from apidocgen.model import Api
from apidocgen.pipeline import run
from tests.conftest import ROOT

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def build(source: Path, **settings: Any) -> dict[str, Any]:
    return build_with_model(source, **settings)[0]


def build_with_model(source: Path, **settings: Any) -> tuple[dict[str, Any], Api]:
    result = run(Config(input=source, output=Path("unused"), **settings))
    assert not result.failed, [d.format() for d in result.diagnostics if d.severity == "error"]
    assert result.openapi is not None and result.api is not None
    return result.openapi, result.api


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    return build(ROOT / "api-docs", title="Sentry Web API")


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, item[method])
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    ]


def test_shipped_document_is_valid_openapi_31(shipped: dict[str, Any]) -> None:
    validate(shipped)
    assert shipped["openapi"] == "3.1.0"
    assert shipped["info"]["title"] == "Sentry Web API"
    assert shipped["servers"] == [{"url": "https://sentry.io"}]
    assert [t["name"] for t in shipped["tags"]] == ["Events", "Teams", "Projects"]


def test_operations_carry_what_the_descriptors_say(shipped: dict[str, Any]) -> None:
    ops = {op["operationId"]: (path, method, op) for path, method, op in operations(shipped)}
    assert sorted(ops) == [
        "delete_team_details",
        "get_group_events",
        "get_organization_teams",
        "get_project_stats",
        "post_organization_teams",
        "put_team_details",
    ]
    path, method, events = ops["get_group_events"]
    assert (path, method) == ("/api/0/issues/{issue_id}/events/", "get")
    assert events["summary"] == "List an Issue's Events"
    assert events["security"] == [{"bearerAuth": []}]
    assert events["parameters"][0] == {
        "name": "issue_id",
        "in": "path",
        "required": True,
        "description": "the ID of the issue to retrieve.",
        "schema": {"type": "string"},
    }
    assert events["x-apidocgen-source"] == "events/get-group-events.md"
    ok = events["responses"]["200"]
    assert "Link" in ok["headers"]
    assert (
        ok["content"]["application/json"]["example"][0]["eventID"]
        == "61c6cfed787f4caf827835b6fb82ef9f"
    )
    assert events["x-apidocgen-pagination"]["rel"] == "next"
    _, _, stats = ops["get_project_stats"]
    assert [p["name"] for p in stats["parameters"] if p["in"] == "query"] == [
        "stat",
        "since",
        "until",
        "resolution",
    ]
    since = next(p for p in stats["parameters"] if p["name"] == "since")
    assert since["schema"] == {"type": "string", "format": "date-time"}
    assert "x-apidocgen-warning" not in stats  # the docs show it; the document is for tools
    _, _, delete = ops["delete_team_details"]
    assert list(delete["responses"]) == ["204"] and "content" not in delete["responses"]["204"]
    _, _, create = ops["post_organization_teams"]
    body = create["requestBody"]["content"]["application/json"]
    assert body["example"] == {"name": "Ancient Gabelers"}
    assert list(create["responses"]) == ["201"]


def test_request_body_documents_every_parameter(shipped: dict[str, Any]) -> None:
    create = shipped["paths"]["/api/0/organizations/{organization_slug}/teams/"]["post"]
    schema = resolve(shipped, create["requestBody"]["content"]["application/json"]["schema"])
    assert set(schema["properties"]) == {"name", "slug"}
    assert "unique within the organization" in schema["properties"]["slug"]["description"]
    assert "slug" not in schema.get("required", [])


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def assert_examples_validate(document: dict[str, Any]) -> None:
    failures = []
    for path, method, op in operations(document):
        for status, response in op["responses"].items():
            media = (response.get("content") or {}).get("application/json") or {}
            if "schema" not in media or "example" not in media:
                continue
            wrapper = {"$ref": "#/x", "x": media["schema"], "components": document["components"]}
            errors = list(jsonschema.Draft202012Validator(wrapper).iter_errors(media["example"]))
            if errors:
                failures.append(f"{method.upper()} {path} {status}: {errors[0].message[:100]}")
    assert failures == []


def test_shipped_examples_validate_against_their_schemas(shipped: dict[str, Any]) -> None:
    assert_examples_validate(shipped)


def test_sentry_corpus_document(sentry_corpus: Path) -> None:
    document, api = build_with_model(sentry_corpus, title="Sentry")
    validate(document)
    assert_examples_validate(document)
    # 92 endpoints (20 of them pages in the older format): one without a path, three
    # routes documented twice.
    assert len(operations(document)) == 88
    assert len(api.operations) == 92 and len(api.routed) == 88
    assert not any(key.startswith("x-") for key in document)  # no private extensions
    error_responses = [
        response
        for _, _, op in operations(document)
        for status, response in op["responses"].items()
        if status.startswith(("4", "5"))
    ]
    assert len(error_responses) == 3
    # Error examples are shown as what they are, never used as the success shape.
    assert all(
        "schema" not in media
        for response in error_responses
        for media in response.get("content", {}).values()
        if media.get("schema") != {"type": "string"}
    )


def test_github_corpus_document(github_corpus: Path) -> None:
    document, api = build_with_model(github_corpus / "api-docs", title="GitHub")
    validate(document)
    assert_examples_validate(document)
    # Every descriptor of the corpus is an operation of its own: none is lost to a collision.
    assert len(operations(document)) == len(list((github_corpus / "api-docs").rglob("*.md")))
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids))
    names = {(op.python_group, op.python_method) for op in api.routed}
    assert len(names) == len(ids)
    assert all(m.isidentifier() and g.isidentifier() for g, m in names)


def test_document_bytes_are_stable(tmp_path: Path) -> None:
    first = run(Config(input=ROOT / "api-docs", output=tmp_path)).files["openapi.json"]
    second = run(Config(input=ROOT / "api-docs", output=tmp_path)).files["openapi.json"]
    assert first == second
    assert json.loads(first)["openapi"] == "3.1.0"
