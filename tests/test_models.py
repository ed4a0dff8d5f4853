"""Models: names decided before generation, formats policy, round trips, both corpora."""

from __future__ import annotations

import importlib
import json
import keyword
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from conftest import corpus_dir
from pydantic import TypeAdapter

from apidocgen.config import Config
from apidocgen.model import Api
from apidocgen.pipeline import run
from apidocgen.render.client import render_client
from apidocgen.render.models import (
    TypeRef,
    field_names,
    plan_models,
    render_models,
)
from apidocgen.render.templates import template_environment
from apidocgen.write import write_output
from tests.api_documents import api_from_document

REF = "#/components/schemas/"


def _operation(operation_id: str, response: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": operation_id,
        "summary": operation_id.replace("_", " "),
        "tags": ["Things"],
        "security": [],
        "x-apidocgen-python-group": "things",
        "x-apidocgen-python-method": operation_id,
        "responses": {"200": {"description": "OK"}},
    }
    if response is not None:
        op["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    op.update(extra)
    return op


def hostile_document() -> dict[str, Any]:
    """Inline objects and `$ref`s, nullables both ways, maps, unions, `{}`, hostile names."""
    thing = {
        "type": "object",
        "description": 'A thing. """; import os; os.system("touch CANARY") #\\',
        "properties": {
            "id": {"type": "integer"},
            "userId": {"type": "string", "description": "camel"},
            "user_id": {"type": "string", "description": "snake"},
            "user-id": {"type": "string"},
            "createdAt": {"type": "string", "format": "date-time"},
            "homepage": {"type": "string", "format": "uri"},
            "email": {"type": "string", "format": "email"},
            "uuid": {"type": "string", "format": "uuid"},
            "owner": {"anyOf": [{"$ref": REF + "Owner"}, {"type": "null"}]},
            "parent": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "value": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "anything": {},
            "note": {"type": ["string", "null"]},
            "nested": {
                "type": "object",
                "properties": {
                    "deep": {"type": "object", "properties": {"x": {"type": "boolean"}}}
                },
            },
            "class": {"type": "string"},
            "list": {"type": "string"},
            "2fa": {"type": "boolean"},
            "": {"type": "string"},
            "naïve": {"type": "string"},
            "model_config": {"type": "string"},
            "json": {"type": "string"},
            'q"uote\\': {"type": "string", "description": '"""\n\\'},
        },
        "required": ["id", "userId"],
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.test"}],
        "tags": [{"name": "Things", "x-apidocgen-section": "things"}],
        "paths": {
            "/things": {
                "get": _operation(
                    "list_things", {"type": "array", "items": {"$ref": REF + "Thing"}}
                ),
                "post": _operation(
                    "create_thing",
                    {"type": "object", "properties": {"id": {"type": "integer"}}},
                    requestBody={
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"name": {"type": "string"}},
                                    "required": ["name"],
                                }
                            }
                        },
                    },
                ),
            },
            "/things/{thing_id}": {"get": _operation("get_thing", {"$ref": REF + "Thing"})},
            "/inline": {
                "get": _operation(
                    "list_inline",
                    {
                        "type": "array",
                        "items": {"type": "object", "properties": {"a": {"type": "string"}}},
                    },
                )
            },
            "/scalar": {"get": _operation("get_scalar", {"type": ["string", "null"]})},
            "/empty": {"get": _operation("get_empty", {})},
        },
        "components": {
            "schemas": {
                "Thing": thing,
                "Owner": {"type": "object", "properties": {"login": {"type": "string"}}},
                "Things": {"type": "array", "items": {"$ref": REF + "Thing"}},
                "Field": {"type": "object", "properties": {"x": {"type": "string"}}},
            }
        },
    }


def write_package(openapi: dict[str, Any], root: Path, package: str) -> Path:
    """Render models and client for `openapi` into `root`; return the folder to put on sys.path."""
    config = Config(package=package, title="Things", version="1.0.0", token_env="THINGS_TOKEN")
    api = api_from_document(openapi)
    files = render_models(api, config)
    files.update(render_client(api, config, template_environment()))
    write_output(root, files)
    return root / "python"


def import_models(python_dir: Path, package: str) -> Any:
    if str(python_dir) not in sys.path:
        sys.path.insert(0, str(python_dir))
    return importlib.import_module(f"{package}.models")


# -- field names ------------------------------------------------------------------------------


def test_colliding_wire_names_get_distinct_readable_names_without_numbers() -> None:
    names = field_names(["userId", "user_id", "user-id", "UserID", "user.id"])
    assert names["user_id"] == "user_id"  # a plain snake_case wire name keeps its spelling
    assert names["userId"] == "userid"
    assert names["user-id"] == "user_dash_id"
    assert names["UserID"] == "UserID"
    assert names["user.id"] == "user_dot_id"
    assert len(set(names.values())) == len(names)
    assert not any(re.search(r"_\d+$", n) for n in names.values())


