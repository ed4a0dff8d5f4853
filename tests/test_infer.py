"""Schema inference: types, nullability, optionality, formats, maps, unification, naming."""

from __future__ import annotations

import json
import keyword
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidocgen.infer import BodySample, DocumentedField, InferenceResult, infer_schemas
from apidocgen.infer.formats import (
    detect_format,
    is_date,
    is_date_time,
    is_email,
    is_ipv4,
    is_ipv6,
    is_uri,
    is_uuid,
)
from apidocgen.infer.maps import is_data_key
from apidocgen.infer.naming import (
    _ending_with,
    pascal,
    singular,
    title_words,
    valid_name,
    words_of,
)

ROOT = Path(__file__).resolve().parents[1]
REF = "#/components/schemas/"


# --- helpers -------------------------------------------------------------------------------


def sample(
    value: Any,
    key: str = "ep.response",
    *,
    title: str = "Get a thing",
    role: str = "response",
    api_path: str = "/things/{id}",
    method: str = "GET",
    section: str = "things",
    documented: tuple[DocumentedField, ...] = (),
) -> BodySample:
    return BodySample(
        key=key,
        role=role,  # type: ignore[arg-type]
        value=value,
        operation_id=key.split(".")[0],
        title=title,
        api_path=api_path,
        method=method,
        section=section,
        documented=documented,
    )


def infer_one(value: Any, **context: Any) -> tuple[dict[str, Any], InferenceResult]:
    """The resolved root schema of one sample, and the whole result."""
    result = infer_schemas([sample(value, **context)])
    return resolve(
        result, result.roots["ep.response" if "key" not in context else context["key"]]
    ), result


