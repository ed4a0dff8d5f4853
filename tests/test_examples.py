"""Several examples per endpoint: the descriptor's optional `examples` list teaches inference,
shows as tabs on the endpoint's page, reaches openapi.json and is served by the mock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from apidocgen.config import Config
from apidocgen.mock import ReplayServer
from apidocgen.pipeline import run
from tests.conftest import ROOT, run_cli

TEAM = {"id": "1", "slug": "ops", "name": "Ops", "lead": None}


def response(body: Any, status: str = "200 OK") -> str:
    return f"HTTP/1.1 {status}\nContent-Type: application/json\n\n{json.dumps(body, indent=2)}"


def descriptor(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "api_path": "/api/0/teams/{team}/",
        "method": "GET",
        "title": "Retrieve a Team",
        "path_parameters": [{"name": "team", "type": "string", "description": "the team."}],
        "example_request": "GET /api/0/teams/ops/ HTTP/1.1\nHost: sentry.io",
        "example_response": response(TEAM),
    }
    data.update(fields)
    return data


def write(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "teams" / "get-team.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{json.dumps(data, indent=2)}\n---\n", "utf-8")
    return path


EXTRA = [
    {
        "name": "with a lead",
        "request": "GET /api/0/teams/infra/ HTTP/1.1\nHost: sentry.io",
        "response": response({"id": "2", "name": "Infra", "lead": {"id": "7", "email": "a@b.c"}}),
    },
    {"response": response({"detail": "Not found"}, "404 Not Found")},
]


def generate(tmp_path: Path, data: dict[str, Any]) -> dict[str, str]:
    write(tmp_path / "in", data)
    result = run(Config(input=tmp_path / "in", output=tmp_path / "out"))
    assert not result.failed, [d.format() for d in result.diagnostics]
    return result.files


def test_every_example_is_evidence_for_the_schema(tmp_path: Path) -> None:
    one = json.loads(generate(tmp_path / "one", descriptor())["openapi.json"])
    many = json.loads(generate(tmp_path / "many", descriptor(examples=EXTRA))["openapi.json"])

    def team_schema(document: dict[str, Any]) -> dict[str, Any]:
        op = document["paths"]["/api/0/teams/{team}/"]["get"]
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        found: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        return found

    assert "slug" in team_schema(one)["required"]
    schema = team_schema(many)
    assert "slug" not in schema["required"]  # the second example has none: optional
    assert "id" in schema["required"] and "name" in schema["required"]
    lead = json.dumps(schema["properties"]["lead"])
    assert '"null"' in lead and "$ref" in lead  # null in one example, an object in the other


def test_openapi_lists_each_status_and_names_the_examples(tmp_path: Path) -> None:
    document = json.loads(generate(tmp_path, descriptor(examples=EXTRA))["openapi.json"])
    responses = document["paths"]["/api/0/teams/{team}/"]["get"]["responses"]
    assert sorted(responses) == ["200", "404"]
    examples = responses["200"]["content"]["application/json"]["examples"]
    assert list(examples) == ["example", "with a lead"]
    assert examples["with a lead"]["value"]["name"] == "Infra"
    assert responses["404"]["content"]["application/json"]["example"] == {"detail": "Not found"}


def test_the_page_shows_further_examples_as_tabs(tmp_path: Path) -> None:
    page = generate(tmp_path, descriptor(examples=EXTRA))["teams/get-team.md"]
    section = page.split("## More examples", 1)[1]
    assert '=== "with a lead"' in section and '=== "404"' in section
    assert "GET /api/0/teams/infra/ HTTP/1.1" in section
    assert "HTTP/1.1 404 Not Found" in section


def test_the_mock_serves_the_first_and_the_others_on_request(tmp_path: Path) -> None:
    write(tmp_path / "in", descriptor(examples=EXTRA))
    result = run(Config(input=tmp_path / "in", output=tmp_path / "out"))
    assert result.api is not None
    with ReplayServer(result.api) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/api/0/teams/ops/").json()["slug"] == "ops"
        named = client.get("/api/0/teams/x/", headers={"Prefer": 'example="With a lead"'})
        assert named.json()["name"] == "Infra"
        assert client.get("/api/0/teams/x/", headers={"Prefer": "code=404"}).status_code == 404
        missing = client.get("/api/0/teams/x/", headers={"Prefer": "example=nope"})
        assert missing.status_code == 404 and "with a lead" in missing.json()["detail"]


def test_bad_examples_are_located_diagnostics(tmp_path: Path) -> None:
    write(tmp_path / "in", descriptor(examples=[{"response": 3}]))
    done = run_cli("lint", "-i", str(tmp_path / "in"))
    assert done.returncode == 1
    assert "get-team.md:" in done.stderr and "field 'examples.0.response'" in done.stderr
    write(tmp_path / "in", descriptor(examples=[{"name": "empty"}, {"response": "HTTP/1.1 abc"}]))
    done = run_cli("lint", "-i", str(tmp_path / "in"))
    assert "examples[0] has neither a request nor a response; left out" in done.stderr
    assert "example 'Example 3':" in done.stderr


def test_the_seed_descriptor_stays_valid_and_untouched(tmp_path: Path) -> None:
    seed = ROOT / "api-docs" / "events" / "get-group-events.md"
    before = seed.read_bytes()
    done = run_cli("lint", "-i", str(ROOT / "api-docs"))
    assert done.returncode == 0, done.stderr
    assert seed.read_bytes() == before