def test_first_plain_name_wins_regardless_of_wire_order() -> None:
    assert field_names(["userId", "user_id"]) == {"userId": "userid", "user_id": "user_id"}
    assert field_names(["userId"]) == {"userId": "user_id"}


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("class", "class_"),
        ("list", "list_"),
        ("2fa", "field_2fa"),
        ("", "field"),
        ("naïve", "naive"),
        ("model_config", "model_config_"),
        ("json", "json_"),
        ("_links", "links"),
        ("id", "id"),
        ("type", "type"),
        ("None", "none"),
        ("$ref", "ref"),
    ],
)
def test_field_names_are_valid_and_inert(wire: str, python: str) -> None:
    assert field_names([wire]) == {wire: python}
    assert python.isidentifier() and not keyword.iskeyword(python)


def test_pathological_collisions_fall_back_to_a_hash_not_a_counter() -> None:
    wires = ["a-b", "a_b", "aB", "a.b", "a b", "A_B", "ab", "a__b", "a--b"]
    names = field_names(wires)
    assert len(set(names.values())) == len(wires)
    assert all(n.isidentifier() and not keyword.iskeyword(n) for n in names.values())
    assert not any(re.search(r"_\d$", n) for n in names.values())
    assert field_names(wires) == names  # deterministic


# -- planning ---------------------------------------------------------------------------------


def test_plan_names_every_class_and_root() -> None:
    plan = plan_models(api_from_document(hostile_document()))
    assert plan.operations["list_things"].response == TypeRef("Thing", is_list=True)
    assert plan.operations["get_thing"].response == TypeRef("Thing")
    assert plan.operations["create_thing"].request == TypeRef("CreateThingRequest")
    assert plan.operations["create_thing"].response == TypeRef("CreateThingResponse")
    assert plan.operations["list_inline"].response == TypeRef(
        "ListInlineResponseItem", is_list=True
    )
    assert plan.operations["get_scalar"].response == TypeRef("GetScalarResponse")
    assert plan.operations["get_empty"].response == TypeRef(None)
    # Inline objects are hoisted under names of their own; a component may not shadow an import.
    assert {"ThingNested", "ThingNestedDeep", "ThingParent", "FieldModel"} <= set(plan.schemas)
    assert "Field" not in plan.schemas
    assert plan.field_names["Thing"]["userId"] == "userid"
    assert plan.field_names["Thing"]["user-id"] == "user_dash_id"


def test_plan_is_deterministic_whatever_the_key_order() -> None:
    document = hostile_document()
    shuffled = json.loads(json.dumps(document))
    schemas = shuffled["components"]["schemas"]
    shuffled["components"]["schemas"] = dict(reversed(list(schemas.items())))
    assert plan_models(api_from_document(document)) == plan_models(api_from_document(shuffled))


# -- generated models -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_models(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("hostile-models")
    python_dir = write_package(hostile_document(), root / "out", "models_hostile_api")
    return import_models(python_dir, "models_hostile_api")


def test_models_accept_wire_and_python_names_and_keep_extra_fields(hostile_models: Any) -> None:
    thing = hostile_models.Thing.model_validate({"id": 1, "userId": "u", "surprise": [1]})
    assert thing.userid == "u" and thing.id == 1
    assert thing.model_extra == {"surprise": [1]}
    again = hostile_models.Thing(id=2, userid="v")
    assert again.model_dump(by_alias=True, exclude_unset=True) == {"id": 2, "userId": "v"}


def test_formats_policy_and_round_trip(hostile_models: Any) -> None:
    wire = {
        "id": 1,
        "userId": "a",
        "user_id": "b",
        "user-id": "c",
        "createdAt": "2024-01-02T03:04:05Z",
        "homepage": "https://example.test/x",
        "email": "someone@example.test",
        "uuid": "12345678-1234-5678-1234-567812345678",
        "owner": None,
        "parent": {"id": 3},
        "labels": {"k": "v"},
        "value": 7,
        "anything": {"free": ["form"]},
        "note": None,
        "nested": {"deep": {"x": True}},
        "class": "c",
        "list": "l",
        "2fa": True,
        "": "empty",
        "naïve": "n",
        "model_config": "m",
        "json": "j",
        'q"uote\\': "q",
    }
    thing = hostile_models.Thing.model_validate(wire)
    assert isinstance(thing.created_at, datetime) and thing.created_at.tzinfo is not None
    assert isinstance(thing.uuid, UUID)
    assert thing.homepage == "https://example.test/x"  # uri stays a str: no normalisation
    assert thing.email == "someone@example.test"  # no email-validator needed
    assert (thing.class_, thing.list_, thing.field_2fa, thing.field, thing.naive) == (
        "c",
        "l",
        True,
        "empty",
        "n",
    )
    assert thing.model_dump(mode="json", by_alias=True, exclude_unset=True) == wire