def resolve(result: InferenceResult, schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = result.components[schema["$ref"][len(REF) :]]
    return schema


def validator(result: InferenceResult, key: str) -> jsonschema.protocols.Validator:
    """A 2020-12 validator for one sample's root, with the components embedded where the
    references point (`#/components/schemas/...`)."""
    document = {"$ref": "#/$defs/root", "$defs": {"root": result.roots[key]}}
    document["components"] = {"schemas": result.components}
    return jsonschema.Draft202012Validator(
        document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def assert_all_valid(samples: list[BodySample], result: InferenceResult) -> None:
    for item in samples:
        errors = list(validator(result, item.key).iter_errors(item.value))
        assert not errors, (item.key, errors[0].message)


def types_of(schema: dict[str, Any]) -> set[str]:
    found = schema.get("type")
    return {found} if isinstance(found, str) else set(found or [])


def dumped(result: InferenceResult) -> str:
    return json.dumps({"components": result.components, "roots": result.roots}, sort_keys=True)


# --- types, nullability, optionality -------------------------------------------------------


def test_scalar_kinds_are_told_apart() -> None:
    root, _ = infer_one({"i": 1, "n": 1.5, "b": True, "s": "x", "z": None})
    props = root["properties"]
    assert props["i"] == {"type": "integer"}
    assert props["n"] == {"type": "number"}
    assert props["b"] == {"type": "boolean"}
    assert props["s"] == {"type": "string"}
    assert props["z"] == {"type": "null"}
    assert root["required"] == ["b", "i", "n", "s", "z"]


def test_integer_and_number_at_one_place_is_number() -> None:
    root, _ = infer_one([{"v": 1}, {"v": 2.5}])
    assert root["type"] == "array"
    item = resolve(_, root["items"])
    assert item["properties"]["v"] == {"type": "number"}


def test_null_somewhere_makes_nullable_and_absence_makes_optional() -> None:
    value = [{"a": "x", "b": 1, "c": True}, {"a": None, "b": 2}]
    root, result = infer_one(value)
    item = resolve(result, root["items"])
    assert item["properties"]["a"] == {"type": ["string", "null"]}
    assert item["required"] == ["a", "b"]  # c is missing from the second item


def test_nullable_reference_uses_any_of() -> None:
    value = [{"owner": {"login": "a", "id": 1}}, {"owner": None}]
    root, result = infer_one(value)
    owner = resolve(result, root["items"])["properties"]["owner"]
    assert owner["anyOf"][1] == {"type": "null"}
    assert owner["anyOf"][0]["$ref"].startswith(REF)


def test_empty_string_suggests_null() -> None:
    root, _ = infer_one({"gravatar": ""})
    assert root["properties"]["gravatar"] == {"type": ["string", "null"]}


# --- arrays and unions ---------------------------------------------------------------------


def test_array_items_merge_every_item() -> None:
    root, result = infer_one({"xs": [{"a": 1}, {"b": "x"}, {"a": 2, "b": "y"}]})
    item = resolve(result, root["properties"]["xs"]["items"])
    assert set(item["properties"]) == {"a", "b"}
    assert "required" not in item


def test_mixed_item_kinds_give_a_union() -> None:
    root, _ = infer_one({"xs": [1, "a", None, [1]]})
    items = root["properties"]["xs"]["items"]
    assert "anyOf" in items
    kinds = {b.get("type") for b in items["anyOf"]}
    assert {"array", "string", "integer", "null"} <= kinds


def test_scalar_union_is_a_type_list() -> None:
    root, _ = infer_one({"xs": [1, "a", True]})
    assert set(root["properties"]["xs"]["items"]["type"]) == {"boolean", "integer", "string"}


def test_empty_containers_stay_open() -> None:
    root, result = infer_one({"tags": [], "meta": {}})
    assert root["properties"]["tags"] == {"type": "array"}
    assert root["properties"]["meta"] == {"type": "object"}
    assert len(result.components) == 1  # `{}` does not become a component


def test_empty_then_full_array_learns_items() -> None:
    root, _ = infer_one([{"tags": []}, {"tags": ["a"]}])
    item = resolve(_, root["items"])
    assert item["properties"]["tags"] == {"type": "array", "items": {"type": "string"}}


# --- formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-07-09T00:17:55Z", "date-time"),
        ("2020-07-09T00:17:55.123+02:00", "date-time"),
        ("2020-02-29", "date"),
        ("https://api.github.com/users/octocat", "uri"),
        ("http://[::1]:8080/x?y=1#z", "uri"),
        ("octocat@github.com", "email"),
        ("0b989ba4-242f-11e5-81e1-c7b6966d2516", "uuid"),
        ("192.168.0.1", "ipv4"),
        ("2001:db8::ff00:42:8329", "ipv6"),
    ],
)
def test_format_positive(text: str, expected: str) -> None:
    assert detect_format(text) == expected
    root, _ = infer_one({"v": [text, text]})
    assert root["properties"]["v"]["items"]["format"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "2020-13-01",  # month 13
        "2019-02-29",  # not a leap year
        "2020-07-09T25:00:00Z",
        "2020-07-09T00:17:55",  # no offset: not RFC 3339
        "2020-07-09 00:17:55Z",
        "https://api.github.com/users/octocat/events{/privacy}",  # a URI template
        "sha256:abc",
        "git@github.com:octocat/Hello-World.git",
        "https://",
        "a@b",
        "two@@signs.com",
        "0b989ba4242f11e581e1c7b6966d2516",
        "256.1.1.1",
        "01.1.1.1",
        "1:2:3",
        "hello",
        "",
    ],
)
def test_format_negative(text: str) -> None:
    assert detect_format(text) is None


def test_format_only_when_every_value_fits() -> None:
    root, _ = infer_one({"v": ["https://example.com/a", "not a uri"]})
    assert "format" not in root["properties"]["v"]["items"]


def test_format_checks_are_linear() -> None:
    # inputs that make backtracking patterns explode: must simply be rejected
    nasty = ["a" * 100_000 + "!", "1" * 50_000, "@" * 10_000, "https://" + "a." * 50_000 + "{"]
    for text in nasty:
        assert detect_format(text) is None
    assert is_uri("https://" + "a" * 60 + ".com/" + "x" * 5000)
    assert not is_email("a" * 70 + "@example.com")
    for check in (is_date, is_date_time, is_uuid, is_ipv4, is_ipv6, is_email, is_uri):
        assert check("x" * 200_000) is False


# --- maps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keys",
    [
        ["1", "2", "17"],
        ["0b989ba4-242f-11e5-81e1-c7b6966d2516", "1c989ba4-242f-11e5-81e1-c7b6966d2516"],
        ["6dcb09b5b57875f334f61aebed695e2e4193db5e"],
        ["2020-01-01", "2020-01-02"],
        ["hello_world.rb", "README.md"],
    ],
)
def test_data_keys_make_a_map(keys: list[str]) -> None:
    value = {"stats": {key: {"count": n, "size": n * 2} for n, key in enumerate(keys)}}
    root, result = infer_one(value)
    stats = root["properties"]["stats"]
    assert "properties" not in stats
    values = resolve(result, stats["additionalProperties"])
    assert set(values["properties"]) == {"count", "size"}


