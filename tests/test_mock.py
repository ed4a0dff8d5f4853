"""`apidocgen mock`: the replay server, on its own and from the command line."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from apidocgen.config import Config
from apidocgen.mock import (
    ReplayServer,
    defaulted_summary,
    rewrite_link_header,
    serve,
)
from apidocgen.model import Api
from apidocgen.paths import template_regex
from apidocgen.pipeline import run
from tests.conftest import ROOT, corpus_dir, write_descriptor

RESPONSE = (
    "HTTP/1.1 200 OK\n"
    "Content-Length: 99999\n"
    "Content-Type: application/json\n"
    "Connection: close\n"
    'Link: <https://api.example.test/items/?cursor=2>; rel="next"; results="true", </items/?cursor=0>; rel="previous"\n'
    "X-Custom: kept\n"
    "\n"
    '[{"id": 1}]'
)


def api(tmp_path: Path) -> Api:
    """A small API: a paginated list, a nested route whose literal text must win, an error
    example, a 204 and an operation without an example; served under the base path /v1."""
    operations = {
        "items/list-items.md": ("GET", "/items/", RESPONSE),
        "items/get-item.md": ("GET", "/items/{item_id}/", 'HTTP/1.1 200 OK\n\n{"id": 2}'),
        "items/delete-item.md": ("DELETE", "/items/{item_id}/", "HTTP/1.1 204 No Content\n\n"),
        "items/latest.md": (
            "GET",
            "/items/{item_id}/latest/",
            'HTTP/1.1 200 OK\n\n{"latest": true}',
        ),
        "broken/broken.md": (
            "GET",
            "/broken/",
            'HTTP/1.1 404 NOT FOUND\nContent-Type: application/json\n\n{"detail": "x"}',
        ),
        "nothing/nothing.md": ("POST", "/nothing/", ""),
    }
    for name, (method, path, response) in operations.items():
        data = {"api_path": path, "method": method, "title": name, "example_response": response}
        write_descriptor(tmp_path / "in", name, json.dumps(data))
    config = Config(input=tmp_path / "in", base_url="https://api.example.test/v1")
    result = run(config)
    assert result.api is not None, [d.format() for d in result.diagnostics]
    return result.api


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with ReplayServer(api(tmp_path_factory.mktemp("mock"))) as replay:
        yield replay


def test_replays_status_headers_and_body_with_recomputed_length(server: ReplayServer) -> None:
    response = httpx.get(server.url + "/items/")
    assert response.status_code == 200
    assert response.json() == [{"id": 1}]
    assert response.headers["content-length"] == str(len(b'[{"id": 1}]'))
    assert response.headers["x-custom"] == "kept"
    assert response.headers.get("connection") != "close"


def test_link_urls_point_at_the_mock(server: ReplayServer) -> None:
    link = httpx.get(server.url + "/items/").headers["link"]
    assert f"<{server.url}/items/?cursor=2>" in link and "api.example.test" not in link
    assert "</items/?cursor=0>" in link  # relative links stay relative
    assert rewrite_link_header("<https://a.test:8443/x?y=1>; rel=next", "http://127.0.0.1:5") == (
        "<http://127.0.0.1:5/x?y=1>; rel=next"
    )


def test_following_the_next_link_reaches_a_last_page(server: ReplayServer) -> None:
    first = httpx.get(server.url + "/items/")
    assert 'rel="next"' in first.headers["link"] or "rel=next" in first.headers["link"]
    second = httpx.get(server.url + "/items/?cursor=2")
    assert second.json() == first.json()
    assert "next" not in second.headers.get("link", "")
    assert "cursor=0" in second.headers.get("link", "")  # the other links stay


def test_each_parameter_matches_exactly_one_encoded_segment(server: ReplayServer) -> None:
    assert httpx.get(server.url + "/items/a%2Fb/").json() == {"id": 2}
    assert httpx.get(server.url + "/items/7/latest/").json() == {"latest": True}  # literal wins
    assert httpx.get(server.url + "/items/a/b/").status_code == 404
    assert template_regex("/a/{x}/b").fullmatch("/a/1/b")
    assert not template_regex("/a/{x}/b").fullmatch("/a/1/2/b")


def test_unknown_routes_get_json_404_and_wrong_methods_405(server: ReplayServer) -> None:
    missing = httpx.get(server.url + "/nope/")
    assert missing.status_code == 404 and "no documented operation" in missing.json()["detail"]
    wrong = httpx.put(server.url + "/items/1/", json={"a": 1})
    assert wrong.status_code == 405 and wrong.headers["allow"] == "DELETE, GET"


def test_error_examples_no_content_head_and_undocumented(server: ReplayServer) -> None:
    # An operation whose only example is an error answers the default; the error on request.
    default = httpx.get(server.url + "/broken/")
    assert default.status_code == 204 and default.content == b""
    asked = httpx.get(server.url + "/broken/", headers={"Prefer": "code=404"})
    assert asked.status_code == 404 and asked.json() == {"detail": "x"}
    other = httpx.get(server.url + "/items/1/", headers={"Prefer": "code=500"})
    assert other.status_code == 404
    assert other.json()["detail"] == (
        "no example with status 500 is documented for get_item (documented: 200)"
    )
    deleted = httpx.delete(server.url + "/items/1/")
    assert deleted.status_code == 204 and deleted.content == b""
    head = httpx.head(server.url + "/items/")
    assert head.status_code == 200 and head.content == b""
    nothing = httpx.post(server.url + "/nothing/", content=b"x" * 10)
    assert nothing.status_code == 204 and nothing.content == b""


def test_server_base_path_prefix_is_accepted(server: ReplayServer) -> None:
    assert httpx.get(server.url + "/v1/items/1/").json() == {"id": 2}


def test_every_sentry_operation_answers_its_success_example_or_the_default() -> None:
    result = run(Config(input=corpus_dir("sentry"), package="mock_sentry_api"))
    assert result.api is not None and result.openapi is not None
    answered: dict[int, int] = {}
    with ReplayServer(result.api) as replay, httpx.Client(base_url=replay.url) as http:
        for path, item in result.openapi["paths"].items():
            for method, operation in item.items():
                status = next(iter(operation["responses"]))
                concrete = path.replace("{", "x").replace("}", "")
                response = http.request(method.upper(), concrete)
                success = status.isdigit() and int(status) < 400
                expected = int(status) if success else 204
                assert response.status_code == expected, (method, path)
                answered[expected] = answered.get(expected, 0) + 1
                if status.isdigit() and not success:
                    asked = http.request(
                        method.upper(), concrete, headers={"Prefer": f"code={status}"}
                    )
                    assert asked.status_code == int(status), (method, path)
    # No operation is left without an answer a client can use (no 501, no 405).
    assert sum(answered.values()) > 50 and set(answered) <= {200, 201, 202, 204}
    assert answered[204] >= 20  # the empty examples (DELETE and others) answer 204


def test_operations_without_a_success_example_are_listed(server: ReplayServer) -> None:
    lines = defaulted_summary(server.routes).splitlines()
    assert lines == [
        "apidocgen mock: 1 operation(s) have no example response and answer 204 No Content:",
        "  POST /nothing/ (nothing)",
        "apidocgen mock: 1 operation(s) have only an error example and answer 204 No Content; "
        "send `Prefer: code=<status>` for the example:",
        "  GET /broken/ (broken): 404",
    ]


def test_serve_returns_1_on_descriptor_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_descriptor(
        tmp_path / "in", "a/bad.md", '{"api_path": "/x/", "method": "FETCH", "title": "x"}'
    )
    assert serve(Config(input=tmp_path / "in"), "127.0.0.1", 0) == 1
    assert "error" in capsys.readouterr().err


def test_cli_mock_prints_its_url_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1")
    source = tmp_path / "in"
    shutil.copytree(ROOT / "api-docs", source)
    write_descriptor(
        source,
        "teams/delete-team-avatar.md",
        '{"api_path": "/api/0/teams/{team_slug}/avatar/", "method": "DELETE", '
        '"title": "Delete a Team Avatar", "path_parameters": '
        '[{"name": "team_slug", "type": "string", "description": "The team."}]}',
    )

    lines: queue.Queue[str] = queue.Queue()

    def readline() -> str:
        try:
            return lines.get(timeout=60)
        except queue.Empty:
            raise AssertionError("the mock printed nothing within a minute") from None

    process = subprocess.Popen(
        [sys.executable, "-m", "apidocgen", "mock", "--input", str(source), "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: a test run started in the background by a shell without job
        # control ignores SIGINT, and a child inherits that (Python then never raises
        # KeyboardInterrupt).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None and process.stderr is not None
    stdout, stderr = process.stdout, process.stderr
    reader = threading.Thread(target=lambda: [lines.put(x) for x in iter(stdout.readline, "")])
    reader.start()
    errors: list[str] = []  # read as it comes: a full pipe would stop the mock
    error_reader = threading.Thread(target=lambda: errors.extend(iter(stderr.readline, "")))
    error_reader.start()
    try:
        line = readline()
        assert line.startswith("apidocgen mock: 7 operations on "), line
        listed = readline()  # the operations answering the default
        assert listed.startswith("apidocgen mock: 1 operation(s) have no example"), listed
        assert readline() == "  DELETE /api/0/teams/{team_slug}/avatar/ (delete_team_avatar)\n"
        url = line.split(" on ", 1)[1].split()[0]
        openapi = run(Config(input=ROOT / "api-docs")).openapi
        assert openapi is not None
        path = next(iter(openapi["paths"]))
        response = httpx.get(url + path.replace("{", "").replace("}", ""), timeout=10)
        assert response.status_code < 500
        assert httpx.get(url + "/definitely/not/here/", timeout=10).status_code == 404
        assert httpx.delete(url + "/api/0/teams/ops/avatar/", timeout=10).status_code == 204
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            process.wait(timeout=30)
            error_reader.join(timeout=30)
            pytest.fail("the mock did not stop on Ctrl-C; its stderr:\n" + "".join(errors))
        reader.join(timeout=30)
        error_reader.join(timeout=30)
    err = "".join(errors)
    assert process.returncode == 0, err
    assert "apidocgen mock: stopped\n" in list(lines.queue)
    assert "Traceback" not in err


def test_serve_reports_a_port_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with ReplayServer(api(tmp_path)) as busy:
        port = int(busy.url.rsplit(":", 1)[1])
        assert serve(Config(input=ROOT / "api-docs"), "127.0.0.1", port) == 1
    assert "cannot listen" in capsys.readouterr().err
