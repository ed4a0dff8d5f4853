"""`apidocgen import har`: recorded traffic into descriptors, secrets left out, merging safe.

HAR files here are written by the tests in the shapes real tools write (base64 and
compressed bodies, form posts, extension fields, missing optional fields); files written by
Chromium and mitmproxy themselves are in tests/test_capture_tools.py.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from apidocgen.capture import ImportOptions, plan_import, read_har, write_plan
from apidocgen.capture.routes import Sample, find_routes
from apidocgen.config import Config
from apidocgen.pipeline import run
from tests.conftest import ROOT, run_cli

SECRET = "sk_live_0123456789abcdef"


def entry(
    method: str,
    url: str,
    status: int = 200,
    body: Any = None,
    *,
    request_headers: list[tuple[str, str]] | None = None,
    response_headers: list[tuple[str, str]] | None = None,
    content: dict[str, Any] | None = None,
    post: dict[str, Any] | None = None,
) -> dict[str, Any]:
    text = json.dumps(body) if body is not None else ""
    headers = response_headers or [("Content-Type", "application/json")]
    request: dict[str, Any] = {
        "method": method,
        "url": url,
        "headers": [{"name": k, "value": v} for k, v in request_headers or []],
        "_initiator": {"type": "script"},  # an extension field: ignored
    }
    if post is not None:
        request["postData"] = post
    return {
        "request": request,
        "response": {
            "status": status,
            "statusText": "OK" if status < 400 else "Not Found",
            "headers": [{"name": k, "value": v} for k, v in headers],
            "content": content or {"mimeType": headers[0][1], "text": text},
        },
    }


def har(path: Path, entries: list[Any]) -> Path:
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), "utf-8")
    return path


def team(number: int) -> dict[str, Any]:
    return {"id": number, "slug": f"team-{number}", "name": f"Team {number}", "members": number}


TEAMS = [
    entry("GET", "https://api.example.com/api/0/teams/42/", body=team(42)),
    entry("GET", "https://api.example.com/api/0/teams/7/", body=team(7) | {"lead": None}),
    entry("GET", "https://api.example.com/api/0/teams/?cursor=abc&per_page=2", body=[team(1)]),
]


def imported(tmp_path: Path, entries: list[Any], *args: str) -> tuple[Any, Path]:
    into = tmp_path / "api-docs"
    file = har(tmp_path / "traffic.har", entries)
    done = run_cli("import", "har", str(file), "--into", str(into), *args, cwd=tmp_path)
    return done, into


def front(path: Path) -> dict[str, Any]:
    text = path.read_text("utf-8")
    data: dict[str, Any] = json.loads(text.split("\n---\n", 1)[0].split("\n", 2)[2])
    return data


def test_an_import_into_an_empty_folder_makes_descriptors_that_generate(tmp_path: Path) -> None:
    done, into = imported(tmp_path, TEAMS)
    assert done.returncode == 0, done.stderr
    assert "new teams/retrieve-a-team.md: GET /api/0/teams/{team_id}/ (2 exchange(s)" in done.stdout
    assert "  parameter team_id: '42' in /api/0/teams/42/ is an identifier" in done.stdout
    item = front(into / "teams" / "retrieve-a-team.md")
    assert item["title"] == "Retrieve a Team"
    assert item["path_parameters"] == [{"description": None, "name": "team_id", "type": "int"}]
    assert len(item["examples"]) == 1 and item["examples"][0]["name"] == "200 team_id=7"
    listing = front(into / "teams" / "list-teams.md")
    assert listing["api_path"] == "/api/0/teams/"
    assert [p["name"] for p in listing["query_parameters"]] == ["cursor", "per_page"]
    assert listing["query_parameters"][1]["type"] == "int"
    result = run(Config(input=into, output=tmp_path / "out"))
    assert not result.failed, [d.format() for d in result.diagnostics]
    document = json.loads(result.files["openapi.json"])
    assert sorted(document["paths"]) == ["/api/0/teams/", "/api/0/teams/{team_id}/"]
    schema = json.dumps(document["components"]["schemas"])
    assert '"lead"' in schema  # the second example's field reached the schema


def test_importing_the_same_traffic_twice_changes_nothing(tmp_path: Path) -> None:
    imported(tmp_path, TEAMS)
    into = tmp_path / "api-docs"
    before = {p: p.read_bytes() for p in into.rglob("*.md")}
    done, _ = imported(tmp_path, TEAMS)
    assert done.returncode == 0
    assert {p: p.read_bytes() for p in into.rglob("*.md")} == before
    assert "unchanged teams/retrieve-a-team.md: 2 exchange(s) already shown" in done.stdout


def test_merging_adds_examples_and_never_rewrites_a_hand_written_field(tmp_path: Path) -> None:
    into = tmp_path / "api-docs"
    (into / "teams").mkdir(parents=True)
    seed = (ROOT / "api-docs" / "teams" / "get-organization-teams.md").read_text("utf-8")
    (into / "teams" / "get-organization-teams.md").write_text(seed, "utf-8")
    data = front(into / "teams" / "get-organization-teams.md")
    url = "https://sentry.io/api/0/organizations/acme/teams/"
    done, _ = imported(tmp_path, [entry("GET", url, body=[team(3)])])
    assert done.returncode == 0, done.stderr
    assert "add 1 example(s) to teams/get-organization-teams.md" in done.stdout
    after = (into / "teams" / "get-organization-teams.md").read_text("utf-8")
    assert after.startswith(seed[: seed.rindex('"warning"')])  # every byte before is kept
    merged = front(into / "teams" / "get-organization-teams.md")
    assert {k: v for k, v in merged.items() if k != "examples"} == data
    assert merged["examples"][0]["name"] == "200 organization_slug=acme"


def test_secrets_become_placeholders_and_are_listed(tmp_path: Path) -> None:
    entries = [
        entry(
            "POST",
            f"https://api.example.com/v1/sessions?api_key={SECRET}&page=1",
            201,
            {"token": SECRET, "user": "ada"},
            request_headers=[
                ("Authorization", f"Bearer {SECRET}"),
                ("Cookie", f"session={SECRET}"),
                ("X-Api-Key", SECRET),
                ("X-Request-Id", "r-1"),
                ("Content-Type", "application/json"),
            ],
            response_headers=[("Content-Type", "application/json"), ("Set-Cookie", f"s={SECRET}")],
            post={"mimeType": "application/json", "text": json.dumps({"password": SECRET})},
        )
    ]
    done, into = imported(tmp_path, entries, "--keep-header", "x-request-id")
    assert done.returncode == 0, done.stderr
    written = "".join(p.read_text("utf-8") for p in into.rglob("*.md"))
    assert SECRET not in written and SECRET not in done.stdout
    assert "Authorization: Bearer <token>" in written and "X-Request-Id: r-1" in written
    line = next(x for x in done.stdout.splitlines() if x.startswith("secrets replaced"))
    for name in (
        "header Authorization",
        "header Cookie",
        "header Set-Cookie",
        "header X-Api-Key",
        "query api_key",
        "body field password",
        "body field token",
    ):
        assert name in line
    item = front(next(into.rglob("*.md")))
    assert [p["name"] for p in item["query_parameters"]] == ["page"]  # the key is not documented


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    done, into = imported(tmp_path, TEAMS, "--dry-run")
    assert done.returncode == 0
    assert "new teams/retrieve-a-team.md" in done.stdout
    assert "dry run: 2 file(s) would change; nothing written" in done.stdout
    assert not into.exists()


def test_hosts_prefixes_and_content_types_are_filtered_and_said(tmp_path: Path) -> None:
    entries = [
        *TEAMS,
        entry(
            "GET", "https://fonts.example.net/css", response_headers=[("Content-Type", "text/css")]
        ),
        entry("GET", "https://stats.example.org/hit/1", body={"ok": 1}),
        entry("GET", "https://api.example.com/", response_headers=[("Content-Type", "text/html")]),
    ]
    done, into = imported(tmp_path, entries)
    assert "skipped 1 exchange(s) to another host (fonts.example.net)" in done.stdout
    assert "skipped 1 exchange(s) to another host (stats.example.org)" in done.stdout
    assert "skipped 1 exchange(s) not API traffic (text/html)" in done.stdout
    (tmp_path / "x").mkdir()
    done, _ = imported(tmp_path / "x", entries, "--host", "stats.example.org")
    assert "new hit/retrieve-a-hit.md: GET /hit/{hit_id}" in done.stdout


def test_bodies_as_tools_write_them(tmp_path: Path) -> None:
    payload = json.dumps(team(5)).encode()
    entries = [
        entry(
            "GET",
            "https://api.example.com/teams/5",
            content={
                "mimeType": "application/json",
                "encoding": "base64",
                "text": base64.b64encode(payload).decode(),
            },
        ),
        entry(
            "GET",
            "https://api.example.com/teams/6",
            response_headers=[("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
            content={
                "mimeType": "application/json",
                "encoding": "base64",
                "text": base64.b64encode(gzip.compress(json.dumps(team(6)).encode())).decode(),
            },
        ),
        entry(
            "POST",
            "https://api.example.com/teams",
            201,
            team(8),
            post={
                "mimeType": "application/x-www-form-urlencoded",
                "params": [{"name": "name", "value": "Team 8"}],
            },
        ),
        entry(
            "GET",
            "https://api.example.com/teams/9/avatar",
            response_headers=[("Content-Type", "image/png")],
            content={
                "mimeType": "image/png",
                "encoding": "base64",
                "text": base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00").decode(),
            },
        ),
    ]
    exchanges, problems = read_har(har(tmp_path / "t.har", entries))
    assert [e.response_body[:8] for e in exchanges[:2]] == ['{"id": 5', '{"id": 6']
    assert exchanges[2].request_body == "name=Team+8"
    assert exchanges[3].response_body == ""
    assert [d.format() for d in problems] == [
        f"{tmp_path / 't.har'}:1:1: warning: entry 3: response body is not text (image/png,"
        " 10 bytes); left out"
    ]


def test_a_body_the_har_did_not_record_is_named(tmp_path: Path) -> None:
    """A HAR saved without content (or a response still arriving when the recording stopped)
    gives its size and no text: the exchange is read, and the missing body is a warning."""
    entries = [
        entry("GET", "https://api.example.com/teams/1/", content={"size": 57, "mimeType": "x"}),
        entry(
            "GET",
            "https://api.example.com/teams/2/",
            response_headers=[("Content-Type", "application/json"), ("Content-Length", "12")],
            content={"mimeType": "application/json", "text": ""},
        ),
        entry("DELETE", "https://api.example.com/teams/3/", 204, content={"size": 0}),
    ]
    exchanges, problems = read_har(har(tmp_path / "t.har", entries))
    assert [e.response_body for e in exchanges] == ["", "", ""]
    assert [d.format() for d in problems] == [
        f"{tmp_path / 't.har'}:1:1: warning: entry {n}: response body ({size} bytes) is not in"
        " the HAR; left out"
        for n, size in ((0, 57), (1, 12))
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"log": {"entries": [{"request"', ":1:32: error: HAR file is not valid JSON: "),
        ('{"version": 1}', ":1:1: error: not a HAR file: no 'log' object"),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "https://a.b/x"}}]}}',
            ":1:1: error: entry 0: has no response (the request never completed?)",
        ),
    ],
)
def test_malformed_har_is_one_line_and_nothing_is_written(
    tmp_path: Path, text: str, message: str
) -> None:
    file = tmp_path / "bad.har"
    file.write_text(text, "utf-8")
    done = run_cli("import", "har", str(file), "--into", str(tmp_path / "out"))
    assert done.returncode == 1
    assert f"{file}{message}" in done.stderr
    assert "Traceback" not in done.stderr and "nothing written" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_har_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    file = har(tmp_path / "big.har", TEAMS)
    done = run_cli(
        "import", "har", str(file), "--max-har-bytes", "100", "--into", str(tmp_path / "o")
    )
    assert done.returncode == 1
    assert "over the limit" in done.stderr and not (tmp_path / "o").exists()


def test_routes_from_concrete_paths() -> None:
    def routes(*paths: str, declared: tuple[str, ...] = ()) -> list[str]:
        samples = [Sample("GET", p, None) for p in paths]
        return [r.template for r in find_routes(samples, declared=declared)]

    uuid = "0b5c9a0e-5b5f-4b8e-9a6c-2f1d3e4c5b6a"
    assert routes(f"/jobs/{uuid}", "/commits/9fceb02d0ae598e95dc970b74767f19372d61af8") == [
        "/jobs/{job_id}",
        "/commits/{commit_id}",
    ]
    assert routes("/orgs/acme/teams", "/orgs/initech/teams", "/orgs/acme/members") == [
        "/orgs/{org_slug}/teams",
        "/orgs/{org_slug}/teams",
        "/orgs/{org_slug}/members",
    ]
    # Words used elsewhere as literals stay literal, even where they vary.
    assert routes(
        "/repos/o/r/issues/comments", "/repos/o/r/pulls/comments", "/search/issues", "/search/pulls"
    )[:2] == ["/repos/o/r/issues/comments", "/repos/o/r/pulls/comments"]
    assert routes("/api/0/projects/{project}/keys/") == ["/api/0/projects/{project}/keys/"]
    assert routes("/teams/x/members", declared=("/teams/{team}/members",)) == [
        "/teams/{team}/members"
    ]


def test_plan_import_as_a_library(tmp_path: Path) -> None:
    exchanges, _ = read_har(har(tmp_path / "t.har", TEAMS))
    plan = plan_import(exchanges, tmp_path / "docs", ImportOptions(max_examples=0))
    assert len(plan.created) == 2
    assert "  1 more distinct exchange(s) left out (--max-examples)" in plan.report
    assert write_plan(plan) == sorted(str(p) for p in plan.files)