def test_many_keys_one_shape_make_a_map() -> None:
    value = {"users": {f"user{chr(97 + n % 26)}{n}x": {"id": n, "login": "a"} for n in range(25)}}
    root, _ = infer_one(value)
    assert "additionalProperties" in root["properties"]["users"]


def test_ordinary_records_stay_records() -> None:
    record = {"id": 1, "name": "a", "full_name": "a/b", "private": False, "owner": {"login": "x"}}
    root, _ = infer_one({"repo": record})
    repo = resolve(_, root["properties"]["repo"])
    assert set(repo["properties"]) == set(record)
    # 25 string fields with ordinary names: still a record (a GitHub user has 18 URL fields)
    wide = {f"field_{chr(97 + n)}": "x" for n in range(25)}
    root, _ = infer_one({"wide": wide})
    assert set(resolve(_, root["properties"]["wide"])["properties"]) == set(wide)


def test_data_key_classifier() -> None:
    assert all(is_data_key(k) for k in ["123", "-1", "", "a b", "x.y", "2020-01-01", "deadbeef1"])
    assert not any(
        is_data_key(k) for k in ["id", "login", "created_at", "htmlUrl", "x-rate", "$ref"]
    )


# --- unification ---------------------------------------------------------------------------

USER = {
    "login": "octocat",
    "id": 1,
    "avatar_url": "https://x.test/a",
    "type": "User",
    "site_admin": False,
}


def test_same_shape_across_endpoints_is_one_component_with_merged_evidence() -> None:
    a = sample({"title": "x", "user": dict(USER, name=None)}, "a.response", title="Get an issue")
    b = sample({"body": "y", "user": dict(USER, name="Mona")}, "b.response", title="Get a comment")
    c = sample(
        {"user": {k: v for k, v in USER.items() if k != "site_admin"} | {"name": "x"}}, "c.response"
    )
    result = infer_schemas([a, b, c])
    refs = {resolve_ref(result, key, "user") for key in ("a.response", "b.response", "c.response")}
    assert refs == {"User"}
    user = result.components["User"]
    assert user["properties"]["name"]["type"] == ["string", "null"]  # null in one example
    assert "site_admin" not in user["required"]  # missing in one example
    assert "login" in user["required"]
    assert_all_valid([a, b, c], result)


def resolve_ref(result: InferenceResult, key: str, prop: str) -> str:
    root = resolve(result, result.roots[key])
    ref = root["properties"][prop]
    return str(ref["$ref"])[len(REF) :]


def test_identical_shapes_never_give_two_components() -> None:
    shape = {"id": 1, "name": "x", "slug": "y"}
    samples = [
        sample({"team": shape}, "a.response"),
        sample({"project": shape}, "b.response"),
        sample([shape], "c.response", title="List things"),
    ]
    result = infer_schemas(samples)
    texts = [json.dumps(s, sort_keys=True) for s in result.components.values()]
    assert len(texts) == len(set(texts))
    assert len(
        {json.dumps(s["properties"], sort_keys=True) for s in result.components.values()}
    ) == len(texts)


def test_generic_wrappers_of_different_things_stay_apart() -> None:
    label = {"id": 1, "name": "bug", "color": "f00", "default": True, "description": "d"}
    page_a = {"total_count": 1, "incomplete_results": False, "items": [label]}
    page_b = {"total_count": 1, "incomplete_results": False, "items": [USER]}
    result = infer_schemas(
        [
            sample(page_a, "a.response", title="Search labels"),
            sample(page_b, "b.response", title="Search users"),
        ]
    )
    a, b = (resolve(result, result.roots[k]) for k in ("a.response", "b.response"))
    assert a["properties"]["items"] != b["properties"]["items"]