def test_generated_models_have_no_numbered_names(hostile_models: Any) -> None:
    for name in hostile_models.__all__:
        value = getattr(hostile_models, name)
        assert not re.search(r"\d$", name), name
        for field_name in getattr(value, "model_fields", {}):
            assert not re.search(r"_\d+$", field_name), (name, field_name)


def test_render_models_is_byte_identical_across_runs() -> None:
    config = Config(package="same_api")
    api = api_from_document(hostile_document())
    assert render_models(api, config) == render_models(
        api_from_document(hostile_document()), config
    )


def test_document_without_bodies_gives_an_importable_empty_module(tmp_path: Path) -> None:
    document = {"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}}
    api = api_from_document(document)
    text = render_models(api, Config(package="empty_api"))["python/empty_api/models.py"]
    namespace: dict[str, Any] = {}
    exec(compile(text, "models.py", "exec"), namespace)
    assert namespace["__all__"] == []


# -- corpora: every success example validates into its model -----------------------------------


def generated_corpus(source: Path, out: Path, package: str) -> Api:
    """Generate a corpus into `out`; its API model."""
    config = Config(input=source, output=out, package=package, title=package, version="1.0.0")
    result = run(config)
    assert not result.failed, [d.format() for d in result.diagnostics if d.severity == "error"]
    assert result.api is not None
    write_output(out, result.files)
    return result.api


def example_failures(api: Api, out: Path, package: str) -> tuple[int, list[str]]:
    models = import_models(out / "python", package)
    plan = plan_models(api)
    checked, failures = 0, []
    for operation in api.routed:
        response = operation.examples.response
        if response is None or response.status >= 400 or not response.body.is_structured:
            continue
        where = f"{operation.method} {operation.path} ({operation.operation_id})"
        ref = plan.operations[operation.operation_id].response
        if ref is None or operation.success is None:
            failures.append(f"{where}: no model for a documented success body")
            continue
        target: Any = Any if ref.model is None else getattr(models, ref.model)
        adapter: TypeAdapter[Any] = TypeAdapter(list[target] if ref.is_list else target)
        checked += 1
        try:
            value = adapter.validate_python(response.body.value)
        except Exception as exc:  # noqa: BLE001 - collected, reported below
            failures.append(f"{where}: {str(exc)[:300]}")
            continue
        dumped = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
        if _normal(dumped) != _normal(response.body.value):
            failures.append(f"{where}: does not round-trip")
    return checked, failures


def _normal(value: Any) -> Any:
    """JSON data with date-times as instants: `.869Z` and `.869000Z` are the same time."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, str) and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?", value
    ):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


@pytest.mark.parametrize(("corpus", "folder"), [("sentry", ""), ("github-dev", "api-docs")])
def test_every_corpus_success_example_validates_into_its_model(
    tmp_path_factory: pytest.TempPathFactory, corpus: str, folder: str
) -> None:
    source = corpus_dir(corpus) / folder if folder else corpus_dir(corpus)
    package = f"corpus_{corpus.replace('-', '_')}_api"
    out = tmp_path_factory.mktemp(package) / "out"
    api = generated_corpus(source, out, package)
    checked, failures = example_failures(api, out, package)
    assert checked > 30
    assert failures == []


def test_odd_component_names_all_of_and_dangling_refs(tmp_path: Path) -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "x", "version": "1"},
        "paths": {"/a": {"get": _operation("get_a", {"$ref": REF + "nowhere"})}},
        "components": {
            "schemas": {
                "my-thing": {"type": "object", "properties": {"a": {"$ref": REF + "class"}}},
                "class": {"type": "string", "enum": ["a", "b"]},
                "2fa": {
                    "allOf": [
                        {"$ref": REF + "my-thing"},
                        {"type": "object", "properties": {"b": {"type": "integer"}}},
                    ]
                },
                "None": {"type": "object", "properties": {"x": {"$ref": REF + "gone"}}},
            }
        },
    }
    plan = plan_models(api_from_document(document))
    assert sorted(plan.schemas) == ["Class", "Model2fa", "Model2faPartB", "MyThing", "NoneModel"]
    assert plan.operations["get_a"].response == TypeRef(None)  # a dangling $ref is Any
    models = import_models(
        write_package(document, tmp_path / "out", "odd_names_api"), "odd_names_api"
    )
    both = models.Model2fa.model_validate({"a": "b", "b": 2})
    assert (both.a, both.b) == ("b", 2)
    assert models.NoneModel.model_validate({"x": {"any": 1}}).x == {"any": 1}
