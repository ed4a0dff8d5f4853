"""Record the HTTP exchanges a program or a test run makes, into descriptors.

A `Recorder` collects exchanges from `httpx` clients: wrap a transport
(`httpx.Client(transport=recorder.transport())`, `recorder.async_transport()`), or record
every client of the process (`with recorder.patch_httpx(): ...`). `recorder.write(folder)`
then turns what was recorded into descriptors and examples exactly as
`apidocgen import har` does (same routes, same secret placeholders, same merging).

As a pytest plugin (installed with apidocgen; inactive unless asked):

    pytest --record-api-docs api-docs [--record-api-host api.example.com]
           [--record-api-route '/teams/{team}/']

records every `httpx` exchange of the test session and writes them into the folder at the
end, printing what it added; the fixture `api_recorder` gives the session's recorder. A CI
job that runs the API's test suite this way keeps the examples true to the running API, and
`apidocgen check` then fails when the documented responses drifted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from apidocgen.capture import ImportOptions, ImportPlan, plan_import, write_plan
from apidocgen.capture.exchange import Exchange


class Recorder:
    """The exchanges recorded so far (thread-safe), and writing them as descriptors."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def transport(self, inner: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        """A transport that records each exchange made through `inner` (default: httpx's)."""
        return _RecordingTransport(inner or httpx.HTTPTransport(), self)

    def async_transport(
        self, inner: httpx.AsyncBaseTransport | None = None
    ) -> httpx.AsyncBaseTransport:
        return _AsyncRecordingTransport(inner or httpx.AsyncHTTPTransport(), self)

    @contextmanager
    def patch_httpx(self) -> Iterator[Recorder]:
        """Record every exchange any `httpx` client of this process makes meanwhile."""
        sync_handle = httpx.HTTPTransport.handle_request
        async_handle = httpx.AsyncHTTPTransport.handle_async_request
        recorder = self

        def handle(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
            return recorder.record(request, sync_handle(transport, request))

        async def handle_async(
            transport: httpx.AsyncHTTPTransport, request: httpx.Request
        ) -> httpx.Response:
            response = await async_handle(transport, request)
            await response.aread()
            return recorder.record(request, response)

        httpx.HTTPTransport.handle_request = handle  # type: ignore[method-assign,assignment]
        httpx.AsyncHTTPTransport.handle_async_request = handle_async  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            httpx.HTTPTransport.handle_request = sync_handle  # type: ignore[method-assign]
            httpx.AsyncHTTPTransport.handle_async_request = async_handle  # type: ignore[method-assign]

    def record(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        """Keep the exchange; a response the caller can still read (its body is read here)."""
        content = response.read()
        notes: list[str] = []
        exchange = Exchange(
            origin=f"recorded exchange {len(self.exchanges)}",
            method=request.method,
            url=str(request.url),
            request_headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
            ),
            request_body=_text(request.read(), request.headers.get("Content-Type"), notes),
            status=response.status_code,
            reason=response.reason_phrase,
            response_headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
            ),
            response_body=_text(content, response.headers.get("Content-Type"), notes),
            notes=tuple(notes),
        )
        with self._lock:
            self.exchanges.append(exchange)
        return response

    def plan(self, into: Path, options: ImportOptions | None = None) -> ImportPlan:
        with self._lock:
            exchanges = list(self.exchanges)
        return plan_import(exchanges, into, options or ImportOptions())

    def write(self, into: Path, options: ImportOptions | None = None) -> ImportPlan:
        """Write what was recorded into the descriptor folder `into` (nothing when the plan
        has errors); the plan, whose `report` says what changed."""
        plan = self.plan(into, options)
        if not plan.failed:
            write_plan(plan)
        return plan


def _text(data: bytes, media: str | None, notes: list[str]) -> str:
    if not data:
        return ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        notes.append(f"a body that is not text ({media or 'binary'}) was left out")
        return ""
    return text if "\x00" not in text else ""


class _RecordingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, recorder: Recorder) -> None:
        self.inner, self.recorder = inner, recorder

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.recorder.record(request, self.inner.handle_request(request))

    def close(self) -> None:
        self.inner.close()


class _AsyncRecordingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, recorder: Recorder) -> None:
        self.inner, self.recorder = inner, recorder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        return self.recorder.record(request, response)

    async def aclose(self) -> None:
        await self.inner.aclose()


# ---- the pytest plugin ----------------------------------------------------------------

_SESSION: dict[str, Any] = {}


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("apidocgen", "record API exchanges into descriptors")
    group.addoption(
        "--record-api-docs",
        metavar="DIR",
        help="record every httpx exchange of the session into this descriptor folder",
    )
    group.addoption(
        "--record-api-host", action="append", default=[], help="keep only this host (repeat)"
    )
    group.addoption(
        "--record-api-route",
        action="append",
        default=[],
        metavar="TEMPLATE",
        help="a route template, e.g. /teams/{team}/ (repeat)",
    )


def pytest_configure(config: Any) -> None:
    folder = config.getoption("--record-api-docs", default=None)
    if not folder:
        return
    recorder = Recorder()
    patch = recorder.patch_httpx()
    patch.__enter__()
    _SESSION.update(recorder=recorder, patch=patch, folder=Path(folder))


def pytest_unconfigure(config: Any) -> None:
    if "recorder" not in _SESSION:
        return
    recorder: Recorder = _SESSION.pop("recorder")
    _SESSION.pop("patch").__exit__(None, None, None)
    folder: Path = _SESSION.pop("folder")
    options = ImportOptions(
        hosts=tuple(config.getoption("--record-api-host") or ()),
        routes=tuple(config.getoption("--record-api-route") or ()),
    )
    plan = recorder.write(folder, options)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    lines = [d.format() for d in plan.diagnostics] + plan.report
    lines.append(
        f"apidocgen: {len(recorder.exchanges)} exchange(s) recorded;"
        f" {len(plan.created)} new descriptor(s), {len(plan.files) - len(plan.created)} updated"
        + ("; nothing written (errors above)" if plan.failed else "")
    )
    for line in lines:
        if reporter is not None:
            reporter.write_line(line)
        else:
            print(line)


def _fixture() -> Any:
    import pytest

    @pytest.fixture(scope="session")
    def api_recorder() -> Recorder:
        """The session's recorder (a fresh one when `--record-api-docs` is not given)."""
        found = _SESSION.get("recorder")
        return found if isinstance(found, Recorder) else Recorder()

    return api_recorder


try:  # the fixture exists only where pytest does
    api_recorder = _fixture()
except ImportError:  # pragma: no cover - apidocgen used without pytest
    pass