def test_collection_list_and_item_share_a_component() -> None:
    detail: dict[str, Any] = {
        "id": "1",
        "slug": "p",
        "name": "P",
        "platform": None,
        "status": "active",
    }
    detail |= {f"option_{n}": n for n in range(7)}  # the summary holds a third of it
    summary = {k: detail[k] for k in ("id", "slug", "name", "platform")}
    samples = [
        sample([summary], "list.response", title="List your Projects", api_path="/api/0/projects/"),
        sample(
            detail,
            "get.response",
            title="Retrieve a Project",
            api_path="/api/0/projects/{org}/{project}/",
        ),
    ]
    result = infer_schemas(samples)
    assert result.roots["list.response"]["items"] == result.roots["get.response"]
    assert_all_valid(samples, result)


def test_unrelated_shapes_stay_apart() -> None:
    result = infer_schemas(
        [
            sample({"user": USER}, "a.response"),
            sample({"label": {"name": "bug", "color": "f00", "default": True}}, "b.response"),
        ]
    )
    assert {"User", "Label"} <= set(result.components)


# --- naming --------------------------------------------------------------------------------


def test_names_come_from_properties_singular_for_arrays() -> None:
    value = {
        "user": USER,
        "projects": [{"id": 1, "name": "p", "slug": "s"}],
        "categories": [{"a": 1}],
    }
    root, result = infer_one(value, title="Get a dashboard")
    props = root["properties"]
    assert props["user"] == {"$ref": REF + "User"}
    assert props["projects"]["items"] == {"$ref": REF + "Project"}
    assert props["categories"]["items"] == {"$ref": REF + "Category"}
    assert result.roots["ep.response"] == {"$ref": REF + "Dashboard"}


def test_context_disambiguates_without_numbers() -> None:
    other_user = {"name": "x", "email": "a@b.co", "date": "2020-01-01"}
    result = infer_schemas(
        [
            sample({"user": USER}, "a.response", title="Get an issue"),
            sample({"user": USER, "x": 1}, "b.response", title="Get a comment"),
            sample(
                {"event": {"id": 1, "user": other_user}}, "c.response", title="Get an issue event"
            ),
        ]
    )
    names = set(result.components)
    assert "User" in names
    assert "EventUser" in names
    assert not any(name[-1].isdigit() for name in names)


def test_collisions_resolve_with_words_never_numbers() -> None:
    # five different shapes all wanting "Item" from the same title and section
    samples = [
        sample({"item": {f"k{n}_{m}": m for m in range(3)}}, f"s{n}.response", title="Get item")
        for n in range(5)
    ]
    result = infer_schemas(samples)
    assert len(result.components) >= 6
    for name in result.components:
        assert name.isidentifier() and name.isascii() and name[0].isupper()
        assert not name[-1].isdigit()
        assert not keyword.iskeyword(name)


def test_weird_property_names_give_valid_identifiers() -> None:
    value = {
        "class": {"a": 1},
        "None": {"b": 1},
        "123abc": {"c": 1},
        "sha256": {"d": 1},
        "über_straße": {"e": 1},
        "日本": {"f": 1},
        "x" * 100_000: {"g": 1},
        "": {"h": 1},
        "ok": 1,
    }
    _, result = infer_one(value)
    for name in result.components:
        assert name.isidentifier() and name.isascii(), name
        assert not any(ch.isdigit() for ch in name), name
        assert not keyword.iskeyword(name) and len(name) <= 120
    assert "Class" in result.components


def test_numbers_qualify_a_name_they_never_appear_in_it() -> None:
    score = {"vector_string": "CVSS:3.1/AV:N", "score": 7.5}
    value = {
        "severities": {"cvss_v3": score, "cvss_v4": dict(score, score=None)},
        "checksum": {"sha256": {"value": "ab", "verified": True}},
    }
    _, result = infer_one(value)
    assert "Cvss" in result.components  # not CvssV3 (nor CvssV3Object)
    assert "Sha" in result.components  # a word's letters stay when enough are left
    assert not any(ch.isdigit() for name in result.components for ch in name)


def test_request_body_is_named_after_the_title() -> None:
    item = sample(
        {"name": "p"}, "create.request", role="request", title="Create a New Project", method="POST"
    )
    result = infer_schemas([item])
    assert result.roots["create.request"] == {"$ref": REF + "CreateNewProjectRequest"}


def test_names_are_stable_when_an_unrelated_endpoint_is_added() -> None:
    base = [
        sample({"user": USER, "repo": {"id": 1, "name": "r", "private": False}}, "a.response"),
        sample({"user": dict(USER, bio="x")}, "b.response", title="Get a user"),
    ]
    before = infer_schemas(base)
    extra = sample(
        {"widget": {"gear": 1, "cog": "x"}}, "c.response", title="Get a widget", section="other"
    )
    after = infer_schemas([*base, extra])
    for key in ("a.response", "b.response"):
        assert after.roots[key] == before.roots[key]
    for name, schema in before.components.items():
        assert after.components[name] == schema


