"""HAR files written by real tools, of traffic to a real server on 127.0.0.1: Chromium
(through Playwright's `record_har_path`) and mitmproxy (`mitmdump --set hardump=...`); and a
test session's traffic recorded with `apidocgen.record`. Each is imported and must give the
API's routes, examples and schemas.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from apidocgen.capture import ImportOptions, plan_import, read_har, write_plan
from apidocgen.config import Config
from apidocgen.diff.rules import compare
from apidocgen.diff.surface import surface_of_api
from apidocgen.mock import ReplayServer
from apidocgen.pipeline import run
from apidocgen.record import Recorder
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
MITMDUMP = ROOT / ".venv" / "mitmproxy" / "bin" / "mitmdump"
TEAMS = {1: {"id": 1, "slug": "ops", "name": "Ops"}, 2: {"id": 2, "slug": "web", "name": "Web"}}
PAGE = b"""<!doctype html><html><body><script>
(async () => {
  // Each body is read before the next request: the HAR holds a body the page has received.
  await (await fetch('/api/teams/')).text();
  await (await fetch('/api/teams/1/')).text();
  await (await fetch('/api/teams/2/')).text();
  await (await fetch('/api/teams/', {method: 'POST', headers: {'Content-Type': 'application/json',
    'Authorization': 'Bearer browser-secret-123'}, body: JSON.stringify({name: 'New'})})).text();
  document.title = 'done';
})();
</script></body></html>"""


class Api(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None

    def _send(self, status: int, body: Any, media: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/app":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/api/teams/":
            self._send(200, list(TEAMS.values()))
        elif (found := re.fullmatch(r"/api/teams/(\d+)/", self.path)) and int(found[1]) in TEAMS:
            self._send(200, TEAMS[int(found[1])] | {"members": int(found[1]) * 3})
        else:
            self._send(404, {"detail": "Not found"})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self._send(201, {"id": 3, "slug": "new", "name": body.get("name")})


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def require(path: Path, how: str) -> None:
    if path.exists():
        return
    message = f"{path} is missing: {how}"
    if os.environ.get("APIDOCGEN_CORPUS_REQUIRED") == "1":
        pytest.fail(message)
    pytest.skip(message)


def assert_teams_api(har_file: Path, into: Path, secret: str | None = None) -> None:
    exchanges, problems = read_har(har_file)
    assert not [d for d in problems if d.severity == "error"], problems
    assert not [d for d in problems if "is not in the HAR" in d.message], problems
    plan = plan_import(exchanges, into, ImportOptions(hosts=("127.0.0.1",)))
    assert not plan.failed, plan.diagnostics
    write_plan(plan)
    routes = set()
    for path in into.rglob("*.md"):
        text = path.read_text("utf-8")
        data = json.loads(text.split("\n---\n", 1)[0].split("\n", 2)[2])
        routes.add((data["method"], data["api_path"]))
        if secret is not None:
            assert secret not in text
    assert routes == {
        ("GET", "/api/teams/"),
        ("GET", "/api/teams/{team_id}/"),
        ("POST", "/api/teams/"),
    }
    result = run(Config(input=into, output=into.parent / "out"))
    assert not result.failed, [d.format() for d in result.diagnostics]
    document = json.loads(result.files["openapi.json"])
    item = document["paths"]["/api/teams/{team_id}/"]["get"]["responses"]["200"]
    ref = item["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(document["components"]["schemas"][ref]["properties"]) == {
        "id", "slug", "name", "members"
    }  # fmt: skip


def test_a_har_written_by_chromium(api_url: str, tmp_path: Path) -> None:
    require(CHROMIUM, "apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    har_file = tmp_path / "chromium.har"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            context = browser.new_context(record_har_path=str(har_file))
            page = context.new_page()
            page.goto(f"{api_url}/app")
            page.wait_for_function("document.title === 'done'", timeout=20_000)
            context.close()  # writes the HAR
        finally:
            browser.close()
    assert '"creator"' in har_file.read_text("utf-8")
    assert_teams_api(har_file, tmp_path / "api-docs", secret="browser-secret-123")


def test_a_har_written_by_mitmproxy(api_url: str, tmp_path: Path) -> None:
    require(MITMDUMP, "make test installs mitmproxy into .venv/mitmproxy")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    har_file = tmp_path / "mitmproxy.har"
    proxy = subprocess.Popen(
        [str(MITMDUMP), "-q", "--mode", f"reverse:{api_url}", "--listen-host", "127.0.0.1",
         "-p", str(port), "--set", f"hardump={har_file}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/teams/", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proxy.poll() is not None:
                    raise
                time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            client.get("/api/teams/1/")
            client.get("/api/teams/2/")
            client.post("/api/teams/", json={"name": "New"}, headers={"X-Api-Key": "mitm-key-9"})
    finally:
        proxy.send_signal(signal.SIGINT)
        _, errors = proxy.communicate(timeout=60)
    assert har_file.exists(), errors.decode(errors="replace")
    assert_teams_api(har_file, tmp_path / "api-docs", secret="mitm-key-9")


def test_a_recorded_session_of_the_generated_client_regenerates_the_api(tmp_path: Path) -> None:
    """The generated client's calls against `apidocgen mock`, recorded and written as
    descriptors, give back the same operations and response fields."""
    original = run(Config(input=ROOT / "api-docs", output=tmp_path / "gen", package="rec_api"))
    assert original.api is not None and not original.failed
    for path, text in original.files.items():
        if path.startswith("python/"):
            target = tmp_path / "gen" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
    recorder = Recorder()
    script_path = str(tmp_path / "gen" / "python")
    sys.path.insert(0, script_path)
    try:
        import rec_api

        with ReplayServer(original.api) as server, recorder.patch_httpx():
            with rec_api.Client(base_url=server.url, token="t") as client:
                client.events.list_issue_events("1")
                client.projects.retrieve_event_counts_for_project("acme", "web", stat="received")
                client.teams.list_organization_teams("acme")
                client.teams.create_new_team("acme", body={"name": "Ops", "slug": "ops"})
                client.teams.update_team("acme", "ops", body={"name": "Ops"})
                client.teams.delete_team("acme", "ops")
    finally:
        sys.path.remove(script_path)
        for name in [m for m in sys.modules if m == "rec_api" or m.startswith("rec_api.")]:
            del sys.modules[name]
    routes = tuple(op.path for op in original.api.routed if op.path)
    plan = recorder.write(tmp_path / "recorded", ImportOptions(routes=routes))
    assert not plan.failed and len(plan.created) == 6, plan.report
    again = run(Config(input=tmp_path / "recorded", output=tmp_path / "again"))
    assert again.api is not None and not again.failed
    changes = compare(surface_of_api(original.api), surface_of_api(again.api))
    kinds = {c.rule for c in changes}
    assert not {k for k in kinds if k.startswith(("operation-added", "operation-removed"))}
    assert not {k for k in kinds if k.startswith("response-field")}, [
        (c.method, c.path, c.rule, c.target) for c in changes if c.rule.startswith("response")
    ]


SESSION_TEST = """
import httpx


def test_calls(api_url):
    with httpx.Client(base_url=api_url) as client:
        assert client.get("/api/teams/1/").json()["slug"] == "ops"
        assert client.get("/api/teams/2/").status_code == 200
"""


def test_the_pytest_plugin_records_a_test_session(api_url: str, tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        f"import pytest\n\n@pytest.fixture\ndef api_url():\n    return {api_url!r}\n", "utf-8"
    )
    (tmp_path / "test_session.py").write_text(SESSION_TEST, "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_session.py",
         "--record-api-docs", "recorded", "--record-api-host", "127.0.0.1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "new teams/retrieve-a-team.md: GET /api/teams/{team_id}/ (2 exchange(s)" in done.stdout
    assert "apidocgen: 2 exchange(s) recorded; 1 new descriptor(s), 0 updated" in done.stdout
    assert (tmp_path / "recorded" / "teams" / "retrieve-a-team.md").is_file()