def test_word_helpers() -> None:
    assert words_of("pullRequest") == ("pull", "request")
    assert words_of("HTMLParser") == ("html", "parser")
    assert words_of("sha256_sum") == ("sha256", "sum")
    assert [
        singular(w) for w in ("categories", "statuses", "matches", "caches", "users", "status")
    ] == [
        "category",
        "status",
        "match",
        "cache",
        "user",
        "status",
    ]
    assert title_words("List repositories for a user", "response") == ("repositories",)
    assert title_words("Create a New Project", "request") == ("create", "new", "project")
    # An article after a plural object starts a clause about it: the object ends there.
    assert title_words("List the people a user follows", "response") == ("people",)
    long_title = "List repositories a fine-grained personal access token has access to"
    assert title_words(long_title, "response") == ("repositories",)
    # "all" qualifies nothing a name needs: `RequestedReviewers`, not `AllRequestedReviewers`.
    assert title_words("Get all requested reviewers for a pull request", "response") == (
        "requested",
        "reviewers",
    )
    # A context that already ends with the name, or with its plural, is not doubled.
    assert _ending_with("Repositories", "Repository") == "Repository"
    assert _ending_with("SelfHostedRunners", "Runner") == "SelfHostedRunner"
    assert _ending_with("SkippedRepository", "Repository") == "SkippedRepository"
    assert _ending_with("Search", "User") == "SearchUser"
    # After a singular word, an article is a filler as before (a compound verb, an adverb).
    assert title_words("Force cancel a workflow run", "response") == ("cancel", "workflow", "run")
    assert valid_name("Sha256") == "Sha"
    assert pascal(["oauth2", "token"]) == "OauthToken" and pascal(["cvss", "v3"]) == "Cvss"
    assert valid_name("None") != "None"


# --- determinism ---------------------------------------------------------------------------


def _corpus_like_samples() -> list[BodySample]:
    rng = random.Random(7)
    samples = []
    for n in range(30):
        user = dict(USER, id=n, name=None if n % 3 else "x")
        if n % 4 == 0:
            user.pop("site_admin")
        body = {"id": n, "user": user, "labels": [{"name": "l", "color": "f"}] * (n % 3)}
        if n % 5 == 0:
            body["assignee"] = None
        samples.append(
            sample(body, f"ep{n:02d}.response", title=rng.choice(["Get a thing", "List things"]))
        )
    return samples


def test_output_does_not_depend_on_sample_order() -> None:
    samples = _corpus_like_samples()
    expected = dumped(infer_schemas(samples))
    for seed in range(3):
        shuffled = list(samples)
        random.Random(seed).shuffle(shuffled)
        assert dumped(infer_schemas(shuffled)) == expected


def test_output_does_not_depend_on_hash_seed() -> None:
    code = (
        "import json, sys; sys.path.insert(0, 'tests');"
        "from test_infer import _corpus_like_samples, dumped;"
        "from apidocgen.infer import infer_schemas;"
        "print(dumped(infer_schemas(_corpus_like_samples())))"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1


# --- request bodies ------------------------------------------------------------------------


def test_documented_fields_merge_into_the_request_root() -> None:
    documented = (
        DocumentedField("name", {"type": "string"}, "The project's name.", True),
        DocumentedField("slug", {"type": "string"}, "A URL-safe slug.", False),
        DocumentedField("teams", {"type": "array", "items": {"type": "string"}}, "", False),
    )
    item = sample(
        {"name": "Pump Station"},
        "create.request",
        role="request",
        title="Create a New Project",
        method="POST",
        documented=documented,
    )
    result = infer_schemas([item])
    root = resolve(result, result.roots["create.request"])
    assert root["properties"]["name"] == {"type": "string", "description": "The project's name."}
    assert root["properties"]["slug"] == {"type": "string", "description": "A URL-safe slug."}
    assert root["properties"]["teams"] == {"type": "array", "items": {"type": "string"}}
    assert root["required"] == ["name"]  # documented fields absent from the example are optional
    assert_all_valid([item], result)


def test_documented_fields_of_an_empty_request_body_make_a_component() -> None:
    documented = (DocumentedField("name", {"type": "string"}, "The name.", True),)
    item = sample(
        {}, "create.request", role="request", title="Create a Team", documented=documented
    )
    result = infer_schemas([item])
    assert result.roots["create.request"] == {"$ref": REF + "CreateTeamRequest"}
    team = result.components["CreateTeamRequest"]
    assert team["properties"] == {"name": {"type": "string", "description": "The name."}}
    assert "required" not in team


def test_request_roots_keep_their_documentation_apart_from_responses() -> None:
    body = {"name": "x", "slug": "y", "id": 1}
    doc = (DocumentedField("name", {"type": "string"}, "The team's name.", False),)
    result = infer_schemas(
        [
            sample(body, "a.request", role="request", title="Update a Team", documented=doc),
            sample(body, "a.response", title="Update a Team"),
        ]
    )
    assert result.roots["a.request"] == {"$ref": REF + "UpdateTeamRequest"}
    assert result.roots["a.response"] == {"$ref": REF + "Team"}
    # without documentation the two are identical: one component, named for the response
    plain = infer_schemas(
        [
            sample(body, "a.request", role="request", title="Update a Team"),
            sample(body, "a.response", title="Update a Team"),
        ]
    )
    assert plain.roots["a.request"] == plain.roots["a.response"] == {"$ref": REF + "Team"}


# --- robustness and validity ---------------------------------------------------------------


def test_weird_input_does_not_crash_and_validates() -> None:
    deep: Any = "leaf"
    for n in range(64):
        deep = {"level": deep} if n % 2 else [deep]
    deeper: Any = 1
    for _ in range(300):
        deeper = [deeper]
    values = [
        deep,
        deeper,
        {"": 1, "class": 2, "123": 3, "ключ": 4, "x" * 100_000: 5, "$ref": 6},
        list(range(100_000)),
        [{"id": n, "v": str(n)} for n in range(20_000)],
        [],
        {},
        None,
        "text",
        3.5,
    ]
    samples = [sample(v, f"w{n}.response") for n, v in enumerate(values)]
    result = infer_schemas(samples)
    assert_all_valid([s for s in samples if s.key != "w1.response"], result)
    # past the depth limit the schema is open, never wrong
    jsonschema.Draft202012Validator(result.roots["w1.response"]).validate(deeper)


def test_many_shapes_of_one_name_stay_tractable() -> None:
    # hostile: every body's `child` shares its two common keys with every other's and differs
    # in a third, so all pairs are candidates; the engine bounds its comparisons
    samples = [
        sample({"child": {f"a{n}": 1, "b": 2, "c": 3}}, f"s{n:04d}.response") for n in range(600)
    ]
    result = infer_schemas(samples)
    assert_all_valid(samples[:50], result)
    assert not any(name[-1].isdigit() for name in result.components)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=40,
)
TITLES = st.sampled_from(["Get a thing", "List things", "Create a Thing", "Get a user", ""])


def _check_arbitrary(values: list[Any], titles: list[str]) -> None:
    samples = [
        sample(
            v,
            f"s{n}.{'request' if n % 3 == 2 else 'response'}",
            title=t,
            role="request" if n % 3 == 2 else "response",
        )
        for n, (v, t) in enumerate(zip(values, titles, strict=False))
    ]
    result = infer_schemas(samples)
    assert_all_valid(samples, result)
    for name in result.components:
        assert name.isidentifier() and not name[-1].isdigit()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(JSON, min_size=1, max_size=4), st.lists(TITLES, min_size=4, max_size=4))
def test_arbitrary_json_never_crashes_and_validates(values: list[Any], titles: list[str]) -> None:
    _check_arbitrary(values, titles)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(JSON, min_size=1, max_size=8), st.lists(TITLES, min_size=8, max_size=8))
def test_arbitrary_json_never_crashes_and_validates_many(
    values: list[Any], titles: list[str]
) -> None:
    _check_arbitrary(values, titles)


# --- names from identity, containers; grouping by collection -----------------------------


def _linked_user(login: str) -> dict[str, Any]:
    return dict(USER, login=login, url=f"https://api.x.test/users/{login}")


def test_an_object_linking_to_itself_is_named_after_its_resource_not_its_role() -> None:
    """Rule N1: the user under `owner`, `assignee` and `author` is a User; the keys are
    roles. The name comes from the link's collection (no endpoint returns the user)."""
    samples = [
        sample({"id": 1, "url": "https://api.x.test/repos/o/r", "owner": _linked_user("a")},
               "a.response", title="Get a repository", api_path="/repos/{owner}/{repo}"),
        sample([{"id": 2, "url": "https://api.x.test/repos/o/r/issues/2",
                 "assignee": _linked_user("b"), "owner": _linked_user("c")}],
               "b.response", title="List issues", api_path="/repos/{owner}/{repo}/issues"),
        sample({"id": 3, "url": "https://api.x.test/repos/o/r/issues/3", "owner": _linked_user("d"),
                "author": _linked_user("e")},
               "c.response", title="Get an issue", api_path="/repos/{owner}/{repo}/issues/{n}"),
    ]  # fmt: skip
    result = infer_schemas(samples)
    assert resolve_ref(result, "a.response", "owner") == "User"
    assert resolve_ref(result, "c.response", "author") == "User"
    assert result.roots["a.response"] == {"$ref": REF + "Repository"}
    assert result.roots["c.response"] == {"$ref": REF + "Issue"}
    assert_all_valid(samples, result)


def test_titles_are_not_read_as_abbreviations_paths_are() -> None:
    """A resource named by its GET title keeps the title's words ("pull request", though the
    API also names a `requester`); one named by its path spells the API's word out."""
    pull = {"id": 1, "url": "https://api.x.test/repos/o/r/pulls/1", "number": 1}
    samples = [
        sample(pull, "a.response", title="Get a pull request",
               api_path="/repos/{owner}/{repo}/pulls/{n}"),
        sample({"id": 2, "url": "https://api.x.test/repos/o/r", "name": "r",
                "repository": {"id": 3, "name": "s", "private": False},
                "requester": {"login": "x", "id": 4, "type": "User"}},
               "b.response", title="Show a thing", api_path="/things/{repo}"),
        sample([{"id": 5, "url": "https://api.x.test/repos/o/r", "name": "t"}], "c.response",
               title="List things", api_path="/repos/{owner}/{repo}/things"),
    ]  # fmt: skip
    result = infer_schemas(samples)
    assert result.roots["a.response"] == {"$ref": REF + "PullRequest"}  # not PullRequester
    assert result.roots["c.response"]["items"] == {"$ref": REF + "Repository"}  # `repos`


def test_a_word_with_a_suffix_is_not_what_a_path_abbreviates() -> None:
    """`commits` names a commit, though the API names a `committer`: a longer word that is the
    path's word plus a suffix is another word, not its spelling out (`repos` still is)."""
    person = {"name": "x", "email": "x@x.test", "date": "2024-01-01T00:00:00Z"}
    commit = {
        "sha": "a1",
        "url": "https://api.x.test/repos/o/r/commits/a1",
        "message": "m",
        "committer": person,
        "tree": {"sha": "b2"},
    }
    samples = [
        sample({"id": 1, "url": "https://api.x.test/repos/o/r", "commit": commit},
               "a.response", title="Show a thing", api_path="/things/{id}"),
        sample([{"id": 2, "url": "https://api.x.test/repos/o/r", "name": "t"}], "b.response",
               title="List things", api_path="/repos/{owner}/{repo}/commits/{sha}/things"),
        sample({"id": 3, "repository": {"id": 4, "url": "https://api.x.test/repos/o/s",
                                        "name": "s"}}, "c.response",
               title="Show another thing", api_path="/others/{id}"),
    ]  # fmt: skip
    result = infer_schemas(samples)
    assert resolve_ref(result, "a.response", "commit") == "Commit"  # not Committer
    person_ref = result.components["Commit"]["properties"]["committer"]
    assert person_ref == {"$ref": REF + "Committer"}
    assert result.roots["b.response"]["items"] == {"$ref": REF + "Repository"}  # `repos`


def test_a_link_to_a_single_resource_under_another_is_named_by_its_get_endpoint() -> None:
    """`/repos/o/hello/import` is the import of a repository (GET "Get an import status"),
    not something of a collection called `hello`."""
    status = {"vcs": "git", "status": "complete", "url": "https://api.x.test/repos/o/hello/import"}
    samples = [
        sample(status, "a.response", title="Get an import status",
               api_path="/repos/{owner}/{repo}/import"),
        sample({"id": 1, "import": dict(status, status="importing")}, "b.response",
               title="Show a thing", api_path="/things/{id}"),
        sample({"id": 3, "url": "https://api.x.test/repos/o/hello", "name": "hello"},
               "c.response", title="Get a repository", api_path="/repos/{owner}/{repo}"),
    ]  # fmt: skip
    result = infer_schemas(samples)
    assert result.roots["a.response"] == {"$ref": REF + "ImportStatus"}
    assert resolve_ref(result, "b.response", "import") == "ImportStatus"
    assert result.roots["c.response"] == {"$ref": REF + "Repository"}


def test_a_link_that_points_outside_the_api_names_nothing() -> None:
    hook = {"url": "https://hooks.example.com/deliver", "content_type": "json", "secret": "s"}
    result = infer_schemas([sample({"id": 1, "config": hook}, title="Get a hook")])
    assert resolve_ref(result, "ep.response", "config") == "Config"


def test_like_values_of_one_object_take_its_name() -> None:
    """Rule N2: `_links.self`, `_links.html`, `_links.issue` are links, not an `Html`."""
    links = {key: {"href": f"https://x.test/{key}"} for key in ("self", "html", "issue")}
    result = infer_schemas([sample({"id": 1, "_links": links}, title="Get a pull request")])
    root = resolve(result, result.roots["ep.response"])
    container = resolve(result, root["properties"]["_links"])
    assert {p["$ref"] for p in container["properties"].values()} == {REF + "Link"}


def test_one_title_word_does_not_merge_things_of_two_collections() -> None:
    """A secret and a variable share `organization` in their titles and most keys; different
    collections keep them apart. The same keys under one collection still merge."""
    secret = {
        "name": "S",
        "created_at": "2020-01-01T00:00:00Z",
        "updated_at": "2020-01-01T00:00:00Z",
        "visibility": "all",
        "selected_repositories_url": "https://x.test/s",
    }
    variable = dict(secret, value="v")
    samples = [
        sample(secret, "a.response", title="Get an organization secret",
               api_path="/orgs/{org}/actions/secrets/{name}"),
        sample(variable, "b.response", title="Get an organization variable",
               api_path="/orgs/{org}/actions/variables/{name}"),
    ]  # fmt: skip
    result = infer_schemas(samples)
    assert result.roots["a.response"] != result.roots["b.response"]
    together = infer_schemas(
        [samples[0], sample(variable, "b.response", title="Update an organization secret",
                            api_path="/orgs/{org}/actions/secrets/{name}")]
    )  # fmt: skip
    assert together.roots["a.response"] == together.roots["b.response"]


# --- optional and nullable from more evidence --------------------------------------------


def test_examples_of_one_operation_are_one_place() -> None:
    """Rule O1: two examples of one operation; the property one lacks is optional, even where
    the two shapes share too few keys for any other rule to merge them."""
    full = {"id": 1, "state": "open", "labels": ["a"], "merged": False, "note": "x"}
    short = {"id": 2, "body": "b"}
    samples = [
        sample(full, "op.response"),
        BodySample("op.response#2", "response", short, "op", "Get a thing", "/things/{id}",
                   "GET", "things"),
    ]  # fmt: skip
    result = infer_schemas(samples)
    assert result.roots["op.response"] == result.roots["op.response#2"]
    schema = resolve(result, result.roots["op.response"])
    assert schema.get("required") == ["id"]
    assert_all_valid(samples, result)


def test_a_description_that_says_null_or_optional_marks_the_field() -> None:
    """Rule O2: "`email` ... will have a value of `null`" makes `email` nullable; "`plan` is
    only included ..." makes `plan` optional; other fields keep their evidence."""
    text = (
        "Gets a user. If you do not set a public address for `email`, then it will have a "
        "value of `null`.\n\nThe `plan` object is only included for the authenticated user."
    )
    user = {"login": "a", "email": "a@x.test", "plan": {"name": "pro"}}
    result = infer_schemas([BodySample("ep.response", "response", user, "ep", "Get a user",
                                       "/users/{u}", "GET", "users", description=text)])  # fmt: skip
    schema = resolve(result, result.roots["ep.response"])
    assert schema["properties"]["email"]["type"] == ["string", "null"]
    assert schema["required"] == ["email", "login"]
